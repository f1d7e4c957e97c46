"""Stage 7, remote triplestores: one HTTP client for every store we talk to.

:mod:`.http` (credentials from the environment, retries, safe messages), :mod:`.publish` (load a
release into a store and verify it), :mod:`.query` (``koko query --endpoint``) and :mod:`.backend`
(a store as the server's data, ``koko serve --store``).
"""
