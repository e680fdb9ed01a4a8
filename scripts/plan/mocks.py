"""Pulumi mocks that answer like AWS would: the outputs the program reads, with plausible values.

Inputs are echoed back (as a provider would for most properties), plus the computed outputs the
program uses (ARNs, URLs, DNS names). awsx components are remote: only their outputs are returned.
"""

import pulumi

ACCOUNT_ID = "123456789012"
HOSTED_ZONE_ID = "Z0123456789AIRA"
ALB_ZONE_ID = "Z32O12XQLNTSW2"


def _service(resource_type: str) -> str:
    """`aws:sqs/queue:Queue` -> `sqs`."""
    return resource_type.split(":")[1].split("/")[0]


class AwsMocks(pulumi.runtime.Mocks):
    """Deterministic fake AWS for one region."""

    def __init__(self, region: str = "eu-west-1") -> None:
        self.region = region

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        resource_id = f"{args.name}-id"
        if args.typ.startswith("awsx:"):
            return resource_id, self._awsx_outputs(args)
        outputs = dict(args.inputs)
        name = outputs.get("name") or self._physical_name(args)
        outputs.setdefault("name", name)
        outputs.setdefault("arn", f"arn:aws:{_service(args.typ)}:{self.region}:{ACCOUNT_ID}:{name}")
        outputs.update(self._computed_outputs(args, name))
        return resource_id, outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict, list[tuple[str, str]]]:
        # Pulumi expects (outputs, failures); failures must be a list, never None.
        if args.token == "aws:route53/getZone:getZone":
            zone_name = args.args.get("name", "example.com")
            return {"id": HOSTED_ZONE_ID, "zoneId": HOSTED_ZONE_ID, "name": zone_name}, []
        if args.token == "aws:ec2/getRouteTables:getRouteTables":
            route_tables = ["rtb-public", "rtb-private-1", "rtb-private-2"]
            return {"id": "route-tables", "ids": route_tables}, []
        return {}, []

    def _physical_name(self, args: pulumi.runtime.MockResourceArgs) -> str:
        if args.typ == "aws:sqs/queue:Queue" and args.inputs.get("fifoQueue"):
            return f"{args.name}.fifo"
        return args.name

    def _computed_outputs(self, args: pulumi.runtime.MockResourceArgs, name: str) -> dict:
        region, inputs = self.region, args.inputs
        match args.typ:
            case "aws:sqs/queue:Queue":
                return {"url": f"https://sqs.{region}.amazonaws.com/{ACCOUNT_ID}/{name}"}
            case "aws:lb/loadBalancer:LoadBalancer":
                return {
                    "dnsName": f"{name}-123456.{region}.elb.amazonaws.com",
                    "zoneId": ALB_ZONE_ID,
                    "arnSuffix": f"app/{name}/0123456789abcdef",
                }
            case "aws:lb/targetGroup:TargetGroup":
                return {"arnSuffix": f"targetgroup/{name}/0123456789abcdef"}
            case "aws:rds/instance:Instance":
                address = f"{name}.abcdefghijkl.{region}.rds.amazonaws.com"
                secret = f"arn:aws:secretsmanager:{region}:{ACCOUNT_ID}:secret:rds!db-{name}-AbCdEf"
                return {
                    "identifier": name,
                    "address": address,
                    "endpoint": f"{address}:3306",
                    "masterUserSecrets": [{"secretArn": secret, "secretStatus": "active"}],
                }
            case "aws:ecr/repository:Repository":
                return {"repositoryUrl": f"{ACCOUNT_ID}.dkr.ecr.{region}.amazonaws.com/{name}"}
            case "aws:acm/certificate:Certificate":
                return {
                    "domainValidationOptions": [
                        {
                            "domainName": inputs.get("domainName"),
                            "resourceRecordName": f"_acme.{inputs.get('domainName')}.",
                            "resourceRecordType": "CNAME",
                            "resourceRecordValue": "_validation.acm-validations.aws.",
                        }
                    ]
                }
            case "aws:route53/record:Record":
                return {"fqdn": inputs.get("name")}
            case "aws:cloudwatch/logGroup:LogGroup":
                return {"arn": f"arn:aws:logs:{region}:{ACCOUNT_ID}:log-group:{name}"}
            case "aws:amp/workspace:Workspace":
                workspace = f"ws-{name}"
                return {
                    "arn": f"arn:aws:aps:{region}:{ACCOUNT_ID}:workspace/{workspace}",
                    "prometheusEndpoint": (
                        f"https://aps-workspaces.{region}.amazonaws.com/workspaces/{workspace}/"
                    ),
                }
            case "aws:grafana/workspace:Workspace":
                return {"endpoint": f"g-{name}.grafana-workspace.{region}.amazonaws.com"}
            case "aws:grafana/workspaceServiceAccount:WorkspaceServiceAccount":
                return {"serviceAccountId": f"{name}-id"}
            case "aws:grafana/workspaceServiceAccountToken:WorkspaceServiceAccountToken":
                return {"key": "glsa_mock_token_" + "x" * 32}
            case "random:index/randomPassword:RandomPassword":
                return {"result": "mock-random-password-" + "x" * 43}
        return {}

    def _awsx_outputs(self, args: pulumi.runtime.MockResourceArgs) -> dict:
        if args.typ == "awsx:ec2:Vpc":
            zones = int(args.inputs.get("numberOfAvailabilityZones", 2))
            return {
                "vpcId": "vpc-0123456789",
                "privateSubnetIds": [f"subnet-private-{zone}" for zone in range(zones)],
                "publicSubnetIds": [f"subnet-public-{zone}" for zone in range(zones)],
            }
        if args.typ == "awsx:ecr:Image":
            repository = args.inputs.get("repositoryUrl", "repository")
            return {"imageUri": f"{repository}@sha256:{'0' * 64}"}
        return {}
