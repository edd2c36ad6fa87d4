"""The names of the speech recognizers: the one list every option, setting and check uses."""

from __future__ import annotations

from typing import Literal, get_args

Engine = Literal["auto", "vosk", "pocketsphinx"]
#: Every value ``--engine`` and the ``engine`` setting take ("auto" picks one).
ENGINES: tuple[str, ...] = get_args(Engine)
#: The recognizers themselves.
RECOGNIZERS: tuple[str, ...] = tuple(e for e in ENGINES if e != "auto")
