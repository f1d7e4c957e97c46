"""Build the release: parse, model, validate and serialise every format, write the folder atomically.

Everything is computed in memory first; files are written into a temporary folder beside
the target, which then replaces the target in one rename. A failed build leaves the
previous release untouched and no half-written files behind.

Validation and serialisation are independent, and each takes about a second: on a machine with
more than one core the union pass of the validation runs in a forked process while this one
runs the per-graph pass and writes every format in memory (:func:`checked_files`). Nothing is
written until both are done and the data conforms, and errors come in the order a sequential
build meets them.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import shutil
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Generic, TypeVar

from rdflib import Dataset

from koko.checks.validate import Finding, Report, graph_findings, load_shapes, union_findings, validate_dataset
from koko.config import Config
from koko.errors import KokoError
from koko.graph.concepts import add_vocabularies
from koko.graph.curated_graph import add_curation
from koko.graph.formats import FORMATS, load_context, lookup, serialise, serialise_all
from koko.graph.model import Iris, build_dataset
from koko.graph.profiles import DEFAULT_PROFILE, apply_profile
from koko.source.catalogue import load_catalogue, load_municipalities
from koko.source.curated import Curation, load_curation
from koko.source.identifiers import load_nuts
from koko.source.parse import parse_file
from koko.source.programme import load_programme
from koko.source.records import Brochure
from koko.source.vocabulary import load_vocabularies

RELEASE_NAME = "koko"
T = TypeVar("T")


@dataclass(frozen=True)
class Knowledge:
    brochure: Brochure
    dataset: Dataset
    curation: Curation


class NotConforming(KokoError):
    """The data breaks the shapes: the release is not written."""

    def __init__(self, report: Report, shapes: Path):
        counts = report.counts()
        super().__init__(
            f"the data does not conform to the shapes ({counts['Violation']} violation(s)); no release written",
            shapes,
        )
        self.report = report


def check_conformance(config: Config, dataset: Dataset) -> Report:
    """Both validation passes with the project's shapes, without inference."""
    return validate_dataset(dataset, load_shapes(*config.data_shapes), load_shapes(config.graph_shapes))


def inferred_files(config: Config, dataset: Dataset) -> dict[str, bytes]:
    """The OWL 2 RL entailments, apart from the asserted data: Turtle and a TriG named graph."""
    from koko.checks import infer as reasoning  # owlrl: only a build with --infer needs it

    inference = reasoning.infer(dataset, reasoning.load_ontology(config))
    if not inference.consistent:
        raise KokoError("the data is inconsistent with the ontology: " + "; ".join(inference.inconsistencies), config.ontology)
    inferred = reasoning.inferred_dataset(inference, config.base, dataset)
    return {f"{RELEASE_NAME}-inferred.{fmt.extension}": serialise(inferred, fmt, None) for fmt in (lookup("ttl"), lookup("trig"))}


def read_curation(config: Config, source: Path | None = None) -> tuple[Brochure, Curation]:
    """The parsed brochure and the curated layer checked against it, without building the graph."""
    brochure = parse_file(source or config.source, load_catalogue(config.questions))
    return brochure, load_curation(config.curated, brochure)


def assemble(config: Config, source: Path | None = None, profile: str = DEFAULT_PROFILE) -> Knowledge:
    """Parse the source and the curated tables and build the dataset as ``profile`` publishes it
    (:mod:`koko.graph.profiles`; the default is all of it); writes nothing."""
    catalogue = load_catalogue(config.questions)
    brochure = parse_file(source or config.source, catalogue)
    municipalities = load_municipalities(config.municipalities)
    programme = load_programme(config.programme, brochure.foreword.text)
    nuts = load_nuts(config.municipalities.parent)
    dataset = build_dataset(config, brochure, catalogue, municipalities, programme, nuts)
    add_vocabularies(dataset, load_vocabularies(config.vocabularies), Iris(config.base))
    curation = load_curation(config.curated, brochure)
    add_curation(dataset, curation, config.base, config.curated)
    # Last: the curated layer needs the persons' labels, and the profile must see every statement.
    return Knowledge(brochure, apply_profile(dataset, profile), curation)


def release_files(config: Config, dataset: Dataset) -> dict[str, bytes]:
    """File name → bytes for every release file."""
    context = load_context(config.context)
    written = serialise_all(dataset, FORMATS, context)
    files = {f"{RELEASE_NAME}.{fmt.extension}": written[fmt.name] for fmt in FORMATS}
    files["context.jsonld"] = config.context.read_bytes()
    return files


class _Forked(Generic[T]):
    """``work`` running in a forked child process; :meth:`result` waits for what it returned or raised.

    The child starts from this process's memory as it is (the dataset is neither copied nor pickled);
    only the result comes back, pickled. A KokoError is raised here as it was raised there; anything
    else becomes a KokoError carrying the child's traceback, so that a bug is not lost. Leaving the
    ``with`` block stops a child whose result nobody waits for any more. The child does without the
    cyclic garbage collector (see :func:`_collections_paused`): it ends within seconds, by ``os._exit``.
    """

    def __init__(self, work: Callable[[], T]) -> None:
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_send_outcome, args=(work, send), name="koko-validate", daemon=True)
        self._process.start()
        send.close()

    def __enter__(self) -> _Forked[T]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._receive.close()

    def result(self) -> T:
        try:
            kind, value = self._receive.recv()
        except EOFError:
            self._process.join()
            raise KokoError(f"the validation process ended without a result (exit code {self._process.exitcode})") from None
        if kind == "error":
            raise value
        if kind == "crash":
            raise KokoError(f"the validation process failed:\n{value}")
        return value  # type: ignore[no-any-return]


def _send_outcome(work: Callable[[], object], send: Connection) -> None:
    gc.disable()
    try:
        outcome: tuple[str, object] = ("ok", work())
    except KokoError as exc:
        outcome = ("error", exc)
    except BaseException:  # the parent must hear of it, whatever it was
        outcome = ("crash", traceback.format_exc())
    send.send(outcome)
    send.close()


@contextlib.contextmanager
def _collections_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a build runs in a process without other threads.

    It walked the dataset's objects again and again: a tenth of the build's time, and each walk
    touches every page a forked child shares. The build's objects are freed by reference counting
    as before; the few cycles (a graph and its namespace manager) wait for the next collection.
    With another thread running (a server), collections are left as they are.
    """
    if threading.active_count() > 1 or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _can_fork() -> bool:
    """Whether a forked process would run beside this one: on Linux, with a second core for it, and no
    other thread here (a fork copies locks that another thread may hold)."""
    return sys.platform == "linux" and len(os.sched_getaffinity(0)) > 1 and threading.active_count() == 1


def checked_files(config: Config, dataset: Dataset, infer: bool = False) -> tuple[Report, dict[str, bytes]]:
    """The validation report and every release file; NotConforming when the data breaks the shapes.

    Where :func:`_can_fork`, the union pass of the validation runs in a forked process while this one
    runs the per-graph pass and serialises. An error here is held until the union pass is done, so
    that errors come in the order a sequential build meets them: the union pass, the per-graph pass,
    non-conformance, then the writers.
    """

    def union_pass() -> list[Finding]:
        return union_findings(dataset, load_shapes(*config.data_shapes))

    with contextlib.ExitStack() as stack:
        forked = stack.enter_context(_Forked(union_pass)) if _can_fork() else None
        union_found = union_pass() if forked is None else []
        graph_found: list[Finding] | None = None
        files: dict[str, bytes] = {}
        later: KokoError | None = None
        try:
            graph_found = graph_findings(dataset, load_shapes(config.graph_shapes))
            if forked is None and not Report.of(union_found + graph_found).conforms:
                raise NotConforming(Report.of(union_found + graph_found), config.shapes)
            files = release_files(config, dataset)
            if infer:
                files.update(inferred_files(config, dataset))
        except KokoError as exc:
            later = exc
        if forked is not None:
            union_found = forked.result()
    if graph_found is None:
        assert later is not None
        raise later
    report = Report.of(union_found + graph_found)
    if not report.conforms:
        raise NotConforming(report, config.shapes)
    if later is not None:
        raise later
    return report, files


def write_atomically(out: Path, files: dict[str, bytes]) -> None:
    """Replace the folder ``out`` with exactly ``files``, or leave it as it was."""
    out = out.resolve()
    if out.exists() and not out.is_dir():
        raise KokoError("--out exists and is not a folder", out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    except OSError as exc:
        raise KokoError(f"cannot create the release folder: {exc.strerror}", out) from exc
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    try:
        for name, data in sorted(files.items()):
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)  # the static site has folders
            target.write_bytes(data)
        staging.chmod(0o755)
        if out.exists():
            os.replace(out, old)
        os.replace(staging, out)
    except OSError as exc:
        if old.exists() and not out.exists():
            os.replace(old, out)
        raise KokoError(f"cannot write the release: {exc.strerror}", out) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


def build_release(
    config: Config, out: Path, source: Path | None = None, infer: bool = False, profile: str = DEFAULT_PROFILE
) -> tuple[Knowledge, Report]:
    """Parse, validate, serialise and write; refuses (writes nothing) when the data does not conform."""
    with _collections_paused():
        knowledge = assemble(config, source, profile)
        report, files = checked_files(config, knowledge.dataset, infer)
        write_atomically(out, files)
    return knowledge, report
