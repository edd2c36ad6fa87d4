"""Fuzz every file reader with random and hostile input: only UserError, no hang, bounded memory.

The cases are made in the test process from a fixed seed (mutations of the real files,
random bytes, deep nesting, huge numbers, NUL bytes, BOMs, alias bombs, hostile archives)
and written to a temporary folder. Each reader then runs over its cases in a child
process (this file run as a script) under an address-space limit; every single read
gets a time limit (an interval timer) and its tracemalloc peak is reported. The child
prints one JSON line per case; the test asserts on them.
"""

from __future__ import annotations

import io
import json
import os
import random
import resource
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261124
CASES_PER_TEXT_READER = 70
CASES_FOR_ARCHIVES = 45
CASE_SECONDS = 20  # per read; a hang guard, never a timing assertion
PEAK_LIMIT = 96 * 1024 * 1024  # tracemalloc peak of one read
ADDRESS_LIMIT = 1536 * 1024 * 1024  # the whole child process

SCRIPT = b"""\
# a simulation script
5 next
95 say that again
200 pause
260 resume
300 step three
400 quit
"""
PHRASES_EN = b"""\
replace: false
intents:
  next: [onward, move along]
  quit: [stop the guide]
numbers: {first: 1, second: 2}
goto: ["jump to {n}"]
padding: [kindly]
"""


# --- case generation (parent) ---------------------------------------------------------------


def _soup(rng: random.Random, n: int) -> bytes:
    alphabet = "[]{}:-,&*!|>'\"#\n %@`?\t\\abcxyz019.eE+_<=~"
    return "".join(rng.choice(alphabet) for _ in range(n)).encode()


def _mutate(rng: random.Random, data: bytes) -> bytes:
    kind = rng.randrange(12)
    b = bytearray(data)
    if kind == 0 and b:
        return bytes(b[: rng.randrange(len(b))])  # truncation
    if kind == 1:
        for _ in range(rng.randint(1, 12)):
            if b:
                b[rng.randrange(len(b))] = rng.randrange(256)
        return bytes(b)
    if kind == 2:
        for _ in range(rng.randint(1, 6)):
            b[rng.randrange(len(b) + 1): 0] = bytes([rng.randrange(256)])
        return bytes(b)
    if kind == 3 and b:
        start = rng.randrange(len(b))
        del b[start: start + rng.randint(1, 400)]
        return bytes(b)
    if kind == 4 and b:
        start = rng.randrange(len(b))
        span = b[start: start + rng.randint(1, 300)]
        b[start:start] = span * rng.randint(2, 20)
        return bytes(b)
    if kind == 5:
        for _ in range(rng.randint(1, 5)):
            b[rng.randrange(len(b) + 1): 0] = b"\x00"
        return bytes(b)
    if kind == 6:
        bom = rng.choice([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00"])
        return bom + bytes(b)
    if kind == 7:
        return bytes(b).replace(b"\n", rng.choice([b"\r\n", b"\r", b"\x85", "\u2028".encode()]))
    if kind == 8:
        at = rng.randrange(len(b) + 1)
        return bytes(b[:at]) + _soup(rng, rng.randint(1, 200)) + bytes(b[at:])
    if kind == 9:
        hostile = rng.choice([b"9" * 5000, b"1e99999", b"-.inf", b".nan", b"0x10", b"0o777",
                              b"2024-99-99", b"!!python/object:os.system x", b"*undefined",
                              b"&a [*a]", b'"\\e]0;x\\a"', b"\"\\x9b2J\"", b"~", b"''",
                              b"!!binary ###", b"!!timestamp 2001-13-45", b"1:2:3:4:5"])
        positions = [i + 2 for i in range(len(b) - 1) if b[i: i + 2] == b": "]
        at = rng.choice(positions) if positions else len(b)
        end = b.find(b"\n", at)
        end = len(b) if end < 0 else end
        return bytes(b[:at]) + hostile + bytes(b[end:])
    if kind == 10:
        lines = bytes(b).split(b"\n")
        rng.shuffle(lines)
        return b"\n".join(lines)
    return bytes(b) + b"\n" + bytes(b)  # two documents' worth, duplicate keys


def _fixed_text_cases() -> list[bytes]:
    laughs = b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + b"".join(
        f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n".encode()
        for p, n in zip("abcdefgh", "bcdefghi", strict=True))
    return [
        b"", b"\n", b"\x00" * 1000, b"\xef\xbb\xbf", b"\xff\xfe" + "id: x".encode("utf-16-le"),
        laughs, b"[" * 100_000, b"{a: " * 30_000, b"- " * 50_000,
        b"".join(b"  " * i + b"- x\n" for i in range(200)),
        b"x" * 250_000, b"key: " + b"9" * 100_000 + b"\n", b"a: 1e99999\nb: -.inf\n",
        b"%YAML 1.1\n%TAG ! tag:x,2000:\n--- !x\n", b"--- a\n--- b\n...\n", b"? [a]\n: b\n",
        b"!!python/object/apply:os.system ['true']\n", b"a: !!binary ####\n",
        b"\t- tab\n", b"a: '\x07'\n", b'a: "\\e]0;title\\a\\x9b"\n', b"\x1b[2J" * 100,
        os.urandom(0) + bytes(range(256)) * 8,
    ]


def _text_cases(rng: random.Random, seeds: list[bytes], count: int) -> list[bytes]:
    cases = _fixed_text_cases()
    while len(cases) < count:
        roll = rng.random()
        if roll < 0.1:
            cases.append(rng.randbytes(rng.randint(0, 4096)))
        elif roll < 0.2:
            cases.append(_soup(rng, rng.randint(1, 3000)))
        else:
            data = rng.choice(seeds)
            for _ in range(rng.randint(1, 3)):
                data = _mutate(rng, data)
            cases.append(data)
    return cases


def _model_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in ("m/am/final.mdl", "m/conf/model.conf", "m/graph/HCLr.fst", "m/README"):
            zf.writestr(name, (name * 40).encode())
    return buf.getvalue()


def _model_tar(mode: str) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as tf:  # type: ignore[call-overload]
        for name in ("m/am/final.mdl", "m/conf/model.conf", "m/graph/HCLr.fst"):
            data = (name * 40).encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _hostile_archives() -> list[bytes]:
    out = []
    for name, attr, body in [
        ("a/b", 0o120000, b".."), ("../evil", 0o100644, b"x"), ("/abs", 0o100644, b"x"),
        ("m/dev", 0o020000, b""), ("m/fifo", 0o010000, b""), ("C:/win", 0o100644, b"x"),
    ]:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("m/am/final.mdl", b"model")
            info = zipfile.ZipInfo(name)
            info.external_attr = (attr | 0o644) << 16
            zf.writestr(info, body)
        out.append(buf.getvalue())
    for kind, link in [(tarfile.SYMTYPE, ".."), (tarfile.LNKTYPE, "/etc/passwd"),
                       (tarfile.CHRTYPE, ""), (tarfile.FIFOTYPE, "")]:
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as tf:
            info = tarfile.TarInfo("m/x")
            info.type = kind
            info.linkname = link
            tf.addfile(info)
        out.append(buf.getvalue())
    lying = bytearray(_model_zip())  # central directory claims a 1 TB member
    at = lying.find(b"PK\x01\x02")
    lying[at + 24: at + 28] = (2**32 - 1).to_bytes(4, "little")
    out.append(bytes(lying))
    return out


def _archive_cases(rng: random.Random) -> list[bytes]:
    seeds = [_model_zip(), _model_tar("w:gz"), _model_tar("w"), _model_tar("w:xz")]
    cases = [*seeds, *_hostile_archives(), b"", b"PK\x05\x06" + b"\x00" * 18,
             b"\x1f\x8b" + os.urandom(0) + b"\x00" * 100, rng.randbytes(2000)]
    while len(cases) < CASES_FOR_ARCHIVES:
        data = rng.choice(seeds)
        for _ in range(rng.randint(1, 2)):
            data = _mutate(rng, data) if rng.random() < 0.7 else data[: rng.randrange(len(data))]
        cases.append(data)
    return cases


def _write_cases(folder: Path, cases: list[bytes], suffix: str) -> None:
    folder.mkdir()
    for n, data in enumerate(cases):
        (folder / f"case{n:03d}{suffix}").write_bytes(data)


# --- the child: run one reader over a folder of cases ---------------------------------------


class _Timeout(BaseException):
    pass


def _reader(name: str):  # type: ignore[no-untyped-def]
    if name == "routine":
        from voice_guide.routine.loader import load_flat
        return load_flat
    if name == "phrases":
        from voice_guide.phrase_file import load_phrase_table
        return load_phrase_table
    if name == "script":
        from voice_guide.intents import DEFAULT_TABLE
        from voice_guide.script_file import read_script
        return lambda path: read_script(path, DEFAULT_TABLE)
    import shutil
    import tempfile

    from voice_guide.models_store.install import _install_archive

    def install(path: Path) -> None:
        work = Path(tempfile.mkdtemp(prefix="fuzz-models-"))
        try:
            part = work / "m.part"
            shutil.copyfile(path, part)
            _install_archive(part, work / "m", work, lambda _message: None)
            assert not Path("/etc/passwd").is_symlink()
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return install


def _child(reader_name: str, folder: Path) -> None:
    import signal
    import time
    import traceback
    import tracemalloc

    from voice_guide.errors import UserError

    def alarm(_signum: int, _frame: object) -> None:
        raise _Timeout()

    signal.signal(signal.SIGALRM, alarm)
    read = _reader(reader_name)
    for path in sorted(folder.iterdir()):
        tracemalloc.start()
        started = time.monotonic()
        signal.setitimer(signal.ITIMER_REAL, CASE_SECONDS)
        outcome, detail = "ok", ""
        try:
            read(path)
        except UserError as err:
            outcome, detail = "user", str(err)[:300]
        except _Timeout:
            outcome, detail = "timeout", ""
        except BaseException as err:  # noqa: BLE001 - the point is to report anything else
            outcome = "crash"
            detail = "".join(traceback.format_exception(err))[-1500:]
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(json.dumps({"case": path.name, "outcome": outcome, "detail": detail,
                          "peak": peak, "seconds": round(time.monotonic() - started, 2)}),
              flush=True)


# --- the test -------------------------------------------------------------------------------


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_LIMIT, ADDRESS_LIMIT))


@pytest.fixture(scope="module")
def case_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = random.Random(SEED)
    root = tmp_path_factory.mktemp("fuzz")
    routine = (ROOT / "routines" / "back-massage.yaml").read_bytes()
    korean = (ROOT / "voice_guide" / "lang" / "ko-phrases.yaml").read_bytes()
    _write_cases(root / "routine", _text_cases(rng, [routine], CASES_PER_TEXT_READER), ".yaml")
    _write_cases(root / "phrases", _text_cases(rng, [korean, PHRASES_EN],
                                               CASES_PER_TEXT_READER), ".yaml")
    _write_cases(root / "script", _text_cases(rng, [SCRIPT], CASES_PER_TEXT_READER), ".txt")
    _write_cases(root / "archive", _archive_cases(rng), ".part")
    return root


@pytest.mark.parametrize("reader", ["routine", "phrases", "script", "archive"])
def test_reader_survives_hostile_files(case_root: Path, reader: str) -> None:
    folder = case_root / reader
    expected = len(list(folder.iterdir()))
    result = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), reader, str(folder)],
        capture_output=True, text=True, timeout=CASE_SECONDS * expected, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, preexec_fn=_limit,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(reports) == expected, result.stderr[-3000:]
    bad = [r for r in reports if r["outcome"] not in ("ok", "user")]
    assert not bad, "\n\n".join(f"{r['case']}: {r['outcome']}\n{r['detail']}" for r in bad)
    heavy = [(r["case"], r["peak"]) for r in reports if r["peak"] > PEAK_LIMIT]
    assert not heavy, heavy
    refused = [r for r in reports if r["outcome"] == "user"]
    assert refused, "the hostile cases must be refused, not silently accepted"
    for r in refused:
        assert "Traceback" not in r["detail"]


if __name__ == "__main__":
    _child(sys.argv[1], Path(sys.argv[2]))
