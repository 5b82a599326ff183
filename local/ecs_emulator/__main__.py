"""Command: run the ECS OpenAPI emulator on 127.0.0.1 until SIGTERM or Ctrl-C."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading

from .fleet import DEFAULT_REGIONS, generate_fleet
from .server import EmulatorServer
from .spec import FleetSpecError


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m local.ecs_emulator",
        description="Serve an emulated ECS OpenAPI (2014-05-26) on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0,
                        help="TCP port to listen on; 0 picks a free port (default 0)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--fleet", metavar="FILE", help="load the fleet from a fleet-spec JSON file")
    source.add_argument("--generate", type=int, metavar="N",
                        help="generate a fleet of N instances")
    parser.add_argument("--regions", default=",".join(DEFAULT_REGIONS),
                        help="comma-separated region IDs for --generate "
                             f"(default {','.join(DEFAULT_REGIONS)})")
    parser.add_argument("--missing-ratio", type=float, default=0.25,
                        help="share of generated instances without the agent (default 0.25)")
    parser.add_argument("--seed", type=int, default=0,
                        help="random seed for --generate (default 0)")
    parser.add_argument("--access-key-id", default="testid",
                        help="the accepted AccessKey ID (default testid)")
    parser.add_argument("--access-key-secret", default="testsecret",
                        help="the accepted AccessKey secret (default testsecret)")
    parser.add_argument("--security-token", default=None,
                        help="require this STS security token on every call (default none)")
    return parser.parse_args(argv)


def load_fleet(args: argparse.Namespace) -> dict:
    if args.fleet:
        with open(args.fleet, encoding="utf-8") as handle:
            return json.load(handle)
    if args.generate is not None:
        regions = [region.strip() for region in args.regions.split(",") if region.strip()]
        return generate_fleet(args.generate, regions, args.missing_ratio, args.seed)
    return {"regions": [], "instances": []}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        fleet = load_fleet(args)
        server = EmulatorServer(args.port, args.access_key_id, args.access_key_secret,
                                args.security_token, fleet)
    except (OSError, ValueError, FleetSpecError) as error:
        print(f"error: cannot load the fleet: {error}", file=sys.stderr)
        return 2

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    signal.signal(signal.SIGINT, lambda signum, frame: stop.set())
    try:
        server.start()
    except OSError as error:
        print(f"error: cannot listen on 127.0.0.1:{args.port}: {error}", file=sys.stderr)
        return 2

    print(f"Listening on {server.url}", flush=True)
    while not stop.wait(0.5):
        pass
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
