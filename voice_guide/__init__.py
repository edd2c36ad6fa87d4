"""voice-guide: an offline voice assistant that talks you through a hands-on routine."""

__version__ = "0.1.0"
