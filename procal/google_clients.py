"""Which Google clients a command needs, with the least scopes (shared by ``run``, ``report``
and ``sync``)."""

from __future__ import annotations


def google_clients_for(settings, source: str | None, backend: str, *, write: bool = False):
    """``GoogleClients`` when ``source`` is a Google Sheet or the backend is (or may be) Google;
    else None (``backend="auto"`` without saved credentials, or ``"ics"`` with a file source).

    ``settings`` is the whole ``ProcalSettings``. ``write``: the command writes the schedule/status
    tabs back to ``source``; the Sheets write scope is asked for only then, and only when
    ``source`` is a Google Sheet, so a login saved with read-only Sheets access
    (``procal auth login --read-only-sheets``) works for everything else."""
    from sheets_io.tables import spreadsheet_id_from

    sheet = source is not None and spreadsheet_id_from(source) is not None
    if backend != "google" and not sheet:
        if backend == "ics":
            return None
        from google_access import credentials as gcred

        if not gcred.has_credentials(settings.google):
            return None
    from google_access.clients import GoogleClients
    from google_access.credentials import load_credentials

    return GoogleClients(load_credentials(settings.google, write=write and sheet), settings.google)
