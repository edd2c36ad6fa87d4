"""The audio front end between microphone and recognizer (issue 8).

Stages, each one module with its own switch (``FrontEndSettings``): echo cancellation
against what the speaker played (``echo.py``), noise suppression (``rnnoise.py``, with
``webrtc_ns.py`` as the fallback), gain control (``gain.py``). ``chain.py`` runs them on
10 ms frames; ``hearing.py`` puts the recognizer(s) behind them; ``factory.py`` builds
it all; ``isolated.py`` runs the same in a child process.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from voice_guide.frontend.settings import OFF, FrontEndSettings

if TYPE_CHECKING:
    from voice_guide.asr.process_recognizer import ProcessHearing
    from voice_guide.frontend.hearing import ChainHearing
    from voice_guide.intents import PhraseTable

__all__ = ["OFF", "FrontEndSettings", "make_hearing", "make_isolated_hearing"]


def make_hearing(engine: str = "auto", *, table: PhraseTable | None = None,
                 model_dir: Path | None = None, front_end: FrontEndSettings | None = None,
                 naive: bool = False) -> tuple[ChainHearing, str]:
    """In-process hearing; the str is the one-line description printed at start."""
    from voice_guide.frontend.factory import make_hearing as make

    return make(engine, table=table, model_dir=model_dir, front_end=front_end, naive=naive)


def make_isolated_hearing(engine: str = "auto", *, table: PhraseTable | None = None,
                          model_dir: Path | None = None,
                          front_end: FrontEndSettings | None = None
                          ) -> tuple[ProcessHearing, str]:
    """The same hearing in a child process (what voice sessions use)."""
    from voice_guide.asr.process_recognizer import ProcessHearing

    hearing = ProcessHearing(engine, table=table, model_dir=model_dir,
                             front_end=front_end or FrontEndSettings())
    return hearing, hearing.sentence
