import pytest

from components.network import DEFAULT_INTERFACE_ENDPOINTS, Network, NetworkArgs

ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"


def test_vpc_spans_the_requested_zones_with_the_nat_strategy(mocked):
    _, registered = mocked(
        lambda: Network("net", NetworkArgs(region="eu-west-1", availability_zones=3, nat="per-az"))
    )
    vpc = registered.inputs("awsx:ec2:Vpc", "net")
    assert vpc["numberOfAvailabilityZones"] == 3.0
    assert vpc["natGateways"] == {"strategy": "OnePerAz"}
    assert [spec["type"] for spec in vpc["subnetSpecs"]] == ["Public", "Private"]


def test_interface_endpoints_serve_private_subnets_with_private_dns(mocked):
    network, registered = mocked(lambda: Network("net", NetworkArgs(region="eu-west-1")))
    interfaces = [e["inputs"] for e in registered.all(ENDPOINT) if e["name"] != "net-s3"]
    assert sorted(e["serviceName"] for e in interfaces) == sorted(
        f"com.amazonaws.eu-west-1.{service}" for service in DEFAULT_INTERFACE_ENDPOINTS
    )
    for endpoint in interfaces:
        assert endpoint["vpcEndpointType"] == "Interface"
        assert endpoint["privateDnsEnabled"] is True
        assert endpoint["subnetIds"] == ["subnet-private-0", "subnet-private-1"]
    group = registered.inputs("aws:ec2/securityGroup:SecurityGroup", "net-endpoints")
    assert group["ingress"] == [
        {"protocol": "tcp", "fromPort": 443.0, "toPort": 443.0, "cidrBlocks": ["10.0.0.0/16"]}
    ]
    assert network.cidr_block == "10.0.0.0/16"


def test_s3_gateway_endpoint_is_routed_from_the_vpc_route_tables(mocked):
    _, registered = mocked(lambda: Network("net", NetworkArgs(region="eu-west-1")))
    gateway = registered.inputs(ENDPOINT, "net-s3")
    assert gateway["serviceName"] == "com.amazonaws.eu-west-1.s3"
    assert gateway["vpcEndpointType"] == "Gateway"
    assert gateway["routeTableIds"] == ["rtb-public", "rtb-private-1", "rtb-private-2"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"nat": "double"}, "unknown NAT strategy 'double'"),
        ({"availability_zones": 1}, "availability_zones must be 2 or 3"),
        ({"availability_zones": 4}, "availability_zones must be 2 or 3"),
    ],
)
def test_invalid_args_fail_early(args, message):
    with pytest.raises(ValueError, match=message):
        NetworkArgs(region="eu-west-1", **args)
