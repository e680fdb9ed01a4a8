"""RDS MySQL 8 in private subnets, reachable only from the given security groups."""

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.grant import Grant

MYSQL_PORT = 3306


@dataclass(frozen=True)
class MySqlDatabaseArgs:
    vpc_id: pulumi.Input[str]
    subnet_ids: pulumi.Input[Sequence[str]]
    """Private subnets in at least two AZs (an RDS requirement even for single-AZ)."""
    database_name: str = "aira"
    username: str = "aira"
    instance_class: str = "db.t4g.micro"
    """The smallest burstable class (~12 USD/month); size up for production load."""
    allocated_storage_gb: int = 20
    max_allocated_storage_gb: int = 100
    """Storage autoscaling ceiling."""
    multi_az: bool = False
    """A standby in a second AZ doubles the instance cost; use it in production."""
    deletion_protection: bool = False
    """Also keeps a final snapshot on delete; leave off where a stack must tear down cleanly."""
    backup_retention_days: int = 1
    engine_version: str = "8.0"

    def __post_init__(self) -> None:
        if self.max_allocated_storage_gb < self.allocated_storage_gb:
            raise ValueError("max_allocated_storage_gb must be at least allocated_storage_gb")
        if not 0 <= self.backup_retention_days <= 35:
            raise ValueError("backup_retention_days must be between 0 and 35")


class MySqlDatabase(pulumi.ComponentResource):
    """Encrypted MySQL whose master password RDS generates and rotates in Secrets Manager."""

    def __init__(
        self, name: str, args: MySqlDatabaseArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("aira:database:MySqlDatabase", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self._name = name
        self.username = args.username
        self.database_name = args.database_name
        self.subnet_group = aws.rds.SubnetGroup(name, subnet_ids=args.subnet_ids, opts=child)
        self.security_group = aws.ec2.SecurityGroup(
            f"{name}-db",
            description="MySQL from the application services only (see allow_from)",
            vpc_id=args.vpc_id,
            egress=[],
            opts=child,
        )
        self.parameter_group = aws.rds.ParameterGroup(
            name,
            family="mysql8.0",
            description="utf8mb4 everywhere so any language and emoji round-trip",
            parameters=[
                {"name": "character_set_server", "value": "utf8mb4"},
                {"name": "collation_server", "value": "utf8mb4_0900_ai_ci"},
            ],
            opts=child,
        )
        self.instance = aws.rds.Instance(
            name,
            engine="mysql",
            engine_version=args.engine_version,
            instance_class=args.instance_class,
            allocated_storage=args.allocated_storage_gb,
            max_allocated_storage=args.max_allocated_storage_gb,
            storage_type="gp3",
            storage_encrypted=True,
            db_name=args.database_name,
            username=args.username,
            manage_master_user_password=True,
            port=MYSQL_PORT,
            db_subnet_group_name=self.subnet_group.name,
            vpc_security_group_ids=[self.security_group.id],
            parameter_group_name=self.parameter_group.name,
            publicly_accessible=False,
            multi_az=args.multi_az,
            deletion_protection=args.deletion_protection,
            backup_retention_period=args.backup_retention_days,
            copy_tags_to_snapshot=True,
            skip_final_snapshot=not args.deletion_protection,
            final_snapshot_identifier=(
                f"{name}-{pulumi.get_stack()}-final" if args.deletion_protection else None
            ),
            auto_minor_version_upgrade=True,
            enabled_cloudwatch_logs_exports=["error", "slowquery"],
            opts=child,
        )
        self.address = self.instance.address
        self.identifier = self.instance.identifier
        self.master_secret_arn: pulumi.Output[str] = self.instance.master_user_secrets.apply(
            lambda secrets: secrets[0].secret_arn or ""
        )
        self.url = pulumi.Output.concat(
            "mysql+pymysql://",
            args.username,
            "@",
            self.address,
            f":{MYSQL_PORT}/",
            args.database_name,
        )
        self.register_outputs({"address": self.address, "url": self.url})

    def allow_from(self, client: str, security_group_id: pulumi.Input[str]) -> None:
        """Open port 3306 to one client security group; nothing else may connect."""
        aws.vpc.SecurityGroupIngressRule(
            f"{self._name}-from-{client}",
            security_group_id=self.security_group.id,
            referenced_security_group_id=security_group_id,
            ip_protocol="tcp",
            from_port=MYSQL_PORT,
            to_port=MYSQL_PORT,
            description=f"MySQL from {client}",
            opts=pulumi.ResourceOptions(parent=self),
        )

    def grant_read_password(self) -> Grant:
        """Read the RDS-managed master secret (encrypted with the AWS-managed key: no KMS grant)."""
        return Grant(("secretsmanager:GetSecretValue",), (self.master_secret_arn,))
