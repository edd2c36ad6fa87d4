"""The live latency benchmark's event finding, on arrays made here (no sound server)."""

from __future__ import annotations

import numpy as np

from bench import live_analysis as la
from bench.live_latency import Trial, summarize
from voice_guide.audio.convert import resample
from voice_guide.audio.cues import CUE_RATE, cue_samples

RATE = la.RATE


def burst(seconds: float, seed: int, level: float = 0.3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (level * rng.standard_normal(int(seconds * RATE))).astype(np.float32)


def quiet(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), dtype=np.float32)


def test_a_clip_is_found_to_the_sample_even_with_another_sound_mixed_in() -> None:
    clip = burst(0.5, seed=1)
    recording = np.concatenate([quiet(1.0), clip, quiet(1.0)])
    recording += burst(recording.size / RATE, seed=2, level=0.1)  # echo of the guide, say
    found = la.locate(recording, clip, 0, recording.size)
    assert found is not None
    assert found.start == RATE
    assert found.score > 0.9


def test_speech_start_and_end_of_a_clip() -> None:
    clip = np.concatenate([quiet(0.05), burst(0.4, seed=3), quiet(0.05)])
    assert la.speech_start(clip) == int(0.05 * RATE)
    assert la.speech_end(clip) == int(0.45 * RATE)


def test_first_sound_after_a_moment_skips_a_known_tone() -> None:
    tone = resample(cue_samples("halfway"), CUE_RATE, RATE) * 0.3
    speaker = np.concatenate([quiet(1.0), tone, quiet(0.2), burst(0.5, seed=4)])
    mask = la.sound_frames(speaker)
    found = la.find_tone(speaker, tone, int(0.8 * RATE), int(1.5 * RATE))
    assert found is not None and abs(found.start - RATE) <= 1
    span = (found.start // la.FRAME, (found.start + tone.size) // la.FRAME + 1)
    assert la.first_sound(mask, 50, mask.size) == 100  # the tone, at 1.0 s
    speech = la.first_sound(mask, 50, mask.size, [span])
    assert speech is not None and abs(speech - (100 + tone.size // la.FRAME + 20)) <= 2
    assert la.find_tone(burst(2.0, seed=5), tone, 0, RATE) is None  # noise is not the tone


def test_quiet_from_silence_before_and_the_gap_between_two_sentences() -> None:
    speaker = np.concatenate([burst(1.0, 6), quiet(0.1), burst(1.0, 7), quiet(0.85),
                              burst(1.0, 8), quiet(2.0)])
    mask = la.sound_frames(speaker)
    assert la.quiet_from(mask, 0, mask.size, 25) == 100 + 10 + 100
    assert la.silence_before(mask, 290) == 210  # the second sound ended at 2.1 s
    # the second sentence was started around 2.9 s: the pause there is 0.85 s, not the 0.1 s
    assert la.gap_near(mask, 290) == 85
    assert la.percentile([1.0, 2.0, 3.0], 50) == 2.0
    assert la.percentile([], 95) is None


def test_the_summary_counts_what_was_taken_and_reads_n_a_for_what_is_missing() -> None:
    rows = [
        {"kind": "quiet", "taken": "pause", "correct": True, "first_sound_s": 0.8,
         "speech_s": 0.8},
        {"kind": "quiet", "taken": None, "correct": False},
        {"kind": "soon", "taken": None, "correct": False, "gap_after_guide_s": 0.2},
        {"kind": "soon", "taken": "louder", "correct": True, "gap_after_guide_s": 0.7},
        {"kind": "barge", "taken": None, "correct": False, "narration_over_command": True},
    ]
    summary = summarize({"rows": rows, "gaps_s": [0.85], "ack_kind": None, "unprompted": []})
    assert summary["quiet_correct"] == 1 and summary["quiet_n"] == 2
    assert summary["soon_short_taken"] == 0 and summary["soon_short_n"] == 1
    assert summary["soon_buckets"]["0.5-1 s"] == [1, 1]
    assert summary["barge_taken"] == 0 and summary["barge_over_narration"] == 1
    assert summary["cut_s"]["n"] == 0 and summary["ack_s"]["n"] == 0
    assert Trial("quiet", "pause", "en-gb").played_at is None


def test_a_cut_is_where_the_narration_stops_following_the_uncut_sentence() -> None:
    sentence = np.concatenate([burst(1.0, 9), quiet(0.25), burst(1.5, 10)])  # a comma pause
    recorded = np.concatenate([quiet(2.0), sentence[: int(1.6 * RATE)] * 0.5, quiet(3.0)])
    # recorded[i] lines up with sentence[i - 2 s]; the command ended at 2.9 s
    offset = -2 * RATE
    cut = la.divergence(recorded, sentence, offset, int(2.9 * RATE), recorded.size)
    assert cut is not None and abs(cut - int(3.6 * RATE)) <= 2 * la.FRAME
    whole = np.concatenate([quiet(2.0), sentence, quiet(1.0)])
    # the comma pause is no evidence of a cut, and the sentence runs to its end
    assert la.divergence(whole, sentence, offset, int(2.5 * RATE), whole.size) is None


def test_an_underrun_is_not_taken_for_the_cut() -> None:
    sentence = burst(3.0, 11)
    # 40 ms of silence slipped in at 1.0 s (an output underrun), then cut at 2.0 s
    played = np.concatenate([sentence[:RATE], quiet(0.04), sentence[RATE : 2 * RATE]])
    recorded = np.concatenate([quiet(1.0), played, quiet(2.0)])
    offset = la.align(recorded, sentence, int(1.6 * RATE))
    assert offset == -RATE
    cut = la.divergence(recorded, sentence, offset, int(1.6 * RATE), recorded.size)
    assert cut is not None and abs(cut - int(3.04 * RATE)) <= 2 * la.FRAME
