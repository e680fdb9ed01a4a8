"""The offline plan: run the Pulumi program under mocks and show what a stack would create."""
