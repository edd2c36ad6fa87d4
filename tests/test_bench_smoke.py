"""The recognition benchmark: its scoring, mixing and echo path, and a real quick run on
pocketsphinx: naive baseline, today's chain and the front end, side by side."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from voice_guide.paths import PROJECT_ROOT

if str(PROJECT_ROOT) not in sys.path:  # bench/ is not installed; plain `pytest` needs this
    sys.path.insert(0, str(PROJECT_ROOT))

from bench import noise, recognition, report, room, score, worker  # noqa: E402
from bench.dataset import Segment, Stream  # noqa: E402
from bench.synth import trim  # noqa: E402
from voice_guide.ports import SAMPLE_RATE  # noqa: E402

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None or shutil.which("sox") is None,
    reason="espeak-ng and sox are needed to synthesize the test set (scripts/setup.sh)",
)


def _heard(intent: str, at: float, step: int | None = None) -> dict[str, Any]:
    return {"intent": intent, "step": step, "text": intent, "received_at": at}


def _stream(condition: str, segments: list[Segment]) -> Stream:
    return Stream(f"en-{condition}", "en", condition, "unused.wav", 20.0, segments)


def test_alignment_counts_hits_substitutions_misses_and_insertions() -> None:
    segs = [
        Segment("next", "v", 1.0, 1.5, "next"),
        Segment("go to step five", "v", 4.0, 5.0, "goto", 5),
        Segment("pause", "v", 8.0, 8.5, "pause"),
        Segment("louder", "v", 12.0, 12.4, "louder"),
    ]
    heard = [
        _heard("next", 1.7),  # hit, 0.2 s late
        _heard("next", 1.8),  # repeat inside the window: insertion
        _heard("goto", 5.3, step=6),  # wrong step: substitution
        _heard("louder", 12.6),  # hit, 0.2 s late
        _heard("yes", 16.0),  # outside every window: insertion
    ]
    s = score.score_commands(_stream("clean", segs), heard)
    assert (s.correct, s.substitutions, s.misses, s.insertions) == (2, 1, 1, 2)
    assert s.accuracy == pytest.approx(0.5)
    assert s.latencies == pytest.approx([0.2, 0.2])
    assert s.confusions == {"goto -> goto": 1}
    assert s.matrix == {"next": {"next": 1}, "goto": {"goto": 1}, "pause": {score.MISSED: 1},
                        "louder": {"louder": 1}}


def test_confusion_matrix_sums_conditions_and_lists_confused_pairs() -> None:
    segs = [Segment("quit", "v", 1.0, 1.5, "quit"), Segment("wait", "v", 5.0, 5.5, "pause"),
            Segment("quit", "v", 9.0, 9.5, "quit")]
    heard = [_heard("pause", 1.8), _heard("pause", 5.9)]
    row = {"engine": "pocketsphinx", "naive": False, "language": "en", "variant": "frontend",
           "conditions": {}}
    for cond in ("clean", "music"):
        s = score.score_commands(_stream(cond, segs), heard)
        row["conditions"][cond] = {"matrix": s.matrix}
    pairs = "\n".join(report.confusion_lines([row]))
    assert "quit → pause: 2" in pairs
    table = "\n".join(report.matrix_table(row))
    assert "| quit | 2 | 2 | 0% |" in table  # heard as pause twice, missed twice
    assert "| pause | **2** |  | 100% |" in table


def test_echo_path_delays_reverberates_and_hits_the_echo_level() -> None:
    path = room.EchoPath(delay_s=0.05, rt60_s=0.4, level_db=6.0, seed=3)
    ir = room.impulse_response(path)
    assert int(np.argmax(np.abs(ir))) == int(0.05 * SAMPLE_RATE)  # the direct sound
    tail = ir[int(0.05 * SAMPLE_RATE) + 1 :].astype(np.float64)
    early = float(np.sum(tail[: SAMPLE_RATE // 10] ** 2))
    late = float(np.sum(tail[SAMPLE_RATE // 5 : 3 * SAMPLE_RATE // 10] ** 2))
    assert 10 * np.log10(early / late) > 10  # decays: ~60 dB per RT60
    impulse = np.zeros(SAMPLE_RATE, dtype=np.float32)
    impulse[100] = 1.0
    heard = room.speaker_to_mic(impulse, path)
    assert len(heard) == SAMPLE_RATE
    assert int(np.argmax(np.abs(heard))) == 100 + int(0.05 * SAMPLE_RATE)
    rng = np.random.default_rng(2)
    speech = np.zeros(4 * SAMPLE_RATE, dtype=np.float32)
    speech[SAMPLE_RATE : 2 * SAMPLE_RATE] = 0.1 * rng.standard_normal(SAMPLE_RATE)
    played = 0.3 * rng.standard_normal(4 * SAMPLE_RATE).astype(np.float32)
    echo = room.speaker_to_mic(played, path)
    mic, gain = room.mix_echo(speech, (speech != 0).astype(np.float32), echo,
                              np.ones_like(played), path.level_db)
    level = 10 * np.log10(noise.power(mic - speech) / noise.power(speech[speech != 0]))
    assert level == pytest.approx(6.0, abs=0.01)
    assert gain > 0


def test_late_emission_beyond_the_latency_limit_is_a_miss() -> None:
    segs = [Segment("next", "v", 1.0, 1.5, "next")]
    s = score.score_commands(_stream("clean", segs), [_heard("next", 1.5 + score.MAX_LATENCY_S)])
    assert (s.correct, s.misses, s.insertions) == (0, 1, 1)


def test_false_commands_per_hour_and_upper_bound() -> None:
    stream = Stream(
        "en-speech",
        "en",
        "speech",
        "unused.wav",
        1800.0,
        [Segment("stop by the store", "v", 10.0, 11.0)],
    )
    s = score.score_speech(stream, [_heard("pause", 10.8)])
    assert s.per_hour == pytest.approx(2.0)
    assert s.triggers[0]["while_saying"] == "stop by the store"
    assert score.poisson_upper(0, 0.95) == pytest.approx(2.996, abs=1e-3)
    assert s.upper_95_per_hour == pytest.approx(2 * 4.744, abs=1e-2)


def test_mixing_hits_the_requested_snr() -> None:
    rng = np.random.default_rng(1)
    speech = np.zeros(32000, dtype=np.float32)
    speech[8000:16000] = 0.3 * rng.standard_normal(8000).astype(np.float32)
    mask = (speech != 0).astype(np.float32)
    for bg in (noise.pink(2.0, 3), noise.music(2.0, 3)):
        mixed = noise.mix_at_snr(speech, mask, bg[:32000], 10.0)
        added = mixed - speech
        snr = 10 * np.log10(noise.power(speech[mask > 0]) / noise.power(added))
        assert snr == pytest.approx(10.0, abs=0.01)


def test_pink_noise_falls_about_3_db_per_octave() -> None:
    x = noise.pink(8.0, 5).astype(np.float64)
    spec = np.abs(np.fft.rfft(x)) ** 2
    freqs = np.fft.rfftfreq(len(x), 1 / 16000)

    def band(lo: float) -> float:
        return float(spec[(freqs >= lo) & (freqs < 2 * lo)].mean())

    drop = 10 * np.log10(band(500) / band(1000))
    assert 2.0 < drop < 4.0


def test_trim_cuts_silence_but_keeps_the_sound() -> None:
    tone = 0.5 * np.sin(np.linspace(0, 400 * np.pi, 8000)).astype(np.float32)
    padded = np.concatenate([np.zeros(16000, np.float32), tone, np.zeros(16000, np.float32)])
    cut = trim(padded)
    assert 8000 <= len(cut) <= 8000 + 4 * 160 + 320


def test_a_front_end_run_spread_over_processes_is_merged_back() -> None:
    streams = [{"name": n, "condition": c} for n, c in
               (("en-clean", "clean"), ("en-speech", "speech"), ("en-long-00", "long"),
                ("en-long-01", "long"), ("en-long-02", "long"))]
    assert [s["name"] for s in worker.select_part(streams, "commands:0/1")] == ["en-clean",
                                                                               "en-speech"]
    assert [s["name"] for s in worker.select_part(streams, "commands:1/2")] == ["en-speech"]
    assert [s["name"] for s in worker.select_part(streams, "long:0/2")] == ["en-long-00",
                                                                            "en-long-02"]
    assert [s["name"] for s in worker.select_part(streams, "long:1/2")] == ["en-long-01"]
    run = recognition.Run("pocketsphinx", "en", "frontend")
    assert recognition.run_parts(run, 2) == ["commands:0/2", "commands:1/2", "long:0/2",
                                             "long:1/2"]
    assert recognition.run_parts(recognition.Run("pocketsphinx", "en", "naive"), 2) == [""]

    def part(heard: str, cpu: float, rss: float) -> dict[str, Any]:
        return {"heard": {heard: []}, "cpu_s": cpu, "wall_s": cpu, "audio_s": 10.0,
                "stage_cpu_s": {"echo": cpu / 2, "recognizer": cpu / 2},
                "peak_rss_mb": rss, "base_rss_mb": 14.0, "engine": "pocketsphinx"}

    merged = recognition.merge_parts([part("en-clean", 1.0, 200.0), part("en-long-00", 3.0,
                                                                         250.0)])
    assert set(merged["heard"]) == {"en-clean", "en-long-00"}
    assert (merged["cpu_s"], merged["audio_s"], merged["peak_rss_mb"]) == (4.0, 20.0, 250.0)
    assert merged["stage_cpu_s"] == {"echo": 2.0, "recognizer": 2.0}
    failed = recognition.merge_parts([part("en-clean", 1.0, 1.0), {"error": "boom"}])
    assert failed == {"error": "boom"}


def test_unknown_engine_is_one_clear_sentence(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.recognition", "--engines", "whisper", "--out", str(tmp_path)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "bench: unknown engine whisper in --engines; choose from pocketsphinx, vosk, "
        "separated by commas"
    )


def test_unknown_variant_is_one_clear_sentence(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.recognition", "--variants", "tuned,best", "--out",
         str(tmp_path)], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "bench: unknown variant best in --variants; choose from naive, tuned, frontend, "
        "separated by commas")


def test_unwritable_out_is_one_clear_sentence(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "bench.recognition", "--out", str(blocker / "out")],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith(f"bench: cannot write to --out {blocker / 'out'} (")
    assert len(done.stderr.strip().splitlines()) == 1


@needs_espeak
def test_a_broken_engine_is_reported_not_hidden(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.recognition", "--quick", "--engines", "pocketsphinx",
         "--variants", "tuned", "--factory", "voice_guide.asr.no_such_module:make",
         "--out", str(tmp_path)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 1
    assert "bench: run failed: pocketsphinx-en-tuned: ModuleNotFoundError" in done.stderr
    assert ("| pocketsphinx, today's chain (tuned, no front end) | failed: ModuleNotFoundError"
            in done.stdout)


@needs_espeak
def test_quick_run_on_real_pocketsphinx_reports_every_metric(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.recognition",
            "--quick",
            "--engines",
            "pocketsphinx",
            "--out",
            str(tmp_path),
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=1200,  # a hang guard: a busy machine slows the three runs a lot
    )
    assert done.returncode == 0, done.stderr
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    report_text = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert report_text in done.stdout
    assert "| **target** | ≥ 98% | ≥ 96% | ≥ 96% | ≥ 85% | — | ≥ 90% | ≥ 90% |" in report_text
    for section in ("## Confusions", "### Confusion matrix: pocketsphinx, front end + tuned",
                    "## Real-time factor per stage", "## Accuracy per synthesizer"):
        assert section in report_text
    runs = results["runs"]
    assert [(r["engine"], r["variant"]) for r in runs] == [
        ("pocketsphinx", "naive"), ("pocketsphinx", "tuned"), ("pocketsphinx", "frontend")]
    ds = results["dataset"]["en"]
    assert ds["utterances"] > 0 and ds["speech_minutes"] > 0 and ds["long_minutes"] > 0
    assert ds["held_out_voices"], "flite voices (scripts/setup.sh --test installs flite)"
    for run in runs:
        assert set(run["conditions"]) == {"clean", "music", "pink", "babble", "babble5",
                                          "echo0", "echo6"}
        for cond in run["conditions"].values():
            assert cond["utterances"] == cond["correct"] + cond["substitutions"] + cond["misses"]
            assert cond["utterances"] == sum(sum(r.values()) for r in cond["matrix"].values())
            assert 0.0 <= cond["accuracy"] <= 1.0
            assert {v.split(":")[0] for v in cond["by_voice"]} >= {"flite"}
        # Real speech, clean: a working recognizer gets at least some of it right.
        assert run["conditions"]["clean"]["correct"] >= 1
        assert run["latency_n"] >= 1
        assert -1.0 < run["latency_p50_s"] <= run["latency_p95_s"] < score.MAX_LATENCY_S
        assert run["speech"]["false_per_hour"] >= 0.0
        assert 0.0 < run["rtf_cpu"] < 2.0
        assert 20.0 < run["peak_rss_mb"] < 2000.0
        assert run["peak_rss_mb"] >= run["base_rss_mb"]
        # The naive baseline leaves out the long room stream; the others hear it.
        assert (run["long"] is None) == (run["variant"] == "naive")
    front = runs[2]
    assert front["front_end"] and not runs[1]["front_end"]
    assert {"echo", "denoise", "recognizer"} <= set(front["stage_rtf"])
    assert sum(front["stage_rtf"].values()) <= front["rtf_cpu"] + 1e-6
    assert front["description"].count("front end") == 1
