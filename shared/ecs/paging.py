"""NextToken paging and the check that DescribeInstances returned only what was requested."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

import structlog

from shared.ecs.errors import EcsError
from shared.ecs.models import Instance, items

logger = structlog.get_logger(__name__)


def iterate_pages(
    call: Callable[[str, str, Mapping[str, str]], dict],
    action: str,
    region: str,
    params: Mapping[str, str],
    outer: str,
    inner: str,
) -> Iterator[list[dict]]:
    """Yield the entries at `body[outer][inner]` of each page, following NextToken.

    Paging stops at an empty token, and at a token seen before, so that a server
    that repeats itself cannot loop the client. TotalCount is not used.
    """
    seen_tokens: set[str] = set()
    token = ""
    while True:
        page_params = dict(params)
        if token:
            page_params["NextToken"] = token
        body = call(action, region, page_params)
        yield items(body, outer, inner)

        token = str(body.get("NextToken") or "")
        if not token:
            return
        if token in seen_tokens:
            logger.warning(
                "ecs_repeated_next_token", action=action, region=region, pages=len(seen_tokens) + 1
            )
            return
        seen_tokens.add(token)


def check_returned(instances: list[Instance], requested: set[str] | None, region: str) -> None:
    """Raise EcsError if DescribeInstances returned an instance that was not requested."""
    for instance in instances:
        if requested is not None and instance.instance_id not in requested:
            reason = "which was not requested"
        elif instance.region_id != region:
            reason = f"which is in {instance.region_id}"
        else:
            continue
        raise EcsError(
            f"DescribeInstances returned {instance.instance_id!r}, {reason}; "
            "the response is not trusted",
            code="UnexpectedInstance",
            action="DescribeInstances",
            region=region,
        )
