"""Stack settings: invalid or missing values fail with one message naming the key."""

import json
from pathlib import Path

import pulumi
import pytest

from scripts.plan.capture import PlanError, capture_plan
from scripts.plan.stack_config import SECRET_PLACEHOLDER, StackConfigError, load_stack_config
from stacks.config import InvalidConfigError, load_settings


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"aira:natGateways": "none"},
            "aira:natGateways: 'none' leaves the worker without a route",
        ),
        ({"aira:natGateways": "double"}, "aira:natGateways: unknown NAT strategy 'double'"),
        ({"aira:apiMinTasks": "3"}, "aira:apiMinTasks: 3 is greater than apiMaxTasks (2)"),
        (
            {"aira:domainName": "www.other.org"},
            "aira:hostedZone: domain 'www.other.org' is not inside the hosted zone",
        ),
        ({"aira:domainName": "not a domain"}, "aira:domainName: 'not a domain' is not a valid"),
        ({"aira:workerMemory": "4096"}, "aira:workerMemory: memory 4096 MiB does not fit cpu 256"),
        ({"aira:apiCpu": "300"}, "aira:apiMemory: cpu 300 is not a Fargate size"),
        (
            {"aira:logRetentionDays": "13"},
            "aira:logRetentionDays: 13 is not a CloudWatch retention",
        ),
        ({"aira:alertEmails": '["oncall"]'}, "aira:alertEmails: not e-mail addresses: ['oncall']"),
        ({"aira:alertEmails": '"a@b.c"'}, "aira:alertEmails: must be a list of strings"),
        ({"aira:availabilityZones": "4"}, "aira:availabilityZones: must be between 2 and 3"),
        ({"aira:availabilityZones": "two"}, "aira:availabilityZones: 'two' is not a valid int"),
        ({"aira:dbMultiAz": "maybe"}, "aira:dbMultiAz: 'maybe' is not a valid bool"),
        (
            {"aira:dbMaxAllocatedStorageGb": "20", "aira:dbAllocatedStorageGb": "40"},
            "aira:dbMaxAllocatedStorageGb: 20 is below dbAllocatedStorageGb (40)",
        ),
        ({"aira:dbInstanceClass": "t4g.micro"}, "aira:dbInstanceClass: 't4g.micro' is not an RDS"),
        ({"aira:llmModel": "  "}, "aira:llmModel: must not be empty"),
    ],
)
def test_invalid_config_fails_with_a_message_naming_the_key(overrides, message):
    with pytest.raises(PlanError) as raised:
        capture_plan("dev", overrides)
    assert message in str(raised.value)


def test_missing_required_keys_are_named():
    pulumi.runtime.set_all_config({"aws:region": "eu-west-1"})
    with pytest.raises(InvalidConfigError, match="aira:domainName: missing"):
        load_settings()
    pulumi.runtime.set_all_config({})
    with pytest.raises(InvalidConfigError, match="aws:region: missing"):
        load_settings()


def test_stack_files_override_project_defaults_as_cli_strings():
    dev = load_stack_config("dev")
    prod = load_stack_config("prod")
    assert dev.values["aira:natGateways"] == "single"
    assert prod.values["aira:natGateways"] == "per-az"
    assert prod.values["aira:dbMultiAz"] == "true"
    assert prod.values["aira:availabilityZones"] == "3"
    assert json.loads(prod.values["aira:alertEmails"]) == ["oncall@aira.example.com"]
    assert json.loads(dev.values["aira:alertEmails"]) == []
    assert json.loads(dev.values["aws:defaultTags"]) == {
        "tags": {"project": "aira", "stack": "dev"}
    }


def test_secrets_are_never_needed_to_plan(tmp_path: Path):
    (tmp_path / "Pulumi.yaml").write_text(
        "name: aira\nconfig:\n  openaiApiKey:\n    type: string\n    secret: true\n"
        "  llmModel:\n    type: string\n    default: gpt-4o-mini\n"
        "  jwtSeed:\n    type: string\n"
    )
    (tmp_path / "Pulumi.ci.yaml").write_text(
        "config:\n  aira:jwtSeed:\n    secure: v1:AAAABBBB\n  aws:region: us-east-1\n"
    )
    config = load_stack_config("ci", root=tmp_path)
    assert config.values == {
        "aira:openaiApiKey": SECRET_PLACEHOLDER,
        "aira:llmModel": "gpt-4o-mini",
        "aira:jwtSeed": SECRET_PLACEHOLDER,
        "aws:region": "us-east-1",
    }
    assert config.secret_keys == ("aira:jwtSeed", "aira:openaiApiKey")


def test_unknown_stack_is_reported():
    with pytest.raises(StackConfigError, match="unknown stack 'staging'"):
        load_stack_config("staging")


def test_misspelt_keys_in_a_stack_file_are_rejected(tmp_path: Path):
    (tmp_path / "Pulumi.yaml").write_text(
        "name: aira\nconfig:\n  wafEnabled:\n    type: boolean\n    default: false\n"
    )
    (tmp_path / "Pulumi.prod.yaml").write_text("config:\n  aira:wafEnable: true\n")
    with pytest.raises(StackConfigError, match="aira:wafEnable is not declared"):
        load_stack_config("prod", root=tmp_path)
