"""The functions' RAM role: trusted by Function Compute, allowed exactly what the code calls."""

from __future__ import annotations

from tests.template.ros import walk

LOG_ACTION = "log:PostLogStoreLogs"
OWN_LOGSTORE = (
    "acs:log:${ALIYUN::Region}:${ALIYUN::AccountId}:"
    "project/${LogProject.Name}/logstore/${Logstore.LogstoreName}"
)


def _statements(resources) -> list[dict]:
    policies = resources["FunctionRole"]["Properties"]["Policies"]
    return [
        statement
        for policy in policies
        for statement in policy["PolicyDocument"]["Statement"]
    ]


def _actions(statement: dict) -> list[str]:
    action = statement["Action"]
    return [action] if isinstance(action, str) else list(action)


def test_role_trusts_function_compute(resources):
    document = resources["FunctionRole"]["Properties"]["AssumeRolePolicyDocument"]

    assert document["Version"] == "1"
    assert document["Statement"] == [
        {
            "Action": "sts:AssumeRole",
            "Effect": "Allow",
            "Principal": {"Service": ["fc.aliyuncs.com"]},
        }
    ]


def test_ecs_actions_match_client(resources):
    from shared.ecs import ECS_ACTIONS

    granted = {
        action
        for statement in _statements(resources)
        for action in _actions(statement)
        if action.startswith("ecs:")
    }

    assert granted == {"ecs:" + action for action in ECS_ACTIONS}


def test_only_ecs_and_log_actions(resources):
    for statement in _statements(resources):
        for action in _actions(statement):
            assert action.startswith("ecs:") or action == LOG_ACTION, action


def test_no_wildcard_actions(resources):
    for statement in _statements(resources):
        for action in _actions(statement):
            assert "*" not in action, action


def test_statements_only_allow(resources):
    for statement in _statements(resources):
        assert statement["Effect"] == "Allow"
        assert "NotAction" not in statement


def test_log_write_scoped_to_logstore(resources):
    log_statements = [
        statement for statement in _statements(resources) if LOG_ACTION in _actions(statement)
    ]

    assert len(log_statements) == 1
    assert _actions(log_statements[0]) == [LOG_ACTION]
    assert log_statements[0]["Resource"] == [{"Fn::Sub": OWN_LOGSTORE}]


def test_policy_document_version(resources):
    for policy in resources["FunctionRole"]["Properties"]["Policies"]:
        assert policy["PolicyDocument"]["Version"] == "1"


def test_no_managed_policies_attached(resources):
    properties = resources["FunctionRole"]["Properties"]

    assert "PolicyAttachments" not in properties
    assert not any(isinstance(node, str) and node.startswith("Aliyun") for node in walk(properties))


def test_service_runs_as_role(resources):
    properties = resources["Service"]["Properties"]

    assert properties["Role"] == {"Fn::GetAtt": ["FunctionRole", "Arn"]}
    assert properties["InternetAccess"] is True


def test_service_logs_to_logstore(resources):
    log_config = resources["Service"]["Properties"]["LogConfig"]

    assert log_config["Project"] == {"Fn::GetAtt": ["LogProject", "Name"]}
    assert log_config["Logstore"] == {"Fn::GetAtt": ["Logstore", "LogstoreName"]}


def test_logstore_names_lowercase(template):
    parameters = template["Parameters"]

    assert parameters["LogstoreName"]["Default"] == parameters["LogstoreName"]["Default"].lower()
    assert "a-z" in parameters["LogstoreName"]["AllowedPattern"]
    assert "A-Z" not in parameters["LogstoreName"]["AllowedPattern"]
    assert "A-Z" not in parameters["LogProjectName"]["AllowedPattern"]
