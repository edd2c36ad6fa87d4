"""Run one recognizer (or hearing: front end plus recognizer) over the benchmark streams
in this (fresh) process.

Started by ``bench.recognition`` once per engine and variant so that peak
resident memory belongs to that engine alone. The harness itself avoids numpy:
audio is read from the WAV files in 0.1 s blocks, as a microphone would deliver it,
and a stream with a reference WAV (what the speaker played) feeds the same instants of
it beside each block, exactly as ``voice-guide listen --file MIC --reference SPEAKER``.
Prints nothing; writes one JSON result file.

    python -m bench.worker --engine pocketsphinx --lang en --manifest M --out R [--naive]
        [--front-end] [--skip-long] [--part commands:I/K|long:I/K]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import inspect
import json
import resource
import sys
import time
import traceback
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

from voice_guide.intents import PhraseTable
from voice_guide.ports import SAMPLE_RATE, Heard, Recognizer

BLOCK_S = 0.1
FactoryFn = Callable[..., tuple[Recognizer, str]]


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MB (VmHWM, else ru_maxrss)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def load_factory(spec: str) -> FactoryFn:
    """``module:function``; the default is the project's recognizer factory."""
    module_name, _, attr = spec.partition(":")
    factory: FactoryFn = getattr(importlib.import_module(module_name), attr or "make_recognizer")
    return factory


def _table(lang: str) -> PhraseTable:
    from bench import languages

    return languages.english().table if lang == "en" else languages.korean().table


def _record(heard: Heard, fed_s: float, offset: float) -> dict[str, Any]:
    return {
        "intent": heard.command.intent.value,
        "step": heard.command.step,
        "text": heard.text,
        "confidence": heard.confidence,
        "start": heard.start - offset,
        "end": heard.end - offset,
        "engine_emitted_at": heard.emitted_at - offset,
        "received_at": fed_s - offset,
    }


def _open_wav(stack: contextlib.ExitStack[Any], path: str) -> wave.Wave_read:
    w = stack.enter_context(wave.open(path, "rb"))  # noqa: SIM115 - closed by the stack
    if w.getframerate() != SAMPLE_RATE or w.getnchannels() != 1 or w.getsampwidth() != 2:
        raise RuntimeError(f"{path} is not 16 kHz mono 16-bit")
    return w


def select_part(streams: list[dict[str, Any]], part: str) -> list[dict[str, Any]]:
    """"" every stream; "commands:I/K" every K-th stream but the long room stream, from
    the I-th; "long:I/K" every K-th part of the long room stream, from the I-th (so one
    run can be spread over processes)."""
    if not part:
        return streams
    kind, _, share = part.partition(":")
    index, _, count = (share or "0/1").partition("/")
    mine = [s for s in streams if (s["condition"] == "long") == (kind == "long")]
    return mine[int(index) :: int(count)]


def run(args: argparse.Namespace,
        progress: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    """Every selected stream through the recognizer; ``progress`` gets the result so far
    (marked ``partial``) after each stream."""
    streams: list[dict[str, Any]] = json.loads(Path(args.manifest).read_text(encoding="utf-8"))
    streams = [s for s in streams if s["language"] == args.lang]
    if getattr(args, "skip_long", False):
        streams = [s for s in streams if s["condition"] != "long"]
    streams = select_part(streams, getattr(args, "part", "") or "")
    base_rss = peak_rss_mb()
    factory = load_factory(args.factory)
    model_dir = Path(args.model_dir) if args.model_dir else None
    extra: dict[str, Any] = {}
    if getattr(args, "front_end", False):
        from voice_guide.frontend import FrontEndSettings

        extra["front_end"] = FrontEndSettings()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    recognizer, label = factory(args.engine, table=_table(args.lang), model_dir=model_dir,
                                naive=args.naive, **extra)
    load_cpu, load_wall = time.process_time() - cpu0, time.perf_counter() - wall0
    # A Hearing takes what the speaker played beside each block; a bare Recognizer does not.
    takes_reference = "reference" in inspect.signature(recognizer.accept).parameters
    block = int(BLOCK_S * SAMPLE_RATE)
    fed = 0  # samples fed so far, over all streams
    cpu = wall = 0.0
    heard_by_stream: dict[str, list[dict[str, Any]]] = {}
    offset = 0.0

    def snapshot() -> dict[str, Any]:
        return _result(args, recognizer, label, extra, (load_cpu, load_wall), base_rss, cpu,
                       wall, fed / SAMPLE_RATE, heard_by_stream)

    for stream in streams:
        offset = fed / SAMPLE_RATE
        out: list[dict[str, Any]] = []
        ref_path = stream.get("reference")
        with contextlib.ExitStack() as stack:
            w = _open_wav(stack, stream["wav"])
            ref = _open_wav(stack, ref_path) if ref_path else None
            while True:
                pcm = w.readframes(block)
                if not pcm:
                    break
                c0, t0 = time.process_time(), time.perf_counter()
                if ref is not None and takes_reference:
                    played = ref.readframes(len(pcm) // 2).ljust(len(pcm), b"\0")
                    got = recognizer.accept(pcm, played)  # type: ignore[call-arg]
                else:
                    got = recognizer.accept(pcm)
                cpu += time.process_time() - c0
                wall += time.perf_counter() - t0
                fed += len(pcm) // 2
                out.extend(_record(h, fed / SAMPLE_RATE, offset) for h in got)
        heard_by_stream[stream["name"]] = out
        if progress is not None and stream is not streams[-1]:
            progress({**snapshot(), "partial": True})
    c0, t0 = time.process_time(), time.perf_counter()
    tail = recognizer.flush()
    cpu += time.process_time() - c0
    wall += time.perf_counter() - t0
    if streams and tail:
        last = streams[-1]["name"]
        heard_by_stream[last].extend(_record(h, fed / SAMPLE_RATE, offset) for h in tail)
    return snapshot()


def _result(args: argparse.Namespace, recognizer: Any, label: str, extra: dict[str, Any],
            load: tuple[float, float], base_rss: float, cpu: float, wall: float,
            audio_s: float, heard_by_stream: dict[str, list[dict[str, Any]]]
            ) -> dict[str, Any]:
    load_cpu, load_wall = load
    stages = getattr(recognizer, "stage_cpu_s", None)
    return {
        "engine": args.engine,
        "naive": args.naive,
        "front_end": bool(extra),
        "stage_cpu_s": dict(stages) if stages else {"recognizer": cpu},
        "language": args.lang,
        "recognizer": getattr(recognizer, "name", label),
        "label": label,
        "load_cpu_s": load_cpu,
        "load_wall_s": load_wall,
        "cpu_s": cpu,
        "wall_s": wall,
        "audio_s": audio_s,
        "base_rss_mb": base_rss,
        "peak_rss_mb": peak_rss_mb(),
        "heard": dict(heard_by_stream),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    parser.add_argument("--engine", required=True)
    parser.add_argument("--lang", required=True, choices=("en", "ko"))
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--naive", action="store_true")
    parser.add_argument("--front-end", action="store_true",
                        help="pass front_end=FrontEndSettings() to the factory")
    parser.add_argument("--part", default="", help="commands:I/K or long:I/K (see select_part)")
    parser.add_argument("--skip-long", action="store_true",
                        help="leave out the long non-command room stream")
    parser.add_argument("--model-dir", default="")
    parser.add_argument("--factory", default="voice_guide.asr.factory:make_recognizer")
    args = parser.parse_args(argv)

    def save(result: dict[str, Any]) -> None:
        tmp = Path(args.out + ".tmp")
        tmp.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        tmp.replace(args.out)

    try:
        result = run(args, save)
    except Exception as err:  # reported to the parent, which prints one line per failure
        result = {"engine": args.engine, "naive": args.naive, "language": args.lang,
                  "error": f"{type(err).__name__}: {err}", "traceback": traceback.format_exc()}
    save(result)
    return 0 if "error" not in result else 2


if __name__ == "__main__":
    sys.exit(main())
