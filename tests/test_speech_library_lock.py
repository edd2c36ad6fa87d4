"""libespeak-ng (under pyttsx3) has one global state per process. When the speech worker
replaces an engine it thinks is stuck, the new engine is made on a new thread while the old
thread may still be rendering: without a lock that hangs the process, fails with
EE_INTERNAL_ERROR, or crashes it with a segmentation fault (6 of 6 trials without the lock).

Here one thread renders sentences without a break while another makes fresh synthesizers
and renders with them, with the real pyttsx3 and espeak-ng, in a child process (a crash
or a hang fails the test instead of ending pytest). Every sentence must come out whole.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHILD_LIMIT_S = 120.0  # hang guard only

CHILD = r"""
import json, threading, time
from voice_guide.speech.pyttsx3_tts import LibraryBusy, Pyttsx3Synthesizer
from voice_guide.speech.rendering import incomplete

TEXT = "Place both hands flat on the upper back and glide slowly down to the waist."
short = []
notes = []
counts = {"steady": 0, "fresh": 0, "busy": 0}
done = threading.Event()

def check(synth, key):
    got = synth.render(TEXT, 170)
    why = incomplete(got, TEXT, 170)
    if why is not None:
        short.append(why)
    notes.extend(synth.take_failures())
    counts[key] += 1

def steady():
    synth = Pyttsx3Synthesizer(None, "en-us")
    while not done.is_set():
        check(synth, "steady")

thread = threading.Thread(target=steady, daemon=True)
thread.start()
end = time.monotonic() + 6.0
while time.monotonic() < end or counts["fresh"] < 5:
    try:
        synth = Pyttsx3Synthesizer(None, "en-us")
    except LibraryBusy:
        counts["busy"] += 1
        continue
    check(synth, "fresh")
done.set()
thread.join(30)
print(json.dumps({"short": short, "notes": notes, "counts": counts,
                  "alive": thread.is_alive()}))
"""


def test_two_threads_never_share_libespeak_at_once() -> None:
    proc = subprocess.run([sys.executable, "-c", CHILD], cwd=REPO, capture_output=True,
                          text=True, timeout=CHILD_LIMIT_S)
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-2000:])
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert not result["alive"], result
    assert result["short"] == [], result
    print(len(result["notes"]), "renderings made again", result["counts"])
    assert result["counts"]["steady"] >= 2 and result["counts"]["fresh"] >= 5, result
