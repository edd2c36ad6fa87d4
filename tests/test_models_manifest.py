"""The model manifest: the shipped one is valid and real; broken ones give one sentence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from voice_guide.cli.main import main
from voice_guide.errors import UserError
from voice_guide.models_store.manifest import display_path, load_manifest, manifest_path
from voice_guide.paths import PROJECT_ROOT

GOOD = {
    "name": "vosk-model-x-0.1",
    "language": "xx",
    "url": "https://alphacephei.com/vosk/models/vosk-model-x-0.1.zip",
    "size": 10,
    "sha256": "ab" * 32,
    "description": "test entry",
}


def test_shipped_manifest_lists_the_real_english_models(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VOICE_GUIDE_MODEL_MANIFEST", raising=False)
    assert manifest_path() == PROJECT_ROOT / "models" / "manifest.json"
    assert display_path(manifest_path()) == "models/manifest.json"  # how errors name it
    manifest = load_manifest()
    small = manifest.get("vosk-model-small-en-us-0.15")
    large = manifest.get("vosk-model-en-us-0.22")
    assert small is not None and large is not None
    assert small.url == "https://alphacephei.com/vosk/models/vosk-model-small-en-us-0.15.zip"
    assert large.url == "https://alphacephei.com/vosk/models/vosk-model-en-us-0.22.zip"
    assert (small.size, large.size) == (41205931, 1913365522)
    assert small.sha256 == "30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498"
    assert large.sha256 == "47f9a81ebb039dbb0bd319175c36ac393c0893b796c2b6303e64cf58c27b69f6"
    for entry in manifest.models:
        assert entry.url.endswith(f"/{entry.name}.zip")


def check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> str:
    path = tmp_path / "manifest.json"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("VOICE_GUIDE_MODEL_MANIFEST", str(path))
    with pytest.raises(UserError) as info:
        load_manifest()
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert "\n" not in message
    return message[len(f"{path}: ") :]


def test_invalid_json_names_line_and_column(tmp_path: Path, monkeypatch) -> None:
    text = '{\n  "models": [\n    {"name": "x",}\n  ]\n}\n'
    assert check(tmp_path, monkeypatch, text).startswith("line 3 column 18: not valid JSON")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"sha256": "nothex"}, "models[0] (vosk-model-x-0.1).sha256: String should match"),
        ({"size": -5}, "models[0] (vosk-model-x-0.1).size: Input should be greater than 0"),
        ({"url": "ftp://x/y.zip"}, "models[0] (vosk-model-x-0.1).url: String should match"),
        ({"name": "../escape"}, "models[0] (../escape).name: String should match"),
        ({"colour": "red"}, "models[0] (vosk-model-x-0.1).colour: Extra inputs are not permitted"),
        ({"description": None}, "models[0] (vosk-model-x-0.1).description: Input should be"),
    ],
)
def test_bad_entry_names_the_entry_and_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: dict, expected: str
) -> None:
    text = json.dumps({"models": [{**GOOD, **change}]})
    message = check(tmp_path, monkeypatch, text)
    assert message.startswith(expected)
    assert message.endswith("; fix that entry.")


def test_duplicate_names_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = json.dumps({"models": [GOOD, GOOD]})
    assert "is listed twice" in check(tmp_path, monkeypatch, text)


def test_missing_manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("VOICE_GUIDE_MODEL_MANIFEST", str(tmp_path / "gone.json"))
    monkeypatch.setenv("VOICE_GUIDE_MODELS_DIR", str(tmp_path / "models"))
    assert main(["models", "list"]) == 1
    _, err = capsys.readouterr()
    assert err == (
        f"voice-guide: {tmp_path / 'gone.json'}: the model manifest is missing; "
        "restore it from git.\n"
    )


def test_broken_manifest_through_the_cli(tmp_path: Path, monkeypatch, capsys) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"models": [{**GOOD, "sha256": 5}]}), encoding="utf-8")
    monkeypatch.setenv("VOICE_GUIDE_MODEL_MANIFEST", str(path))
    assert main(["models", "pull", "vosk-model-x-0.1"]) == 1
    _, err = capsys.readouterr()
    assert err.startswith(f"voice-guide: {path}: models[0] (vosk-model-x-0.1).sha256: ")
    assert err.count("\n") == 1
