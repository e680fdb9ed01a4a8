"""Per-stack enforcement, in the format `pulumi preview --policy-pack-config FILE` reads:
`{"all": LEVEL, "<policy>": LEVEL | {"enforcementLevel": LEVEL, ...config}}`."""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pulumi_policy import EnforcementLevel

POLICIES_DIR = Path(__file__).resolve().parent
DEFAULT_LEVEL = EnforcementLevel.MANDATORY


class EnforcementConfigError(ValueError):
    """The enforcement configuration cannot be read or names an unknown level."""


@dataclass(frozen=True)
class Enforcement:
    level: EnforcementLevel
    config: Mapping[str, Any]


def _level(value: Any, where: str) -> EnforcementLevel:
    try:
        return EnforcementLevel(value)
    except ValueError as error:
        levels = [level.value for level in EnforcementLevel]
        raise EnforcementConfigError(f"{where}: {value!r} is not one of {levels}") from error


def enforcement_for(policy: str, config: Mapping[str, Any]) -> Enforcement:
    level = _level(config.get("all", DEFAULT_LEVEL.value), "all")
    entry = config.get(policy)
    if isinstance(entry, str):
        return Enforcement(_level(entry, policy), {})
    if isinstance(entry, Mapping):
        settings = {key: value for key, value in entry.items() if key != "enforcementLevel"}
        if "enforcementLevel" in entry:
            level = _level(entry["enforcementLevel"], policy)
        return Enforcement(level, settings)
    return Enforcement(level, {})


def config_path_for_stack(stack: str) -> Path:
    return POLICIES_DIR / f"config.{stack}.json"


def load_config(path: Path) -> dict[str, Any]:
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise EnforcementConfigError(f"no enforcement config at {path}") from error
    except json.JSONDecodeError as error:
        raise EnforcementConfigError(f"{path} is not valid JSON: {error}") from error
    if not isinstance(config, dict):
        raise EnforcementConfigError(f"{path} must hold a JSON object")
    return config
