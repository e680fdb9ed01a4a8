"""ASGI middleware: pure ASGI (no response buffering), so event streams pass through untouched."""
