"""pytest plugin: record the AWS calls the services make during the tests and check them against
the services' IAM manifests at the end of the session. See tests/iam_recorder/README.md."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from policies.manifests import Manifest, load_manifests
from tests.iam_recorder.manifest_check import manifest_problems
from tests.iam_recorder.recorder import AwsCall, AwsCallRecorder

RECORDER = pytest.StashKey[AwsCallRecorder]()
MANIFESTS = pytest.StashKey[dict[str, Manifest]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "iam_manifests", "directory of <service>/iam.json (relative to rootdir)", default="apps"
    )
    parser.addini(
        "iam_tests", "directory of the services' tests, tests/<service>/", default="tests"
    )


def pytest_configure(config: pytest.Config) -> None:
    manifests = load_manifests(str(config.rootpath / config.getini("iam_manifests")))
    recorder = AwsCallRecorder(manifests)
    recorder.install()
    config.stash[MANIFESTS] = manifests
    config.stash[RECORDER] = recorder


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


@pytest.fixture
def aws_calls(request: pytest.FixtureRequest) -> AwsCalls:
    return AwsCalls(request.config.stash[RECORDER])


def _ran_completely(session: pytest.Session, test_dir: Path) -> bool:
    """Whether this session ran every test under `test_dir`: it was asked for whole, nothing
    deselected, nothing failed or stopped early."""
    config = session.config
    if config.option.keyword or config.option.markexpr or session.testsfailed:
        return False
    if session.shouldstop or session.shouldfail:
        return False
    base = config.invocation_params.dir
    asked = [(base / arg).resolve() for arg in config.args if "::" not in arg]
    return any(path == test_dir or path in test_dir.parents for path in asked)


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    tests = config.rootpath / config.getini("iam_tests")
    complete = [s for s in config.stash[MANIFESTS] if _ran_completely(session, tests / s)]
    problems = manifest_problems(config.stash[MANIFESTS], config.stash[RECORDER].calls, complete)
    if not problems:
        return
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.section("IAM manifests vs the AWS calls the code made", red=True)
        for problem in problems:
            reporter.line(problem, red=True)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
