"""Stage 5, the release: the graph built, checked and written, or read back.

:mod:`.build` runs the pipeline (sources → graph → checks) and writes every format atomically;
:mod:`.published` holds a release loaded once, read-only, for the pages, the server and the static
site; :mod:`.synthetic` grows the release to national scale for benchmarks.
"""
