"""Sessions as people and programs read them: the step table, JSON and CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

from voice_guide.history.query import SessionRow, StepRow
from voice_guide.text_safety import printable

STEP_FIELDS = ("position", "step_id", "title", "side", "target_min_s", "target_max_s",
               "reps_min", "reps_max", "actual_s", "took_s", "paused_s", "pauses", "repeats",
               "commands", "on_target")


def mmss(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    sign = "-" if seconds < 0 else ""
    m, s = divmod(int(round(abs(seconds))), 60)
    return f"{sign}{m}:{s:02d}"


def target_text(step: StepRow) -> str:
    if step.target_min_s is None or step.target_max_s is None:
        return "-" if step.planned_s is None else f"{mmss(step.planned_s)}"
    if step.target_min_s == step.target_max_s:
        return mmss(step.target_max_s)
    return f"{mmss(step.target_min_s)}-{mmss(step.target_max_s)}"


def _reps(step: StepRow) -> str:
    if step.reps_min is None or step.reps_max is None:
        return ""
    return f"{step.reps_min}" if step.reps_min == step.reps_max else \
        f"{step.reps_min}-{step.reps_max}"


def _mark(step: StepRow) -> str:
    return {True: "yes", False: "no", None: "-"}[step.on_target]


def _pauses(step: StepRow) -> str:
    return f"{step.pauses} ({mmss(step.paused_s)})" if step.pauses else "-"


def session_heading(row: SessionRow) -> str:
    resumed = f", resumed from session {row.resumed_from}" if row.resumed_from else ""
    return (f"Session {row.id}: {printable(row.routine_title)} ({printable(row.routine_id)}), "
            f"{row.mode}, started {row.started_at[:19].replace('T', ' ')}, "
            f"{row.status}{resumed}")


def step_table(steps: list[StepRow]) -> list[str]:
    """The per-step table: side, target range, actual time, pauses, repeats, commands."""
    head = (f"{'step':>4}  {'title':<34} {'side':<5} {'target':>11} {'reps':>5} "
            f"{'actual':>6} {'on':>3} {'pauses':>10} {'repeats':>7}  commands")
    lines = [head]
    for s in steps:
        commands = ", ".join(s.commands) or "-"
        lines.append(
            f"{s.position:>4}  {printable(s.title)[:34]:<34} {(s.side or '-'):<5} "
            f"{target_text(s):>11} {_reps(s):>5} {mmss(s.actual_s):>6} {_mark(s):>3} "
            f"{_pauses(s):>10} {s.repeats or '-':>7}  {commands}")
    on = sum(1 for s in steps if s.on_target)
    timed = sum(1 for s in steps if s.on_target is not None)
    lines.append(f"{on} of {timed} timed steps on target. 'actual' is the step's own time "
                 "after its narration, pauses left out.")
    return lines


def session_table(row: SessionRow, steps: list[StepRow]) -> list[str]:
    lines = [session_heading(row)]
    if not steps:
        lines.append("No step was started in this session.")
        return lines
    return lines + step_table(steps)


def list_lines(rows: list[SessionRow]) -> list[str]:
    lines = [f"{'#':>4}  {'started':<19}  {'routine':<16} {'mode':<8} {'length':>7} "
             f"{'steps':>7}  status"]
    for r in rows:
        resumed = f" (resumed {r.resumed_from})" if r.resumed_from else ""
        lines.append(f"{r.id:>4}  {r.started_at[:19].replace('T', ' '):<19}  "
                     f"{printable(r.routine_id)[:16]:<16} {r.mode:<8} {mmss(r.duration_s):>7} "
                     f"{_steps_text(r):>7}  {r.status}{resumed}")
    return lines


def _steps_text(r: SessionRow) -> str:
    if r.last_position is None:
        return "-"
    return f"{r.last_position}/{r.total_steps}" if r.total_steps else str(r.last_position)


def step_record(step: StepRow) -> dict[str, Any]:
    return {
        "position": step.position, "step_id": step.step_id, "title": step.title,
        "side": step.side, "target_min_s": step.target_min_s,
        "target_max_s": step.target_max_s, "reps_min": step.reps_min,
        "reps_max": step.reps_max, "planned_s": step.planned_s,
        "actual_s": _round(step.actual_s), "took_s": _round(step.took_s),
        "paused_s": _round(step.paused_s), "pauses": step.pauses, "repeats": step.repeats,
        "commands": list(step.commands), "on_target": step.on_target,
    }


def session_record(row: SessionRow) -> dict[str, Any]:
    return {"id": row.id, "routine_id": row.routine_id, "routine_title": row.routine_title,
            "mode": row.mode, "started_at": row.started_at, "status": row.status,
            "end_reason": row.end_reason, "duration_s": _round(row.duration_s),
            "start_position": row.start_position, "resumed_from": row.resumed_from,
            "total_steps": row.total_steps}


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 3)


def steps_csv(steps: list[StepRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(STEP_FIELDS)
    for s in steps:
        rec = step_record(s)
        rec["commands"] = " ".join(s.commands)
        writer.writerow(["" if rec[f] is None else rec[f] for f in STEP_FIELDS])
    return out.getvalue()
