"""Test helpers that ship with the package: a fake clock, a scripted recognizer, a recording
speaker. Fakes are for the pure core only; engines are tested for real."""

from voice_guide.testing.block_feed import BlockFeed
from voice_guide.testing.fake_clock import FakeClock
from voice_guide.testing.recording_speaker import RecordingSpeaker
from voice_guide.testing.scripted_recognizer import ScriptedRecognizer

__all__ = ["BlockFeed", "FakeClock", "RecordingSpeaker", "ScriptedRecognizer"]
