"""The recognition benchmark: its scoring and mixing, and a real quick run on pocketsphinx."""

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

from bench import noise, score  # noqa: E402
from bench.dataset import Segment, Stream  # noqa: E402
from bench.synth import trim  # noqa: E402

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
         "--factory", "voice_guide.asr.no_such_module:make", "--out", str(tmp_path)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert "bench: run failed: pocketsphinx-en-tuned: ModuleNotFoundError" in done.stderr
    assert "| pocketsphinx, tuned | failed: ModuleNotFoundError" in done.stdout


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
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    report_text = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert report_text in done.stdout
    assert "| **target** | ≥ 98% |" in report_text
    runs = results["runs"]
    assert [(r["engine"], r["naive"]) for r in runs] == [
        ("pocketsphinx", False),
        ("pocketsphinx", True),
    ]
    assert results["dataset"]["en"]["utterances"] > 0
    assert results["dataset"]["en"]["speech_minutes"] > 0
    for run in runs:
        assert set(run["conditions"]) == {"clean", "music", "babble", "pink"}
        for cond in run["conditions"].values():
            assert cond["utterances"] == cond["correct"] + cond["substitutions"] + cond["misses"]
            assert 0.0 <= cond["accuracy"] <= 1.0
        # Real speech, clean: a working recognizer gets at least some of it right.
        assert run["conditions"]["clean"]["correct"] >= 1
        assert run["latency_n"] >= 1
        assert -1.0 < run["latency_p50_s"] <= run["latency_p95_s"] < score.MAX_LATENCY_S
        assert run["speech"]["false_per_hour"] >= 0.0
        assert 0.0 < run["rtf_cpu"] < 2.0
        assert 20.0 < run["peak_rss_mb"] < 2000.0
        assert run["peak_rss_mb"] >= run["base_rss_mb"]
