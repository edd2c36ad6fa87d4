"""Phrase files (``--phrases FILE``): add or replace the phrases of each intent.

    replace: false            # true: only these phrases; false: add to the defaults
    intents:
      next: [다음, 넘어가]
    numbers: {하나: 1, 둘: 2}   # optional, for goto templates
    goto: ["{n} 단계"]          # optional
    padding: [제발]             # optional

Every mistake is reported as ``FILE:LINE: what is wrong``.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from voice_guide.errors import UserError
from voice_guide.intents import DEFAULT_TABLE, Intent, PhraseTable, normalize

_KEYS = ("replace", "intents", "numbers", "goto", "padding")


def _where(path: Path, node: yaml.Node) -> str:
    return f"{path}:{node.start_mark.line + 1}"


def _strings(path: Path, node: yaml.Node, what: str) -> list[str]:
    items = node.value if isinstance(node, yaml.SequenceNode) else None
    if items is None:
        raise UserError(f"{_where(path, node)}: {what} must be a list of phrases, "
                        "e.g. [next, go on].")
    out = []
    for item in items:
        if not isinstance(item, yaml.ScalarNode) or not normalize(str(item.value)):
            raise UserError(f"{_where(path, item)}: {what}: each entry must be a non-empty phrase.")
        out.append(normalize(str(item.value)))
    return out


def load_phrase_table(path: Path, base: PhraseTable = DEFAULT_TABLE) -> PhraseTable:
    """The phrase table ``path`` describes, on top of ``base`` unless it says replace."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{path}: no such phrase file.") from None
    except (OSError, UnicodeDecodeError) as err:
        raise UserError(f"{path}: cannot read the phrase file ({err.__class__.__name__}).") from None
    try:
        root = yaml.compose(text)
    except yaml.MarkedYAMLError as err:
        line = err.problem_mark.line + 1 if err.problem_mark else 1
        raise UserError(f"{path}:{line}: not valid YAML ({err.problem}).") from None
    if root is None:
        raise UserError(f"{path}:1: the phrase file is empty; it needs an 'intents:' mapping.")
    if not isinstance(root, yaml.MappingNode):
        raise UserError(f"{_where(path, root)}: the phrase file must be a mapping with "
                        "'intents:' (and optionally replace, numbers, goto, padding).")
    fields: dict[str, yaml.Node] = {}
    for key, value in root.value:
        name = str(key.value)
        if name not in _KEYS:
            raise UserError(f"{_where(path, key)}: unknown key {name!r}; allowed: "
                            f"{', '.join(_KEYS)}.")
        fields[name] = value
    replace = False
    if "replace" in fields:
        node = fields["replace"]
        if node.tag != "tag:yaml.org,2002:bool":
            raise UserError(f"{_where(path, node)}: 'replace' must be true or false.")
        replace = str(node.value).lower() in ("true", "yes", "on")
    phrases: dict[Intent, tuple[str, ...]] = {} if replace else dict(base.phrases)
    if "intents" not in fields:
        raise UserError(f"{path}:1: the phrase file needs an 'intents:' mapping.")
    intents = fields["intents"]
    if not isinstance(intents, yaml.MappingNode):
        raise UserError(f"{_where(path, intents)}: 'intents' must map intent names to lists.")
    for key, value in intents.value:
        try:
            intent = Intent(str(key.value))
        except ValueError:
            names = ", ".join(i.value for i in Intent)
            raise UserError(f"{_where(path, key)}: unknown intent {key.value!r}; "
                            f"known intents: {names}.") from None
        new = _strings(path, value, f"intent {intent.value}")
        old = () if replace else phrases.get(intent, ())
        phrases[intent] = tuple(dict.fromkeys([*old, *new]))
    numbers = dict(base.numbers)
    if "numbers" in fields:
        node = fields["numbers"]
        if not isinstance(node, yaml.MappingNode):
            raise UserError(f"{_where(path, node)}: 'numbers' must map words to numbers, "
                            "e.g. {one: 1}.")
        if replace:
            numbers = {}
        for key, value in node.value:
            if value.tag != "tag:yaml.org,2002:int" or int(value.value) < 1:
                raise UserError(f"{_where(path, value)}: the number for {key.value!r} must be a "
                                "whole number of 1 or more.")
            numbers[normalize(str(key.value))] = int(value.value)
    goto = base.goto_templates
    if "goto" in fields:
        found = _strings(path, fields["goto"], "goto")
        for template, item in zip(found, fields["goto"].value, strict=True):
            if "{n}" not in str(item.value):
                raise UserError(f"{_where(path, item)}: a goto template needs '{{n}}' where the "
                                "step number goes, e.g. 'step {n}'.")
            del template
        raw = tuple(str(i.value) for i in fields["goto"].value)
        goto = raw if replace else tuple(dict.fromkeys([*base.goto_templates, *raw]))
    padding = base.padding
    if "padding" in fields:
        extra = _strings(path, fields["padding"], "padding")
        padding = frozenset(extra) if replace else base.padding | frozenset(extra)
    if not any(phrases.values()):
        raise UserError(f"{path}:1: the phrase file leaves no phrases at all.")
    return PhraseTable(phrases=phrases, goto_templates=goto, numbers=numbers, padding=padding,
                       max_step=base.max_step)
