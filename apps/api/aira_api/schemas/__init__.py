"""Request and response bodies: inputs (`XCreate`, `XUpdate`) are kept apart from outputs
(`XPublic`), so a stored secret such as a password hash can never leak into a response."""
