"""Numbers as words, for English and Korean, and digits in free text turned into words."""

from __future__ import annotations

import re

_EN_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_EN_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_EN_BIG = ((10**9, "billion"), (10**6, "million"), (1000, "thousand"), (100, "hundred"))
_EN_ORDINAL = {"one": "first", "two": "second", "three": "third", "five": "fifth",
               "eight": "eighth", "nine": "ninth", "twelve": "twelfth"}


def en_number(n: int) -> str:
    """``125`` -> "one hundred twenty-five"."""
    if n < 0:
        return "minus " + en_number(-n)
    if n < 20:
        return _EN_ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _EN_TENS[tens] + (f"-{_EN_ONES[ones]}" if ones else "")
    for size, name in _EN_BIG:
        if n >= size:
            high, rest = divmod(n, size)
            return f"{en_number(high)} {name}" + (f" {en_number(rest)}" if rest else "")
    raise AssertionError(n)  # pragma: no cover


def en_ordinal(n: int) -> str:
    """``3`` -> "third", ``21`` -> "twenty-first"."""
    words = en_number(n)
    head, sep, last = words.rpartition("-" if "-" in words.split(" ")[-1] else " ")
    if last in _EN_ORDINAL:
        last = _EN_ORDINAL[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last += "th"
    return head + sep + last


_KO_DIGITS = ("", "일", "이", "삼", "사", "오", "육", "칠", "팔", "구")
_KO_NATIVE_ONES = ("", "하나", "둘", "셋", "넷", "다섯", "여섯", "일곱", "여덟", "아홉")
_KO_NATIVE_TENS = ("", "열", "스물", "서른", "마흔", "쉰", "예순", "일흔", "여든", "아흔")


def _ko_small(n: int) -> str:
    out = ""
    for size, name in ((1000, "천"), (100, "백"), (10, "십")):
        q, n = divmod(n, size)
        if q:
            out += ("" if q == 1 else _KO_DIGITS[q]) + name
    return out + _KO_DIGITS[n]


def ko_number(n: int) -> str:
    """Sino-Korean: ``17`` -> "십칠", ``125`` -> "백이십오", ``10000`` -> "만"."""
    if n < 0:
        return "마이너스 " + ko_number(-n)
    if n == 0:
        return "영"
    parts = []
    for size, unit in ((10**8, "억"), (10**4, "만"), (1, "")):
        q, n = divmod(n, size)
        if q:
            parts.append(("" if q == 1 and unit == "만" else _ko_small(q)) + unit)
    return " ".join(parts)


def ko_count(n: int) -> str:
    """Native Korean for counting aloud: ``1`` -> "하나", ``12`` -> "열둘"."""
    if 1 <= n < 100:
        tens, ones = divmod(n, 10)
        return _KO_NATIVE_TENS[tens] + _KO_NATIVE_ONES[ones]
    return ko_number(n)


_KO_DETERMINERS = {1: "한", 2: "두", 3: "세", 4: "네"}


def ko_counted(n: int) -> str:
    """Native Korean before a counter word: ``1`` -> "한" (한 단계), ``12`` -> "열두",
    ``20`` -> "스무"; Sino-Korean from a hundred up."""
    if n == 20:
        return "스무"
    if 1 <= n < 100:
        tens, ones = divmod(n, 10)
        return _KO_NATIVE_TENS[tens] + _KO_DETERMINERS.get(ones, _KO_NATIVE_ONES[ones])
    return ko_number(n)


def number_words(n: int, lang: str) -> str:
    return ko_number(n) if lang == "ko" else en_number(n)


def decimal_words(text: str, lang: str) -> str:
    """``"1.5"`` -> "one point five" (digits after the point one by one)."""
    whole, _, frac = text.partition(".")
    out = number_words(int(whole), lang)
    if frac:
        point = " 점 " if lang == "ko" else " point "
        out += point + " ".join(number_words(int(d), lang) for d in frac)
    return out


_RANGE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(?:-|–|~)\s*(\d+(?:\.\d+)?)(?![\d.]*\d)")
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)(?:(st|nd|rd|th)(?![A-Za-z]))?")


def spell_numbers(text: str, lang: str) -> str:
    """Every number written in digits, as words: "1 to 2 inches" -> "one to two inches",
    "30-45 seconds" -> "thirty to forty-five seconds", "50%" -> "fifty percent"."""
    joiner = "에서 " if lang == "ko" else " to "

    def a_range(m: re.Match[str]) -> str:
        return f"{m.group(1)}{joiner}{m.group(2)}"

    text = _RANGE.sub(a_range, text)

    def one(m: re.Match[str]) -> str:
        digits, suffix = m.group(1), m.group(2)
        if suffix and lang != "ko" and "." not in digits:
            return en_ordinal(int(digits))
        return decimal_words(digits, lang) + (suffix or "")

    text = _NUMBER.sub(one, text)
    percent = " 퍼센트" if lang == "ko" else " percent"
    return re.sub(r"\s*%", percent, text)
