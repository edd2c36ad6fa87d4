"""Run in a child process by ``model_check.verify_in_child``: load the Vosk model given
as the only argument, make a grammar recognizer and feed it a little silence. Exit 0
when all of that worked; a damaged model makes this process fail or crash instead."""

from __future__ import annotations

import json
import sys


def main(argv: list[str]) -> int:
    import vosk

    vosk.SetLogLevel(-1)
    model = vosk.Model(argv[0])
    recognizer = vosk.KaldiRecognizer(model, 16_000, json.dumps(["[unk]"]))
    recognizer.AcceptWaveform(b"\0\0" * 3_200)
    json.loads(recognizer.FinalResult())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
