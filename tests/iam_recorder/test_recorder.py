"""The recorder on real boto3 clients against moto's server over HTTP."""

import sys
import types

import boto3
import pytest

from tests.iam_recorder.actions import UnmappedOperationError
from tests.iam_recorder.recorder import AwsCallRecorder

# Stands in for a service's queue code: calls made from an `aira_<service>` module are its calls.
DEMO_SERVICE_CODE = """
import boto3

def client(endpoint):
    return boto3.session.Session().client("sqs", endpoint_url=endpoint, region_name="us-east-1")

def send_and_consume(endpoint, queue_url):
    sqs = client(endpoint)
    sqs.send_message_batch(QueueUrl=queue_url, Entries=[
        {"Id": "1", "MessageBody": "{}", "MessageGroupId": "g", "MessageDeduplicationId": "d1"}])
    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    sqs.delete_message_batch(QueueUrl=queue_url, Entries=[
        {"Id": "1", "ReceiptHandle": messages[0]["ReceiptHandle"]}])

def list_buckets(endpoint):
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    try:
        s3.list_buckets()
    except Exception:
        return "swallowed"
"""


@pytest.fixture
def demo_service():
    module = types.ModuleType("aira_demo")
    exec(compile(DEMO_SERVICE_CODE, "aira_demo.py", "exec"), module.__dict__)
    sys.modules["aira_demo"] = module
    yield module
    del sys.modules["aira_demo"]


@pytest.fixture
def recorder():
    recorder = AwsCallRecorder(["demo"])
    recorder.install()
    yield recorder
    recorder.uninstall()


def fifo_queue(endpoint):
    sqs = boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1")
    return sqs.create_queue(QueueName="jobs.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]


def test_service_calls_are_recorded_as_actions_and_setup_is_not_theirs(
    recorder, demo_service, moto_endpoint
):
    queue_url = fifo_queue(moto_endpoint)
    demo_service.send_and_consume(moto_endpoint, queue_url)
    by_service = {(c.operation, c.action, c.service) for c in recorder.calls}
    assert by_service == {
        ("sqs.CreateQueue", "sqs:CreateQueue", None),
        ("sqs.SendMessageBatch", "sqs:SendMessage", "demo"),
        ("sqs.ReceiveMessage", "sqs:ReceiveMessage", "demo"),
        ("sqs.DeleteMessageBatch", "sqs:DeleteMessage", "demo"),
    }


def test_running_test_decides_for_shared_code_without_a_service_frame(recorder, moto_endpoint):
    shared = types.ModuleType("aira_core_demo")
    exec(
        "import boto3\ndef ping(e):\n    boto3.client('sqs', endpoint_url=e, "
        "region_name='us-east-1').list_queues()",
        shared.__dict__,
    )
    recorder.running_test = "tests/demo/test_x.py::test_y"
    shared.ping(moto_endpoint)
    assert [(c.action, c.service) for c in recorder.calls] == [("sqs:ListQueues", "demo")]


def test_unmapped_operation_fails_the_call_and_is_kept_even_when_swallowed(
    recorder, demo_service, moto_endpoint
):
    assert demo_service.list_buckets(moto_endpoint) == "swallowed"
    [call] = recorder.calls
    assert call.action is None and "s3.ListBuckets" in call.error
    with pytest.raises(UnmappedOperationError):
        boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1").list_buckets()


def test_clients_created_after_uninstall_are_not_recorded(moto_endpoint):
    recorder = AwsCallRecorder(["demo"])
    recorder.install()
    recorder.uninstall()
    fifo_queue(moto_endpoint)
    assert recorder.calls == []
