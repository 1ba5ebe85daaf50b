"""Shipped scoring criteria (TOML)."""
