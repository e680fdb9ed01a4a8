"""Compute rules on ECS task definitions: no privileged containers, no secrets in plain sight."""

import re
from collections.abc import Iterator, Mapping
from typing import Any

from policies.ecs import containers
from policies.model import Resource

_SECRET_LOOKING = re.compile(
    r"(SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|ACCESS_?KEY)", re.IGNORECASE
)


def no_privileged_containers(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    for container in containers(resource):
        if container.privileged:
            yield f"container {container.name!r} runs privileged"


def no_plain_secrets_in_environment(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    """Secret-looking variables belong in `secrets` (Secrets Manager), not `environment`."""
    allowed = set(config["allowedNames"])
    for container in containers(resource):
        for name, _ in container.environment:
            if _SECRET_LOOKING.search(name) and name not in allowed:
                yield f"container {container.name!r} has {name} in plain environment"
