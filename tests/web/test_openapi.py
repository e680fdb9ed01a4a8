"""The web client is typed from the API's OpenAPI document: the committed copy and the types
generated from it must match the API as it is now."""

import importlib.util
import subprocess
from types import ModuleType

from tests.web.npm import WEB_DIR

REGENERATE = (
    "regenerate with `uv run python apps/web/scripts/dump_openapi.py` and "
    "`(cd apps/web && npm run gen:api)`, then commit both files"
)


def _dump_openapi() -> ModuleType:
    path = WEB_DIR / "scripts" / "dump_openapi.py"
    spec = importlib.util.spec_from_file_location("dump_openapi", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_schema_matches_the_api() -> None:
    dump = _dump_openapi()
    committed = dump.SCHEMA_PATH.read_text(encoding="utf-8")
    assert committed == dump.render_schema(), f"src/api/openapi.json is stale: {REGENERATE}"


def test_generated_types_match_the_committed_schema() -> None:
    generated = subprocess.run(
        ["npx", "--no-install", "openapi-typescript", "src/api/openapi.json"],
        cwd=WEB_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    committed = (WEB_DIR / "src" / "api" / "schema.d.ts").read_text(encoding="utf-8")
    assert committed == generated, f"src/api/schema.d.ts is stale: {REGENERATE}"
