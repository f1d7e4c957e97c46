"""koko-kg: the KoKo brochure (TransMit, 2020) as a linked-data knowledge graph."""

__version__ = "0.2.0.dev0"
