"""Stage 8, the static site: the pages and RDF of :mod:`koko.pages` as files any web server can host,
with content-negotiation rules for Apache and nginx (:mod:`.static_site`)."""
