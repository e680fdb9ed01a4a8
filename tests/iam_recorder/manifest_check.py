"""Compare what each service's code called with its IAM manifest, statement by statement: an
action on a resource (`sqs:ReceiveMessage on jobs-dlq`)."""

from collections.abc import Iterable, Mapping

from policies.manifests import Manifest
from tests.iam_recorder.recorder import AwsCall

ANY_RESOURCE = "*"


def _granted(manifest: Manifest, call: AwsCall) -> bool:
    """Whether a statement of the manifest allows the call. A call on a resource that is not
    recognised is allowed by its action on any resource."""
    return any(
        call.action in actions
        and (call.resource is None or resource in (call.resource, ANY_RESOURCE))
        for resource, actions in manifest.actions_by_resource
    )


def _exercised(resource: str, action: str, calls: list[AwsCall]) -> bool:
    return any(
        c.action == action and (resource == ANY_RESOURCE or c.resource == resource) for c in calls
    )


def manifest_problems(
    manifests: Mapping[str, Manifest], calls: Iterable[AwsCall], complete: Iterable[str]
) -> list[str]:
    """Problems, each one line: operations with no known action; actions a service called that
    its manifest lacks (they would be denied in production); and, for services whose tests all
    ran (`complete`), manifest actions no test exercised (an over-grant)."""
    calls = list(calls)
    problems = sorted({f"{c.test}: {c.error}" for c in calls if c.error})
    by_service: dict[str, list[AwsCall]] = {}
    for call in calls:
        if call.service is not None and call.action is not None:
            by_service.setdefault(call.service, []).append(call)
    for service, manifest in sorted(manifests.items()):
        called = by_service.get(service, [])
        denied: dict[str, str | None] = {}
        for call in called:
            if not _granted(manifest, call):
                denied.setdefault(call.grant, call.test)
        if denied:
            first = ", ".join(f"{grant} ({test})" for grant, test in sorted(denied.items()))
            problems.append(
                f"{service}: code calls {sorted(denied)}, missing from {manifest.source} "
                f"(production would deny them; first called by {first})"
            )
        if service in set(complete):
            unused = sorted(
                f"{action} on {resource}"
                for resource, actions in manifest.actions_by_resource
                for action in actions
                if not _exercised(resource, action, called)
            )
            if unused:
                problems.append(
                    f"{service}: {manifest.source} grants {unused}, which no test exercised "
                    "through the service's code (exercise each in a test against moto's server, "
                    "or remove it from the manifest)"
                )
    return problems
