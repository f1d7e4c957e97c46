"""Stage 1, the sources: what curators edit, read and proved line by line.

The brochure's text layer is parsed into typed records (:mod:`.parse`, :mod:`.records`, :mod:`.text`);
the hand-kept tables and YAML files (:mod:`.catalogue`, :mod:`.programme`, :mod:`.curated`) are read
with every problem reported as ``file:line``; :mod:`.coverage` says how much of the text the curated
layer covers. Nothing here knows RDF.
"""
