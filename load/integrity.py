"""After a run: wait until the platform has worked off every job, then audit the database.

The database is the only truth. Every job the API accepted (the ids Locust saw in 202 answers,
plus any job in the database a client never heard about) must be in a final state: nothing lost.
Every user message must have exactly one answer, and no answer may contain its text twice:
nothing duplicated.
"""

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from aira_core.models import FINAL_STATUSES, JobStatus, Message, Story
from sqlalchemy import Engine, func, select
from sqlmodel import Session


@dataclass(frozen=True)
class JobAudit:
    accepted: int
    done: int
    failed: int
    cancelled: int
    lost: int
    duplicated: int
    error_codes: dict[str, int]
    lost_ids: list[str] = field(default_factory=list)
    duplicated_ids: list[str] = field(default_factory=list)

    def as_summary(self) -> dict[str, int]:
        return {
            "accepted": self.accepted,
            "done": self.done,
            "failed": self.failed,
            "lost": self.lost,
            "duplicated": self.duplicated,
        }


def unfinished_jobs(engine: Engine) -> int:
    active = [JobStatus.queued, JobStatus.running]
    with Session(engine) as session:
        chat = session.execute(
            select(func.count())
            .select_from(Message)
            .where(Message.role == "assistant", Message.status.in_(active))
        ).scalar_one()
        stories = session.execute(
            select(func.count()).select_from(Story).where(Story.status.in_(active))
        ).scalar_one()
    return int(chat) + int(stories)


def drain(engine: Engine, timeout: float, poll: float = 1.0) -> float:
    """Seconds until no job is queued or running (or `timeout`, whichever comes first)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout and unfinished_jobs(engine) > 0:
        time.sleep(poll)
    return round(time.monotonic() - started, 1)


def audit(engine: Engine, accepted: dict[str, list[int]]) -> JobAudit:
    with Session(engine) as session:
        messages = list(session.execute(select(Message).order_by(Message.id)).scalars())
        stories = list(session.execute(select(Story)).scalars())
    answers = {m.id: m for m in messages if m.role == "assistant"}
    jobs: dict[str, Message | Story] = {f"chat-{i}": m for i, m in answers.items()}
    jobs |= {f"story-{s.id}": s for s in stories}
    accepted_keys = {f"chat-{i}" for i in accepted.get("chat", [])}
    accepted_keys |= {f"story-{i}" for i in accepted.get("story", [])}

    missing = sorted(accepted_keys - jobs.keys())
    unfinished = sorted(key for key, job in jobs.items() if job.status not in FINAL_STATUSES)
    duplicated = sorted(_unpaired_answers(messages) | _repeated_texts(jobs.items()))
    statuses = [job.status for job in jobs.values()]
    codes: dict[str, int] = defaultdict(int)
    for job in jobs.values():
        if job.status == JobStatus.failed:
            codes[job.error_code or "(none)"] += 1
    return JobAudit(
        accepted=len(accepted_keys),
        done=statuses.count(JobStatus.done),
        failed=statuses.count(JobStatus.failed),
        cancelled=statuses.count(JobStatus.cancelled),
        lost=len(missing) + len(unfinished),
        duplicated=len(duplicated),
        error_codes=dict(codes),
        lost_ids=missing + unfinished,
        duplicated_ids=duplicated,
    )


def throughput(engine: Engine) -> float:
    """Jobs finished per second between the first job's creation and the last job's end."""
    with Session(engine) as session:
        spans = [
            session.execute(
                select(func.min(table.created_at), func.max(table.updated_at), func.count()).where(
                    table.status == JobStatus.done,
                    *([Message.role == "assistant"] if table is Message else []),
                )
            ).one()
            for table in (Message, Story)
        ]
    starts = [start for start, _, n in spans if n]
    ends = [end for _, end, n in spans if n]
    done = sum(n for _, _, n in spans)
    if not done:
        return 0.0
    seconds = (max(ends) - min(starts)).total_seconds()
    return round(done / seconds, 2) if seconds > 0 else float(done)


def _unpaired_answers(messages: list[Message]) -> set[str]:
    """Answers beyond one per user message: in each conversation, ordered by id, user messages
    and answers alternate (the API stores both in one transaction)."""
    by_conversation: dict[int, list[Message]] = defaultdict(list)
    for message in messages:
        by_conversation[message.conversation_id].append(message)
    extra: set[str] = set()
    for thread in by_conversation.values():
        previous_role = "assistant"
        for message in thread:
            if message.role == "assistant" and previous_role == "assistant":
                extra.add(f"chat-{message.id}")
            previous_role = message.role
    return extra


# Phrases the OpenAI-speaking test server writes once per answer (tests/support/openai_server.py).
ONCE_PER_ANSWER = ("You said:", "Once upon a time")


def _repeated_texts(jobs: Iterable[tuple[str, Message | Story]]) -> set[str]:
    """Finished answers that hold their text twice (a stream replayed on top of itself)."""
    repeated = set()
    for key, job in jobs:
        if job.status != JobStatus.done:
            continue
        text = job.content.strip()
        half = len(text) // 2
        doubled = half >= 8 and text[:half].strip() == text[half:].strip()
        if doubled or any(text.count(phrase) > 1 for phrase in ONCE_PER_ANSWER):
            repeated.add(key)
    return repeated
