"""The systemd user unit: its content, `systemd-analyze --user verify`, and the one-sentence
answer where there is no user service manager."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from voice_guide.cli.main import main
from voice_guide.service.unit import UnitSpec, quote, render


def _unit(tmp_path: Path, **kw: str) -> str:
    spec = UnitSpec(python=Path(sys.executable), routine="back-massage",
                    settings_file=tmp_path / "my settings.toml", **kw)  # type: ignore[arg-type]
    return render(spec)


def test_unit_content(tmp_path: Path) -> None:
    text = _unit(tmp_path, input_device='USB "mic" 100%', output_device="2")
    lines = text.splitlines()
    exec_start = next(line for line in lines if line.startswith("ExecStart="))
    assert exec_start == (f'ExecStart="{sys.executable}" "-m" "voice_guide" "run" "back-massage" '
                          '"--input-device" "USB \\"mic\\" 100%%" "--output-device" "2"')
    for wanted in ["Restart=on-failure", "Environment=XDG_RUNTIME_DIR=%t",
                   f'Environment="VOICE_GUIDE_CONFIG={tmp_path / "my settings.toml"}"',
                   "WantedBy=default.target", "StandardInput=null", "WorkingDirectory=%h"]:
        assert wanted in lines, wanted
    assert quote("a$b\\c") == '"a$$b\\\\c"'


def test_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    unit = tmp_path / "voice-guide.service"
    unit.write_text(_unit(tmp_path, input_device="USB"), encoding="utf-8")
    tool = shutil.which("systemd-analyze")
    if tool is None:
        if os.environ.get("CI"):
            pytest.fail("systemd-analyze is missing after set-up (scripts/setup.sh --test "
                        "installs the systemd package)")
        warnings.warn("systemd-analyze is not installed: the unit was only checked by content",
                      stacklevel=1)
        return
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    done = subprocess.run([tool, "--user", "verify", str(unit)], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "XDG_RUNTIME_DIR": str(runtime)})
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "", done.stderr  # no warning about any line either


def test_dry_run_prints_the_unit(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["service", "install", "--dry-run", "--input-device", "USB"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Written by 'voice-guide service install'")
    assert '"run" "back-massage" "--input-device" "USB"' in out
    assert main(["service", "install", "--dry-run", "no-such-routine"]) == 1


def test_without_a_user_service_manager_it_says_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))  # no systemctl, as in a container
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for action in ("install", "status", "uninstall"):
        assert main(["service", action]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "systemctl --user is not available here" in err
    assert not (tmp_path / "config").exists()  # nothing half-installed
