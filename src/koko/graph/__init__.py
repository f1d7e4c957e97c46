"""Stage 2, the graph: records to RDF.

The data model and its named graphs (:mod:`.model`, :mod:`.curated_graph`), the generated namespace of
our own terms (:mod:`.namespace`, from :mod:`.nsgen`), IRIs and prefixes, publication profiles
(:mod:`.profiles`), the one table of RDF and result formats (:mod:`.format_table`) and the
deterministic release writers (:mod:`.formats`), content negotiation over those media types (:mod:`.negotiate`) and counts
(:mod:`.stats`).
"""
