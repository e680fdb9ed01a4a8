"""Load, throughput and fault runs against the whole platform started on this machine."""
