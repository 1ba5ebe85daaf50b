"""procal's message catalogue: every sentence a person reads goes through :func:`t`.

Thai is the default language; English is on request (``procal --lang en``, ``PROCAL_LANG=en`` or
``[run] lang = "en"``). The message ids are the English sentences themselves (gettext's usual
practice), with ``str.format`` fields in braces::

    from schedule_engine.i18n import t, tn
    t("the amount is empty")                       # 'ไม่ได้กรอกจำนวนเงิน' (Thai by default)
    t("{value!r} is not an amount", value="x")     # fields are filled after translating
    tn("{n} working day", "{n} working days", n)   # plural forms (English needs them, Thai not)
    t("the amount is empty", "en")                 # one call in a given language

The Thai texts live in the gettext catalogue ``schedule_engine/locale/th/LC_MESSAGES/procal.po``,
compiled with Babel to ``procal.mo`` next to it (the ``.mo`` is committed and ships in the wheel;
``tests/schedule_engine/test_i18n.py`` fails when it is stale, when a message id used in the code
has no Thai text, or when a translation drops or adds a ``{field}``). The catalogue is read with the
standard library's ``gettext`` through ``importlib.resources``, so the engine stays free of I/O.
See docs/messages.md for how to add a message.
"""

from __future__ import annotations

import gettext
import os
from functools import lru_cache
from importlib import resources

__all__ = ["LANGS", "N_", "t", "tn", "set_language", "get_language", "use_settings_language",
           "normalize_language", "reset_language"]

DOMAIN = "procal"
LANGS = ("th", "en")
DEFAULT_LANG = "th"

_state = {"lang": None, "explicit": False}


def normalize_language(lang: str | None) -> str | None:
    """``th``/``en`` from what a person typed (``TH``, ``en_US.UTF-8``, ``thai``); None if unknown."""
    if not lang:
        return None
    code = str(lang).strip().lower().replace("-", "_").split(".")[0].split("_")[0]
    if code in ("th", "tha", "thai", "ไทย"):
        return "th"
    if code in ("en", "eng", "english"):
        return "en"
    return None


def set_language(lang: str, *, explicit: bool = True) -> None:
    """Set the language of every later message. ``explicit`` (the command line, ``PROCAL_LANG``)
    wins over a settings file's ``[run] lang``."""
    code = normalize_language(lang)
    if code is None:
        raise ValueError(f"unknown language {lang!r}; known: {', '.join(LANGS)}")
    _state["lang"] = code
    _state["explicit"] = explicit


def reset_language() -> None:
    """Forget any language set so far (each ``procal`` invocation starts from the environment)."""
    _state["lang"] = None
    _state["explicit"] = False


def use_settings_language(lang: str | None) -> None:
    """Apply ``[run] lang`` unless the command line or ``PROCAL_LANG`` already chose one."""
    if lang and not _state["explicit"] and not normalize_language(os.environ.get("PROCAL_LANG")):
        set_language(lang, explicit=False)


def get_language() -> str:
    """The language messages are written in now: set_language, else ``PROCAL_LANG``, else Thai."""
    if _state["lang"]:
        return _state["lang"]
    return normalize_language(os.environ.get("PROCAL_LANG")) or DEFAULT_LANG


@lru_cache(maxsize=None)
def _catalogue(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()  # the message ids are the English texts
    mo = resources.files("schedule_engine").joinpath("locale", lang, "LC_MESSAGES", f"{DOMAIN}.mo")
    try:
        with mo.open("rb") as fp:
            return gettext.GNUTranslations(fp)
    except FileNotFoundError:  # pragma: no cover - a broken install; fall back to English
        return gettext.NullTranslations()


def N_(msgid: str) -> str:
    """Mark a message id for the catalogue without translating it yet (module-level tables);
    translate it where it is shown: ``t(LABELS[key])``."""
    return msgid


def _fill(text: str, kw: dict) -> str:
    return text.format(**kw) if kw else text


def t(msgid: str, lang: str | None = None, /, **kw: object) -> str:
    """``msgid`` in ``lang`` (default: the current language), with ``{fields}`` filled from ``kw``."""
    code = normalize_language(lang) or get_language()
    return _fill(_catalogue(code).gettext(msgid), kw)


def tn(singular: str, plural: str, n: int, lang: str | None = None, /, **kw: object) -> str:
    """The singular or plural form for ``n`` (``n`` is also a field: ``{n}``)."""
    code = normalize_language(lang) or get_language()
    return _fill(_catalogue(code).ngettext(singular, plural, n), {"n": n, **kw})
