"""Compare the actions each service's code called with its IAM manifest."""

from collections.abc import Iterable, Mapping

from policies.manifests import Manifest
from tests.iam_recorder.recorder import AwsCall


def manifest_problems(
    manifests: Mapping[str, Manifest], calls: Iterable[AwsCall], complete: Iterable[str]
) -> list[str]:
    """Problems, each one line: operations with no known action; actions a service called that
    its manifest lacks (they would be denied in production); and, for services whose tests all
    ran (`complete`), manifest actions no test exercised (an over-grant)."""
    calls = list(calls)
    problems = sorted({f"{c.test}: {c.error}" for c in calls if c.error})
    called: dict[str, set[str]] = {}
    for call in calls:
        if call.service is not None and call.action is not None:
            called.setdefault(call.service, set()).add(call.action)
    for service, manifest in sorted(manifests.items()):
        missing = sorted(called.get(service, set()) - manifest.actions)
        if missing:
            problems.append(f"{service}: code calls {missing}, missing from {manifest.source}")
        if service in set(complete):
            unused = sorted(manifest.actions - called.get(service, set()))
            if unused:
                problems.append(
                    f"{service}: {manifest.source} grants {unused}, which no test exercised"
                )
    return problems
