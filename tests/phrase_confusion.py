"""Which command phrases the recognizer takes for one another: a confusion matrix per intent.

Each phrase of a phrase table is spoken alone by the development set's espeak-ng voices
(``tests.asr_devset``, not the benchmark's test voices), in clean audio and with pink noise
at 10 dB SNR, and decoded by the pocketsphinx grammar recognizer built from that table
(``voice_guide.asr.factory.make_recognizer``). Phrases the table no longer has ("probes":
what a person used to the old phrases may still say) are spoken too; the right answer for
them is nothing.

    .venv/bin/python -m tests.phrase_confusion [--table old|new|both] [--cache /tmp/asr-dev/cache]
    .venv/bin/python -m tests.phrase_confusion --lang ko   # the shipped Korean phrases, Vosk

Rows are what was said (intent), columns what was heard ("-" nothing). Then the pairs of
different consequence heard for one another, with the phrases.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np

from bench import noise, synth
from bench.voices import Voice
from tests.asr_devset import EN_VOICES, KO_VOICES
from voice_guide.asr.factory import make_recognizer
from voice_guide.intents import DEFAULT_TABLE, Intent, PhraseTable
from voice_guide.ports import SAMPLE_RATE

OLD_PHRASES: dict[Intent, tuple[str, ...]] = {
    Intent.NEXT: ("next", "next step", "go on", "skip"),
    Intent.BACK: ("back", "go back", "previous", "previous step"),
    Intent.REPEAT: ("repeat", "again", "say again", "say that again", "repeat that",
                    "one more time"),
    Intent.SLOWER: ("slower", "slow down", "more slowly"),
    Intent.FASTER: ("faster", "speed up", "quicker"),
    Intent.PAUSE: ("pause", "wait", "hold on", "stop"),
    Intent.RESUME: ("resume", "continue", "go ahead", "carry on", "keep going"),
    Intent.TIME_LEFT: ("time left", "how much time", "how much time is left", "how long",
                       "how much longer"),
    Intent.WHERE: ("where am i", "what step", "which step"),
    Intent.HELP: ("help", "what can i say"),
    Intent.RESTART: ("start over", "restart"),
    Intent.LOUDER: ("louder", "speak up"),
    Intent.QUIETER: ("quieter", "softer"),
    Intent.YES: ("yes",),
    Intent.NO: ("no",),
    Intent.QUIT: ("quit", "end session", "finish session", "exit"),
}
"""The table before issue 8 (main at cd5105c)."""

MOVES = frozenset({"next", "back", "goto", "restart", "quit", "yes"})
"""Intents of consequence: they move through the routine or end the session."""
GOTO_SAMPLE = ("step three", "go to step five", "step twelve")
SNR_DB = 10.0
SEED = 4242


def _old_table() -> PhraseTable:
    return PhraseTable(phrases=OLD_PHRASES)


KO_OLD: dict[Intent, tuple[str, ...]] = {Intent.NEXT: ("다음", "넘어가"), Intent.REPEAT: ("다시", "반복")}
"""Korean phrases before issue 8 that the shipped file no longer has (with those kept)."""


def _spoken(table: PhraseTable, old: dict[Intent, tuple[str, ...]]) -> list[tuple[str, str]]:
    """(phrase, intent said) for every phrase of ``table`` and every old phrase it dropped."""
    out = [(p, c.intent.value) for p, c in sorted(table.lookup.items())
           if c.intent is not Intent.GOTO]
    out += [(p, "goto") for p in GOTO_SAMPLE if p in table.lookup]
    gotos = [p for p, c in sorted(table.lookup.items()) if c.intent is Intent.GOTO]
    if not any(p in table.lookup for p in GOTO_SAMPLE):
        out += [(p, "goto") for p in gotos[:: max(1, len(gotos) // 3)][:3]]
    for intent, phrases in old.items():
        out += [(p, f"({intent.value})") for p in phrases if table.parse(p) is None]
    return out


def _clip(speech: synth.Audio, condition: str, seed: int) -> bytes:
    lead, tail = int(0.5 * SAMPLE_RATE), int(1.2 * SAMPLE_RATE)
    audio = np.concatenate([np.zeros(lead, np.float32), speech, np.zeros(tail, np.float32)])
    if condition == "pink":
        bed = noise.pink(len(audio) / SAMPLE_RATE + 0.1, seed)[: len(audio)]
        mask = np.zeros_like(audio)
        mask[lead : lead + len(speech)] = 1.0
        audio = noise.mix_at_snr(audio, mask, bed, SNR_DB)
    pcm = np.clip(audio * 32767.0, -32768, 32767).astype("<i2")
    return pcm.tobytes()


def measure(table: PhraseTable, label: str, cache: Path, lang: str = "en"
            ) -> dict[str, Counter[tuple[str, str]]]:
    """Decode every phrase in every voice and condition; print and return the counts."""
    voices: tuple[Voice, ...] = EN_VOICES
    if lang == "ko":
        from bench.recognition import korean_model_dir

        recognizer, _ = make_recognizer("vosk", table=table, model_dir=korean_model_dir())
        voices = KO_VOICES
    else:
        recognizer, _ = make_recognizer("pocketsphinx", table=table)
    by_condition: dict[str, Counter[tuple[str, str]]] = {}
    pairs: Counter[tuple[str, str, str]] = Counter()
    for condition in ("clean", "pink"):
        counts: Counter[tuple[str, str]] = Counter()
        for n, (phrase, said) in enumerate(_spoken(table, OLD_PHRASES if lang == "en" else KO_OLD)):
            for v, voice in enumerate(voices):
                pcm = _clip(synth.speak(phrase, voice, cache), condition, SEED + 97 * n + v)
                heard = recognizer.accept(pcm) + recognizer.flush()
                recognizer.reset()
                got = heard[0].command.intent.value if heard else "-"
                counts[(said, got)] += 1
                if got not in (said, said.strip("()"), "-") or (said.startswith("(")
                                                                 and got != "-"):
                    pairs[(said, got, f"{phrase!r} -> {heard[0].text!r}")] += 1
        by_condition[condition] = counts
        _print_matrix(f"{label}, {condition}", counts, len(voices))
    print(f"\n{label}: phrases heard as another intent (said -> heard: count)")
    for (said, got, how), k in sorted(pairs.items(), key=lambda x: -x[1]):
        print(f"  {said:>11s} -> {got:9s} {k:2d}  {how}")
    return by_condition


def _print_matrix(title: str, counts: Counter[tuple[str, str]], voices: int) -> None:
    rows = sorted({s for s, _ in counts}, key=lambda s: (s.startswith("("), s))
    cols = sorted({g for _, g in counts if g != "-"}) + ["-"]
    short = {c: c[:5] for c in cols}
    print(f"\n{title}: rows said, columns heard ({voices} voices per phrase)")
    print(f"{'':13s}" + "".join(f"{short[c]:>6s}" for c in cols) + "   right")
    for said in rows:
        total = sum(k for (s, _), k in counts.items() if s == said)
        right = counts[(said, said)] if not said.startswith("(") else counts[(said, "-")]
        cells = "".join(f"{counts[(said, c)] or '.':>6}" for c in cols)
        print(f"{said:13s}{cells}   {right}/{total}")
    said_cmds = [(s, g, k) for (s, g), k in counts.items() if not s.startswith("(")]
    total = sum(k for *_, k in said_cmds)
    right = sum(k for s, g, k in said_cmds if s == g)
    wrong = sum(k for s, g, k in said_cmds if g not in (s, "-"))
    moving = sum(k for s, g, k in said_cmds if g not in (s, "-") and g in MOVES)
    print(f"commands: {right}/{total} right, {wrong} taken as another intent "
          f"({moving} of them as one that moves through the routine or ends it), "
          f"{total - right - wrong} not heard")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.phrase_confusion")
    parser.add_argument("--table", choices=("old", "new", "both"), default="both")
    parser.add_argument("--cache", default="/tmp/asr-dev/cache")
    parser.add_argument("--lang", choices=("en", "ko"), default="en")
    args = parser.parse_args(argv)
    synth.require_tools()
    cache = Path(args.cache)
    if args.lang == "ko":
        from bench.languages import korean

        measure(korean().table, "Korean (voice_guide/lang/ko-phrases.yaml)", cache, "ko")
        return 0
    if args.table in ("old", "both"):
        measure(_old_table(), "before (main)", cache)
    if args.table in ("new", "both"):
        measure(DEFAULT_TABLE, "after (DEFAULT_TABLE)", cache)
    return 0


if __name__ == "__main__":
    sys.exit(main())
