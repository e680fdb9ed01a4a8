"""The offline runner: results, exit status, enforcement per stack, clear errors on bad plans."""

import json

import pytest

from policies.enforcement import POLICIES_DIR as POLICIES
from policies.runner import PlanError, evaluate, main, policy_lines
from tests.policies.analyzer import UNKNOWN

QUEUE = "aws:sqs/queue:Queue"


def plan(*resources, stack="prod"):
    return {"stack": stack, "resources": list(resources), "exports": {}}


def resource(resource_type, inputs, name="subject", urn=None):
    return {
        "urn": urn or f"urn:pulumi:prod::aira::{resource_type}::{name}",
        "type": resource_type,
        "name": name,
        "parent": None,
        "inputs": inputs,
    }


ENCRYPTED_DLQ = resource(
    QUEUE,
    {
        "fifoQueue": True,
        "sqsManagedSseEnabled": True,
        "redriveAllowPolicy": '{"redrivePermission": "denyAll"}',
    },
)


def write(tmp_path, document, name="plan.json"):
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return str(path)


def test_compliant_plan_exits_zero(tmp_path, capsys):
    assert main(["--plan", write(tmp_path, plan(ENCRYPTED_DLQ))]) == 0
    assert "0 mandatory, 0 advisory violations, 0 errors" in capsys.readouterr().out


def test_mandatory_violation_is_printed_with_policy_level_resource_and_message(tmp_path, capsys):
    hand_added = resource(
        QUEUE, {"fifoQueue": True, "redriveAllowPolicy": "{}"}, name="anything", urn="urn:made:up"
    )
    assert main(["--plan", write(tmp_path, plan(ENCRYPTED_DLQ, hand_added))]) == 1
    out = capsys.readouterr().out
    assert "MANDATORY sqs-encrypted  urn:made:up\n          queue is not encrypted" in out


def test_enforcement_defaults_to_the_plan_stack_config(tmp_path, capsys):
    database = resource(
        "aws:rds/instance:Instance",
        {
            "storageEncrypted": True,
            "manageMasterUserPassword": True,
            "backupRetentionPeriod": 1.0,
            "vpcSecurityGroupIds": [],
        },
    )
    dev = evaluate(plan(database, stack="dev"))
    prod = evaluate(plan(database, stack="prod"))
    assert {(v.policy, v.level.value) for v in dev.violations} >= {
        ("rds-deletion-protection", "advisory"),
        ("rds-final-snapshot", "advisory"),
    }
    assert "rds-backups" not in {v.policy for v in dev.violations}
    assert {v.policy for v in prod.mandatory} >= {
        "rds-backups",
        "rds-deletion-protection",
        "rds-final-snapshot",
    }


def test_explicit_config_overrides_the_stack_config(tmp_path, capsys):
    unencrypted = resource(QUEUE, {"fifoQueue": True, "redriveAllowPolicy": "{}"})
    config = write(tmp_path, {"all": "advisory", "sqs-dead-letter-queue": "disabled"}, "c.json")
    assert main(["--plan", write(tmp_path, plan(unencrypted)), "--config", config]) == 0
    assert "ADVISORY  sqs-encrypted" in capsys.readouterr().out


def test_values_unknown_at_preview_are_reported_not_judged():
    report = evaluate(
        plan(resource(QUEUE, {"sqsManagedSseEnabled": UNKNOWN, "redriveAllowPolicy": "{}"}))
    )
    assert [u.policy for u in report.unknown] == ["sqs-encrypted"]
    assert report.passed


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "is not valid JSON"),
        ([], "a plan is a JSON object"),
        ({"resources": []}, "'stack' must be a non-empty string"),
        ({"stack": "prod", "resources": {}}, "'resources' must be a list"),
        (plan("nope"), "resources[0] must be an object"),
        (plan({"type": QUEUE, "name": "q", "inputs": {}}), "resources[0].urn must be a non-empty"),
        (plan({"urn": "u", "type": QUEUE, "name": "q", "inputs": []}), "resources[0].inputs (u)"),
        (plan(ENCRYPTED_DLQ, ENCRYPTED_DLQ), "resources share URNs"),
        (plan(stack="staging"), "no enforcement config at"),
    ],
)
def test_malformed_plan_gives_a_clear_error(tmp_path, capsys, document, message):
    assert main(["--plan", write(tmp_path, document)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_missing_plan_file_gives_a_clear_error(tmp_path, capsys):
    assert main(["--plan", str(tmp_path / "absent.json")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_resource_of_unknown_shape_is_an_error_naming_policy_and_resource(tmp_path, capsys):
    group = resource(
        "aws:ec2/securityGroup:SecurityGroup",
        {"ingress": ["tcp/22 from anywhere"]},
        urn="urn:hand:edited",
    )
    assert main(["--plan", write(tmp_path, plan(group))]) == 2
    out = capsys.readouterr().out
    assert "ERROR     world-open-ingress-only-alb-https  (stack)" in out
    assert "AttributeError" in out


def test_parse_rejects_a_plan_without_resources():
    with pytest.raises(PlanError):
        evaluate({"stack": "prod"})


def test_plan_report_section_shows_results_or_why_they_could_not_run():
    lines = policy_lines(plan(ENCRYPTED_DLQ))
    assert "policies over 1 resources of stack 'prod': 0 mandatory" in lines[-1]
    assert policy_lines(plan(stack="staging")) == [
        f"policies could not run: no enforcement config at {POLICIES / 'config.staging.json'}"
    ]
