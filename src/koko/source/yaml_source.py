"""Reading the YAML files curators edit by hand (``data/curated/``, ``data/programme.yaml``).

PyYAML on its own keeps the last of two equal keys without a word, reports a control character
by its offset in the stream and knows nothing of the file it reads. Here every file is read as
strict UTF-8, a repeated key is refused, and every problem becomes a ``KokoError`` at
``file:line:column``, so that the build stops with exit code 2 instead of a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import yaml

from koko.errors import KokoError, decode_strictly


class UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader, except that a key given twice in one mapping is an error, not a silent overwrite."""

    # Any as in PyYAML's own signature: the values are whatever the document holds.
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: dict[object, yaml.Node] = {}
        for key_node, _ in node.value:
            # Merge keys (<<) and complex keys are PyYAML's business; curators write plain keys.
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node)
            first = seen.setdefault(key, key_node)
            if first is not key_node:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"key {key!r} is given twice in one mapping (first at line {first.start_mark.line + 1}): keys must be unique",
                    key_node.start_mark,
                )
        return super().construct_mapping(node, deep=deep)


def read_yaml(path: Path, what: str, loader: type[UniqueKeyLoader] = UniqueKeyLoader) -> tuple[Any, yaml.Node | None]:
    """The document in ``path`` and the node tree it was built from (``None``, ``None`` for an empty file).

    ``what`` names what the file should be in an encoding error ("a curated YAML file"). The node
    tree lets a caller name the line of a value that loaded fine but means nothing.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise KokoError(f"cannot read: {exc.strerror}", path) from exc
    return parse_yaml(decode_strictly(raw, path, what), path, loader)


def parse_yaml(text: str, path: Path, loader: type[UniqueKeyLoader] = UniqueKeyLoader) -> tuple[Any, yaml.Node | None]:
    """``text`` (read from ``path``) as a document and its node tree; any YAML problem is a ``KokoError``.

    >>> parse_yaml("site: goerlitz\\nfrom: 2016\\nsite: zittau\\n", Path("x.yaml"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    koko.errors.KokoError: x.yaml:3:1: not valid YAML: key 'site' is given twice in one mapping (first at line 1): ...
    >>> parse_yaml("quote: mit 66\\x07Ausstellern\\n", Path("x.yaml"))
    Traceback (most recent call last):
    koko.errors.KokoError: x.yaml:1:14: not valid YAML: character U+0007 is not allowed (special characters are not allowed)
    """
    try:
        return _load(text, loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = exc.context_mark
        context = f" ({exc.context} at line {where.line + 1}, column {where.column + 1})" if exc.context and where else ""
        raise KokoError(
            f"not valid YAML: {exc.problem}{context}", path, mark.line + 1 if mark else None, mark.column + 1 if mark else None
        ) from exc
    except yaml.reader.ReaderError as exc:  # a control character: YAML allows printable text only
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise KokoError(
            f"not valid YAML: character U+{exc.character:04X} is not allowed ({exc.reason})", path, line, column
        ) from exc
    except RecursionError as exc:
        raise KokoError("not valid YAML: nested too deeply", path) from exc


# What only PyYAML's own reader judges: characters it refuses, and the line breaks besides \n and \r.
_PYYAML_ONLY = re.compile(f"{yaml.reader.Reader.NON_PRINTABLE.pattern}|[\x85\u2028\u2029]")


def _with_libyaml(loader_class: type[UniqueKeyLoader]) -> type[UniqueKeyLoader] | None:
    """``loader_class`` parsing with libyaml (ten times faster on the curated files), where PyYAML has it:
    libyaml's parser and composer, ``loader_class``'s constructors."""
    if not yaml.__with_libyaml__:
        return None
    return type(f"Fast{loader_class.__name__}", (yaml.CSafeLoader, loader_class), {})


def _load(text: str, loader_class: type[UniqueKeyLoader]) -> tuple[Any, yaml.Node | None]:
    # A text libyaml refuses is read again by PyYAML, so that every message is PyYAML's, as before.
    fast = _with_libyaml(loader_class)
    if fast is not None and not _PYYAML_ONLY.search(text):
        try:
            return _compose(text, fast)
        except yaml.YAMLError:
            pass
    return _compose(text, loader_class)


def _compose(text: str, loader_class: type[UniqueKeyLoader]) -> tuple[Any, yaml.Node | None]:
    # What yaml.load does, keeping the node: one pass yields both the data and the lines.
    loader = loader_class(text)  # PyYAML's reader checks for control characters here already
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()
