"""Network rules: HTTPS only at the load balancer, nothing else open to the world, the database
reachable only from the services, tasks without public addresses."""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from policies.data import DB_INSTANCE
from policies.ecs import SERVICE
from policies.model import Finding, Resource, Stack
from policies.values import as_list, number, truthy

LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
LISTENERS = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
WORLD = frozenset({"0.0.0.0/0", "::/0"})
MYSQL_PORT = 3306


def http_listener_redirects_to_https(
    resource: Resource, config: Mapping[str, Any]
) -> Iterator[str]:
    if str(resource.props.get("protocol", "")).upper() != "HTTP":
        return
    actions = as_list(resource.props.get("defaultActions"))
    redirects = [
        action
        for action in actions
        if isinstance(action, Mapping)
        and action.get("type") == "redirect"
        and str((action.get("redirect") or {}).get("protocol", "")).upper() == "HTTPS"
    ]
    if not actions or len(redirects) != len(actions):
        yield "an HTTP listener may only redirect to HTTPS"


def https_listener_uses_modern_tls(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    if str(resource.props.get("protocol", "")).upper() != "HTTPS":
        return
    policy, allowed = resource.props.get("sslPolicy"), tuple(config["allowedSslPolicyPrefixes"])
    if not isinstance(policy, str) or not policy.startswith(allowed):
        yield f"sslPolicy {policy!r} is not a TLS 1.2+/1.3 policy {list(allowed)}"
    if not resource.props.get("certificateArn"):
        yield "HTTPS listener has no certificateArn"


def load_balancer_drops_invalid_headers(
    resource: Resource, config: Mapping[str, Any]
) -> Iterator[str]:
    if resource.props.get("loadBalancerType", "application") != "application":
        return
    if not truthy(resource.props.get("dropInvalidHeaderFields")):
        yield "application load balancer does not drop invalid header fields"


def task_has_no_public_ip(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    if truthy((resource.props.get("networkConfiguration") or {}).get("assignPublicIp")):
        yield "ECS service assigns public IPs to its tasks"


@dataclass(frozen=True)
class Ingress:
    """One ingress permission, whichever resource type declares it."""

    declared_by: Resource
    group: Any
    protocol: str
    from_port: float | None
    to_port: float | None
    cidrs: frozenset[str]
    source_groups: tuple[Any, ...]

    @property
    def world_open(self) -> bool:
        return bool(self.cidrs & WORLD)

    def only_port(self, port: int) -> bool:
        return self.protocol in ("tcp", "6") and self.from_port == self.to_port == port


def _ingress_of_group(group: Resource) -> Iterator[Ingress]:
    for rule in as_list(group.props.get("ingress")):
        sources = list(as_list(rule.get("securityGroups")))
        if truthy(rule.get("self")):
            sources.append(group.urn)
        yield Ingress(
            group,
            group.urn,
            str(rule.get("protocol", "")).lower(),
            number(rule.get("fromPort"), "fromPort"),
            number(rule.get("toPort"), "toPort"),
            frozenset([*as_list(rule.get("cidrBlocks")), *as_list(rule.get("ipv6CidrBlocks"))]),
            tuple(sources),
        )


def ingress_rules(stack: Stack) -> Iterator[Ingress]:
    for group in stack.of_type(SECURITY_GROUP):
        yield from _ingress_of_group(group)
    for rule in stack.of_type(INGRESS_RULE):
        props = rule.props
        yield Ingress(
            rule,
            props.get("securityGroupId"),
            str(props.get("ipProtocol", "")).lower(),
            number(props.get("fromPort"), "fromPort"),
            number(props.get("toPort"), "toPort"),
            frozenset(c for c in (props.get("cidrIpv4"), props.get("cidrIpv6")) if c),
            tuple(as_list(props.get("referencedSecurityGroupId"))),
        )
    for rule in stack.of_type(SECURITY_GROUP_RULE):
        props = rule.props
        if props.get("type") != "ingress":
            continue
        yield Ingress(
            rule,
            props.get("securityGroupId"),
            str(props.get("protocol", "")).lower(),
            number(props.get("fromPort"), "fromPort"),
            number(props.get("toPort"), "toPort"),
            frozenset([*as_list(props.get("cidrBlocks")), *as_list(props.get("ipv6CidrBlocks"))]),
            tuple(as_list(props.get("sourceSecurityGroupId"))),
        )


def _groups_of(stack: Stack, references: Iterable[Any]) -> set[str]:
    """URNs of the stack's security groups among `references`."""
    groups = (stack.resolve(reference, SECURITY_GROUP) for reference in references)
    return {group.urn for group in groups if group is not None}


def _group_urn(stack: Stack, reference: Any) -> str | None:
    group = stack.resolve(reference, SECURITY_GROUP)
    return group.urn if group else None


def world_open_only_to_load_balancer_https(
    stack: Stack, config: Mapping[str, Any]
) -> Iterator[Finding]:
    balancer_groups = _groups_of(
        stack,
        (
            reference
            for balancer in stack.of_type(*LOAD_BALANCERS)
            for reference in as_list(balancer.props.get("securityGroups"))
        ),
    )
    for ingress in ingress_rules(stack):
        if not ingress.world_open:
            continue
        if _group_urn(stack, ingress.group) not in balancer_groups:
            yield Finding(
                "world-open ingress on a security group of no load balancer",
                ingress.declared_by.urn,
            )
        elif not (ingress.only_port(80) or ingress.only_port(443)):
            yield Finding(
                f"world-open ingress on ports {ingress.from_port}-{ingress.to_port} "
                f"({ingress.protocol}); only TCP 80 and 443 may be open",
                ingress.declared_by.urn,
            )


def database_reachable_only_from_services(
    stack: Stack, config: Mapping[str, Any]
) -> Iterator[Finding]:
    service_groups = _groups_of(
        stack,
        (
            reference
            for service in stack.of_type(SERVICE)
            for reference in as_list(
                (service.props.get("networkConfiguration") or {}).get("securityGroups")
            )
        ),
    )
    for database in stack.of_type(DB_INSTANCE):
        port = int(number(database.props.get("port"), "port") or MYSQL_PORT)
        database_groups = _groups_of(stack, as_list(database.props.get("vpcSecurityGroupIds")))
        if not database_groups:
            yield Finding("database names no security group of this stack", database.urn)
        for ingress in ingress_rules(stack):
            if _group_urn(stack, ingress.group) not in database_groups:
                continue
            sources = {_group_urn(stack, source) for source in ingress.source_groups}
            if (
                ingress.cidrs
                or not ingress.only_port(port)
                or not sources
                or not sources <= service_groups
            ):
                yield Finding(
                    f"database security group admits more than port {port} from the services' "
                    "security groups",
                    ingress.declared_by.urn,
                )
