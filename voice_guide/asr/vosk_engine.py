"""Vosk adapter: grammar-constrained, streaming, with word times and confidences."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from voice_guide.asr.decoded import Decoded, Word
from voice_guide.asr.grammar import filler_words, growable, phrases, vosk_grammar
from voice_guide.asr.model_dir import load_vosk_model, vosk_module
from voice_guide.asr.rejection import RejectionRules
from voice_guide.asr.streaming import SegmentedRecognizer
from voice_guide.asr.vocabulary import VocabularyUnreadable, missing_words, vosk_model_words
from voice_guide.intents import PhraseTable
from voice_guide.ports import SAMPLE_RATE, Heard

ENGINE = "vosk"
# Garbage words added to the grammar (grammar.filler_words). With the Korean model the
# fillers are rare one-syllable words that also swallow real commands: on the dev set
# (tests/asr_devset.py) 40 fillers missed twice as many clean commands as 0-5, with no
# fewer false commands; the word-confidence and duration checks do the rejecting.
FILLERS = 5
RULES = RejectionRules(min_word_conf=0.55)
QUIET_EDGE_DB = 6.0  # see dominant.py


class VoskDecoder:
    """One ``KaldiRecognizer`` decoding one utterance at a time."""

    def __init__(self, model: Any, grammar: str) -> None:
        vosk = vosk_module()
        self._rec = vosk.KaldiRecognizer(model, SAMPLE_RATE, grammar)
        self._rec.SetWords(True)
        self._fed = 0  # samples fed in total (Vosk's times run on across utterances)
        self._base = 0.0
        self._done: list[Word] = []
        self._open = False

    def begin(self) -> None:
        if self._open:
            self.finish()
        self._base = self._fed / SAMPLE_RATE
        self._done = []
        self._open = True

    def feed(self, pcm: bytes) -> None:
        self._fed += len(pcm) // 2
        if self._rec.AcceptWaveform(pcm):
            self._done.extend(self._words(self._rec.Result()))

    def partial(self) -> str:
        current = json.loads(self._rec.PartialResult()).get("partial", "")
        return " ".join([*(w.text for w in self._done), current]).strip()

    def finish(self) -> Decoded:
        words = [*self._done, *self._words(self._rec.FinalResult())]
        self._done = []
        self._open = False
        return Decoded(tuple(words))

    def _words(self, result: str) -> list[Word]:
        data = json.loads(result)
        return [Word(w["word"], float(w["start"]) - self._base, float(w["end"]) - self._base,
                     float(w.get("conf", 1.0))) for w in data.get("result", [])]


def model_words(model_dir: Path) -> frozenset[str] | None:
    try:
        return vosk_model_words(model_dir)
    except (VocabularyUnreadable, OSError):
        return None


def _grammar(table: PhraseTable, model_dir: Path, fillers: int) -> tuple[str, list[str]]:
    known = model_words(model_dir)
    if known is None:
        return vosk_grammar(table.all_phrases(), (), True), []
    unknown = missing_words(table, known.__contains__)
    usable = phrases(table, known.__contains__)
    extra = filler_words(known, table.vocabulary(), fillers)
    return vosk_grammar(usable, extra, "[unk]" in known), unknown


def make_vosk(table: PhraseTable, model_dir: Path, naive: bool = False,
              fillers: int = FILLERS, rules: RejectionRules = RULES) -> Any:
    """A streaming Vosk recognizer (``SegmentedRecognizer`` or the naive baseline)."""
    model = load_vosk_model(model_dir)
    grammar, unknown = _grammar(table, model_dir, 0 if naive else fillers)
    recognizer: Any
    if naive:
        recognizer = NaiveVoskRecognizer(model, grammar, table)
    else:
        grow = growable(table.all_phrases())
        recognizer = SegmentedRecognizer(ENGINE, VoskDecoder(model, grammar), table, grow, rules,
                                         quiet_edge_db=QUIET_EDGE_DB)
    recognizer.unknown_words = unknown
    return recognizer


class NaiveVoskRecognizer:
    """The baseline: Vosk's own endpointing, any grammar hit accepted."""

    def __init__(self, model: Any, grammar: str, table: PhraseTable) -> None:
        self.name = ENGINE
        self._model = model
        self._grammar = grammar
        self._table = table
        self._fed = 0
        self._rec = self._new()

    def _new(self) -> Any:
        rec = vosk_module().KaldiRecognizer(self._model, SAMPLE_RATE, self._grammar)
        rec.SetWords(True)
        return rec

    def accept(self, pcm: bytes) -> list[Heard]:
        self._fed += len(pcm) // 2
        if self._rec.AcceptWaveform(pcm):
            return self._heard(self._rec.Result())
        return []

    def flush(self) -> list[Heard]:
        return self._heard(self._rec.FinalResult())

    def reset(self) -> None:
        self._rec = self._new()

    def _heard(self, result: str) -> list[Heard]:
        data = json.loads(result)
        words = [w for w in data.get("result", []) if w["word"] != "[unk]"]
        command = self._table.parse(" ".join(w["word"] for w in words))
        if command is None or not words:
            return []
        return [Heard(command, data.get("text", ""), min(float(w.get("conf", 1.0)) for w in words),
                      float(words[0]["start"]), float(words[-1]["end"]),
                      self._fed / SAMPLE_RATE, ENGINE)]
