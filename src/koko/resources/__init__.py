"""The data koko reads at run time, as package data: ``koko.resources.ontology``, ``.shapes``,
``.queries`` and ``.data``.

Their files are the project's top-level ``ontology/``, ``shapes/``, ``queries/`` and ``data/``
folders, mapped onto these packages by ``package-dir`` in pyproject.toml: one copy, which curators
edit and which an editable install reads in place (a new canned query is there at once), while a
wheel carries the same files under ``koko/resources/``. Each folder holds an ``__init__.py`` only so
that an editable install can import it as a package. :func:`koko.config.resource_root` finds them.
"""
