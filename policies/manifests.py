"""The services' IAM manifests (`apps/<service>/iam.json`): the actions each one's code calls."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from policies.values import MalformedValueError

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Manifest:
    service: str
    actions_by_resource: tuple[tuple[str, frozenset[str]], ...]
    source: str

    @property
    def actions(self) -> frozenset[str]:
        return frozenset(a for _, actions in self.actions_by_resource for a in actions)


def parse_manifest(text: str, source: str) -> Manifest:
    try:
        document = json.loads(text)
        statements = tuple(
            (entry["resource"], frozenset(entry["actions"])) for entry in document["statements"]
        )
        service = document["service"]
    except (ValueError, KeyError, TypeError) as error:
        raise MalformedValueError(f"{source}: malformed IAM manifest ({error!r})") from error
    if not isinstance(service, str) or not all(
        isinstance(action, str) for _, actions in statements for action in actions
    ):
        raise MalformedValueError(f"{source}: service and actions must be strings")
    return Manifest(service, statements, source)


def load_sidecar_manifests(paths: Sequence[str]) -> dict[str, Manifest]:
    """Manifests of sidecar containers (named by each manifest's `service`), by container name;
    paths are relative to the repository."""
    manifests = [
        parse_manifest((REPOSITORY_ROOT / path).read_text(encoding="utf-8"), path) for path in paths
    ]
    return {manifest.service: manifest for manifest in manifests}


def load_manifests(directory: str) -> dict[str, Manifest]:
    """Every `<directory>/*/iam.json`, by service; `directory` is relative to the repository."""
    root = REPOSITORY_ROOT / directory
    manifests = [
        parse_manifest(path.read_text(encoding="utf-8"), str(path))
        for path in sorted(root.glob("*/iam.json"))
    ]
    return {manifest.service: manifest for manifest in manifests}
