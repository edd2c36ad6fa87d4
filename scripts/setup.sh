#!/usr/bin/env bash
# Set up voice-guide on a fresh Debian / Ubuntu / Raspberry Pi OS machine with Python 3.11+.
# Installs the system packages (when root or sudo is available), makes .venv, installs the package.
#   scripts/setup.sh          runtime only
#   scripts/setup.sh --test   with the test tools and the test speech model
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

SYSTEM_PACKAGES=(espeak-ng libportaudio2 sox libspeexdsp1)  # libspeexdsp1: the echo canceller
TEST_PACKAGES=(pulseaudio pulseaudio-utils libasound2-plugins alsa-utils systemd)  # systemd: systemd-analyze verify
TEST_PACKAGES+=(flite)  # flite: the benchmark's held-out voices (bench/)
[ "$want_test" = 1 ] && SYSTEM_PACKAGES+=("${TEST_PACKAGES[@]}")

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=(); elif command -v sudo >/dev/null 2>&1; then SUDO=(sudo); else SUDO=(none); fi
  if [ "${SUDO[0]:-}" = none ]; then
    echo "setup: please install these system packages first: ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY="${PYTHON:-python3}"
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "setup: voice-guide needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
target=.
[ "$want_test" = 1 ] && target='.[test]'
# pip's own chatter goes to a log; it is shown only when the install fails.
if ! .venv/bin/python -m pip install -q -e "$target" >.venv/pip-install.log 2>&1; then
  cat .venv/pip-install.log >&2
  echo "setup: installing the Python packages failed (log above, also in .venv/pip-install.log)" >&2
  exit 1
fi
echo "setup: ready (.venv/bin/voice-guide)"
