"""A compliant edge and database network, as stack policies see it on `pulumi up`."""

from typing import Any

SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"


def group(name: str, *ingress: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    return (SG, name, {"ingress": list(ingress), "id": f"sg-{name}", "name": name})


def world(port: int) -> dict[str, Any]:
    return {
        "protocol": "tcp",
        "fromPort": float(port),
        "toPort": float(port),
        "cidrBlocks": ["0.0.0.0/0"],
        "ipv6CidrBlocks": ["::/0"],
    }


def from_group(source: str, port: float = 3306.0) -> tuple[str, str, dict[str, Any]]:
    return (
        INGRESS,
        f"db-from-{source}",
        {
            "securityGroupId": "sg-db",
            "referencedSecurityGroupId": f"sg-{source}",
            "ipProtocol": "tcp",
            "fromPort": port,
            "toPort": port,
        },
    )


def network_stack() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        group("alb", world(80), world(443)),
        group(
            "api",
            {"protocol": "tcp", "fromPort": 8000.0, "toPort": 8000.0, "securityGroups": ["sg-alb"]},
        ),
        group("worker"),
        group("db"),
        from_group("api"),
        from_group("worker"),
        (
            "aws:lb/loadBalancer:LoadBalancer",
            "edge",
            {
                "loadBalancerType": "application",
                "securityGroups": ["sg-alb"],
                "dropInvalidHeaderFields": True,
            },
        ),
        (
            "aws:rds/instance:Instance",
            "database",
            {"port": 3306.0, "vpcSecurityGroupIds": ["sg-db"]},
        ),
        *(
            (
                "aws:ecs/service:Service",
                service,
                {
                    "networkConfiguration": {
                        "assignPublicIp": False,
                        "securityGroups": [f"sg-{service}"],
                    }
                },
            )
            for service in ("api", "worker")
        ),
    ]
