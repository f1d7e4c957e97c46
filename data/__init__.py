"""Package data, not code: the brochure's text and the curated tables, read through koko.config.resource_root()."""
