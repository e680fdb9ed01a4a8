"""Reusable Pulumi components that deploy Aira on AWS, one concept per module."""
