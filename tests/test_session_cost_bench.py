"""`python -m bench.session_cost` runs for real (short) and reports what it promises."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from voice_guide.paths import PROJECT_ROOT


def test_session_cost_quick_run(tmp_path: Path) -> None:
    out = tmp_path / "cost.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench.session_cost", "--seconds", "5", "--runs", "1",
         "--json", str(out)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "| voice session" in done.stdout and "| idle listening loop" in done.stdout
    data = json.loads(out.read_text())
    session, idle = data["runs"]["session"][0], data["runs"]["idle"][0]
    assert session["exit"] == 130 and idle["exit"] == 130  # both stopped by the timer
    assert session["sentences_spoken"] >= 1  # the guide really spoke
    assert idle["sentences_spoken"] == 0
    for run in (session, idle):
        assert run["steady_wall_s"] > 0 and run["steady_cpu_s"] >= 0 and run["peak_rss_mb"] > 50
    assert data["summary"]["session"]["pi4_cpu_percent"] > data["summary"]["session"][
        "cpu_percent"]
