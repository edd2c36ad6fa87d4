"""The settings file: reading, `config show | path | set | unset`, and options overriding it."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pytest

from voice_guide.cli.common import add_audio_options, add_guide_options, settings_from
from voice_guide.cli.main import main
from voice_guide.config.edit import set_value
from voice_guide.config.model import KEYS, UserSettings
from voice_guide.config.read import load_settings
from voice_guide.errors import UserError


@pytest.fixture
def settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "conf" / "settings.toml"
    monkeypatch.setenv("VOICE_GUIDE_CONFIG", str(path))
    return path


def _error(path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_settings(path)
    return str(err.value)


def test_missing_file_gives_the_defaults(settings_file: Path) -> None:
    assert load_settings() == UserSettings()
    assert not settings_file.exists()


def test_every_key_is_read(settings_file: Path) -> None:
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text(
        'engine = "pocketsphinx"\nmodel = "/m"\ninput_device = "USB"\noutput_device = "3"\n'
        'voice = "en-gb"\nwords_per_minute = 120\nvolume = 0.5\npace = 1.25\nearcons = false\n'
        'auto_advance = false\nbarge_in = true\nphrase_file = "p.yaml"\nlanguage = "ko"\n'
        'reminder_after_s = 30.0\ninactivity_limit_s = 900.0\nquit_answer_s = 15.0\n'
        'front_end = false\n',
        encoding="utf-8",
    )
    s = load_settings()
    assert s.model_fields_set == set(KEYS)
    assert s.front_end is False
    assert (s.engine, s.input_device, s.words_per_minute, s.volume, s.pace) == (
        "pocketsphinx", "USB", 120, 0.5, 1.25)
    assert (s.earcons, s.auto_advance, s.barge_in, s.language) == (False, False, True, "ko")


def test_bad_value_names_the_file_line_key_and_allowed_values(tmp_path: Path) -> None:
    msg = _error(tmp_path / "s.toml", "# comment\nvolume = 0.5\nengine = \"vosky\"\n")
    assert msg.startswith(f"{tmp_path / 's.toml'}:3: engine")
    assert "one of auto, vosk, pocketsphinx" in msg
    msg = _error(tmp_path / "s.toml", "words_per_minute = 9000\n")
    assert ":1: words_per_minute" in msg and "from 60 to 400" in msg
    msg = _error(tmp_path / "s.toml", 'earcons = "yes"\n')  # TOML booleans are not strings
    assert "earcons" in msg and "true or false" in msg


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    msg = _error(tmp_path / "s.toml", "volume = 0.5\nvoice = en-us\n")
    assert msg.startswith(f"{tmp_path / 's.toml'}:2: not valid TOML")


def test_unknown_key_suggests_the_close_one(tmp_path: Path) -> None:
    msg = _error(tmp_path / "s.toml", "\nvolum = 0.5\n")
    assert ":2: unknown key 'volum'; did you mean 'volume'?" in msg
    msg = _error(tmp_path / "s.toml", "[audio]\nvolume = 0.5\n")
    assert ":1: 'audio' is a section" in msg


def test_hostile_files_are_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    with pytest.raises(UserError, match="not a regular file"):
        load_settings(fifo)
    raw = tmp_path / "b.toml"
    raw.write_bytes(b"volume = 0.5\n\xff\n")
    with pytest.raises(UserError, match=r"b.toml:2: is not UTF-8"):
        load_settings(raw)
    big = tmp_path / "big.toml"
    big.write_text("# x\n" * 40_000)
    with pytest.raises(UserError, match="allowed for the settings file"):
        load_settings(big)
    msg = _error(tmp_path / "esc.toml", '"\\u001b]0;owned\\u0007" = 1\n')
    assert "\x1b" not in msg and "\x07" not in msg


def test_set_keeps_comments_and_validates_first(settings_file: Path) -> None:
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text("# my settings\nvolume = 0.5  # quiet room\n", encoding="utf-8")
    assert main(["config", "set", "words_per_minute", "140"]) == 0
    assert main(["config", "set", "earcons", "off"]) == 0
    assert main(["config", "set", "input_device", "USB Audio"]) == 0
    text = settings_file.read_text(encoding="utf-8")
    assert text.startswith("# my settings\nvolume = 0.5  # quiet room\n")
    s = load_settings()
    assert (s.words_per_minute, s.earcons, s.input_device) == (140, False, "USB Audio")
    before = settings_file.read_bytes()
    assert main(["config", "set", "volume", "3"]) == 2
    assert main(["config", "set", "volum", "0.3"]) == 2
    assert main(["config", "set", "barge_in", "maybe"]) == 2
    assert main(["config", "set", "voice", "nosuchvoice"]) == 2  # espeak-ng does not have it
    assert main(["config", "set", "model", str(settings_file.parent / "no-model")]) == 2
    assert settings_file.read_bytes() == before
    assert main(["config", "set", "voice", "en-gb"]) == 0
    assert main(["config", "unset", "input_device"]) == 0
    assert load_settings().input_device is None
    assert [p.name for p in settings_file.parent.iterdir()] == ["settings.toml"]  # no temp left


def test_set_refuses_to_rewrite_a_broken_file(settings_file: Path) -> None:
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text("volume = [\n", encoding="utf-8")
    with pytest.raises(UserError, match="not valid TOML"):
        set_value(settings_file, "volume", "0.5")
    assert settings_file.read_text(encoding="utf-8") == "volume = [\n"


def test_show_and_path(settings_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "path"]) == 0
    assert capsys.readouterr().out.strip() == str(settings_file)
    assert main(["config", "set", "pace", "1.25"]) == 0
    capsys.readouterr()
    assert main(["config", "show"]) == 0
    out = capsys.readouterr().out
    assert "pace = 1.25\n" in out and 'engine = "auto"  (default)' in out
    assert "# input_device is unset  (default)" in out
    assert main(["config"]) == 2


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_audio_options(parser)
    add_guide_options(parser)
    return parser.parse_args(argv)


def test_options_override_the_file(settings_file: Path, tmp_path: Path) -> None:
    phrases = tmp_path / "p.yaml"
    phrases.write_text("intents: {next: [onwards]}\n", encoding="utf-8")
    for key, value in [("words_per_minute", "120"), ("volume", "0.4"), ("auto_advance", "no"),
                       ("engine", "pocketsphinx"), ("input_device", "USB"), ("language", "ko"),
                       ("phrase_file", str(phrases))]:
        set_value(settings_file, key, value)
    args = _parse([])
    guide = settings_from(args)
    assert (guide.words_per_minute, guide.volume, guide.auto_advance) == (120, 0.4, False)
    assert guide.language == "ko"
    assert (args.engine, args.input_device, args.output_device) == ("pocketsphinx", "USB", None)
    assert args.phrases == phrases
    args = _parse(["--wpm", "200", "--engine", "vosk", "--input-device", "2",
                   "--phrases", "x.yaml", "--language", "en"])
    guide = settings_from(args)
    assert (guide.words_per_minute, guide.language) == (200, "en")
    assert (args.engine, args.input_device, args.phrases) == ("vosk", "2", Path("x.yaml"))


def test_a_broken_settings_file_stops_a_run_with_one_sentence(
        settings_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text("engine = 'sphinx'\n", encoding="utf-8")
    assert main(["simulate"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{settings_file}:1: engine" in err


def test_set_checks_a_phrase_file_and_a_model_as_a_run_would(
        settings_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text("volume = 0.5\n", encoding="utf-8")
    clash = tmp_path / "clash.yaml"
    clash.write_text("intents:\n  next: [onward]\n  quit: [onward]\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["config", "set", "phrase_file", str(clash)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{clash}:3:" in err and "(nothing was changed)" in err
    not_a_model = tmp_path / "folder"
    not_a_model.mkdir()
    assert main(["config", "set", "model", str(not_a_model)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a Vosk model" in err and str(not_a_model) in err
    assert settings_file.read_text(encoding="utf-8") == "volume = 0.5\n"
    good = tmp_path / "good.yaml"
    good.write_text("intents:\n  next: [onwards]\n", encoding="utf-8")
    assert main(["config", "set", "phrase_file", str(good)]) == 0


def test_show_with_a_broken_file_prints_the_error_and_the_defaults(
        settings_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text("volume = 0.5\nearcons = \n", encoding="utf-8")
    assert main(["simulate"]) == 1
    err = capsys.readouterr().err
    assert f"{settings_file}:2: not valid TOML" in err and "'voice-guide config show'" in err
    assert main(["config", "show"]) == 1  # what the message points to works
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and f"{settings_file}:2: not valid TOML" in err
    assert out.startswith(f"# {settings_file} (cannot be read")
    assert 'engine = "auto"  (default)' in out and "earcons = true  (default)" in out
    assert main(["config", "show", "--json"]) == 1
