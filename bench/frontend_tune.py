"""Tuning the audio front end on the development set (``tests/asr_devset.py``) only.

Runs each front-end variant over the dev streams (clean, music, babble, pink at 10 dB
and the non-command speech) and prints accuracy per condition. For ``auto`` both paths
are decoded once, every command is recorded with the background level measured when it
was said, and the threshold is swept offline. The benchmark's test set is never used.

    .venv/bin/python -m bench.frontend_tune [--out /tmp/fe-dev] [--variants off,plain,on,auto]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from bench import dataset, score, worker
from voice_guide.frontend.factory import make_hearing
from voice_guide.frontend.hearing import ChainHearing
from voice_guide.frontend.settings import OFF, FrontEndSettings
from voice_guide.intents import PhraseTable
from voice_guide.ports import Heard

VARIANTS: dict[str, FrontEndSettings] = {
    "off": OFF,  # today's path: no stage at all
    "plain": FrontEndSettings(denoise="off"),  # echo cancellation only
    "gain": FrontEndSettings(denoise="off", gain=True),  # echo cancellation and gain
    "vad": FrontEndSettings(denoise="off", vad=True),  # echo cancellation and Silero gate
    "vad-on": FrontEndSettings(denoise="on", vad=True),
    "vad-auto": FrontEndSettings(vad=True),
    "on": FrontEndSettings(denoise="on"),
    "auto": FrontEndSettings(denoise="auto"),
}
THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)

_current: FrontEndSettings = OFF


class _BothPaths(ChainHearing):
    """auto, but keeping every command of both paths, marked with the path and the
    background level when it was said (in front of the text: "plain 0.4200|next")."""

    def _choose(self, plain: list[Heard], denoised: list[Heard]) -> list[Heard]:
        bg = self._background
        assert bg is not None
        return ([dataclasses.replace(h, text=f"plain {bg.level_at(h.start):.4f}|{h.text}")
                 for h in plain]
                + [dataclasses.replace(h, text=f"clean {bg.level_at(h.start):.4f}|{h.text}")
                   for h in denoised])


def factory(engine: str, *, table: PhraseTable | None = None, model_dir: Path | None = None,
            naive: bool = False) -> tuple[Any, str]:
    hearing, line = make_hearing(engine, table=table, model_dir=model_dir,
                                 front_end=_current, naive=naive)
    if _current.denoise == "auto" and _current.enabled:
        hearing.__class__ = _BothPaths
    return hearing, line


def _pick(result: dict[str, Any], threshold: float) -> dict[str, Any]:
    heard: dict[str, list[dict[str, Any]]] = {}
    for name, items in result["heard"].items():
        heard[name] = [{**h, "text": h["text"].split("|", 1)[1]} for h in items
                       if _keep(h, threshold)]
    return {**result, "heard": heard}


def _keep(record: dict[str, Any], threshold: float) -> bool:
    path, level = record["text"].split("|", 1)[0].split()
    return bool((path == "plain") == (float(level) > threshold))


def _print(label: str, summary: dict[str, Any]) -> None:
    rows = summary["conditions"]
    cells = " ".join(f"{c} {r['correct']:3d}/{r['utterances']:3d} (ins {r['insertions']})"
                     for c, r in rows.items())
    sp = summary["speech"]
    print(f"{label:10s} {cells}  false {sp['false_commands']} ({sp['false_per_hour']:.1f}/h)"
          f" rtf {summary['rtf_cpu']:.3f}", flush=True)


def _bargein(lang: Any, cache: Path, variant: str) -> None:
    from bench import frontend_bargein
    from tests.asr_devset import SEED

    for delay, echo_db in frontend_bargein.CONDITIONS:
        take = frontend_bargein.build(lang, cache, SEED, delay, echo_db)
        right, said, extra = frontend_bargein.score(take, VARIANTS[variant], lang.table)
        alone = frontend_bargein.build(lang, cache, SEED, delay, echo_db, with_commands=False)
        _, _, false = frontend_bargein.score(alone, VARIANTS[variant], lang.table)
        minutes = len(alone.mic) / 2 / 16000 / 60
        print(f"bargein {variant} delay {delay:.0f} ms echo {echo_db:+.0f} dB: {right}/{said}"
              f" right, {extra} extra; narration alone {minutes:.1f} min: {false} false",
              flush=True)


def main(argv: list[str] | None = None) -> int:
    global _current
    from tests.asr_devset import SEED, dev_language

    parser = argparse.ArgumentParser(prog="python -m bench.frontend_tune")
    parser.add_argument("--out", default="/tmp/fe-dev")
    parser.add_argument("--variants", default="off,plain,on,auto")
    args = parser.parse_args(argv)
    out = Path(args.out)
    lang = dev_language("en")
    plan = dataset.Plan(command_reps=2, speech_reps=6)
    streams = dataset.build(lang, plan, out / "en", out / "cache", SEED)
    manifest = out / "en" / "manifest.json"
    dataset.save_manifest(streams, manifest)
    for variant in args.variants.split(","):
        if variant.startswith("bargein"):
            _bargein(lang, out / "cache", variant.partition(":")[2] or "plain")
            continue
        _current = VARIANTS[variant]
        ns = SimpleNamespace(manifest=str(manifest), lang="en", engine="pocketsphinx",
                             model_dir="", naive=False, factory=f"{__name__}:factory")
        result = worker.run(ns)  # type: ignore[arg-type]
        if variant != "auto":
            _print(variant, score.summarize(streams, result))
            continue
        for threshold in THRESHOLDS:
            _print(f"auto {threshold:.1f}", score.summarize(streams, _pick(result, threshold)))
        _print("auto both", score.summarize(streams, _pick(result, -1.0) | {
            "heard": {n: [{**h, "text": h["text"].split("|", 1)[1]} for h in items]
                      for n, items in result["heard"].items()}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
