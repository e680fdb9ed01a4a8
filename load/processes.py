"""Platform processes started for a run: each in its own process group, logging to a file.

Own process groups let a fault SIGKILL a service with all its children (uvicorn's worker
processes) at once, exactly like an OOM kill or a crashed container.
"""

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Service:
    """One command of the platform, restartable with the same environment."""

    name: str
    command: Sequence[str]
    env: dict[str, str]
    log_dir: Path
    ready: Callable[["Service"], None] | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)
    starts: int = field(default=0, init=False)

    def start(self) -> "Service":
        self.starts += 1
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.log_dir / f"{self.name}.log"
        with log_path.open("ab") as log:
            log.write(f"\n--- start #{self.starts}: {' '.join(self.command)}\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                list(self.command),
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        if self.ready is not None:
            try:
                self.ready(self)
            except (RuntimeError, TimeoutError) as exc:
                self.stop()
                raise RuntimeError(f"{self.name} did not start: {exc}\n{self.log_tail()}") from None
        return self

    def log_tail(self, lines: int = 30) -> str:
        path = self.log_dir / f"{self.name}.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    @property
    def pid(self) -> int:
        assert self.process is not None, f"{self.name} was never started"
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole process group: no shutdown handler runs."""
        self._signal_group(signal.SIGKILL)
        self._reap(timeout=10)

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM (graceful shutdown), then SIGKILL whatever is left after `timeout`."""
        if not self.alive():
            return
        self._signal_group(signal.SIGTERM)
        if not self._reap(timeout):
            self.kill()
        # Children that outlived their parent (a worker process mid-request) go too.
        self._signal_group(signal.SIGKILL)

    def restart(self) -> None:
        self.stop()
        self.start()

    def _signal_group(self, signum: int) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)

    def _reap(self, timeout: float) -> bool:
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return True
            time.sleep(0.05)
        return False
