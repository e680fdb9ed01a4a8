"""Every developer workflow, run inside the uv environment: `uv run nox -s <session>`.

Sessions reuse the workspace's synced virtualenv (venv_backend="none") so they start instantly
and use exactly the versions pinned in uv.lock.
"""

import nox

nox.options.default_venv_backend = "none"
nox.options.sessions = ["lint", "typecheck", "tests"]


@nox.session
def dev(session: nox.Session) -> None:
    """Start API and worker with embedded defaults (SQLite, local queue, offline responder)."""
    session.run("aira-dev", *session.posargs)


@nox.session
def monitoring(session: nox.Session) -> None:
    """Prometheus + AlertManager (Debian packages) on loopback, scraping the local API, worker."""
    session.run("python", "-m", "observability.monitoring", *session.posargs)


@nox.session
def load(session: nox.Session) -> None:
    """The whole platform under Locust (`-- --users N --backend local|mysql|sqs`); see load/."""
    session.run("python", "-m", "load.run", *session.posargs)


@nox.session
def chaos(session: nox.Session) -> None:
    """Faults during sustained load (worker kills, LLM errors, DB restart, queue outage)."""
    session.run("python", "-m", "load.chaos", *session.posargs)


@nox.session
def redrive(session: nox.Session) -> None:
    """List dead-lettered jobs and move them back (`-- --dry-run`, `--rate N`)."""
    session.run("python", "-m", "scripts.redrive", *session.posargs)


@nox.session
def web(session: nox.Session) -> None:
    """The web app's checks: eslint, tsc, Vitest, schema and browser journey (tests/web)."""
    session.run("pytest", "tests/web", *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite against real parts (SQLite, MariaDB, moto server, an OpenAI server)."""
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff: lint and formatting."""
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy over the apps, components, stacks and the offline plan (cached in .mypy_cache)."""
    session.run(
        "mypy", "apps/core", "apps/api", "apps/worker", "components", "stacks", "scripts/plan"
    )


@nox.session
def policy(session: nox.Session) -> None:
    """Every policy of the pack over an offline plan (`-- --plan FILE.json [--config FILE]`)."""
    session.run("python", "-m", "policies.runner", *session.posargs)


@nox.session
def plan(session: nox.Session) -> None:
    """Offline plan of a stack (`-- dev|prod [--json FILE] [--diagram FILE]`), no cloud needed."""
    session.run("python", "-m", "scripts.plan", *(session.posargs or ["dev"]))
