"""Hostile trigger payloads and HTTP requests (hypothesis strategies) and the checks run on each.

The checks: no exception escapes a handler except TransientFailureError, every ECS
call carries only values that match shared/validation.py's patterns, and every
rejection in a report is also logged with its reason.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from local.fc_runtime import FcError
from shared.config import REGION_PATTERN
from shared.validation import INSTANCE_ID_PATTERN
from tests.reliability.helpers import captured_stdout, log_events, running_event

# Existing instances whose agent is online, so that valid events end quickly in already_online.
KNOWN_IDS = ("i-bp1aaaaaaaaaaaaaaaaa", "i-bp1bbbbbbbbbbbbbbbbb", "i-bp1ccccccccccccccccc")
HOSTILE_CHARACTERS = ("&", "=", "%", "%26", "\n", "\r\n", " ", "\x00", "\u0456", "\uff49", "\u2010", "?", "#", "/")
# Cyrillic "с" and "і", a fullwidth "ｉ" and a Unicode hyphen stand in for ASCII letters.
LOOK_ALIKE_REGIONS = ("сn-hangzhou", "cn‐hangzhou", "cn-hangzhou\n", "cn-hangzhou&RegionId=cn-beijing",
                      "cn-hangzhou%0A", "cn=hangzhou", "ｃｎ-hangzhou")
LOOK_ALIKE_IDS = ("і-bp1aaaaaaaaaaaaaaaaa", "i-bp1aaaaaaaaaaaaaaaaa\n", "i-bp1aaaaaaaaaaaaaaaaa&InstanceId.2=i-x",
                  "i-bp1aaaaaaaaaaaaaaaa%61", "ｉ-bp1aaaaaaaaaaaaaaaaa", "i‐bp1aaaaaaaaaaaaaaaaa")
VALIDATED_PREFIXES = ("InstanceId.", "ResourceId.")
# Deep enough to exceed the JSON decoder's recursion limit.
DEEP_NESTING = 100_000


def fleet() -> dict[str, Any]:
    return {"instances": [{"RegionId": "cn-hangzhou", "InstanceId": instance_id, "Status": "Running",
                           "CloudAssistant": "online"} for instance_id in KNOWN_IDS]}


def _spliced(values: tuple[str, ...]) -> st.SearchStrategy[str]:
    """Return strings made by inserting a hostile character into one of `values`."""
    return st.builds(lambda base, position, char: base[:position] + char + base[position:],
                     st.sampled_from(values), st.integers(0, 22), st.sampled_from(HOSTILE_CHARACTERS))


# Valid values come twice, so that about half of the events reach ECS.
instance_ids = st.one_of(st.sampled_from(KNOWN_IDS), st.sampled_from(KNOWN_IDS), st.sampled_from(LOOK_ALIKE_IDS),
                         _spliced(KNOWN_IDS), st.text(max_size=40))
regions = st.one_of(st.just("cn-hangzhou"), st.just("cn-hangzhou"), st.sampled_from(LOOK_ALIKE_REGIONS),
                    _spliced(("cn-hangzhou",)), st.text(max_size=20))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=20,
)
wrong_types = st.one_of(st.none(), st.integers(), st.booleans(), st.lists(st.integers(), max_size=3),
                        st.dictionaries(st.text(max_size=5), st.integers(), max_size=3))


_sometimes = st.integers(0, 3).map(lambda number: number == 0)


@st.composite
def cloud_events(draw) -> dict[str, Any]:
    event = running_event(draw(instance_ids), region=draw(regions), event_id=draw(st.text(max_size=20)))
    if draw(_sometimes):
        event["data"]["content"]["resourceId"] = draw(st.one_of(instance_ids, wrong_types))
    if draw(_sometimes):
        event["aliyunregionid"] = draw(st.one_of(regions, wrong_types))
    if draw(_sometimes):
        event["data"]["content"]["state"] = draw(st.one_of(st.sampled_from(["Running", "Stopped"]), wrong_types))
    return event


@st.composite
def scale_out_events(draw) -> dict[str, Any]:
    count = draw(st.sampled_from([1, 3, 50, 1001, 5000]))
    ids = draw(st.lists(instance_ids, min_size=1, max_size=3)) * (count // 3 + 1)
    return {"specversion": "1.0", "id": draw(st.text(max_size=10)), "source": "acs.ess",
            "type": "ess:ScalingActivity:ScaleOutSuccess", "aliyunregionid": draw(regions),
            "data": {"instanceIds": draw(st.one_of(st.just(ids[:count]), wrong_types)), "regionId": draw(regions)}}


@st.composite
def cloudmonitor_events(draw) -> dict[str, Any]:
    return {"product": "ECS", "name": "Instance:StateChange", "id": draw(st.text(max_size=10)),
            "regionId": draw(st.one_of(regions, wrong_types)),
            "content": {"resourceId": draw(st.one_of(instance_ids, wrong_types)), "state": "Running"}}


def _encode(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


event_payloads = st.one_of(
    st.binary(max_size=200),
    st.just(b"[" * DEEP_NESTING + b"]" * DEEP_NESTING),
    st.just(b'{"a":' * DEEP_NESTING + b"1" + b"}" * DEEP_NESTING),
    json_values.map(_encode),
    cloud_events().map(_encode),
    scale_out_events().map(_encode),
    cloudmonitor_events().map(_encode),
    st.lists(st.one_of(cloud_events(), cloudmonitor_events(), json_values), max_size=4).map(_encode),
)


@st.composite
def timer_payloads(draw) -> bytes:
    options = draw(st.one_of(st.text(max_size=30), st.builds(
        lambda listed, dry_run: json.dumps({"regions": listed, "dryRun": dry_run}),
        st.one_of(st.lists(regions, max_size=4), wrong_types), st.one_of(st.booleans(), wrong_types))))
    return _encode({"triggerTime": draw(st.one_of(st.text(max_size=25), wrong_types)),
                    "triggerName": draw(st.one_of(st.text(max_size=10), wrong_types)), "payload": options})


sweep_payloads = st.one_of(st.binary(max_size=200), json_values.map(_encode), timer_payloads())


@st.composite
def http_requests(draw) -> dict[str, Any]:
    """Return keyword arguments of FcInstance.http: method, query, headers and body."""
    parameters: dict[str, Any] = {
        "Action": draw(st.one_of(st.sampled_from(["InstallCloudAssistant", "DescribeCloudAssistantStatus"]),
                                 st.text(max_size=20))),
        "RegionId": draw(regions),
    }
    listed = draw(st.lists(instance_ids, max_size=4))
    if draw(st.booleans()):
        parameters["InstanceIds"] = draw(st.one_of(st.just(json.dumps(listed)), st.text(max_size=30)))
    else:
        parameters.update({f"InstanceId.{n}": value for n, value in enumerate(listed, start=1)})
    if draw(st.booleans()):
        parameters["Format"] = draw(st.sampled_from(["XML", "json", "\n"]))

    form = draw(st.sampled_from(["query", "json", "form", "raw"]))
    if form == "query":
        return {"method": draw(st.sampled_from(["GET", "POST", "PUT"])), "query": parameters, "body": b"",
                "headers": {}}
    if form == "json":
        document = draw(st.one_of(st.just(parameters), json_values, st.just({**parameters, "InstanceIds": listed})))
        return {"method": "POST", "query": None, "body": _encode(document),
                "headers": {"Content-Type": "application/json"}}
    if form == "form":
        from urllib.parse import urlencode

        return {"method": "POST", "query": None, "body": urlencode(parameters).encode(),
                "headers": {"Content-Type": "application/x-www-form-urlencoded"}}
    return {"method": "POST", "query": None, "headers": {"Content-Type": draw(st.sampled_from(["", "text/plain"]))},
            "body": draw(st.one_of(st.binary(max_size=300), st.just(b"[" * DEEP_NESTING)))}


def unvalidated_params(calls: list[dict[str, Any]]) -> list[str]:
    """Return each RegionId or instance ID parameter in the call log that the validation patterns reject."""
    bad = []
    for call in calls:
        for name, value in call["params"].items():
            if name == "RegionId" and not REGION_PATTERN.fullmatch(value):
                bad.append(f"{call['action']} {name}={value!r}")
            elif (name.startswith(VALIDATED_PREFIXES) or name == "InstanceId") and \
                    not INSTANCE_ID_PATTERN.fullmatch(value):
                bad.append(f"{call['action']} {name}={value!r}")
            elif name == "InstanceIds":
                listed = json.loads(value)
                bad += [f"{call['action']} InstanceIds item {item!r}" for item in listed
                        if not isinstance(item, str) or not INSTANCE_ID_PATTERN.fullmatch(item)]
    return bad


def check_invocation(function, payload: bytes) -> list[str]:
    """Invoke an event handler once and return the problems found, empty when it behaved."""
    with captured_stdout() as lines:
        try:
            result = function.invoke(payload)
        except FcError as error:
            if error.error_type == "TransientFailureError":
                return []
            return [f"{error.error_type} escaped the handler: {error.error_message}"]
    return unlogged_rejections(json.loads(result), log_events(lines))


def unlogged_rejections(report: dict[str, Any], events: list[dict[str, Any]]) -> list[str]:
    """Return the report's rejections and invalid IDs that no log line records with the same reason."""
    logged = {(event.get("reason"), event.get("value")) for event in events if event.get("event") == "input_rejected"}
    logged_ids = {(event.get("instanceId"), event.get("reason")) for event in events
                  if event.get("event") == "instance_outcome"}
    problems = [f"rejection not logged: {item}" for item in report["rejected"]
                if not item["reason"] or (item["reason"], item["value"]) not in logged]
    problems += [f"invalid ID not logged: {item}" for item in report["instances"]
                 if item["outcome"] == "invalid_id"
                 and (not item["reason"] or (item["instanceId"], item["reason"]) not in logged_ids)]
    return problems


def check_request(function, request: dict[str, Any], token: str) -> list[str]:
    """Send one HTTP request with a valid token and return the problems found."""
    headers = {"X-Api-Token": token, **request["headers"]}
    with captured_stdout() as lines:
        response = function.http(request["method"], "/", query=request["query"], headers=headers,
                                 body=request["body"])
    problems = []
    if response.status >= 500:
        problems.append(f"HTTP {response.status}: {response.body[:200]!r}")
    if b"Traceback" in response.body:
        problems.append("a traceback reached the response")
    if response.status >= 400 and not any(event.get("event") == "http_request_rejected" for event in
                                          log_events(lines)):
        problems.append(f"HTTP {response.status} was not logged with its reason")
    return problems
