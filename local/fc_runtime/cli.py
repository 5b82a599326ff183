"""Command-line options shared by `python -m local.invoke` and `python -m local.serve`."""

from __future__ import annotations

import argparse

from local.fc_runtime.instance import FcInstance


def add_instance_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options that set up the FC instance."""
    parser.add_argument("function", metavar="FUNCTION",
                        help="function name: a folder under functions/ and a FunctionName "
                             "in template.yml")
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                        help="environment variable for the function, over the template's "
                             "defaults. Repeat the option for several")
    parser.add_argument("--region", help="region ID for context.region and FC_REGION "
                                         "(default: FC_REGION, else cn-hangzhou)")
    parser.add_argument("--timeout", type=float, metavar="SECONDS",
                        help="invocation timeout in seconds (default: the template's Timeout)")
    parser.add_argument("--functions-dir", metavar="DIR",
                        help="folder that contains the function folders (default: functions/)")
    parser.add_argument("--template", metavar="FILE",
                        help="ROS template to read the function from (default: template.yml)")


def parse_environment(parser: argparse.ArgumentParser, pairs: list[str]) -> dict[str, str]:
    """Turn `KEY=VALUE` strings into a dict, or exit with a usage error naming the bad one."""
    environment = {}
    for pair in pairs:
        name, separator, value = pair.partition("=")
        if not separator or not name:
            parser.error(f"invalid --env {pair!r}: write it as KEY=VALUE")
        environment[name] = value
    return environment


def build_instance(parser: argparse.ArgumentParser, arguments: argparse.Namespace) -> FcInstance:
    """Create the FcInstance that the parsed options describe."""
    environment = parse_environment(parser, arguments.env)
    if arguments.timeout is not None and arguments.timeout <= 0:
        parser.error(f"invalid --timeout {arguments.timeout}: use a positive number of seconds")

    return FcInstance(
        arguments.function,
        environment=environment,
        region=arguments.region,
        timeout=arguments.timeout,
        functions_dir=arguments.functions_dir,
        template_path=arguments.template,
    )

