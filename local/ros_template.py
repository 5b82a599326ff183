"""Read the ROS template (`template.yml`) and resolve the values the local FC runtime needs.

ROS accepts YAML short forms such as `!Ref Name` and `!GetAtt Res.Attr`. PyYAML's
safe loader rejects unknown tags, so `RosLoader` turns each short form into the
full form (`{"Ref": "Name"}`, `{"Fn::GetAtt": ["Res", "Attr"]}`) while loading.
Function syntax: https://www.alibabacloud.com/help/doc-detail/28865.htm

`resolve_value` evaluates the intrinsic functions whose result is known without a
deployment: parameter defaults, pseudo parameters, `Fn::Sub`, `Fn::Join`, conditions
and a few resource attributes that are plain copies of resource properties.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TEMPLATE_PATH = REPO_ROOT / "template.yml"
DEFAULT_REGION = "cn-hangzhou"
# Placeholder 16-digit account ID for local runs, where no Alibaba Cloud account exists.
DEFAULT_ACCOUNT_ID = "1234567890123456"

# Defaults of ALIYUN::FC::Function when the template omits the property.
DEFAULT_MEMORY_SIZE = 128
DEFAULT_TIMEOUT = 3
DEFAULT_INITIALIZATION_TIMEOUT = 3

# Short-form tags whose value becomes `{"Fn::<name>": value}`.
FUNCTION_TAGS = (
    "Sub", "Join", "Select", "Split", "If", "Equals", "Not", "And", "Or", "FindInMap",
    "Base64Encode", "Base64Decode", "Replace", "Str", "Length", "GetAZs", "Index",
    "Contains", "ListMerge", "GetJsonValue", "MergeMapToList", "GetStackOutput",
)

SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
MAX_DEPTH = 64


class TemplateError(ValueError):
    """The template is malformed, or a value cannot be resolved without a deployment."""


class _NoValue:
    """The result of `Ref: ALIYUN::NoValue`, which removes the property that contains it."""

    def __repr__(self) -> str:
        return "NO_VALUE"


NO_VALUE = _NoValue()


class RosLoader(yaml.SafeLoader):
    """Safe YAML loader that also accepts the ROS short-form function tags."""


def _construct_plain(loader: RosLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)


def _construct_ref(loader: RosLoader, node: yaml.Node) -> dict:
    return {"Ref": _construct_plain(loader, node)}


def _construct_condition(loader: RosLoader, node: yaml.Node) -> dict:
    return {"Condition": _construct_plain(loader, node)}


def _construct_get_att(loader: RosLoader, node: yaml.Node) -> dict:
    value = _construct_plain(loader, node)

    # `!GetAtt Res.Attr` splits at the first dot. The list form is passed through.
    if isinstance(value, str):
        resource, dot, attribute = value.partition(".")
        if not dot or not resource or not attribute:
            raise TemplateError(
                f"invalid !GetAtt {value!r} at {node.start_mark}: write it as Resource.Attribute"
            )
        value = [resource, attribute]
    return {"Fn::GetAtt": value}


def _function_constructor(name: str):
    def construct(loader: RosLoader, node: yaml.Node) -> dict:
        return {f"Fn::{name}": _construct_plain(loader, node)}

    return construct


RosLoader.add_constructor("!Ref", _construct_ref)
RosLoader.add_constructor("!Condition", _construct_condition)
RosLoader.add_constructor("!GetAtt", _construct_get_att)
for _name in FUNCTION_TAGS:
    RosLoader.add_constructor(f"!{_name}", _function_constructor(_name))


def load_template(path: str | os.PathLike[str] | None = None) -> dict:
    """Load a ROS template from YAML, with short-form tags expanded to full forms.

    The default path is `template.yml` at the repository root.
    """
    template_path = Path(path) if path is not None else DEFAULT_TEMPLATE_PATH
    try:
        text = template_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(
            f"ROS template not found: {template_path}. Pass the path of a template file."
        ) from None

    try:
        template = yaml.load(text, Loader=RosLoader)  # noqa: S506 - RosLoader extends SafeLoader
    except yaml.YAMLError as error:
        raise TemplateError(f"invalid YAML in {template_path}: {error}") from error

    if not isinstance(template, dict) or not isinstance(template.get("Resources"), dict):
        raise TemplateError(
            f"{template_path} has no Resources mapping, so it is not a ROS template"
        )
    return template


def pseudo_parameters(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Return local values of the ROS pseudo parameters.

    The region comes from FC_REGION (default cn-hangzhou) and the account ID from
    FC_ACCOUNT_ID (default DEFAULT_ACCOUNT_ID), unless `overrides` names the pseudo
    parameter.
    """
    overrides = overrides or {}
    values = {
        "ALIYUN::Region": os.environ.get("FC_REGION") or DEFAULT_REGION,
        "ALIYUN::AccountId": os.environ.get("FC_ACCOUNT_ID") or DEFAULT_ACCOUNT_ID,
        "ALIYUN::TenantId": os.environ.get("FC_ACCOUNT_ID") or DEFAULT_ACCOUNT_ID,
        "ALIYUN::StackName": "local",
        "ALIYUN::StackId": "local-stack",
        "ALIYUN::NoValue": NO_VALUE,
    }
    for name in values:
        if name in overrides:
            values[name] = overrides[name]
    return values


def to_text(value: Any) -> str:
    """Render a resolved scalar as ROS renders it in strings: booleans in lower case."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# Resource attributes that are copies of a property: (type, attribute) -> property path.
ATTRIBUTE_PROPERTIES = {
    ("ALIYUN::FC::Service", "LogProject"): ("LogConfig", "Project"),
    ("ALIYUN::FC::Service", "Logstore"): ("LogConfig", "Logstore"),
}


class _Resolver:
    """Evaluate intrinsic functions against one template and one set of overrides."""

    def __init__(self, template: Mapping[str, Any], overrides: Mapping[str, Any],
                 pseudo: Mapping[str, Any]) -> None:
        self.template = template
        self.overrides = overrides
        self.pseudo = pseudo
        self.depth = 0

    def resolve(self, value: Any) -> Any:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise TemplateError(f"template values nest deeper than {MAX_DEPTH} levels. "
                                    "Check for a Condition or GetAtt that refers to itself")
            return self._resolve(value)
        finally:
            self.depth -= 1

    def _resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            items = [self.resolve(item) for item in value]
            return [item for item in items if item is not NO_VALUE]
        if not isinstance(value, dict):
            return value

        if len(value) == 1:
            (key, argument), = value.items()
            if key == "Ref":
                return self.ref(argument)
            if key == "Condition":
                return self.condition(argument)
            if key.startswith("Fn::"):
                return self.function(key[4:], argument)

        resolved = {key: self.resolve(item) for key, item in value.items()}
        return {key: item for key, item in resolved.items() if item is not NO_VALUE}

    def ref(self, name: Any) -> Any:
        if name in self.overrides:
            return self.overrides[name]
        if name in self.pseudo:
            return self.pseudo[name]

        parameter = self.template.get("Parameters", {}).get(name)
        if parameter is not None:
            if "Default" not in parameter:
                raise TemplateError(
                    f"parameter {name!r} has no Default: pass its value in overrides"
                )
            return self.resolve(parameter["Default"])
        if name in self.template.get("Resources", {}):
            raise TemplateError(f"Ref to resource {name!r} needs a deployment. "
                                "Use Fn::GetAtt of a name property instead")
        raise TemplateError(f"Ref to unknown name {name!r}: no parameter or resource has it")

    def condition(self, name: Any) -> bool:
        conditions = self.template.get("Conditions", {})
        if name not in conditions:
            raise TemplateError(f"condition {name!r} is not declared under Conditions")
        return bool(self.resolve(conditions[name]))

    def get_att(self, resource_name: str, attribute: str) -> Any:
        resource = self.template.get("Resources", {}).get(resource_name)
        if resource is None:
            raise TemplateError(f"Fn::GetAtt names unknown resource {resource_name!r}")
        properties = resource.get("Properties") or {}

        path = ATTRIBUTE_PROPERTIES.get((resource.get("Type"), attribute), (attribute,))
        value: Any = properties
        for key in path:
            if not isinstance(value, dict) or key not in value:
                raise TemplateError(f"Fn::GetAtt {resource_name}.{attribute} needs a deployment: "
                                    "it is not a copy of a resource property")
            value = self.resolve(value[key])
        return value

    def sub(self, argument: Any) -> str:
        if isinstance(argument, list):
            text, variables = argument[0], self.resolve(argument[1] if len(argument) > 1 else {})
        else:
            text, variables = argument, {}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                return to_text(variables[name])
            if "." in name and not name.startswith("ALIYUN::"):
                resource, _, attribute = name.partition(".")
                return to_text(self.get_att(resource, attribute))
            return to_text(self.ref(name))

        return SUB_VARIABLE.sub(replace, self.resolve(text))

    def function(self, name: str, argument: Any) -> Any:
        if name == "Sub":
            return self.sub(argument)
        if name == "GetAtt":
            resource, attribute = self.resolve(argument)
            return self.get_att(resource, attribute)
        if name == "If":
            condition, when_true, when_false = argument
            return self.resolve(when_true if self.condition(condition) else when_false)

        args = self.resolve(argument)
        if name == "Join":
            delimiter, items = args
            return to_text(delimiter).join(to_text(item) for item in items)
        if name == "Split":
            delimiter, text = args
            return to_text(text).split(to_text(delimiter))
        if name == "Select":
            index, items = args
            return items[int(index)]
        if name == "Equals":
            left, right = args
            return to_text(left) == to_text(right)
        if name == "Not":
            return not (args[0] if isinstance(args, list) else args)
        if name == "And":
            return all(args)
        if name == "Or":
            return any(args)
        if name == "FindInMap":
            map_name, top_key, second_key = args
            try:
                return self.template["Mappings"][map_name][top_key][second_key]
            except (KeyError, TypeError):
                raise TemplateError(
                    f"Fn::FindInMap {args!r} names no entry under Mappings"
                ) from None
        if name == "Base64Encode":
            return base64.b64encode(to_text(args).encode()).decode()
        if name == "Base64Decode":
            return base64.b64decode(to_text(args)).decode()
        if name == "Str":
            return to_text(args)
        raise TemplateError(f"Fn::{name} cannot be resolved locally")


def resolve_value(template: Mapping[str, Any], value: Any,
                  overrides: Mapping[str, Any] | None = None) -> Any:
    """Resolve the intrinsic functions in `value` to plain data.

    `Ref` to a parameter gives `overrides[name]` if present, else its Default.
    Raise TemplateError for anything that needs a deployment, such as the ARN of a
    resource, and name the value in the message.
    """
    return _Resolver(template, overrides or {}, pseudo_parameters(overrides)).resolve(value)


@dataclass(frozen=True)
class FunctionSpec:
    """Settings of one ALIYUN::FC::Function, resolved for a local run."""

    name: str
    handler: str = "index.handler"
    runtime: str = "python3.10"
    memory_size: int = DEFAULT_MEMORY_SIZE
    timeout: float = DEFAULT_TIMEOUT
    initializer: str | None = None
    initialization_timeout: float = DEFAULT_INITIALIZATION_TIMEOUT
    environment: dict[str, str] = field(default_factory=dict)
    service_name: str = ""
    log_project: str = ""
    log_store: str = ""


def function_names(template: Mapping[str, Any],
                   overrides: Mapping[str, Any] | None = None) -> list[str]:
    """Return the FunctionName of every ALIYUN::FC::Function in the template."""
    return [name for name, _ in _functions(template, overrides)]


def _functions(template: Mapping[str, Any], overrides: Mapping[str, Any] | None):
    for resource in template.get("Resources", {}).values():
        if resource.get("Type") != "ALIYUN::FC::Function":
            continue
        properties = resource.get("Properties") or {}
        name = resolve_value(template, properties.get("FunctionName"), overrides)
        yield to_text(name), properties


def function_spec(template: Mapping[str, Any], name: str,
                  overrides: Mapping[str, Any] | None = None) -> FunctionSpec:
    """Build the FunctionSpec of the ALIYUN::FC::Function whose FunctionName is `name`."""
    matches = [props for found, props in _functions(template, overrides) if found == name]
    if not matches:
        known = ", ".join(function_names(template, overrides)) or "none"
        raise TemplateError(
            f"function {name!r} not found in the template. Functions declared: {known}"
        )
    properties = matches[0]

    def resolved(key: str, default: Any = None) -> Any:
        result = resolve_value(template, properties.get(key, default), overrides)
        return default if result is NO_VALUE or result is None else result

    environment = {}
    for key, raw in (resolved("EnvironmentVariables", {}) or {}).items():
        environment[str(key)] = to_text(raw)

    service_name = to_text(resolved("ServiceName", ""))
    log_project, log_store = _service_log_config(template, service_name, overrides)
    initializer = resolved("Initializer")

    return FunctionSpec(
        name=name,
        handler=to_text(resolved("Handler", "index.handler")),
        runtime=to_text(resolved("Runtime", "python3.10")),
        memory_size=int(resolved("MemorySize", DEFAULT_MEMORY_SIZE)),
        timeout=float(resolved("Timeout", DEFAULT_TIMEOUT)),
        initializer=to_text(initializer) if initializer else None,
        initialization_timeout=float(
            resolved("InitializationTimeout", DEFAULT_INITIALIZATION_TIMEOUT)
        ),
        environment=environment,
        service_name=service_name,
        log_project=log_project,
        log_store=log_store,
    )


def _service_log_config(template: Mapping[str, Any], service_name: str,
                        overrides: Mapping[str, Any] | None) -> tuple[str, str]:
    """Return (Project, Logstore) from the LogConfig of the named ALIYUN::FC::Service."""
    for resource in template.get("Resources", {}).values():
        if resource.get("Type") != "ALIYUN::FC::Service":
            continue
        properties = resource.get("Properties") or {}
        name = resolve_value(template, properties.get("ServiceName"), overrides)
        if to_text(name) != service_name:
            continue

        log_config = resolve_value(template, properties.get("LogConfig") or {}, overrides)
        if not isinstance(log_config, dict):
            return "", ""
        return to_text(log_config.get("Project", "")), to_text(log_config.get("Logstore", ""))
    return "", ""
