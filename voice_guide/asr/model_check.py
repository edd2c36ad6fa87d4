"""Is a Vosk model directory whole? Checked before Vosk is let near it.

A damaged model can take the whole program down: a truncated ``graph/HCLr.fst`` makes
Kaldi crash with a segmentation fault when the first recognizer is made, a missing
``ivector/final.ie`` makes it fail with a bare exception. So, in this order:

1. the files the model's layout needs are there, are regular files of a sane size, and
   the FST headers read as OpenFst headers (``check_model_files``);
2. a ``const`` FST's size must match what its header promises; other FST kinds (the
   ``olabel_lookahead`` and ``ngram`` graphs small models ship) cannot be checked that way,
   so unless this exact set of files (names, sizes, times) was verified before, the model
   is loaded, a recognizer made and fed a little silence in a child process with a time
   limit (``verify_in_child``); a crash there becomes one sentence, and success is
   remembered in the user's cache directory so the next start does not pay again.
"""

from __future__ import annotations

import json
import os
import re
import signal
import stat
import struct
import subprocess
import sys
from pathlib import Path

from voice_guide.errors import UserError
from voice_guide.text_safety import printable

FST_MAGIC = 2125659606
VERIFY_TIMEOUT_S = 300.0  # a large model on a Raspberry Pi takes a minute to load
_MIN_SIZE = {"am/final.mdl": 1_000, "ivector/final.ie": 1_000}
_IVECTOR = ("final.ie", "final.mat", "final.dubm", "global_cmvn.stats", "online_cmvn.conf",
            "splice.conf")
# ConstFst<StdArc>: per state weight, first arc, arcs, input and output epsilons; per arc
# ilabel, olabel, weight, nextstate.
_CONST_STATE = 20
_CONST_ARC = 16
_ALIGN = 16


def pull_hint(path: Path) -> str:
    return f"run 'voice-guide models pull {path.name}' again"


def damaged(path: Path, why: str) -> UserError:
    return UserError(f"{path}: is damaged ({why}); {pull_hint(path)}.")


def required_files(path: Path) -> list[str]:
    """What a Vosk model with this layout must hold (paths relative to ``path``)."""
    need = ["am/final.mdl", "conf/model.conf", "conf/mfcc.conf"]
    graph = path / "graph"
    if (graph / "HCLG.fst").exists():
        need += ["graph/HCLG.fst", "graph/words.txt"]
    else:  # small models: lookahead graph built at run time from HCLr and Gr
        need += ["graph/HCLr.fst", "graph/Gr.fst", "graph/disambig_tid.int"]
    if (path / "ivector").exists():
        need += [f"ivector/{name}" for name in _IVECTOR]
    return need


def check_model_files(path: Path) -> bool:
    """UserError (one sentence) for a missing or visibly damaged model; True when the files
    alone prove it whole, False when only loading it can tell."""
    try:
        st = os.stat(path)
    except OSError:
        raise UserError(f"{path}: no such model directory; name a Vosk model folder with "
                        "'voice-guide config set model DIR' or --model DIR, or run 'voice-guide "
                        "models pull NAME' (see 'voice-guide models list').") from None
    if not stat.S_ISDIR(st.st_mode):
        raise UserError(f"{path}: a Vosk model is a directory, not a file; pass the unpacked "
                        "model directory.")
    if not (path / "am" / "final.mdl").exists() or not (path / "conf").is_dir():
        raise UserError(f"{path}: not a Vosk model (am/final.mdl or conf/ is missing); pass "
                        "the directory that holds am/, conf/ and graph/.")
    sure = True
    for rel in required_files(path):
        file = path / rel
        try:
            fst = os.stat(file)
        except OSError:
            raise UserError(f"{path}: the Vosk model is incomplete ({rel} is missing); "
                            f"{pull_hint(path)}.") from None
        if not stat.S_ISREG(fst.st_mode):
            raise damaged(path, f"{rel} is not a regular file")
        if fst.st_size < _MIN_SIZE.get(rel, 1):
            raise damaged(path, f"{rel} is only {fst.st_size} bytes")
        if rel.endswith(".fst"):
            sure = _check_fst(path, rel, fst.st_size) and sure
    with (path / "am" / "final.mdl").open("rb") as f:
        if b"TransitionModel" not in f.read(64):
            raise damaged(path, "am/final.mdl is not a Kaldi acoustic model")
    # Without ivector/ the files cannot tell whether the network needs i-vectors (Vosk then
    # fails when the first recognizer is made), so only loading it can.
    return sure and (path / "ivector").exists()


def _check_fst(path: Path, rel: str, size: int) -> bool:
    """Header check; True when the size could be checked too (const FSTs)."""
    with (path / rel).open("rb") as f:
        head = f.read(256)
    try:
        (magic,) = struct.unpack_from("<i", head, 0)
        if magic != FST_MAGIC:
            raise ValueError("not an OpenFst file")
        pos = 4
        names = []
        for _ in range(2):
            (length,) = struct.unpack_from("<i", head, pos)
            if not 0 < length <= 64:
                raise ValueError("bad header")
            names.append(head[pos + 4 : pos + 4 + length].decode("ascii"))
            pos += 4 + length
        _version, flags, _props, start, states, arcs = struct.unpack_from("<iiQqqq", head, pos)
        pos += 40
    except (struct.error, ValueError, UnicodeDecodeError) as err:
        reason = str(err) if isinstance(err, ValueError) and "OpenFst" in str(err) else (
            "its header is unreadable")
        raise damaged(path, f"{rel}: {reason}") from None
    fst_type, arc_type = names
    if fst_type != "const" or arc_type != "standard":
        return False
    if states < 0 or arcs < 0 or start >= states:
        raise damaged(path, f"{rel}: its header is inconsistent")
    body = pos + (-pos % _ALIGN if flags & 1 else 0)
    states_end = body + states * _CONST_STATE
    expected = states_end + (-states_end % _ALIGN if flags & 1 else 0) + arcs * _CONST_ARC
    if size < expected:
        raise damaged(path, f"{rel} is cut short: {size} of {expected} bytes")
    return True


def _signature(path: Path) -> list[list[object]]:
    out: list[list[object]] = []
    for file in sorted(path.rglob("*")):
        st = file.stat()
        if stat.S_ISREG(st.st_mode):
            out.append([str(file.relative_to(path)), st.st_size, st.st_mtime_ns])
    return out


def _cache_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "voice-guide" / "verified-models.json"


def _remembered() -> dict[str, object]:
    try:
        data = json.loads(_cache_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _remember(path: Path, signature: list[list[object]]) -> None:
    data = _remembered()
    data[str(path.resolve())] = signature
    try:
        cache = _cache_file()
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".tmp-{os.getpid()}")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(cache)
    except OSError:
        pass  # not remembering only costs time on the next start


def verify_in_child(path: Path, timeout_s: float = VERIFY_TIMEOUT_S) -> None:
    """Load ``path`` with Vosk in a child process (unless this file set was verified
    before); UserError naming what went wrong when the child crashes, fails or hangs."""
    signature = _signature(path)
    if _remembered().get(str(path.resolve())) == signature:
        return
    cmd = [sys.executable, "-m", "voice_guide.asr.model_probe", str(path)]
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=timeout_s, check=False,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise UserError(f"{path}: the Vosk model did not load within {timeout_s:.0f} s; check "
                        f"the model or {pull_hint(path)}.") from None
    if done.returncode != 0:
        raise damaged(path, _why(path, done.returncode, done.stderr.decode("utf-8", "replace")))
    _remember(path, signature)


def _why(path: Path, code: int, stderr: str) -> str:
    errors = [line for line in stderr.splitlines() if "ERROR" in line or "Exception" in line]
    detail = ""
    if errors:
        text = errors[0]
        prefix = str(path.resolve()) + os.sep
        for form in (prefix, str(path) + os.sep):
            text = text.replace(form, "")
        text = text.split(") ", 1)[-1].replace('"', "").strip()
        text = re.sub(r"^(ERROR|Exception)\W*", "", text)
        detail = printable(re.sub(r"(\d)from ", r"\1 from ", text))[:160]
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        crash = f"Vosk crashed loading it ({name})"
        return f"{crash} after: {detail}" if detail else crash
    return f"Vosk could not load it: {detail}" if detail else "Vosk could not load it"
