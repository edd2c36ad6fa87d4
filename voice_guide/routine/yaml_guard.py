"""A YAML loader for hand-written files that cannot be turned into a resource bomb.

Routine and phrase files are short, hand-written documents: they need no anchors or
aliases (``&name`` / ``*name``) and no more than a few levels of nesting. Aliases are
what a "billion laughs" file multiplies, and deep nesting is what exhausts the
recursion of the composer, so both are refused while the document is composed, before
any data is built, with the line where they occur.
"""

from __future__ import annotations

from typing import Any

import yaml

#: Deepest nesting of lists and mappings accepted (a routine needs about eight levels).
MAX_DEPTH = 24


class YamlRefused(yaml.MarkedYAMLError):
    """A construct this program does not accept in its files (alias, anchor, deep nesting)."""


class GuardedLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses anchors, aliases and nesting deeper than MAX_DEPTH."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise YamlRefused(
                problem="uses a YAML anchor or alias (&name or *name); write the text out "
                "in full instead",
                problem_mark=event.start_mark,
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise YamlRefused(
                    problem=f"is nested more than {MAX_DEPTH} levels deep; "
                    "is this really a hand-written file?",
                    problem_mark=event.start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _short(text: str) -> str:
    return text if len(text) <= 24 else text[:21] + "..."


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)
    except ValueError:
        raise YamlRefused(
            problem=f"the number {_short(str(node.value))} is too long to be read",
            problem_mark=node.start_mark,
        ) from None


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        raise YamlRefused(
            problem=f"{_short(str(node.value))!r} looks like a date but is not a real one; "
            "quote it to make it text",
            problem_mark=node.start_mark,
        ) from None


GuardedLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
GuardedLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def compose(text: str) -> yaml.Node | None:
    """The single document in ``text`` as a node tree, or None for an empty file.

    Raises ``yaml.YAMLError`` (a :class:`YamlRefused` for refused constructs).
    """
    loader = GuardedLoader(text)
    try:
        node: yaml.Node | None = loader.get_single_node()
        return node
    finally:
        loader.dispose()
