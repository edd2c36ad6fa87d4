"""Noise suppression with RNNoise, loaded straight from the ``pyrnnoise`` wheel's library.

``pyrnnoise``'s own Python module imports PyAV and matplotlib; only its bundled
``librnnoise.so`` is used here, through ctypes, so loading the front end stays light.
RNNoise works on 10 ms frames at 48 kHz with int16-scaled floats: each 16 kHz frame is
resampled up, denoised and resampled back (a fixed 20 ms delay). Besides the denoised
audio RNNoise gives a speech probability per frame, which ``auto`` uses to tell a room
of talkers from music and noise.
"""

from __future__ import annotations

import ctypes
import importlib.util
from pathlib import Path
from typing import Any

import numpy as np

from voice_guide.audio.convert import Resampler
from voice_guide.errors import MissingDependency
from voice_guide.frontend.pcm import FRAME, Int16, clip16

RATE = 48_000
RN_FRAME = 480
_PRIME = 2 * FRAME  # samples of delay kept so the output never runs dry


def library_path() -> Path:
    spec = importlib.util.find_spec("pyrnnoise")
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependency("pyrnnoise", "install it with 'pip install pyrnnoise'")
    folder = Path(next(iter(spec.submodule_search_locations)))
    for name in ("librnnoise.so", "librnnoise.dylib", "rnnoise.dll"):
        if (folder / name).is_file():
            return folder / name
    raise MissingDependency("pyrnnoise", "its librnnoise library is missing; reinstall it "
                            "with 'pip install --force-reinstall pyrnnoise'")


_LIB: Any = None


def _lib() -> Any:
    global _LIB
    if _LIB is None:
        lib = ctypes.CDLL(str(library_path()))
        lib.rnnoise_create.argtypes = [ctypes.c_void_p]
        lib.rnnoise_create.restype = ctypes.c_void_p
        lib.rnnoise_destroy.argtypes = [ctypes.c_void_p]
        lib.rnnoise_process_frame.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_float),
                                              ctypes.POINTER(ctypes.c_float)]
        lib.rnnoise_process_frame.restype = ctypes.c_float
        _LIB = lib
    return _LIB


class Rnnoise:
    """One RNNoise state plus the resampling around it."""

    name = "denoise"
    label = "noise suppression (RNNoise)"

    def __init__(self) -> None:
        self._lib = _lib()
        self._state: Any = None
        self.speech_probability = 0.0  # RNNoise's, for the last 48 kHz frame
        self.reset()

    def reset(self) -> None:
        if self._state is not None:
            self._lib.rnnoise_destroy(self._state)
        self._state = self._lib.rnnoise_create(None)
        self._up = Resampler(16_000, RATE, quality="MQ")
        self._down = Resampler(RATE, 16_000, quality="MQ")
        self._high = np.zeros(0, dtype=np.float32)
        self._out = np.zeros(_PRIME, dtype=np.float32)
        self._buf_in = (ctypes.c_float * RN_FRAME)()
        self._buf_out = (ctypes.c_float * RN_FRAME)()

    def __del__(self) -> None:
        if getattr(self, "_state", None) is not None:
            self._lib.rnnoise_destroy(self._state)
            self._state = None

    def process(self, frame: Int16, reference: Int16) -> Int16:
        del reference
        up = self._up.process(frame.astype(np.float32))
        self._high = np.concatenate([self._high, up])
        while self._high.size >= RN_FRAME:
            chunk, self._high = self._high[:RN_FRAME], self._high[RN_FRAME:]
            ctypes.memmove(self._buf_in, np.ascontiguousarray(chunk, np.float32).ctypes.data,
                           RN_FRAME * 4)
            self.speech_probability = float(
                self._lib.rnnoise_process_frame(self._state, self._buf_out, self._buf_in))
            clean = np.ctypeslib.as_array(self._buf_out).astype(np.float32)
            self._out = np.concatenate([self._out, self._down.process(clean)])
        got, self._out = self._out[:FRAME], self._out[FRAME:]
        if got.size < FRAME:
            got = np.concatenate([np.zeros(FRAME - got.size, np.float32), got])
        return clip16(got)
