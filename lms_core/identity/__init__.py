"""Identity: users, roles, authentication and access checks."""
