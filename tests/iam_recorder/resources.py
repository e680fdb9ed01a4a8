"""Which of the manifests' logical resources (`jobs-queue`, `jobs-dlq`) an AWS call is made on.

The tests name their queues like the JobQueue component does: the dead-letter queue's name ends
in `-dlq` (`aira-jobs-1a2b3c-dlq.fifo`), the job queue's does not (`aira-jobs-1a2b3c.fifo`). A call
on no queue (ListQueues) or on a queue of another name has no resource: its action alone is
checked against the manifest, and it exercises no statement.
"""

from collections.abc import Mapping
from fnmatch import fnmatchcase
from typing import Any

RESOURCE_PATTERNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("jobs-dlq", ("*-dlq.fifo", "*-dlq")),
    ("jobs-queue", ("*.fifo",)),
)
# Parameters naming the resource an operation acts on (StartMessageMoveTask: its source).
_RESOURCE_PARAMETERS = {"sqs": ("QueueUrl", "SourceArn")}


def resource_of(prefix: str, params: Mapping[str, Any]) -> str | None:
    """`jobs-dlq` for `sqs` params whose QueueUrl is `.../aira-jobs-1a2b3c-dlq.fifo`."""
    for parameter in _RESOURCE_PARAMETERS.get(prefix, ()):
        value = params.get(parameter)
        if isinstance(value, str):
            name = value.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
            return next(
                (
                    resource
                    for resource, patterns in RESOURCE_PATTERNS
                    if any(fnmatchcase(name, pattern) for pattern in patterns)
                ),
                None,
            )
    return None
