"""Contract-signing deadline measures per fiscal year (FY<BE>.toml)."""
