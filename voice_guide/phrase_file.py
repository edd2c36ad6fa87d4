"""Phrase files (``--phrases FILE``): add or replace the phrases of each intent.

    replace: false            # true: only these phrases; false: add to the defaults
    intents:
      next: [다음, 넘어가]
    numbers: {하나: 1, 둘: 2}   # optional, for goto templates
    goto: ["{n} 단계"]          # optional
    padding: [제발]             # optional

Every mistake is reported as ``FILE:LINE: what is wrong``. A phrase that would mean two
things (``next: [go]`` and ``quit: [go]``, or ``quit: [step one]`` against the goto
template ``step {n}``) is a mistake too: nothing is resolved silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from voice_guide.errors import UserError
from voice_guide.intents import DEFAULT_TABLE, Intent, PhraseTable, normalize
from voice_guide.routine.yaml_guard import YamlRefused, compose
from voice_guide.safe_files import read_text_file
from voice_guide.text_safety import has_control, printable

_KEYS = ("replace", "intents", "numbers", "goto", "padding")

#: Largest phrase file read, in bytes.
MAX_PHRASE_BYTES = 64_000
#: Longest phrase, goto template, number word or padding word, in characters.
MAX_PHRASE_CHARS = 100
#: Most goto templates and number words (every template is tried with every number word).
MAX_TEMPLATES = 20
MAX_NUMBER_WORDS = 200
#: Largest step number a number word may stand for.
MAX_NUMBER = 999
_DIGITS = re.compile(r"^[0-9]{1,3}$")


@dataclass(frozen=True)
class _Meaning:
    """What a whole phrase means, and where that was said (None: built in)."""

    what: str
    line: int | None


def _where(path: Path, node: yaml.Node) -> str:
    return f"{path}:{node.start_mark.line + 1}"


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _scalar(path: Path, node: yaml.Node, what: str) -> str:
    """The text of a plain scalar, refused if it is a list/mapping, too long or has controls."""
    if not isinstance(node, yaml.ScalarNode):
        raise UserError(f"{_where(path, node)}: {what} must be plain text, not a list or mapping.")
    text = str(node.value)
    if has_control(text):
        raise UserError(f"{_where(path, node)}: {what} contains a control character; "
                        "a phrase holds only words that can be spoken.")
    if len(text) > MAX_PHRASE_CHARS:
        raise UserError(f"{_where(path, node)}: {what} is longer than {MAX_PHRASE_CHARS} "
                        "characters; a command is a few words.")
    return text


def _strings(path: Path, node: yaml.Node, what: str) -> list[tuple[str, yaml.Node]]:
    items = node.value if isinstance(node, yaml.SequenceNode) else None
    if items is None:
        raise UserError(f"{_where(path, node)}: {what} must be a list of phrases, "
                        "e.g. [next, go on].")
    out: list[tuple[str, yaml.Node]] = []
    for item in items:
        if not isinstance(item, yaml.ScalarNode) or not normalize(str(item.value)):
            raise UserError(f"{_where(path, item)}: {what}: each entry must be a non-empty phrase.")
        out.append((_scalar(path, item, what), item))
    return out


def _read_root(path: Path) -> yaml.MappingNode:
    text = read_text_file(path, "a phrase file", MAX_PHRASE_BYTES)
    try:
        root = compose(text)
    except YamlRefused as err:
        line = err.problem_mark.line + 1 if err.problem_mark else 1
        raise UserError(f"{path}:{line}: the phrase file {err.problem}.") from None
    except yaml.MarkedYAMLError as err:
        line = err.problem_mark.line + 1 if err.problem_mark else 1
        raise UserError(f"{path}:{line}: not valid YAML ({err.problem}).") from None
    except yaml.reader.ReaderError as err:
        line = text.count("\n", 0, err.position) + 1
        raise UserError(f"{path}:{line}: contains the control character #x{err.character:04x}; "
                        "save the phrase file as plain text.") from None
    except yaml.YAMLError as err:
        raise UserError(f"{path}: not valid YAML ({printable(str(err))}).") from None
    if root is None:
        raise UserError(f"{path}:1: the phrase file is empty; it needs an 'intents:' mapping.")
    if not isinstance(root, yaml.MappingNode):
        raise UserError(f"{_where(path, root)}: the phrase file must be a mapping with "
                        "'intents:' (and optionally replace, numbers, goto, padding).")
    return root


def load_phrase_table(path: Path, base: PhraseTable = DEFAULT_TABLE) -> PhraseTable:
    """The phrase table ``path`` describes, on top of ``base`` unless it says replace."""
    root = _read_root(path)
    fields: dict[str, yaml.Node] = {}
    for key, value in root.value:
        name = _scalar(path, key, "a key")
        if name not in _KEYS:
            raise UserError(f"{_where(path, key)}: unknown key {name!r}; allowed: "
                            f"{', '.join(_KEYS)}.")
        if name in fields:
            raise UserError(f"{_where(path, key)}: the key {name!r} is given twice; keep one.")
        fields[name] = value
    replace = False
    if "replace" in fields:
        node = fields["replace"]
        if node.tag != "tag:yaml.org,2002:bool":
            raise UserError(f"{_where(path, node)}: 'replace' must be true or false.")
        replace = str(node.value).lower() in ("true", "yes", "on")
    if "intents" not in fields:
        raise UserError(f"{path}:1: the phrase file needs an 'intents:' mapping.")

    # Every whole phrase and what it means, built-in ones first, in file order after.
    said: list[tuple[str, _Meaning]] = []
    phrases: dict[Intent, tuple[str, ...]] = {} if replace else dict(base.phrases)
    if not replace:
        said += [(normalize(p), _Meaning(f"'{i.value}'", None))
                 for i, ps in base.phrases.items() for p in ps]
    intents = fields["intents"]
    if not isinstance(intents, yaml.MappingNode):
        raise UserError(f"{_where(path, intents)}: 'intents' must map intent names to lists.")
    for key, value in intents.value:
        name = _scalar(path, key, "an intent name")
        try:
            intent = Intent(name)
        except ValueError:
            names = ", ".join(i.value for i in Intent)
            raise UserError(f"{_where(path, key)}: unknown intent {name!r}; "
                            f"known intents: {names}.") from None
        new = _strings(path, value, f"intent {intent.value}")
        said += [(normalize(text), _Meaning(f"'{intent.value}'", _line(node))) for text, node in new]
        old = () if replace else phrases.get(intent, ())
        phrases[intent] = tuple(dict.fromkeys([*old, *(normalize(t) for t, _ in new)]))

    numbers, number_lines = _numbers(path, fields.get("numbers"), base, replace)
    goto, goto_lines = _goto(path, fields.get("goto"), base, replace)
    padding = base.padding
    padding_lines: dict[str, int] = {}
    if "padding" in fields:
        extra = _strings(path, fields["padding"], "padding")
        padding_lines = {normalize(text): _line(node) for text, node in extra}
        padding = frozenset(padding_lines) if replace else base.padding | frozenset(padding_lines)
    if not any(phrases.values()):
        raise UserError(f"{path}:1: the phrase file leaves no phrases at all.")

    for template in goto:
        for word, n in numbers.items():
            if n <= base.max_step:
                lines = [x for x in (goto_lines.get(template), number_lines.get(word)) if x]
                meaning = _Meaning(f"'goto' (step {n}, from the template '{template}')",
                                   max(lines) if lines else None)
                said.append((normalize(template.replace("{n}", word)), meaning))
    _check_collisions(path, said, goto, goto_lines)
    _check_padding(path, said, padding, padding_lines)
    if replace:
        _check_essentials(f"{path}:{_line(fields['replace'])}", phrases)
    return PhraseTable(phrases=phrases, goto_templates=goto, numbers=numbers, padding=padding,
                       max_step=base.max_step)


#: Intents a replacing phrase file must keep: without them a session cannot be ended,
#: answered or asked for help.
ESSENTIAL = (Intent.QUIT, Intent.YES, Intent.NO, Intent.HELP)


def _check_essentials(where: str, phrases: dict[Intent, tuple[str, ...]]) -> None:
    missing = [i.value for i in ESSENTIAL if not phrases.get(i)]
    if missing:
        example = ", ".join(f"{name}: [{name}]" for name in missing)
        raise UserError(f"{where}: with 'replace: true' the phrase file must keep at least one "
                        f"phrase for {', '.join(missing)}, or a session could not be ended, "
                        f"answered or asked for help; add them under 'intents:' (e.g. "
                        f"{example}).")


def _numbers(path: Path, node: yaml.Node | None, base: PhraseTable, replace: bool,
             ) -> tuple[dict[str, int], dict[str, int]]:
    numbers = {} if replace and node is not None else dict(base.numbers)
    lines: dict[str, int] = {}
    if node is None:
        return numbers, lines
    if not isinstance(node, yaml.MappingNode):
        raise UserError(f"{_where(path, node)}: 'numbers' must map words to numbers, "
                        "e.g. {one: 1}.")
    if len(node.value) > MAX_NUMBER_WORDS:
        raise UserError(f"{_where(path, node)}: 'numbers' has more than {MAX_NUMBER_WORDS} words.")
    for key, value in node.value:
        word = normalize(_scalar(path, key, "a number word"))
        if not word:
            raise UserError(f"{_where(path, key)}: a number word must have letters or digits.")
        digits = str(value.value) if isinstance(value, yaml.ScalarNode) else ""
        if value.tag != "tag:yaml.org,2002:int" or not _DIGITS.match(digits) or int(digits) < 1:
            raise UserError(f"{_where(path, value)}: the number for {word!r} must be a whole "
                            f"number from 1 to {MAX_NUMBER} written in digits, e.g. 3.")
        numbers[word] = int(digits)
        lines[word] = _line(key)
    return numbers, lines


def _goto(path: Path, node: yaml.Node | None, base: PhraseTable, replace: bool,
          ) -> tuple[tuple[str, ...], dict[str, int]]:
    if node is None:
        return base.goto_templates, {}
    found = _strings(path, node, "goto")
    if len(found) > MAX_TEMPLATES:
        raise UserError(f"{_where(path, node)}: 'goto' has more than {MAX_TEMPLATES} templates.")
    lines: dict[str, int] = {}
    for text, item in found:
        if "{n}" not in text:
            raise UserError(f"{_where(path, item)}: a goto template needs '{{n}}' where the "
                            "step number goes, e.g. 'step {n}'.")
        lines.setdefault(text, _line(item))
    raw = tuple(text for text, _ in found)
    goto = raw if replace else tuple(dict.fromkeys([*base.goto_templates, *raw]))
    return goto, lines


def _place(line: int | None) -> str:
    return f"line {line}" if line is not None else "the built-in phrases"


def _check_collisions(path: Path, said: list[tuple[str, _Meaning]], goto: tuple[str, ...],
                      goto_lines: dict[str, int]) -> None:
    """A phrase may mean only one thing; the first clash in file order is reported."""
    first: dict[str, _Meaning] = {}
    for phrase, meaning in said:
        earlier = first.setdefault(phrase, meaning)
        if earlier.what == meaning.what or (earlier.line is None and meaning.line is None):
            continue
        line = max(x for x in (earlier.line, meaning.line) if x is not None)
        raise UserError(
            f"{path}:{line}: the phrase '{printable(phrase)}' means both {earlier.what} "
            f"({_place(earlier.line)}) and {meaning.what} ({_place(meaning.line)}); "
            "give each phrase to one intent only."
        )
    typed = [(t, _typed_goto(t)) for t in goto]
    for phrase, meaning in said:
        if meaning.what.startswith("'goto'") or meaning.line is None:
            continue
        for template, pattern in typed:
            if pattern.match(phrase):
                raise UserError(
                    f"{path}:{meaning.line}: the phrase '{printable(phrase)}' means {meaning.what}"
                    f" but also 'goto' (typed step number, template '{template}' at "
                    f"{_place(goto_lines.get(template))}); give it a different phrase."
                )


def _typed_goto(template: str) -> re.Pattern[str]:
    """What :meth:`PhraseTable.parse` accepts as a typed step number for ``template``."""
    return re.compile("^" + re.escape(normalize(template.replace("{n}", "NUMBER"))).replace(
        "number", r"(\d{1,3})") + "$")


def _check_padding(path: Path, said: list[tuple[str, _Meaning]], padding: frozenset[str],
                   padding_lines: dict[str, int]) -> None:
    """A phrase that starts or ends with a padding word can never be heard whole."""
    for phrase, meaning in said:
        words = phrase.split()
        edge = next((w for w in (words[0], words[-1]) if w in padding), None) if words else None
        if edge is None:
            continue
        line = meaning.line if meaning.line is not None else padding_lines.get(edge)
        if line is None:
            continue
        raise UserError(
            f"{path}:{line}: the phrase '{printable(phrase)}' ({meaning.what}) starts or ends "
            f"with the padding word '{printable(edge)}', which is dropped before matching; "
            "remove the word from the phrase or from padding."
        )
