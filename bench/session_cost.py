"""CPU time and peak memory of a voice session and of the idle listening loop.

    python -m bench.session_cost [--seconds 30] [--runs 3] [--engine pocketsphinx]

Each run is a fresh process (``bench.session_worker``) on a private PulseAudio server with
two null sinks (``voice_guide.testing.pulse``): the microphone hears quiet pink room noise
(about -45 dBFS) played into the "mic" sink, the guide speaks into the "speaker" sink.

- session: ``run_voice`` on the back massage (the guide speaks the introduction and the
  first steps with TTS, plays cues, and listens between sentences), stopped after SECONDS.
- idle: the microphone feeding the recognizer, nothing spoken (the listening loop alone).

Start-up (loading the models, opening the devices) is reported apart; the CPU share is
measured from then on. CPU time is user + system of the process and the programs it started (espeak-ng), not the
sound server's. Reported: medians over the runs, as CPU seconds per real second (100% is one
core busy) and peak resident memory. The Raspberry Pi 4 figure is an estimate: this
machine's CPU share times PI4_FACTOR (see ``--help``); it was not measured on a Pi.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.recognition import machine
from voice_guide.asr.names import RECOGNIZERS
from voice_guide.paths import PROJECT_ROOT

# How many times longer a Raspberry Pi 4 core (Cortex-A72, 1.5 GHz) takes for the same
# single-threaded work than one core of a current x86-64 server or desktop. An assumption,
# not a measurement: public single-core scores (e.g. Geekbench 5: Pi 4 about 250-300,
# recent x86-64 cores about 1000-1600) put it at 3.5 to 5.5; we use 4.5.
PI4_FACTOR = 4.5
NOISE_DBFS = -45.0


def _noise_wav(path: Path, seconds: float) -> Path:
    import numpy as np

    from bench.dataset import write_wav
    from bench.noise import pink

    noise = pink(seconds, seed=7)
    rms = float(np.sqrt(np.mean(noise.astype(np.float64) ** 2))) or 1.0
    write_wav(path, (noise * (10 ** (NOISE_DBFS / 20) / rms)).astype(np.float32))
    return path


def one_run(pulse: Any, mode: str, seconds: float, engine: str, noise: Path,
            extra: list[str]) -> dict[str, Any]:
    env = dict(pulse.env)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT),
                                                      env.get("PYTHONPATH", "")]))
    player = pulse.play(noise)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.session_worker", mode, str(seconds), engine, *extra],
            env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=seconds + 120,
        )
    finally:
        player.terminate()
        player.wait(10)
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"{mode} run failed: {done.stderr.strip()[-1500:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def summarize(runs: list[dict[str, Any]]) -> dict[str, float]:
    share = [r["steady_cpu_s"] / r["steady_wall_s"] for r in runs]
    return {
        "runs": len(runs),
        "startup_cpu_s": statistics.median(r["startup_cpu_s"] for r in runs),
        "cpu_percent": 100 * statistics.median(share),
        "cpu_percent_min": 100 * min(share),
        "cpu_percent_max": 100 * max(share),
        "peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in runs),
        "pi4_cpu_percent": 100 * statistics.median(share) * PI4_FACTOR,
    }


def table(summary: dict[str, dict[str, float]], seconds: float) -> str:
    lines = [f"| what ({seconds:g} s real time) | CPU here, after start-up (median, min-max) | "
             f"start-up CPU | peak RSS | Pi 4 estimate (x{PI4_FACTOR:g}) |",
             "|---|---|---|---|---|"]
    names = {"session": "voice session (TTS speaking, recognizer listening)",
             "idle": "idle listening loop (microphone + recognizer)"}
    for mode, s in summary.items():
        lines.append(f"| {names[mode]} | {s['cpu_percent']:.0f}% ({s['cpu_percent_min']:.0f}-"
                     f"{s['cpu_percent_max']:.0f}%) of one core | {s['startup_cpu_s']:.1f} s | "
                     f"{s['peak_rss_mb']:.0f} MB | "
                     f"about {s['pi4_cpu_percent']:.0f}% of one core |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.session_cost", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30.0, help="real time per run")
    parser.add_argument("--runs", type=int, default=3, help="runs per mode (median reported)")
    parser.add_argument("--engine", default="pocketsphinx", choices=RECOGNIZERS)
    parser.add_argument("--model", type=Path, help="Vosk model folder (with --engine vosk)")
    parser.add_argument("--phrases", type=Path, help="phrase file for the recognizer")
    parser.add_argument("--modes", default="session,idle")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    from voice_guide.testing.pulse import private_pulse

    modes = [m for m in args.modes.split(",") if m]
    extra = [str(args.model.resolve()) if args.model else "-"]
    if args.phrases:
        extra.append(str(args.phrases.resolve()))
    results: dict[str, list[dict[str, Any]]] = {m: [] for m in modes}
    with tempfile.TemporaryDirectory() as tmp, private_pulse() as pulse:
        noise = _noise_wav(Path(tmp) / "room.wav", args.seconds + 30)
        for i in range(args.runs):
            for mode in modes:
                run = one_run(pulse, mode, args.seconds, args.engine, noise, extra)
                results[mode].append(run)
                print(f"run {i + 1}/{args.runs} {mode}: start-up {run['startup_cpu_s']:.1f} s "
                      f"CPU, then {run['steady_cpu_s']:.1f} s CPU in {run['steady_wall_s']:.1f} s"
                      f" ({run['sentences_spoken']} sentences spoken), "
                      f"peak {run['peak_rss_mb']:.0f} MB",
                      file=sys.stderr, flush=True)
    summary = {mode: summarize(runs) for mode, runs in results.items()}
    model = f" ({args.model.name})" if args.model else ""
    print(f"Machine: {machine()}; engine: {args.engine}{model}")
    print(table(summary, args.seconds))
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "engine": args.engine,
                                         "seconds": args.seconds, "pi4_factor": PI4_FACTOR,
                                         "summary": summary, "runs": results}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
