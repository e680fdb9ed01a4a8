import json
from pathlib import Path

import pytest

from components.app_image import ECR_PULL_ACTIONS, AppImage, AppImageArgs


def test_repository_scans_images_and_keeps_the_last_ones_for_rollback(mocked):
    _, registered = mocked(lambda: AppImage("api", AppImageArgs(target="api", keep_images=15)))
    repository = registered.inputs("aws:ecr/repository:Repository", "api")
    assert repository["imageScanningConfiguration"] == {"scanOnPush": True}
    lifecycle = registered.inputs("aws:ecr/lifecyclePolicy:LifecyclePolicy", "api")
    (rule,) = json.loads(lifecycle["policy"])["rules"]
    assert rule["selection"] == {
        "tagStatus": "any",
        "countType": "imageCountMoreThan",
        "countNumber": 15,
    }
    assert rule["action"] == {"type": "expire"}


def test_image_is_built_from_the_repository_dockerfile_target(mocked):
    _, registered = mocked(lambda: AppImage("worker", AppImageArgs(target="worker")))
    build = registered.inputs("awsx:ecr:Image", "worker")
    assert build["target"] == "worker"
    assert build["platform"] == "linux/amd64"
    assert Path(build["dockerfile"]).is_file()
    assert Path(build["dockerfile"]).parent == Path(build["context"])
    assert build["repositoryUrl"].endswith(".amazonaws.com/worker")


def test_pull_grant_is_scoped_to_the_repository(mocked, resolve):
    image, _ = mocked(lambda: AppImage("api", AppImageArgs(target="api")))
    grant = image.grant_pull()
    assert grant.actions == ECR_PULL_ACTIONS
    assert [resolve(arn) for arn in grant.resources] == ["arn:aws:ecr:eu-west-1:123456789012:api"]


def test_keeping_fewer_than_two_images_is_rejected():
    with pytest.raises(ValueError, match="keep_images"):
        AppImageArgs(target="api", keep_images=1)
