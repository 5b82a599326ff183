"""FcInstance.http: the WSGI environ FC 2.0 builds and the response it returns."""

from __future__ import annotations

import pytest

from local.fc_runtime import strip_proxy_prefix


@pytest.fixture
def web(make_instance):
    return make_instance("web")


def test_basic_environ(web):
    response = web.http("GET", "/status")
    environ = response.json()

    assert response.status == 201
    assert environ["REQUEST_METHOD"] == "GET"
    assert environ["PATH_INFO"] == "/status"
    assert environ["SCRIPT_NAME"] == ""
    assert environ["QUERY_STRING"] == ""
    assert environ["SERVER_PROTOCOL"] == "HTTP/1.1"
    assert environ["SERVER_NAME"] == "127.0.0.1"
    assert environ["SERVER_PORT"] == "80"
    assert environ["wsgi.version"] == [1, 0]
    assert environ["wsgi.url_scheme"] == "http"
    assert environ["fc.request_uri"] == "/status"
    assert environ["context_function"] == "web"


def test_content_length_absent_without_body(web):
    environ = web.http("GET", "/").json()

    assert "CONTENT_LENGTH" not in environ
    assert "CONTENT_TYPE" not in environ
    assert environ["body"] == ""


def test_content_length_empty_header(web):
    environ = web.http("POST", "/", headers={"Content-Length": ""}).json()

    assert environ["CONTENT_LENGTH"] == ""
    assert "HTTP_CONTENT_LENGTH" not in environ


def test_body_and_content_headers(web):
    body = '{"instance_ids": ["i-1"]}'

    environ = web.http("POST", "/install", headers={"Content-Type": "application/json"},
                       body=body).json()

    assert environ["CONTENT_LENGTH"] == str(len(body))
    assert environ["CONTENT_TYPE"] == "application/json"
    assert "HTTP_CONTENT_TYPE" not in environ
    assert environ["body"] == body


def test_headers_become_http_keys(web):
    headers = [("X-Api-Token", "t1"), ("Accept", "a"), ("Accept", "b"), ("Host", "fc.local:9000")]

    environ = web.http("GET", "/", headers=headers).json()

    assert environ["HTTP_X_API_TOKEN"] == "t1"
    assert environ["HTTP_ACCEPT"] == "a,b"
    assert environ["HTTP_HOST"] == "fc.local:9000"
    assert environ["SERVER_NAME"] == "fc.local"
    assert environ["SERVER_PORT"] == "9000"


@pytest.mark.parametrize(("path", "query", "expected"), [
    ("/", {"region": "cn-hangzhou", "id": ["i-1", "i-2"]}, "region=cn-hangzhou&id=i-1&id=i-2"),
    ("/", [("a", "1"), ("a", "2")], "a=1&a=2"),
    ("/", "raw=%20x", "raw=%20x"),
    ("/?from=path", None, "from=path"),
    ("/?from=path", {"more": "1"}, "from=path&more=1"),
])
def test_query_string_cases(web, path, query, expected):
    environ = web.http("GET", path, query=query).json()

    assert environ["QUERY_STRING"] == expected
    assert environ["fc.request_uri"] == "/?" + expected


def test_path_info_is_decoded(web):
    environ = web.http("GET", "/a%20b/%C3%A9").json()

    assert environ["PATH_INFO"] == "/a b/" + "é".encode().decode("latin-1")
    assert environ["fc.request_uri"] == "/a%20b/%C3%A9"


@pytest.mark.parametrize(("path", "expected"), [
    ("/2016-08-15/proxy/fixture-service/web/instances", "/instances"),
    ("/2016-08-15/proxy/fixture-service.LATEST/web/instances", "/instances"),
    ("/2016-08-15/proxy/fixture-service/web/", "/"),
    ("/2016-08-15/proxy/fixture-service/web", "/"),
    ("/2016-08-15/proxy/other-service/web/x", "/2016-08-15/proxy/other-service/web/x"),
    ("/2016-08-15/proxy/fixture-service/echo/x", "/2016-08-15/proxy/fixture-service/echo/x"),
])
def test_proxy_prefix_cases(web, path, expected):
    environ = web.http("GET", path, query={"q": "1"}).json()

    assert environ["PATH_INFO"] == expected
    assert environ["fc.request_uri"] == path + "?q=1"


def test_strip_proxy_any_service():
    assert strip_proxy_prefix("/2016-08-15/proxy/any/web/x", "", "web") == "/x"


def test_context_in_environ(web):
    response = web.http("GET", "/", request_id="req-web-1")

    assert response.json()["context_request_id"] == "req-web-1"
    assert response.headers["X-Fc-Request-Id"] == "req-web-1"


def test_response_headers_kept(web):
    response = web.http("GET", "/")

    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Set-Cookie"] == "a=1, b=2"
    assert response.header_list.count(("Set-Cookie", "a=1")) == 1
    assert response.header("content-type") == "application/json"


@pytest.mark.parametrize(("path", "error_type"), [
    ("/raise", "RuntimeError"),
    ("/text-chunk", "TypeError"),
    ("/no-start", "RuntimeError"),
])
def test_handler_failure_gives_502(web, path, error_type):
    response = web.http("GET", path, request_id="req-fail")
    payload = response.json()

    assert response.status == 502
    assert response.headers["X-Fc-Error-Type"] == "UnhandledInvocationError"
    assert response.headers["X-Fc-Request-Id"] == "req-fail"
    assert set(payload) == {"errorMessage", "errorType", "stackTrace"}
    assert payload["errorType"] == error_type


def test_handler_timeout_gives_502(make_instance, tmp_path):
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "index.py").write_text(
        "import time\n\n"
        "def handler(environ, start_response):\n"
        "    time.sleep(1.0)\n"
        "    start_response('200 OK', [])\n"
        "    return [b'late']\n"
    )
    instance = make_instance("web", functions_dir=tmp_path, timeout=0.2)

    response = instance.http("GET", "/")

    assert response.status == 502
    assert response.json()["errorMessage"] == "Function time out after 0.2 seconds"
