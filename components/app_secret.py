"""An application secret in Secrets Manager, injected into containers as a task secret."""

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.grant import Grant


@dataclass(frozen=True)
class AppSecretArgs:
    value: pulumi.Input[str]
    """The secret value; pass a Pulumi secret so it stays encrypted in the state."""
    description: str
    recovery_window_days: int = 7
    """0 deletes at once (easy teardown); 7-30 keeps a deleted secret recoverable."""


class AppSecret(pulumi.ComponentResource):
    """A Secrets Manager secret and its current value."""

    def __init__(
        self, name: str, args: AppSecretArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("aira:secret:AppSecret", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.secret = aws.secretsmanager.Secret(
            name,
            description=args.description,
            recovery_window_in_days=args.recovery_window_days,
            opts=child,
        )
        self.version = aws.secretsmanager.SecretVersion(
            name,
            secret_id=self.secret.id,
            secret_string=pulumi.Output.secret(args.value),
            opts=child,
        )
        self.arn = self.secret.arn
        self.register_outputs({"arn": self.arn})

    def grant_read(self) -> Grant:
        return Grant(("secretsmanager:GetSecretValue",), (self.arn,))
