"""Package data, not code: the OWL ontology and its JSON-LD context, read through koko.config.resource_root()."""
