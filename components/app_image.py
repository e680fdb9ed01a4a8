"""An ECR repository and the image built into it from one target of the repository's Dockerfile."""

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pulumi
import pulumi_aws as aws
import pulumi_awsx as awsx

from components.grant import Grant

REPO_ROOT = Path(__file__).resolve().parents[1]
# Relative to where Pulumi runs, so the inputs (and the state) do not change from one checkout
# directory to another: an absolute path would show as a change on every other machine.
BUILD_CONTEXT = os.path.relpath(REPO_ROOT)

ECR_PULL_ACTIONS = (
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
)


@dataclass(frozen=True)
class AppImageArgs:
    target: str
    """Dockerfile target to build (`api` or `worker`)."""
    context: str = BUILD_CONTEXT
    dockerfile: str = os.path.join(BUILD_CONTEXT, "Dockerfile")
    platform: str = "linux/amd64"
    """Must match the task definition's CPU architecture."""
    keep_images: int = 20
    """Older images expire; the last ones stay so a rollback can still pull its image."""
    force_delete: bool = True
    """Delete the repository with its images on teardown; turn off where images must survive."""

    def __post_init__(self) -> None:
        if self.keep_images < 2:
            raise ValueError("keep_images must be at least 2 so the previous image survives")


class AppImage(pulumi.ComponentResource):
    """Scanned, lifecycle-managed ECR repository plus the built and pushed image."""

    def __init__(
        self, name: str, args: AppImageArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("aira:image:AppImage", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.repository = aws.ecr.Repository(
            name,
            image_scanning_configuration={"scan_on_push": True},
            image_tag_mutability="MUTABLE",
            encryption_configurations=[{"encryption_type": "AES256"}],
            force_delete=args.force_delete,
            opts=child,
        )
        self.lifecycle_policy = aws.ecr.LifecyclePolicy(
            name,
            repository=self.repository.name,
            policy=json.dumps(
                {
                    "rules": [
                        {
                            "rulePriority": 1,
                            "description": f"keep the last {args.keep_images} images",
                            "selection": {
                                "tagStatus": "any",
                                "countType": "imageCountMoreThan",
                                "countNumber": args.keep_images,
                            },
                            "action": {"type": "expire"},
                        }
                    ]
                }
            ),
            opts=child,
        )
        self.image = awsx.ecr.Image(
            name,
            repository_url=self.repository.repository_url,
            context=args.context,
            dockerfile=args.dockerfile,
            target=args.target,
            platform=args.platform,
            opts=child,
        )
        self.image_uri = self.image.image_uri
        self.register_outputs({"image_uri": self.image_uri})

    def grant_pull(self) -> Grant:
        return Grant(ECR_PULL_ACTIONS, (self.repository.arn,))
