"""Build the test streams: commands placed in long recordings with gaps, and non-command speech.

Each language gets one command stream per condition (the same speech track, so
conditions differ only in the background) and one clean stream of non-command
speech. Streams are written as 16 kHz mono 16-bit WAV files next to a JSON
manifest holding the ground truth: what was said, and where.
"""

from __future__ import annotations

import json
import random
import wave
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bench import noise
from bench.languages import Language
from bench.synth import Audio, speak
from bench.voices import Voice
from voice_guide.ports import SAMPLE_RATE

CONDITIONS = ("clean", "music", "babble", "pink")
SNR_DB = 10.0
COMMAND_GAP_S = (1.5, 4.0)
SPEECH_GAP_S = (0.3, 1.2)
LEAD_S = 1.0
TAIL_S = 3.0


@dataclass(frozen=True)
class Segment:
    """One spoken clip in a stream. ``intent`` is None for non-command speech."""

    text: str
    voice: str
    start: float
    end: float
    intent: str | None = None
    step: int | None = None


@dataclass
class Stream:
    """A WAV file and its ground truth."""

    name: str
    language: str
    condition: str  # one of CONDITIONS, or "speech" for the non-command stream
    wav: str
    duration: float
    segments: list[Segment] = field(default_factory=list)

    @property
    def is_commands(self) -> bool:
        return self.condition != "speech"


@dataclass(frozen=True)
class Plan:
    """How big the set is."""

    command_reps: int  # renditions of each command phrase (different voices)
    speech_reps: int  # renditions of the chat and near-miss sentences
    max_commands: int | None = None  # keep only this many phrases (quick mode)
    max_sentences: int | None = None  # keep only this many non-command sentences (quick mode)
    conditions: tuple[str, ...] = CONDITIONS


def _spread(items: list[Any], keep: int | None) -> list[Any]:
    """``keep`` items spread evenly over ``items`` (all of them when None)."""
    if keep is None or keep >= len(items):
        return items
    idx = np.linspace(0, len(items) - 1, keep).round().astype(int)
    return [items[i] for i in dict.fromkeys(idx.tolist())]


def _place(
    clips: list[tuple[Audio, Segment]], gap: tuple[float, float], rng: random.Random
) -> tuple[Audio, Audio, list[Segment]]:
    """Lay clips out with random gaps; return audio, speech mask and timed segments."""
    gaps = [rng.uniform(*gap) for _ in clips]
    total = int((LEAD_S + TAIL_S + sum(gaps)) * SAMPLE_RATE) + sum(len(c) for c, _ in clips)
    audio = np.zeros(total, dtype=np.float32)
    mask = np.zeros(total, dtype=np.float32)
    segments: list[Segment] = []
    pos = int(LEAD_S * SAMPLE_RATE)
    for (clip, seg), g in zip(clips, gaps, strict=True):
        audio[pos : pos + len(clip)] = clip
        mask[pos : pos + len(clip)] = 1.0
        start = pos / SAMPLE_RATE
        end = (pos + len(clip)) / SAMPLE_RATE
        segments.append(Segment(seg.text, seg.voice, round(start, 3), round(end, 3),
                                seg.intent, seg.step))
        pos += len(clip) + int(g * SAMPLE_RATE)
    return audio, mask, segments


def write_wav(path: Path, audio: Audio) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    peak = float(np.max(np.abs(audio))) if len(audio) else 0.0
    if peak > 0.99:  # scale down rather than clip; the SNR is unchanged
        audio = audio * (0.99 / peak)
    pcm = (np.clip(audio, -1.0, 1.0) * 32767.0).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(pcm.tobytes())


def _command_clips(lang: Language, plan: Plan, cache: Path, rng: random.Random
                   ) -> list[tuple[Audio, Segment]]:
    phrases = _spread(list(lang.commands), plan.max_commands)
    clips: list[tuple[Audio, Segment]] = []
    nv = len(lang.voices)
    hop = max(1, nv // max(1, plan.command_reps))
    for i, (text, command) in enumerate(phrases):
        for r in range(plan.command_reps):
            voice = lang.voices[(i + r * hop) % nv]
            seg = Segment(text, voice.label, 0.0, 0.0, command.intent.value, command.step)
            clips.append((speak(text, voice, cache), seg))
    rng.shuffle(clips)
    return clips


def _speech_clips(lang: Language, plan: Plan, cache: Path, rng: random.Random
                  ) -> list[tuple[Audio, Segment]]:
    others = _spread([*lang.chat, *lang.near_miss], plan.max_sentences)
    narration = _spread(list(lang.narration), plan.max_sentences)
    clips: list[tuple[Audio, Segment]] = []
    for r in range(plan.speech_reps):
        for i, text in enumerate(others):
            voice = lang.voices[(i + r) % len(lang.voices)]
            clips.append((speak(text, voice, cache), Segment(text, voice.label, 0.0, 0.0)))
    guide = lang.guide_voice
    for text in narration:
        clips.append((speak(text, guide, cache), Segment(text, f"guide:{guide.label}", 0.0, 0.0)))
    rng.shuffle(clips)
    return clips


def _background(condition: str, n: int, lang: Language, cache: Path, seed: int) -> Audio:
    seconds = n / SAMPLE_RATE + 0.1
    if condition == "music":
        bg = noise.music(seconds, seed)
    elif condition == "pink":
        bg = noise.pink(seconds, seed)
    elif condition == "babble":
        talkers = tuple(Voice(v.name, 160) for v in lang.voices)
        bg = noise.babble(seconds, lang.babble, talkers, cache, seed)
    else:
        raise ValueError(f"unknown condition {condition!r}")
    return bg[:n]


def build(lang: Language, plan: Plan, out_dir: Path, cache: Path, seed: int) -> list[Stream]:
    """Synthesize, place and mix every stream for ``lang``; write WAVs and return the truth."""
    streams: list[Stream] = []
    rng = random.Random(f"{seed}:{lang.code}:commands")
    speech, mask, segments = _place(_command_clips(lang, plan, cache, rng), COMMAND_GAP_S, rng)
    seconds = len(speech) / SAMPLE_RATE
    for k, condition in enumerate(plan.conditions):
        if condition == "clean":
            audio = speech
        else:
            bg = _background(condition, len(speech), lang, cache, seed + 101 * (k + 1))
            audio = noise.mix_at_snr(speech, mask, bg, SNR_DB)
        name = f"{lang.code}-{condition}"
        path = out_dir / f"{name}.wav"
        write_wav(path, audio)
        streams.append(Stream(name, lang.code, condition, str(path), seconds, list(segments)))
    rng = random.Random(f"{seed}:{lang.code}:speech")
    talk, _, talk_segments = _place(_speech_clips(lang, plan, cache, rng), SPEECH_GAP_S, rng)
    name = f"{lang.code}-speech"
    path = out_dir / f"{name}.wav"
    write_wav(path, talk)
    streams.append(Stream(name, lang.code, "speech", str(path), len(talk) / SAMPLE_RATE,
                          talk_segments))
    return streams


def save_manifest(streams: list[Stream], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([asdict(s) for s in streams], indent=1), encoding="utf-8")


def load_manifest(path: Path) -> list[Stream]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return [
        Stream(r["name"], r["language"], r["condition"], r["wav"], r["duration"],
               [Segment(**s) for s in r["segments"]])
        for r in raw
    ]
