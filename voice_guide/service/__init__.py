"""``voice-guide service``: a systemd user unit that starts a voice session at boot."""
