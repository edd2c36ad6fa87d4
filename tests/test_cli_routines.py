"""`voice-guide routines ...` end to end: exit codes, exact output lines, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from voice_guide.cli.main import main
from voice_guide.paths import PROJECT_ROOT

DATA = Path(__file__).parent / "data" / "routines"
MASSAGE = PROJECT_ROOT / "routines" / "back-massage.yaml"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Traceback" not in out
    return code, out, err


def test_list_shows_a_table(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "broken.yaml").write_text("- not a routine\n", encoding="utf-8")
    monkeypatch.setenv("VOICE_GUIDE_ROUTINES", str(tmp_path))
    monkeypatch.chdir(PROJECT_ROOT)
    code, out, err = run(capsys, "routines", "list")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "STEPS", "MINUTES", "TITLE", "FILE"]
    assert lines[1].split() == [
        "back-massage",
        "17",
        "40",
        "Back",
        "massage",
        "routines/back-massage.yaml",
    ]
    assert lines[2].startswith("broken ")
    assert "broken: line 1: is not a routine file" in lines[2]
    assert f"see `voice-guide routines validate {tmp_path / 'broken.yaml'}`" in lines[2]


def test_list_with_no_routines(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("voice_guide.routine.catalog.routine_dirs", lambda: [tmp_path])
    code, out, _ = run(capsys, "routines", "list")
    assert (code, out) == (0, f"No routine files (*.yaml) found in: {tmp_path}\n")


def test_show_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "routines", "show", "back-massage")
    assert code == 0 and err == ""
    assert out.startswith(f"Back massage (back-massage)\nFile: {MASSAGE}\n")
    assert "17 steps in running order, about 40 minutes at normal pace." in out
    assert "   2. Light massage of the whole back" in out
    assert " 300-360 s " in out
    assert "   3. Sweeps beside the spine (left) " in out
    assert "   9. Sweeps beside the spine (right) " in out
    assert "3-4 x 15 s" in out
    assert "caution: Work only 1 to 2 inches below the waist." in out


def test_show_json_is_the_flat_routine(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "routines", "show", str(MASSAGE), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["id"] == "back-massage"
    assert len(data["steps"]) == 17
    third = data["steps"][2]
    assert sorted(third) == sorted(
        [
            "id",
            "source_id",
            "side",
            "title",
            "instructions",
            "duration",
            "repetitions",
            "pressure",
            "area",
            "technique",
            "cautions",
            "tip",
        ]
    )
    assert (third["id"], third["source_id"], third["side"]) == (
        "upper-back-sweeps-left",
        "upper-back-sweeps",
        "left",
    )
    assert third["repetitions"] == {"min": 3, "max": 4, "seconds_each": 15}
    assert data["steps"][1]["duration"] == {"min_s": 300, "max_s": 360}


def test_show_bad_file_and_unknown_id(capsys: pytest.CaptureFixture[str]) -> None:
    path = DATA / "bad-ranges.yaml"
    code, out, err = run(capsys, "routines", "show", str(path))
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"voice-guide: {path}:11: steps[0].duration: max_s (120) is less than min_s (180)",
        f"voice-guide: {path}:23: steps[1].per_side.steps[0].repetitions.min: must be more than 0, got -1",
        f"voice-guide: {path}:33: steps[1].per_side.steps[1].repetitions: max (3) is less than min (4)",
    ]
    code, out, err = run(capsys, "routines", "show", "massage")
    assert code == 1
    assert err.startswith("voice-guide: unknown routine 'massage'; known routines: ")


def test_validate_mixed_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = DATA / "unknown-key.yaml"
    missing = tmp_path / "gone.yaml"
    code, out, err = run(capsys, "routines", "validate", str(MASSAGE), str(bad), str(missing))
    assert code == 1
    assert out == f"{MASSAGE}: ok (back-massage, 17 steps in running order)\n"
    assert err.splitlines() == [
        f"{bad}:11: steps[0]: unknown key 'duraton' (allowed: id, title, instructions, "
        "duration, repetitions, pressure, area, technique, cautions, tip); "
        "did you mean 'duration'?",
        f"{missing}: no such file; check the path",
        "voice-guide: 2 files have problems (see above)",
    ]


def test_validate_every_bad_fixture_fails_cleanly(capsys: pytest.CaptureFixture[str]) -> None:
    fixtures = sorted(str(p) for p in DATA.iterdir())
    code, out, err = run(capsys, "routines", "validate", *fixtures)
    assert (code, out) == (1, "")
    for fixture in fixtures:
        assert f"{fixture}:" in err
    assert err.splitlines()[-1] == f"voice-guide: {len(fixtures)} files have problems (see above)"


def test_validate_good_only(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "routines", "validate", "back-massage")
    assert (code, err) == (0, "")
    assert out.endswith("back-massage.yaml: ok (back-massage, 17 steps in running order)\n")


def test_schema_is_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "routines", "schema")
    assert code == 0
    schema = json.loads(out)
    assert schema["title"] == "Routine"
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"id", "title", "description", "introduction", "steps"}
    assert "per_side" in schema["$defs"]["SideBlock"]["properties"]
    assert schema["$defs"]["Duration"]["properties"]["max_s"]["exclusiveMinimum"] == 0


def test_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "routines")
    assert code == 2
    assert err == (
        "voice-guide: choose an action: list, show, validate or schema "
        "(see 'voice-guide routines --help')\n"
    )
    code, _, err = run(capsys, "routines", "validate")
    assert code == 2
    assert "the following arguments are required: PATH" in err


def test_installed_command_in_a_subprocess(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "voice-guide"
    assert exe.exists(), f"{exe} is missing; run scripts/setup.sh --test"
    bad = tmp_path / "tabs.yaml"
    bad.write_text("id: x\nsteps:\n\t- id: one\n", encoding="utf-8")
    done = subprocess.run(
        [str(exe), "routines", "validate", str(MASSAGE), str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout == f"{MASSAGE}: ok (back-massage, 17 steps in running order)\n"
    assert done.stderr == (
        f"{bad}:3: a tab character is used for indentation; indent with spaces only\n"
        "voice-guide: 1 file has problems (see above)\n"
    )
    shown = subprocess.run(
        [str(exe), "routines", "show", "back-massage", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    assert [s["id"] for s in json.loads(shown.stdout)["steps"]][-3:] == [
        "neck",
        "closing-sweeps",
        "scalp-massage",
    ]
