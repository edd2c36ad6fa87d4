"""Choosing and building a recognizer: the one entry point for the CLI and the benchmark."""

from __future__ import annotations

from pathlib import Path

from voice_guide.asr.model_dir import PREFERRED, check_vosk_model, find_vosk_model
from voice_guide.asr.names import ENGINES
from voice_guide.errors import UserError
from voice_guide.intents import DEFAULT_TABLE, PhraseTable
from voice_guide.ports import Recognizer

#: The recognizers there are, and what ``--engine`` accepts (auto: Vosk when a model is found).


def make_recognizer(engine: str = "auto", *, table: PhraseTable | None = None,
                    model_dir: Path | None = None, naive: bool = False
                    ) -> tuple[Recognizer, str]:
    """The recognizer and one sentence saying which engine was taken and why.

    auto: Vosk when a Vosk model is found (``--model`` or the ``model`` setting, the
    ``VOICE_GUIDE_MODEL`` environment variable, or the models directory), else pocketsphinx with its bundled English model. naive=True
    gives the benchmark baseline: no rejection and the engine's own end of utterance.
    """
    if engine not in ENGINES:
        raise UserError(f"unknown engine {engine!r}; choose one of: {', '.join(ENGINES)}.")
    phrases = table or DEFAULT_TABLE
    mode = " (naive: no rejection, default endpointing)" if naive else ""
    if engine in ("auto", "vosk"):
        found = find_vosk_model(model_dir)
        if found is None and engine == "vosk":
            raise UserError(f"no Vosk model found; run 'voice-guide models pull {PREFERRED}' "
                            "(see 'voice-guide models list'), or name a model folder with "
                            "'voice-guide config set model DIR' or --model DIR.")
        if found is not None:
            check_vosk_model(found)
            from voice_guide.asr.vosk_engine import make_vosk

            why = "as asked" if engine == "vosk" else "because a Vosk model was found"
            return make_vosk(phrases, found, naive), f"engine: Vosk with {found}, {why}{mode}."
    from voice_guide.asr.pocketsphinx_engine import make_pocketsphinx

    why = "as asked" if engine == "pocketsphinx" else "because no Vosk model was found"
    return (make_pocketsphinx(phrases, naive),
            f"engine: pocketsphinx with its bundled English model, {why}{mode}.")
