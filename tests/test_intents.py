"""One phrase table for typed and spoken input."""

from __future__ import annotations

import pytest

from voice_guide.intents import DEFAULT_TABLE, Intent, PhraseTable, parse_command

REQUIRED = {
    Intent.NEXT: ["next", "next step", "skip"],
    Intent.BACK: ["back", "go back", "previous", "previous step"],
    Intent.REPEAT: ["repeat", "again", "say again", "say that again", "repeat that", "one more time"],
    Intent.SLOWER: ["slower", "slow down", "more slowly"],
    Intent.FASTER: ["faster", "quicker"],
    Intent.PAUSE: ["pause", "hold on", "stop"],
    Intent.RESUME: ["resume", "continue", "go ahead", "carry on", "keep going"],
    Intent.TIME_LEFT: ["time left", "how much time", "how much time is left", "how long",
                       "how much longer"],
    Intent.WHERE: ["where am I", "what step", "which step"],
    Intent.HELP: ["help", "what can I say"],
    Intent.RESTART: ["start over", "restart"],
    Intent.LOUDER: ["louder", "speak up"],
    Intent.QUIETER: ["quieter", "turn it down"],
    Intent.YES: ["yes"],
    Intent.NO: ["no"],
    Intent.QUIT: ["quit", "end session", "finish session"],
}

DROPPED = ["go on", "wait", "exit", "speed up", "softer"]
"""Phrases the recognizer took for a command of another consequence (measured with
``python -m tests.phrase_confusion``): "go back" heard as "go on" (next: the wrong way),
"quit" as "wait" (pause), "back" as "exit" (quit), "speak up" as "speed up" (faster),
"faster" and "start over" as "softer" (quieter)."""


@pytest.mark.parametrize(
    ("intent", "phrase"), [(i, p) for i, ps in REQUIRED.items() for p in ps]
)
def test_every_required_phrase_maps_to_its_intent(intent: Intent, phrase: str) -> None:
    command = parse_command(phrase)
    assert command is not None and command.intent is intent


@pytest.mark.parametrize("phrase", DROPPED)
def test_phrases_confused_with_another_command_are_not_commands(phrase: str) -> None:
    assert parse_command(phrase) is None


def test_the_default_table_has_exactly_the_required_phrases() -> None:
    table = {i: sorted(p) for i, p in DEFAULT_TABLE.phrases.items()}
    assert table == {i: sorted(p.casefold() for p in ps) for i, ps in REQUIRED.items()}


@pytest.mark.parametrize(
    ("text", "step"),
    [("step one", 1), ("step twelve", 12), ("step twenty", 20), ("go to step five", 5),
     ("Go to step 7.", 7), ("step 14", 14)],
)
def test_goto(text: str, step: int) -> None:
    command = parse_command(text)
    assert command is not None and command.intent is Intent.GOTO and command.step == step


@pytest.mark.parametrize("text", ["okay next", "next please", "Next, please!", "um, say that again",
                                  "OK go back please", "  PAUSE  "])
def test_polite_padding_still_counts(text: str) -> None:
    assert parse_command(text) is not None


@pytest.mark.parametrize(
    "text",
    ["I will go back to the store next week", "next time bring more oil", "can you help me",
     "please", "", "stop by the shop later", "step twenty one", "go to step", "the next step is easy",
     "step zero"],
)
def test_longer_sentences_with_command_words_are_not_commands(text: str) -> None:
    assert parse_command(text) is None


def test_grammar_lists_every_phrase_once() -> None:
    phrases = DEFAULT_TABLE.all_phrases()
    assert len(phrases) == len(set(phrases))
    assert "how much time is left" in phrases and "step twenty" in phrases
    assert "step 5" not in phrases  # digits are for typing only


def test_custom_table_replaces_phrases() -> None:
    table = PhraseTable(phrases={Intent.NEXT: ("onward",)}, goto_templates=())
    assert table.parse("onward").intent is Intent.NEXT  # type: ignore[union-attr]
    assert table.parse("next") is None
