"""Echo cancellation: the guide's own narration (espeak-ng) through a simulated room,
with and without commands said over it."""

from __future__ import annotations

import numpy as np

from tests.audio_synth import RATE, pcm16
from tests.frontend_scenes import Said, barge_in_scene, narration
from voice_guide.frontend import FrontEndSettings, make_hearing
from voice_guide.frontend.echo import EchoCanceller
from voice_guide.frontend.echo_gate import EchoGate
from voice_guide.frontend.pcm import FRAME
from voice_guide.frontend.simulated_room import echo_path
from voice_guide.frontend.speex_echo import SpeexEcho
from voice_guide.ports import Heard

COMMANDS = (("stop", "en-us"), ("say that again", "en-us"), ("slower", "en-us"))


def _hear(mic: np.ndarray, ref: np.ndarray | None, settings: FrontEndSettings) -> list[Heard]:
    hearing, _ = make_hearing("pocketsphinx", front_end=settings)
    m = pcm16(mic)
    r = pcm16(ref) if ref is not None else None
    got: list[Heard] = []
    block = 3200  # 100 ms, as the microphone delivers
    for at in range(0, len(m), block):
        got += hearing.accept(m[at:at + block], r[at:at + block] if r is not None else None)
    return got + hearing.flush()


def _run(stage: object, mic: np.ndarray, ref: np.ndarray) -> np.ndarray:
    m = (mic * 32767).astype(np.int16)
    r = (ref * 32767).astype(np.int16)
    out = np.zeros_like(m)
    for at in range(0, m.size - FRAME + 1, FRAME):
        out[at:at + FRAME] = stage.process(m[at:at + FRAME], r[at:at + FRAME])  # type: ignore[attr-defined]
    return out.astype(np.float64) / 32767


def _db(x: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(x.astype(np.float64) ** 2) + 1e-15))


def _matches(got: list[Heard], said: list[Said]) -> int:
    """How many said commands were heard, right and in place; nothing else was heard."""
    right = 0
    for h in got:
        where = [s for s in said if s.start - 0.3 <= h.start <= s.end]
        assert where and where[0].text == h.text, (h, said)
        right += 1
    return right


def test_commands_over_the_narration_are_heard_with_echo_cancellation() -> None:
    mic, played, said = barge_in_scene(COMMANDS, echo_db=0.0)  # echo as loud as the command
    assert _matches(_hear(mic, played, FrontEndSettings()), said) == len(said)


def test_commands_under_a_louder_echo_are_mostly_heard() -> None:
    mic, played, said = barge_in_scene(COMMANDS, echo_db=6.0)  # echo 6 dB louder
    assert _matches(_hear(mic, played, FrontEndSettings()), said) >= 2


def test_narration_alone_gives_no_command() -> None:
    """The guide's own voice, including "say next to move on", never triggers a command."""
    played = np.tile(narration(), 2)
    for delay_ms in (20.0, 120.0):
        mic = echo_path(played, delay_ms, 0.3, seed=2) * 2.0  # loud: speaker near the mic
        assert _hear(mic, played, FrontEndSettings()) == []


def test_each_canceller_removes_most_of_the_echo() -> None:
    played = narration()
    mic = echo_path(played, 80.0, 0.3, seed=4)
    late = slice(mic.size // 2, mic.size)  # after the filters have adapted
    for stage in (SpeexEcho(gate=False), EchoCanceller(gate=False)):
        out = _run(stage, mic, played)
        assert _db(mic[late]) - _db(out[late]) > 12.0, type(stage).__name__


def test_the_gate_leaves_a_voice_alone_when_no_echo_reaches_the_microphone() -> None:
    """Headphones or a far speaker: the reference plays, the microphone hears only the
    person; nothing may be gated."""
    from tests.audio_synth import speak

    voice = np.concatenate([np.zeros(RATE), speak("stop", "en-us", 160) * 0.3,
                            np.zeros(RATE)]).astype(np.float32)
    played = narration()[: voice.size]
    gate = EchoGate()
    m = (voice * 32767).astype(np.int16)
    r = (played * 32767).astype(np.int16)
    for at in range(0, m.size - FRAME + 1, FRAME):
        gate.process(m[at:at + FRAME], m[at:at + FRAME], r[at:at + FRAME])
    assert gate.gated_frames == 0
