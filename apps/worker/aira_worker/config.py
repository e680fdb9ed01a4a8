"""Worker-only settings (prefix `AIRA_WORKER_`), read next to the shared `aira_core` settings."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class WorkerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AIRA_WORKER_", extra="ignore")

    # Prometheus `/metrics` port; 0 turns the endpoint off.
    metrics_port: int = Field(default=9101, ge=0, le=65535)
    # Long-poll wait of one receive (SQS allows at most 20 s).
    receive_wait_seconds: float = Field(default=20, ge=0, le=20)
    # After SIGTERM, how long in-flight jobs may run before they are given back to the queue.
    # ECS stops the task 30 s after SIGTERM by default; the rest is left for the release.
    shutdown_grace_seconds: float = Field(default=20, ge=0, le=3600)
    # How often the sweeper looks for lost jobs, and how long a job may stay queued without being
    # sent before it counts as lost (longer than the usual wait in a healthy queue).
    sweep_interval_seconds: float = Field(default=15, gt=0, le=3600)
    sweep_after_seconds: float = Field(default=120, gt=0, le=86400)
    # How often queue depth and age are read for the metrics.
    stats_interval_seconds: float = Field(default=30, gt=0, le=3600)
    # The LLM may stay silent this long mid-answer before the attempt counts as stalled.
    llm_read_timeout_seconds: float = Field(default=30, gt=0, le=600)
    llm_connect_timeout_seconds: float = Field(default=10, gt=0, le=120)
    # Retries inside the SDK multiply with the queue's; the queue does the retrying.
    llm_max_retries: int = Field(default=0, ge=0, le=5)
    # Partial answers reach the database at most this often (one transaction for all jobs).
    flush_interval_seconds: float = Field(default=0.25, gt=0, le=10)
    # Retry backoff after a retryable failure without Retry-After: base * 2^(receives-1), capped.
    backoff_base_seconds: float = Field(default=2, ge=0, le=600)
    backoff_max_seconds: float = Field(default=300, ge=0, le=43200)
