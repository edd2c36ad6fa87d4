"""One measured run for ``bench.session_cost``: a voice session or the idle listening loop for
a fixed real time, then one JSON line with this process's CPU time and peak memory.

    python -m bench.session_worker session|idle SECONDS ENGINE [MODEL_DIR|- [PHRASE_FILE]]

Run inside the benchmark's private PulseAudio server (its environment is inherited).
"""

from __future__ import annotations

import json
import resource
import signal
import sys
import time
from pathlib import Path
from types import FrameType

from voice_guide.intents import DEFAULT_TABLE, PhraseTable

READY: dict[str, float] = {}
SPOKEN: list[str] = []


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _ready() -> None:
    """Start-up is over (models loaded, devices open): steady-state measuring starts here."""
    READY.setdefault("cpu", _cpu())
    READY.setdefault("wall", time.monotonic())


def _interrupt(_sig: int, _frame: FrameType | None) -> None:
    """Time is up: note CPU and wall time now (shutting down is not part of the cost)."""
    READY.setdefault("end_cpu", _cpu())
    READY.setdefault("end_wall", time.monotonic())
    raise KeyboardInterrupt


def _table(phrases: str | None) -> PhraseTable:
    if not phrases:
        return DEFAULT_TABLE
    from voice_guide.phrase_file import load_phrase_table

    table: PhraseTable = load_phrase_table(Path(phrases))
    return table


def _session(engine: str, model: Path | None, phrases: str | None) -> int:
    from voice_guide.routine.catalog import resolve
    from voice_guide.routine.loader import load_flat
    from voice_guide.settings import GuideSettings
    from voice_guide.shell.voice_run import run_voice

    def echo(line: str) -> None:
        if line.startswith("microphone:"):  # printed once everything is open
            _ready()
        if line.startswith("guide:"):
            SPOKEN.append(line)

    return run_voice(load_flat(resolve("back-massage")), GuideSettings(), engine=engine,
                     model_dir=model, table=_table(phrases), input_device=None,
                     output_device=None,
                     echo=echo)


def _idle(engine: str, model: Path | None, phrases: str | None) -> int:
    from voice_guide.asr.factory import make_recognizer
    from voice_guide.audio.mic import Microphone

    recognizer, _ = make_recognizer(engine, table=_table(phrases), model_dir=model)
    mic = Microphone(None)
    _ready()
    try:
        for block in mic.blocks():
            recognizer.accept(block)
    except KeyboardInterrupt:
        return 130
    finally:
        mic.close()
    return 0


def main(argv: list[str]) -> int:
    mode, seconds, engine = argv[0], float(argv[1]), argv[2]
    model = Path(argv[3]) if len(argv) > 3 and argv[3] != "-" else None
    phrases = argv[4] if len(argv) > 4 else None
    signal.signal(signal.SIGALRM, _interrupt)
    start_wall = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    run = _session if mode == "session" else _idle
    code = run(engine, model, phrases)
    end_wall, end_cpu = READY.get("end_wall", time.monotonic()), READY.get("end_cpu", _cpu())
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    if "cpu" not in READY:
        raise SystemExit(f"the {mode} run never got going (exit {code})")
    print(json.dumps({
        "mode": mode, "exit": code, "wall_s": end_wall - start_wall, "cpu_s": end_cpu,
        "startup_cpu_s": READY["cpu"], "startup_wall_s": READY["wall"] - start_wall,
        "steady_cpu_s": end_cpu - READY["cpu"], "steady_wall_s": end_wall - READY["wall"],
        "shutdown_wall_s": time.monotonic() - end_wall, "sentences_spoken": len(SPOKEN),
        "peak_rss_mb": max(own.ru_maxrss, kids.ru_maxrss) / 1024.0,
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
