"""Per-language test material: the phrase table, voices, command phrases and other speech."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bench import texts_en, texts_ko
from bench.synth import has_flite
from bench.voices import Voice
from voice_guide.intents import DEFAULT_TABLE, Command, Intent, PhraseTable
from voice_guide.paths import PROJECT_ROOT

KO_PHRASE_FILE = PROJECT_ROOT / "voice_guide" / "lang" / "ko-phrases.yaml"
ROUTINE_FILE = PROJECT_ROOT / "routines" / "back-massage.yaml"
GOTO_SAMPLE_STEPS = (2, 5, 7, 12)
# flite's voices (CMU), never used for tuning: kal16 and awb/rms male, slt female.
HELD_OUT_EN = (Voice("slt", 100, "flite"), Voice("rms", 110, "flite"),
               Voice("awb", 90, "flite"), Voice("kal16", 100, "flite"))
_NARRATION_KEYS = frozenset({"introduction", "safety", "closing", "instructions", "cautions", "tip"})


@dataclass(frozen=True)
class Language:
    """Everything needed to build the test streams for one language."""

    code: str
    table: PhraseTable
    table_source: str
    voices: tuple[Voice, ...]
    guide_voice: Voice
    commands: tuple[tuple[str, Command], ...]
    chat: tuple[str, ...]
    near_miss: tuple[str, ...]
    narration: tuple[str, ...]
    narration_source: str
    babble: tuple[str, ...]
    held_out: tuple[Voice, ...] = ()  # another synthesizer's voices, for part of the commands


def command_phrases(table: PhraseTable, steps: tuple[int, ...]) -> tuple[tuple[str, Command], ...]:
    """Every phrase of ``table``; goto phrases only for the sampled step numbers."""
    out: list[tuple[str, Command]] = []
    for phrase in table.all_phrases():
        command = table.lookup[phrase]
        if command.intent is Intent.GOTO and command.step not in steps:
            continue
        out.append((phrase, command))
    return tuple(out)


def _strings_under(node: Any, keys: frozenset[str], inside: bool = False) -> list[str]:
    if isinstance(node, str):
        return [node] if inside else []
    if isinstance(node, list):
        return [s for item in node for s in _strings_under(item, keys, inside)]
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in _strings_under(v, keys, inside or k in keys)]
    return []


def routine_narration(path: Path, table: PhraseTable) -> tuple[str, ...]:
    """The sentences a routine file makes the guide say (none if it is missing or unreadable)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return ()
    found = _strings_under(data, _NARRATION_KEYS)
    unique = dict.fromkeys(s.strip() for s in found if s.strip())
    return tuple(s for s in unique if table.parse(s) is None)


def english() -> Language:
    table = DEFAULT_TABLE
    narration = routine_narration(ROUTINE_FILE, table)
    source = str(ROUTINE_FILE.relative_to(PROJECT_ROOT)) if narration else "bench/texts_en.py"
    return Language(
        code="en",
        table=table,
        table_source="voice_guide.intents.DEFAULT_TABLE",
        voices=(
            Voice("en-us", 170),
            Voice("en-gb", 140),
            Voice("en-us+f3", 200),
            Voice("en-gb-x-rp+m3", 170),
            Voice("en-gb-scotland+f2", 140),
            Voice("en-us+m7", 200),
        ),
        guide_voice=Voice("en-us", 160),
        commands=command_phrases(table, GOTO_SAMPLE_STEPS),
        chat=texts_en.CHAT,
        near_miss=texts_en.NEAR_MISS,
        narration=narration or texts_en.NARRATION,
        narration_source=source,
        babble=texts_en.BABBLE,
        held_out=HELD_OUT_EN if has_flite() else (),
    )


def _korean_table() -> tuple[PhraseTable, str]:
    if KO_PHRASE_FILE.exists():
        try:
            module = importlib.import_module("voice_guide.phrase_file")
            loader: Callable[[Path], PhraseTable] = module.load_phrase_table
            return loader(KO_PHRASE_FILE), str(KO_PHRASE_FILE.relative_to(PROJECT_ROOT))
        except (ImportError, AttributeError):
            pass
    table = PhraseTable(
        phrases=dict(texts_ko.FALLBACK_PHRASES),
        goto_templates=texts_ko.FALLBACK_GOTO,
        numbers=dict(texts_ko.FALLBACK_NUMBERS),
        padding=frozenset(),
        max_step=10,
    )
    return table, "bench/texts_ko.py (fallback; tests/data/phrases/ko.yaml not found)"


def korean() -> Language:
    table, source = _korean_table()
    return Language(
        code="ko",
        table=table,
        table_source=source,
        voices=(
            Voice("ko", 150),
            Voice("ko+f3", 170),
            Voice("ko+m3", 130),
            Voice("ko+f2", 190),
        ),
        guide_voice=Voice("ko", 150),
        commands=command_phrases(table, GOTO_SAMPLE_STEPS),
        chat=texts_ko.CHAT,
        near_miss=texts_ko.NEAR_MISS,
        narration=texts_ko.NARRATION,
        narration_source="bench/texts_ko.py",
        babble=texts_ko.BABBLE,
    )
