"""Align what a recognizer emitted with the ground truth, and compute the metrics.

A command phrase counts as recognized when an emission with the right intent
(and, for "go to step", the right step) arrives between the phrase's start and
``MAX_LATENCY_S`` after its end (or the next phrase's start, if sooner). An
emission with another intent in that window is a substitution; no emission is
a miss. Emissions outside every window, and repeats inside one, are insertions.
Every emission during a non-command stream is a false command.

The confusion matrix counts, per intent said, the intent heard first inside its window
(``MISSED`` when nothing was).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from bench.dataset import Segment, Stream

MAX_LATENCY_S = 1.5
MISSED = "(missed)"
ECHO_CONDITIONS = ("echo0", "echo6")  # commands over the guide's narration (barge-in)


@dataclass
class ConditionScore:
    """Counts for one command stream."""

    condition: str
    utterances: int = 0
    correct: int = 0
    substitutions: int = 0
    misses: int = 0
    insertions: int = 0
    audio_s: float = 0.0
    latencies: list[float] = field(default_factory=list)
    confusions: dict[str, int] = field(default_factory=dict)
    by_voice: dict[str, list[int]] = field(default_factory=dict)  # voice -> [correct, total]
    by_intent: dict[str, list[int]] = field(default_factory=dict)  # intent -> [correct, total]
    matrix: dict[str, dict[str, int]] = field(default_factory=dict)  # said -> heard -> count

    def _confuse(self, said: str, heard: str) -> None:
        row = self.matrix.setdefault(said, {})
        row[heard] = row.get(heard, 0) + 1

    def _tally(self, seg: Segment, ok: bool) -> None:
        for table, key in ((self.by_voice, seg.voice), (self.by_intent, seg.intent or "")):
            pair = table.setdefault(key, [0, 0])
            pair[0] += int(ok)
            pair[1] += 1

    @property
    def accuracy(self) -> float:
        return self.correct / self.utterances if self.utterances else 0.0


@dataclass
class SpeechScore:
    """False commands during non-command speech."""

    audio_s: float = 0.0
    sentences: int = 0
    false_commands: int = 0
    triggers: list[dict[str, Any]] = field(default_factory=list)

    @property
    def per_hour(self) -> float:
        return self.false_commands / (self.audio_s / 3600.0) if self.audio_s else 0.0

    @property
    def upper_95_per_hour(self) -> float:
        """One-sided 95% upper bound of the rate (Poisson; about 3/T when nothing was seen)."""
        hours = self.audio_s / 3600.0
        return poisson_upper(self.false_commands, 0.95) / hours if hours > 0 else float("inf")


def poisson_upper(k: int, confidence: float) -> float:
    """The mean m for which seeing at most ``k`` events has probability 1 - ``confidence``."""

    def cdf(m: float) -> float:
        term = total = math.exp(-m)
        for i in range(1, k + 1):
            term *= m / i
            total += term
        return total

    lo, hi = 0.0, 10.0 + 10.0 * k
    for _ in range(100):
        mid = (lo + hi) / 2
        if cdf(mid) > 1 - confidence:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _is_match(seg: Segment, heard: dict[str, Any]) -> bool:
    if heard["intent"] != seg.intent:
        return False
    return seg.step is None or heard["step"] == seg.step


def score_commands(stream: Stream, heard: Sequence[dict[str, Any]]) -> ConditionScore:
    score = ConditionScore(stream.condition, utterances=len(stream.segments),
                           audio_s=stream.duration)
    segs = sorted(stream.segments, key=lambda s: s.start)
    windows = []
    for i, seg in enumerate(segs):
        hi = seg.end + MAX_LATENCY_S
        if i + 1 < len(segs):
            hi = min(hi, segs[i + 1].start)
        windows.append((seg.start, hi))
    assigned: list[list[dict[str, Any]]] = [[] for _ in segs]
    for h in sorted(heard, key=lambda h: float(h["received_at"])):
        t = float(h["received_at"])
        for i, (lo, hi) in enumerate(windows):
            if lo <= t < hi:
                assigned[i].append(h)
                break
        else:
            score.insertions += 1
    for seg, got in zip(segs, assigned, strict=True):
        hit = next((h for h in got if _is_match(seg, h)), None)
        score._tally(seg, hit is not None)
        said = seg.intent or ""
        if hit is not None:
            score._confuse(said, said)
        else:
            score._confuse(said, str(got[0]["intent"]) if got else MISSED)
        if hit is not None:
            score.correct += 1
            score.latencies.append(float(hit["received_at"]) - seg.end)
        elif got:
            score.substitutions += 1
            key = f"{seg.intent} -> {got[0]['intent']}"
            score.confusions[key] = score.confusions.get(key, 0) + 1
        else:
            score.misses += 1
        score.insertions += max(0, len(got) - 1)
    return score


def score_speech(stream: Stream, heard: Sequence[dict[str, Any]]) -> SpeechScore:
    score = SpeechScore(audio_s=stream.duration, sentences=len(stream.segments),
                        false_commands=len(heard))
    for h in heard:
        t = float(h["received_at"])
        near = min(stream.segments, key=lambda s: abs((s.start + s.end) / 2 - t), default=None)
        score.triggers.append({"heard": h["text"], "intent": h["intent"], "at": round(t, 2),
                               "stream": stream.name, "while_saying": near.text if near else "",
                               "voice": near.voice if near else ""})
    return score


def _speech_row(speech: SpeechScore) -> dict[str, Any]:
    return {
        "minutes": speech.audio_s / 60.0,
        "sentences": speech.sentences,
        "false_commands": speech.false_commands,
        "false_per_hour": speech.per_hour,
        "false_per_hour_upper95": speech.upper_95_per_hour,
        "triggers": speech.triggers,
    }


def _add(total: SpeechScore, part: SpeechScore) -> None:
    total.audio_s += part.audio_s
    total.sentences += part.sentences
    total.false_commands += part.false_commands
    total.triggers.extend(part.triggers)


def percentile(values: Sequence[float], q: float) -> float | None:
    return float(np.percentile(np.asarray(values), q)) if values else None


def summarize(streams: Sequence[Stream], result: dict[str, Any]) -> dict[str, Any]:
    """All metrics for one worker result (one engine and variant on one language)."""
    heard: dict[str, list[dict[str, Any]]] = result["heard"]
    conditions: dict[str, Any] = {}
    latencies: list[float] = []
    barge_in: list[float] = []
    speech = SpeechScore()
    long = SpeechScore()
    for stream in streams:
        if stream.name not in heard:
            continue  # a stream this run left out (the naive baseline skips the long one)
        got = heard[stream.name]
        if stream.is_commands:
            c = score_commands(stream, got)
            latencies.extend(c.latencies)
            if stream.condition in ECHO_CONDITIONS:
                barge_in.extend(c.latencies)
            row = asdict(c)
            row["accuracy"] = c.accuracy
            row["latency_p50_s"] = percentile(c.latencies, 50)
            row["latency_p95_s"] = percentile(c.latencies, 95)
            del row["latencies"]
            conditions[stream.condition] = row
        elif stream.condition == "long":
            _add(long, score_speech(stream, got))
        else:
            speech = score_speech(stream, got)
    every = SpeechScore()
    _add(every, speech)
    _add(every, long)
    audio_s = float(result["audio_s"])
    stage_cpu: dict[str, float] = result.get("stage_cpu_s") or {"recognizer": result["cpu_s"]}
    return {
        "engine": result["engine"],
        "naive": result["naive"],
        "language": result["language"],
        "recognizer": result.get("recognizer", ""),
        "conditions": conditions,
        "front_end": bool(result.get("front_end", False)),
        "speech": _speech_row(speech),
        "long": _speech_row(long) if long.audio_s else None,
        "non_command": _speech_row(every),
        "barge_in_p50_s": percentile(barge_in, 50),
        "barge_in_p95_s": percentile(barge_in, 95),
        "stage_rtf": {k: v / audio_s for k, v in stage_cpu.items()} if audio_s else {},
        "latency_p50_s": percentile(latencies, 50),
        "latency_p95_s": percentile(latencies, 95),
        "latency_n": len(latencies),
        "rtf_cpu": float(result["cpu_s"]) / audio_s if audio_s else None,
        "rtf_wall": float(result["wall_s"]) / audio_s if audio_s else None,
        "audio_minutes": audio_s / 60.0,
        "load_s": result["load_wall_s"],
        "peak_rss_mb": result["peak_rss_mb"],
        "base_rss_mb": result["base_rss_mb"],
    }
