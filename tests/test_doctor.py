"""`voice-guide doctor` and `voice-guide devices` on a private PulseAudio server: a speaking
microphone is ok, a silent one "too quiet" (non-zero exit), a named but absent device a clear
failure. Speech is espeak-ng played into the "mic" null sink."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.audio_synth import silence, speak, write_wav
from voice_guide.cli.main import main
from voice_guide.doctor.level import judge
from voice_guide.testing.pulse import private_pulse


def test_level_verdicts() -> None:
    rate = 16_000
    t = np.arange(rate * 3) / rate
    speech_like = (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    assert judge(speech_like, rate).verdict == "ok"
    assert judge(np.zeros(rate * 3, dtype=np.float32), rate).verdict == "too quiet"
    hiss = (0.001 * np.random.default_rng(0).standard_normal(rate * 3)).astype(np.float32)
    assert judge(hiss, rate).verdict == "too quiet"
    assert judge(np.clip(speech_like * 8, -1, 1), rate).verdict == "clipping"
    assert judge(np.zeros(10, dtype=np.float32), rate).verdict == "too quiet"


def _lines(out: str, name: str) -> str:
    return "\n".join(line for line in out.splitlines() if f" {name}:" in line)


def test_doctor_on_pulse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    phrase = np.concatenate([speak("next step, say that again", wpm=160), silence(0.3)])
    wav = write_wav(tmp_path / "talk.wav", np.tile(phrase, 12))  # well over the 3 s measured
    with private_pulse() as pulse:
        assert main(["devices"]) == 0
        out = capsys.readouterr().out
        assert "*   1  default" in out and "16k" in out

        # nobody speaks: the monitor of the silent "mic" sink is pure silence
        assert main(["doctor", "--engine", "pocketsphinx", "--seconds", "2"]) == 1
        out = capsys.readouterr().out
        assert "FAIL  microphone: 'default': too quiet" in out, out
        assert "ok    speaker: 'default': played a tone" in out, out
        assert "ok    voice: 'en-us' said" in out, out
        assert "ok    recognizer: pocketsphinx" in out, out
        assert "A session cannot run yet: fix microphone" in out

        player = pulse.play(wav)
        try:
            code = main(["doctor", "--engine", "pocketsphinx"])
        finally:
            player.terminate()
            player.wait(10)
        out = capsys.readouterr().out
        assert "ok    microphone: 'default': ok" in _lines(out, "microphone"), out
        assert code == 0, out
        assert out.rstrip().endswith("A voice session can run.") or "can run (worth" in out

        assert main(["doctor", "--engine", "pocketsphinx", "--input-device", "nosuch-usb-mic",
                     "--output-device", "99"]) == 1
        out = capsys.readouterr().out
        assert "FAIL  microphone: no input device matches 'nosuch-usb-mic'" in out, out
        assert "config set input_device NAME" in out
        assert "FAIL  speaker:" in out and "99" in _lines(out, "speaker"), out


def test_doctor_reports_a_broken_settings_file_and_carries_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text("voice = 'en-us'\nvolume = loud\n", encoding="utf-8")
    monkeypatch.setenv("VOICE_GUIDE_CONFIG", str(settings))
    with private_pulse():
        assert main(["doctor", "--engine", "pocketsphinx", "--seconds", "1"]) == 1
    out = capsys.readouterr().out
    assert f"FAIL  settings: {settings}:2: not valid TOML" in out, out
    assert "ok    recognizer: pocketsphinx" in out  # the other checks still ran
