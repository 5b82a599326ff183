"""One warm FC 2.0 instance of a function, run in this process."""

from __future__ import annotations

import json
import os
import sys
import threading
import uuid
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from local.fc_runtime.context import (
    DEFAULT_ACCOUNT_ID,
    DEFAULT_QUALIFIER,
    DEFAULT_REGION,
    Credentials,
    FcContext,
    FunctionMeta,
    ServiceMeta,
)
from local.fc_runtime.environment import applied_environment
from local.fc_runtime.errors import FcConfigError, FcError
from local.fc_runtime.loader import (
    entry_point,
    load_code_module,
    next_instance_number,
    split_handler,
)
from local.fc_runtime.worker import call_with_timeout
from local.fc_runtime.wsgi import (
    Headers,
    HttpResponse,
    Query,
    build_environ,
    call_application,
    encode_query,
    error_response,
    strip_proxy_prefix,
    with_request_id,
)
from local.ros_template import REPO_ROOT, FunctionSpec, TemplateError, function_spec, load_template


class FcInstance:
    """A warm FC instance: the function's module loaded once, with its own module state.

    The constructor is the cold start. It applies the function's environment to
    `os.environ` (template defaults, then `environment`, then the FC system
    variables), executes the handler file as a module private to this instance, and
    restores `os.environ`. Handlers therefore must read their configuration at import
    time, as they do on FC. The initializer, if the template declares one, runs once
    before the first invocation, also inside that environment.
    """

    def __init__(self, function_name: str, environment: Mapping[str, str] | None = None,
                 credentials: Credentials | None = None, region: str | None = None,
                 timeout: float | None = None, repo_root: str | os.PathLike[str] | None = None,
                 functions_dir: str | os.PathLike[str] | None = None,
                 template_path: str | os.PathLike[str] | None = None,
                 spec: FunctionSpec | None = None) -> None:
        root = Path(repo_root) if repo_root is not None else REPO_ROOT
        overrides = {str(name): str(value) for name, value in (environment or {}).items()}
        lookup = {**os.environ, **overrides}

        self.function_name = function_name
        self.repo_root = root
        self.function_dir = Path(functions_dir or root / "functions") / function_name
        self.region = region or lookup.get("FC_REGION") or DEFAULT_REGION
        self.account_id = lookup.get("FC_ACCOUNT_ID") or DEFAULT_ACCOUNT_ID
        self.credentials = credentials or Credentials.from_environment(lookup)
        self.spec = spec or self._read_spec(Path(template_path or root / "template.yml"))
        self.timeout = float(timeout) if timeout is not None else self.spec.timeout
        self.instance_id = f"local-{next_instance_number()}-{uuid.uuid4().hex[:8]}"
        self.environment = {**self.spec.environment, **overrides, **self._system_variables()}

        if not self.function_dir.is_dir():
            raise FcConfigError(f"function folder not found: {self.function_dir}. Create "
                                f"{self.function_dir}/index.py or pass functions_dir")

        self._modules: dict[str, Any] = {}
        self._initialized = False
        self._initialize_lock = threading.Lock()

        handler_file, handler_method = split_handler(self.spec.handler)
        self.handler = entry_point(self._module(handler_file), handler_method, "handler")
        self.initializer = None
        if self.spec.initializer:
            initializer_file, initializer_method = split_handler(self.spec.initializer)
            module = self._module(initializer_file)
            self.initializer = entry_point(module, initializer_method, "initializer")

    def _read_spec(self, template_path: Path) -> FunctionSpec:
        try:
            template = load_template(template_path)
            pseudo = {"ALIYUN::Region": self.region, "ALIYUN::AccountId": self.account_id}
            return function_spec(template, self.function_name, pseudo)
        except (FileNotFoundError, TemplateError) as error:
            raise FcConfigError(str(error)) from error

    def _system_variables(self) -> dict[str, str]:
        """Return the variables FC 2.0 sets in every instance (`FC_*` and the STS keys)."""
        variables = {
            "FC_FUNCTION_NAME": self.function_name,
            "FC_FUNCTION_HANDLER": self.spec.handler,
            "FC_FUNCTION_MEMORY_SIZE": str(self.spec.memory_size),
            "FC_FUNC_CODE_PATH": str(self.function_dir),
            "FC_SERVICE_NAME": self.spec.service_name,
            "FC_REGION": self.region,
            "FC_ACCOUNT_ID": self.account_id,
            "FC_QUALIFIER": DEFAULT_QUALIFIER,
            "FC_INSTANCE_ID": self.instance_id,
        }
        if self.credentials.access_key_id:
            variables["ALIBABA_CLOUD_ACCESS_KEY_ID"] = self.credentials.access_key_id
            variables["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = self.credentials.access_key_secret
            variables["ALIBABA_CLOUD_SECURITY_TOKEN"] = self.credentials.security_token
        return variables

    def _module(self, file_stem: str) -> Any:
        if file_stem not in self._modules:
            instance_tag = self.instance_id.replace("-", "_")
            module_name = f"_fc_{self.function_name}_{instance_tag}_{file_stem}"
            with applied_environment(self.environment):
                # The deployed package has `shared/` beside index.py, so imports of
                # `shared...` must resolve from the repository root.
                if str(self.repo_root) not in sys.path:
                    sys.path.insert(0, str(self.repo_root))
                self._modules[file_stem] = load_code_module(self.function_dir, file_stem,
                                                            module_name)
        return self._modules[file_stem]

    def close(self) -> None:
        """Forget this instance's modules, as FC does when it stops an instance."""
        for module in self._modules.values():
            sys.modules.pop(module.__name__, None)
        self._modules.clear()

    def __enter__(self) -> FcInstance:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def new_context(self, request_id: str | None = None) -> FcContext:
        """Build the context of one invocation. A missing request ID gets a new UUID."""
        timeout = int(self.timeout) if float(self.timeout).is_integer() else self.timeout
        return FcContext(
            request_id=request_id or str(uuid.uuid4()),
            credentials=self.credentials,
            function=FunctionMeta(self.function_name, self.spec.handler, self.spec.memory_size,
                                  timeout, self.spec.initializer),
            service=ServiceMeta(self.spec.service_name, self.spec.log_project,
                                self.spec.log_store),
            region=self.region,
            account_id=self.account_id,
        )

    def _ensure_initialized(self, context: FcContext) -> None:
        # The lock makes concurrent first invocations wait for one initializer run.
        with self._initialize_lock:
            if self._initialized:
                return
            if self.initializer is not None:
                # NOTE: a failed initializer runs again on the next invocation. FC
                # instead replaces the instance, which also resets module state.
                initializer = self.initializer
                with applied_environment(self.environment):
                    call_with_timeout(lambda: initializer(context),
                                      self.spec.initialization_timeout,
                                      f"fc-init-{self.function_name}")
            self._initialized = True

    def invoke(self, event: bytes | str | dict | list, request_id: str | None = None) -> Any:
        """Invoke the event handler once and return its return value.

        A dict or list is JSON-encoded and a str is UTF-8 encoded, because the FC
        Python 3 runtimes always pass the event as bytes. Raise FcInvocationError if
        the handler raises and FcTimeoutError if it runs past the timeout.
        """
        payload = encode_event(event)
        context = self.new_context(request_id)
        self._ensure_initialized(context)

        handler = self.handler
        return call_with_timeout(lambda: handler(payload, context), self.timeout,
                                 f"fc-{self.function_name}-{context.request_id}")

    def invoke_many(self, events: Iterable[Any], concurrency: int = 1) -> list[Any]:
        """Invoke once per event, at most `concurrency` at a time, as FC's instance concurrency.

        The results keep the order of `events`. A failed invocation gives its
        FcError object in place of a value.
        """
        if concurrency < 1:
            raise ValueError(f"invalid concurrency {concurrency}: use 1 or more")

        def invoke_one(event: Any) -> Any:
            try:
                return self.invoke(event)
            except FcError as error:
                return error

        with ThreadPoolExecutor(max_workers=concurrency,
                                thread_name_prefix=f"fc-{self.function_name}") as pool:
            return list(pool.map(invoke_one, events))

    def http(self, method: str, path: str = "/", query: Query = None,
             headers: Headers | None = None, body: bytes | str = b"",
             request_id: str | None = None) -> HttpResponse:
        """Invoke the WSGI handler with one HTTP request and return its response.

        A path under `/2016-08-15/proxy/<service>/<function>/` is routed with the
        prefix removed from PATH_INFO. A `?query` in `path` is kept in front of
        `query`. An exception or timeout gives a 502 response with FC's error body.
        """
        raw_path, _, path_query = path.partition("?")
        query_string = "&".join(part for part in (path_query, encode_query(query)) if part)

        data = body.encode() if isinstance(body, str) else bytes(body)
        context = self.new_context(request_id)
        path_info = strip_proxy_prefix(raw_path, self.spec.service_name, self.function_name)
        environ = build_environ(method, raw_path, path_info, query_string, headers, data,
                                context)

        handler = self.handler
        try:
            self._ensure_initialized(context)
            response = call_with_timeout(lambda: call_application(handler, environ),
                                         self.timeout,
                                         f"fc-{self.function_name}-{context.request_id}")
            return with_request_id(response, context.request_id)
        except FcError as error:
            return error_response(error, context.request_id)


def encode_event(event: bytes | bytearray | memoryview | str | dict | list) -> bytes:
    """Return the event as the bytes an FC Python 3 handler receives."""
    if isinstance(event, bytes):
        return event
    if isinstance(event, (bytearray, memoryview)):
        return bytes(event)
    if isinstance(event, str):
        return event.encode("utf-8")
    if isinstance(event, (dict, list)):
        return json.dumps(event).encode("utf-8")
    raise TypeError(f"invalid event type {type(event).__name__}: pass bytes, str, dict or list")
