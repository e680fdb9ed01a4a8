"""The web app's static checks and component tests: eslint, TypeScript and Vitest."""

import re

from tests.web.npm import npm_run


def test_eslint_finds_no_problem() -> None:
    npm_run("lint")


def test_typescript_compiles_without_errors() -> None:
    npm_run("typecheck")


def test_component_tests_pass() -> None:
    output = npm_run("test")
    passed = re.search(r"Tests\s+(\d+) passed", output)
    assert passed is not None and int(passed.group(1)) > 0, output
