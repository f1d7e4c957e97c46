"""Publication profiles: how much of the graph a release publishes (``--profile``).

``full`` is the graph as built. ``minimal`` is for portals that must publish without personal
data (docs/data-protection.md): the brochure names the public servants who held the posts, and
the minimal profile keeps every post (position, unit, site, start, motto) but no name.

- Every ``schema:Person`` is replaced by an anonymous post holder, ``person/holder-{post}``,
  typed ``schema:Person``, with the marker "[Name entfernt]" as its label and name and
  ``org:holds`` its post. It stands for "the post is held; the name is withheld": dropping the
  holder would say that the post was vacant, which the brochure does not say, and would break
  the shapes that require a holder for each post and a signer for each introduction.
- Of the statements about a person only the type, the holding of the post, the label and the
  name (as the marker) are kept; everything else (the honorific, any curated fact) is dropped.
  Of the statements pointing to a person, only ``org:heldBy`` and ``dcterms:creator`` are kept,
  pointing to the holder.
- Reified statements (``koko:Evidence``) about a person are dropped as a whole.
- Every occurrence of a person's name in a kept literal (answer texts, quotes, labels), alone
  or after an honorific (»Frau Sachs«, »Dr. Anne Walde«), becomes "[Name entfernt]" (or
  "[name removed]" in an English literal). An evidence node whose quote or value held a name
  gets a new IRI, minted from what is left: the old one is a digest of the quote, with which a
  guessed name could be confirmed.

The output is a new dataset (the input is not changed), the same for the same input, and
applying the profile twice gives the same dataset as applying it once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import RDF, RDFS, XSD, Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, NamespaceManager
from rdflib.term import Node

from koko.config import DEFAULT_PROFILE as DEFAULT_PROFILE  # re-exported: the builders import it here
from koko.config import PROFILES as PROFILES
from koko.errors import KokoError
from koko.graph.model import SCHEMA

MARKER = "[Name entfernt]"
MARKERS = {"en": "[name removed]"}  # by language tag; German, the source's language, otherwise
HONORIFICS = ("Frau", "Herr", "Herrn", "Dr.", "Prof.")

# What survives of a person: that there is one, the post, and the marker in place of the name.
KEPT_ABOUT = frozenset({RDF.type, ORG.holds, RDFS.label, SCHEMA.name})
NAMING = frozenset({RDFS.label, SCHEMA.name})
# What may still point to a person (now the holder): both are required by the shapes, and both
# stay true without the name: the post is held, the introduction is signed.
KEPT_POINTING = frozenset({ORG.heldBy, DCTERMS.creator})
REIFIED = (RDF.subject, RDF.object)


@dataclass(frozen=True)
class Redaction:
    """What the minimal profile did, for the docs and the command line."""

    persons: int
    dropped: int
    rewritten: int
    names_replaced: int
    evidence_renamed: int


def check_profile(name: str) -> str:
    """The profile name, or an error naming ``--profile``.

    >>> check_profile("minimal")
    'minimal'
    >>> check_profile("none")
    Traceback (most recent call last):
    koko.errors.KokoError: --profile 'none': unknown profile; expected one of full, minimal
    """
    if name not in PROFILES:
        raise KokoError(f"--profile {name!r}: unknown profile; expected one of {', '.join(PROFILES)}")
    return name


def apply_profile(dataset: Dataset, name: str) -> Dataset:
    """The dataset as profile ``name`` publishes it: ``full`` is the dataset itself."""
    if check_profile(name) == "full":
        return dataset
    return redact(dataset)[0]


def marker(language: str | None) -> str:
    return MARKERS.get(language or "", MARKER)


def name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for all the names: the full name, with or without honorifics, and the surname
    after an honorific; whole words only (»Sachs« must not match »Sachsen«), any whitespace
    between the parts (a name may be broken over lines).

    >>> pattern = name_pattern(["Andrea Sachs"])
    >>> pattern.sub("X", "Andrea Sachs sieht, dass Frau Sachs und Dr. Andrea\\nSachs in Sachsen …")
    'X sieht, dass X und X in Sachsen …'
    """
    honorific = "(?:" + "|".join(re.escape(h) for h in HONORIFICS) + r")\s+"
    variants: set[str] = set()
    for name in names:
        parts = name.split()
        if not parts:
            continue
        variants.add(f"(?:{honorific})*" + r"\s+".join(re.escape(p) for p in parts))
        for surname in {" ".join(parts[1:]), parts[-1]} - {""}:
            variants.add(f"(?:{honorific})+" + r"\s+".join(re.escape(p) for p in surname.split()))
    if not variants:
        return None
    # Longest first, so that »Dr. Anne Walde« goes as a whole rather than leaving »Dr.« behind.
    return re.compile(r"(?<!\w)(?:" + "|".join(sorted(variants, key=lambda v: (-len(v), v))) + r")(?!\w)")


def _persons(dataset: Dataset) -> list[URIRef]:
    return sorted(p for p in set(dataset.subjects(RDF.type, SCHEMA.Person)) if isinstance(p, URIRef))


def _names(dataset: Dataset, persons: list[URIRef]) -> list[str]:
    markers = {MARKER, *MARKERS.values()}
    found = {str(o) for p in persons for prop in NAMING for o in dataset.objects(p, prop) if isinstance(o, Literal)}
    return sorted(found - markers)


def _holders(dataset: Dataset, persons: list[URIRef]) -> dict[URIRef, URIRef]:
    """Person → anonymous holder, named after the person's first post: ``person/holder-{post}``
    (``-1``, ``-2`` … when a post has several holders). The post is public; the name is not.
    A person without a post gets no holder, and everything about them goes."""
    by_post: dict[URIRef, list[URIRef]] = {}
    for person in persons:
        linked = {o for o in dataset.objects(person, ORG.holds)} | {s for s in dataset.subjects(ORG.heldBy, person)}
        posts = {p for p in linked if isinstance(p, URIRef)}
        if posts:
            by_post.setdefault(min(posts), []).append(person)
    holders = {}
    for post, holding in by_post.items():
        local = str(post).rstrip("/").rsplit("/", 1)[-1]
        for n, person in enumerate(sorted(holding), start=1):
            suffix = f"-{n}" if len(holding) > 1 else ""
            holders[person] = URIRef(f"{str(person).rsplit('/', 1)[0]}/holder-{local}{suffix}")
    return holders


def _about_persons(dataset: Dataset, persons: list[URIRef]) -> set[Node]:
    """Reified statements (evidence) whose subject or object is a person."""
    return {s for person in persons for prop in REIFIED for s in dataset.subjects(prop, person)}


class _Redactor:
    def __init__(self, dataset: Dataset):
        self.persons = _persons(dataset)
        self.person_set = set(self.persons)
        self.holders = _holders(dataset, self.persons)
        self.evidence = _about_persons(dataset, self.persons)
        self.pattern = name_pattern(_names(dataset, self.persons))
        self.names_replaced = 0
        self.renamed = {node: self._reminted(dataset, node) for node in self._naming_evidence(dataset)}

    def _naming_evidence(self, dataset: Dataset) -> list[URIRef]:
        """Evidence nodes (kept) whose quote or value holds a name."""
        if self.pattern is None:
            return []
        found = {
            s
            for prop in (PROV.value, RDF.object)
            for s, o in dataset.subject_objects(prop)
            if isinstance(s, URIRef) and isinstance(o, Literal) and self.pattern.search(str(o))
        }
        return sorted(found - self.evidence)

    def _reminted(self, dataset: Dataset, node: URIRef) -> URIRef:
        """The IRI of an evidence node minted as koko.graph.curated_graph does, from the redacted statement and quote."""
        # Only called for what _naming_evidence found, which it finds with the pattern.
        assert self.pattern is not None
        parts = [dataset.value(node, prop) for prop in (RDF.subject, RDF.predicate, RDF.object, PROV.value)]
        said = "\n".join(self.pattern.sub(marker(p.language), str(p)) if isinstance(p, Literal) else str(p) for p in parts)
        digest = hashlib.sha256(said.encode("utf-8")).hexdigest()[:10]
        return URIRef(f"{str(node).rsplit('/', 1)[0]}/{digest}")

    def literal(self, value: Literal) -> Literal:
        if self.pattern is None or not (value.language or value.datatype in (None, XSD.string)):
            return value
        text, count = self.pattern.subn(marker(value.language), str(value))
        if not count:
            return value
        self.names_replaced += count
        return Literal(text, lang=value.language, datatype=value.datatype)

    def statement(self, s: Node, p: Node, o: Node) -> tuple[Node, Node, Node] | None:
        """The statement as the minimal profile publishes it, or None when it is dropped."""
        if s in self.evidence or o in self.evidence:
            return None
        # Evidence renamed and persons are IRIs only (_naming_evidence, _persons): other terms pass as they are.
        if isinstance(s, URIRef):
            s = self.renamed.get(s, s)
        if isinstance(o, URIRef):
            o = self.renamed.get(o, o)
        if isinstance(s, URIRef) and s in self.person_set:
            if p not in KEPT_ABOUT or s not in self.holders:
                return None
            s = self.holders[s]
            if p in NAMING and isinstance(o, Literal):
                return s, p, Literal(marker(o.language), lang=o.language, datatype=o.datatype)
        if isinstance(o, URIRef) and o in self.person_set:
            if p not in KEPT_POINTING or o not in self.holders:
                return None
            o = self.holders[o]
        return s, p, self.literal(o) if isinstance(o, Literal) else o


def redact(dataset: Dataset) -> tuple[Dataset, Redaction]:
    """The minimal profile of ``dataset``, and what it took."""
    redactor = _Redactor(dataset)
    out = Dataset(default_union=True)
    # Only the input's prefixes: rdflib's defaults would leak into every file.
    out.namespace_manager = NamespaceManager(out, bind_namespaces="none")
    for prefix, namespace in dataset.namespaces():
        out.bind(prefix, namespace, override=True, replace=True)
    dropped = rewritten = 0
    # Sorted, so that the output does not depend on the input's insertion order.
    for s, p, o, g in sorted(dataset.quads((None, None, None, None)), key=lambda q: tuple(n.n3() for n in q if n is not None)):
        kept = redactor.statement(s, p, o)
        if kept is None:
            dropped += 1
            continue
        rewritten += kept != (s, p, o)
        out.graph(g).add(kept)
    return out, Redaction(len(redactor.persons), dropped, rewritten, redactor.names_replaced, len(redactor.renamed))
