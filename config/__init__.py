"""Shipped data files (TOML); installed as the package procal_config. No code lives here."""
