"""What the routes do, kept apart from HTTP: lookups that enforce ownership and the job writes."""
