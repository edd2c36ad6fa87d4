"""`voice-guide models pull` against a real HTTP server on 127.0.0.1, with real files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from http_fixture import ModelServer, closed_port, model_zip, running_server, sha256

from voice_guide.cli.main import main
from voice_guide.errors import UserError
from voice_guide.models_store import install as install_module
from voice_guide.models_store.install import pull
from voice_guide.models_store.manifest import load_manifest
from voice_guide.models_store.progress import TerminalProgress

NAME = "vosk-model-test-0.1"
ARCHIVE = model_zip(NAME)
CUT = 100_000


@pytest.fixture
def server() -> Iterator[ModelServer]:
    with running_server() as srv:
        yield srv


@pytest.fixture
def models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: ModelServer) -> Path:
    """A fresh models dir, a manifest naming the test model, and URLs re-based on the server."""
    where = tmp_path / "models"
    monkeypatch.setenv("VOICE_GUIDE_MODELS_DIR", str(where))
    monkeypatch.setenv("VOICE_GUIDE_MODEL_URL_BASE", server.base + "/vosk/models")
    write_manifest(tmp_path / "manifest.json", sha=sha256(ARCHIVE), size=len(ARCHIVE))
    monkeypatch.setenv("VOICE_GUIDE_MODEL_MANIFEST", str(tmp_path / "manifest.json"))
    return where


def write_manifest(path: Path, *, sha: str | None, size: int | None) -> None:
    entry = {
        "name": NAME,
        "language": "xx",
        "url": f"https://alphacephei.com/vosk/models/{NAME}.zip",
        "size": size,
        "sha256": sha,
        "description": "A tiny stand-in built by the test.",
    }
    path.write_text(json.dumps({"models": [entry]}), encoding="utf-8")


def serve(server: ModelServer, body: bytes = ARCHIVE, **knobs: object) -> str:
    return server.add(f"/vosk/models/{NAME}.zip", body, **knobs)  # type: ignore[arg-type]


def hits(server: ModelServer) -> list:  # type: ignore[type-arg]
    return server.hits_for(f"/vosk/models/{NAME}.zip")


def leftovers(where: Path) -> list[str]:
    """Everything in the models dir except the lock file."""
    return sorted(p.name for p in where.iterdir() if not p.name.endswith(".lock"))


def last_line(err: str) -> str:
    """The error message: the last stderr line, after any progress lines."""
    return err.splitlines()[-1] if err else ""


def assert_installed(where: Path) -> None:
    model = where / NAME
    assert (model / "am" / "final.mdl").stat().st_size == 300_000
    assert (model / "conf" / "model.conf").is_file()
    assert not (model / NAME).exists(), "the archive's top folder must be unwrapped"
    assert leftovers(where) == [NAME], "no .part and no temporary folder may remain"


def test_pull_installs_and_list_shows_it(models: Path, server: ModelServer, capsys) -> None:
    serve(server)
    assert main(["models", "pull", NAME]) == 0
    out, err = capsys.readouterr()
    assert f"installed {NAME} in {models / NAME}" in out
    assert f"downloading {NAME}" in err and f"downloaded {NAME}" in err
    assert "\r" not in err, "no progress bar when stderr is not a terminal"
    assert_installed(models)
    assert [h.range for h in hits(server)] == [None]

    assert main(["models", "list"]) == 0
    out, _ = capsys.readouterr()
    row = next(line for line in out.splitlines() if line.startswith(NAME))
    assert f"installed in {models / NAME}" in row


def test_already_installed_does_not_download(models: Path, server: ModelServer, capsys) -> None:
    serve(server)
    assert main(["models", "pull", NAME]) == 0
    capsys.readouterr()
    assert main(["models", "pull", NAME]) == 0
    out, _ = capsys.readouterr()
    assert f"{NAME} is already installed in {models / NAME}." in out
    assert len(hits(server)) == 1


def test_checksum_mismatch_rejects_and_deletes(
    models: Path, server: ModelServer, tmp_path: Path, capsys
) -> None:
    tampered = bytearray(ARCHIVE)
    tampered[5000] ^= 0xFF
    serve(server, bytes(tampered))
    assert main(["models", "pull", NAME]) == 1
    _, err = capsys.readouterr()
    assert last_line(err).startswith(
        f"voice-guide: the download of {NAME} is corrupt: its SHA-256 is "
    )
    assert "it was deleted and nothing was installed" in err
    assert "Traceback" not in err
    assert leftovers(models) == []


def test_truncated_download_is_kept_and_resumed_with_range(
    models: Path, server: ModelServer, capsys
) -> None:
    serve(server, cut_after=CUT, cut_times=1)
    assert main(["models", "pull", NAME]) == 1
    _, err = capsys.readouterr()
    assert f"the server closed the connection after {CUT} of {len(ARCHIVE)} bytes" in err
    assert f"kept in {models / (NAME + '.part')}" in err and "again to resume" in err
    assert (models / f"{NAME}.part").stat().st_size == CUT
    assert not (models / NAME).exists()

    assert main(["models", "list"]) == 0
    assert "partly downloaded" in capsys.readouterr().out

    assert main(["models", "pull", NAME]) == 0
    _, err = capsys.readouterr()
    assert "resuming" in err
    first, second = hits(server)
    assert (first.range, first.sent) == (None, CUT)
    assert second.range == f"bytes={CUT}-"
    assert second.status == 206
    assert second.sent == len(ARCHIVE) - CUT, "the second request fetched only the rest"
    assert_installed(models)


def test_server_ignoring_range_restarts_cleanly(models: Path, server: ModelServer, capsys) -> None:
    serve(server, ranges=False, cut_after=CUT, cut_times=1)
    assert main(["models", "pull", NAME]) == 1
    capsys.readouterr()
    assert main(["models", "pull", NAME]) == 0
    first, second = hits(server)
    assert second.range == f"bytes={CUT}-", "the client still asked to resume"
    assert (second.status, second.sent) == (200, len(ARCHIVE))
    assert_installed(models)  # checksum passed, so the file was rewritten, not appended to


@pytest.mark.parametrize(
    ("bad_member", "why"),
    [
        ({"extra": {"../evil": b"x"}}, "climbs out with '..'"),
        ({"extra": {f"{NAME}/../../evil": b"x"}}, "climbs out with '..'"),
        ({"extra": {"/tmp/vg-abs-evil": b"x"}}, "has an absolute path"),
        ({"symlinks": {f"{NAME}/link": "../../../outside"}}, "is a link"),
        ({"symlinks": {f"{NAME}/link": "/etc"}}, "is a link"),
    ],
)
def test_escaping_archive_is_refused(
    models: Path, server: ModelServer, tmp_path: Path, capsys, bad_member: dict, why: str
) -> None:
    evil = model_zip(NAME, **bad_member)
    write_manifest(tmp_path / "manifest.json", sha=sha256(evil), size=len(evil))
    serve(server, evil)
    assert main(["models", "pull", NAME]) == 1
    _, err = capsys.readouterr()
    assert last_line(err).startswith(
        f"voice-guide: refusing to install {NAME}: the archive is unsafe"
    )
    assert why in err
    assert leftovers(models) == []
    everything = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    assert everything == ["manifest.json", "models", f"models/.{NAME}.lock"]
    assert not Path("/tmp/vg-abs-evil").exists()


def test_ctrl_c_during_download_keeps_part_and_leaves_no_model(
    models: Path, server: ModelServer
) -> None:
    serve(server)
    entry = load_manifest().get(NAME)
    assert entry is not None

    def interrupt(done: int, total: int | None) -> None:
        if done >= 128 * 1024:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        pull(entry, models, on_progress=interrupt)
    kept = (models / f"{NAME}.part").stat().st_size
    assert 128 * 1024 <= kept < len(ARCHIVE)
    assert leftovers(models) == [f"{NAME}.part"]

    assert pull(entry, models).download is not None
    assert hits(server)[-1].range == f"bytes={kept}-"
    assert_installed(models)


def test_ctrl_c_in_cli_says_what_was_kept(
    models: Path, server: ModelServer, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    serve(server)

    def interrupt(self: TerminalProgress, done: int, total: int | None) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(TerminalProgress, "update", interrupt)
    assert main(["models", "pull", NAME]) == 130
    _, err = capsys.readouterr()
    assert "voice-guide: stopped; 64.0 KiB kept in" in err and "again to resume" in err
    assert leftovers(models) == [f"{NAME}.part"]


def test_ctrl_c_while_unpacking_removes_the_half_model(
    models: Path, server: ModelServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve(server)
    entry = load_manifest().get(NAME)
    assert entry is not None
    real_extract = install_module.extract_archive

    def extract_then_interrupt(archive: Path, dest: Path) -> None:
        real_extract(archive, dest)
        assert (dest / NAME / "am" / "final.mdl").is_file()
        raise KeyboardInterrupt

    monkeypatch.setattr(install_module, "extract_archive", extract_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        pull(entry, models)
    assert leftovers(models) == [f"{NAME}.part"], "the unpacked files were removed"

    monkeypatch.setattr(install_module, "extract_archive", real_extract)
    pull(entry, models)
    assert len(hits(server)) == 1, "the complete .part was reused without a new request"
    assert_installed(models)


def test_stalled_server_times_out_and_keeps_part(models: Path, server: ModelServer) -> None:
    serve(server, cut_after=CUT, cut_times=1, stall=3.0)
    entry = load_manifest().get(NAME)
    assert entry is not None
    started = time.monotonic()
    with pytest.raises(UserError) as info:
        pull(entry, models, timeout=0.5)
    assert time.monotonic() - started < 2.5, "gave up after the timeout, not when the server did"
    kept = (models / f"{NAME}.part").stat().st_size
    assert 0 < kept <= CUT
    assert f"the connection broke after {kept} bytes (the connection timed out)" in str(info.value)
    assert "again to resume" in str(info.value)


def test_unknown_name_lists_known_models(models: Path, capsys) -> None:
    assert main(["models", "pull", "vosk-model-nope"]) == 1
    _, err = capsys.readouterr()
    assert err == (
        f"voice-guide: no model called 'vosk-model-nope' in the manifest; known models: {NAME}.\n"
    )


def test_unreachable_server_is_one_sentence(
    models: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("VOICE_GUIDE_MODEL_URL_BASE", f"http://127.0.0.1:{closed_port()}/m")
    assert main(["models", "pull", NAME]) == 1
    _, err = capsys.readouterr()
    assert err.startswith(f"voice-guide: could not download {NAME} from http://127.0.0.1:")
    assert "the connection was refused" in err
    assert f"run 'voice-guide models pull {NAME}' again" in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert leftovers(models) == []


def test_missing_local_file_is_said_to_be_missing(models: Path, tmp_path: Path, capsys) -> None:
    gone = tmp_path / "nonexistent.zip"
    assert main(["models", "pull", NAME, "--url", gone.as_uri()]) == 1
    _, err = capsys.readouterr()
    assert f"the file {gone} does not exist" in err
    assert "check the path given with --url" in err and "network" not in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert leftovers(models) == []


def test_http_error_is_reported(models: Path, server: ModelServer, capsys) -> None:
    assert main(["models", "pull", NAME]) == 1  # nothing served: 404
    _, err = capsys.readouterr()
    assert "the server answered HTTP 404 Not Found" in err
    assert leftovers(models) == []


def test_real_manifest_entry_refuses_a_file_of_the_wrong_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: ModelServer, capsys
) -> None:
    monkeypatch.setenv("VOICE_GUIDE_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("VOICE_GUIDE_MODEL_URL_BASE", server.base)
    server.add("/vosk-model-small-en-us-0.15.zip", ARCHIVE)
    assert main(["models", "pull", "vosk-model-small-en-us-0.15"]) == 1
    _, err = capsys.readouterr()
    assert f"the server offers {len(ARCHIVE)} bytes but the manifest expects 41205931" in err
    assert "the partial download was deleted" in err
    assert leftovers(tmp_path / "models") == []


def test_unverifiable_model_needs_no_verify(
    models: Path, server: ModelServer, tmp_path: Path, capsys
) -> None:
    write_manifest(tmp_path / "manifest.json", sha=None, size=None)
    serve(server)
    assert main(["models", "pull", NAME]) == 1
    _, err = capsys.readouterr()
    assert err == (
        f"voice-guide: {NAME} has no published SHA-256 in the manifest, so it cannot be "
        "verified; pass --no-verify to install it anyway.\n"
    )
    assert hits(server) == []
    assert main(["models", "pull", NAME, "--no-verify"]) == 0
    _, err = capsys.readouterr()
    assert "without a checksum" in err
    assert_installed(models)


def test_url_option_accepts_a_local_file(models: Path, tmp_path: Path, capsys) -> None:
    archive = tmp_path / "mirror" / f"{NAME}.zip"
    archive.parent.mkdir()
    archive.write_bytes(ARCHIVE)
    assert main(["models", "pull", NAME, "--url", archive.as_uri()]) == 0
    assert_installed(models)


def test_disk_full_is_one_sentence(models: Path, server: ModelServer, capsys) -> None:
    serve(server)
    models.mkdir()
    (models / f"{NAME}.part").symlink_to("/dev/full")  # every write fails with ENOSPC
    assert main(["models", "pull", NAME]) == 1
    _, err = capsys.readouterr()
    assert last_line(err).startswith(f"voice-guide: the disk holding {models} is full; free")
    assert not (models / NAME).exists()


def test_permission_denied_is_one_sentence(server: ModelServer, monkeypatch, capsys) -> None:
    """A models folder the user cannot write to. Root ignores file modes, so as root the CLI
    runs in a child process without the capabilities that bypass them (via setpriv): still
    root, so it reads the checkout wherever it is, but the folder's modes now hold."""
    serve(server)
    base = Path(tempfile.mkdtemp(prefix="vg-perm-"))
    try:
        manifest = base / "manifest.json"
        write_manifest(manifest, sha=sha256(ARCHIVE), size=len(ARCHIVE))
        locked = base / "models"
        locked.mkdir()
        base.chmod(0o755)
        manifest.chmod(0o644)
        locked.chmod(0o555)
        env = {
            "VOICE_GUIDE_MODELS_DIR": str(locked),
            "VOICE_GUIDE_MODEL_MANIFEST": str(manifest),
            "VOICE_GUIDE_MODEL_URL_BASE": server.base + "/vosk/models",
        }
        if os.geteuid() == 0:
            setpriv = shutil.which("setpriv")
            assert setpriv is not None, "setpriv (util-linux) is needed to drop root's file rights"
            proc = subprocess.run(
                [
                    setpriv,
                    "--bounding-set=-dac_override,-dac_read_search,-fowner",
                    "--inh-caps=-dac_override,-dac_read_search,-fowner",
                    sys.executable,
                    "-m",
                    "voice_guide",
                    "models",
                    "pull",
                    NAME,
                ],
                env={**os.environ, **env},
                capture_output=True,
                text=True,
                timeout=60,
            )
            code, err = proc.returncode, proc.stderr
        else:
            for key, value in env.items():
                monkeypatch.setenv(key, value)
            code = main(["models", "pull", NAME])
            err = capsys.readouterr().err
        assert code == 1
        assert err == (
            f"voice-guide: permission denied writing {locked / ('.' + NAME + '.lock')}; make it "
            "writable or set VOICE_GUIDE_MODELS_DIR to a folder you own.\n"
        )
        assert list(locked.iterdir()) == []
        assert hits(server) == []
    finally:
        locked.chmod(0o755)
        shutil.rmtree(base)
