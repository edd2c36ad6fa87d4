"""pocketsphinx 5 adapter (bundled en-us model): JSGF grammar plus an acoustic-fit score.

Each utterance is decoded constrained to the command grammar. The score is the
grammar path's acoustic log-likelihood per 10 ms frame; pocketsphinx normalizes
acoustic scores frame by frame against the best-scoring senone, so this measures how
far the phrase's path falls below the best the model could have done. Other speech
forced onto a phrase fits worse than a real command (on average: the two overlap).

An earlier version also ran a free phone loop and subtracted its score. Measured on
pocketsphinx 5.1.1, the phone loop's segment scores are nearly 1.0 (log about -0.02)
under that same normalization, so the subtraction changed nothing, while the second
decoder cost ~30 MB of memory and half the CPU time. It is gone.
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np

from voice_guide.asr.decoded import Decoded, Word
from voice_guide.asr.endpoint import EndpointConfig
from voice_guide.asr.grammar import growable, jsgf_grammar, phrases
from voice_guide.asr.rejection import RejectionRules
from voice_guide.asr.streaming import SegmentedRecognizer
from voice_guide.asr.vocabulary import missing_words
from voice_guide.errors import MissingDependency, UserError
from voice_guide.intents import PhraseTable

ENGINE = "pocketsphinx"
FRAME_RATE = 100
DITHER = 10.0  # standard deviation, in int16 steps (about -70 dB full scale)
WARM_UP = 3  # utterances decoded twice while the cepstral means settle  # pocketsphinx frames per second
RULES = RejectionRules(min_word_conf=0.0, min_score=-5.3)


def _module() -> Any:
    try:
        import pocketsphinx
    except ImportError as err:  # pragma: no cover - a declared dependency
        raise MissingDependency("pocketsphinx", "install it with 'pip install pocketsphinx'") from err
    return pocketsphinx


def _model_files() -> tuple[str, str, str]:
    root = os.path.join(_module().get_model_path(), "en-us")
    return (os.path.join(root, "en-us"), os.path.join(root, "cmudict-en-us.dict"),
            os.path.join(root, "en-us-phone.lm.bin"))


def _grammar_decoder(phrase_list: list[str]) -> Any:
    ps = _module()
    hmm, dictionary, _ = _model_files()
    decoder = ps.Decoder(hmm=hmm, dict=dictionary, loglevel="FATAL")
    decoder.add_jsgf_string("commands", jsgf_grammar(phrase_list))
    decoder.activate_search("commands")
    return decoder


def _log_score(decoder: Any) -> float:
    return sum(math.log(max(float(seg.ascore), 1e-300)) for seg in decoder.seg())


class PocketsphinxDecoder:
    def __init__(self, phrase_list: list[str], scored: bool = True) -> None:
        self._grammar = _grammar_decoder(phrase_list)
        self._scored = scored
        self._open = False
        self._audio: list[bytes] = []
        self._utterances = 0
        self._rng = np.random.default_rng(0)

    def _dither(self, pcm: bytes) -> bytes:
        """Add a faint noise floor: digital silence (exact zeros, as from a muted or
        virtual source) throws the acoustic model off; measured: clean espeak phrases
        after true silence were misread until this was added."""
        samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.float64)
        noisy = samples + self._rng.normal(0.0, DITHER, samples.size)
        return bytes(np.clip(noisy, -32768, 32767).astype("<i2").tobytes())

    def _decoders(self) -> list[Any]:
        return [self._grammar]

    def begin(self) -> None:
        if self._open:
            self.finish()
        for d in self._decoders():
            d.start_utt()
        self._open = True
        self._audio = []

    def feed(self, pcm: bytes) -> None:
        pcm = self._dither(pcm)
        if self._utterances < WARM_UP:
            self._audio.append(pcm)
        for d in self._decoders():
            d.process_raw(pcm, False, False)

    def partial(self) -> str:
        hyp = self._grammar.hyp()
        return str(hyp.hypstr) if hyp is not None else ""

    def finish(self) -> Decoded:
        for d in self._decoders():
            d.end_utt()
        self._open = False
        if self._utterances < WARM_UP:
            # Live cepstral mean normalization starts from the model's defaults, which
            # fit the first utterances badly; decode those again with the updated means.
            audio = b"".join(self._audio)
            for d in self._decoders():
                d.start_utt()
                d.process_raw(audio, False, True)
                d.end_utt()
        self._utterances += 1
        hyp = self._grammar.hyp()
        if hyp is None or not hyp.hypstr:
            return Decoded(())
        words = tuple(
            Word(_plain(seg.word), seg.start_frame / FRAME_RATE, (seg.end_frame + 1) / FRAME_RATE,
                 1.0)
            for seg in self._grammar.seg() if not _filler(seg.word)
        )
        score = None
        if self._scored:
            frames = max(1, int(self._grammar.n_frames()))
            score = _log_score(self._grammar) / frames
        return Decoded(words, score)


def _filler(word: str) -> bool:
    return word.startswith("<") or word.startswith("[") or word.startswith("++")


def _plain(word: str) -> str:
    """'go(2)' (an alternative pronunciation) -> 'go'."""
    return word.split("(", 1)[0]


def known_word_check() -> Any:
    ps = _module()
    hmm, dictionary, _ = _model_files()
    words: set[str] = set()
    with open(dictionary, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.strip():
                words.add(_plain(line.split(maxsplit=1)[0]))
    del ps, hmm
    return words.__contains__


def make_pocketsphinx(table: PhraseTable, naive: bool = False,
                      rules: RejectionRules = RULES) -> SegmentedRecognizer:
    known = known_word_check()
    usable = phrases(table, known)
    if not usable:
        raise UserError("none of the phrases can be recognized by the English pocketsphinx "
                        "model (their words are not in its dictionary); use --engine vosk with "
                        "a model for that language.")
    decoder = PocketsphinxDecoder(usable, scored=not naive)
    chosen = RejectionRules(naive=True) if naive else rules
    recognizer = SegmentedRecognizer(ENGINE, decoder, table, growable(table.all_phrases()),
                                     chosen, EndpointConfig(), early=not naive)
    recognizer.unknown_words = missing_words(table, known)  # type: ignore[attr-defined]
    return recognizer
