"""How fast the real guide answers, measured through a sound server.

    python -m bench.live_latency [--commands N] [--out DIR] [--echo-db DB]
                                 [--guide-args=--half-duplex]

A private PulseAudio server (``voice_guide.testing.pulse``) gets a virtual room
(``bench.live_room``): the real ``voice-guide run`` (voice mode, pocketsphinx, a routine of
six untimed steps written to DIR) listens on a microphone that hears what the bench plays
(and, with ``--echo-db``, its own speaker at that level, about 60 ms late), and speaks into
a speaker; microphone and speaker land in the two channels of one recording, so the end of
each spoken command and the guide's first sound are on one time base. Commands are espeak-ng
clips in voices other than the guide's en-us (each used only if the recognizer takes it from
the clip alone), played at chosen moments:

- quiet: the guide has been silent for 2.5 s. Measured: end of command -> first sound of
  the guide (any sound), -> its spoken answer (known cue tones skipped), -> the
  acknowledgment tone (when ``voice_guide.audio.cues`` has one: found by its waveform).
- soon: 0 to 1.2 s after a one-sentence answer ends ("Resuming."). Measured: the real gap
  from the guide's last sound to the command's start, and whether it was taken.
- barge: one second into a long narration sentence. Measured: taken or not, and the time
  from the end of the command to the narration being cut: where the acknowledgment tick
  sounds (the player cuts the sentence and starts the tick in the same callback), else
  where the speaker stops following the same sentence as said uncut earlier.
- gaps: the pause between consecutive sentences of the guide's narration.
- commands the guide took when nobody had spoken for 6 s (its own voice, with echo).

"Taken" means the transcript shows the command (``you: "..." -> intent``). Features that do
not exist in the tree under test (the ack tone, barge-in) read "n/a" or "not taken", never
fail. Writes report.md, results.json and the stereo recording room.wav (left: microphone,
right: speaker) to DIR (default bench/out/live); prints the report. Exit status 0 when the
run completed, 1 when the guide failed to start or ended early, 3 when a program it needs
(pulseaudio, pactl, paplay, parec, pacat, espeak-ng) is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bench import live_analysis as la
from bench.live_room import CMD_SINK, RATE, StereoRecorder, build_room, keep_running
from voice_guide.paths import PROJECT_ROOT

# Held-out voices (the guide speaks en-us at its own rate): name and words per minute.
VOICES = (("en-gb", 140), ("en-gb-x-rp+m3", 170), ("en-gb-scotland+f2", 140),
          ("en-us+f3", 200), ("en-us+m7", 200))
WPM = 150
# (kind, phrase); the transcript's intent for each phrase is in INTENT.
# Each "soon" command follows a quiet one whose answer is one short sentence; the volume
# commands cancel out whichever of them are taken.
CYCLE: tuple[tuple[str, str], ...] = (
    ("quiet", "pause"), ("quiet", "resume"), ("soon", "louder"), ("quiet", "quieter"),
    ("soon", "quieter"), ("quiet", "louder"), ("quiet", "next step"), ("quiet", "go back"),
    ("barge", "pause"), ("quiet", "resume"), ("quiet", "repeat"), ("barge", "say that again"),
)
INTENT = {"pause": "pause", "resume": "resume", "louder": "louder", "quieter": "quieter",
          "next step": "next", "go back": "back", "say that again": "repeat",
          "repeat": "repeat"}
SOON_DELAYS_S = (0.0, 0.2, 0.4, 0.8, 1.2)
QUIET_S = 2.5
LONG_SENTENCE_WORDS = 20
STEPS = 6
UNPROMPTED_S = 6.0  # a command taken this long after the last one played: nobody said it
ACK_KINDS = ("ack", "acknowledge", "heard", "accepted", "command")

ROUTINE = """\
schema_version: 1
id: live-latency
title: Latency check
description: Six untimed steps with long sentences, for measuring response times.
introduction:
  - Welcome. This is a short check of how fast I answer.
  - Speak a command at any time.
steps:
{steps}
"""
LONG = ("Rest both hands flat on the back and keep them there for a while, breathing slowly "
        "and evenly, while you feel the warmth of the skin under your palms and let your "
        "shoulders drop a little more with every breath.")


def routine_yaml() -> str:
    steps = []
    titles = ("First hold", "Second hold", "Third hold", "Fourth hold", "Fifth hold",
              "Sixth hold")
    for n, title in enumerate(titles, 1):
        steps.append(f"  - id: hold-{n}\n    title: {title}\n    instructions:\n"
                     f"      - {LONG}\n    pressure: light\n    area: whole back\n"
                     "    technique: resting hands")
    return ROUTINE.format(steps="\n".join(steps))


@dataclass(frozen=True)
class Clip:
    """A spoken command: the WAV played into the microphone and where its speech is."""

    phrase: str
    voice: str
    path: Path
    samples: np.ndarray
    speech_start: int  # samples into the clip
    speech_end: int


def render(phrase: str, voice: str, wpm: int, out: Path) -> Clip:
    """Speak ``phrase`` with espeak-ng, at 16 kHz, with 50 ms of silence around it."""
    from voice_guide.audio.convert import resample
    from voice_guide.audio.wav_input import decode_wav_bytes

    raw = out / f"{voice}-{phrase}.raw.wav".replace(" ", "_")
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(wpm), "-w", str(raw), phrase],
                   check=True, capture_output=True, timeout=30)
    audio, rate = decode_wav_bytes(raw.read_bytes())
    raw.unlink()
    audio = resample(audio, rate, RATE) if rate != RATE else audio
    start, end = la.speech_start(audio), la.speech_end(audio)
    pad = np.zeros(RATE // 20, dtype=np.float32)
    clip = np.concatenate([pad, audio[start:end], pad]).astype(np.float32)
    path = out / f"{voice}-{phrase}.wav".replace(" ", "_").replace("+", "_")
    _write_wav(path, clip, channels=1)
    return Clip(phrase, voice, path, clip, pad.size, pad.size + end - start)


def _write_wav(path: Path, samples: np.ndarray, channels: int) -> None:
    import wave

    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())


@dataclass
class Trial:
    kind: str
    phrase: str
    voice: str
    played_at: float | None = None  # time.monotonic() when paplay was started
    delay_s: float = 0.0  # soon: silence waited before playing
    note: str = ""


@dataclass
class Guide:
    """``voice-guide run`` in a child process; its transcript lines stamped on arrival."""

    proc: subprocess.Popen[str]
    lines: list[tuple[float, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self.lock:
                self.lines.append((time.monotonic(), line.rstrip("\n")))

    def since(self, t: float) -> list[tuple[float, str]]:
        with self.lock:
            return [(at, line) for at, line in self.lines if at >= t]

    def last_line_at(self) -> float:
        with self.lock:
            return self.lines[-1][0] if self.lines else 0.0


def _step(guide: Guide) -> int:
    """The step the guide is on, from its last "== step N/M" line (0 before the first)."""
    with guide.lock:
        lines = [line for _, line in guide.lines if "== step " in line]
    if not lines:
        return 0
    try:
        return int(lines[-1].split("== step ", 1)[1].split("/", 1)[0])
    except ValueError:
        return 0


def _body(line: str) -> str:
    """A transcript line without its leading clock ("00:05  guide: ..." -> "guide: ...")."""
    parts = line.split("  ", 1)
    return parts[1].strip() if len(parts) == 2 and ":" in parts[0] else line.strip()


class Live:
    """Live view of the recording for scheduling: when the speaker last made a sound."""

    def __init__(self, recorder: StereoRecorder) -> None:
        self.rec = recorder
        self._seen = 0
        self._last_sound_frame = -1
        self._total = 0

    def update(self) -> None:
        with self.rec._lock:
            chunks = self.rec.chunks[self._seen :]
            self._seen = len(self.rec.chunks)
        for chunk in chunks:
            right = chunk[:, 1].astype(np.float32) / 32768.0
            loud = np.flatnonzero(np.abs(right) > la.SOUND_RMS * 2)
            if loud.size:
                self._last_sound_frame = self._total + int(loud[-1])
            self._total += len(chunk)

    def silent_s(self) -> float:
        self.update()
        return (self._total - self._last_sound_frame) / RATE

    def sounded_since(self, t: float) -> bool:
        self.update()
        return self._last_sound_frame >= self.rec.frame_at(t)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"load {load:.1f} at start")


def run_session(pulse: Any, out: Path, commands: int, guide_args: list[str],
                echo_db: float | None, log: Any = None) -> dict[str, Any]:
    """Drive one live session; returns the raw material for :func:`analyse`."""
    log = log or (lambda text: print(text, flush=True))
    build_room(pulse, echo_db)
    keeper = keep_running(pulse)
    recorder = StereoRecorder(dict(pulse.env))
    recorder.start()
    deadline = time.monotonic() + 20
    while recorder.frames < RATE // 2:  # the monitor starts delivering after a second or so
        if time.monotonic() > deadline:
            raise RuntimeError("the sound server delivered no recording")
        time.sleep(0.05)
    clips = {(p, v): render(p, v, wpm, out) for p in INTENT for v, wpm in VOICES}
    usable = screen(clips)
    routine = out / "live-latency.yaml"
    routine.write_text(routine_yaml(), encoding="utf-8")
    env = dict(pulse.env)
    env.update(PYTHONUNBUFFERED="1", PYTHONPATH=os.pathsep.join(
        filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH", "")])))
    stderr = (out / "guide-stderr.txt").open("w")
    cmd = [sys.executable, "-m", "voice_guide", "run", str(routine), "--plain", "--no-log",
           "--engine", "pocketsphinx", "--wpm", str(WPM), *guide_args]
    proc = subprocess.Popen(cmd, env=env, cwd=PROJECT_ROOT, stdout=subprocess.PIPE,
                            stderr=stderr, stdin=subprocess.DEVNULL, text=True, bufsize=1)
    guide = Guide(proc)
    threading.Thread(target=guide.read, name="guide-stdout", daemon=True).start()
    live = Live(recorder)
    trials: list[Trial] = []
    started = time.monotonic()
    ended_early = ""
    try:
        # ready: the first step has been read out (the introduction is not interrupted)
        if not _wait(lambda: any(line.startswith("== step") or "== step" in line
                                 for _, line in guide.since(0)), 120):
            ended_early = "the guide never reached its first step"
            commands = 0
        for i in range(commands):
            kind, phrase = CYCLE[i % len(CYCLE)]
            voices = usable.get(phrase) or [v for v, _ in VOICES]
            trial = Trial(kind, phrase, voices[i % len(voices)])
            moment = _wait_for_moment(trial, trials, guide, live)
            for _ in range(2 if kind == "barge" else 0):
                if moment:
                    break
                # no long sentence coming: move a step (its narration has one), wait again
                move = "next step" if _step(guide) < STEPS else "go back"
                helper = Trial("quiet", move, (usable.get(move) or [VOICES[0][0]])[0],
                               note="asks for narration before a barge-in command")
                _wait_for_moment(Trial("quiet", "", ""), trials, guide, live)
                helper.played_at = time.monotonic()
                pulse.play(clips[(move, helper.voice)].path, CMD_SINK).wait(15)
                trials.append(helper)
                moment = _wait_for_moment(trial, trials, guide, live)
            if not moment:
                trial.note = "moment never came"
            if proc.poll() is not None:
                ended_early = f"the guide ended (status {proc.returncode}) before command {i + 1}"
                break
            clip = clips[(phrase, trial.voice)]
            trial.played_at = time.monotonic()
            player = pulse.play(clip.path, CMD_SINK)
            trials.append(trial)
            player.wait(15)
            log(f"  {i + 1}/{commands} {kind:5} {phrase!r} ({trial.voice})")
        _wait(lambda: live.silent_s() > QUIET_S and time.monotonic() - guide.last_line_at() > 1,
              20)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        stderr.close()
        time.sleep(0.2)
        recorder.stop()
        keeper.terminate()
        keeper.wait(5)
    room = recorder.snapshot()
    return {"room": room, "trials": trials, "clips": clips, "lines": list(guide.lines),
            "usable": usable,
            "frame_at": recorder.frame_at, "wall_s": time.monotonic() - started,
            "ended_early": ended_early, "command": cmd}


def screen(clips: dict[tuple[str, str], Clip]) -> dict[str, list[str]]:
    """For each phrase, the voices whose clip the tree's recognizer takes as that intent
    from the clip alone, in silence: a command missed live is then missed for live reasons
    (the listening gate, timing), not because the recognizer never hears that clip."""
    try:
        from voice_guide.asr.factory import make_recognizer
        from voice_guide.audio.convert import to_pcm16

        recognizer, _ = make_recognizer("pocketsphinx")
    except Exception:
        return {}
    usable: dict[str, list[str]] = {}
    silence = np.zeros(RATE // 2, dtype=np.float32)
    for (phrase, voice), clip in clips.items():
        recognizer.reset()
        pcm = to_pcm16(np.concatenate([silence, clip.samples, silence, silence]))
        heard = []
        for at in range(0, len(pcm), 3200):
            heard += recognizer.accept(pcm[at : at + 3200])
        heard += recognizer.flush()
        if [h.command.intent.value for h in heard] == [INTENT[phrase]]:
            usable.setdefault(phrase, []).append(voice)
    getattr(recognizer, "close", lambda: None)()
    return usable


def _wait(condition: Any, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def _wait_for_moment(trial: Trial, done: list[Trial], guide: Guide, live: Live) -> bool:
    last = done[-1].played_at if done else 0.0
    assert last is not None
    if trial.kind == "quiet":
        return _wait(lambda: live.silent_s() >= QUIET_S
                     and time.monotonic() - guide.last_line_at() >= 1.0
                     and time.monotonic() - last >= QUIET_S + 1, 60)
    if trial.kind == "soon":
        soon = sum(t.kind == "soon" for t in done)
        trial.delay_s = SOON_DELAYS_S[soon % len(SOON_DELAYS_S)]
        # the answer to the previous command has started (a line and a sound), then ends
        if not _wait(lambda: any("guide:" in line for _, line in guide.since(last))
                     and live.sounded_since(last + 0.3), 8):
            return False
        return _wait(lambda: live.silent_s() >= max(0.03, trial.delay_s), 20)

    def long_line() -> float | None:
        for at, line in guide.since(last):
            if "guide:" in line and len(_body(line).split()) >= LONG_SENTENCE_WORDS:
                return at
        return None

    if not _wait(lambda: long_line() is not None, 8):
        return False
    at = long_line()
    assert at is not None
    if not _wait(lambda: live.sounded_since(at), 10):
        return False
    time.sleep(1.0)
    return True


def _cue_waves() -> dict[str, np.ndarray]:
    """Every cue the tree under test can play, at 16 kHz (empty when cues cannot load)."""
    try:
        from voice_guide.audio import cues
        from voice_guide.audio.convert import resample
    except Exception:
        return {}
    kinds = list(getattr(cues, "PATTERNS", {}))
    waves: dict[str, np.ndarray] = {}
    for kind in kinds:
        try:
            wave = cues.cue_samples(kind)
            waves[kind] = resample(wave, int(getattr(cues, "CUE_RATE", 22_050)), RATE)
        except Exception:
            continue
    return waves


def _taken(lines: list[tuple[float, str]], lo: float, hi: float) -> str | None:
    """The intent of the first command the transcript shows between lo and hi."""
    for at, line in lines:
        body = _body(line)
        if lo <= at < hi and body.startswith("you:") and "->" in body:
            return body.rsplit("->", 1)[1].strip()
    return None


def analyse(raw: dict[str, Any]) -> dict[str, Any]:
    room: np.ndarray = raw["room"]
    mic, speaker = room[:, 0], room[:, 1]
    mask = la.sound_frames(speaker)
    frame_at = raw["frame_at"]
    lines: list[tuple[float, str]] = raw["lines"]
    trials: list[Trial] = raw["trials"]
    waves = _cue_waves()
    reference = _uncut_narration(lines, speaker, mask, frame_at)
    ack_kind = next((k for k in ACK_KINDS if k in waves), None)
    rows: list[dict[str, Any]] = []
    for n, trial in enumerate(trials):
        assert trial.played_at is not None
        clip: Clip = raw["clips"][(trial.phrase, trial.voice)]
        nxt = trials[n + 1].played_at if n + 1 < len(trials) else None
        hi_t = nxt if nxt is not None else trial.played_at + 10
        expect = frame_at(trial.played_at)
        found = la.locate(mic, clip.samples, expect - RATE // 2, expect + 3 * RATE)
        row: dict[str, Any] = {"kind": trial.kind, "phrase": trial.phrase, "voice": trial.voice,
                               "intent": INTENT[trial.phrase], "note": trial.note}
        taken = _taken(lines, trial.played_at, hi_t)
        row["taken"] = taken
        row["correct"] = taken == INTENT[trial.phrase]
        if found is None or found.score < 0.5:
            row["note"] = (row["note"] + "; command not found in the recording").strip("; ")
            rows.append(row)
            continue
        start = found.start + clip.speech_start
        end = found.start + clip.speech_end
        row["match"] = round(found.score, 3)
        row["command_start_s"] = start / RATE
        row["command_end_s"] = end / RATE
        end_f = end // la.FRAME
        limit_f = (frame_at(nxt) // la.FRAME) if nxt is not None else mask.size
        row["speaker_busy_at_end"] = bool(mask[max(0, end_f - 3) : end_f + 1].any())
        spans: list[tuple[int, int]] = []
        for kind, wave in waves.items():
            tone = la.find_tone(speaker, wave, end - RATE // 5, end + 2 * RATE)
            if tone is not None:
                spans.append((tone.start // la.FRAME, (tone.start + wave.size) // la.FRAME + 1))
                if kind == ack_kind:
                    row["ack_s"] = (tone.start - end) / RATE
        if trial.kind in ("quiet", "soon"):
            if trial.kind == "soon":
                before = la.silence_before(mask, start // la.FRAME)
                if before is not None:
                    row["gap_after_guide_s"] = (start // la.FRAME - before) / 100
            if taken is not None and not row["speaker_busy_at_end"]:
                first = la.first_sound(mask, end_f, min(limit_f, end_f + 600))
                speech = la.first_sound(mask, end_f, min(limit_f, end_f + 600), spans)
                if first is not None:
                    row["first_sound_s"] = (first * la.FRAME - end) / RATE
                if speech is not None:
                    row["speech_s"] = (speech * la.FRAME - end) / RATE
        else:
            row["narration_over_command"] = row["speaker_busy_at_end"]
            if taken is not None and row["speaker_busy_at_end"]:
                row.update(_cut(speaker, mask, reference, end, spans,
                                min(limit_f * la.FRAME, end + 6 * RATE)))
                if "ack_s" in row:
                    # The player cuts the speech and starts the tick in one callback (the
                    # tick is played *because* a command was taken), and the guide's answer
                    # follows the cut as loud as the sentence was, which the level
                    # comparison above can take for the sentence going on. So where the
                    # tick is found, it marks the cut; the comparison stays beside it.
                    row["cut_compared_s"] = row.get("cut_s")
                    row["cut_s"], row["cut_by"] = row["ack_s"], "acknowledgment tick"
        rows.append(row)
    gaps = _sentence_gaps(lines, mask, frame_at)
    played = [t.played_at for t in trials if t.played_at is not None]
    unprompted = [_body(line) for at, line in lines if _body(line).startswith("you:")
                  and not any(0 <= at - p <= UNPROMPTED_S for p in played)]
    return {"rows": rows, "gaps_s": gaps, "ack_kind": ack_kind, "unprompted": unprompted,
            "cues_known": sorted(waves)}


def _uncut_narration(lines: list[tuple[float, str]], speaker: np.ndarray, mask: np.ndarray,
                     frame_at: Any) -> np.ndarray | None:
    """The first long sentence as the guide said it before any command: what a barge-in
    command cuts is compared with this."""
    for at, line in lines:
        body = _body(line)
        if body.startswith("you:"):
            return None
        if body.startswith("guide:") and len(body.split()) > LONG_SENTENCE_WORDS:
            onset = la.first_sound(mask, frame_at(at) // la.FRAME - 10, mask.size)
            if onset is None:
                return None
            return speaker[onset * la.FRAME : onset * la.FRAME + 25 * RATE]
    return None


def _cut(speaker: np.ndarray, mask: np.ndarray, reference: np.ndarray | None, end: int,
         spans: list[tuple[int, int]], stop: int) -> dict[str, Any]:
    """When the narration under a barge-in command stopped, in seconds after the command's
    end: where it stops following the uncut sentence, else where the speaker goes quiet
    for 0.3 s (cue tones count as quiet)."""
    if reference is not None:
        offset = la.align(speaker, reference, end)
        if offset is not None:
            cut = la.divergence(speaker, reference, offset, end, stop)
            if cut is not None:
                return {"cut_s": (cut - end) / RATE, "cut_by": "divergence"}
            return {"cut_by": "not cut (the sentence went on to its end)"}
    quiet = mask.copy()
    for a, b in spans:
        quiet[a:b] = False
    at = la.quiet_from(quiet, end // la.FRAME, stop // la.FRAME, 30)
    if at is None:
        return {"cut_by": "not cut"}
    return {"cut_s": (at * la.FRAME - end) / RATE, "cut_by": "silence"}


def _sentence_gaps(lines: list[tuple[float, str]], mask: np.ndarray, frame_at: Any
                   ) -> list[float]:
    """Pauses between two consecutive sentences of the guide with no command between."""
    gaps: list[float] = []
    previous: float | None = None
    for at, line in lines:
        body = _body(line)
        if body.startswith("you:"):
            previous = None
        elif body.startswith("guide:"):
            if previous is not None and at - previous < 30:
                frames = la.gap_near(mask, frame_at(at) // la.FRAME)
                if frames is not None and frames < 250:
                    gaps.append(frames / 100)
            previous = at
    return gaps


def summarize(result: dict[str, Any]) -> dict[str, Any]:
    rows = result["rows"]

    def pick(kind: tuple[str, ...], key: str) -> list[float]:
        return [r[key] for r in rows if r["kind"] in kind and key in r]

    def stats(values: list[float]) -> dict[str, Any]:
        return {"n": len(values), "p50": la.percentile(values, 50),
                "p95": la.percentile(values, 95)}

    answered = ("quiet",)
    quiet = [r for r in rows if r["kind"] == "quiet"]
    soon = [r for r in rows if r["kind"] == "soon" and "gap_after_guide_s" in r]
    soon_short = [r for r in soon if r["gap_after_guide_s"] < 0.5]
    buckets = {}
    for lo, hi in ((0.0, 0.5), (0.5, 1.0), (1.0, 2.0)):
        inside = [r for r in soon if lo <= r["gap_after_guide_s"] < hi]
        buckets[f"{lo:g}-{hi:g} s"] = [sum(r["taken"] is not None for r in inside), len(inside)]
    barge = [r for r in rows if r["kind"] == "barge"]
    return {
        "first_sound_s": stats(pick(answered, "first_sound_s")),
        "speech_s": stats(pick(answered, "speech_s")),
        "ack_s": stats(pick(("quiet", "soon", "barge"), "ack_s")),
        "ack_kind": result["ack_kind"],
        "taken_n": sum(r["taken"] is not None for r in rows),
        "quiet_correct": sum(r["correct"] for r in quiet), "quiet_n": len(quiet),
        "quiet_wrong": sum(1 for r in quiet if r["taken"] and not r["correct"]),
        "soon_short_taken": sum(r["taken"] is not None for r in soon_short),
        "soon_short_n": len(soon_short),
        "soon_short_gaps_s": sorted(round(r["gap_after_guide_s"], 2) for r in soon_short),
        "soon_buckets": buckets,
        "barge_n": len(barge),
        "barge_over_narration": sum(bool(r.get("narration_over_command")) for r in barge),
        "barge_taken": sum(r["taken"] is not None for r in barge),
        "barge_correct": sum(r["correct"] for r in barge),
        "cut_s": stats(pick(("barge",), "cut_s")),
        "gap_s": stats(result["gaps_s"]),
        "unprompted": list(result.get("unprompted", [])),
    }


def _fmt(stat: dict[str, Any]) -> str:
    if not stat["n"]:
        return "n/a"
    return f"{stat['p50']:.2f} s / {stat['p95']:.2f} s (n={stat['n']})"


def report(summary: dict[str, Any], meta: dict[str, Any]) -> str:
    s = summary
    ack = (f"{_fmt(s['ack_s'])}, found after {s['ack_s']['n']} of {s['taken_n']} taken"
           if s["ack_kind"] else "n/a (no acknowledgment cue in this tree)")
    if s["ack_kind"] and not s["ack_s"]["n"]:
        ack = f"not heard (cue '{s['ack_kind']}' exists, never found after a command)"
    cut = _fmt(s["cut_s"]) if s["cut_s"]["n"] else "n/a (no command was taken over narration)"
    rows = [
        ("end of command -> first sound of the guide (quiet room)", _fmt(s["first_sound_s"]),
         "p50 <= 0.35 s, p95 <= 0.6 s"),
        ("end of command -> spoken answer (cue tones skipped)", _fmt(s["speech_s"]), ""),
        ("end of command -> acknowledgment tone", ack, "<= 0.15 s"),
        ("commands taken correctly, guide quiet",
         f"{s['quiet_correct']}/{s['quiet_n']} ({s['quiet_wrong']} wrong intent)", ""),
        ("commands started < 0.5 s after the guide stopped: taken",
         f"{s['soon_short_taken']}/{s['soon_short_n']} (gaps {s['soon_short_gaps_s']} s)", "all"),
        ("commands started 0.5-1 s / 1-2 s after the guide stopped: taken",
         " / ".join(f"{a}/{b}" for a, b in list(s["soon_buckets"].values())[1:]), "all"),
        ("commands over narration (barge-in): taken",
         f"{s['barge_taken']}/{s['barge_n']} ({s['barge_correct']} correct; "
         f"{s['barge_over_narration']} said while the guide spoke)", ">= 90%"),
        ("end of barge-in command -> narration cut", cut, "p95 <= 0.5 s"),
        ("pause between the guide's consecutive sentences", _fmt(s["gap_s"]), ""),
        ("commands taken that nobody said (e.g. its own voice)",
         f"{len(s['unprompted'])}" + (f": {'; '.join(s['unprompted'][:5])}"
                                     if s["unprompted"] else ""), "0"),
    ]
    out = ["| measure (p50 / p95) | measured | target |", "|---|---|---|"]
    out += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    out += ["", f"Machine: {meta['machine']}. {meta['commands']} commands, "
            f"{meta['wall_s']:.0f} s of session; guide: `{meta['guide']}`; "
            + ("the microphone hears only the commands." if meta.get("echo_db") is None else
               f"the speaker is looped into the microphone at {meta['echo_db']:g} dB.")]
    if meta.get("ended_early"):
        out.append(f"**The run ended early:** {meta['ended_early']}.")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.live_latency", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commands", type=int, default=40, help="commands to speak")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "bench" / "out" / "live",
                        help="folder for report.md, results.json, room.wav")
    parser.add_argument("--guide-args", default="",
                        help="more options for 'voice-guide run', written with '=' "
                             "(--guide-args=--half-duplex)")
    parser.add_argument("--echo-db", type=float, default=None,
                        help="also loop the speaker into the microphone at this gain (dB)")
    args = parser.parse_args(argv)
    if args.commands < 1:
        parser.error("--commands must be at least 1")
    for tool in ("pulseaudio", "pactl", "paplay", "parec", "pacat", "espeak-ng"):
        if shutil.which(tool) is None:
            print(f"live_latency: {tool} is not installed; run scripts/setup.sh",
                  file=sys.stderr)
            return 3
    from voice_guide.testing.pulse import private_pulse

    args.out.mkdir(parents=True, exist_ok=True)
    meta: dict[str, Any] = {"machine": machine(), "commands": args.commands,
                            "echo_db": args.echo_db}
    with private_pulse() as pulse:
        raw = run_session(pulse, args.out, args.commands, shlex.split(args.guide_args),
                          args.echo_db)
    meta.update(wall_s=raw["wall_s"], ended_early=raw["ended_early"],
                guide=" ".join(Path(a).name if a.endswith(".yaml") else a
                               for a in raw["command"][1:]))
    _write_wav(args.out / "room.wav", raw["room"].reshape(-1), channels=2)
    result = analyse(raw)
    summary = summarize(result)
    text = report(summary, meta)
    (args.out / "report.md").write_text(text + "\n", encoding="utf-8")
    (args.out / "results.json").write_text(json.dumps(
        {"meta": meta, "summary": summary, "trials": result["rows"],
         "gaps_s": result["gaps_s"], "cues_known": result["cues_known"],
         "usable_voices": raw["usable"],
         "transcript": [line for _, line in raw["lines"]],
         "plan": [asdict(t) | {"played_at": None} for t in raw["trials"]]},
        indent=1), encoding="utf-8")
    print(text)
    print(f"\nwritten: {args.out / 'report.md'}, results.json, room.wav")
    return 1 if raw["ended_early"] else 0


if __name__ == "__main__":
    sys.exit(main())
