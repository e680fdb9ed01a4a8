"""SQS on moto's server (a subprocess, real HTTP): a FIFO job queue and its FIFO dead-letter queue
shaped like the JobQueue component's (redrive after `max_receives`)."""

import json
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3

from load.network import free_port, wait_http
from load.processes import Service

FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@dataclass(frozen=True)
class SqsQueues:
    endpoint_url: str
    queue_url: str
    dlq_url: str

    def env(self, endpoint_url: str | None = None) -> dict[str, str]:
        """Settings pointing the apps at these queues (optionally through another endpoint)."""
        return FAKE_AWS_ENV | {
            "AWS_ENDPOINT_URL_SQS": endpoint_url or self.endpoint_url,
            "AIRA_QUEUE_URL": self.queue_url,
            "AIRA_DLQ_URL": self.dlq_url,
        }


def start_moto(log_dir: Path) -> tuple[Service, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    service = Service(
        "moto",
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        FAKE_AWS_ENV,
        log_dir,
        ready=lambda s: wait_http(f"{url}/moto-api/", 30, s.alive),
    )
    return service.start(), url


def create_queues(endpoint_url: str, max_receives: int, visibility_timeout: int) -> SqsQueues:
    sqs = boto3.client(
        "sqs",
        endpoint_url=endpoint_url,
        region_name=FAKE_AWS_ENV["AWS_REGION"],
        aws_access_key_id=FAKE_AWS_ENV["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_AWS_ENV["AWS_SECRET_ACCESS_KEY"],
    )
    name = f"aira-jobs-{uuid.uuid4().hex[:10]}"
    fifo = {"FifoQueue": "true", "ContentBasedDeduplication": "false"}
    dlq_url = sqs.create_queue(QueueName=f"{name}-dlq.fifo", Attributes=fifo)["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(max_receives)}
    attributes = fifo | {
        "VisibilityTimeout": str(visibility_timeout),
        "RedrivePolicy": json.dumps(redrive),
    }
    queue_url = sqs.create_queue(QueueName=f"{name}.fifo", Attributes=attributes)["QueueUrl"]
    return SqsQueues(endpoint_url, queue_url, dlq_url)
