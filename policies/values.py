"""Reading resource properties in the analyzer's form, where values may be unknown at preview.

Properties arrive as mappings and sequences (proxies that raise `UnknownValueError` on values not
known yet), so nothing here tests for `dict`/`list` or catches broad exceptions: an unknown value
must propagate to the engine, which then runs the check at `pulumi up`.
"""

import json
from collections.abc import Mapping, Sequence
from typing import Any


class MalformedValueError(ValueError):
    """A property has a shape no rule can judge (e.g. a policy that is not JSON)."""


def as_list(value: Any) -> list[Any]:
    """IAM and AWS allow a single value where a list is expected: normalise to a list."""
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Sequence):
        return [value]
    return list(value)


def plain(value: Any) -> Any:
    """A deep copy made of plain dicts and lists (reading every value, so unknowns surface)."""
    if isinstance(value, Mapping):
        return {key: plain(value[key]) for key in value}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [plain(item) for item in value]
    return value


def json_value(value: Any, what: str) -> Any:
    """A property AWS takes as a JSON string (IAM policies, container definitions, redrive
    policies); programs may also hand over the structure itself."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError as error:
            raise MalformedValueError(f"{what} is not valid JSON ({error.msg})") from error
    return plain(value)


def truthy(value: Any) -> bool:
    """Booleans may arrive as strings from hand-edited plans ("true")."""
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def number(value: Any, what: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise MalformedValueError(f"{what} must be a number, not {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError) as error:
        raise MalformedValueError(f"{what} must be a number, not {value!r}") from error
