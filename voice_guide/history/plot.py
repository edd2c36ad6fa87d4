"""``history plot``: each step's actual time against its target range, and with several
sessions the trend of total time and of steps on target. matplotlib is imported here only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from voice_guide.history.query import SessionRow, StepRow

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.figure import Figure


def make_figure(row: SessionRow, steps: list[StepRow],
                trend: list[tuple[SessionRow, list[StepRow]]] | None = None) -> Figure:
    """The figure (not yet saved): a bar per step (its actual time, minutes) with the target
    range drawn over it; a second panel with the trend when ``trend`` has 2+ sessions that
    started a step (a session without steps says nothing about time, so it is left out)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    trend = [(r, st) for r, st in trend or [] if st]
    panels = 2 if len(trend) >= 2 else 1
    fig = Figure(figsize=(max(6.0, 0.45 * len(steps) + 2), 4.0 * panels), layout="constrained")
    ax = fig.add_subplot(panels, 1, 1)
    xs = list(range(1, len(steps) + 1))
    actual = [(s.actual_s or 0.0) / 60 for s in steps]
    colours = ["tab:green" if s.on_target else "tab:orange" if s.on_target is False
               else "tab:grey" for s in steps]
    ax.bar(xs, actual, color=colours)
    ranged = [(x, s.target_min_s / 60, s.target_max_s / 60) for x, s in zip(xs, steps, strict=True)
              if s.target_min_s is not None and s.target_max_s is not None]
    if ranged:  # one line per step from its shortest to its longest time, with end caps
        rx, lo, hi = zip(*ranged, strict=True)
        ax.vlines(rx, lo, hi, colors="black", linewidth=3, label="target range")
        ax.hlines([*lo, *hi], [x - 0.3 for x in rx] * 2, [x + 0.3 for x in rx] * 2,
                  colors="black", linewidth=1)
    ax.set_xticks(xs, [str(s.position) for s in steps])
    ax.set_xlabel("step")
    ax.set_ylabel("minutes")
    ax.set_title(f"Session {row.id}: {row.routine_title} ({row.status})")
    handles: list[Artist] = [Patch(color="tab:green", label="actual time, on target"),
                             Patch(color="tab:orange", label="actual time, off target")]
    handles += ax.get_legend_handles_labels()[0]  # the target range line
    # outside the axes, right of the bars: it never covers a bar or a target marker
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    if panels == 2:
        tx = fig.add_subplot(2, 1, 2)
        ids = [str(r.id) for r, _ in trend]
        totals = [(r.duration_s or 0.0) / 60 for r, _ in trend]
        on = [sum(1 for s in st if s.on_target) for _, st in trend]
        tx.plot(ids, totals, marker="o", color="tab:blue", label="total minutes")
        tx.set_xlabel("session")
        tx.set_ylabel("total minutes")
        tx.set_ylim(bottom=0)  # minutes from zero: the differences are not magnified
        other = tx.twinx()
        other.plot(ids, on, marker="s", color="tab:green", label="steps on target")
        other.set_ylabel("steps on target")
        other.yaxis.set_major_locator(MaxNLocator(integer=True))  # whole steps only
        tx.set_title("Trend over sessions")
        lines = tx.get_lines() + other.get_lines()
        tx.legend(lines, [str(line.get_label()) for line in lines], loc="upper left")
    return fig
