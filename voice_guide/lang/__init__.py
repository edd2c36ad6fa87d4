"""Language packs: everything the guide says on its own, in English (``en``) or Korean (``ko``).

Each pack is a TOML file shipped inside this package (``en.toml``, ``ko.toml``) with the same
keys and the same ``{placeholders}``. Whole numbers given to :meth:`LanguagePack.t` are
spoken as words; :meth:`LanguagePack.spell` turns digits in any text into words.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from voice_guide.intents import Intent, PhraseTable
from voice_guide.lang.numbers import (
    en_number,
    ko_count,
    ko_counted,
    number_words,
    spell_numbers,
)

Language = Literal["en", "ko"]
LANGUAGES: tuple[Language, ...] = ("en", "ko")
COMMAND_WORDS: tuple[Intent, ...] = (Intent.NEXT, Intent.RESUME, Intent.HELP, Intent.YES,
                                     Intent.NO)
"""Commands the guide names in its sentences ({cmd_next}, {word_yes}, ...)."""


def _has_final_consonant(word: str) -> bool:
    last = word[-1:] if word else ""
    return "가" <= last <= "힣" and (ord(last) - 0xAC00) % 28 != 0


def placeholders(template: str) -> set[str]:
    """The ``{names}`` a template uses."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@dataclass(frozen=True)
class LanguagePack:
    code: Language
    texts: Mapping[str, str]

    def t(self, key: str, **values: object) -> str:
        """The sentence ``key`` with ``values`` filled in; ints become number words."""
        words = {k: self.number(v) if isinstance(v, int) and not isinstance(v, bool) else str(v)
                 for k, v in values.items()}
        return self.texts[key].format(**words)

    def quoted(self, phrase: str) -> str:
        """A command as quoted in a sentence: "next"; in Korean with 이라고 or 라고."""
        if self.code == "ko":
            return phrase + ("이라고" if _has_final_consonant(phrase) else "라고")
        return phrase

    def for_table(self, table: PhraseTable) -> LanguagePack:
        """This pack naming the commands of ``table`` (a phrase file may change them)."""
        texts = dict(self.texts)
        for intent in COMMAND_WORDS:
            phrases = table.phrases.get(intent) or (intent.value,)
            word = phrases[0]
            for key, text in texts.items():
                texts[key] = text.replace(f"{{cmd_{intent.value}}}", self.quoted(word)).replace(
                    f"{{word_{intent.value}}}", word)
        return LanguagePack(self.code, texts)

    def number(self, n: int) -> str:
        return number_words(n, self.code)

    def how_many(self, n: int) -> str:
        """A number of things: "two" (steps); in Korean the native form a counter takes
        ("두" 단계), not the Sino-Korean one ("이" 단계 would be "step two")."""
        return ko_counted(n) if self.code == "ko" else en_number(n)

    def count(self, n: int) -> str:
        """A count said aloud: "One." / "하나."."""
        word = ko_count(n) if self.code == "ko" else en_number(n).capitalize()
        return word + "."

    def spell(self, text: str) -> str:
        return spell_numbers(text, self.code)

    def amount(self, seconds: float) -> str:
        """"one hour five minutes", "one minute thirty seconds", "forty-five seconds"."""
        total = int(round(seconds))
        hours, rest = divmod(total, 3600)
        minutes, secs = divmod(rest, 60)
        parts = []
        if hours:
            parts.append(self._unit("hour", hours))
        if minutes:
            parts.append(self._unit("minute", minutes))
        if secs or not parts:
            parts.append(self._unit("second", secs))
        return self.texts["amount_join"].join(parts)

    def _unit(self, unit: str, n: int) -> str:
        return self.t(f"{unit}_one" if n == 1 else f"{unit}s", n=n)

    def estimate(self, seconds: float) -> str:
        """A rounded amount: to 10 seconds past two minutes, else to 5 seconds."""
        if seconds <= 0:
            return self.texts["no_time"]
        step = 10 if seconds >= 120 else 5
        return self.amount(max(step, round(seconds / step) * step))

    def rough(self, seconds: float) -> str:
        """A session length: whole minutes from ten minutes up."""
        return self.amount(round(seconds / 60) * 60 if seconds >= 600 else seconds)

    def span(self, lo: float, hi: float) -> str:
        """"thirty to forty-five seconds", "five to six minutes", "two minutes"."""
        if lo == hi:
            return self.amount(lo)
        if lo % 60 == 0 and hi % 60 == 0 and hi < 3600:
            return self.t("span_minutes", lo=int(lo // 60), hi=int(hi // 60))
        if hi < 60 and lo == int(lo) and hi == int(hi):
            return self.t("span_seconds", lo=int(lo), hi=int(hi))
        return self.t("span", lo=self.amount(lo), hi=self.amount(hi))

    def join(self, items: Sequence[str], last: str = "list_last") -> str:
        """"a, b, or c"; with ``last="list_last_and"``: "a, b, and c"."""
        if len(items) <= 1:
            return "".join(items)
        return self.texts["list_sep"].join(items[:-1]) + self.texts[last] + items[-1]


@cache
def load_pack(code: Language = "en") -> LanguagePack:
    """The pack for ``code``, read from the package's data files."""
    if code not in LANGUAGES:
        raise ValueError(f"no language pack {code!r}; known: {', '.join(LANGUAGES)}")
    raw = tomllib.loads(resources.files(__package__).joinpath(f"{code}.toml").read_text("utf-8"))
    texts = raw.get("text", {})
    bad = [k for k, v in texts.items() if not isinstance(v, str)]
    if bad:
        raise ValueError(f"language pack {code}: not text: {', '.join(bad)}")
    return LanguagePack(code, dict(texts))
