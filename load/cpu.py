"""CPU used during a run: the box as a whole and each platform process tree.

The box is shared, so the whole-box figure includes neighbours; the per-process CPU seconds say
where this run's time went (API, worker, LLM stand-in, Locust, MariaDB).
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psutil

PidSource = Callable[[], int | None]


def _tree_cpu_seconds(pid: int | None) -> float:
    if pid is None:
        return 0.0
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            continue
    return total


def mariadb_pid() -> int | None:
    for process in psutil.process_iter(["name"]):
        if process.info["name"] in ("mariadbd", "mysqld"):
            return int(process.pid)
    return None


@dataclass
class CpuMeter:
    """Samples the process trees every second (they restart during fault runs, so the seconds
    of each incarnation are summed) and the box's busy share between start and stop."""

    sources: dict[str, PidSource]
    _first: dict[tuple[str, int], float] = field(default_factory=dict)
    _last: dict[tuple[str, int], float] = field(default_factory=dict)
    _box_start: Any = None
    _wall_start: float = 0.0

    def start(self) -> None:
        self._box_start = psutil.cpu_times()
        self._wall_start = time.monotonic()
        self.sample(baseline=True)

    def sample(self, baseline: bool = False) -> None:
        """Processes already running at start count from then; later ones from their start."""
        for name, source in self.sources.items():
            pid = source()
            if pid is None:
                continue
            seconds = _tree_cpu_seconds(pid)
            key = (name, pid)
            self._first.setdefault(key, seconds if baseline else 0.0)
            self._last[key] = max(self._last.get(key, 0.0), seconds)

    def result(self) -> dict[str, object]:
        self.sample()
        box_end = psutil.cpu_times()
        start = self._box_start
        busy = _busy(box_end) - _busy(start)
        total = sum(box_end) - sum(start)
        per_process: dict[str, float] = {}
        for key, seconds in self._last.items():
            name = key[0]
            used = seconds - self._first[key]
            per_process[name] = round(per_process.get(name, 0.0) + used, 1)
        return {
            "cores": psutil.cpu_count(),
            "wall_s": round(time.monotonic() - self._wall_start, 1),
            "box_busy_percent": round(100 * busy / total, 1) if total else 0.0,
            "process_cpu_s": per_process,
        }


def _busy(times: Any) -> float:
    idle = getattr(times, "idle", 0.0) + getattr(times, "iowait", 0.0)
    return float(sum(times)) - idle
