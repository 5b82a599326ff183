"""Triggers: EventBridge events, the timer sweep and the HTTP API, and the stack outputs."""

from __future__ import annotations

import json
import re

from tests.template.ros import resolve

FILTER_PATTERN = {
    "source": ["acs.ecs", "acs.ess"],
    "type": [
        "ecs:Instance:StateChange",
        "ess:ScalingActivity:ScaleOutSuccess",
        "ess:ScalingActivity:ScaleOutPartialSuccess",
    ],
}


def _triggers_of(triggers, logical_function: str) -> list[dict]:
    reference = {"Fn::GetAtt": [logical_function, "FunctionName"]}
    return [
        trigger
        for trigger in triggers.values()
        if trigger["Properties"]["FunctionName"] == reference
    ]


def _only_trigger(triggers, logical_function: str) -> dict:
    found = _triggers_of(triggers, logical_function)
    assert len(found) == 1, logical_function
    return found[0]["Properties"]


def test_trigger_names_within_limits(triggers, spec):
    pattern = re.compile(spec["limits"]["TriggerName"]["pattern"])

    for name, trigger in triggers.items():
        assert pattern.fullmatch(trigger["Properties"]["TriggerName"]), name


def test_triggers_belong_to_service(triggers):
    for name, trigger in triggers.items():
        service = trigger["Properties"]["ServiceName"]
        assert service == {"Fn::GetAtt": ["Service", "ServiceName"]}, name


def test_eventbridge_trigger_type(triggers):
    properties = _only_trigger(triggers, "InstanceEventsFunction")

    assert properties["TriggerType"] == "eventbridge"


def test_filter_pattern_is_json_string(triggers):
    config = _only_trigger(triggers, "InstanceEventsFunction")["TriggerConfig"]

    assert isinstance(config["eventRuleFilterPattern"], str)
    assert json.loads(config["eventRuleFilterPattern"]) == FILTER_PATTERN


def test_eventbridge_source_and_sink(triggers):
    config = _only_trigger(triggers, "InstanceEventsFunction")["TriggerConfig"]

    assert config["triggerEnable"] is True
    assert isinstance(config["asyncInvocationType"], bool)
    assert config["eventSourceConfig"] == {"eventSourceType": "Default"}
    assert config["eventSinkConfig"]["deliveryOption"]["eventSchema"] == "CloudEvents"


def test_eventbridge_run_options(triggers):
    run_options = _only_trigger(triggers, "InstanceEventsFunction")["TriggerConfig"]["runOptions"]

    assert run_options["mode"] == "event-driven"
    assert run_options["retryStrategy"]["PushRetryStrategy"] in (
        "BACKOFF_RETRY",
        "EXPONENTIAL_DECAY_RETRY",
    )
    assert run_options["errorsTolerance"] in ("NONE", "ALL")


def test_eventbridge_config_keys_camel_case(triggers):
    config = _only_trigger(triggers, "InstanceEventsFunction")["TriggerConfig"]

    for key in config:
        assert key[0].islower(), key


def test_timer_trigger_on_sweep(template, triggers):
    properties = _only_trigger(triggers, "ScheduledSweepFunction")
    config = properties["TriggerConfig"]

    assert properties["TriggerType"] == "timer"
    assert config["enable"] is True
    assert config["cronExpression"] == {"Ref": "SweepCronExpression"}
    assert config["payload"] == {"Ref": "SweepPayload"}
    assert template["Parameters"]["SweepPayload"]["Default"] == ""


def test_timer_default_has_six_fields(template):
    # Function Compute cron expressions start with a seconds field.
    default = template["Parameters"]["SweepCronExpression"]["Default"]

    assert default == "0 0 */1 * * *"
    assert len(default.split()) == 6


def test_http_trigger_on_http_api(triggers):
    properties = _only_trigger(triggers, "HttpApiFunction")

    assert properties["TriggerType"] == "http"
    assert properties["TriggerConfig"]["methods"] == ["GET", "POST"]


def test_http_auth_type_by_mode(template, triggers):
    auth_type = _only_trigger(triggers, "HttpApiFunction")["TriggerConfig"]["authType"]

    assert resolve(auth_type, template) == "function"
    assert resolve(auth_type, template, {"HttpAuthMode": "fc-signature"}) == "function"
    assert resolve(auth_type, template, {"HttpAuthMode": "token"}) == "anonymous"
    assert resolve(auth_type, template, {"HttpAuthMode": "none"}) == "anonymous"


def test_default_log_project_name(template, resources):
    name = resources["LogProject"]["Properties"]["Name"]

    assert resolve(name, template) == {
        "Fn::Sub": "ca-autoinstall-${ALIYUN::AccountId}-${ALIYUN::Region}"
    }
    assert resolve(name, template, {"LogProjectName": "my-logs"}) == "my-logs"


def test_outputs(template):
    outputs = {name: output["Value"] for name, output in template["Outputs"].items()}

    assert outputs == {
        "HttpApiUrl": {"Fn::GetAtt": ["HttpApiTrigger", "UrlInternet"]},
        "RoleArn": {"Fn::GetAtt": ["FunctionRole", "Arn"]},
        "LogProject": {"Fn::GetAtt": ["LogProject", "Name"]},
        "Logstore": {"Fn::GetAtt": ["Logstore", "LogstoreName"]},
    }
