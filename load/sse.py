"""A minimal Server-Sent Events reader (text/event-stream), enough to follow one job's events."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

FINAL_EVENTS = frozenset({"done", "failed", "cancelled"})


@dataclass(frozen=True)
class Event:
    name: str
    data: str
    id: str | None


def parse_events(chunks: Iterable[str]) -> Iterator[Event]:
    """Yield each complete event from a stream of text chunks split anywhere."""
    buffer = ""
    name: str = "message"
    event_id: str | None = None
    data: list[str] = []
    for chunk in chunks:
        buffer += chunk
        while "\n" in buffer:
            line, buffer = buffer.split("\n", 1)
            line = line.removesuffix("\r")  # CRLF line ends, even when split between chunks
            if line == "":
                if data or name != "message":
                    yield Event(name, "\n".join(data), event_id)
                name, data, event_id = "message", [], None
                continue
            if line.startswith(":"):
                continue  # comment / keep-alive ping
            key, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if key == "event":
                name = value
            elif key == "data":
                data.append(value)
            elif key == "id":
                event_id = value
