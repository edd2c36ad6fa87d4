"""Echo cancellation with libspeexdsp's MDF adaptive filter (Debian ``libspeexdsp1``),
loaded with ctypes.

A linear filter ``FILTER_MS`` long models the speaker-to-microphone path with its room
reverberation. Measured on the simulated room (delay up to 120 ms, 0.3 s reverberation,
echo 6 dB louder than the command; ``bench/frontend_tune.py bargein``) it keeps the
person's voice intact during double talk, where WebRTC AEC3's suppressor (through
livekit) cut commands by 8-20 dB. Optionally libspeexdsp's residual echo suppressor
runs after it (off by default: it too dents the voice); ``echo_gate.py`` handles what is
left.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from typing import Any

import numpy as np

from voice_guide.errors import MissingDependency
from voice_guide.frontend.echo_gate import EchoGate
from voice_guide.frontend.pcm import FRAME, Int16
from voice_guide.ports import SAMPLE_RATE

FILTER_MS = 300
_SET_SAMPLING_RATE = 24  # SPEEX_ECHO_SET_SAMPLING_RATE
_PRE_SET_ECHO_STATE = 24  # SPEEX_PREPROCESS_SET_ECHO_STATE
_PRE_SET_DENOISE = 0
_PRE_SET_AGC = 2
_PRE_SET_VAD = 4
_PRE_SET_DEREVERB = 8

_LIB: Any = None
_I16P = ctypes.POINTER(ctypes.c_int16)


def _lib() -> Any:
    global _LIB
    if _LIB is None:
        name = ctypes.util.find_library("speexdsp") or "libspeexdsp.so.1"
        try:
            lib = ctypes.CDLL(name)
        except OSError as err:
            raise MissingDependency("libspeexdsp1", "install it with "
                                    "'sudo apt-get install libspeexdsp1'") from err
        lib.speex_echo_state_init.restype = ctypes.c_void_p
        lib.speex_echo_state_init.argtypes = [ctypes.c_int, ctypes.c_int]
        lib.speex_echo_state_destroy.argtypes = [ctypes.c_void_p]
        lib.speex_echo_cancellation.argtypes = [ctypes.c_void_p, _I16P, _I16P, _I16P]
        lib.speex_echo_ctl.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
        lib.speex_preprocess_state_init.restype = ctypes.c_void_p
        lib.speex_preprocess_state_init.argtypes = [ctypes.c_int, ctypes.c_int]
        lib.speex_preprocess_state_destroy.argtypes = [ctypes.c_void_p]
        lib.speex_preprocess_ctl.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
        lib.speex_preprocess_run.argtypes = [ctypes.c_void_p, _I16P]
        _LIB = lib
    return _LIB


class SpeexEcho:
    name = "echo"
    label = "echo cancellation (speexdsp)"

    def __init__(self, filter_ms: int = FILTER_MS, suppress: bool = False,
                 gate: bool = True) -> None:
        self._lib = _lib()
        self._taps = int(SAMPLE_RATE * filter_ms / 1000)
        self._suppress = suppress
        self._gate = EchoGate() if gate else None
        self._state: Any = None
        self._pre: Any = None
        self.reset()

    def _free(self) -> None:
        if self._state is not None:
            self._lib.speex_echo_state_destroy(self._state)
            self._state = None
        if self._pre is not None:
            self._lib.speex_preprocess_state_destroy(self._pre)
            self._pre = None

    def __del__(self) -> None:
        if getattr(self, "_lib", None) is not None:
            self._free()

    def reset(self) -> None:
        self._free()
        self._state = self._lib.speex_echo_state_init(FRAME, self._taps)
        rate = ctypes.c_int(SAMPLE_RATE)
        self._lib.speex_echo_ctl(self._state, _SET_SAMPLING_RATE, ctypes.byref(rate))
        if self._suppress:
            self._pre = self._lib.speex_preprocess_state_init(FRAME, SAMPLE_RATE)
            off = ctypes.c_int(0)
            for request in (_PRE_SET_DENOISE, _PRE_SET_AGC, _PRE_SET_VAD, _PRE_SET_DEREVERB):
                self._lib.speex_preprocess_ctl(self._pre, request, ctypes.byref(off))
            self._lib.speex_preprocess_ctl(self._pre, _PRE_SET_ECHO_STATE,
                                           ctypes.c_void_p(self._state))
        if self._gate is not None:
            self._gate.reset()

    def process(self, frame: Int16, reference: Int16) -> Int16:
        mic = np.ascontiguousarray(frame, dtype=np.int16)
        ref = np.ascontiguousarray(reference, dtype=np.int16)
        out = np.empty(FRAME, dtype=np.int16)
        self._lib.speex_echo_cancellation(self._state, mic.ctypes.data_as(_I16P),
                                          ref.ctypes.data_as(_I16P), out.ctypes.data_as(_I16P))
        if self._pre is not None:
            self._lib.speex_preprocess_run(self._pre, out.ctypes.data_as(_I16P))
        return self._gate.process(frame, out, reference) if self._gate is not None else out
