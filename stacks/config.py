"""Typed, validated stack settings, parsed once from `pulumi.Config`.

Every key and its default is declared in Pulumi.yaml; stack files override them. Any invalid or
missing value raises `InvalidConfigError` with one message that names the key.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar, cast

import pulumi

from components.fargate_service import fargate_size_error
from components.network import NatStrategy

NAMESPACE = "aira"
NAT_STRATEGIES: tuple[NatStrategy, ...] = ("single", "per-az")
LOG_RETENTION_DAYS = frozenset(
    {
        1,
        3,
        5,
        7,
        14,
        30,
        60,
        90,
        120,
        150,
        180,
        365,
        400,
        545,
        731,
        1096,
        1827,
        2192,
        2557,
        2922,
        3288,
        3653,
    }
)
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

T = TypeVar("T")


class InvalidConfigError(pulumi.RunError):
    """A stack setting is missing or invalid; the message names the key."""

    def __init__(self, key: str, problem: str, namespace: str = NAMESPACE) -> None:
        self.key = f"{namespace}:{key}"
        super().__init__(f"{self.key}: {problem}")


@dataclass(frozen=True)
class ServiceSettings:
    cpu: int
    memory: int
    min_tasks: int
    max_tasks: int


@dataclass(frozen=True)
class DatabaseSettings:
    instance_class: str
    allocated_storage_gb: int
    max_allocated_storage_gb: int
    multi_az: bool
    backup_retention_days: int


@dataclass(frozen=True)
class StackSettings:
    stack: str
    region: str
    domain_name: str
    hosted_zone: str
    alert_emails: tuple[str, ...]
    nat: NatStrategy
    availability_zones: int
    api: ServiceSettings
    worker: ServiceSettings
    database: DatabaseSettings
    deletion_protection: bool
    log_retention_days: int
    waf_enabled: bool
    llm_model: str
    openai_api_key: pulumi.Output[str]
    max_receives: int
    job_lease_seconds: int
    managed_prometheus: bool
    managed_grafana: bool


class _Reader:
    """Reads keys from one config namespace, turning every failure into InvalidConfigError."""

    def __init__(self, namespace: str) -> None:
        self._namespace = namespace
        self._config = pulumi.Config(namespace)

    def read(self, key: str, getter: Callable[[str], T]) -> T:
        try:
            return getter(key)
        except pulumi.ConfigMissingError:
            raise InvalidConfigError(
                key, "missing; set it in Pulumi.<stack>.yaml", self._namespace
            ) from None
        except pulumi.ConfigTypeError as error:
            raise InvalidConfigError(
                key, f"{error.value!r} is not a valid {error.expect_type}", self._namespace
            ) from None

    def text(self, key: str) -> str:
        value = self.read(key, self._config.require).strip()
        if not value:
            raise InvalidConfigError(key, "must not be empty", self._namespace)
        return value

    def any_integer(self, key: str) -> int:
        return self.read(key, self._config.require_int)

    def integer(self, key: str, low: int, high: int) -> int:
        value = self.any_integer(key)
        if not low <= value <= high:
            raise InvalidConfigError(
                key, f"must be between {low} and {high}, got {value}", self._namespace
            )
        return value

    def boolean(self, key: str) -> bool:
        return self.read(key, self._config.require_bool)

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.read(key, self._config.require_object)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise InvalidConfigError(key, "must be a list of strings")
        return tuple(value)

    def secret(self, key: str) -> pulumi.Output[str]:
        return self.read(key, self._config.require_secret)


def load_settings() -> StackSettings:
    """Parse and validate every setting of the current stack."""
    reader = _Reader(NAMESPACE)
    region = _Reader("aws").text("region")
    domain_name = _domain_name(reader)
    return StackSettings(
        stack=pulumi.get_stack(),
        region=region,
        domain_name=domain_name,
        hosted_zone=_hosted_zone(reader, domain_name),
        alert_emails=_alert_emails(reader),
        nat=_nat(reader),
        availability_zones=reader.integer("availabilityZones", 2, 3),
        api=_service(reader, "api"),
        worker=_service(reader, "worker"),
        database=_database(reader),
        deletion_protection=reader.boolean("deletionProtection"),
        log_retention_days=_log_retention(reader),
        waf_enabled=reader.boolean("wafEnabled"),
        llm_model=reader.text("llmModel"),
        openai_api_key=reader.secret("openaiApiKey"),
        max_receives=reader.integer("queueMaxReceives", 1, 1000),
        job_lease_seconds=reader.integer("jobLeaseSeconds", 5, 43200),
        managed_prometheus=reader.boolean("managedPrometheus"),
        managed_grafana=_managed_grafana(reader),
    )


def _managed_grafana(reader: _Reader) -> bool:
    grafana = reader.boolean("managedGrafana")
    if grafana and not reader.boolean("managedPrometheus"):
        raise InvalidConfigError("managedGrafana", "needs managedPrometheus: it shows its metrics")
    return grafana


def _domain_name(reader: _Reader) -> str:
    domain = reader.text("domainName").lower().rstrip(".")
    if not _DOMAIN.match(domain):
        raise InvalidConfigError("domainName", f"{domain!r} is not a valid DNS name")
    return domain


def _hosted_zone(reader: _Reader, domain_name: str) -> str:
    zone = reader.text("hostedZone").lower().rstrip(".")
    if domain_name != zone and not domain_name.endswith(f".{zone}"):
        raise InvalidConfigError(
            "hostedZone", f"domain {domain_name!r} is not inside the hosted zone {zone!r}"
        )
    return zone


def _alert_emails(reader: _Reader) -> tuple[str, ...]:
    emails = reader.strings("alertEmails")
    invalid = [email for email in emails if not _EMAIL.match(email)]
    if invalid:
        raise InvalidConfigError("alertEmails", f"not e-mail addresses: {invalid}")
    return emails


def _nat(reader: _Reader) -> NatStrategy:
    nat = reader.text("natGateways")
    if nat == "none":
        raise InvalidConfigError(
            "natGateways",
            "'none' leaves the worker without a route to the OpenAI API; use 'single' or 'per-az'",
        )
    if nat not in NAT_STRATEGIES:
        raise InvalidConfigError(
            "natGateways", f"unknown NAT strategy {nat!r}; use one of {list(NAT_STRATEGIES)}"
        )
    return cast(NatStrategy, nat)


def _service(reader: _Reader, service: str) -> ServiceSettings:
    cpu = reader.integer(f"{service}Cpu", 256, 16384)
    memory = reader.integer(f"{service}Memory", 512, 122880)
    size_error = fargate_size_error(cpu, memory)
    if size_error:
        raise InvalidConfigError(f"{service}Memory", size_error)
    min_tasks = reader.integer(f"{service}MinTasks", 1, 100)
    max_tasks = reader.integer(f"{service}MaxTasks", 1, 100)
    if min_tasks > max_tasks:
        raise InvalidConfigError(
            f"{service}MinTasks", f"{min_tasks} is greater than {service}MaxTasks ({max_tasks})"
        )
    return ServiceSettings(cpu=cpu, memory=memory, min_tasks=min_tasks, max_tasks=max_tasks)


def _database(reader: _Reader) -> DatabaseSettings:
    instance_class = reader.text("dbInstanceClass")
    if not instance_class.startswith("db."):
        raise InvalidConfigError("dbInstanceClass", f"{instance_class!r} is not an RDS class")
    allocated = reader.integer("dbAllocatedStorageGb", 20, 65536)
    maximum = reader.integer("dbMaxAllocatedStorageGb", 20, 65536)
    if maximum < allocated:
        raise InvalidConfigError(
            "dbMaxAllocatedStorageGb", f"{maximum} is below dbAllocatedStorageGb ({allocated})"
        )
    return DatabaseSettings(
        instance_class=instance_class,
        allocated_storage_gb=allocated,
        max_allocated_storage_gb=maximum,
        multi_az=reader.boolean("dbMultiAz"),
        backup_retention_days=reader.integer("dbBackupRetentionDays", 1, 35),
    )


def _log_retention(reader: _Reader) -> int:
    days = reader.any_integer("logRetentionDays")
    if days not in LOG_RETENTION_DAYS:
        raise InvalidConfigError(
            "logRetentionDays",
            f"{days} is not a CloudWatch retention; use one of {sorted(LOG_RETENTION_DAYS)}",
        )
    return days
