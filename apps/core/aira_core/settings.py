"""Runtime settings shared by the API and the worker, read once from the environment.

Variables use the prefix `AIRA_`, plus the standard `OPENAI_API_KEY` / `OPENAI_BASE_URL`.
"""

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AIRA_", extra="ignore")

    env: Literal["dev", "test", "prod"] = "dev"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    api_workers: int = Field(default=1, ge=1, le=64)  # uvicorn worker processes of `aira-api`
    data_dir: Path = Path(".aira")
    database_url: str | None = None
    database_password: SecretStr | None = None
    queue_url: str = "local"
    dlq_url: str | None = None
    openai_api_key: SecretStr | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(default=None, validation_alias="OPENAI_BASE_URL")
    llm_model: str = "gpt-4o-mini"
    jwt_secret: SecretStr | None = None
    jwt_ttl_seconds: int = Field(default=7 * 24 * 3600, ge=60)
    job_lease_seconds: int = Field(default=60, ge=5, le=43200)
    max_receives: int = Field(default=5, ge=1, le=1000)
    worker_concurrency: int = Field(default=16, ge=1, le=1000)
    web_dist: Path = Path("apps/web/dist")
    # Origins allowed to call the API cross-origin (comma-separated); same-origin needs none.
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    aws_region: str = Field(
        default="us-east-1", validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION")
    )

    @field_validator("queue_url")
    @classmethod
    def _local_or_sqs_url(cls, value: str) -> str:
        if value != "local" and not value.startswith(("https://", "http://")):
            raise ValueError("must be 'local' or an SQS queue URL (https://sqs.<region>...)")
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @model_validator(mode="after")
    def _refuse_insecure_production(self) -> "Settings":
        if self.env == "prod":
            secret = self.jwt_secret.get_secret_value() if self.jwt_secret else ""
            if len(secret) < 32:
                raise ValueError("AIRA_JWT_SECRET must be set to at least 32 characters in prod")
            if self.database_url is None:
                raise ValueError("AIRA_DATABASE_URL must be set in prod")
        return self

    @property
    def offline(self) -> bool:
        """True when no LLM is configured: the worker answers with the offline responder."""
        return self.openai_api_key is None and self.openai_base_url is None

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url is None:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            return f"sqlite:///{self.data_dir / 'aira.db'}"
        url = make_url(self.database_url)
        if self.database_password is not None:
            url = url.set(password=self.database_password.get_secret_value())
        return url.render_as_string(hide_password=False)

    def jwt_secret_value(self) -> str:
        """The configured secret; outside prod one is generated once and kept in the data dir."""
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value()
        path = self.data_dir / "jwt-secret"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()


class SettingsError(SystemExit):
    """Raised at start-up for invalid settings: one line naming the variable."""


def _env_name(loc: tuple[int | str, ...]) -> str:
    field = str(loc[0]) if loc else ""
    info = Settings.model_fields.get(field)
    if info is not None and isinstance(info.validation_alias, str):
        return info.validation_alias
    if info is not None and isinstance(info.validation_alias, AliasChoices):
        return str(info.validation_alias.choices[0])
    return f"AIRA_{field.upper()}"


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        error = exc.errors()[0]
        message = str(error["msg"]).removeprefix("Value error, ")
        where = f"setting {_env_name(error['loc'])}" if error["loc"] else "settings"
        raise SettingsError(f"invalid {where}: {message}") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
