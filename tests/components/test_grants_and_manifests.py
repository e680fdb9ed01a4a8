import json
from pathlib import Path

import pytest

from components.app_secret import AppSecret, AppSecretArgs
from components.grant import Grant, policy_document
from components.job_queue import JobQueue, JobQueueArgs
from components.service_manifest import ManifestStatement, ServiceManifest

ROOT = Path(__file__).resolve().parents[2]


def test_wildcard_actions_are_rejected():
    with pytest.raises(ValueError, match="wildcard actions"):
        Grant(("sqs:*",), ("arn:aws:sqs:eu-west-1:1:q",))


def test_star_resource_is_only_for_actions_aws_allows_no_other_way():
    with pytest.raises(ValueError, match='Resource "\\*"'):
        Grant(("sqs:SendMessage",), ("*",))
    assert Grant(("ecr:GetAuthorizationToken",), ("*",)).resources == ("*",)


def test_empty_grants_are_rejected():
    with pytest.raises(ValueError, match="at least one"):
        Grant((), ("arn",))


def test_policy_document_has_one_statement_per_grant(mocked, resolve):
    grants = [Grant(("a:B",), ("arn:1",)), Grant(("c:D", "c:E"), ("arn:2", "arn:3"))]
    document, _ = mocked(lambda: policy_document(grants))
    assert json.loads(resolve(document)) == {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["a:B"], "Resource": "arn:1"},
            {"Effect": "Allow", "Action": ["c:D", "c:E"], "Resource": ["arn:2", "arn:3"]},
        ],
    }


def _offered(queue_actions=(), dlq_actions=("sqs:GetQueueAttributes",)):
    return {
        "jobs-queue": (
            Grant(("sqs:SendMessage", "sqs:GetQueueAttributes"), ("arn:queue",)),
            Grant(("sqs:ReceiveMessage", "sqs:DeleteMessage", *queue_actions), ("arn:queue",)),
        ),
        "jobs-dlq": (Grant(dlq_actions, ("arn:dlq",)),),
    }


@pytest.mark.parametrize("service", ["api", "worker"])
def test_service_manifests_ask_only_for_what_the_queue_offers(service, mocked):
    manifest = ServiceManifest.load(ROOT / "apps" / service / "iam.json")
    assert manifest.service == service

    def build():
        queue = JobQueue("jobs", JobQueueArgs())
        return manifest.grants_within(
            {
                "jobs-queue": (queue.grant_send(), queue.grant_consume()),
                "jobs-dlq": (queue.grant_redrive(),),
            }
        )

    grants, _ = mocked(build)
    assert [g.actions for g in grants] == [s.actions for s in manifest.statements]


def test_each_statement_becomes_one_grant_on_its_resource():
    manifest = ServiceManifest(
        "api",
        (
            ManifestStatement("jobs-queue", ("sqs:SendMessage",)),
            ManifestStatement("jobs-dlq", ("sqs:GetQueueAttributes",)),
        ),
    )
    assert manifest.grants_within(_offered()) == (
        Grant(("sqs:SendMessage",), ("arn:queue",)),
        Grant(("sqs:GetQueueAttributes",), ("arn:dlq",)),
    )


def test_manifest_with_an_unknown_resource_key_is_rejected():
    manifest = ServiceManifest("api", (ManifestStatement("bucket", ("s3:GetObject",)),), "x.json")
    with pytest.raises(ValueError, match=r"x.json: unknown resource keys \['bucket'\]"):
        manifest.grants({"jobs-queue": "arn:queue"})


def test_manifest_asking_for_an_operation_the_resource_does_not_offer_is_rejected():
    manifest = ServiceManifest(
        "worker", (ManifestStatement("jobs-queue", ("sqs:PurgeQueue",)),), "x.json"
    )
    with pytest.raises(ValueError, match=r"x.json: jobs-queue does not offer \['sqs:PurgeQueue'\]"):
        manifest.grants_within(_offered())


def test_malformed_manifest_is_rejected(tmp_path):
    path = tmp_path / "iam.json"
    path.write_text(json.dumps({"service": "api", "statements": [{"resource": "jobs-queue"}]}))
    with pytest.raises(ValueError, match="malformed IAM manifest"):
        ServiceManifest.load(path)


def test_app_secret_stores_its_value_as_a_secret_and_grants_reads_of_itself(mocked, resolve):
    secret, registered = mocked(
        lambda: AppSecret("jwt", AppSecretArgs(value="s3cret", description="signing key"))
    )
    assert registered.inputs("aws:secretsmanager/secretVersion:SecretVersion")["secretString"] == (
        "s3cret"
    )
    assert registered.inputs("aws:secretsmanager/secret:Secret")["recoveryWindowInDays"] == 7.0
    grant = secret.grant_read()
    assert grant.actions == ("secretsmanager:GetSecretValue",)
    assert resolve(grant.resources[0]) == resolve(secret.arn)
