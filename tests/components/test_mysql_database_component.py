import pytest

from components.mysql_database import MySqlDatabase, MySqlDatabaseArgs

INSTANCE = "aws:rds/instance:Instance"


def _database(**overrides):
    args = {"vpc_id": "vpc-1", "subnet_ids": ["subnet-private-0", "subnet-private-1"], **overrides}
    return lambda: MySqlDatabase("db", MySqlDatabaseArgs(**args))


def test_database_is_private_encrypted_with_a_managed_password(mocked):
    _, registered = mocked(_database())
    instance = registered.inputs(INSTANCE, "db")
    assert instance["publiclyAccessible"] is False
    assert instance["storageEncrypted"] is True
    assert instance["manageMasterUserPassword"] is True
    assert "password" not in instance
    assert instance["engine"] == "mysql"
    assert instance["engineVersion"].startswith("8.")


def test_database_lives_in_the_private_subnets(mocked):
    _, registered = mocked(_database())
    subnet_group = registered.inputs("aws:rds/subnetGroup:SubnetGroup", "db")
    instance = registered.inputs(INSTANCE, "db")
    assert subnet_group["subnetIds"] == ["subnet-private-0", "subnet-private-1"]
    assert instance["dbSubnetGroupName"] == "db"


def test_only_allowed_client_groups_reach_port_3306(mocked):
    def build():
        database = MySqlDatabase("db", MySqlDatabaseArgs(vpc_id="vpc-1", subnet_ids=["s"]))
        database.allow_from("api", "sg-api")
        return database

    _, registered = mocked(build)
    group = registered.inputs("aws:ec2/securityGroup:SecurityGroup", "db-db")
    rule = registered.inputs("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    assert "ingress" not in group
    assert group["egress"] == []
    assert rule["referencedSecurityGroupId"] == "sg-api"
    assert (rule["fromPort"], rule["toPort"], rule["ipProtocol"]) == (3306.0, 3306.0, "tcp")
    assert "cidrIpv4" not in rule


def test_server_character_set_is_utf8mb4(mocked):
    _, registered = mocked(_database())
    parameters = registered.inputs("aws:rds/parameterGroup:ParameterGroup", "db")["parameters"]
    assert {"name": "character_set_server", "value": "utf8mb4"} in parameters


def test_protected_database_is_multi_az_and_keeps_a_final_snapshot(mocked):
    _, registered = mocked(
        _database(multi_az=True, deletion_protection=True, backup_retention_days=14)
    )
    instance = registered.inputs(INSTANCE, "db")
    assert instance["multiAz"] is True
    assert instance["deletionProtection"] is True
    assert instance["skipFinalSnapshot"] is False
    assert instance["finalSnapshotIdentifier"] == "db-test-final"
    assert instance["backupRetentionPeriod"] == 14.0


def test_unprotected_database_tears_down_without_a_snapshot(mocked):
    _, registered = mocked(_database())
    instance = registered.inputs(INSTANCE, "db")
    assert instance["deletionProtection"] is False
    assert instance["skipFinalSnapshot"] is True
    assert "finalSnapshotIdentifier" not in instance


def test_url_and_password_grant_point_at_the_instance_and_its_managed_secret(mocked, resolve):
    database, _ = mocked(_database())
    address = "db.abcdefghijkl.eu-west-1.rds.amazonaws.com"
    assert resolve(database.url) == f"mysql+pymysql://aira@{address}:3306/aira"
    secret_arn = resolve(database.master_secret_arn)
    assert secret_arn.startswith("arn:aws:secretsmanager:")
    grant = database.grant_read_password()
    assert grant.actions == ("secretsmanager:GetSecretValue",)
    assert resolve(grant.resources[0]) == secret_arn


def test_storage_ceiling_below_allocation_is_rejected():
    with pytest.raises(ValueError, match="max_allocated_storage_gb"):
        MySqlDatabaseArgs(
            vpc_id="v", subnet_ids=[], allocated_storage_gb=100, max_allocated_storage_gb=50
        )
