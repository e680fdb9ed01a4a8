"""Write the API's OpenAPI document to apps/web/src/api/openapi.json (the web client's types are
generated from it). Run from the repo root: `uv run python apps/web/scripts/dump_openapi.py`.

The app is built in memory against a throw-away SQLite file; nothing is served or kept.
"""

import json
import sys
import tempfile
from pathlib import Path

from aira_api.app import create_app
from aira_core.settings import Settings

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "src" / "api" / "openapi.json"


def render_schema() -> str:
    """The API's OpenAPI document as stored in the repository (sorted keys, stable output)."""
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(data_dir=Path(data_dir), web_dist=Path(data_dir) / "no-web-app")
        schema = create_app(settings).openapi()
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main() -> None:
    SCHEMA_PATH.write_text(render_schema(), encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}", file=sys.stderr)


if __name__ == "__main__":
    main()
