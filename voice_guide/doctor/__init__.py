"""``voice-guide doctor``: checks of what a voice session needs, each with what to do."""
