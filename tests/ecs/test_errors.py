"""Error classification of ECS responses and the text of the exceptions."""

from __future__ import annotations

import pytest

from shared.ecs import (
    ClientError,
    CredentialError,
    DeadlineExceededError,
    EcsError,
    OutcomeUnknownError,
    ServerError,
    ThrottlingError,
    TransportError,
)
from shared.ecs.errors import error_for_response


def error_body(code, message="message", request_id="REQ-1"):
    return {"Code": code, "Message": message, "RequestId": request_id, "Recommend": "https://r"}


@pytest.mark.parametrize(
    ("status", "code", "expected", "retryable"),
    [
        (400, "Throttling.User", ThrottlingError, True),
        (400, "Throttling.Api", ThrottlingError, True),
        (400, "Throttling", ThrottlingError, True),
        (503, "ServiceUnavailable", ServerError, True),
        (500, "InternalError", ServerError, True),
        (500, "InternalError.Dispatch", ServerError, True),
        (502, "", ServerError, True),
        (400, "SignatureDoesNotMatch", CredentialError, False),
        (404, "InvalidAccessKeyId.NotFound", CredentialError, False),
        (400, "InvalidAccessKeyId.Inactive", CredentialError, False),
        (400, "MissingSecurityToken", CredentialError, False),
        (400, "InvalidSecurityToken.Expired", CredentialError, False),
        (400, "InvalidTimeStamp.Expired", CredentialError, False),
        (404, "InvalidInstance.NotFound", ClientError, False),
        (403, "IncorrectInstanceStatus", ClientError, False),
        (400, "InvalidParameter", ClientError, False),
        (404, "", ClientError, False),
    ],
)
def test_response_classification(status, code, expected, retryable):
    error = error_for_response(status, error_body(code), action="InstallCloudAssistant", region="cn-hangzhou")
    assert type(error) is expected
    assert error.retryable is retryable
    assert error.code == code
    assert error.http_status == status


def test_error_fields_are_kept():
    error = error_for_response(404, error_body("InvalidInstance.NotFound"), action="RebootInstances",
                               region="cn-beijing")
    assert (error.message, error.request_id, error.recommend) == ("message", "REQ-1", "https://r")
    assert (error.action, error.region) == ("RebootInstances", "cn-beijing")


def test_error_text_reads_well():
    error = error_for_response(404, error_body("InvalidInstance.NotFound", "The instance does not exist."),
                               action="InstallCloudAssistant", region="cn-hangzhou")
    assert str(error) == (
        "InstallCloudAssistant in cn-hangzhou failed: InvalidInstance.NotFound: "
        "The instance does not exist. (HTTP 404, RequestId REQ-1)"
    )


def test_credential_error_has_hint():
    error = error_for_response(400, error_body("SignatureDoesNotMatch"), action="DescribeRegions", region=None)
    assert "access key secret" in error.hint
    assert error.hint in str(error)


def test_token_hint_for_token_codes():
    error = error_for_response(400, error_body("InvalidSecurityToken.Expired"), action="DescribeRegions",
                               region=None)
    assert "security token" in error.hint


def test_string_to_sign_and_secrets_removed():
    message = "Specified signature is not matched with our calculation. server string to sign is:POST&%2F&tok"
    error = error_for_response(400, error_body("SignatureDoesNotMatch", message + " tok-secret"),
                               action="DescribeRegions", region=None, secrets=["tok-secret"])
    assert "string to sign removed" in error.message
    assert "POST&" not in str(error)


def test_secret_in_message_masked():
    error = error_for_response(400, error_body("InvalidParameter", "bad value the-secret here"),
                               action="DescribeRegions", region=None, secrets=["the-secret"])
    assert "the-secret" not in str(error)
    assert "***" in error.message


def test_non_json_error_body():
    error = error_for_response(502, None, action="DescribeInstances", region="cn-hangzhou")
    assert isinstance(error, ServerError)
    assert "HTTP 502" in error.message


def test_every_error_is_ecs_error():
    for cls in (ThrottlingError, ServerError, TransportError, OutcomeUnknownError, CredentialError,
                ClientError, DeadlineExceededError):
        assert issubclass(cls, EcsError), cls


def test_default_retryable_flags():
    assert TransportError("x").retryable is True
    assert OutcomeUnknownError("x").retryable is False
    assert DeadlineExceededError("x").retryable is True
    assert ClientError("x").retryable is False
