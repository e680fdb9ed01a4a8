"""pytest plugin: record the AWS calls the services make during the tests and check them against
the services' IAM manifests at the end of the session. See tests/iam_recorder/README.md."""

import os
from collections.abc import Generator, Iterator, Sequence
from pathlib import Path

import pytest

from policies.manifests import Manifest, load_manifests
from tests.iam_recorder.manifest_check import manifest_problems
from tests.iam_recorder.recorder import AwsCall, AwsCallRecorder

RECORDER = pytest.StashKey[AwsCallRecorder]()
MANIFESTS = pytest.StashKey[dict[str, Manifest]]()
SERVICE_TESTS = pytest.StashKey[dict[str, list[Path]]]()
# Test files some tests of which were deselected (-k, -m, --deselect, --lf) or skipped.
DESELECTED = pytest.StashKey[set[Path]]()
SKIPPED = pytest.StashKey[set[Path]]()
SECTION = "IAM manifests vs the AWS calls the code made"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "iam_manifests", "directory of <service>/iam.json (relative to rootdir)", default="apps"
    )
    parser.addini(
        "iam_tests", "directory of the services' tests, tests/<service>/", default="tests"
    )
    parser.addini(
        "iam_service_tests",
        "'<service>: <path> ...' per line: the tests that together exercise the service's "
        "manifest (relative to rootdir; default <iam_tests>/<service>)",
        type="linelist",
        default=[],
    )


def _service_tests(config: pytest.Config, services: Sequence[str]) -> dict[str, list[Path]]:
    root = config.rootpath
    tests = {service: [root / config.getini("iam_tests") / service] for service in services}
    for line in config.getini("iam_service_tests"):
        service, _, paths = str(line).partition(":")
        service = service.strip()
        if service not in tests or not paths.split():
            raise pytest.UsageError(
                f"iam_service_tests: {line!r} must be '<service>: <path> ...' with a service of "
                f"{sorted(tests)}"
            )
        tests[service] = [(root / path).resolve() for path in paths.split()]
    return tests


def pytest_configure(config: pytest.Config) -> None:
    manifests = load_manifests(str(config.rootpath / config.getini("iam_manifests")))
    config.stash[SERVICE_TESTS] = _service_tests(config, list(manifests))
    recorder = AwsCallRecorder(manifests)
    recorder.install()
    config.stash[MANIFESTS] = manifests
    config.stash[RECORDER] = recorder
    config.stash[DESELECTED] = set()
    config.stash[SKIPPED] = set()


def pytest_unconfigure(config: pytest.Config) -> None:
    if RECORDER in config.stash:
        config.stash[RECORDER].uninstall()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    recorder = item.config.stash[RECORDER]
    recorder.running_test = item.nodeid
    try:
        return (yield)
    finally:
        recorder.running_test = None


def pytest_deselected(items: Sequence[pytest.Item]) -> None:
    for item in items:
        item.config.stash[DESELECTED].add(item.path)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item,
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.skipped:
        item.config.stash[SKIPPED].add(item.path)
    return report


class AwsCalls:
    """The AWS calls made since the fixture started (by services and by test setup alike)."""

    def __init__(self, recorder: AwsCallRecorder) -> None:
        self._recorder, self._start = recorder, len(recorder.calls)

    @property
    def calls(self) -> list[AwsCall]:
        return self._recorder.since(self._start)

    def actions(self, service: str | None = None) -> set[str]:
        """Actions called (by `service`'s code, when given)."""
        return {
            c.action for c in self.calls if c.action and (service is None or c.service == service)
        }

    def grants(self, service: str) -> set[str]:
        """What `service`'s code called, as `sqs:ReceiveMessage on jobs-dlq`."""
        return {c.grant for c in self.calls if c.action and c.service == service}


@pytest.fixture
def aws_calls(request: pytest.FixtureRequest) -> AwsCalls:
    return AwsCalls(request.config.stash[RECORDER])


def _within(path: Path, directory: Path) -> bool:
    return path == directory or directory in path.parents


def _covered(session: pytest.Session, exitstatus: int, paths: Sequence[Path]) -> bool:
    """Whether this session ran every test under `paths`: each was asked for whole (or a
    directory above it), nothing in them deselected or ignored, and the session ended without
    failures, errors or an early stop. (Skipped tests do not stop the judgement: a grant only
    they exercise is reported as not exercised, with a note.)"""
    config = session.config
    if exitstatus != pytest.ExitCode.OK or session.shouldstop or session.shouldfail:
        return False
    if config.option.collectonly or config.getoption("ignore_glob", None):
        return False
    base = config.invocation_params.dir
    asked = [(base / arg).resolve() for arg in config.args if "::" not in arg]
    ignored = [(base / p).resolve() for p in config.getoption("ignore", None) or []]
    deselected = config.stash[DESELECTED]
    for path in paths:
        if not any(_within(path, arg) for arg in asked):
            return False
        if any(_within(p, path) or _within(path, p) for p in ignored):
            return False
        if any(_within(p, path) for p in deselected):
            return False
    return True


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    manifests = config.stash[MANIFESTS]
    complete = [
        service
        for service, paths in config.stash[SERVICE_TESTS].items()
        if _covered(session, exitstatus, paths)
    ]
    calls = config.stash[RECORDER].calls
    problems = manifest_problems(manifests, calls, complete)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if not problems:
        if complete and reporter is not None:
            reporter.line(
                f"IAM manifests: {', '.join(sorted(complete))} grant exactly what their code "
                f"called ({sum(c.service in complete for c in calls)} AWS calls recorded)",
                green=True,
            )
        return
    skipped = sorted(
        {
            os.path.relpath(path, config.rootpath)
            for service in complete
            for path in config.stash[SKIPPED]
            if any(_within(path, tests) for tests in config.stash[SERVICE_TESTS][service])
        }
    )
    if skipped and any("no test exercised" in problem for problem in problems):
        problems.append(f"note: tests were skipped in {skipped}")
    if reporter is not None:
        reporter.section(SECTION, red=True)
        for problem in problems:
            reporter.line(problem, red=True)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
