"""The hearing in a child process (what voice sessions use): the same chain, the
reference carried along, CPU time per stage."""

from __future__ import annotations

from tests.audio_synth import pcm16
from tests.frontend_scenes import barge_in_scene
from voice_guide.frontend import FrontEndSettings, make_hearing, make_isolated_hearing
from voice_guide.ports import Heard, Hearing


def _feed(hearing: Hearing, mic: bytes, ref: bytes | None) -> list[Heard]:
    got: list[Heard] = []
    for at in range(0, len(mic), 3200):
        got += hearing.accept(mic[at:at + 3200], ref[at:at + 3200] if ref else None)
    return got + hearing.flush()


def test_isolated_hearing_hears_what_the_in_process_one_hears() -> None:
    mic, played, said = barge_in_scene((("stop", "en-us"),), echo_db=0.0)
    m, r = pcm16(mic), pcm16(played)
    local, line = make_hearing("pocketsphinx")
    isolated, line2 = make_isolated_hearing("pocketsphinx")
    try:
        assert line == line2 and "front end:" in line
        here = _feed(local, m, r)
        there = _feed(isolated, m, r)
        assert [h.text for h in there] == [h.text for h in here] == ["stop"]
        stages = isolated.stage_cpu_s
        assert set(stages) == {"echo", "denoise", "recognizer"}
        assert all(v >= 0.0 for v in stages.values()) and stages["echo"] > 0.0
        isolated.reset()
        assert isinstance(isolated.take_rejected(), list)
    finally:
        isolated.close()
        local.close()


def test_front_end_off_is_the_plain_recognizer() -> None:
    hearing, line = make_hearing("pocketsphinx", front_end=FrontEndSettings(enabled=False))
    assert line.endswith("front end: off.")
    assert set(hearing.stage_cpu_s) == {"recognizer"}
