"""A stack's configuration as the Pulumi CLI would pass it, read from the YAML files.

Project defaults come from Pulumi.yaml's `config:` block, overridden by Pulumi.<stack>.yaml. Values
become strings as the CLI passes them (JSON for lists and objects, "true"/"false" for booleans).
Secrets are never needed to plan: `secure:` values and declared secrets not yet set become
placeholders.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
SECRET_PLACEHOLDER = "plan-placeholder-secret"


class StackConfigError(Exception):
    """The stack's configuration files are missing or unreadable."""


@dataclass(frozen=True)
class StackConfig:
    project: str
    stack: str
    values: dict[str, str]
    secret_keys: tuple[str, ...]


def load_stack_config(stack: str, root: Path = REPO_ROOT) -> StackConfig:
    project_file = _read_yaml(root / "Pulumi.yaml")
    project = str(project_file["name"])
    values: dict[str, str] = {}
    secret_keys: set[str] = set()
    for key, declaration in (project_file.get("config") or {}).items():
        full_key = _qualified(project, key)
        if isinstance(declaration, dict) and ("type" in declaration or "default" in declaration):
            if declaration.get("secret"):
                secret_keys.add(full_key)
                values[full_key] = SECRET_PLACEHOLDER
            elif "default" in declaration:
                values[full_key] = _cli_string(declaration["default"])
        else:
            values[full_key] = _cli_string(declaration)
    stack_path = root / f"Pulumi.{stack}.yaml"
    if not stack_path.exists():
        raise StackConfigError(f"unknown stack {stack!r}: {stack_path.name} does not exist")
    declared = {_qualified(project, key) for key in project_file.get("config") or {}}
    for key, value in (_read_yaml(stack_path).get("config") or {}).items():
        full_key = _qualified(project, key)
        if full_key.startswith(f"{project}:") and full_key not in declared:
            # A misspelt key would silently leave the default in place.
            raise StackConfigError(
                f"{stack_path.name}: {full_key} is not declared in Pulumi.yaml's config"
            )
        if isinstance(value, dict) and set(value) == {"secure"}:
            secret_keys.add(full_key)
            values[full_key] = SECRET_PLACEHOLDER
        else:
            values[full_key] = _cli_string(value)
    return StackConfig(project, stack, values, tuple(sorted(secret_keys)))


def _read_yaml(path: Path) -> dict:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise StackConfigError(f"cannot read {path.name}: {error}") from error
    if not isinstance(document, dict):
        raise StackConfigError(f"{path.name} is not a YAML mapping")
    return document


def _qualified(project: str, key: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def _cli_string(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value)
