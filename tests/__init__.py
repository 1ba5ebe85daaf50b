"""procal's test suite (a package so ``python -m tests.emulator`` and ``from tests.emulator import ...`` work)."""
