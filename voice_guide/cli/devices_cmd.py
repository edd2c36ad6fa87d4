"""``voice-guide devices``: the microphones and speakers, their sample rates, the defaults."""

from __future__ import annotations

import argparse
import dataclasses
import json
from typing import Any


def register(sub: Any, name: str, help_text: str) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=help_text,
        description="List the input and output devices with the sample rates they accept; "
        "* marks the system's default. Choose one with "
        "'voice-guide config set input_device NAME' (a part of the name, or the number).",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per device")
    parser.set_defaults(func=run)


def _rates(rates: tuple[int, ...]) -> str:
    return ", ".join(f"{r / 1000:g}k" for r in rates) or "none of the common rates"


def run(args: argparse.Namespace) -> int:
    from voice_guide.audio.portaudio import load_sounddevice
    from voice_guide.doctor.device_list import list_devices
    from voice_guide.text_safety import printable

    devices = list_devices(load_sounddevice())
    if args.json:
        for device in devices:
            print(json.dumps(dataclasses.asdict(device), ensure_ascii=False))
        return 0
    for title, kind in (("Input devices (microphones):", "input"),
                        ("Output devices (speakers):", "output")):
        print(title)
        shown = [d for d in devices if (d.inputs if kind == "input" else d.outputs)]
        if not shown:
            print("  none found")
        for d in shown:
            default = d.default_input if kind == "input" else d.default_output
            channels = d.inputs if kind == "input" else d.outputs
            rates = d.input_rates if kind == "input" else d.output_rates
            print(f"{'*' if default else ' '} {d.index:>3}  {printable(d.name)} ({d.host_api}, "
                  f"{channels} ch, default {d.default_rate} Hz; mono at {_rates(rates)})")
    if not devices:
        print("No sound devices: plug in a USB microphone or speaker, or check that "
              "PulseAudio/PipeWire is running.")
    print("* = default. Choose with: voice-guide config set input_device NAME_OR_NUMBER")
    return 0
