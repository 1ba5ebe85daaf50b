"""The ``procal`` command-line application (the thin layer that wires the packages).

It is installed from the distribution ``procal-th`` (the name ``procal`` on the public package
index belongs to an unrelated project); the command and the import name stay ``procal``."""

DISTRIBUTION = "procal-th"
