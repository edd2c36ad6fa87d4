"""Every sentence the guide decides to say is heard: a few hundred short sentences through
the real TtsWorker -> pyttsx3 -> PcmPlayer -> PulseAudio null sink, with a busy Python
thread beside it (it competes for the interpreter lock, as the listening thread does), and
every one found, in order, in the recording of the speaker sink.

pyttsx3 2.99 loses about one sentence in 300 (see voice_guide/speech/rendering.py); such a
sentence must be rendered again and reported, never silently skipped. A second test makes
pyttsx3 lose sentences on purpose to check that path every time."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator

import numpy as np
import numpy.typing as npt
import pytest

from voice_guide.audio.playback import Kind, PcmPlayer, Playing
from voice_guide.dialog.actions import Say
from voice_guide.dialog.events import Event, SpeechFinished
from voice_guide.shell.clock import MonotonicClock
from voice_guide.speech.pyttsx3_tts import Pyttsx3Synthesizer
from voice_guide.speech.rendering import Rendered
from voice_guide.speech.tts_worker import SynthOption, TtsWorker
from voice_guide.testing.pulse import PulseServer, match_recording, private_pulse

Samples = npt.NDArray[np.float32]
RATE = 16_000
SENTENCES = 220
FAST_WPM = 420
GUARD_S = 600.0  # hang guard for the whole run
ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
        "eighteen", "nineteen")
TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def words(n: int) -> str:
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else " " + ONES[n % 10])
    rest = n % 100
    return ONES[n // 100] + " hundred" + ("" if rest == 0 else " " + words(rest))


class TappedPlayer(PcmPlayer):
    """The real player, keeping a copy of every sound it is given (at the given volume)."""

    def __init__(self) -> None:
        super().__init__(None)
        self.sounds: list[tuple[Samples, int]] = []

    def start(
        self, samples: Samples, rate: int, volume: float = 1.0, *, kind: Kind = "speech",
        stop: threading.Event | None = None, not_before: float | None = None,
    ) -> Playing:
        if kind == "speech":
            self.sounds.append(((samples * volume).astype(np.float32), rate))
        return super().start(samples, rate, volume, kind=kind, stop=stop,
                             not_before=not_before)


@pytest.fixture
def pulse() -> Iterator[PulseServer]:
    with private_pulse() as server:
        yield server


def busy(stop: threading.Event) -> None:
    x = 0
    while not stop.is_set():
        x = (x * 31 + 7) % 1_000_003


def speak_all(worker: TtsWorker, inbox: queue.Queue[Event | None], texts: list[str]) -> None:
    clock = MonotonicClock()
    for i, text in enumerate(texts):
        worker.say(Say(clock.now(), text, i + 1, FAST_WPM))
    finished = []
    deadline = time.monotonic() + GUARD_S
    while len(finished) < len(texts):
        event = inbox.get(timeout=max(0.01, deadline - time.monotonic()))
        assert isinstance(event, SpeechFinished)
        finished.append(event.utterance_id)
    assert finished == list(range(1, len(texts) + 1))


def find_in_order(sounds: list[tuple[Samples, int]], recorded: Samples,
                  texts: list[str]) -> None:
    """Each sound in the recording, one after the other (searched just after the last)."""
    pos = 0
    for index, ((sound, rate), text) in enumerate(zip(sounds, texts, strict=True)):
        length = int(sound.size * RATE / rate)
        window = recorded[pos : pos + length + 5 * RATE]
        match = match_recording(sound, rate, window)
        assert match.complete and match.correlation > 0.9, (
            f"sentence {index + 1} ({text!r}) not found after {pos / RATE:.2f} s: {match}")
        pos += int(match.start_s * RATE) + length


def record_whole(pulse: PulseServer, player: TappedPlayer, run: threading.Thread) -> Samples:
    recording = pulse.record(pulse.speaker_monitor)
    try:
        run.start()
        run.join(GUARD_S)
        assert not run.is_alive(), "speaking did not finish"
        last, rate = player.sounds[-1]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # the monitor may run behind
            data = recording.path.read_bytes()
            tail = np.frombuffer(data[: len(data) // 2 * 2][-RATE * 20:], dtype="<i2")
            match = match_recording(last, rate, tail.astype(np.float32) / 32768)
            if match.complete and match.correlation > 0.9:
                break
            time.sleep(0.5)
        time.sleep(0.3)
    finally:
        samples = recording.stop()
    return samples


def test_hundreds_of_sentences_all_heard_with_a_busy_thread(pulse: PulseServer) -> None:
    player = TappedPlayer()
    player.play(np.zeros(RATE, dtype=np.float32), RATE)  # the sink's first-use stall
    player.sounds.clear()
    inbox: queue.Queue[Event | None] = queue.Queue()
    warnings: list[str] = []
    worker = TtsWorker([SynthOption("pyttsx3", lambda: Pyttsx3Synthesizer(player))], inbox,
                       MonotonicClock(), warn=warnings.append)
    assert worker.start() == []
    texts = [words(i + 1) for i in range(SENTENCES)]
    stop = threading.Event()
    hog = threading.Thread(target=busy, args=(stop,), daemon=True)
    hog.start()
    began = time.monotonic()
    try:
        run = threading.Thread(target=speak_all, args=(worker, inbox, texts))
        recorded = record_whole(pulse, player, run)
    finally:
        stop.set()
        worker.close()
        player.close()
    print(f"underruns: {player.underruns}, warnings: {warnings}, hangs {worker.hangs}, "
          f"{time.monotonic() - began:.0f} s")
    assert len(player.sounds) == SENTENCES, (
        f"{len(player.sounds)} sounds played; warnings: {warnings}")
    find_in_order(player.sounds, recorded, texts)
    # A lost rendering is allowed only when it was reported and made good.
    assert all("lost the sentence" in w for w in warnings), warnings
    assert worker.hangs == 0


class LosingSynthesizer(Pyttsx3Synthesizer):
    """pyttsx3 as it misbehaves: every third rendering comes back empty, and every
    seventh twice in a row (the fresh engine loses it too)."""

    def __init__(self, player: PcmPlayer) -> None:
        super().__init__(player)
        self.calls = 0

    def _render_pyttsx3(self, text: str, words_per_minute: int) -> Rendered | None:
        self.calls += 1
        got = super()._render_pyttsx3(text, words_per_minute)
        if self.calls % 3 == 0 or self.calls % 7 in (0, 1):
            return None if got is None else Rendered(text, words_per_minute, got.samples[:0],
                                                     got.rate)
        return got


def test_lost_renderings_are_retried_and_reported(pulse: PulseServer) -> None:
    player = TappedPlayer()
    player.play(np.zeros(RATE, dtype=np.float32), RATE)
    player.sounds.clear()
    inbox: queue.Queue[Event | None] = queue.Queue()
    warnings: list[str] = []
    worker = TtsWorker([SynthOption("pyttsx3", lambda: LosingSynthesizer(player))], inbox,
                       MonotonicClock(), warn=warnings.append)
    worker.start()
    texts = [f"item {words(i + 1)}" for i in range(12)]
    try:
        run = threading.Thread(target=speak_all, args=(worker, inbox, texts))
        recorded = record_whole(pulse, player, run)
    finally:
        worker.close()
        player.close()
    assert len(player.sounds) == len(texts)
    find_in_order(player.sounds, recorded, texts)
    assert any("fresh engine" in w for w in warnings), warnings
    assert any("espeak-ng program" in w for w in warnings), warnings
