#!/usr/bin/env bash
# Set everything up and start the guided back massage.
#   scripts/start.sh                 by voice (falls back to typed commands with no microphone)
#   scripts/start.sh --text          typed commands, printed narration
# Any other arguments go to 'voice-guide run'.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
VG=.venv/bin/voice-guide
MODEL=vosk-model-small-en-us-0.15
MODELS_DIR="$(.venv/bin/python -c 'from voice_guide.paths import models_dir; print(models_dir())')"
if [ -z "${VOICE_GUIDE_MODEL:-}" ] && [ ! -d "$MODELS_DIR/$MODEL" ]; then
  echo "start: fetching the small English Vosk model (about 40 MB)..."
  if ! "$VG" models pull "$MODEL"; then
    echo "start: could not download the Vosk model; carrying on with pocketsphinx (bundled, English)."
  fi
fi
exec "$VG" run back-massage "$@"
