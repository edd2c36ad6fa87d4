"""Recognition benchmark: synthetic spoken commands, noise, non-command speech, metrics.

Run ``python -m bench.recognition --help``.
"""
