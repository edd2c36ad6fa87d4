"""What the user can say: intents, the phrases that mean them, and the one parser.

Typed input (``run --text``, ``simulate --script``) and spoken input (every
recognizer) go through :meth:`PhraseTable.parse`, so a phrase means the same
thing however it arrives.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Intent(StrEnum):
    NEXT = "next"
    BACK = "back"
    REPEAT = "repeat"
    SLOWER = "slower"
    FASTER = "faster"
    PAUSE = "pause"
    RESUME = "resume"
    TIME_LEFT = "time_left"
    WHERE = "where"
    HELP = "help"
    RESTART = "restart"
    GOTO = "goto"
    LOUDER = "louder"
    QUIETER = "quieter"
    YES = "yes"
    NO = "no"
    QUIT = "quit"


@dataclass(frozen=True)
class Command:
    """A recognized command: the intent, the phrase that carried it, and for goto the step."""

    intent: Intent
    phrase: str
    step: int | None = None


DEFAULT_PHRASES: Mapping[Intent, tuple[str, ...]] = {
    Intent.NEXT: ("next", "next step", "skip"),
    Intent.BACK: ("back", "go back", "previous", "previous step"),
    Intent.REPEAT: ("repeat", "again", "say again", "say that again", "repeat that", "one more time"),
    Intent.SLOWER: ("slower", "slow down", "more slowly"),
    Intent.FASTER: ("faster", "quicker"),
    Intent.PAUSE: ("pause", "hold on", "stop"),
    Intent.RESUME: ("resume", "continue", "go ahead", "carry on", "keep going"),
    Intent.TIME_LEFT: ("time left", "how much time", "how much time is left", "how long",
                       "how much longer"),
    Intent.WHERE: ("where am i", "what step", "which step"),
    Intent.HELP: ("help", "what can i say"),
    Intent.RESTART: ("start over", "restart"),
    Intent.LOUDER: ("louder", "speak up"),
    Intent.QUIETER: ("quieter", "turn it down"),
    Intent.YES: ("yes",),
    Intent.NO: ("no",),
    Intent.QUIT: ("quit", "end session", "finish session"),
}

# "step {n}" / "go to step {n}": {n} is a number word (or digits when typed).
DEFAULT_GOTO_TEMPLATES: tuple[str, ...] = ("step {n}", "go to step {n}")

_NUMBER_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]
DEFAULT_NUMBERS: Mapping[str, int] = {w: i for i, w in enumerate(_NUMBER_WORDS, start=1)}

# Words that may stand before or after a command without changing it ("okay next please").
DEFAULT_PADDING: frozenset[str] = frozenset(
    ["okay", "ok", "please", "now", "um", "uh", "alright", "so", "hey", "guide", "then", "thanks"]
)

_PUNCT = re.compile(r"[^\w\s']+", re.UNICODE)
_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Lower-case, drop punctuation, fold white space."""
    return _SPACE.sub(" ", _PUNCT.sub(" ", text.casefold())).strip()


@dataclass(frozen=True)
class PhraseTable:
    """Phrases for each intent, goto templates, number words and polite padding."""

    phrases: Mapping[Intent, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_PHRASES))
    goto_templates: tuple[str, ...] = DEFAULT_GOTO_TEMPLATES
    numbers: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_NUMBERS))
    padding: frozenset[str] = DEFAULT_PADDING
    max_step: int = 20

    def __post_init__(self) -> None:
        lookup: dict[str, Command] = {}
        for intent, phrases in self.phrases.items():
            for phrase in phrases:
                key = normalize(phrase)
                lookup.setdefault(key, Command(intent, key))
        for template in self.goto_templates:
            for word, n in self.numbers.items():
                if n <= self.max_step:
                    key = normalize(template.replace("{n}", word))
                    lookup.setdefault(key, Command(Intent.GOTO, key, n))
        object.__setattr__(self, "_lookup", lookup)

    @property
    def lookup(self) -> Mapping[str, Command]:
        """Every whole phrase (normalized) and the command it means."""
        return self._lookup  # type: ignore[attr-defined, no-any-return]

    def parse(self, text: str) -> Command | None:
        """The command ``text`` means, or None when it is not exactly a command.

        Padding words may stand around the phrase; anything else makes it
        "not a command", so a sentence that merely contains a command word is
        ignored.
        """
        words = normalize(text).split()
        while words and words[0] in self.padding:
            words.pop(0)
        while words and words[-1] in self.padding:
            words.pop()
        if not words:
            return None
        key = " ".join(words)
        found = self.lookup.get(key)
        if found is not None:
            return Command(found.intent, key, found.step)
        return self._parse_typed_goto(key)

    def _parse_typed_goto(self, key: str) -> Command | None:
        for template in self.goto_templates:
            pattern = "^" + re.escape(normalize(template.replace("{n}", "NUMBER"))).replace(
                "number", r"(\d{1,3})"
            ) + "$"
            match = re.match(pattern, key)
            if match:
                return Command(Intent.GOTO, key, int(match.group(1)))
        return None

    def all_phrases(self) -> list[str]:
        """Every whole command phrase, normalized, sorted: the recognizers' grammar."""
        return sorted(self.lookup)

    def vocabulary(self) -> set[str]:
        """Every word that appears in a phrase or as padding."""
        words = {w for phrase in self.lookup for w in phrase.split()}
        return words | set(self.padding)

    def phrases_for(self, intent: Intent) -> tuple[str, ...]:
        return tuple(p for p, c in self.lookup.items() if c.intent is intent)


DEFAULT_TABLE = PhraseTable()


def parse_command(text: str, table: PhraseTable | None = None) -> Command | None:
    """Parse with the default table unless another is given."""
    return (table or DEFAULT_TABLE).parse(text)


def help_phrases(table: PhraseTable | None = None) -> Iterable[tuple[Intent, str]]:
    """One example phrase per intent, for spoken help."""
    t = table or DEFAULT_TABLE
    for intent, phrases in t.phrases.items():
        if phrases:
            yield intent, phrases[0]
