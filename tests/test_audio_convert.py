"""Rate conversion measured on real tones, and the "one of each" rule for audio plumbing:
one decoder, one resampler, one way to load PortAudio and name a device, one speech-time
formula, one list of engine names."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np
import pytest

from voice_guide.asr.names import ENGINES, RECOGNIZERS
from voice_guide.audio.convert import Resampler, resample
from voice_guide.audio.portaudio import parse_device
from voice_guide.cli.main import build_parser
from voice_guide.simulation import SENTENCE_GAP_S, speech_seconds
from voice_guide.speech.duration import speaking_s
from voice_guide.speech.tts_worker import hang_limit_s

ROOT = Path(__file__).resolve().parents[1] / "voice_guide"


def _tone(freq: float, rate: int, seconds: float = 1.0) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def _level_db(samples: np.ndarray, rate: int, freq: float) -> float:
    """Level of the component at ``freq`` (Hann-windowed spectrum, middle of the signal)."""
    mid = samples[samples.size // 4 : samples.size * 3 // 4].astype(np.float64)
    spectrum = np.abs(np.fft.rfft(mid * np.hanning(mid.size)))
    freqs = np.fft.rfftfreq(mid.size, 1 / rate)
    near = np.abs(freqs - freq) < 30
    return float(20 * np.log10(spectrum[near].max() + 1e-12))


@pytest.mark.parametrize("src", [44_100, 48_000, 22_050])
def test_downsampling_keeps_7_khz_within_1_db(src: int) -> None:
    tone = _tone(7_000, src)
    out = resample(tone, src, 16_000)
    loss = _level_db(tone, src, 7_000) - _level_db(out, 16_000, 7_000)
    # compensate the window length difference: same seconds, different sample counts
    loss -= 20 * np.log10(tone.size / 2 / (out.size / 2))
    assert abs(loss) < 1.0, f"7 kHz changed by {loss:.1f} dB going {src} -> 16000 Hz"


@pytest.mark.parametrize("dst", [44_100, 48_000])
def test_upsampling_speech_rate_leaves_no_audible_image(dst: int) -> None:
    """espeak-ng's 22.05 kHz played on a 44.1/48 kHz device: the mirror image of a 7 kHz tone
    (at 22050 - 7000 Hz) must sit at least 60 dB below the tone."""
    out = resample(_tone(7_000, 22_050), 22_050, dst)
    tone_db = _level_db(out, dst, 7_000)
    image_db = _level_db(out, dst, 22_050 - 7_000)
    assert tone_db - image_db >= 60, f"image only {tone_db - image_db:.0f} dB down"


def test_streaming_matches_whole_signal() -> None:
    tone = _tone(440, 44_100)
    whole = resample(tone, 44_100, 16_000)
    r = Resampler(44_100, 16_000)
    pieces = [r.process(tone[i : i + 1234]) for i in range(0, tone.size, 1234)]
    pieces.append(r.process(tone[:0], final=True))
    streamed = np.concatenate(pieces)
    assert streamed.size == whole.size == 16_000
    assert np.max(np.abs(whole - streamed)) < 1e-3


def _sources() -> dict[str, str]:
    return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in ROOT.rglob("*.py")}


def test_one_decoder_one_portaudio_loader() -> None:
    sources = _sources()
    wav_parsers = [n for n, s in sources.items() if re.search(r"b[\"']RIFF[\"']|b[\"']fmt ", s)]
    assert wav_parsers == [], f"hand-written WAV parsing in {wav_parsers}"
    audio_parts = ("audio/", "asr/", "speech/", "shell/", "cli/listen_cmd.py", "cli/run_cmd.py")
    loaders = [n for n, s in sources.items() if n.startswith(audio_parts)
               and re.search(r"^\s*import sounddevice", s, re.M)]
    assert loaders == ["audio/portaudio.py"]
    isdigit = [n for n, s in sources.items()
               if ".isdigit()" in s and n.startswith(("audio/", "shell/", "speech/"))]
    assert isdigit == ["audio/portaudio.py"]
    resamplers = [n for n, s in sources.items() if "np.interp(" in s or "soxr." in s]
    assert resamplers == ["audio/convert.py"]


@pytest.mark.parametrize("given,expected", [(None, None), ("", None), ("3", 3), (2, 2),
                                            (" pulse ", "pulse"), ("USB Mic", "USB Mic")])
def test_device_names_parse_one_way(given: str | int | None, expected: object) -> None:
    assert parse_device(given) == expected


def test_one_speech_time_formula() -> None:
    text = "press gently along both sides of the spine"
    assert speech_seconds(text, 150) == pytest.approx(speaking_s(text, 150) + SENTENCE_GAP_S)
    assert hang_limit_s(text, 150, 1.0) == pytest.approx(2 * speaking_s(text, 150) + 1.0)


def _engine_choices(command: str) -> tuple[str, ...]:
    parser = build_parser([command])
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    action = next(a for a in sub.choices[command]._actions if "--engine" in a.option_strings)
    assert action.choices is not None
    return tuple(action.choices)


def test_one_list_of_engine_names() -> None:
    from bench.recognition import ENGINES as BENCH_ENGINES

    assert ENGINES[0] == "auto" and ENGINES[1:] == RECOGNIZERS
    assert _engine_choices("listen") == ENGINES
    assert _engine_choices("run") == ENGINES
    assert set(BENCH_ENGINES) == set(RECOGNIZERS)
