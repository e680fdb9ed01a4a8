"""Reading ECS task definitions: their containers and the roles they run with."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from policies.model import Resource
from policies.values import MalformedValueError, as_list, json_value

TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"


@dataclass(frozen=True)
class Container:
    name: str
    image: str
    environment: tuple[tuple[str, Any], ...]
    secret_sources: tuple[str, ...]
    log_group: str | None
    privileged: bool


def _container(raw: Any, index: int) -> Container:
    where = f"containerDefinitions[{index}]"
    if not isinstance(raw, Mapping):
        raise MalformedValueError(f"{where} must be an object")
    environment = []
    for variable in as_list(raw.get("environment")):
        if not isinstance(variable, Mapping) or not isinstance(variable.get("name"), str):
            raise MalformedValueError(f"{where}.environment entries need a name")
        environment.append((variable["name"], variable.get("value")))
    secret_sources = []
    for secret in as_list(raw.get("secrets")):
        if not isinstance(secret, Mapping) or not isinstance(secret.get("valueFrom"), str):
            raise MalformedValueError(f"{where}.secrets entries need a valueFrom")
        secret_sources.append(secret["valueFrom"])
    log_options = (raw.get("logConfiguration") or {}).get("options") or {}
    return Container(
        name=str(raw.get("name", "")),
        image=str(raw.get("image", "")),
        environment=tuple(environment),
        secret_sources=tuple(secret_sources),
        log_group=log_options.get("awslogs-group"),
        privileged=raw.get("privileged") is True,
    )


def containers(task_definition: Resource) -> tuple[Container, ...]:
    definitions = json_value(
        task_definition.props.get("containerDefinitions", "[]"), "containerDefinitions"
    )
    return tuple(_container(raw, index) for index, raw in enumerate(as_list(definitions)))
