"""Stage 3, SPARQL: asking the graph.

Canned queries with typed parameters (:mod:`.canned`), SPARQL text checked before any engine reads it
(:mod:`.prepare`, :mod:`.lexer`, :mod:`.protocol`), parameters bound as terms (:mod:`.binding`), the
bridge to pyoxigraph (:mod:`.oxigraph`), one query's evaluation and the server's query threads (:mod:`.execution`), the result
writers (:mod:`.results`) and ``koko query``'s output (:mod:`.output`).
"""
