"""The one way to load sounddevice (PortAudio) and to turn a device given by the user
(a number or part of a name) into a PortAudio device, for input and output alike."""

from __future__ import annotations

from typing import Any, Literal

from voice_guide.errors import MissingDependency, UserError

PORTAUDIO_HINT = "sudo apt install libportaudio2, or use 'voice-guide run --text'"
LIST_HINT = "list the devices with 'voice-guide devices'"
Kind = Literal["input", "output"]


def load_sounddevice() -> Any:
    """The sounddevice module, or MissingDependency when PortAudio is not installed."""
    try:
        import sounddevice
    except (ImportError, OSError) as err:
        raise MissingDependency("PortAudio (sounddevice)", PORTAUDIO_HINT) from err
    return sounddevice


def parse_device(value: str | int | None) -> int | str | None:
    """A device as given on the command line or in the environment: an index when it is
    all digits, else a part of the device's name; None (or "") for the default."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    text = value.strip()
    if not text:
        return None
    return int(text) if text.isdigit() else text


def resolve_device(sd: Any, value: str | int | None, kind: Kind) -> int | None:
    """The index of the device ``value`` names that has ``kind`` channels (None: the
    default); UserError when there is no such device."""
    chosen = parse_device(value)
    if chosen is None:
        return None
    channels = f"max_{kind}_channels"
    if isinstance(chosen, int):
        try:
            info = sd.query_devices(chosen)
        except Exception:
            raise UserError(f"there is no audio device number {chosen}; {LIST_HINT}.") from None
        if int(info[channels]) < 1:
            raise UserError(f"audio device {chosen} ({info['name']}) has no {kind} channels; "
                            f"{LIST_HINT}.")
        return chosen
    wanted = chosen.casefold()
    for index, info in enumerate(sd.query_devices()):
        if wanted in str(info["name"]).casefold() and int(info[channels]) > 0:
            return index
    raise UserError(f"no {kind} device matches {chosen!r}; {LIST_HINT}.")
