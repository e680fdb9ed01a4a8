"""Operations map to the IAM actions that authorise them; unknown ones fail loudly."""

import botocore.session
import pytest

from tests.iam_recorder.actions import UnmappedOperationError, iam_action


@pytest.mark.parametrize(
    ("signing_name", "operation", "action"),
    [
        ("sqs", "SendMessage", "sqs:SendMessage"),
        ("sqs", "SendMessageBatch", "sqs:SendMessage"),
        ("sqs", "DeleteMessageBatch", "sqs:DeleteMessage"),
        ("sqs", "ChangeMessageVisibilityBatch", "sqs:ChangeMessageVisibility"),
        ("monitoring", "PutMetricData", "cloudwatch:PutMetricData"),
        ("secretsmanager", "GetSecretValue", "secretsmanager:GetSecretValue"),
    ],
)
def test_operation_maps_to_its_action(signing_name, operation, action):
    assert iam_action(signing_name, operation) == action


@pytest.mark.parametrize(("signing_name", "operation"), [("s3", "ListObjectsV2"), ("nope", "X")])
def test_operation_without_known_action_fails_loudly(signing_name, operation):
    with pytest.raises(UnmappedOperationError, match="OPERATION_ACTIONS"):
        iam_action(signing_name, operation)


def test_every_sqs_operation_has_a_known_action():
    model = botocore.session.get_session().get_service_model("sqs")
    for operation in model.operation_names:
        assert iam_action(model.signing_name, operation).startswith("sqs:")
