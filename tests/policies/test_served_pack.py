"""`policies/__main__.py` serves the pack over the analyzer protocol, as the engine starts it."""

import subprocess
import sys
from pathlib import Path

import grpc
import pytest
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from policies.catalog import POLICY_SPECS

PACK = Path(__file__).resolve().parents[2] / "policies"


@pytest.fixture(scope="module")
def analyzer():
    # The engine runs the pack from its own directory: imports must not rely on the cwd.
    server = subprocess.Popen(
        [sys.executable, str(PACK / "__main__.py")], cwd=PACK, stdout=subprocess.PIPE, text=True
    )
    try:
        port = int(server.stdout.readline())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            yield analyzer_pb2_grpc.AnalyzerStub(channel)
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_pack_lists_every_policy_as_mandatory(analyzer):
    info = analyzer.GetAnalyzerInfo(empty_pb2.Empty())
    assert info.name == "aira"
    assert {p.name for p in info.policies} == {spec.name for spec in POLICY_SPECS}
    assert {p.enforcementLevel for p in info.policies} == {analyzer_pb2.MANDATORY}


def test_pack_reports_a_violation_to_the_engine(analyzer):
    properties = struct_pb2.Struct()
    properties.update({"fifoQueue": True})
    request = analyzer_pb2.AnalyzeRequest(
        type="aws:sqs/queue:Queue", properties=properties, urn="urn:pulumi:prod::aira::q", name="q"
    )
    diagnostics = analyzer.Analyze(request).diagnostics
    assert [d.policyName for d in diagnostics] == ["sqs-encrypted"]
