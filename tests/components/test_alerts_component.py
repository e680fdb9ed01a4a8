from components.alerts import Alerts, AlertsArgs

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def _alerts(emails=()):
    return lambda: Alerts(
        "aira",
        AlertsArgs(
            load_balancer_arn_suffix="app/alb/1",
            target_group_arn_suffix="targetgroup/tg/2",
            queue_name="jobs.fifo",
            dlq_name="jobs-dlq.fifo",
            db_instance_id="db-1",
            emails=emails,
        ),
    )


def test_every_alarm_notifies_the_topic(mocked):
    _, registered = mocked(_alerts())
    topic_arn = "arn:aws:sns:eu-west-1:123456789012:aira"
    alarms = registered.all(ALARM)
    assert len(alarms) == 8
    for alarm in alarms:
        assert alarm["inputs"]["alarmActions"] == [topic_arn]
        assert alarm["inputs"]["okActions"] == [topic_arn]


def test_alarms_watch_errors_latency_health_queue_and_database(mocked):
    _, registered = mocked(_alerts())
    watched = {
        (a["inputs"]["namespace"], a["inputs"]["metricName"]): a["inputs"]["dimensions"]
        for a in registered.all(ALARM)
    }
    assert watched[("AWS/SQS", "ApproximateNumberOfMessagesVisible")] == {
        "QueueName": "jobs-dlq.fifo"
    }
    assert watched[("AWS/SQS", "ApproximateAgeOfOldestMessage")] == {"QueueName": "jobs.fifo"}
    assert watched[("AWS/ApplicationELB", "UnHealthyHostCount")] == {
        "LoadBalancer": "app/alb/1",
        "TargetGroup": "targetgroup/tg/2",
    }
    assert ("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count") in watched
    assert ("AWS/ApplicationELB", "TargetResponseTime") in watched
    assert watched[("AWS/RDS", "CPUUtilization")] == {"DBInstanceIdentifier": "db-1"}
    assert ("AWS/RDS", "FreeStorageSpace") in watched


def test_dlq_alarm_fires_on_the_first_dead_letter(mocked):
    _, registered = mocked(_alerts())
    alarm = registered.inputs(ALARM, "aira-dlq-not-empty")
    assert (alarm["comparisonOperator"], alarm["threshold"]) == ("GreaterThanThreshold", 0.0)


def test_each_address_gets_an_email_subscription(mocked):
    _, registered = mocked(_alerts(("a@example.com", "b@example.com")))
    subscriptions = registered.all("aws:sns/topicSubscription:TopicSubscription")
    assert sorted(s["inputs"]["endpoint"] for s in subscriptions) == [
        "a@example.com",
        "b@example.com",
    ]
    assert {s["inputs"]["protocol"] for s in subscriptions} == {"email"}
    # CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key.
    assert "kmsMasterKeyId" not in registered.inputs("aws:sns/topic:Topic")
