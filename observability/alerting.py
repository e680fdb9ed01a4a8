"""AlertManager configurations built from one routing tree (alertmanager/route.yml).

Locally each severity goes to a webhook; on AWS the Amazon Managed Prometheus alert manager sends
each severity to the Alerts SNS topic with a `severity` message attribute, so subscribers can
filter (e.g. only critical to a pager).
"""

from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
RULES_FILE = HERE / "rules" / "aira-alerts.yml"
ROUTE_FILE = HERE / "alertmanager" / "route.yml"
SEVERITIES = ("critical", "warning")


def _config(receivers: list[dict[str, Any]]) -> dict[str, Any]:
    routing = yaml.safe_load(ROUTE_FILE.read_text(encoding="utf-8"))
    return {**routing, "receivers": receivers}


def local_config(webhook_url: str) -> dict[str, Any]:
    """Each severity posts to `<webhook_url>/<severity>`."""
    return _config(
        [
            {
                "name": severity,
                "webhook_configs": [
                    {"url": f"{webhook_url.rstrip('/')}/{severity}", "send_resolved": True}
                ],
            }
            for severity in SEVERITIES
        ]
    )


def sns_config(topic_arn: str, region: str) -> dict[str, Any]:
    """Each severity publishes to the SNS topic, signed with the workspace's identity (sigv4)."""
    return _config(
        [
            {
                "name": severity,
                "sns_configs": [
                    {
                        "topic_arn": topic_arn,
                        "sigv4": {"region": region},
                        "subject": f"[{severity.upper()}] Aira: {{{{ .GroupLabels.alertname }}}}",
                        "attributes": {"severity": severity},
                        "send_resolved": True,
                    }
                ],
            }
            for severity in SEVERITIES
        ]
    )


class _BlockDumper(yaml.SafeDumper):
    """Writes multi-line strings as literal blocks, so the deployed document stays readable."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _represent_str)


def amp_alert_manager_definition(topic_arn: str, region: str) -> str:
    """The document Amazon Managed Prometheus expects: the config as a string under a key."""
    config = yaml.safe_dump(sns_config(topic_arn, region), sort_keys=False)
    return yaml.dump({"alertmanager_config": config}, Dumper=_BlockDumper, sort_keys=False)
