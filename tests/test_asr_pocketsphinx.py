"""pocketsphinx end to end on espeak-ng speech with noise: commands, timing, rejection."""

from __future__ import annotations

import pytest
from audio_synth import Placement, Utterance, add_noise, compose, espeak_available, pcm16

from voice_guide.asr.factory import make_recognizer
from voice_guide.intents import DEFAULT_TABLE
from voice_guide.ports import Heard, Recognizer

pytestmark = pytest.mark.skipif(not espeak_available(), reason="espeak-ng is not installed "
                                "(scripts/setup.sh installs it)")

COMMANDS = ["go back", "say that again", "how much time is left", "pause", "step three",
            "slower", "resume", "where am i", "louder", "next step", "skip"]
SENTENCES = ["I will go back to the store next week", "the weather is nice today",
             "gently press your thumbs along the spine", "now move your hands in slow circles",
             "thank you", "keep your palms flat and breathe", "we are almost done with this part",
             "that feels much better"]
VOICES = [("en-us", 170, 20, "pink"), ("en-gb", 150, 15, "white"), ("en-us+f2", 190, 10, "pink")]


def _run(rec: Recognizer, parts: list[str | Utterance | float], snr: float,
         kind: str) -> tuple[list[Heard], list[Placement]]:
    signal, placed = compose(parts)
    pcm = pcm16(add_noise(signal, snr, kind))
    heard: list[Heard] = []
    for i in range(0, len(pcm), 4000):
        heard.extend(rec.accept(pcm[i : i + 4000]))
    heard.extend(rec.flush())
    return heard, placed


def _near(h: Heard, placed: list[Placement]) -> Placement | None:
    return next((p for p in placed if p.start - 0.3 <= h.start <= p.end + 0.3), None)


@pytest.mark.parametrize("voice,wpm,snr,kind", VOICES)
def test_command_stream(voice: str, wpm: int, snr: float, kind: str) -> None:
    rec, why = make_recognizer("pocketsphinx")
    assert "pocketsphinx" in why
    parts: list[str | Utterance | float] = [1.0]
    for text in COMMANDS:
        parts += [Utterance(text, voice, wpm), 1.2]
    heard, placed = _run(rec, parts, snr, kind)
    right = 0
    for h in heard:
        p = _near(h, placed)
        assert p is not None, f"command {h} where nothing was said"
        expected = DEFAULT_TABLE.parse(p.text)
        assert expected is not None
        if h.command.intent is expected.intent and h.command.step == expected.step:
            right += 1
            assert p.start - 0.25 <= h.start <= p.start + 0.35
            assert p.end - 0.3 <= h.end <= p.end + 0.3
            assert h.end <= h.emitted_at <= h.end + 0.7
            assert h.engine == "pocketsphinx" and 0 < h.confidence <= 1
    wrong = len(heard) - right
    # Of 11. Measured 10, 6 (en-gb, 15 dB white) and 8 since the test speech is resampled
    # by libsoxr (7 with the old linear interpolator, which also cut the 4-8 kHz band);
    # en-gb's "say that again" now comes out as "finish session" at this noise level.
    assert right >= 6, heard
    assert wrong <= 2, heard


def test_early_emission_only_where_the_phrase_cannot_grow() -> None:
    rec, _ = make_recognizer("pocketsphinx")
    heard, _ = _run(rec, [1.0, "resume", 1.0, "pause", 1.0, "how much time", 1.2], 20, "pink")
    lat = {h.command.phrase: h.emitted_at - h.end for h in heard}
    assert "pause" in lat and lat["pause"] < 0.45
    assert "how much time" in lat and lat["how much time"] >= 0.5  # could grow: waits


def test_naive_baseline_accepts_forced_hits() -> None:
    strict, _ = make_recognizer("pocketsphinx")
    naive, why = make_recognizer("pocketsphinx", naive=True)
    assert "naive" in why
    parts: list[str | Utterance | float] = [1.0]
    for text in SENTENCES:
        parts += [text, 1.2]
    strict_hits, _ = _run(strict, parts, 20, "pink")
    naive_hits, _ = _run(naive, parts, 20, "pink")
    assert len(naive_hits) > len(strict_hits)


@pytest.mark.parametrize("voice,wpm,snr,kind", VOICES)
def test_rejects_sentences(voice: str, wpm: int, snr: float, kind: str) -> None:
    """Ordinary talk, talk containing command words, guide narration: at most 4 of 8 slip
    through per voice (measured: 4, 1 and 3). A known weakness of the pocketsphinx
    fallback: a short sentence that sounds like a phrase ("the weather is nice today" ->
    "where am i") fits the grammar about as well as a real command does. The acoustic
    threshold trades these against missed commands: at -4.6 this test let 2 per voice
    through but the benchmark missed 85 of 177 clean commands; at -5.3 (tuned on
    tests/asr_devset.py) it misses 21 and lets 8 of these 24 short sentences through."""
    rec, _ = make_recognizer("pocketsphinx")
    parts: list[str | Utterance | float] = [1.0]
    for text in SENTENCES:
        parts += [Utterance(text, voice, wpm), 1.2]
    heard, _ = _run(rec, parts, snr, kind)
    assert len(heard) <= 4, heard


def test_first_phrase_after_digital_silence() -> None:
    """Exact zeros before a clean phrase (a muted or virtual source) used to be misread."""
    signal, _ = compose([0.5, "say that again", 1.0, "go back", 1.0])
    rec, _ = make_recognizer("pocketsphinx")
    pcm = pcm16(signal)
    heard = [*rec.accept(pcm), *rec.flush()]
    assert [h.command.phrase for h in heard] == ["say that again", "go back"]
    # one big block: times must still be per frame, not "end of the block"
    assert all(h.end <= h.emitted_at <= h.end + 0.7 for h in heard)
