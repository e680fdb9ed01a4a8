"""Runs Locust headless in its own process (gevent stays out of the harness) and reads back the
statistics and accepted job ids that load/locustfile.py writes at exit."""

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from load.processes import Service

REPO_ROOT = Path(__file__).resolve().parents[1]
LOCUSTFILE = REPO_ROOT / "load" / "locustfile.py"


@dataclass(frozen=True)
class LocustRun:
    """One headless Locust run of `user_class` against `host`."""

    name: str
    user_class: str
    host: str
    users: int
    spawn_rate: float
    duration_s: int
    out_dir: Path
    options: tuple[str, ...] = ()

    def service(self) -> Service:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(LOCUSTFILE),
            self.user_class,
            "--headless",
            "--users",
            str(self.users),
            "--spawn-rate",
            str(self.spawn_rate),
            "--run-time",
            f"{self.duration_s}s",
            "--stop-timeout",
            "30",
            "--host",
            self.host,
            "--html",
            str(self.out_dir / f"{self.name}.html"),
            "--csv",
            str(self.out_dir / self.name),
            "--results-dir",
            str(self.out_dir / self.name),
            "--only-summary",
            "--loglevel",
            "WARNING",
            *self.options,
        ]
        return Service(f"locust-{self.name}", command, {"PYTHONPATH": str(REPO_ROOT)}, self.out_dir)

    def wait(self, service: Service) -> dict[str, Any]:
        """Wait for Locust to end on its own and return its statistics."""
        assert service.process is not None
        try:
            service.process.wait(timeout=self.duration_s + 180)
        finally:
            service.stop()  # only does something when the wait was interrupted
        return self.results()

    def results(self) -> dict[str, Any]:
        stats = json.loads((self.out_dir / self.name / "locust-stats.json").read_text())
        accepted = json.loads((self.out_dir / self.name / "accepted.json").read_text())
        return {"stats": stats, "accepted": accepted}
