"""Which words a speech model knows, so phrases it cannot hear are reported at start-up.

Vosk: ``graph/words.txt`` when the model ships it; otherwise the word symbol
table that OpenFst stores inside the header of ``graph/Gr.fst`` (lookahead
models) or ``graph/HCLG.fst``. pocketsphinx: its pronunciation dictionary.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from voice_guide.intents import PhraseTable

_FST_MAGIC = 2125659606
_SYMBOLS_MAGIC = 2125658996
_HAS_ISYMBOLS = 1
_HAS_OSYMBOLS = 2


class VocabularyUnreadable(Exception):
    """The model's word list could not be read (the caller decides what that means)."""


def missing_words(table: PhraseTable, known: Callable[[str], bool]) -> list[str]:
    """Words of ``table``'s phrases (not padding) that ``known`` rejects, sorted."""
    words = {w for phrase in table.all_phrases() for w in phrase.split()}
    return sorted(w for w in words if not known(w))


def unknown_padding(table: PhraseTable, known: Callable[[str], bool]) -> list[str]:
    return sorted(w for w in table.padding if not known(w))


def warning_line(engine: str, words: Iterable[str]) -> str | None:
    """One line naming the phrase words the model cannot recognize, or None."""
    listed = list(words)
    if not listed:
        return None
    return (
        f"warning: the {engine} model does not know these phrase words, so phrases using them "
        f"cannot be recognized: {', '.join(listed)}"
    )


@lru_cache(maxsize=4)
def vosk_model_words(model_dir: Path) -> frozenset[str]:
    """Every word the Vosk model's graph can output."""
    words_txt = model_dir / "graph" / "words.txt"
    if words_txt.is_file():
        with words_txt.open(encoding="utf-8", errors="replace") as f:
            return frozenset(line.split(maxsplit=1)[0] for line in f if line.strip())
    for name in ("Gr.fst", "HCLG.fst"):
        fst = model_dir / "graph" / name
        if fst.is_file():
            with fst.open("rb") as f:
                return frozenset(read_fst_output_symbols(f))
    raise VocabularyUnreadable(f"{model_dir}: no graph/words.txt, Gr.fst or HCLG.fst")


def read_fst_output_symbols(f: BinaryIO) -> list[str]:
    """The output symbol table stored in an OpenFst binary header."""
    magic = _int32(f)
    if magic != _FST_MAGIC:
        raise VocabularyUnreadable("not an OpenFst binary file")
    _string(f)  # fst type
    _string(f)  # arc type
    _int32(f)  # version
    flags = _int32(f)
    f.read(8 + 8 + 8 + 8)  # properties, start, number of states, number of arcs
    if not flags & _HAS_OSYMBOLS:
        raise VocabularyUnreadable("the FST stores no word symbols")
    if flags & _HAS_ISYMBOLS:
        _read_symbols(f)
    return _read_symbols(f)


def _read_symbols(f: BinaryIO) -> list[str]:
    if _int32(f) != _SYMBOLS_MAGIC:
        raise VocabularyUnreadable("damaged symbol table")
    _string(f)  # table name
    f.read(8)  # available key
    (size,) = struct.unpack("<q", _exact(f, 8))
    if not 0 <= size < 50_000_000:
        raise VocabularyUnreadable("damaged symbol table size")
    out: list[str] = []
    for _ in range(size):
        out.append(_string(f))
        f.read(8)
    return out


def _exact(f: BinaryIO, n: int) -> bytes:
    data = f.read(n)
    if len(data) != n:
        raise VocabularyUnreadable("file ends inside the header")
    return data


def _int32(f: BinaryIO) -> int:
    value: int = struct.unpack("<i", _exact(f, 4))[0]
    return value


def _string(f: BinaryIO) -> str:
    length = _int32(f)
    if not 0 <= length < 1 << 20:
        raise VocabularyUnreadable("damaged string in header")
    return _exact(f, length).decode("utf-8", errors="replace")
