"""A streaming ``Recognizer`` built from a segmenter, an utterance decoder and rejection.

Audio outside speech is never decoded. Inside a segment the decoder is fed frame by
frame; at the first short pause its partial text is checked, and a phrase that cannot
grow into a longer phrase is finished and judged at once (low latency). Otherwise the
utterance is judged when the segment ends. When speech resumes after an early decision
a new utterance begins, so "next ... next" gives two commands; but when the early
decision was a rejection, the rest of that segment is the rest of a sentence and is
ignored. A hit judged early with modest confidence is held until the pause is long
enough to end the utterance, and dropped if speech goes on (it was the start of a
sentence: "keep ... your palms flat"). With ``quiet_edge_db`` set, words at the edges
of an utterance far quieter than its loudest word (another talker in the room) are
dropped before the utterance is judged (see ``dominant.py``).
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import replace

from voice_guide.asr.decoded import UtteranceDecoder
from voice_guide.asr.dominant import drop_quiet_edges
from voice_guide.asr.endpoint import FRAME_S, Audio, End, EndpointConfig, Segmenter, Start
from voice_guide.asr.rejection import RejectionRules, judge
from voice_guide.intents import PhraseTable
from voice_guide.ports import SAMPLE_RATE, Heard, Rejected

log = logging.getLogger(__name__)

_RESTART_PRE_ROLL = 10  # frames kept to start a follow-up utterance inside a segment
_MAX_KEPT_BYTES = 20 * SAMPLE_RATE * 2  # longer utterances are sentences: no edge trimming


class SegmentedRecognizer:
    def __init__(self, name: str, decoder: UtteranceDecoder, table: PhraseTable,
                 growable: frozenset[str], rules: RejectionRules,
                 endpoint: EndpointConfig | None = None, early: bool = True,
                 early_confidence: float = 0.7, quiet_edge_db: float | None = None) -> None:
        self.name = name
        self._quiet_edge_db = quiet_edge_db
        self._audio: list[bytes] = []  # what the decoder was fed for this utterance
        self._audio_len = 0
        self._decoder = decoder
        self._table = table
        self._growable = growable
        self._rules = rules
        self._early = early
        self._early_confidence = early_confidence
        self._segmenter = Segmenter(endpoint)
        self._short_pause = self._segmenter.config.short_pause
        self._recent: deque[bytes] = deque(maxlen=_RESTART_PRE_ROLL)
        self._decoding = False
        self._utt_start = 0.0  # seconds of audio where the decoder's input began
        self._last_speech = 0.0  # seconds: end of the last speech frame
        self._first_speech: float | None = None
        self._too_long = False
        self._tainted = False  # this segment already held speech that was not a command
        self._held: Heard | None = None  # an early hit too weak to act on before the pause ends
        self._rejected: list[Rejected] = []  # since the last take_rejected()

    def accept(self, pcm: bytes) -> list[Heard]:
        out: list[Heard] = []
        for event in self._segmenter.push(pcm):
            out.extend(self._handle(event))
        return out

    def flush(self) -> list[Heard]:
        out: list[Heard] = []
        for event in self._segmenter.finish():
            out.extend(self._handle(event))
        return out

    def take_rejected(self) -> list[Rejected]:
        """What was heard and not taken since the last call (words only, for people to see)."""
        out, self._rejected = self._rejected, []
        return out

    def _reject(self, text: str, reason: str) -> None:
        log.debug("%s: rejected %r: %s", self.name, text, reason)
        if text.strip():
            command = self._table.parse(text)
            self._rejected = [*self._rejected[-9:],
                              Rejected(text, command.intent if command else None, reason)]

    def reset(self) -> None:
        if self._decoding:
            self._decoder.finish()
        self._decoding = False
        self._held = None
        self._segmenter.reset()
        self._recent.clear()

    def _handle(self, event: Start | Audio | End) -> list[Heard]:
        if isinstance(event, Start):
            now = event.at + len(event.audio) / 2 / SAMPLE_RATE
            self._begin(event.at, event.audio)
            self._first_speech = now - 3 * FRAME_S
            self._last_speech = now
            self._too_long = False
            self._tainted = False
            return []
        if isinstance(event, Audio):
            now = event.now
            self._recent.append(event.audio)
            if event.silence == 0.0:
                self._last_speech = now
                if self._held is not None:
                    log.debug("%s: dropped %r: speech went on", self.name, self._held.text)
                    self._held = None
                    self._tainted = True
                if not self._decoding:
                    pre = b"".join(self._recent)
                    self._begin(now - len(self._recent) * FRAME_S, pre)
                    self._first_speech = now - FRAME_S
                    return []
            if self._decoding:
                self._feed(event.audio)
                crossed = abs(event.silence - self._short_pause) < FRAME_S / 2
                if self._early and crossed and self._can_decide_early():
                    return self._decide(now, early=True)
            return []
        self._too_long = self._too_long or event.too_long
        out = self._decide(event.at) if self._decoding else []
        if self._held is not None:
            out.insert(0, replace(self._held, emitted_at=round(event.at, 3)))
            self._held = None
        return out

    def _begin(self, at: float, audio: bytes) -> None:
        self._decoder.begin()
        self._audio, self._audio_len = [], 0
        self._feed(audio)
        self._decoding = True
        self._utt_start = at

    def _feed(self, audio: bytes) -> None:
        self._decoder.feed(audio)
        if self._quiet_edge_db is not None and self._audio_len < _MAX_KEPT_BYTES:
            self._audio.append(audio)
            self._audio_len += len(audio)

    def _can_decide_early(self) -> bool:
        command = self._table.parse(self._decoder.partial())
        return command is not None and command.phrase not in self._growable

    def _decide(self, now: float, early: bool = False) -> list[Heard]:
        decoded = self._decoder.finish()
        self._decoding = False
        if self._quiet_edge_db is not None and self._audio_len < _MAX_KEPT_BYTES:
            decoded = drop_quiet_edges(decoded, b"".join(self._audio), self._quiet_edge_db)
        self._audio, self._audio_len = [], 0
        self._recent.clear()
        first = self._first_speech if self._first_speech is not None else self._utt_start
        speech_seconds = max(0.0, self._last_speech - first)
        if self._too_long and not self._rules.naive:
            self._reject(decoded.text, "too long")
            return []
        if self._tainted and not self._rules.naive:
            # Speech that resumed after a short pause following non-command speech is
            # the rest of a sentence, not an isolated command.
            self._reject(decoded.text, "continues other speech")
            return []
        verdict = judge(self._table, decoded, speech_seconds, self._rules)
        if verdict.command is None:
            self._reject(decoded.text, verdict.reason)
            self._tainted = True
            return []
        words = [w for w in decoded.words if w.text != "[unk]"] or list(decoded.words)
        start = self._utt_start + (words[0].start if words else 0.0)
        end = self._utt_start + (words[-1].end if words else speech_seconds)
        end = min(end, self._last_speech)
        heard = Heard(command=verdict.command, text=decoded.text,
                      confidence=round(verdict.confidence, 3), start=round(start, 3),
                      end=round(max(end, start), 3), emitted_at=round(now, 3),
                      engine=self.name)
        if early and verdict.confidence < self._early_confidence:
            self._held = heard  # acted on only if the pause lasts to the end of the utterance
            return []
        return [heard]
