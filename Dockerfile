# syntax=docker/dockerfile:1
# One build for the whole product: web assets -> Python base -> targets `api` and `worker`.
# Build one target: docker build --target api -t aira-api .

# --- web: the React single-page app, built to apps/web/dist ---------------------------------
FROM node:22-bookworm-slim AS web
WORKDIR /src/apps/web
# Dependencies first so this layer is reused until the lock file changes.
COPY apps/web/package.json apps/web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY apps/web/ ./
RUN npm run build

# --- base: the Python runtime with the api and worker packages (no dev or Pulumi tooling) ----
FROM python:3.11-slim-bookworm AS base
COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /usr/local/bin/uv
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    PATH="/app/.venv/bin:$PATH"
WORKDIR /app
# Third-party dependencies first: this layer changes only with uv.lock.
COPY pyproject.toml uv.lock ./
COPY apps/core/pyproject.toml apps/core/
COPY apps/api/pyproject.toml apps/api/
COPY apps/worker/pyproject.toml apps/worker/
RUN uv sync --frozen --no-dev --package aira-api --package aira-worker --no-install-workspace
COPY apps/core/ apps/core/
COPY apps/api/ apps/api/
COPY apps/worker/ apps/worker/
RUN uv sync --frozen --no-dev --package aira-api --package aira-worker \
    && useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin aira \
    && mkdir /app/.aira && chown aira:aira /app/.aira
ENV AIRA_DATA_DIR=/app/.aira

# --- api: HTTP API on port 8000, serving the built web app; migrates the database on start ----
FROM base AS api
COPY --from=web /src/apps/web/dist /app/apps/web/dist
ENV AIRA_WEB_DIST=/app/apps/web/dist \
    AIRA_HOST=0.0.0.0 \
    AIRA_PORT=8000
USER aira
EXPOSE 8000
ENTRYPOINT ["aira-api"]

# --- worker: queue consumer, no inbound port ---------------------------------------------------
FROM base AS worker
USER aira
ENTRYPOINT ["aira-worker"]
