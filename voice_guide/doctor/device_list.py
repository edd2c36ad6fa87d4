"""The sound devices PortAudio sees: name, channels, sample rates, and which are the
defaults. Used by ``voice-guide devices``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

COMMON_RATES = (8_000, 16_000, 22_050, 32_000, 44_100, 48_000)


@dataclass(frozen=True)
class Device:
    index: int
    name: str
    host_api: str
    inputs: int
    outputs: int
    default_rate: int
    input_rates: tuple[int, ...]
    output_rates: tuple[int, ...]
    default_input: bool
    default_output: bool


def _rates(sd: Any, index: int, direction: str) -> tuple[int, ...]:
    check = sd.check_input_settings if direction == "input" else sd.check_output_settings
    found = []
    for rate in COMMON_RATES:
        try:
            check(device=index, samplerate=rate, channels=1)
        except Exception:
            continue
        found.append(rate)
    return tuple(found)


def list_devices(sd: Any) -> list[Device]:
    """Every device, with the common sample rates it accepts for mono input and output."""
    default_in, default_out = (int(i) for i in sd.default.device)
    apis = [str(api["name"]) for api in sd.query_hostapis()]
    devices = []
    for index, info in enumerate(sd.query_devices()):
        inputs, outputs = int(info["max_input_channels"]), int(info["max_output_channels"])
        api = int(info["hostapi"])
        devices.append(Device(
            index=index, name=str(info["name"]),
            host_api=apis[api] if 0 <= api < len(apis) else "?",
            inputs=inputs, outputs=outputs, default_rate=int(float(info["default_samplerate"])),
            input_rates=_rates(sd, index, "input") if inputs else (),
            output_rates=_rates(sd, index, "output") if outputs else (),
            default_input=index == default_in, default_output=index == default_out,
        ))
    return devices
