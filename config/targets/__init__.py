"""Targets per fiscal year (FY<BE>.toml)."""
