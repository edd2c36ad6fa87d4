"""Build the test streams: commands placed in long recordings with gaps, and non-command speech.

Each language gets one command stream per condition (the same speech track, so
conditions differ only in the background) and one clean stream of non-command
speech; the benchmark also builds a long room stream of non-command audio (people
talking, the guide's narration through the echo path, soft music) in 10-minute parts.
Streams are written as 16 kHz mono 16-bit WAV files next to a JSON manifest holding
the ground truth: what was said, and where. Streams with the guide's voice in them also
have a reference WAV: what the speaker played, from the same start time.
"""

from __future__ import annotations

import hashlib
import json
import random
import wave
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bench import noise, room
from bench.languages import Language
from bench.synth import Audio, speak
from bench.voices import Voice
from voice_guide.ports import SAMPLE_RATE

CONDITIONS = ("clean", "music", "babble", "pink")  # the development set's (tests/asr_devset.py)
ALL_CONDITIONS = ("clean", "music", "pink", "babble", "babble5", "echo0", "echo6")
SNR_DB = 10.0


@dataclass(frozen=True)
class Condition:
    """A background: ``kind`` music / pink / babble at ``snr_db``, or the guide's own
    narration through ``echo`` (a simulated speaker-to-microphone path)."""

    kind: str
    snr_db: float = SNR_DB
    echo: room.EchoPath | None = None


CONDITION_SPECS = {
    "music": Condition("music"),
    "pink": Condition("pink"),
    "babble": Condition("babble"),
    "babble5": Condition("babble", 5.0),
    "echo0": Condition("narration", echo=room.EchoPath(0.040, 0.35, 0.0, 11)),
    "echo6": Condition("narration", echo=room.EchoPath(0.070, 0.55, 6.0, 12)),
}
NARRATION_GAP_S = (0.6, 1.0)  # the guide's pause between sentences
LONG_CHUNK_MIN = 10.0
LONG_MUSIC_SNR_DB = 15.0  # soft music under the talk in the long stream
LONG_GUIDE_SHARE = 0.4  # share of the long stream's sentences said by the guide
LONG_PATHS = (room.EchoPath(0.050, 0.40, 0.0, 21), room.EchoPath(0.080, 0.60, 6.0, 22),
              room.EchoPath(0.030, 0.30, 3.0, 23))
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
    condition: str  # one of ALL_CONDITIONS, or "speech" / "long" for non-command streams
    wav: str
    duration: float
    segments: list[Segment] = field(default_factory=list)
    reference: str | None = None  # what the speaker played (same start), if anything

    @property
    def is_commands(self) -> bool:
        return self.condition not in ("speech", "long")


@dataclass(frozen=True)
class Plan:
    """How big the set is."""

    command_reps: int  # renditions of each command phrase (different voices)
    speech_reps: int  # renditions of the chat and near-miss sentences
    max_commands: int | None = None  # keep only this many phrases (quick mode)
    max_sentences: int | None = None  # keep only this many non-command sentences (quick mode)
    conditions: tuple[str, ...] = CONDITIONS
    held_out_reps: int = 0  # extra renditions of each phrase by the held-out voices (flite)
    long_minutes: float = 0.0  # length of the long room stream (0: none)


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
        for r in range(plan.held_out_reps if lang.held_out else 0):
            voice = lang.held_out[(i + r) % len(lang.held_out)]
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


def _background(kind: str, n: int, lang: Language, cache: Path, seed: int) -> Audio:
    seconds = n / SAMPLE_RATE + 0.1
    if kind == "music":
        bg = noise.music(seconds, seed)
    elif kind == "pink":
        bg = noise.pink(seconds, seed)
    elif kind == "babble":
        talkers = tuple(Voice(v.name, 160) for v in lang.voices)
        bg = noise.babble(seconds, lang.babble, talkers, cache, seed)
    else:
        raise ValueError(f"unknown background {kind!r}")
    return bg[:n]


def narration_track(lang: Language, n: int, cache: Path, seed: int) -> tuple[Audio, Audio]:
    """The guide reading its narration (shuffled, cycling) for ``n`` samples with short
    pauses, as the speaker plays it; and its speech mask."""
    rng = random.Random(f"{seed}:{lang.code}:narration")
    texts = list(lang.narration)
    audio = np.zeros(n, dtype=np.float32)
    mask = np.zeros(n, dtype=np.float32)
    pos = int(rng.uniform(0.0, 1.0) * SAMPLE_RATE)
    order: list[str] = []
    while pos < n:
        if not order:
            order = texts[:]
            rng.shuffle(order)
        clip = speak(order.pop(), lang.guide_voice, cache)
        end = min(n, pos + len(clip))
        audio[pos:end] = clip[: end - pos]
        mask[pos:end] = 1.0
        pos = end + int(rng.uniform(*NARRATION_GAP_S) * SAMPLE_RATE)
    return audio, mask


def _over_narration(speech: Audio, mask: Audio, spec: Condition, lang: Language, cache: Path,
                    seed: int) -> tuple[Audio, Audio]:
    """Commands said while the guide talks: mic = commands + narration through the echo
    path at the condition's level; reference = the narration as played."""
    assert spec.echo is not None
    played, played_mask = narration_track(lang, len(speech), cache, seed)
    at_mic = room.speaker_to_mic(played, spec.echo)
    mic, _ = room.mix_echo(speech, mask, at_mic, played_mask, spec.echo.level_db)
    return mic, played


def _write_pair(out_dir: Path, name: str, mic: Audio, played: Audio | None
                ) -> tuple[str, str | None]:
    """Write the mic WAV and, if given, the reference WAV, scaled by the same factor
    (so the echo canceller sees the true ratio) and never clipped."""
    peak = max(float(np.max(np.abs(mic))) if len(mic) else 0.0,
               float(np.max(np.abs(played))) if played is not None and len(played) else 0.0)
    scale = 0.99 / peak if peak > 0.99 else 1.0
    path = out_dir / f"{name}.wav"
    write_wav(path, mic * scale)
    if played is None:
        return str(path), None
    ref = out_dir / f"{name}.ref.wav"
    write_wav(ref, played * scale)
    return str(path), str(ref)


def build(lang: Language, plan: Plan, out_dir: Path, cache: Path, seed: int) -> list[Stream]:
    """Synthesize, place and mix every stream for ``lang``; write WAVs and return the truth."""
    streams: list[Stream] = []
    rng = random.Random(f"{seed}:{lang.code}:commands")
    speech, mask, segments = _place(_command_clips(lang, plan, cache, rng), COMMAND_GAP_S, rng)
    seconds = len(speech) / SAMPLE_RATE
    for k, condition in enumerate(plan.conditions):
        played: Audio | None = None
        if condition == "clean":
            audio = speech
        elif CONDITION_SPECS[condition].echo is not None:
            audio, played = _over_narration(speech, mask, CONDITION_SPECS[condition], lang,
                                             cache, seed + 101 * (k + 1))
        else:
            spec = CONDITION_SPECS[condition]
            bg = _background(spec.kind, len(speech), lang, cache, seed + 101 * (k + 1))
            audio = noise.mix_at_snr(speech, mask, bg, spec.snr_db)
        name = f"{lang.code}-{condition}"
        wav, ref = _write_pair(out_dir, name, audio, played)
        streams.append(Stream(name, lang.code, condition, wav, seconds, list(segments), ref))
    rng = random.Random(f"{seed}:{lang.code}:speech")
    talk, _, talk_segments = _place(_speech_clips(lang, plan, cache, rng), SPEECH_GAP_S, rng)
    name = f"{lang.code}-speech"
    path = out_dir / f"{name}.wav"
    write_wav(path, talk)
    streams.append(Stream(name, lang.code, "speech", str(path), len(talk) / SAMPLE_RATE,
                          talk_segments))
    if plan.long_minutes > 0:
        streams += build_long(lang, plan.long_minutes, out_dir, cache, seed)
    return streams


def _rate_variants(voice: Voice) -> tuple[Voice, ...]:
    step = 15 if voice.synth == "flite" else 20
    return tuple(Voice(voice.name, voice.rate + d, voice.synth) for d in (-step, 0, step))


def _long_chunk(lang: Language, index: int, seconds: float, cache: Path, seed: int
                ) -> tuple[Audio, Audio, list[Segment]]:
    """One part of the long room stream: people talking and the guide narrating (one
    sentence at a time, through the echo path), soft music under all of it."""
    rng = random.Random(f"{seed}:{lang.code}:long:{index}")
    n = int(seconds * SAMPLE_RATE)
    talk = np.zeros(n, dtype=np.float32)
    talk_mask = np.zeros(n, dtype=np.float32)
    played = np.zeros(n, dtype=np.float32)
    played_mask = np.zeros(n, dtype=np.float32)
    people = [v for base in (*lang.voices, *lang.held_out) for v in _rate_variants(base)]
    sentences = [*lang.chat, *lang.near_miss, *lang.babble]
    segments: list[Segment] = []
    pos = int(LEAD_S * SAMPLE_RATE)
    while True:
        guide = rng.random() < LONG_GUIDE_SHARE
        if guide:
            text, voice = rng.choice(lang.narration), lang.guide_voice
        else:
            text, voice = rng.choice(sentences), rng.choice(people)
        clip = speak(text, voice, cache)
        if pos + len(clip) > n - int(TAIL_S * SAMPLE_RATE):
            break
        track, mask = (played, played_mask) if guide else (talk, talk_mask)
        track[pos : pos + len(clip)] = clip
        mask[pos : pos + len(clip)] = 1.0
        label = f"guide:{voice.label}" if guide else voice.label
        segments.append(Segment(text, label, round(pos / SAMPLE_RATE, 3),
                                round((pos + len(clip)) / SAMPLE_RATE, 3)))
        pos += len(clip) + int(rng.uniform(*SPEECH_GAP_S) * SAMPLE_RATE)
    path = LONG_PATHS[index % len(LONG_PATHS)]
    echo = room.speaker_to_mic(played, path)
    mic, _ = room.mix_echo(talk, talk_mask, echo, played_mask, path.level_db)
    bg = noise.music(seconds + 0.1, seed + 7919 * (index + 1))[:n]
    mic = noise.mix_at_snr(mic, np.maximum(talk_mask, played_mask), bg, LONG_MUSIC_SNR_DB)
    return mic, played, segments


def build_long(lang: Language, minutes: float, out_dir: Path, cache: Path, seed: int
               ) -> list[Stream]:
    """The long non-command room stream, in parts of at most ``LONG_CHUNK_MIN`` minutes.
    Parts already written for the same seed and length are reused (they are big)."""
    streams: list[Stream] = []
    left = minutes * 60.0
    index = 0
    while left > 1.0:
        seconds = min(left, LONG_CHUNK_MIN * 60.0)
        name = f"{lang.code}-long-{index:02d}"
        truth = out_dir / f"{name}.json"
        key = {"seed": seed, "seconds": seconds, "version": 1, "content": _content_key(lang)}
        cached = _load_long(truth, key)
        if cached is None:
            mic, played, segments = _long_chunk(lang, index, seconds, cache, seed)
            wav, ref = _write_pair(out_dir, name, mic, played)
            cached = Stream(name, lang.code, "long", wav, len(mic) / SAMPLE_RATE, segments, ref)
            truth.write_text(json.dumps({"key": key, "stream": asdict(cached)}),
                             encoding="utf-8")
        streams.append(cached)
        left -= seconds
        index += 1
    return streams


def _content_key(lang: Language) -> str:
    """Changes whenever the long stream's material would (voices, sentences, paths)."""
    raw = repr((lang.voices, lang.held_out, lang.guide_voice, lang.chat, lang.near_miss,
                lang.babble, lang.narration, LONG_PATHS, LONG_MUSIC_SNR_DB, LONG_GUIDE_SHARE))
    return hashlib.sha1(raw.encode()).hexdigest()


def _load_long(truth: Path, key: dict[str, Any]) -> Stream | None:
    try:
        raw = json.loads(truth.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if raw.get("key") != key:
        return None
    stream = _stream_from(raw["stream"])
    if not Path(stream.wav).is_file() or (stream.reference
                                          and not Path(stream.reference).is_file()):
        return None
    return stream


def _stream_from(r: dict[str, Any]) -> Stream:
    return Stream(r["name"], r["language"], r["condition"], r["wav"], r["duration"],
                  [Segment(**s) for s in r["segments"]], r.get("reference"))


def save_manifest(streams: list[Stream], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([asdict(s) for s in streams], indent=1), encoding="utf-8")


def load_manifest(path: Path) -> list[Stream]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return [_stream_from(r) for r in raw]
