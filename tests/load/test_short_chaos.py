"""The chaos run, short: the whole platform (SQLite, SQS on moto behind a cuttable proxy, the
OpenAI-speaking server) under load while the worker is SIGKILLed, the LLM answers 429 bursts,
500s and stalls, the queue is unreachable and the database stalls. Nothing may be lost or
duplicated, and every failed job must come back through redrive and retry."""

from pathlib import Path

from load.chaos import parse_args, run_chaos


def test_short_chaos_run_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    args = parse_args(
        ["--short", "--backend", "local", "--llm-latency", "0.5", "--reports", str(tmp_path)]
    )
    report = run_chaos(args)

    assert [fault["outcome"] for fault in report["faults"]] == ["ok"] * len(report["faults"])
    assert report["after_faults"]["accepted"] > 0
    assert report["after_faults"]["lost"] == 0
    assert report["after_faults"]["duplicated"] == 0
    # The LLM outage used up some jobs' receives: they failed with a code and were dead-lettered.
    assert report["after_faults"]["error_codes"].get("retries_exhausted", 0) > 0
    assert "(none)" not in report["after_faults"]["error_codes"]
    assert report["recovery"]["redrive_exit_code"] == 0
    assert report["after_recovery"]["failed"] == 0
    assert report["after_recovery"]["lost"] == 0
    assert report["after_recovery"]["duplicated"] == 0
    assert report["problems"] == []
