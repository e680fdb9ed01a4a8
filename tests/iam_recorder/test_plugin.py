"""The plugin end to end: a pytest session of a demo service's tests against moto's server,
checked at session end against the service's manifest."""

import json
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
SERVICE_CODE = """
import os

import boto3


def queue():
    return boto3.session.Session().client("sqs", region_name="us-east-1")


def send(queue_url):
    queue().send_message(QueueUrl=queue_url, MessageBody="{}", MessageGroupId="g",
                         MessageDeduplicationId=os.urandom(8).hex())


def consume(queue_url):
    sqs = queue()
    for message in sqs.receive_message(QueueUrl=queue_url).get("Messages", []):
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


def purge(queue_url):
    queue().purge_queue(QueueUrl=queue_url)
"""
SERVICE_TESTS = """
import uuid

import boto3
import pytest

import aira_demo


@pytest.fixture
def queue_url():
    sqs = boto3.client("sqs", region_name="us-east-1")
    name = f"jobs-{uuid.uuid4().hex}.fifo"
    return sqs.create_queue(QueueName=name, Attributes={"FifoQueue": "true"})["QueueUrl"]


def test_send(queue_url, aws_calls):
    aira_demo.send(queue_url)
    assert aws_calls.actions("demo") == {"sqs:SendMessage"}


def test_consume(queue_url):
    aira_demo.send(queue_url)
    aira_demo.consume(queue_url)
"""


# More tests of the demo service, elsewhere (like tests/iam_recorder/test_service_grants.py).
EXTRA_TESTS = """
import uuid

import boto3

import aira_demo


def test_purge():
    sqs = boto3.client("sqs", region_name="us-east-1")
    name = f"jobs-{uuid.uuid4().hex}.fifo"
    queue_url = sqs.create_queue(QueueName=name, Attributes={"FifoQueue": "true"})["QueueUrl"]
    aira_demo.purge(queue_url)
"""


def demo_project(
    root: Path, actions: list[str], *, dlq_actions: list[str] | None = None, ini: str = ""
) -> Path:
    statements = [{"resource": "jobs-queue", "actions": actions}] if actions else []
    if dlq_actions:
        statements.append({"resource": "jobs-dlq", "actions": dlq_actions})
    manifest = {"service": "demo", "statements": statements}
    (root / "apps" / "demo").mkdir(parents=True)
    (root / "apps" / "demo" / "iam.json").write_text(json.dumps(manifest))
    (root / "aira_demo.py").write_text(SERVICE_CODE)
    (root / "tests" / "demo").mkdir(parents=True)
    (root / "tests" / "demo" / "test_demo.py").write_text(SERVICE_TESTS)
    (root / "tests" / "extra").mkdir(parents=True)
    (root / "tests" / "extra" / "test_extra.py").write_text(EXTRA_TESTS)
    (root / "pytest.ini").write_text(f"[pytest]\n{ini}")
    return root


@pytest.fixture
def run_pytest(monkeypatch, capsys):
    """Run a pytest session of a project in this process, with the plugin; return its exit
    status and output."""

    def run(project: Path, endpoint: str, *args: str) -> tuple[int, str]:
        monkeypatch.chdir(project)
        monkeypatch.syspath_prepend(str(project))
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        status = pytest.main(
            [
                "-p",
                "tests.iam_recorder.plugin",
                "-q",
                "-p",
                "no:cacheprovider",
                "--rootdir",
                str(project),
                "-c",
                str(project / "pytest.ini"),
                *args,
            ]
        )
        for module in ("aira_demo", "test_demo", "test_extra"):
            sys.modules.pop(module, None)
        return int(status), capsys.readouterr().out

    return run


EXACT = ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"]
DEMO_TESTS = "tests/demo"


def test_manifest_equal_to_the_calls_passes(tmp_path, moto_endpoint, run_pytest):
    status, out = run_pytest(demo_project(tmp_path, EXACT), moto_endpoint, DEMO_TESTS)
    assert status == 0, out
    assert "IAM manifests: demo grant exactly what their code called" in out


def test_call_missing_from_the_manifest_fails_the_session(tmp_path, moto_endpoint, run_pytest):
    project = demo_project(tmp_path, ["sqs:SendMessage"])
    status, out = run_pytest(project, moto_endpoint, DEMO_TESTS)
    assert status == 1
    assert "IAM manifests vs the AWS calls the code made" in out
    assert (
        "demo: code calls ['sqs:DeleteMessage on jobs-queue', 'sqs:ReceiveMessage on jobs-queue'],"
        " missing from" in out
    )
    assert "sqs:DeleteMessage on jobs-queue (tests/demo/test_demo.py::test_consume)" in out
    assert "2 passed" in out


def test_a_call_on_another_resource_than_the_granted_one_fails(tmp_path, moto_endpoint, run_pytest):
    project = demo_project(tmp_path, [], dlq_actions=EXACT)
    status, out = run_pytest(project, moto_endpoint, DEMO_TESTS)
    assert status == 1
    assert "demo: code calls ['sqs:DeleteMessage on jobs-queue'" in out
    assert "grants ['sqs:DeleteMessage on jobs-dlq'" in out


def test_action_no_test_exercised_fails_a_complete_run(tmp_path, moto_endpoint, run_pytest):
    project = demo_project(tmp_path, [*EXACT, "sqs:PurgeQueue"])
    status, out = run_pytest(project, moto_endpoint, DEMO_TESTS)
    assert status == 1
    assert "grants ['sqs:PurgeQueue on jobs-queue'], which no test exercised" in out


@pytest.mark.parametrize(
    "selection",
    [
        ["tests/demo", "-k", "send"],
        ["tests/demo", "--deselect", "tests/demo/test_demo.py::test_consume"],
        ["tests/demo", "--ignore", "tests/demo/test_demo.py"],
        ["tests/demo", "--collect-only"],
        ["tests/demo/test_demo.py::test_send"],
        ["tests/demo/test_demo.py"],
    ],
)
def test_partial_run_does_not_judge_over_grants(tmp_path, moto_endpoint, run_pytest, selection):
    project = demo_project(tmp_path, [*EXACT, "sqs:PurgeQueue"])
    status, out = run_pytest(project, moto_endpoint, *selection)
    assert status in (0, 5), out  # 5: the --ignore run collected nothing
    assert "IAM manifests" not in out


SPREAD = "iam_service_tests = demo: tests/demo tests/extra\n"


@pytest.mark.parametrize(
    ("ini", "selection", "judged"),
    [
        (SPREAD, ["tests"], True),
        (SPREAD, ["tests/demo", "tests/extra"], True),
        (SPREAD, ["tests/demo"], False),
        ("", ["tests/demo"], "sqs:PurgeQueue on jobs-queue"),  # extra's tests do not count
    ],
)
def test_a_manifest_is_judged_once_every_test_that_exercises_it_ran(
    tmp_path, moto_endpoint, run_pytest, ini, selection, judged
):
    project = demo_project(tmp_path, [*EXACT, "sqs:PurgeQueue"], ini=ini)
    status, out = run_pytest(project, moto_endpoint, *selection)
    if judged is True:
        assert status == 0, out
        assert "IAM manifests: demo grant exactly what their code called" in out
    elif judged is False:
        assert status == 0, out
        assert "IAM manifests" not in out
    else:
        assert status == 1
        assert f"grants ['{judged}'], which no test exercised" in out


def test_a_misconfigured_service_list_is_a_usage_error(tmp_path, moto_endpoint, run_pytest):
    project = demo_project(tmp_path, EXACT, ini="iam_service_tests = nobody: tests\n")
    status, _ = run_pytest(project, moto_endpoint, DEMO_TESTS)
    assert status == pytest.ExitCode.USAGE_ERROR
