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


def demo_project(root: Path, actions: list[str]) -> Path:
    manifest = {"service": "demo", "statements": [{"resource": "jobs-queue", "actions": actions}]}
    (root / "apps" / "demo").mkdir(parents=True)
    (root / "apps" / "demo" / "iam.json").write_text(json.dumps(manifest))
    (root / "aira_demo.py").write_text(SERVICE_CODE)
    (root / "tests" / "demo").mkdir(parents=True)
    (root / "tests" / "demo" / "test_demo.py").write_text(SERVICE_TESTS)
    (root / "pytest.ini").write_text("[pytest]\n")
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
        for module in ("aira_demo", "test_demo"):
            sys.modules.pop(module, None)
        return int(status), capsys.readouterr().out

    return run


EXACT = ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"]


def test_manifest_equal_to_the_calls_passes(tmp_path, moto_endpoint, run_pytest):
    status, out = run_pytest(demo_project(tmp_path, EXACT), moto_endpoint, "tests")
    assert status == 0, out


def test_call_missing_from_the_manifest_fails_the_session(tmp_path, moto_endpoint, run_pytest):
    status, out = run_pytest(demo_project(tmp_path, ["sqs:SendMessage"]), moto_endpoint, "tests")
    assert status == 1
    assert "IAM manifests vs the AWS calls the code made" in out
    assert "demo: code calls ['sqs:DeleteMessage', 'sqs:ReceiveMessage'], missing from" in out
    assert "2 passed" in out


def test_action_no_test_exercised_fails_a_complete_run(tmp_path, moto_endpoint, run_pytest):
    project = demo_project(tmp_path, [*EXACT, "sqs:PurgeQueue"])
    status, out = run_pytest(project, moto_endpoint, "tests")
    assert status == 1
    assert "grants ['sqs:PurgeQueue'], which no test exercised" in out


@pytest.mark.parametrize(
    "selection", [["tests", "-k", "send"], ["tests/demo/test_demo.py::test_send"]]
)
def test_partial_run_does_not_judge_over_grants(tmp_path, moto_endpoint, run_pytest, selection):
    project = demo_project(tmp_path, [*EXACT, "sqs:PurgeQueue"])
    status, out = run_pytest(project, moto_endpoint, *selection)
    assert status == 0, out
