"""Start and end of every invocation, shared by the three handlers.

`begin` binds the logging context, reads this invocation's credentials and builds
the client, the deadlines and the report. `finish` adds the API call counts and
logs the summary line.
"""

from __future__ import annotations

from typing import Any

from shared.config import Config
from shared.credentials import Credentials, CredentialsMissingError, resolve_credentials
from shared.deadline import Deadline
from shared.ecs import ClientSettings, CredentialError, EcsClient
from shared.logs import bind_invocation, get_logger, register_secret
from shared.policy import Policy
from shared.report import Report
from shared.run import Run

log = get_logger("shared.invocation")

# The client stops starting calls this many seconds before the function timeout;
# the larger DEADLINE_MARGIN_SECONDS stops new work earlier, leaving time to write markers.
HARD_DEADLINE_MARGIN_SECONDS = 1.0
# Placeholder keys for an invocation without credentials: `Run.fatal` stops every call first.
_NO_CREDENTIALS = Credentials("missing", "missing")


class TransientFailureError(Exception):
    """Raised by the event handler after logging its report when instances are left for a retry.

    Function Compute then redelivers the event; instances already handled are skipped
    on the next attempt because their markers or agent status show it.
    """


def request_id_of(context: object) -> str:
    return str(getattr(context, "request_id", "") or "local")


def begin(context: object, config: Config, *, function: str, trigger: str, cold_start: bool,
          dry_run: bool | None = None, quiet_outcomes: frozenset[str] = frozenset()) -> Run:
    """Start an invocation: logging context, credentials, client, deadlines and report."""
    request_id = request_id_of(context)
    bind_invocation(request_id=request_id, function=function, trigger=trigger, cold_start=cold_start)
    log.info("invocation_start")

    policy = Policy.from_config(config, invocation_id=request_id, dry_run=dry_run)
    report = Report(request_id, trigger, quiet_outcomes=quiet_outcomes)
    soft_deadline = Deadline.from_context(context, config.deadline_margin_seconds)
    hard_deadline = Deadline.from_context(context, HARD_DEADLINE_MARGIN_SECONDS)

    fatal = None
    try:
        credentials = resolve_credentials(context)
        register_secret(credentials.access_key_secret)
        register_secret(credentials.security_token)
    except CredentialsMissingError as error:
        log.error("credentials_missing", error=str(error))
        credentials = _NO_CREDENTIALS
        fatal = CredentialError(str(error), code="MissingCredentials", retryable=False)

    client = EcsClient(credentials, ClientSettings.from_config(config), deadline=hard_deadline)
    return Run(client=client, policy=policy, deadline=soft_deadline, report=report, fatal=fatal)


def finish(run: Run) -> dict[str, Any]:
    """Add the API call counts, log the summary line and return the report as a dict."""
    run.report.add_api_calls(run.client.call_counts)
    run.report.log_summary()
    return run.report.to_dict()
