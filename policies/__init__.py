"""Aira's CrossGuard policy pack: rules as plain functions, grouped by concern.

`policies/__main__.py` serves the pack to the Pulumi engine; `policies.runner` evaluates the
same policies offline over a captured plan.
"""
