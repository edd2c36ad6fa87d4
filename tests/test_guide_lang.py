"""Language packs (en, ko), numbers as words, help from the phrase table, a Korean session."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.guide_helpers import routine, said_after, says, script, step
from voice_guide.cli.common import korean_phrase_file
from voice_guide.dialog.actions import Finished, Say, StepStarted
from voice_guide.dialog.guide import Guide
from voice_guide.dialog.narration import help_sentence
from voice_guide.intents import DEFAULT_TABLE, Intent, PhraseTable
from voice_guide.lang import LANGUAGES, load_pack, placeholders
from voice_guide.lang.numbers import en_number, en_ordinal, ko_count, ko_number, spell_numbers
from voice_guide.phrase_file import load_phrase_table
from voice_guide.routine.loader import load_flat
from voice_guide.script_file import ScriptLine
from voice_guide.settings import GuideSettings
from voice_guide.simulation import simulate

DATA = Path(__file__).parent / "data"
KO_PHRASES = korean_phrase_file()


def test_every_pack_has_the_same_keys_and_placeholders() -> None:
    english = load_pack("en")
    for code in LANGUAGES:
        pack = load_pack(code)
        assert set(pack.texts) == set(english.texts), code
        for key, text in english.texts.items():
            assert placeholders(pack.texts[key]) == placeholders(text), (code, key)


@pytest.mark.parametrize(("n", "words"), [
    (0, "zero"), (7, "seven"), (17, "seventeen"), (21, "twenty-one"), (45, "forty-five"),
    (100, "one hundred"), (125, "one hundred twenty-five"), (1234, "one thousand two hundred "
                                                                 "thirty-four")])
def test_english_numbers(n: int, words: str) -> None:
    assert en_number(n) == words


@pytest.mark.parametrize(("n", "sino", "native"), [
    (1, "일", "하나"), (2, "이", "둘"), (10, "십", "열"), (11, "십일", "열하나"),
    (17, "십칠", "열일곱"), (20, "이십", "스물"), (45, "사십오", "마흔다섯"), (100, "백", "백"),
    (125, "백이십오", "백이십오"), (10000, "만", "만")])
def test_korean_numbers(n: int, sino: str, native: str) -> None:
    assert ko_number(n) == sino and ko_count(n) == native


def test_digits_in_text_become_words() -> None:
    assert spell_numbers("Work 1 to 2 inches, 30-45 seconds, 50%.", "en") == (
        "Work one to two inches, thirty to forty-five seconds, fifty percent.")
    assert spell_numbers("the 2nd and 21st time, 1.5 cm", "en") == (
        "the second and twenty-first time, one point five cm")
    assert en_ordinal(12) == "twelfth"
    assert spell_numbers("30초 동안, 1~2 번", "ko") == "삼십초 동안, 일에서 이 번"


def test_amounts_and_spans_for_the_ear() -> None:
    en, ko = load_pack("en"), load_pack("ko")
    assert en.amount(90) == "one minute thirty seconds"
    assert en.span(30, 45) == "thirty to forty-five seconds"
    assert en.span(300, 360) == "five to six minutes"
    assert en.span(60, 90) == "one minute to one minute thirty seconds"
    assert en.amount(3900) == "one hour five minutes"
    assert ko.amount(90) == "일 분 삼십 초"
    assert ko.span(30, 45) == "삼십에서 사십오 초"


def test_help_lists_the_phrases_of_the_table_in_use() -> None:
    english = help_sentence(DEFAULT_TABLE, load_pack("en"))
    assert english.startswith("You can say: next, back, repeat")
    assert "how much time is left" in english and "go to step five" in english
    small = PhraseTable(phrases={Intent.NEXT: ("onward",), Intent.QUIT: ("stop now",)},
                        goto_templates=())
    assert help_sentence(small, load_pack("en")) == "You can say: onward, or stop now."
    korean = load_phrase_table(KO_PHRASES)
    said = help_sentence(korean, load_pack("ko"))
    for word in ("다음", "이전", "잠깐", "계속", "그만", "다섯 단계"):
        assert word in said
    log = simulate(Guide(routine(step("a", duration=(60, 60))), phrases=small),
                   script((20, "help")))
    assert said_after(log, 20, "You can say: onward, or stop now.") == 20


def test_a_korean_session_is_all_korean() -> None:
    table = load_phrase_table(KO_PHRASES)
    r = load_flat(DATA / "lang" / "ko-shoulders.yaml")
    lines = [(3, "도와줘"), (20, "잠깐"), (25, "계속"), (60, "다시"), (100, "다음"), (110, "천천히"),
             (130, "그만"), (132, "아니"), (140, "둘 단계"), (150, "네 좀")]
    commands = []
    for n, (t, phrase) in enumerate(lines, start=1):
        command = table.parse(phrase)
        assert command is not None, phrase
        commands.append(ScriptLine(t, phrase, command, n))
    log = simulate(Guide(r, GuideSettings(language="ko"), phrases=table), commands)
    texts = [a.text for a in log if isinstance(a, Say)]
    assert len(texts) > 20
    for text in texts:
        assert not re.search(r"[A-Za-z0-9]", text), text
    assert "이렇게 말할 수 있어요: 다음, 이전" in " ".join(texts)
    assert "삼 단계 중 이 단계, 상대방의 왼쪽: 어깨 누르기." in texts
    assert "하나." in texts
    assert said_after(log, 100, "삼 단계 중 이 단계") == 100
    assert [a.position for a in log if isinstance(a, StepStarted)][:2] == [1, 2]
    assert isinstance(log[-1], Finished)


def test_korean_safety_first_too() -> None:
    r = load_flat(DATA / "lang" / "ko-shoulders.yaml")
    table = load_phrase_table(KO_PHRASES)
    command = table.parse("다음")
    assert command is not None
    log = simulate(Guide(r, GuideSettings(language="ko"), phrases=table),
                   [ScriptLine(1, "다음", command, 1)])
    first = next(a.t for a in log if isinstance(a, StepStarted))
    before = [text for t, text in says(log) if t <= first]
    assert "먼저 안전 수칙입니다." in before
    assert all(s in before for s in r.safety)


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError):
        GuideSettings(language="fr")  # type: ignore[arg-type]


def test_the_guide_names_the_commands_of_the_table_in_use() -> None:
    table = PhraseTable(phrases={**DEFAULT_TABLE.phrases, Intent.NEXT: ("onward", "next")})
    log = simulate(Guide(routine(step("chat")), phrases=table), script((200, "next")))
    texts = [text for _, text in says(log)]
    assert "Say onward when you are ready to move on." in texts
    korean = load_pack("ko").for_table(load_phrase_table(KO_PHRASES))
    assert korean.t("quit_question") == "끝낼까요? 네 또는 아니라고 말하세요."
    assert korean.t("reminder_waiting_1") == "천천히 하세요. 준비되면 다음이라고 말하세요."
    assert korean.t("help_hint").endswith("도와줘라고 말하세요.")


def test_run_text_in_korean_uses_the_shipped_korean_phrases(tmp_path: Path) -> None:
    """--language ko without --phrases: typed Korean commands are understood."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "VOICE_GUIDE_CONFIG": str(tmp_path / "settings.toml"),
           "VOICE_GUIDE_DB": str(tmp_path / "log.sqlite")}
    done = subprocess.run(
        [sys.executable, "-m", "voice_guide", "run", "--text", "--language", "ko", "--no-log"],
        input="다음\n", capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert '"다음" -> next' in done.stdout
    assert "== step 1/17" in done.stdout
    assert "help라고" not in done.stdout and "도와줘라고 말하세요" in done.stdout
