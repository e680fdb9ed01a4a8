import pytest
from aira_api.main import KEEP_ALIVE_SECONDS

from components.https_load_balancer import TLS_POLICY, HttpsLoadBalancer, HttpsLoadBalancerArgs
from scripts.plan.mocks import HOSTED_ZONE_ID

LISTENER = "aws:lb/listener:Listener"
RECORD = "aws:route53/record:Record"


def _edge(**overrides):
    args = {
        "domain_name": "app.aira.example.com",
        "hosted_zone_name": "aira.example.com",
        "vpc_id": "vpc-1",
        "public_subnet_ids": ["subnet-a", "subnet-b"],
        "vpc_cidr_block": "10.0.0.0/16",
        **overrides,
    }
    return lambda: HttpsLoadBalancer("edge", HttpsLoadBalancerArgs(**args))


def test_http_listener_only_redirects_to_https(mocked):
    _, registered = mocked(_edge())
    http = registered.inputs(LISTENER, "edge-http")
    assert http["port"] == 80.0
    assert http["defaultActions"] == [
        {
            "type": "redirect",
            "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"},
        }
    ]


def test_https_listener_uses_tls13_policy_and_the_validated_certificate(mocked):
    _, registered = mocked(_edge())
    https = registered.inputs(LISTENER, "edge-https")
    validation = registered.inputs(
        "aws:acm/certificateValidation:CertificateValidation", "edge-cert"
    )
    assert https["protocol"] == "HTTPS"
    assert https["sslPolicy"] == TLS_POLICY
    assert https["certificateArn"] == validation["certificateArn"]
    assert https["defaultActions"][0]["type"] == "forward"


def test_certificate_is_dns_validated_in_the_given_zone(mocked):
    _, registered = mocked(_edge())
    certificate = registered.inputs("aws:acm/certificate:Certificate", "edge-cert")
    record = registered.inputs(RECORD, "edge-cert-validation")
    validation = registered.inputs(
        "aws:acm/certificateValidation:CertificateValidation", "edge-cert"
    )
    assert certificate == {"domainName": "app.aira.example.com", "validationMethod": "DNS"}
    assert record["zoneId"] == HOSTED_ZONE_ID
    assert record["type"] == "CNAME"
    assert record["records"] == ["_validation.acm-validations.aws."]
    assert validation["validationRecordFqdns"] == [record["name"]]


def test_site_name_is_an_alias_of_the_load_balancer(mocked):
    _, registered = mocked(_edge())
    alias = registered.inputs(RECORD, "edge-alias")
    assert alias["zoneId"] == HOSTED_ZONE_ID
    assert alias["name"] == "app.aira.example.com"
    assert alias["type"] == "A"
    assert alias["aliases"][0]["name"].endswith(".elb.amazonaws.com")


def test_load_balancer_is_public_with_a_streaming_idle_timeout(mocked):
    edge, registered = mocked(_edge())
    balancer = registered.inputs("aws:lb/loadBalancer:LoadBalancer", "edge")
    assert balancer["internal"] is False
    assert balancer["idleTimeout"] >= 300
    # The balancer, not the API, closes idle connections (a request racing the API's close: 502).
    assert balancer["idleTimeout"] < KEEP_ALIVE_SECONDS
    assert balancer["dropInvalidHeaderFields"] is True
    assert balancer["subnets"] == ["subnet-a", "subnet-b"]
    assert edge.url == "https://app.aira.example.com"


def test_security_group_opens_web_ports_and_forwards_only_to_the_targets(mocked):
    _, registered = mocked(_edge())
    group = registered.inputs("aws:ec2/securityGroup:SecurityGroup", "edge-alb")
    assert sorted(rule["fromPort"] for rule in group["ingress"]) == [80.0, 443.0]
    assert group["egress"] == [
        {"protocol": "tcp", "fromPort": 8000.0, "toPort": 8000.0, "cidrBlocks": ["10.0.0.0/16"]}
    ]
    target_group = registered.inputs("aws:lb/targetGroup:TargetGroup", "edge-api")
    assert target_group["targetType"] == "ip"
    assert target_group["healthCheck"]["path"] == "/healthz"


def test_waf_is_created_and_attached_only_when_enabled(mocked):
    _, without = mocked(_edge())
    assert without.all("aws:wafv2/webAcl:WebAcl") == []
    _, registered = mocked(_edge(waf_enabled=True))
    acl = registered.inputs("aws:wafv2/webAcl:WebAcl")
    association = registered.inputs("aws:wafv2/webAclAssociation:WebAclAssociation")
    assert acl["scope"] == "REGIONAL"
    assert [rule["name"] for rule in acl["rules"]] == [
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "rate-limit-per-ip",
    ]
    assert association["resourceArn"] == "arn:aws:lb:eu-west-1:123456789012:edge"


@pytest.mark.parametrize("protected", [True, False])
def test_deletion_protection_follows_the_args(mocked, protected):
    _, registered = mocked(_edge(deletion_protection=protected))
    balancer = registered.inputs("aws:lb/loadBalancer:LoadBalancer", "edge")
    assert balancer["enableDeletionProtection"] is protected
