"""The thread that owns speech output, guarded against a synthesizer that never returns.

A *speaker* thread creates the synthesizer (pyttsx3 must live on one thread) and
speaks one utterance at a time. A *supervisor* thread hands it work and watches
the clock: when ``say`` takes far longer than the words need (twice the expected
time plus some slack, or, once the sentence plays, the length of its sound plus the
slack), the speaker is abandoned, a fresh one is started, one
warning is logged, and ``SpeechFinished`` is still reported, so the guide never
waits forever. Every ``Say`` gets exactly one ``SpeechFinished``, also when it was
cut short or dropped by :meth:`TtsWorker.stop_speech`.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from voice_guide.dialog.actions import Say
from voice_guide.dialog.events import Event, SpeechFinished
from voice_guide.ports import Clock, Synthesizer
from voice_guide.speech.duration import speaking_s

log = logging.getLogger(__name__)

SynthFactory = Callable[[], Synthesizer]

STOP_GRACE_S = 2.0  # after stop(), a say() still running this much later counts as hung


@dataclass(frozen=True)
class SynthOption:
    """A named way to make a synthesizer; tried in order until one starts."""

    name: str
    factory: SynthFactory


def hang_limit_s(text: str, words_per_minute: int, slack_s: float) -> float:
    """How long ``say`` may take before the synthesizer is declared stuck, until it reports
    the length of the sound it plays (then that length plus ``slack_s``, if later): the word
    count guesses the length well for English and half of it for Korean."""
    return 2.0 * speaking_s(text, words_per_minute) + slack_s


class SilentSynthesizer:
    """Last resort: speaks nothing (the transcript shows the text) but takes the time speech
    would, so timers and pacing stay as they would be."""

    name = "text only"

    def __init__(self) -> None:
        self._stop = threading.Event()

    def say(self, text: str, words_per_minute: int, volume: float) -> None:
        self._stop.clear()
        self._stop.wait(speaking_s(text, words_per_minute))

    def stop(self) -> None:
        self._stop.set()


@dataclass
class _Job:
    say: Say
    volume: float
    done: threading.Event = field(default_factory=threading.Event)
    cancelled: threading.Event = field(default_factory=threading.Event)
    error: Exception | None = None
    sounds_until: float | None = None  # monotonic end of its sound, once it plays


class _Speaker:
    """One thread that makes a synthesizer and speaks jobs with it, one at a time."""

    def __init__(self, option: SynthOption) -> None:
        self.option = option
        self.synth: Synthesizer | None = None
        self.error: Exception | None = None
        self.ready = threading.Event()
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._job: _Job | None = None
        self.thread = threading.Thread(target=self._run, name=f"tts-{option.name}", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            synth = self.option.factory()
        except Exception as err:  # any failure to start means: try the next option
            self.error = err
            self.ready.set()
            return
        self.synth = synth
        report = getattr(synth, "report_playing", None)
        if callable(report):
            report(self._playing)
        self.ready.set()
        try:
            while (job := self._jobs.get()) is not None:
                self._job = job
                try:
                    if not job.cancelled.is_set():
                        synth.say(job.say.text, job.say.words_per_minute, job.volume)
                except Exception as err:
                    job.error = err
                finally:
                    job.done.set()
        finally:
            close = getattr(synth, "close", None)
            if callable(close):
                close()

    def _playing(self, seconds: float) -> None:
        job = self._job
        if job is not None:
            job.sounds_until = time.monotonic() + seconds

    def submit(self, job: _Job) -> None:
        self._jobs.put(job)

    def prepare(self, say: Say) -> None:
        """Let the synthesizer render ``say`` ahead, while the current sentence plays."""
        prepare = getattr(self.synth, "prepare", None)
        if callable(prepare):
            prepare(say.text, say.words_per_minute)

    def take_failures(self) -> list[str]:
        take = getattr(self.synth, "take_failures", None)
        return list(take()) if callable(take) else []

    def stop(self) -> None:
        synth = self.synth
        if synth is not None:
            try:
                synth.stop()
            except Exception as err:
                log.debug("stopping %s failed: %s", self.option.name, err)

    def shutdown(self) -> None:
        self._jobs.put(None)


@dataclass
class _Request:
    say: Say
    generation: int


class TtsWorker:
    """Speaks ``Say`` actions without blocking the caller; posts ``SpeechFinished`` to ``inbox``."""

    def __init__(
        self,
        options: Sequence[SynthOption],
        inbox: queue.Queue[Event | None],
        clock: Clock,
        *,
        volume: float = 0.8,
        slack_s: float = 3.0,
        ready_timeout_s: float = 15.0,
        warn: Callable[[str], None] | None = None,
        on_speak: Callable[[Say], None] | None = None,
    ) -> None:
        """``on_speak`` is called (on the worker's thread) as each utterance starts, so a
        transcript can show it when it is heard; dropped utterances never reach it."""
        if not options:
            raise ValueError("TtsWorker needs at least one synthesizer option")
        self._options = list(options)
        self._inbox = inbox
        self._clock = clock
        self._volume = volume
        self._slack_s = slack_s
        self._ready_timeout_s = ready_timeout_s
        self._warn = warn or log.warning
        self._on_speak = on_speak
        self._lock = threading.Lock()
        self._requests: queue.Queue[_Request | None] = queue.Queue()
        self._generation = 0
        self._current: _Job | None = None
        self._stop_at: float | None = None
        self._closing = threading.Event()
        self._speaker: _Speaker | None = None
        self._option_index = 0
        self._supervisor: threading.Thread | None = None
        self.hangs = 0  # how many times a stuck synthesizer was replaced
        self._hinted = -1  # the utterance last handed to the speaker to render ahead

    @property
    def engine_name(self) -> str:
        return self._options[self._option_index].name if self._speaker else "none"

    def start(self) -> list[str]:
        """Start the first synthesizer that works; returns one note per option that failed."""
        notes = self._start_speaker(0)
        self._supervisor = threading.Thread(target=self._supervise, name="tts", daemon=True)
        self._supervisor.start()
        return notes

    def say(self, action: Say) -> None:
        with self._lock:
            self._requests.put(_Request(action, self._generation))

    def stop_speech(self) -> None:
        """Cut the current utterance short and drop the queued ones (each still reported)."""
        with self._lock:
            self._generation += 1
            job = self._current
            if job is not None:
                job.cancelled.set()
                self._stop_at = time.monotonic()
        if job is not None and self._speaker is not None:
            self._speaker.stop()

    def set_volume(self, level: float) -> None:
        with self._lock:
            self._volume = max(0.0, min(1.0, level))

    def close(self, timeout_s: float = 5.0) -> None:
        """Stop speaking, end both threads (a stuck speaker thread is left behind, daemonic)."""
        self._closing.set()
        self.stop_speech()
        self._requests.put(None)
        if self._supervisor is not None:
            self._supervisor.join(timeout_s)
        speaker = self._speaker
        if speaker is not None:
            speaker.shutdown()
            speaker.thread.join(timeout_s)

    # -- supervisor thread -------------------------------------------------------------

    def _start_speaker(self, first: int) -> list[str]:
        notes: list[str] = []
        for index in range(first, len(self._options)):
            option = self._options[index]
            speaker = _Speaker(option)
            if not speaker.ready.wait(self._ready_timeout_s):
                notes.append(f"{option.name} did not start within {self._ready_timeout_s:g} s")
                speaker.shutdown()
                continue
            if speaker.error is not None:
                notes.append(f"{option.name} could not start: {speaker.error}")
                continue
            self._speaker = speaker
            self._option_index = index
            return notes
        raise RuntimeError("no speech output could start: " + "; ".join(notes))

    def _supervise(self) -> None:
        while (request := self._requests.get()) is not None:
            with self._lock:
                dropped = request.generation != self._generation or self._closing.is_set()
                job = _Job(request.say, self._volume)
                if not dropped:
                    self._current = job
                    self._stop_at = None
            if not dropped:
                if self._on_speak is not None:
                    self._on_speak(request.say)
                self._hint_next()
                self._speak(job)
                with self._lock:
                    self._current = None
            self._inbox.put(SpeechFinished(self._clock.now(), request.say.utterance_id))

    def _hint_next(self) -> None:
        """Tell the speaker what comes next (still queued), so it can render it ahead."""
        speaker = self._speaker
        if speaker is None:
            return
        with self._requests.mutex:
            upcoming = list(self._requests.queue)[:1]
        for request in upcoming:
            if request is None or request.generation != self._generation:
                continue
            key = request.say.utterance_id
            if key != self._hinted:
                self._hinted = key
                speaker.prepare(request.say)

    def _speak(self, job: _Job) -> None:
        """Speak ``job``; a stuck engine is replaced and the sentence said again (once), and
        one that raised is tried once more, so that a sentence is lost only with a warning."""
        for attempt in (1, 2):
            speaker = self._speaker
            assert speaker is not None
            limit = hang_limit_s(job.say.text, job.say.words_per_minute, self._slack_s)
            deadline = time.monotonic() + limit
            speaker.submit(job)
            hung = False
            while not job.done.wait(0.05):
                self._hint_next()
                now = time.monotonic()
                with self._lock:
                    stop_at = self._stop_at
                sounds_until = job.sounds_until
                if sounds_until is not None:  # it plays: its sound's length is known
                    deadline = max(deadline, sounds_until + self._slack_s)
                if now >= deadline or (stop_at is not None and now - stop_at > STOP_GRACE_S):
                    if self._closing.is_set():
                        return  # no fresh engine to end with: the stuck one is left behind
                    self._recover(speaker, limit)
                    hung = True
                    break
            for failure in speaker.take_failures():
                self._warn(failure)
            if job.cancelled.is_set() or (not hung and job.error is None):
                return
            if not hung:
                assert job.error is not None
                self._warn(f"speech failed ({speaker.option.name}): {job.error}"
                           + ("; trying the sentence again" if attempt == 1 else ""))
            elif attempt == 1:
                self._warn("saying the sentence again")
            if attempt == 1:
                job = self._retry_job(job)

    def _retry_job(self, job: _Job) -> _Job:
        """A fresh job for the same sentence (the old one may still be held by a stuck thread)."""
        fresh = _Job(job.say, job.volume)
        with self._lock:
            if self._current is job:
                self._current = fresh
            if job.cancelled.is_set():
                fresh.cancelled.set()
        return fresh

    def _recover(self, stuck: _Speaker, limit: float) -> None:
        self.hangs += 1
        self._warn(
            f"speech engine {stuck.option.name} did not finish within {limit:.1f} s; "
            "starting a fresh one"
        )
        stuck.stop()
        stuck.shutdown()  # its thread may never read this; it is a daemon and is left behind
        self._speaker = None
        try:
            notes = self._start_speaker(self._option_index)
        except RuntimeError as err:
            notes = [str(err)]
            self._speaker = _Speaker(SynthOption(SilentSynthesizer.name, SilentSynthesizer))
            self._speaker.ready.wait(self._ready_timeout_s)
        for note in notes:
            self._warn(note)
