"""``python -m tests.emulator --port 8765 --latency-ms 20 --seed-calendar ID --seed-sheet ID=path.xlsx``

Runs the Google emulator standalone (until Ctrl-C). Point procal at it with
``PROCAL_GOOGLE_API_ROOT=http://127.0.0.1:8765/``. ``GET /__emulator/dump`` shows the state.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from .server import GoogleEmulator


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.emulator", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--latency-ms", type=float, default=0.0, help="added to every HTTP request")
    p.add_argument("--seed", type=int, default=0, help="seed of the fault RNG")
    p.add_argument("--user-rpm", type=int, default=None,
                   help="Calendar requests/minute per user (beyond: 403 rateLimitExceeded)")
    p.add_argument("--sheets-user-rpm", type=int, default=None,
                   help="Sheets requests/minute per user (beyond: 429)")
    p.add_argument("--seed-calendar", action="append", default=[], metavar="ID",
                   help="create a calendar (repeatable)")
    p.add_argument("--seed-sheet", action="append", default=[], metavar="ID=PATH",
                   help="create a spreadsheet from an .xlsx or .csv file (repeatable)")
    p.add_argument("--fail-rate", type=float, default=0.0,
                   help="probability of a 503 on every Calendar/Sheets call (seeded)")
    args = p.parse_args(argv)

    emu = GoogleEmulator(latency=args.latency_ms / 1000.0, seed=args.seed, user_rpm=args.user_rpm,
                         sheets_user_rpm=args.sheets_user_rpm, host=args.host, port=args.port)
    for cid in args.seed_calendar:
        emu.add_calendar(cid)
    for spec in args.seed_sheet:
        sid, sep, path = spec.partition("=")
        if not sep:
            p.error(f"--seed-sheet needs ID=PATH, got {spec!r}")
        emu.seed_spreadsheet_from_file(sid, path)
    if args.fail_rate:
        emu.faults.random(args.fail_rate, 503)
    emu.start()
    print(f"Google emulator on {emu.root_url}  (export PROCAL_GOOGLE_API_ROOT={emu.root_url})",
          flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        emu.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
