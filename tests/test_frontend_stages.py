"""The denoisers, the background judgement, gain control and framing, on real audio."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.audio_synth import RATE, pcm16, speak
from tests.frontend_scenes import under_background
from voice_guide.frontend import FrontEndSettings, make_hearing
from voice_guide.frontend.background import Background
from voice_guide.frontend.factory import describe, make_front_end
from voice_guide.frontend.gain import Gain
from voice_guide.frontend.pcm import FRAME, Framer
from voice_guide.frontend.rnnoise import Rnnoise, library_path
from voice_guide.frontend.webrtc_ns import WebrtcDenoiser
from voice_guide.ports import Heard


def _frames(stage: object, audio: np.ndarray) -> tuple[np.ndarray, list[float]]:
    m = np.clip(audio * 32767, -32768, 32767).astype(np.int16)
    out = np.zeros_like(m)
    probs: list[float] = []
    zero = np.zeros(FRAME, np.int16)
    for at in range(0, m.size - FRAME + 1, FRAME):
        out[at:at + FRAME] = stage.process(m[at:at + FRAME], zero)  # type: ignore[attr-defined]
        probs.append(float(getattr(stage, "speech_probability", 0.0)))
    return out.astype(np.float64) / 32767, probs


def _db(x: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(x.astype(np.float64) ** 2) + 1e-15))


def _hear(audio: np.ndarray, settings: FrontEndSettings) -> list[Heard]:
    hearing, _ = make_hearing("pocketsphinx", front_end=settings)
    pcm = pcm16(audio)
    got: list[Heard] = []
    for at in range(0, len(pcm), 3200):
        got += hearing.accept(pcm[at:at + 3200])
    return got + hearing.flush()


def test_rnnoise_is_loaded_from_the_wheel_library_without_its_python_module() -> None:
    import sys

    assert Path(library_path()).is_file()
    Rnnoise()
    assert "pyrnnoise" not in sys.modules  # its module would pull PyAV and matplotlib


def test_denoisers_take_out_noise_and_keep_speech() -> None:
    from bench import noise

    voice = speak("slide your hands slowly up the back", "en-us", 160) * 0.3
    pink = noise.pink(4.0, 5)[: 4 * RATE] * 0.03
    for stage in (Rnnoise(), WebrtcDenoiser()):
        out, probs = _frames(stage, np.concatenate([pink, voice + pink[: voice.size]]))
        noise_part = slice(RATE, 4 * RATE)  # after a second to adapt
        speech_part = slice(4 * RATE, 4 * RATE + voice.size)
        assert _db(pink[noise_part]) - _db(out[noise_part]) > 10.0, type(stage).__name__
        assert _db(out[speech_part]) > _db(voice) - 6.0, type(stage).__name__
    _, probs = _frames(Rnnoise(), np.concatenate([pink, voice]))
    assert np.mean(probs[100:400]) < np.mean(probs[400:400 + voice.size // FRAME])


def test_commands_under_music_are_heard_with_the_denoiser() -> None:
    for text in ("stop", "slower", "say that again"):
        mixed, said = under_background(text, "en-us", "music", 10.0)
        got = _hear(mixed, FrontEndSettings(denoise="on", echo_cancel=False))
        assert [h.text for h in got] == [text]
        assert said.start - 0.3 <= got[0].start <= said.end


def test_auto_hears_commands_under_music_too() -> None:
    mixed, _ = under_background("slower", "en-us", "music", 10.0)
    assert [h.text for h in _hear(mixed, FrontEndSettings())] == ["slower"]


def test_the_background_is_judged_talk_for_babble_and_not_for_music() -> None:
    from bench import noise
    from bench.voices import Voice

    cache = Path("/tmp/voice-guide-test-babble")
    talk = noise.babble(6.0, ("The shop closes at nine tonight.", "We walked along the river.",
                              "She bought a new bicycle last week."),
                        (Voice("en-us", 160), Voice("en-gb+f4", 170), Voice("en-us+m3", 150)),
                        cache, 3)
    judged = {}
    for name, audio in (("babble", talk), ("music", noise.music(6.0, 3)),
                        ("pink", noise.pink(6.0, 3))):
        front = make_front_end(FrontEndSettings(echo_cancel=False))
        assert front is not None
        background = Background()
        out = front.process(pcm16((audio / np.max(np.abs(audio)) * 0.3).astype(np.float32)))
        background.push(out.speech_probability, out.levels)
        judged[name] = background.talk()
    assert judged == {"babble": True, "music": False, "pink": False}


def test_a_quiet_room_is_heard_on_the_plain_path() -> None:
    background = Background()
    background.push([0.0] * 300, [-90.0] * 300)
    assert background.quiet() and background.talk()


def test_gain_lifts_quiet_speech_and_never_clips() -> None:
    quiet = speak("pause the timer please", "en-us", 160) * 0.03
    voice = np.tile(np.concatenate([quiet, np.zeros(RATE // 2, np.float32)]), 4)
    out, _ = _frames(Gain(), voice)
    tail = slice(voice.size // 2, voice.size)
    assert _db(out[tail]) > _db(voice[tail]) + 6.0
    loud = np.tile(speak("stop", "en-us", 160) * 0.99, 6)
    out, _ = _frames(Gain(), loud)
    assert np.max(np.abs(out)) < 0.99


def test_framer_keeps_every_sample_and_the_reference_in_step() -> None:
    framer = Framer()
    mic = np.arange(1000, dtype=np.int16)
    ref = -np.arange(1000, dtype=np.int16)
    frames = []
    for a, b in ((0, 7), (7, 333), (333, 1000)):
        frames += framer.push(mic[a:b].tobytes(), ref[a:b].tobytes())
    got_mic = np.concatenate([m for m, _ in frames])
    got_ref = np.concatenate([r for _, r in frames])
    assert got_mic.tolist() == list(range(960))
    assert (got_ref == -got_mic).all()
    assert np.frombuffer(framer.rest(), np.int16).tolist() == list(range(960, 1000))
    assert all(not r.any() for _, r in Framer().push(mic[:320].tobytes(), None))


def test_the_start_line_names_every_stage() -> None:
    settings = FrontEndSettings()
    line = describe(make_front_end(settings), settings)
    assert "echo cancellation (speexdsp)" in line and "RNNoise" in line
    assert describe(make_front_end(FrontEndSettings(enabled=False)),
                    FrontEndSettings(enabled=False)) == "front end: off."
