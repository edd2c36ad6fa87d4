"""Issue 7: hostile and broken input files. Each class of bad input ends in one clear
message and a non-zero exit: never a traceback, a hang, unbounded memory or raw escapes.

Commands that could hang or eat memory run in a subprocess with a time limit and an
address-space limit, so a regression fails the test instead of the machine.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from http_fixture import ModelServer, model_zip, running_server, sha256

from voice_guide.cli.common import korean_phrase_file
from voice_guide.cli.main import main
from voice_guide.cli.safe_output import json_text
from voice_guide.errors import UserError
from voice_guide.intents import DEFAULT_TABLE
from voice_guide.paths import PROJECT_ROOT
from voice_guide.phrase_file import load_phrase_table
from voice_guide.routine.catalog import list_routines
from voice_guide.routine.loader import load_flat
from voice_guide.routine.problems import RoutineError
from voice_guide.script_file import read_script

MASSAGE = PROJECT_ROOT / "routines" / "back-massage.yaml"
MEMORY_LIMIT = 768 * 1024 * 1024
FILE_LIMIT = 64 * 1024 * 1024
ESC = "\x1b"

BILLION_LAUGHS = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]"
            for p, n in zip("abcdefgh", "bcdefghi", strict=True)
        ),
    ]
) + "\n"

MINI = """\
id: {id}
title: {title}
description: A tiny routine.
introduction: [Hello.]
steps:
  - id: one
    title: One
    instructions: [Do it.]
    {measure}
    pressure: light
    area: back
    technique: stroke
"""


def _limit_memory() -> None:
    """Address space and file size limits: a regression fails, it cannot fill the machine."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))


def cli(*args: str, timeout: float = 90, stdout: object = subprocess.PIPE,
        env: dict[str, str] | None = None, cwd: Path | None = None,
        ) -> subprocess.CompletedProcess[str]:
    """``voice-guide ARGS`` in a subprocess with a time and memory limit (hang guards only)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "voice_guide", *args], stdout=stdout, stderr=subprocess.PIPE,
        text=True, timeout=timeout, env=full_env, preexec_fn=_limit_memory, cwd=cwd,
        encoding="utf-8", errors="replace",
    )


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def mini(tmp_path: Path, name: str = "mini", *, title: str = "Mini",
         measure: str = "duration: {min_s: 10, max_s: 20}", rid: str | None = None) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(MINI.format(id=rid or name, title=title, measure=measure), encoding="utf-8")
    return path


def assert_clean(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert ESC not in result.stdout and ESC not in result.stderr


# --- 1. Resource bombs ----------------------------------------------------------------------


def test_billion_laughs_routine_is_refused_at_once(tmp_path: Path) -> None:
    bomb = tmp_path / "laughs.yaml"
    bomb.write_text(BILLION_LAUGHS, encoding="utf-8")
    assert len(BILLION_LAUGHS) < 800
    result = cli("routines", "validate", str(bomb))
    assert result.returncode == 1
    assert f"{bomb}:1: uses a YAML anchor or alias" in result.stderr
    assert_clean(result)


def test_nested_alias_bomb_and_deep_nesting_are_refused(tmp_path: Path) -> None:
    nested = tmp_path / "nested.yaml"
    nested.write_text("x: &x [[[[[[1]]]]]]\n" + "".join(
        f"y{i}: &y{i} [*{'x' if i == 0 else f'y{i - 1}'}, *{'x' if i == 0 else f'y{i - 1}'}]\n"
        for i in range(60)), encoding="utf-8")
    deep = tmp_path / "deep.yaml"
    deep.write_text("steps: " + "[" * 50_000 + "\n", encoding="utf-8")
    result = cli("routines", "validate", str(nested), str(deep))
    assert result.returncode == 1
    assert f"{nested}:1: uses a YAML anchor or alias" in result.stderr
    assert f"{deep}:1: is nested more than 24 levels deep" in result.stderr
    assert_clean(result)


def test_merge_keys_need_aliases_and_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "merge.yaml"
    path.write_text("base: &b {pressure: light}\nsteps:\n  - <<: *b\n", encoding="utf-8")
    with pytest.raises(RoutineError, match=r"merge\.yaml:1: uses a YAML anchor or alias"):
        load_flat(path)


@pytest.mark.parametrize("what", ["routine", "phrases", "script"])
def test_dev_zero_and_fifo_are_refused_without_reading(tmp_path: Path, what: str) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    for bad in ("/dev/zero", str(fifo)):
        args = {
            "routine": ["routines", "validate", bad],
            "phrases": ["simulate", "--phrases", bad],
            "script": ["simulate", "--script", bad],
        }[what]
        result = cli(*args, timeout=60)
        assert result.returncode == 1, result.stderr
        assert f"{bad}: is not a regular file (a pipe, device or socket)" in result.stderr
        assert_clean(result)


def test_oversized_files_are_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("# padding\n" * 30_000, encoding="utf-8")
    with pytest.raises(RoutineError, match=r"big\.yaml: is 300 kB, more than the 256 kB allowed"):
        load_flat(big)
    with pytest.raises(UserError, match=r"more than the 64 kB allowed for a phrase file"):
        load_phrase_table(big)
    with pytest.raises(UserError, match=r"more than the 256 kB allowed for a script file"):
        read_script(big, DEFAULT_TABLE)


def test_routines_list_shows_broken_files_and_still_lists_the_rest(tmp_path: Path) -> None:
    mini(tmp_path, "good")
    (tmp_path / "laughs.yaml").write_text(BILLION_LAUGHS, encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (tmp_path / "evil.yaml").write_text(
        MINI.format(id="evil", title='"\\e]0;pwned\\a"', measure="duration: {min_s: 1, max_s: 2}"),
        encoding="utf-8")
    result = cli("routines", "list", env={"VOICE_GUIDE_ROUTINES": str(tmp_path)}, cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    assert_clean(result)
    assert "\a" not in result.stdout
    rows = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert {"back-massage", "good", "laughs", "pipe", "gone", "evil"} <= set(rows)
    assert rows["good"].split()[:4] == ["good", "1", "0.7", "Mini"]  # minutes, narration included
    assert "broken: line 1: uses a YAML anchor or alias" in rows["laughs"]
    assert "broken: is not a regular file (a pipe, device or socket)" in rows["pipe"]
    assert "broken: no such file" in rows["gone"]
    assert "broken: line 2: title: contains a control character" in rows["evil"]
    assert "see `voice-guide routines validate" in rows["pipe"]


def test_catalog_entries_for_unreadable_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mini(tmp_path, "good")
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "big.yaml").write_text("# padding\n" * 30_000, encoding="utf-8")
    monkeypatch.setenv("VOICE_GUIDE_ROUTINES", str(tmp_path))
    entries = {e.path.stem: e for e in list_routines()}
    assert entries["good"].error is None and entries["good"].step_count == 1
    assert entries["pipe"].error is not None and "is not a regular file" in entries["pipe"].error
    assert entries["big"].error is not None and "256 kB allowed" in entries["big"].error


# --- 2. Values that validate and then crash -------------------------------------------------


@pytest.mark.parametrize(
    ("measure", "words"),
    [
        ("duration: {min_s: 10, max_s: .inf}", "must be an ordinary finite number"),
        ("duration: {min_s: .nan, max_s: 10}", "must be an ordinary finite number"),
        ("duration: {min_s: 10, max_s: 1e12}", "must be at most 14400"),
        ("repetitions: {min: 1, max: 100000000, seconds_each: 0.000001}", "must be at most 300"),
        ("repetitions: {min: 1, max: 3, seconds_each: 0.000001}", "must be at least 0.5"),
        ("repetitions: {min: 1, max: 300, seconds_each: 600}", "last longer than the 14400 s"),
        ("repetitions: {min: 1, max: 9" + "9" * 5000 + ", seconds_each: 1}", "too long to be read"),
        ("duration: {min_s: 2024-99-99, max_s: 10}", "is not a real one"),
    ],
)
def test_values_the_engine_cannot_run_are_refused(tmp_path: Path, measure: str, words: str
                                                  ) -> None:
    path = mini(tmp_path, measure=measure)
    with pytest.raises(RoutineError) as err:
        load_flat(path)
    assert str(err.value).startswith(f"{path}:")
    assert words in str(err.value)


def test_total_routine_length_is_bounded(tmp_path: Path) -> None:
    steps = "".join(
        f"  - {{id: s{i}, title: S, instructions: [Go.], duration: {{min_s: 60, max_s: 14400}}, "
        "pressure: light, area: back, technique: stroke}\n" for i in range(3))
    path = tmp_path / "long.yaml"
    path.write_text("id: long\ntitle: L\ndescription: D\nintroduction: [Hi.]\nsteps:\n" + steps,
                    encoding="utf-8")
    with pytest.raises(RoutineError, match=r"long\.yaml:5: steps: the routine lasts 12\.0 hours"):
        load_flat(path)


def test_schema_states_the_bounds(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "routines", "schema")
    assert code == 0
    defs = json.loads(out)["$defs"]
    assert defs["Duration"]["properties"]["max_s"]["maximum"] == 14400
    assert defs["Repetitions"]["properties"]["max"]["maximum"] == 300
    assert defs["Repetitions"]["properties"]["seconds_each"]["minimum"] == 0.5
    assert defs["Step"]["properties"]["title"]["maxLength"] == 500
    assert "at most 28800 s" in json.loads(out)["properties"]["steps"]["description"]


def _assert_phrase_error(tmp_path: Path, text: str, line: int, words: str) -> None:
    """Loading ``text`` as a phrase file fails with one sentence at ``line`` holding ``words``."""
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_phrase_table(path)
    assert str(err.value).startswith(f"{path}:{line}: "), str(err.value)
    assert words in str(err.value)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("intents:\n  next: [go]\nnumbers: {sixteen: 0x10}\n", 3, "written in digits"),
        ("intents:\n  next: [go]\nnumbers: {many: " + "9" * 5000 + "}\n", 3, "written in digits"),
        ("intents:\n  next: [go\x07]\n", 2, "control character #x0007"),
        ('intents:\n  next: ["go\\e]0;x\\a"]\n', 2, "contains a control character"),
        ("intents:\n  next: &a [go]\n  back: *a\n", 2, "anchor or alias"),
        ("intents:\n  next: " + "[" * 30 + "\n", 2, "nested more than"),
        ("intents: {next: [go]}\nintents: {back: [went]}\n", 2, "given twice"),
    ],
)
def test_phrase_file_values_are_checked(tmp_path: Path, text: str, line: int, words: str) -> None:
    _assert_phrase_error(tmp_path, text, line, words)


@pytest.mark.parametrize(("body", "words"), [
    ("1e999 next\n", "the time must be zero or more seconds"),
    ("nan next\n", "the time must be zero or more seconds"),
    ("10 next\x1b]0;x\x07\n", "contains a control character"),
])
def test_script_values_are_checked(tmp_path: Path, body: str, words: str) -> None:
    path = tmp_path / "s.txt"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(UserError, match=words):
        read_script(path, DEFAULT_TABLE)


def test_unknown_script_phrase_lists_phrases_that_work(tmp_path: Path) -> None:
    path = tmp_path / "s.txt"
    path.write_text("200 blah blah\n", encoding="utf-8")
    with pytest.raises(UserError) as err:
        read_script(path, DEFAULT_TABLE)
    message = str(err.value)
    assert message.startswith(f"{path}:1: 'blah blah' is not a command the guide knows; ")
    assert "'next'" in message and "'What you can say'" in message
    assert "--help" not in message


def test_simulate_to_a_full_disk_says_so(tmp_path: Path) -> None:
    with open("/dev/full", "w") as full:
        result = cli("simulate", stdout=full)
    assert result.returncode == 1
    assert result.stderr == (
        "voice-guide: cannot write the output (No space left on device); "
        "nothing more was written.\n"
    )


def test_broken_pipe_stays_quiet() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "voice_guide", "simulate"], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, preexec_fn=_limit_memory,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=90) == 0
    assert err == ""


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "latin-1"},
                                 {"LANG": "C", "LC_ALL": "C", "PYTHONIOENCODING": "ascii"}])
def test_narrow_terminal_encoding_replaces_what_it_cannot_show(
    tmp_path: Path, env: dict[str, str]
) -> None:
    path = mini(tmp_path, title="등 마사지 — ½ ✓")
    result = cli("routines", "show", str(path), env=env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "Mini" not in result.stdout and "? ?" in result.stdout
    bad = cli("routines", "validate", str(tmp_path / "등.yaml"), env=env)
    assert bad.returncode == 1 and "no such file" in bad.stderr
    assert "Traceback" not in bad.stderr


# --- 3. Terminal injection ------------------------------------------------------------------


def test_escape_sequences_in_routine_text_are_refused_at_validation(tmp_path: Path) -> None:
    path = mini(tmp_path, title='"Rub \\e]52;c;cm0gLXJmIH4K\\a gently"')
    result = cli("routines", "validate", str(path))
    assert result.returncode == 1
    assert f"{path}:2: title: contains a control character or terminal escape" in result.stderr
    assert_clean(result)


def test_error_messages_quoting_file_content_are_sanitized(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = mini(tmp_path, rid='"x\\e]0;owned\\a\\x9b2J"')
    code, out, err = run(capsys, "routines", "show", str(path))
    assert code == 1 and out == ""
    assert "is not a valid id" in err
    assert ESC not in err and "\x9b" not in err and "\a" not in err
    script = tmp_path / "s.txt"
    script.write_text("10 \x9b2Jnext\n", encoding="utf-8")
    code, out, err = run(capsys, "simulate", "--script", str(script))
    assert code == 1 and "\x9b" not in err and "control character" in err


def test_json_output_escapes_every_control_character() -> None:
    text = json_text({"t": "a\x1b]0;x\x07b\x9b2J\u2028"})
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in text)
    assert json.loads(text) == {"t": "a\x1b]0;x\x07b\x9b2J\u2028"}


# --- 4. Model archives ----------------------------------------------------------------------

NAME = "vosk-model-test-0.1"
ARCHIVE = model_zip(NAME, big=20_000)


@pytest.fixture
def server() -> Iterator[ModelServer]:
    with running_server() as srv:
        yield srv


def _manifest(path: Path, sha: str | None, size: int | None) -> None:
    path.write_text(json.dumps({"models": [{
        "name": NAME, "language": "xx", "url": f"https://example.invalid/vosk/{NAME}.zip",
        "size": size, "sha256": sha, "description": "A tiny stand-in.",
    }]}), encoding="utf-8")


@pytest.fixture
def models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: ModelServer) -> Path:
    where = tmp_path / "models"
    monkeypatch.setenv("VOICE_GUIDE_MODELS_DIR", str(where))
    monkeypatch.setenv("VOICE_GUIDE_MODEL_URL_BASE", server.base + "/vosk")
    monkeypatch.setenv("VOICE_GUIDE_MODEL_MANIFEST", str(tmp_path / "manifest.json"))
    return where


def _corrupt_central_directory(data: bytes) -> bytes:
    """The end record still says "zip", but the directory it points to is garbage."""
    start = data.find(b"PK\x01\x02")
    return data[:start] + b"JUNK" + data[start + 4:]


def test_corrupt_zip_is_deleted_and_the_retry_downloads_afresh(
    models: Path, server: ModelServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corrupt = _corrupt_central_directory(ARCHIVE)
    _manifest(tmp_path / "manifest.json", sha256(corrupt), len(corrupt))
    server.add(f"/vosk/{NAME}.zip", corrupt)
    for _ in range(2):
        code, _, err = run(capsys, "models", "pull", NAME)
        assert code == 1
        assert f"cannot unpack {NAME}: the zip archive is damaged" in err
        assert "the download was deleted, so pull again" in err
        assert not (models / f"{NAME}.part").exists()
    assert len(server.hits_for(f"/vosk/{NAME}.zip")) == 2


def test_no_verify_does_not_override_a_manifest_checksum(
    models: Path, server: ModelServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _manifest(tmp_path / "manifest.json", "0" * 64, len(ARCHIVE))
    server.add(f"/vosk/{NAME}.zip", ARCHIVE)
    code, _, err = run(capsys, "models", "pull", NAME, "--no-verify")
    assert code == 1 and f"the download of {NAME} is corrupt" in err
    assert not (models / NAME).exists()


@pytest.mark.parametrize("url", ["http://[::1", "http://127.0.0.1:99999999/x.zip",
                                 "gopher://x/y", "http:///no-host.zip"])
def test_bad_url_is_one_sentence(models: Path, tmp_path: Path, url: str,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    _manifest(tmp_path / "manifest.json", sha256(ARCHIVE), len(ARCHIVE))
    code, _, err = run(capsys, "models", "pull", NAME, "--url", url)
    assert code == 1
    assert err.startswith(f"voice-guide: the URL '{url}'") and err.count("\n") == 1


def test_url_to_a_device_is_refused(tmp_path: Path) -> None:
    # In a subprocess with a file-size limit: before the fix this filled the disk.
    _manifest(tmp_path / "manifest.json", None, None)
    env = {"VOICE_GUIDE_MODELS_DIR": str(tmp_path / "models"),
           "VOICE_GUIDE_MODEL_MANIFEST": str(tmp_path / "manifest.json")}
    result = cli("models", "pull", NAME, "--no-verify", "--url", "file:///dev/zero", env=env)
    assert result.returncode == 1
    assert "/dev/zero is not a regular file" in result.stderr
    assert_clean(result)


# --- 5. Phrase collisions -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("replace: true\nintents:\n  next: [go]\n  quit: [go]\n", 4,
         "the phrase 'go' means both 'next' (line 3) and 'quit' (line 4)"),
        ("intents:\n  quit: [step one]\n", 2,
         "the phrase 'step one' means both 'quit' (line 2) and 'goto' (step 1, from the "
         "template 'step {n}') (the built-in phrases)"),
        ("intents:\n  quit: [next]\n", 2,
         "the phrase 'next' means both 'next' (the built-in phrases) and 'quit' (line 2)"),
        ("intents:\n  quit: [step 5]\n", 2, "but also 'goto' (typed step number"),
        ("intents:\n  next: [please go]\n", 2, "starts or ends with the padding word 'please'"),
        ("intents:\n  next: [onward]\ngoto: ['{n}']\nnumbers: {onward: 4}\n", 4,
         "means both 'next' (line 2) and 'goto' (step 4, from the template '{n}') (line 4)"),
        ("intents:\n  next: [onward]\npadding: [onward]\n", 2, "padding word 'onward'"),
    ],
)
def test_phrase_collisions_are_errors(tmp_path: Path, text: str, line: int, words: str) -> None:
    _assert_phrase_error(tmp_path, text, line, words)


def test_the_shipped_korean_phrases_have_no_collisions() -> None:
    table = load_phrase_table(korean_phrase_file())
    assert table.parse("다음") is not None


@pytest.mark.parametrize("body", [b"[" * 200_000, b"\xff\xfe{}", b"{}" * 600_000])
def test_hostile_manifest_is_one_sentence(tmp_path: Path, body: bytes) -> None:
    from voice_guide.models_store.manifest import load_manifest

    path = tmp_path / "manifest.json"
    path.write_bytes(body)
    with pytest.raises(UserError, match=r"manifest\.json"):
        load_manifest(path)
    with pytest.raises(UserError, match="is not a regular file"):
        load_manifest(Path("/dev/zero"))


def test_yaml_tags_and_invisible_characters_are_plain_sentences(tmp_path: Path) -> None:
    from voice_guide.errors import UserError
    from voice_guide.routine.loader import load_flat
    from voice_guide.text_safety import printable

    tagged = tmp_path / "tagged.yaml"
    tagged.write_text("id: x\ntitle: !!python/object:os.system ls\n", encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_flat(tagged)
    assert "tagged.yaml:2: uses the YAML tag '!!python/object:os.system'" in str(err.value)
    assert "constructor" not in str(err.value)
    # a right-to-left override or a zero-width space would make the title read differently
    assert printable("abc\u202edef\u200b") == "abc?def?"
