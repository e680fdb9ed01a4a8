"""HTTP routes, one module per resource; each route only validates, delegates and answers."""
