"""Safe extraction of zip and tar archives, on real files in a temporary directory."""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

import pytest
from http_fixture import model_zip

from voice_guide.models_store.extract import (
    ArchiveError,
    UnsafeArchive,
    checked_name,
    extract_archive,
    unpacked_size,
)


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def tar_bytes(members: list[tuple[tarfile.TarInfo, bytes | None]], mode: str = "w") -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as tf:  # type: ignore[call-overload]
        for info, data in members:
            if data is not None:
                info.size = len(data)
                tf.addfile(info, io.BytesIO(data))
            else:
                tf.addfile(info)
    return buf.getvalue()


def tar_member(name: str, kind: bytes = tarfile.REGTYPE, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = link
    info.mode = 0o644
    return info


@pytest.fixture
def box(tmp_path: Path) -> tuple[Path, Path]:
    """(archive folder, destination) side by side, so an escape would land in tmp_path."""
    dest = tmp_path / "dest"
    dest.mkdir()
    src = tmp_path / "src"
    src.mkdir()
    return src, dest


def only_dest_written(tmp_path: Path) -> None:
    outside = sorted(p.name for p in tmp_path.iterdir())
    assert outside == ["dest", "src"], f"something was written outside: {outside}"


def test_zip_model_extracts_with_its_files(box: tuple[Path, Path]) -> None:
    src, dest = box
    archive = write(src / "m.zip", model_zip("vosk-model-x", big=1000))
    extract_archive(archive, dest)
    assert (dest / "vosk-model-x" / "am" / "final.mdl").stat().st_size == 1000
    assert (dest / "vosk-model-x" / "graph" / "HCLr.fst").is_file()
    assert unpacked_size(archive) == 1000 + 6 * 512


def test_zip_link_even_inside_the_archive_is_refused(box: tuple[Path, Path]) -> None:
    src, dest = box
    archive = write(src / "m.zip", model_zip("m", symlinks={"m/conf/alias.conf": "model.conf"}))
    with pytest.raises(UnsafeArchive, match="'m/conf/alias.conf' is a link"):
        extract_archive(archive, dest)
    assert list(dest.iterdir()) == []


def _link_chain_zip() -> bytes:
    """Links that each look internal but together climb out: a/b -> .., a/b/c -> .., ..."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for depth in range(1, 6):
            info = zipfile.ZipInfo("/".join("abcdefg"[: depth + 1]))
            info.external_attr = (0o120000 | 0o777) << 16  # S_IFLNK
            zf.writestr(info, b"..")
        info = zipfile.ZipInfo("a/b/c/d/e/f/pw")
        info.external_attr = (0o120000 | 0o777) << 16
        zf.writestr(info, b"../../../../../etc/passwd")
    return buf.getvalue()


def _link_chain_tar() -> bytes:
    members = [(tar_member("/".join("abcdefg"[: d + 1]), tarfile.SYMTYPE, ".."), None)
               for d in range(1, 6)]
    members.append((tar_member("a/b/c/d/e/f/pw", tarfile.SYMTYPE, "../../../../../etc/passwd"),
                    None))
    return tar_bytes(members)


@pytest.mark.parametrize(("suffix", "build"), [("zip", _link_chain_zip), ("tar", _link_chain_tar)])
def test_chain_of_internal_looking_links_is_refused(
    tmp_path: Path, box: tuple[Path, Path], suffix: str, build: object
) -> None:
    src, dest = box
    data = build()  # type: ignore[operator]
    with pytest.raises(UnsafeArchive, match="is a link"):
        extract_archive(write(src / f"m.{suffix}", data), dest)
    only_dest_written(tmp_path)
    assert list(dest.iterdir()) == []


@pytest.mark.parametrize(
    ("archive_bytes", "message"),
    [
        (model_zip("m", extra={"../evil": b"x"}), "climbs out with '..'"),
        (model_zip("m", extra={"m/a/../../../evil": b"x"}), "climbs out with '..'"),
        (model_zip("m", extra={"/evil": b"x"}), "has an absolute path"),
        (model_zip("m", symlinks={"m/up": "../../src"}), "is a link"),
        (model_zip("m", symlinks={"m/up": "/tmp"}), "is a link"),
        (
            model_zip("m", symlinks={"m/link": "README"}, extra={"m/link": b"overwrite"}),
            "is a link",
        ),
    ],
    ids=["dotdot", "dotdot-inside", "absolute", "link-up", "link-absolute", "write-through-link"],
)
def test_unsafe_zip_is_refused(
    tmp_path: Path, box: tuple[Path, Path], archive_bytes: bytes, message: str
) -> None:
    src, dest = box
    with pytest.raises(UnsafeArchive, match=message.replace("(", r"\(")):
        extract_archive(write(src / "m.zip", archive_bytes), dest)
    only_dest_written(tmp_path)
    assert sorted(p.name for p in src.iterdir()) == ["m.zip"]


def test_unsafe_zip_is_refused_before_anything_is_written(box: tuple[Path, Path]) -> None:
    src, dest = box
    archive = write(src / "m.zip", model_zip("m", extra={"../evil": b"x"}))
    with pytest.raises(UnsafeArchive):
        extract_archive(archive, dest)
    assert list(dest.iterdir()) == [], "checks run on every member before the first write"


def test_zip_device_entry_is_refused(box: tuple[Path, Path]) -> None:
    src, dest = box
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        info = zipfile.ZipInfo("m/dev")
        info.external_attr = (0o020000 | 0o644) << 16  # S_IFCHR
        zf.writestr(info, b"")
    with pytest.raises(UnsafeArchive, match="device or special file"):
        extract_archive(write(src / "m.zip", buf.getvalue()), dest)


def test_tar_gz_model_extracts(box: tuple[Path, Path]) -> None:
    src, dest = box
    data = tar_bytes(
        [
            (tar_member("m/am/final.mdl"), b"model"),
            (tar_member("m/conf/model.conf"), b"conf"),
        ],
        mode="w:gz",
    )
    extract_archive(write(src / "m.tar.gz", data), dest)
    assert (dest / "m" / "am" / "final.mdl").read_bytes() == b"model"
    assert (dest / "m" / "conf" / "model.conf").read_bytes() == b"conf"


@pytest.mark.parametrize(
    ("member", "message"),
    [
        (tar_member("m/null", tarfile.CHRTYPE), "device or special file"),
        (tar_member("m/fifo", tarfile.FIFOTYPE), "device or special file"),
        (tar_member("m/up", tarfile.SYMTYPE, "../../src"), "is a link"),
        (tar_member("m/in", tarfile.SYMTYPE, "README"), "is a link"),
        (tar_member("m/pw", tarfile.LNKTYPE, "/etc/passwd"), "is a link"),
        (tar_member("m/pw", tarfile.LNKTYPE, "../src/x"), "is a link"),
        (tar_member("../evil"), "climbs out with '..'"),
        (tar_member("/evil"), "has an absolute path"),
    ],
    ids=["chardev", "fifo", "symlink-up", "symlink-in", "hardlink-absolute", "hardlink-up",
         "dotdot", "abs"],
)
def test_unsafe_tar_is_refused(
    tmp_path: Path, box: tuple[Path, Path], member: tarfile.TarInfo, message: str
) -> None:
    src, dest = box
    data = tar_bytes([(tar_member("m/README"), b"x"), (member, b"" if member.isreg() else None)])
    with pytest.raises(UnsafeArchive, match=message):
        extract_archive(write(src / "m.tar", data), dest)
    only_dest_written(tmp_path)
    assert list(dest.iterdir()) == []


def test_not_an_archive(box: tuple[Path, Path]) -> None:
    src, dest = box
    with pytest.raises(ArchiveError, match="neither a zip nor a tar archive"):
        extract_archive(write(src / "m.zip", b"<html>503 Service Unavailable</html>"), dest)


def test_damaged_zip_is_reported(box: tuple[Path, Path]) -> None:
    src, dest = box
    data = bytearray(model_zip("m", big=5000))
    data[200] ^= 0xFF  # inside am/final.mdl's stored bytes: the CRC check fails
    with pytest.raises(ArchiveError, match="damaged"):
        extract_archive(write(src / "m.zip", bytes(data)), dest)


@pytest.mark.parametrize("name", ["a/b", "a/./b", "README", "a/b/"])
def test_checked_name_accepts_plain_relative_paths(name: str) -> None:
    assert not checked_name(name).startswith(("/", ".."))
