"""Text views of a captured plan: the resource tree, counts by type, and the exports."""

import json
from collections import Counter, defaultdict
from typing import Any

# The few inputs worth reading in the tree, per resource type (dotted paths into the inputs).
HIGHLIGHTS: dict[str, tuple[str, ...]] = {
    "awsx:ec2:Vpc": ("numberOfAvailabilityZones", "natGateways.strategy", "cidrBlock"),
    "awsx:ecr:Image": ("target", "platform"),
    "aws:ec2/vpcEndpoint:VpcEndpoint": ("serviceName", "vpcEndpointType"),
    "aws:acm/certificate:Certificate": ("domainName", "validationMethod"),
    "aws:route53/record:Record": ("name", "type"),
    "aws:lb/loadBalancer:LoadBalancer": ("internal", "idleTimeout", "enableDeletionProtection"),
    "aws:lb/listener:Listener": ("port", "protocol", "sslPolicy", "defaultActions.0.type"),
    "aws:lb/targetGroup:TargetGroup": ("port", "targetType", "healthCheck.path"),
    "aws:sqs/queue:Queue": (
        "fifoQueue",
        "fifoThroughputLimit",
        "visibilityTimeoutSeconds",
        "messageRetentionSeconds",
        "redrivePolicy",
    ),
    "aws:rds/instance:Instance": (
        "engine",
        "engineVersion",
        "instanceClass",
        "multiAz",
        "storageEncrypted",
        "publiclyAccessible",
        "deletionProtection",
        "backupRetentionPeriod",
    ),
    "aws:ecs/taskDefinition:TaskDefinition": ("cpu", "memory"),
    "aws:ecs/service:Service": (
        "launchType",
        "networkConfiguration.assignPublicIp",
        "deploymentCircuitBreaker.rollback",
    ),
    "aws:appautoscaling/target:Target": ("minCapacity", "maxCapacity"),
    "aws:appautoscaling/policy:Policy": (
        "targetTrackingScalingPolicyConfiguration.targetValue",
        "targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.predefinedMetricType",
    ),
    "aws:cloudwatch/logGroup:LogGroup": ("retentionInDays",),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ("metricName", "comparisonOperator", "threshold"),
    "aws:sns/topicSubscription:TopicSubscription": ("protocol", "endpoint"),
    "aws:secretsmanager/secret:Secret": ("recoveryWindowInDays",),
    "aws:ecr/repository:Repository": ("imageScanningConfiguration.scanOnPush", "forceDelete"),
}
_MAX_VALUE_LENGTH = 80


def lookup(inputs: Any, path: str) -> Any:
    """The value at a dotted path (list indices as numbers), or None."""
    value = inputs
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _format_value(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, str):
        text = value
    else:
        text = json.dumps(value)
    return text if len(text) <= _MAX_VALUE_LENGTH else text[: _MAX_VALUE_LENGTH - 1] + "…"


def _describe(resource: dict[str, Any]) -> str:
    details = [
        f"{path.rsplit('.', 1)[-1]}={_format_value(value)}"
        for path in HIGHLIGHTS.get(resource["type"], ())
        if (value := lookup(resource["inputs"], path)) is not None
    ]
    suffix = f"  ({', '.join(details)})" if details else ""
    return f"{resource['type']}  {resource['name']}{suffix}"


def resource_tree(plan: dict[str, Any]) -> list[str]:
    """Every resource under its parent, with the inputs that matter."""
    children: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    for resource in sorted(plan["resources"], key=lambda r: (r["type"], r["name"])):
        children[resource["parent"]].append(resource)
    lines: list[str] = []

    def walk(parent: str | None, prefix: str) -> None:
        siblings = children.get(parent, [])
        for index, resource in enumerate(siblings):
            last = index == len(siblings) - 1
            lines.append(f"{prefix}{'└─ ' if last else '├─ '}{_describe(resource)}")
            walk(resource["urn"], prefix + ("   " if last else "│  "))

    walk(None, "")
    return lines


def type_counts(plan: dict[str, Any]) -> list[str]:
    counts = Counter(resource["type"] for resource in plan["resources"])
    width = max((len(kind) for kind in counts), default=0)
    lines = [f"{kind:<{width}}  {count}" for kind, count in sorted(counts.items())]
    return [*lines, f"{'total':<{width}}  {sum(counts.values())}"]


def export_lines(plan: dict[str, Any]) -> list[str]:
    exports = plan["exports"]
    width = max((len(name) for name in exports), default=0)
    return [f"{name:<{width}}  {_format_value(value)}" for name, value in sorted(exports.items())]


def section(title: str, lines: list[str]) -> str:
    """One titled block of the printed plan."""
    return "\n".join([f"== {title} ==", *lines, ""])
