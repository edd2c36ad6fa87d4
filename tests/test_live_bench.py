"""The live latency benchmark end to end: a private PulseAudio server, the real
``voice-guide run``, four spoken commands. Checks that the report is written and that what
it measured is plausible (every command found in the recording, an answer found after each
command the guide took, the pauses between sentences found); no latency thresholds."""

from __future__ import annotations

import json
from pathlib import Path

from bench import live_latency


def test_the_live_benchmark_runs_the_guide_and_finds_each_answer(tmp_path: Path) -> None:
    code = live_latency.main(["--commands", "4", "--out", str(tmp_path)])
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    transcript = "\n".join(results["transcript"])
    assert code == 0, transcript
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "end of command -> first sound of the guide" in report
    assert "acknowledgment tone" in report
    assert (tmp_path / "room.wav").stat().st_size > 0
    assert "guide: Step one of six: First hold." in transcript
    trials = results["trials"]
    assert [t["phrase"] for t in trials] == ["pause", "resume", "louder", "quieter"]
    for trial in trials:  # every command played is found in the microphone channel
        assert trial.get("match", 0) > 0.9, trial
    taken = [t for t in trials if t["taken"] is not None]
    assert any(t["kind"] == "quiet" for t in taken), transcript  # clips are screened first
    for trial in taken:
        assert trial["taken"] == trial["intent"], transcript
        if trial["kind"] == "quiet":  # the guide was quiet: its answer is found after the end
            assert 0 < trial["first_sound_s"] < 5, trial
            assert trial["first_sound_s"] <= trial["speech_s"], trial
    # the introduction's sentences follow each other: their pauses are found and sensible
    gaps = results["gaps_s"]
    assert len(gaps) >= 3 and all(0.05 < g < 2.5 for g in gaps), gaps
    summary = results["summary"]
    assert summary["quiet_n"] == 3 and summary["first_sound_s"]["n"] >= 1
    assert summary["unprompted"] == [], transcript  # the mic hears only the commands
