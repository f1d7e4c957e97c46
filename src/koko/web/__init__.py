"""Stage 8, the web: the ASGI application over the pages and the SPARQL protocol.

One route table (:mod:`.app`), the endpoint at ``/sparql`` (:mod:`.endpoint`), resources and the
ontology by content negotiation (:mod:`.resources`), the dataset description (:mod:`.void`),
security headers, the server's settings (:mod:`.config`) and the process that runs it all
(:mod:`.serve`).
"""
