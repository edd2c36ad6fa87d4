"""The user's settings file (TOML): its model, reading, editing and where it lives."""
