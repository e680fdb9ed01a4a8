"""A service's IAM manifest (`apps/<service>/iam.json`): the AWS actions its code calls at run time.

The stack maps each logical resource key (e.g. `jobs-queue`) to the grants that resource offers
and turns every manifest statement into one grant on it, so a task role allows exactly what the
service declares, and a service can only declare operations the resource supports.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pulumi

from components.grant import Grant


@dataclass(frozen=True)
class ManifestStatement:
    """Actions the service calls on one logical resource."""

    resource: str
    actions: tuple[str, ...]


@dataclass(frozen=True)
class ServiceManifest:
    """The parsed manifest of one service."""

    service: str
    statements: tuple[ManifestStatement, ...]
    source: str = "<memory>"

    @classmethod
    def load(cls, path: Path) -> "ServiceManifest":
        document = json.loads(path.read_text(encoding="utf-8"))
        try:
            statements = tuple(
                ManifestStatement(resource=entry["resource"], actions=tuple(entry["actions"]))
                for entry in document["statements"]
            )
            return cls(service=document["service"], statements=statements, source=str(path))
        except (KeyError, TypeError) as error:
            raise ValueError(f"{path}: malformed IAM manifest ({error!r})") from error

    def grants(self, arns: Mapping[str, pulumi.Input[str]]) -> tuple[Grant, ...]:
        """One grant per statement, on the ARN the stack maps the statement's resource key to."""
        unknown = sorted({s.resource for s in self.statements} - set(arns))
        if unknown:
            raise ValueError(
                f"{self.source}: unknown resource keys {unknown}; the stack provides {sorted(arns)}"
            )
        return tuple(Grant(s.actions, (arns[s.resource],)) for s in self.statements)

    def grants_within(self, offered: Mapping[str, Sequence[Grant]]) -> tuple[Grant, ...]:
        """Like `grants`, where each key maps to the grants its resource offers
        (e.g. `queue.grant_send()`): a statement may ask for a subset of their actions only."""
        for statement in self.statements:
            allowed = {a for grant in offered.get(statement.resource, ()) for a in grant.actions}
            extra = sorted(set(statement.actions) - allowed)
            if statement.resource in offered and extra:
                raise ValueError(
                    f"{self.source}: {statement.resource} does not offer {extra}; "
                    f"it offers {sorted(allowed)}"
                )
        return self.grants({key: grants[0].resources[0] for key, grants in offered.items()})
