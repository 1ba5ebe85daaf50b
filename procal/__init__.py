"""procal: the thin command-line interface that wires the engine and its adapters."""
