"""Printing text that came from files: never a raw escape sequence on the terminal."""

from __future__ import annotations

import json
import re
import sys
from typing import Any, TextIO

from voice_guide.text_safety import printable

# JSON leaves DEL and the C1 controls (0x80-0x9f, e.g. the 8-bit CSI 0x9b) unescaped
# under ensure_ascii=False; \u escapes keep the data and the terminal safe.
_UNESCAPED = re.compile(r"[\x7f-\x9f\u2028\u2029]")


def out(text: str, file: TextIO | None = None) -> None:
    """Print ``text`` with escape sequences removed and control characters shown as ``?``."""
    print(printable(text), file=sys.stdout if file is None else file)


def json_text(value: Any, indent: int | None = None) -> str:
    """``value`` as JSON with every control character escaped (still valid JSON)."""
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    return _UNESCAPED.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
