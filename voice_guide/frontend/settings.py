"""The front end's switches (one per stage), as the CLI and the settings file set them."""

from __future__ import annotations

from dataclasses import dataclass

DENOISE_MODES = ("auto", "on", "off")


@dataclass(frozen=True)
class FrontEndSettings:
    echo_cancel: bool = True  # cancel the guide's own voice, given what the speaker played
    denoise: str = "auto"  # "auto" | "on" | "off"; auto: chosen from the measured background
    vad: bool = False  # Silero voice-activity gate before the energy segmenter (see notes)
    gain: bool = False  # automatic gain control (measured: costs commands; off by default)
    enabled: bool = True  # False: no stage at all (the recognizer hears the microphone as is)

    def __post_init__(self) -> None:
        if self.denoise not in DENOISE_MODES:
            raise ValueError(f"denoise must be one of {DENOISE_MODES}, not {self.denoise!r}")


OFF = FrontEndSettings(enabled=False)
