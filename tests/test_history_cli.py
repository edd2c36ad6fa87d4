"""`voice-guide history`: the list, `show ID` (table, --json, --csv), `plot` (a real PNG with
one bar per step and the target ranges drawn), and one sentence for each wrong input."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from voice_guide.cli.main import main
from voice_guide.history import query
from voice_guide.history.plot import make_figure
from voice_guide.history.store import open_db

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """Two sessions: one completed with no commands, one with pauses and repeats, quit."""
    path = tmp_path / "log.sqlite"
    script = tmp_path / "s.txt"
    script.write_text("200 pause\n230 resume\n240 repeat\n260 how long\n400 slower\n"
                      "600 quit\n605 yes\n")  # step 2 runs from 110 s to 490 s
    assert main(["simulate", "--log", "--db", str(path)]) == 0
    assert main(["simulate", "--log", "--db", str(path), "--script", str(script)]) == 0
    capsys.readouterr()
    return path


def test_list_and_show_table(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    code, out, _ = run_cli(capsys, "history", "--db", str(db))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[-1] == "status"
    assert lines[1].endswith("17/17  completed") and lines[2].endswith("ended early")
    code, out, _ = run_cli(capsys, "history", "show", "2", "--db", str(db))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("Session 2: Back massage (back-massage), simulate")
    assert lines[0].endswith("ended early")
    head = lines[1].split()
    assert head[:8] == ["step", "title", "side", "target", "reps", "actual", "on", "pauses"]
    step2 = next(x for x in lines if x.lstrip().startswith("2  "))
    assert "5:00-6:00" in step2 and "1 (0:30)" in step2 and "pause, resume, repeat, time_left, slower" in step2
    sweeps = next(x for x in lines[2:] if "Sweeps" in x)
    assert " left " in sweeps and "3-4" in sweeps
    assert "timed steps on target" in lines[-1]


def test_show_json_and_csv(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    code, out, _ = run_cli(capsys, "history", "show", "2", "--db", str(db), "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["session"]["status"] == "ended early" and doc["session"]["id"] == 2
    step2 = doc["steps"][1]
    assert step2["target_min_s"] == 300 and step2["target_max_s"] == 360
    assert step2["pauses"] == 1 and step2["paused_s"] == 30 and step2["repeats"] == 1
    assert step2["commands"] == ["pause", "resume", "repeat", "time_left", "slower"]
    code, out, _ = run_cli(capsys, "history", "show", "1", "--db", str(db), "--csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 17 and rows[2]["side"] == "left"
    assert all(r["on_target"] == "True" for r in rows)
    code, out, _ = run_cli(capsys, "history", "--db", str(db), "--json")
    assert [json.loads(x)["status"] for x in out.splitlines()] == ["completed", "ended early"]


def test_plot_draws_bars_against_target_ranges(tmp_path: Path, db: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    with open_db(db) as raw:
        rows = query.sessions(raw)
        steps = query.steps(raw, 1)
        trend = [(r, query.steps(raw, r.id)) for r in rows]
    fig = make_figure(rows[0], steps, trend)
    bars_ax, trend_ax = fig.axes[0], fig.axes[1]
    (bars,) = bars_ax.containers
    assert len(bars.patches) == 17  # type: ignore[attr-defined]
    heights = [p.get_height() for p in bars.patches]  # type: ignore[attr-defined]
    assert heights[1] == pytest.approx(6.0, abs=0.05)  # step 2: six minutes, its longest
    ranges = bars_ax.collections[0].get_segments()  # type: ignore[attr-defined]
    assert len(ranges) == 17 and ranges[1][0][1] == pytest.approx(5.0)
    assert [line.get_label() for line in trend_ax.get_lines()] == ["total minutes"]
    out_file = tmp_path / "plot.png"
    code, out, err = run_cli(capsys, "history", "plot", "-o", str(out_file), "--db", str(db))
    assert code == 0, err
    assert "trend over 2 sessions" in out
    data = out_file.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 5_000
    code, out, err = run_cli(capsys, "history", "plot", "1", "-o", str(tmp_path / "one.png"),
                             "--db", str(db))
    assert code == 0 and "session 1, 17 steps." in out


@pytest.mark.parametrize(("args", "message"), [
    (["show", "9"], "there is no session 9"),
    (["show", "x"], "'x' is not a session number"),
    (["show"], "'history show' needs a session number"),
    (["frobnicate"], "'frobnicate' is not a history command"),
    (["plot"], "'history plot' needs an image file"),
    (["plot", "-o", "/nonexistent-dir/p.png"], "the folder /nonexistent-dir does not exist"),
    (["plot", "-o", "plot.txt"], "must end in .png, .svg or .pdf"),
    (["show", "1", "--csv", "--json"], "not allowed with argument"),
    (["--csv"], "--csv is for 'history show ID'"),
])
def test_wrong_input_is_one_sentence(capsys: pytest.CaptureFixture[str], db: Path,
                                     args: list[str], message: str) -> None:
    code, _, err = run_cli(capsys, "history", *args, "--db", str(db))
    assert code != 0
    assert message in err and "Traceback" not in err
    assert err.count("voice-guide:") == 1


def test_plot_to_an_unwritable_place(capsys: pytest.CaptureFixture[str], db: Path,
                                     tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    folder = tmp_path / "out.png"
    folder.mkdir()
    code, _, err = run_cli(capsys, "history", "plot", "-o", str(folder), "--db", str(db))
    assert code == 1 and "is a folder" in err
    # sysfs refuses new files even to root: a real write failure, said in one sentence
    code, _, err = run_cli(capsys, "history", "plot", "-o", "/sys/plot.png", "--db", str(db))
    assert code == 1 and "/sys/plot.png: cannot write the image" in err
    assert err.count("\n") == 1 and "Traceback" not in err
    code, _, err = run_cli(capsys, "history", "plot", "-o", str(blocker / "p.png"),
                           "--db", str(db))
    assert code == 1 and "does not exist" in err and err.count("\n") == 1


def test_empty_history(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite"
    open_db(path).close()
    code, out, _ = run_cli(capsys, "history", "--db", str(path))
    assert code == 0 and out.startswith("No sessions logged yet")
    code, _, err = run_cli(capsys, "history", "show", "1", "--db", str(path))
    assert code == 1 and "no sessions logged yet" in err and err.count("\n") == 1


def test_plot_leaves_sessions_without_steps_out_and_keeps_the_legend_off_the_bars(
        tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    with open_db(db) as raw:  # a failed start logged by an older voice-guide: no steps
        raw.execute("INSERT INTO sessions (routine_id, routine_title, mode, started_at) "
                    "VALUES ('back-massage', 'Back massage', 'voice', '2026-01-01T00:00:00')")
        rows = query.sessions(raw)
        trend = [(r, query.steps(raw, r.id)) for r in rows]
        short = query.steps(raw, 2)[:1]  # a short session: one step, its target marker high
    assert len(rows) == 3 and trend[2][1] == []
    fig = make_figure(rows[1], short, trend)
    bars_ax, trend_ax = fig.axes[0], fig.axes[1]
    (total,) = trend_ax.get_lines()
    assert list(total.get_xdata()) == ["1", "2"]  # the step-less session 3 is not a 0.00 point
    assert trend_ax.get_ylim()[0] == 0
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    legend = bars_ax.get_legend()
    assert legend is not None
    renderer = canvas.get_renderer()
    assert not legend.get_window_extent(renderer).overlaps(bars_ax.get_window_extent(renderer))
    code, out, err = run_cli(capsys, "history", "plot", "2", "-o", str(tmp_path / "p.png"),
                             "--db", str(db))
    assert code == 0 and "trend" not in out, err  # a chosen session: no trend panel
    code, out, err = run_cli(capsys, "history", "plot", "-o", str(tmp_path / "p.png"),
                             "--db", str(db))  # the last session with steps, not session 3
    assert code == 0 and "session 2, 3 steps, trend over 2 sessions." in out, err
