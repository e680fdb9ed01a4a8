"""A Mermaid diagram of the architecture, derived from the captured resources.

Nodes are the deployed things (edge, services, queue, database, network); edges come from what
the resources say about each other: load balancer attachments, the settings each container gets
(queue URL, database URL, OpenAI key) and the queue's redrive policy.
"""

import json
import re
from typing import Any

from scripts.plan.render import lookup

Plan = dict[str, Any]
Resource = dict[str, Any]


def mermaid(plan: Plan) -> str:
    lines = ["flowchart LR", '  users(["Users"]) -->|HTTPS| alb']
    lines += _edge(plan)
    lines += _network(plan)
    lines += _queues(plan)
    lines += ['  openai(["OpenAI API"])']
    lines += _service_edges(plan)
    return "\n".join(lines) + "\n"


def _node_id(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def _of_type(plan: Plan, resource_type: str) -> list[Resource]:
    return [resource for resource in plan["resources"] if resource["type"] == resource_type]


def _sibling(plan: Plan, resource: Resource, resource_type: str) -> Resource | None:
    """The resource of `resource_type` created by the same component."""
    for candidate in _of_type(plan, resource_type):
        if candidate["parent"] == resource["parent"]:
            return candidate
    return None


def _edge(plan: Plan) -> list[str]:
    lines = ['  subgraph edge["Edge"]']
    for record in _of_type(plan, "aws:route53/record:Record"):
        if record["inputs"].get("aliases"):
            lines.append(f'    dns["Route53 {record["inputs"].get("name")}"] --> alb')
    for certificate in _of_type(plan, "aws:acm/certificate:Certificate"):
        lines.append(
            f'    cert["ACM certificate {certificate["inputs"].get("domainName")}"] -.- alb'
        )
    if _of_type(plan, "aws:wafv2/webAcl:WebAcl"):
        lines.append('    waf["WAF: managed rules, rate limit"] -.- alb')
    balancers = _of_type(plan, "aws:lb/loadBalancer:LoadBalancer")
    idle = lookup(balancers[0]["inputs"], "idleTimeout") if balancers else None
    lines.append(f'    alb["ALB :443, idle {idle:g}s"]' if idle else '    alb["ALB :443"]')
    return [*lines, "  end"]


def _network(plan: Plan) -> list[str]:
    vpcs = _of_type(plan, "awsx:ec2:Vpc")
    zones = lookup(vpcs[0]["inputs"], "numberOfAvailabilityZones") if vpcs else None
    nat = lookup(vpcs[0]["inputs"], "natGateways.strategy") if vpcs else None
    title = f"VPC: {zones:g} AZs, NAT {nat}" if zones else "VPC"
    lines = [f'  subgraph network["{title}"]', '    subgraph services["ECS Fargate, private"]']
    for service in _of_type(plan, "aws:ecs/service:Service"):
        lines.append(
            f'      {_node_id(service["name"])}["{service["name"]}{_tasks(plan, service)}"]'
        )
    lines.append("    end")
    for database in _of_type(plan, "aws:rds/instance:Instance"):
        inputs = database["inputs"]
        label = f"RDS MySQL {inputs.get('engineVersion')} {inputs.get('instanceClass')}"
        multi_az = ", multi-AZ" if inputs.get("multiAz") else ""
        lines.append(f'    db[("{label}{multi_az}")]')
    # "com.amazonaws.<region>.ecr.api" -> "ecr.api"
    endpoints = [
        str(endpoint["inputs"].get("serviceName", "")).split(".", 3)[-1]
        for endpoint in _of_type(plan, "aws:ec2/vpcEndpoint:VpcEndpoint")
    ]
    if endpoints:
        lines.append(f'    endpoints["VPC endpoints: {", ".join(sorted(endpoints))}"]')
    return [*lines, "  end"]


def _tasks(plan: Plan, service: Resource) -> str:
    target = _sibling(plan, service, "aws:appautoscaling/target:Target")
    if target is None:
        return ""
    return (
        f", {target['inputs'].get('minCapacity'):g}-{target['inputs'].get('maxCapacity'):g} tasks"
    )


def _queues(plan: Plan) -> list[str]:
    lines = ['  subgraph queue["SQS FIFO"]']
    for queue in _of_type(plan, "aws:sqs/queue:Queue"):
        lines.append(f'    {_node_id(queue["name"])}[["{queue["name"]}"]]')
    for queue in _of_type(plan, "aws:sqs/queue:Queue"):
        redrive = json.loads(queue["inputs"].get("redrivePolicy") or "{}")
        dlq = _queue_with_arn(plan, redrive.get("deadLetterTargetArn", ""))
        if dlq is not None:
            receives = redrive.get("maxReceiveCount")
            lines.append(
                f"    {_node_id(queue['name'])} -.->|after {receives} receives| {_node_id(dlq)}"
            )
    return [*lines, "  end"]


def _queue_with_arn(plan: Plan, arn: str) -> str | None:
    for queue in _of_type(plan, "aws:sqs/queue:Queue"):
        if arn and arn.rsplit(":", 1)[-1].removesuffix(".fifo") == queue["name"]:
            return str(queue["name"])
    return None


def _job_queue(plan: Plan) -> str | None:
    for queue in _of_type(plan, "aws:sqs/queue:Queue"):
        if queue["inputs"].get("redrivePolicy"):
            return _node_id(queue["name"])
    return None


def _container_settings(plan: Plan, service: Resource) -> set[str]:
    """Names of the environment variables and secrets the service's container gets."""
    task = _sibling(plan, service, "aws:ecs/taskDefinition:TaskDefinition")
    if task is None:
        return set()
    names = set()
    for container in json.loads(task["inputs"].get("containerDefinitions") or "[]"):
        for entry in container.get("environment", []) + container.get("secrets", []):
            names.add(entry["name"])
    return names


def _service_edges(plan: Plan) -> list[str]:
    lines = []
    job_queue = _job_queue(plan)
    for service in _of_type(plan, "aws:ecs/service:Service"):
        node = _node_id(service["name"])
        settings = _container_settings(plan, service)
        if service["inputs"].get("loadBalancers"):
            lines.append(f"  alb --> {node}")
        if "AIRA_QUEUE_URL" in settings and job_queue:
            lines.append(f"  {node} --> {job_queue}")
        if "AIRA_DATABASE_URL" in settings:
            lines.append(f"  {node} --> db")
        if "OPENAI_API_KEY" in settings:
            lines.append(f"  {node} -->|HTTPS via NAT| openai")
    return lines
