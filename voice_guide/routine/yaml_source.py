"""Read a YAML file into plain data plus the line of every key and list item.

PyYAML's composer gives nodes with ``start_mark``; we walk the node tree once to
record lines, then let the safe constructor build the data from the same tree.
Everything that can go wrong before validation (missing file, directory, not
UTF-8, YAML syntax, several documents, duplicate keys) becomes a
:class:`RoutineError` or a :class:`Problem`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from voice_guide.errors import UserError
from voice_guide.routine.problems import Problem, RoutineError, YamlPath, format_path
from voice_guide.routine.yaml_guard import GuardedLoader, YamlRefused
from voice_guide.safe_files import read_bytes_limited
from voice_guide.text_safety import printable

#: Largest routine file read, in bytes (the back massage routine is about 7 kB).
MAX_ROUTINE_BYTES = 256_000

_MERGE_KEY = "<<"

# PyYAML's "while ..." contexts, in plain words.
_CONTEXTS = {
    "while parsing a flow sequence": "in the [ ] list",
    "while parsing a flow mapping": "in the { } mapping",
    "while scanning a quoted scalar": "in the quoted text",
    "while parsing a block mapping": "in the block of keys",
    "while parsing a block collection": "in the list",
    "while scanning a simple key": "in the key",
}


@dataclass
class YamlSource:
    """A parsed file: ``data`` as plain Python, ``lines`` mapping a path to its 1-based line."""

    data: Any
    lines: dict[YamlPath, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, path: YamlPath) -> int:
        """The line of ``path``, or of its nearest parent that exists in the file."""
        for end in range(len(path), 0, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return self.lines.get((), 1)


def read_text(path: Path, shown: str) -> str:
    """The file's text, or a RoutineError saying plainly why it cannot be read.

    Only a regular file of at most :data:`MAX_ROUTINE_BYTES` is read: a FIFO, a device
    such as ``/dev/zero`` or an oversized file is refused before it is opened.
    """
    if not path.exists():
        raise RoutineError.single(shown, "no such file; check the path")
    if path.is_dir():
        raise RoutineError.single(shown, "is a directory, not a routine file; give a .yaml file")
    try:
        raw = read_bytes_limited(path, "a routine file", MAX_ROUTINE_BYTES)
    except UserError as err:
        raise RoutineError([str(err)]) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        bad = raw[err.start]
        raise RoutineError.single(
            shown,
            f"is not UTF-8 text (byte 0x{bad:02x} at column {column}); "
            "a routine must be a YAML text file saved as UTF-8",
            line,
        ) from None


def _plain_problem(problem: str) -> str:
    """PyYAML's token talk, in words a routine author can act on."""
    if problem.startswith("expected <block end>"):
        return "this line is not indented in line with the lines above it"
    if problem == "could not find expected ':'":
        return "a key is missing its ':' (or a line is indented too far)"
    return problem


def _syntax_problem(err: yaml.YAMLError, text: str) -> Problem:
    if isinstance(err, yaml.reader.ReaderError):
        line = text.count("\n", 0, err.position) + 1
        return Problem(
            line,
            "",
            f"contains the control character #x{err.character:04x}; "
            "is this really a YAML routine file?",
        )
    if isinstance(err, YamlRefused):
        refused_at = err.problem_mark.line + 1 if err.problem_mark is not None else None
        return Problem(refused_at, "", err.problem or "cannot be read")
    if isinstance(err, yaml.MarkedYAMLError):
        mark = err.problem_mark or err.context_mark
        last_line = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
        at = min(mark.line + 1, last_line) if mark is not None else None
        problem = (err.problem or "").strip()
        if isinstance(err, yaml.constructor.ConstructorError) and "tag" in problem:
            quoted = re.search(r"'([^']*)'", problem)
            tag = (quoted.group(1) if quoted else "?").removeprefix("tag:yaml.org,2002:")
            return Problem(at, "", f"uses the YAML tag '!!{printable(tag)[:40]}', which a routine "
                           "file may not use; write plain text, numbers and lists")
        if "'\\t'" in problem or "\\t" in problem:
            message = "a tab character is used for indentation; indent with spaces only"
        elif "another document" in problem:
            message = "has more than one YAML document (a '---' line); keep one routine per file"
        else:
            context = (err.context or "").strip()
            detail = _plain_problem(problem)
            if context:
                where = _CONTEXTS.get(context, context)
                if err.context_mark is not None:
                    where += f" that starts on line {err.context_mark.line + 1}"
                detail = f"{detail} ({where})"
            clamped = mark is None or at != mark.line + 1
            column = "" if clamped or mark is None else f", column {mark.column + 1}"
            message = f"YAML syntax error{column}: {detail}"
            if "mapping values are not allowed" in problem:
                message += "; if a sentence contains ': ', put the whole sentence in quotes"
        return Problem(at, "", message)
    return Problem(None, "", f"YAML error: {err}")


def _record_lines(
    node: yaml.Node, path: YamlPath, source: YamlSource, active: frozenset[int] = frozenset()
) -> None:
    if id(node) in active:  # an alias that refers to itself; the constructor handles the data
        return
    active = active | {id(node)}
    if isinstance(node, yaml.MappingNode):
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.value == _MERGE_KEY:
                continue
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in first_seen:
                source.problems.append(
                    Problem(
                        line,
                        _join(path, key),
                        f"duplicate key '{key}' (also on line {first_seen[key]}); keep only one",
                    )
                )
                continue
            first_seen[key] = line
            source.lines[(*path, key)] = line
            _record_lines(value_node, (*path, key), source, active)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            source.lines[(*path, index)] = item.start_mark.line + 1
            _record_lines(item, (*path, index), source, active)


def _join(path: YamlPath, key: str) -> str:
    return format_path((*path, key))


def parse_yaml(text: str, shown: str) -> YamlSource:
    """Parse one YAML document. Raises RoutineError for syntax errors and empty files."""
    try:
        loader = GuardedLoader(text)
    except yaml.YAMLError as err:
        raise RoutineError.from_problems(shown, [_syntax_problem(err, text)]) from None
    try:
        try:
            node = loader.get_single_node()
        except yaml.YAMLError as err:
            raise RoutineError.from_problems(shown, [_syntax_problem(err, text)]) from None
        if node is None:
            raise RoutineError.single(
                shown,
                "the file is empty; a routine needs at least id, title, description, "
                "introduction and steps",
                1,
            )
        source = YamlSource(data=None)
        source.lines[()] = node.start_mark.line + 1
        _record_lines(node, (), source)
        try:
            source.data = loader.construct_document(node)
        except yaml.YAMLError as err:
            raise RoutineError.from_problems(shown, [_syntax_problem(err, text)]) from None
        except (ValueError, OverflowError, TypeError) as err:  # a value PyYAML cannot build
            raise RoutineError.single(shown, f"a value cannot be read ({err})") from None
        return source
    finally:
        loader.dispose()
