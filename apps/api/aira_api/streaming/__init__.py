"""Server-Sent Events for generation jobs: one poller per process reads what changed, and each
open stream turns the rows it is handed into `delta` and final events."""
