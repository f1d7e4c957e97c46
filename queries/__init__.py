"""Package data, not code: the canned SPARQL queries, read through koko.config.resource_root()."""
