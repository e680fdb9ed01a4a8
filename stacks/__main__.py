"""Pulumi entry point (Pulumi.yaml `main: stacks/`): read the stack settings, deploy, export."""

import sys
from pathlib import Path

# Pulumi puts only stacks/ on sys.path; the components package lives at the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pulumi

from stacks.config import load_settings
from stacks.platform import deploy

for name, value in deploy(load_settings()).items():
    pulumi.export(name, value)
