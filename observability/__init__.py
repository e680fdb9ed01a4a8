"""Monitoring as code: alert rules, AlertManager routing, Grafana dashboards, local launcher."""
