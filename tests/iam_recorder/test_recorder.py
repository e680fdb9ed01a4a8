"""The recorder on real boto3 clients against moto's server over HTTP."""

import asyncio
import sys
import threading
import types

import boto3
import pytest

from tests.iam_recorder.actions import UnmappedOperationError
from tests.iam_recorder.recorder import AwsCallRecorder
from tests.iam_recorder.resources import resource_of

# Stands in for a service's queue code: calls made from an `aira_<service>` module are its calls.
DEMO_SERVICE_CODE = """
import asyncio

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

def list_buckets(endpoint, swallow=True):
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    try:
        s3.list_buckets()
    except Exception:
        if not swallow:
            raise
        return "swallowed"

async def hand_over(func, *args):
    return await asyncio.to_thread(func, *args)
"""
# Stands in for shared code (aira_core): whose call it is depends on who runs it.
SHARED_CODE = """
import boto3

def ping(endpoint):
    boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1").list_queues()
"""


@pytest.fixture
def demo_service():
    module = types.ModuleType("aira_demo")
    exec(compile(DEMO_SERVICE_CODE, "aira_demo.py", "exec"), module.__dict__)
    sys.modules["aira_demo"] = module
    yield module
    del sys.modules["aira_demo"]


@pytest.fixture
def shared():
    module = types.ModuleType("aira_core_demo")
    exec(compile(SHARED_CODE, "aira_core_demo.py", "exec"), module.__dict__)
    return module


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
    by_service = {(c.operation, c.grant, c.service) for c in recorder.calls}
    assert by_service == {
        ("sqs.CreateQueue", "sqs:CreateQueue", None),
        ("sqs.SendMessageBatch", "sqs:SendMessage on jobs-queue", "demo"),
        ("sqs.ReceiveMessage", "sqs:ReceiveMessage on jobs-queue", "demo"),
        ("sqs.DeleteMessageBatch", "sqs:DeleteMessage on jobs-queue", "demo"),
    }


def test_shared_code_driven_by_a_test_is_not_the_services(recorder, shared, moto_endpoint):
    recorder.running_test = "tests/demo/test_x.py::test_y"
    shared.ping(moto_endpoint)  # as a fixture enqueuing a job through aira_core
    assert [(c.action, c.service) for c in recorder.calls] == [("sqs:ListQueues", None)]


def test_running_test_decides_for_shared_code_on_a_thread_of_its_own(
    recorder, shared, moto_endpoint
):
    recorder.running_test = "tests/demo/test_x.py::test_y"
    thread = threading.Thread(target=shared.ping, args=(moto_endpoint,))
    thread.start()
    thread.join()
    assert [(c.action, c.service) for c in recorder.calls] == [("sqs:ListQueues", "demo")]


def test_work_a_service_hands_to_a_thread_stays_its_own(
    recorder, demo_service, shared, moto_endpoint
):
    recorder.running_test = "tests/elsewhere/test_x.py::test_y"

    async def by_the_test():
        await asyncio.to_thread(shared.ping, moto_endpoint)

    # A loop of its own: asyncio.run would leave this thread without a current event loop,
    # which later tests (Pulumi's mocks) expect to find.
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(demo_service.hand_over(shared.ping, moto_endpoint))
        loop.run_until_complete(by_the_test())
    finally:
        loop.close()
    assert [(c.action, c.service) for c in recorder.calls] == [
        ("sqs:ListQueues", "demo"),
        ("sqs:ListQueues", None),
    ]


def test_unmapped_operation_fails_the_call_and_is_kept_even_when_swallowed(
    recorder, demo_service, moto_endpoint
):
    assert demo_service.list_buckets(moto_endpoint) == "swallowed"
    [call] = recorder.calls
    assert call.action is None and "s3.ListBuckets" in call.error
    with pytest.raises(UnmappedOperationError):
        demo_service.list_buckets(moto_endpoint, swallow=False)


def test_tests_may_call_operations_no_manifest_could_hold(recorder, moto_endpoint):
    boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1").list_buckets()
    [call] = recorder.calls
    assert (call.operation, call.action, call.service, call.error) == (
        "s3.ListBuckets",
        None,
        None,
        None,
    )


def test_clients_created_after_uninstall_are_not_recorded(moto_endpoint):
    to_thread = asyncio.to_thread
    recorder = AwsCallRecorder(["demo"])
    recorder.install()
    recorder.uninstall()
    fifo_queue(moto_endpoint)
    assert recorder.calls == []
    assert asyncio.to_thread is to_thread


@pytest.mark.parametrize(
    ("params", "resource"),
    [
        ({"QueueUrl": "http://127.0.0.1:5000/123456789012/aira-jobs-1a2b.fifo"}, "jobs-queue"),
        ({"QueueUrl": "https://sqs.eu-west-1.amazonaws.com/1/aira-jobs-dlq.fifo"}, "jobs-dlq"),
        ({"SourceArn": "arn:aws:sqs:eu-west-1:1:aira-jobs-1a2b-dlq.fifo"}, "jobs-dlq"),
        ({"QueueUrl": "http://127.0.0.1:5000/123456789012/standard"}, None),
        ({}, None),
    ],
)
def test_calls_name_the_manifest_resource_they_act_on(params, resource):
    assert resource_of("sqs", params) == resource
