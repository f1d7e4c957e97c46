"""Package data, not code: the SHACL shapes, read through koko.config.resource_root()."""
