"""An SNS topic that reaches people, and the CloudWatch alarms that publish to it."""

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True)
class AlertsArgs:
    load_balancer_arn_suffix: pulumi.Input[str]
    target_group_arn_suffix: pulumi.Input[str]
    queue_name: pulumi.Input[str]
    dlq_name: pulumi.Input[str]
    db_instance_id: pulumi.Input[str]
    emails: Sequence[str] = ()
    """Each address receives a confirmation mail from SNS before alerts arrive."""
    http_5xx_per_5_minutes: int = 10
    p95_latency_seconds: float = 2.0
    """Time to first byte; streamed answers continue after it and do not count."""
    oldest_job_age_seconds: int = 600
    db_cpu_percent: int = 80
    db_free_storage_bytes: int = 2 * 1024**3


@dataclass(frozen=True)
class _Alarm:
    name: str
    description: str
    namespace: str
    metric_name: str
    dimensions: dict[str, pulumi.Input[str]]
    statistic: str | None
    comparison: str
    threshold: float
    extended_statistic: str | None = None
    evaluation_periods: int = 1


class Alerts(pulumi.ComponentResource):
    """Alarms on what users feel: errors, latency, unhealthy tasks, stuck jobs, database."""

    def __init__(
        self, name: str, args: AlertsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("aira:alerts:Alerts", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        # No SSE with the AWS-managed key: its key policy does not let CloudWatch publish, so
        # alarms would fail silently. Alarm notifications carry no user data.
        self.topic = aws.sns.Topic(name, opts=child)
        self.subscriptions = [
            aws.sns.TopicSubscription(
                f"{name}-email-{index}",
                topic=self.topic.arn,
                protocol="email",
                endpoint=email,
                opts=child,
            )
            for index, email in enumerate(args.emails)
        ]
        self.alarms = [self._alarm(name, alarm) for alarm in _alarms(args)]
        self.register_outputs({"topic_arn": self.topic.arn})

    def _alarm(self, name: str, alarm: _Alarm) -> aws.cloudwatch.MetricAlarm:
        return aws.cloudwatch.MetricAlarm(
            f"{name}-{alarm.name}",
            alarm_description=alarm.description,
            namespace=alarm.namespace,
            metric_name=alarm.metric_name,
            dimensions=alarm.dimensions,
            statistic=alarm.statistic,
            extended_statistic=alarm.extended_statistic,
            period=300,
            evaluation_periods=alarm.evaluation_periods,
            comparison_operator=alarm.comparison,
            threshold=alarm.threshold,
            treat_missing_data="notBreaching",
            alarm_actions=[self.topic.arn],
            ok_actions=[self.topic.arn],
            opts=pulumi.ResourceOptions(parent=self),
        )


def _alarms(args: AlertsArgs) -> list[_Alarm]:
    alb = {"LoadBalancer": args.load_balancer_arn_suffix}
    target_group = {**alb, "TargetGroup": args.target_group_arn_suffix}
    database = {"DBInstanceIdentifier": args.db_instance_id}
    greater = "GreaterThanThreshold"
    return [
        _Alarm(
            "alb-5xx",
            "Load balancer answered 5xx",
            "AWS/ApplicationELB",
            "HTTPCode_ELB_5XX_Count",
            alb,
            "Sum",
            greater,
            args.http_5xx_per_5_minutes,
        ),
        _Alarm(
            "api-5xx",
            "API answered 5xx",
            "AWS/ApplicationELB",
            "HTTPCode_Target_5XX_Count",
            target_group,
            "Sum",
            greater,
            args.http_5xx_per_5_minutes,
        ),
        _Alarm(
            "api-latency",
            "API p95 time to first byte is high",
            "AWS/ApplicationELB",
            "TargetResponseTime",
            target_group,
            None,
            greater,
            args.p95_latency_seconds,
            extended_statistic="p95",
            evaluation_periods=2,
        ),
        _Alarm(
            "api-unhealthy",
            "API tasks fail health checks",
            "AWS/ApplicationELB",
            "UnHealthyHostCount",
            target_group,
            "Maximum",
            greater,
            0,
            evaluation_periods=2,
        ),
        _Alarm(
            "dlq-not-empty",
            "Jobs failed for good and wait in the dead-letter queue",
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            {"QueueName": args.dlq_name},
            "Maximum",
            greater,
            0,
        ),
        _Alarm(
            "queue-age",
            "Jobs wait too long: workers are down or too few",
            "AWS/SQS",
            "ApproximateAgeOfOldestMessage",
            {"QueueName": args.queue_name},
            "Maximum",
            greater,
            args.oldest_job_age_seconds,
        ),
        _Alarm(
            "db-cpu",
            "Database CPU is high",
            "AWS/RDS",
            "CPUUtilization",
            database,
            "Average",
            greater,
            args.db_cpu_percent,
            evaluation_periods=3,
        ),
        _Alarm(
            "db-storage",
            "Database storage is running out",
            "AWS/RDS",
            "FreeStorageSpace",
            database,
            "Minimum",
            "LessThanThreshold",
            args.db_free_storage_bytes,
        ),
    ]
