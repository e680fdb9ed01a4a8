"""The SSE reader the load scenario follows answers with: events split anywhere by the network."""

from load.sse import Event, parse_events

STREAM = (
    ": keep-alive\n\n"
    'id: 1\nevent: delta\ndata: {"text": "Hel"}\n\n'
    'id: 2\r\nevent: delta\r\ndata: {"text": "lo"}\r\n\r\n'
    'event: done\ndata: {"status": "done"}\n\n'
)


def test_events_survive_any_chunking() -> None:
    expected = [
        Event("delta", '{"text": "Hel"}', "1"),
        Event("delta", '{"text": "lo"}', "2"),
        Event("done", '{"status": "done"}', None),
    ]
    for size in (1, 3, 7, len(STREAM)):
        chunks = [STREAM[i : i + size] for i in range(0, len(STREAM), size)]
        assert list(parse_events(chunks)) == expected


def test_an_unfinished_event_is_not_delivered() -> None:
    assert list(parse_events(["event: done\ndata: {}\n"])) == []
