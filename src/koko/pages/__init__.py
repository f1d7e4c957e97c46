"""Stage 6, pages: what people and programs read, as pure functions of a release.

Shared by the server and the static site: the URL builder (:mod:`.urls`), the Jinja2 renderer with its
templates and static files (:mod:`.render`), what a resource's page and RDF say (:mod:`.describe`,
:mod:`.vocabulary`, :mod:`.linked_data`), the home page's overview and pictures, the ontology page,
the query pages, the dataset description, and the :mod:`.backend` they all ask for data.
"""
