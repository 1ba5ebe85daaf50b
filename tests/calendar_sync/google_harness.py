"""The Google backend over real HTTP against the loopback emulator (real googleapiclient)."""

from __future__ import annotations

import os

from calendar_sync.backends.google import GoogleBackend
from calendar_sync.settings import SyncSettings
from tests.emulator import GoogleEmulator

from .conftest import Harness

CAL_KEYS = ["province", "agency-a", "executives"] + [f"cal{i}" for i in range(6)]


def calendar_ids(keys=CAL_KEYS) -> dict[str, str]:
    return {k: f"{k}@group.calendar.google.com" for k in keys}


def make_clients(root: str):
    """The project's client factory pointed at the emulator (real googleapiclient, real HTTP)."""
    import google.oauth2.credentials as oc
    from google_access.clients import GoogleClients
    from google_access.settings import GoogleSettings

    return GoogleClients(oc.Credentials(token="test"), GoogleSettings(), root=root)


def make_backend(root: str, ids: dict[str, str], **kw) -> GoogleBackend:
    from google_access.retry import Pacer, RetryPolicy

    kw.setdefault("pacer", Pacer(None))
    kw.setdefault("sleep", lambda s: None)
    kw.setdefault("policy", RetryPolicy(max_retries=6, base=0.0))
    return GoogleBackend(make_clients(root), SyncSettings(), ids, **kw)


def google_backend_from_env(ids: dict[str, str]) -> GoogleBackend:
    from google_access.retry import Pacer

    return GoogleBackend(make_clients(os.environ["PROCAL_GOOGLE_API_ROOT"]), SyncSettings(), ids,
                         pacer=Pacer(None))


class GoogleHarness(Harness):
    name = "google"

    def __init__(self, emu: GoogleEmulator):
        self.emu = emu
        self.ids = calendar_ids()
        for cid in self.ids.values():
            emu.add_calendar(cid)
        super().__init__(make_backend(emu.root_url, self.ids))

    @classmethod
    def create(cls, request) -> "GoogleHarness":
        emu = GoogleEmulator(latency=0.0, seed=0).start()
        request.addfinalizer(emu.stop)
        return cls(emu)

    def add_foreign(self, calendar, eid, summary="someone else's"):
        self.emu.insert_foreign_event(self.ids[calendar], {
            "id": eid, "summary": summary, "start": {"date": "2026-01-01"},
            "end": {"date": "2026-01-02"}})

    def hand_edit(self, calendar, eid, summary):
        self.emu.edit_event(self.ids[calendar], eid, summary=summary)

    def hand_delete(self, calendar, eid):
        self.emu.delete_event(self.ids[calendar], eid)

    def foreign(self, calendar):
        return {e["id"]: e.get("summary", "") for e in self.emu.events(self.ids[calendar], True)
                if "procal" not in ((e.get("extendedProperties") or {}).get("private") or {})}
