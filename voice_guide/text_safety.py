"""Text from files, made safe to print on a terminal.

Routine text, phrase files and recognizer output are printed; an escape sequence in
them (a window-title change, OSC 52 clipboard writes, cursor movement) must reach the
terminal as visible characters or not at all, never raw.
"""

from __future__ import annotations

import re

# CSI / OSC / DCS / other ESC sequences, then any remaining C0 or C1 control character
# except tab and newline.
_ESCAPE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"              # CSI ... final byte
    r"|\x1b[\]PX^_].*?(?:\x07|\x1b\\|\x9c|$)"  # OSC, DCS, SOS, PM, APC ... terminator
    r"|[\x9b][0-?]*[ -/]*[@-~]"             # 8-bit CSI
    r"|[\x90\x9d\x98\x9e\x9f].*?(?:\x07|\x1b\\|\x9c|$)"  # 8-bit OSC/DCS/...
    r"|\x1b.?",                             # any other ESC pair
    re.DOTALL,
)
# C0/C1 controls (not tab or newline), and the invisible format characters that can make
# printed text read differently from what it is: bidirectional overrides and isolates,
# zero-width spaces and joiners, the byte-order mark inside text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e"
                      r"\u2066-\u2069\ufeff]")


def printable(text: str) -> str:
    """``text`` with terminal escape sequences removed and other control characters
    shown as ``?``; tabs and newlines are kept."""
    return _CONTROL.sub("?", _ESCAPE.sub("", text))


def has_control(text: str) -> bool:
    """True when ``text`` holds an escape sequence or a control character other than tab
    and newline (such text is refused where it would be spoken or matched)."""
    return bool(_CONTROL.search(text))
