"""Serves the built web app (a single-page app): its files, and `index.html` for every other
path so client-side routes survive a reload. Paths under `/api` never fall through to it."""

from pathlib import Path

from fastapi import FastAPI, HTTPException, status
from fastapi.responses import FileResponse

# Vite puts content-hashed file names under assets/: safe to cache for good.
IMMUTABLE = {"Cache-Control": "public, max-age=31536000, immutable"}
REVALIDATE = {"Cache-Control": "no-cache"}
API_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def add_api_not_found(app: FastAPI) -> None:
    """Unknown `/api/...` paths answer JSON 404 for every method, never the web app's page."""

    @app.api_route("/api/{path:path}", methods=API_METHODS, include_in_schema=False)
    def api_not_found(path: str) -> None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Not Found")


def mount_web_app(app: FastAPI, dist: Path) -> bool:
    """Serve `dist` at `/` when it holds a build; returns whether it does."""
    root = dist.resolve()
    index = root / "index.html"
    if not index.is_file():
        return False

    @app.api_route("/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
    def web_app(path: str) -> FileResponse:
        candidate = (root / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(root):
            cache = IMMUTABLE if candidate.parent.name == "assets" else REVALIDATE
            return FileResponse(candidate, headers=cache)
        return FileResponse(index, headers=REVALIDATE)

    return True
