"""The whole platform (API, worker, OpenAI-speaking server, SQLite, local queue) started once for
the security tests, with known secrets so the tests can forge tokens and grep the logs for them.

Each account logs in from its own client address (X-Forwarded-For, trusted from loopback as from
the load balancer), so the login throttle of one test never blocks another.
"""

import itertools
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from load.platform import Platform, PlatformConfig, running_platform

JWT_SECRET = secrets.token_urlsafe(48)
OPENAI_KEY = f"sk-test-{secrets.token_hex(16)}"
ALLOWED_ORIGIN = "https://app.aira.example"
_addresses = (f"198.51.100.{n}" for n in itertools.count(10))


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    token: str
    address: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "X-Forwarded-For": self.address}


@pytest.fixture(scope="package")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    config = PlatformConfig(
        backend="local",
        run_dir=tmp_path_factory.mktemp("security"),
        accounts=0,
        llm_latency=0.1,
        api_workers=1,
        worker_concurrency=4,
        extra_env={
            "AIRA_JWT_SECRET": JWT_SECRET,
            "OPENAI_API_KEY": OPENAI_KEY,
            "AIRA_CORS_ORIGINS": ALLOWED_ORIGIN,
        },
    )
    with running_platform(config) as started:
        yield started


@pytest.fixture(scope="package")
def api(platform: Platform) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=platform.api_url, timeout=30) as client:
        yield client


def log_text(platform: Platform) -> str:
    """Everything the platform's processes logged so far."""
    logs = sorted(platform.config.run_dir.glob("*.log"))
    return "\n".join(path.read_text(errors="replace") for path in logs)


def register(api: httpx.Client, name: str) -> Account:
    """A new account, logged in from an address of its own."""
    email = f"{name}-{secrets.token_hex(4)}@example.com"
    password = f"pw-{secrets.token_urlsafe(12)}"
    address = next(_addresses)
    forwarded = {"X-Forwarded-For": address}
    created = api.post(
        "/api/auth/register", json={"email": email, "password": password}, headers=forwarded
    )
    assert created.status_code == 201, created.text
    login = api.post(
        "/api/auth/token", data={"username": email, "password": password}, headers=forwarded
    )
    assert login.status_code == 200, login.text
    return Account(email, password, login.json()["access_token"], address)


@pytest.fixture(scope="package")
def alice(api: httpx.Client) -> Account:
    return register(api, "alice")


@pytest.fixture(scope="package")
def bob(api: httpx.Client) -> Account:
    return register(api, "bob")
