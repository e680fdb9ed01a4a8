"""Serve the policy pack to the Pulumi engine (`pulumi preview --policy-pack policies`).

Constructing `PolicyPack` starts the analyzer's gRPC server and never returns: nothing may import
this module. The engine runs it with `policies/` as the script directory, so the repository root
goes on the path for `policies.*` imports to resolve as they do everywhere else.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pulumi_policy import EnforcementLevel, Policy, PolicyPack

from policies.crossguard import PACK_NAME, build_policies

PolicyPack(
    name=PACK_NAME,
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=list[Policy](build_policies()),
)
