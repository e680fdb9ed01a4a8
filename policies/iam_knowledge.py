"""What AWS says about IAM actions, from policy_sentry's IAM database (shipped with cloudsplaining).

The database is a 13 MB JSON file parsed once on import (~0.25 s); every lookup here is cached.
"""

import fnmatch
from functools import lru_cache

from policy_sentry.querying.all import get_all_actions
from policy_sentry.shared.iam_data import get_service_prefix_data

PERMISSIONS_MANAGEMENT = "Permissions management"


def split_action(action: str) -> tuple[str, str]:
    """`"sqs:SendMessage"` -> `("sqs", "SendMessage")`; a malformed action gives an empty name."""
    service, _, name = action.partition(":")
    return service.lower(), name


@lru_cache(maxsize=4096)
def _privilege(action: str) -> dict | None:
    service, name = split_action(action)
    data = get_service_prefix_data(service)
    if not data or not name:
        return None
    canonical = data["privileges_lower_name"].get(name.lower())
    return data["privileges"][canonical] if canonical else None


def is_known_action(action: str) -> bool:
    """True for an action AWS authorises (case-insensitive), e.g. not `sqs:SendMessageBatch`."""
    return _privilege(action) is not None


def canonical_action(action: str) -> str:
    """The action spelled as AWS documents it (`SQS:sendmessage` -> `sqs:SendMessage`)."""
    privilege = _privilege(action)
    if privilege is None:
        return action
    return f"{split_action(action)[0]}:{privilege['privilege']}"


def access_level(action: str) -> str | None:
    """`Read`, `Write`, `List`, `Tagging` or `Permissions management`; None for unknown actions."""
    privilege = _privilege(action)
    return privilege["access_level"] if privilege else None


def is_wildcard_only(action: str) -> bool:
    """True when AWS authorises the action only on `Resource: "*"` (ecr:GetAuthorizationToken)."""
    privilege = _privilege(action)
    return privilege is not None and set(privilege["resource_types"]) == {""}


@lru_cache(maxsize=1024)
def expand_action_pattern(pattern: str) -> tuple[str, ...]:
    """Every known action an action pattern (`sqs:Get*`, `*`) matches, canonically spelled."""
    if pattern == "*":
        return tuple(sorted(get_all_actions()))
    if "*" not in pattern and "?" not in pattern:
        return (canonical_action(pattern),) if is_known_action(pattern) else ()
    service, name = split_action(pattern)
    data = get_service_prefix_data(service)
    if not data:
        return ()
    return tuple(
        f"{service}:{privilege}"
        for lowered, privilege in data["privileges_lower_name"].items()
        if fnmatch.fnmatchcase(lowered, name.lower())
    )
