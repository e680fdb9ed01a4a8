"""The shapes every rule works on: a resource, a whole stack, and the policies' own description."""

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from policies.values import as_list


@dataclass(frozen=True, eq=False)
class Resource:
    """One resource as a policy sees it: its type token and its inputs (analyzer form).

    Compared by identity: comparing properties would read values that may be unknown."""

    type: str
    props: Mapping[str, Any]
    urn: str
    name: str


@dataclass(frozen=True)
class Finding:
    """A violation found by a stack rule, on the resource it concerns."""

    message: str
    urn: str | None = None


ResourceRule = Callable[[Resource, Mapping[str, Any]], Iterable[str]]
StackRule = Callable[["Stack", Mapping[str, Any]], Iterable[Finding]]


@dataclass(frozen=True)
class PolicySpec:
    """A policy: a rule plus what CrossGuard needs to serve it."""

    name: str
    description: str
    resource_rule: ResourceRule | None = None
    stack_rule: StackRule | None = None
    resource_types: tuple[str, ...] = ()
    """Types a resource rule applies to (empty: every type)."""
    config_properties: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """JSON-schema properties of the policy's configuration, each with a `default`."""

    def default_config(self) -> dict[str, Any]:
        return {key: schema["default"] for key, schema in self.config_properties.items()}


# Properties under which AWS resources expose identifiers other resources refer to them by.
_REFERENCE_PROPERTIES = ("id", "arn", "name", "url")


class Stack:
    """Every resource of a stack, with lookups by type and by reference value.

    Resources refer to each other by value (an ARN, a name, an id), never by Pulumi name: a
    reference resolves to the resource whose URN, id, ARN, name or URL equals it, or whose name
    is the last segment of an ARN (`arn:aws:iam::123:role/path/NAME`, `arn:aws:sqs:...:NAME`)."""

    def __init__(self, resources: Iterable[Resource]) -> None:
        self.resources = tuple(resources)

    def of_type(self, *types: str) -> Iterator[Resource]:
        return (resource for resource in self.resources if resource.type in types)

    def resolve(self, reference: Any, *types: str) -> Resource | None:
        if not isinstance(reference, str) or not reference:
            return None
        tail = re.split(r"[:/]", reference)[-1] if reference.startswith("arn:") else None
        for resource in self.of_type(*types):
            identifiers = {resource.urn, *self._identifiers(resource)}
            if reference in identifiers or (tail is not None and tail in identifiers):
                return resource
        return None

    @staticmethod
    def _identifiers(resource: Resource) -> set[str]:
        found = set()
        for key in _REFERENCE_PROPERTIES:
            for value in as_list(resource.props.get(key)):
                if isinstance(value, str) and value:
                    found.add(value)
        return found
