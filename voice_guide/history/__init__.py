"""The session history: each run's steps and commands kept in SQLite, read back by
``voice-guide history`` and by ``run --resume``.

``store`` opens and migrates the database, ``recorder`` writes a session as it happens
(and keeps going when the database cannot be written), ``query`` reads sessions back,
``report`` turns them into tables, JSON and CSV, ``plot`` draws them.
"""
