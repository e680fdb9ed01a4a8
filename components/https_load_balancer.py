"""Public HTTPS entry: DNS-validated certificate, ALB with HTTP->HTTPS redirect, DNS alias, WAF."""

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

# TLS 1.3 with TLS 1.2 fallback for older browsers; no TLS 1.0/1.1.
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"


@dataclass(frozen=True)
class HttpsLoadBalancerArgs:
    domain_name: str
    """Public host name of the site, inside `hosted_zone_name`."""
    hosted_zone_name: str
    """Route53 public hosted zone that serves `domain_name` and validates the certificate."""
    vpc_id: pulumi.Input[str]
    public_subnet_ids: pulumi.Input[Sequence[str]]
    vpc_cidr_block: str
    """Where the targets live: the ALB may only send traffic there."""
    target_port: int = 8000
    health_check_path: str = "/healthz"
    idle_timeout_seconds: int = 600
    """Server-sent event streams stay open while an answer is generated; 60 s would cut them."""
    deregistration_delay_seconds: int = 30
    waf_enabled: bool = False
    """AWS managed rules + per-IP rate limit; ~10 USD/month plus requests."""
    rate_limit_per_5_minutes: int = 2000
    deletion_protection: bool = False


class HttpsLoadBalancer(pulumi.ComponentResource):
    """Application Load Balancer serving `https://<domain_name>`, forwarding to one target group."""

    def __init__(
        self, name: str, args: HttpsLoadBalancerArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("aira:edge:HttpsLoadBalancer", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        zone = aws.route53.get_zone_output(
            name=args.hosted_zone_name, private_zone=False, opts=pulumi.InvokeOptions(parent=self)
        )
        self.zone_id = zone.zone_id
        self.certificate_arn = self._validated_certificate(name, args, child)
        self.security_group = aws.ec2.SecurityGroup(
            f"{name}-alb",
            description="HTTP and HTTPS from the internet; forwards only into the VPC",
            vpc_id=args.vpc_id,
            ingress=[
                {
                    "protocol": "tcp",
                    "from_port": port,
                    "to_port": port,
                    "cidr_blocks": ["0.0.0.0/0"],
                    "ipv6_cidr_blocks": ["::/0"],
                }
                for port in (80, 443)
            ],
            egress=[
                {
                    "protocol": "tcp",
                    "from_port": args.target_port,
                    "to_port": args.target_port,
                    "cidr_blocks": [args.vpc_cidr_block],
                }
            ],
            opts=child,
        )
        self.load_balancer = aws.lb.LoadBalancer(
            name,
            load_balancer_type="application",
            internal=False,
            subnets=args.public_subnet_ids,
            security_groups=[self.security_group.id],
            idle_timeout=args.idle_timeout_seconds,
            drop_invalid_header_fields=True,
            enable_deletion_protection=args.deletion_protection,
            opts=child,
        )
        self.target_group = aws.lb.TargetGroup(
            f"{name}-api",
            target_type="ip",
            protocol="HTTP",
            port=args.target_port,
            vpc_id=args.vpc_id,
            deregistration_delay=args.deregistration_delay_seconds,
            health_check={
                "path": args.health_check_path,
                "matcher": "200",
                "interval": 15,
                "healthy_threshold": 2,
                "unhealthy_threshold": 3,
            },
            opts=child,
        )
        self.http_listener = aws.lb.Listener(
            f"{name}-http",
            load_balancer_arn=self.load_balancer.arn,
            port=80,
            protocol="HTTP",
            default_actions=[
                {
                    "type": "redirect",
                    "redirect": {"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"},
                }
            ],
            opts=child,
        )
        self.https_listener = aws.lb.Listener(
            f"{name}-https",
            load_balancer_arn=self.load_balancer.arn,
            port=443,
            protocol="HTTPS",
            ssl_policy=TLS_POLICY,
            certificate_arn=self.certificate_arn,
            default_actions=[{"type": "forward", "target_group_arn": self.target_group.arn}],
            opts=child,
        )
        self.alias_record = aws.route53.Record(
            f"{name}-alias",
            zone_id=self.zone_id,
            name=args.domain_name,
            type="A",
            aliases=[
                {
                    "name": self.load_balancer.dns_name,
                    "zone_id": self.load_balancer.zone_id,
                    "evaluate_target_health": True,
                }
            ],
            opts=child,
        )
        self.web_acl = self._web_acl(name, args, child) if args.waf_enabled else None
        self.url = f"https://{args.domain_name}"
        self.register_outputs({"url": self.url, "load_balancer_arn": self.load_balancer.arn})

    def _validated_certificate(
        self, name: str, args: HttpsLoadBalancerArgs, child: pulumi.ResourceOptions
    ) -> pulumi.Output[str]:
        """ACM certificate proven by a DNS record in the hosted zone; its ARN once issued."""
        certificate = aws.acm.Certificate(
            f"{name}-cert",
            domain_name=args.domain_name,
            validation_method="DNS",
            opts=child,
        )
        option = certificate.domain_validation_options[0]
        validation_record = aws.route53.Record(
            f"{name}-cert-validation",
            zone_id=self.zone_id,
            name=option.resource_record_name,
            type=option.resource_record_type,
            records=[option.resource_record_value],
            ttl=300,
            allow_overwrite=True,
            opts=child,
        )
        validation = aws.acm.CertificateValidation(
            f"{name}-cert",
            certificate_arn=certificate.arn,
            validation_record_fqdns=[validation_record.fqdn],
            opts=child,
        )
        self.certificate = certificate
        return validation.certificate_arn

    def _web_acl(
        self, name: str, args: HttpsLoadBalancerArgs, child: pulumi.ResourceOptions
    ) -> aws.wafv2.WebAcl:
        managed_groups = ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"]
        rules: list[aws.wafv2.WebAclRuleArgsDict] = [
            {
                "name": group,
                "priority": priority,
                "override_action": {"none": {}},
                "statement": {
                    "managed_rule_group_statement": {"vendor_name": "AWS", "name": group}
                },
                "visibility_config": _visibility(group),
            }
            for priority, group in enumerate(managed_groups)
        ]
        rules.append(
            {
                "name": "rate-limit-per-ip",
                "priority": len(managed_groups),
                "action": {"block": {}},
                "statement": {
                    "rate_based_statement": {
                        "limit": args.rate_limit_per_5_minutes,
                        "aggregate_key_type": "IP",
                    }
                },
                "visibility_config": _visibility("rate-limit-per-ip"),
            }
        )
        web_acl = aws.wafv2.WebAcl(
            f"{name}-waf",
            scope="REGIONAL",
            default_action={"allow": {}},
            rules=rules,
            visibility_config=_visibility(f"{name}-waf"),
            opts=child,
        )
        aws.wafv2.WebAclAssociation(
            f"{name}-waf",
            resource_arn=self.load_balancer.arn,
            web_acl_arn=web_acl.arn,
            opts=child,
        )
        return web_acl


def _visibility(metric_name: str) -> aws.wafv2.WebAclVisibilityConfigArgsDict:
    return {
        "cloudwatch_metrics_enabled": True,
        "metric_name": metric_name,
        "sampled_requests_enabled": True,
    }
