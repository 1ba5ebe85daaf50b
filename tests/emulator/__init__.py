"""A loopback stand-in for Google Calendar v3, Sheets v4 and the OAuth token endpoint.

    from tests.emulator import GoogleEmulator
    with GoogleEmulator(latency=0.0, seed=0, user_rpm=None) as emu:
        emu.add_calendar("team@group.calendar.google.com")
        emu.seed_spreadsheet("sheet1", {"แผนจัดซื้อจัดจ้าง": [["a", "b"], [1, 2]]})
        os.environ["PROCAL_GOOGLE_API_ROOT"] = emu.root_url

Standalone: ``python -m tests.emulator --port 8765``. See docs/google.md.
"""

from .errors import ApiError
from .faults import FaultRule, Faults
from .server import GoogleEmulator, RequestRecord, operation_of
from .sheets_api import Formula

__all__ = ["ApiError", "FaultRule", "Faults", "Formula", "GoogleEmulator", "RequestRecord", "operation_of"]
