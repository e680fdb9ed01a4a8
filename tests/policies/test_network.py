"""Network rules: HTTPS-only listeners, world-open ingress, database reachability, public IPs."""

import pytest
from pulumi_policy.proxy import UnknownValueError

from tests.policies.analyzer import UNKNOWN, arn, resource_violations, stack_violations
from tests.policies.network_stack import (
    INGRESS,
    SG,
    from_group,
    group,
    network_stack,
    world,
)

LISTENER, ALB_LISTENER = "aws:lb/listener:Listener", "aws:alb/listener:Listener"
LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
SERVICE = "aws:ecs/service:Service"
REDIRECT = {
    "type": "redirect",
    "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"},
}
FORWARD = {"type": "forward", "targetGroupArn": arn("elasticloadbalancing", "targetgroup/api")}
HTTPS = {
    "protocol": "HTTPS",
    "port": 443.0,
    "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "certificateArn": arn("acm", "certificate/abc"),
    "defaultActions": [FORWARD],
}

CASES = [
    (
        "alb-http-redirects-to-https",
        LISTENER,
        {"protocol": "HTTP", "port": 80.0, "defaultActions": [REDIRECT]},
        None,
    ),
    (
        "alb-http-redirects-to-https",
        ALB_LISTENER,
        {"protocol": "HTTP", "port": 80.0, "defaultActions": [FORWARD]},
        "only redirect to HTTPS",
    ),
    (
        "alb-http-redirects-to-https",
        LISTENER,
        {
            "protocol": "HTTP",
            "defaultActions": [{"type": "redirect", "redirect": {"protocol": "HTTP"}}],
        },
        "only redirect",
    ),
    (
        "alb-http-redirects-to-https",
        LISTENER,
        {"protocol": "HTTP", "defaultActions": []},
        "only redirect",
    ),
    ("alb-http-redirects-to-https", LISTENER, HTTPS, None),
    ("alb-https-modern-tls", LISTENER, HTTPS, None),
    (
        "alb-https-modern-tls",
        ALB_LISTENER,
        {**HTTPS, "sslPolicy": "ELBSecurityPolicy-2016-08"},
        "not a TLS 1.2+/1.3 policy",
    ),
    ("alb-https-modern-tls", LISTENER, {**HTTPS, "sslPolicy": None}, "not a TLS"),
    ("alb-https-modern-tls", LISTENER, {**HTTPS, "certificateArn": None}, "no certificateArn"),
    (
        "alb-drops-invalid-headers",
        LOAD_BALANCER,
        {"loadBalancerType": "application", "dropInvalidHeaderFields": True},
        None,
    ),
    (
        "alb-drops-invalid-headers",
        "aws:alb/loadBalancer:LoadBalancer",
        {},
        "does not drop invalid header fields",
    ),
    ("alb-drops-invalid-headers", LOAD_BALANCER, {"loadBalancerType": "network"}, None),
    ("ecs-no-public-ip", SERVICE, {"networkConfiguration": {"assignPublicIp": False}}, None),
    ("ecs-no-public-ip", SERVICE, {"networkConfiguration": {"assignPublicIp": True}}, "public IP"),
]


@pytest.mark.parametrize(("policy", "resource_type", "inputs", "expected"), CASES)
def test_network_resource_policy(policy, resource_type, inputs, expected):
    violations = resource_violations(policy, resource_type, inputs)
    if expected is None:
        assert violations == []
    else:
        assert any(expected in message for message in violations), violations


def test_listener_values_unknown_at_preview_wait_for_up():
    with pytest.raises(UnknownValueError):
        resource_violations("alb-https-modern-tls", LISTENER, {**HTTPS, "sslPolicy": UNKNOWN})


@pytest.mark.parametrize(
    "policy", ["world-open-ingress-only-alb-https", "database-ingress-only-from-services"]
)
def test_compliant_network_passes(policy):
    assert stack_violations(policy, network_stack()) == []


def without(name):
    return [resource for resource in network_stack() if resource[1] != name]


BROKEN = [
    (
        "world-open-ingress-only-alb-https",
        [*without("alb"), group("alb", world(80), world(22))],
        "only TCP 80 and 443",
    ),
    (
        "world-open-ingress-only-alb-https",
        [
            *without("alb"),
            group(
                "alb",
                {"protocol": "-1", "fromPort": 0.0, "toPort": 0.0, "cidrBlocks": ["0.0.0.0/0"]},
            ),
        ],
        "only TCP 80 and 443",
    ),
    (
        "world-open-ingress-only-alb-https",
        [*without("api"), group("api", world(443))],
        "security group of no load balancer",
    ),
    (
        "world-open-ingress-only-alb-https",
        [
            *network_stack(),
            (
                INGRESS,
                "open",
                {
                    "securityGroupId": "sg-worker",
                    "cidrIpv6": "::/0",
                    "ipProtocol": "tcp",
                    "fromPort": 443.0,
                    "toPort": 443.0,
                },
            ),
        ],
        "security group of no load balancer",
    ),
    (
        "world-open-ingress-only-alb-https",
        [
            *network_stack(),
            (
                "aws:ec2/securityGroupRule:SecurityGroupRule",
                "open",
                {
                    "type": "ingress",
                    "securityGroupId": "sg-db",
                    "protocol": "tcp",
                    "fromPort": 3306.0,
                    "toPort": 3306.0,
                    "cidrBlocks": ["0.0.0.0/0"],
                },
            ),
        ],
        "security group of no load balancer",
    ),
    (
        "database-ingress-only-from-services",
        [*network_stack(), from_group("alb")],
        "admits more than port 3306",
    ),
    (
        "database-ingress-only-from-services",
        [*without("db-from-api"), from_group("api", 22.0)],
        "admits more than port 3306",
    ),
    (
        "database-ingress-only-from-services",
        [
            *network_stack(),
            (
                INGRESS,
                "vpc",
                {
                    "securityGroupId": "sg-db",
                    "cidrIpv4": "10.0.0.0/16",
                    "ipProtocol": "tcp",
                    "fromPort": 3306.0,
                    "toPort": 3306.0,
                },
            ),
        ],
        "admits more than port 3306",
    ),
    (
        "database-ingress-only-from-services",
        [
            *without("db"),
            group(
                "db",
                {
                    "protocol": "tcp",
                    "fromPort": 3306.0,
                    "toPort": 3306.0,
                    "securityGroups": ["sg-unknown"],
                },
            ),
        ],
        "admits more than port 3306",
    ),
    (
        "database-ingress-only-from-services",
        [
            *without("db"),
            (SG, "db", {"id": "sg-db", "ingress": [], "name": "db"}),
            ("aws:rds/instance:Instance", "db2", {"vpcSecurityGroupIds": ["sg-elsewhere"]}),
        ],
        "names no security group of this stack",
    ),
]


@pytest.mark.parametrize(("policy", "stack", "expected"), BROKEN)
def test_broken_network_is_caught(policy, stack, expected):
    violations = stack_violations(policy, stack)
    assert any(expected in message for message, _ in violations), violations


def test_ingress_rule_unknown_at_preview_waits_for_up():
    stack = [*without("alb"), group("alb", {**world(443), "cidrBlocks": UNKNOWN})]
    with pytest.raises(UnknownValueError):
        stack_violations("world-open-ingress-only-alb-https", stack)
