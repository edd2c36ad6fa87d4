"""What the recognizers listen for, derived from the phrase table (never by hand).

- ``phrases``: every whole command phrase whose words the model knows.
- ``growable``: phrases that are a word-prefix of a longer phrase ("how much time" of
  "how much time is left"); a recognizer must wait for the utterance to end before
  acting on one of those, while any other phrase may be acted on at the first pause.
- ``vosk_grammar`` / ``jsgf_grammar``: the engine grammars.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable

from voice_guide.intents import PhraseTable

_VOWELS = re.compile(r"[aeiouy]+")


def phrases(table: PhraseTable, known: Callable[[str], bool] | None = None) -> list[str]:
    """The table's whole phrases, keeping only those whose every word ``known`` accepts."""
    out = table.all_phrases()
    if known is None:
        return out
    return [p for p in out if all(known(w) for w in p.split())]


def growable(all_phrases: Iterable[str]) -> frozenset[str]:
    """Phrases that are a proper word-prefix of another phrase."""
    split = [tuple(p.split()) for p in all_phrases]
    out = set()
    for short in split:
        for long in split:
            if len(long) > len(short) and long[: len(short)] == short:
                out.add(" ".join(short))
                break
    return frozenset(out)


def syllables(text: str) -> int:
    """Rough syllable count: one per Hangul/CJK character, else one per vowel group."""
    count = 0
    for word in text.split():
        wide = sum(1 for ch in word if ord(ch) >= 0x1100)
        if wide:
            count += wide
            continue
        groups = len(_VOWELS.findall(word))
        if word.endswith("e") and not word.endswith("le") and groups > 1:
            groups -= 1  # silent e: "time", "pause"
        count += max(1, groups)
    return count


def vosk_grammar(phrase_list: Iterable[str], fillers: Iterable[str] = (),
                 unknown_word: bool = True) -> str:
    """JSON list for ``KaldiRecognizer(model, rate, grammar)``: phrases, fillers, ``[unk]``."""
    items = [*phrase_list, *fillers]
    if unknown_word:
        items.append("[unk]")
    return json.dumps(items, ensure_ascii=False)


def filler_words(vocabulary: Iterable[str], exclude: set[str], count: int) -> list[str]:
    """A garbage path for grammars: ``count`` short words of the model, evenly spread.

    Vosk's grammar mode maps any speech onto the grammar; short filler words give
    unrelated speech somewhere else to go. Scripts written in syllable blocks (Hangul,
    CJK) use one-character words; alphabetic scripts use two- and three-letter words.
    """
    if count <= 0:
        return []
    alpha = sorted(w for w in vocabulary if w.isalpha() and w not in exclude)
    wide = [w for w in alpha if len(w) == 1 and ord(w) >= 0x1100]
    pool = wide if len(wide) >= count else [w for w in alpha if 2 <= len(w) <= 3]
    if not pool:
        return []
    step = max(1, len(pool) // count)
    return pool[::step][:count]


def jsgf_grammar(phrase_list: Iterable[str]) -> str:
    """A JSGF grammar accepting exactly one phrase."""
    alternatives = " | ".join(phrase_list)
    return f"#JSGF V1.0;\ngrammar commands;\npublic <command> = ( {alternatives} );\n"
