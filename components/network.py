"""The VPC: public and private subnets over 2-3 AZs, NAT, and VPC endpoints for AWS APIs."""

from dataclasses import dataclass
from typing import Literal

import pulumi
import pulumi_aws as aws
import pulumi_awsx as awsx

NatStrategy = Literal["none", "single", "per-az"]

_AWSX_NAT = {
    "none": awsx.ec2.NatGatewayStrategy.NONE,
    "single": awsx.ec2.NatGatewayStrategy.SINGLE,
    "per-az": awsx.ec2.NatGatewayStrategy.ONE_PER_AZ,
}

# Interface endpoints keep image pulls, logs, queue, secret and STS traffic off the NAT gateway.
DEFAULT_INTERFACE_ENDPOINTS = ("ecr.api", "ecr.dkr", "logs", "sqs", "secretsmanager", "sts")


@dataclass(frozen=True)
class NetworkArgs:
    region: str
    """AWS region, used to name the endpoint services."""
    availability_zones: int = 2
    """2 or 3; RDS multi-AZ and the ALB need at least 2."""
    nat: NatStrategy = "single"
    """"single" costs one NAT gateway (~32 USD/month) but is one AZ's single point of failure;
    "per-az" costs one per AZ; "none" leaves private subnets without internet egress."""
    cidr_block: str = "10.0.0.0/16"
    interface_endpoints: tuple[str, ...] = DEFAULT_INTERFACE_ENDPOINTS
    """Each interface endpoint costs ~7 USD/month per AZ."""

    def __post_init__(self) -> None:
        if self.nat not in _AWSX_NAT:
            raise ValueError(f"unknown NAT strategy {self.nat!r}; use one of {list(_AWSX_NAT)}")
        if not 2 <= self.availability_zones <= 3:
            raise ValueError(f"availability_zones must be 2 or 3, got {self.availability_zones}")


class Network(pulumi.ComponentResource):
    """VPC with private subnets for tasks and the database, public subnets for the load balancer."""

    def __init__(
        self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("aira:network:Network", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.cidr_block = args.cidr_block
        self.vpc = awsx.ec2.Vpc(
            name,
            cidr_block=args.cidr_block,
            number_of_availability_zones=args.availability_zones,
            nat_gateways=awsx.ec2.NatGatewayConfigurationArgs(strategy=_AWSX_NAT[args.nat]),
            subnet_strategy=awsx.ec2.SubnetAllocationStrategy.AUTO,
            subnet_specs=[
                awsx.ec2.SubnetSpecArgs(type=awsx.ec2.SubnetType.PUBLIC),
                awsx.ec2.SubnetSpecArgs(type=awsx.ec2.SubnetType.PRIVATE),
            ],
            enable_dns_hostnames=True,
            enable_dns_support=True,
            opts=child,
        )
        self.vpc_id = self.vpc.vpc_id
        self.private_subnet_ids = self.vpc.private_subnet_ids
        self.public_subnet_ids = self.vpc.public_subnet_ids
        self.endpoint_security_group = aws.ec2.SecurityGroup(
            f"{name}-endpoints",
            description="HTTPS from inside the VPC to the AWS API endpoints",
            vpc_id=self.vpc_id,
            ingress=[
                {
                    "protocol": "tcp",
                    "from_port": 443,
                    "to_port": 443,
                    "cidr_blocks": [args.cidr_block],
                }
            ],
            opts=child,
        )
        self.interface_endpoints = [
            aws.ec2.VpcEndpoint(
                f"{name}-{service.replace('.', '-')}",
                vpc_id=self.vpc_id,
                service_name=f"com.amazonaws.{args.region}.{service}",
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                subnet_ids=self.private_subnet_ids,
                security_group_ids=[self.endpoint_security_group.id],
                opts=child,
            )
            for service in args.interface_endpoints
        ]
        # ECR stores image layers in S3: the gateway endpoint is free and keeps pulls off NAT.
        route_tables = aws.ec2.get_route_tables_output(
            vpc_id=self.vpc_id, opts=pulumi.InvokeOptions(parent=self)
        )
        self.s3_endpoint = aws.ec2.VpcEndpoint(
            f"{name}-s3",
            vpc_id=self.vpc_id,
            service_name=f"com.amazonaws.{args.region}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=route_tables.ids,
            opts=child,
        )
        self.register_outputs(
            {
                "vpc_id": self.vpc_id,
                "private_subnet_ids": self.private_subnet_ids,
                "public_subnet_ids": self.public_subnet_ids,
            }
        )
