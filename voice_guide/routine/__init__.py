"""Routine files: the schema, loading with line numbers, per-side expansion, the catalog."""
