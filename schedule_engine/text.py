"""Text as people type it: one normalisation for every key, and config files in any encoding.

``text_key`` is the single matching key procal uses everywhere a typed name must equal a known one
(project ids across tabs, agency names, method names, budget types and sources, step names, tab and
header names): Unicode NFKC, format characters removed (zero-width spaces/joiners, the bidi marks
U+200E/U+200F and embeddings, soft hyphen, BOM), every dash variant read as ``-``, Thai SARA AM
typed as NIKHAHIT + SARA AA rejoined, spaces collapsed, case folded.

``normalise_text`` is the display form of the same idea (no case folding, nothing lost that a
reader would see): what procal keeps as a project id or an agency name.

``decode_config`` reads the bytes of a TOML file saved by Windows Notepad & co.: UTF-8 with or
without a BOM, UTF-16 (LE/BE, with a BOM, or without one when the NUL pattern is unmistakable).
Anything else is refused with a message that says to save the file as UTF-8.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from schedule_engine.i18n import N_, t
from schedule_engine.errors import ConfigError

# every hyphen/dash a keyboard, Word or LINE may produce -> ASCII hyphen-minus
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"})
_SPACES = re.compile(r"\s+")
_NIKHAHIT_SARA_AA = "\u0e4d\u0e32"  # what NFKC (or a typist) makes of SARA AM (U+0E33)


class _FormatChars:
    """Every Unicode format character (category Cf: zero-width, bidi marks, soft hyphen, BOM, tag
    characters …) of this Python's Unicode database as one regex, built on first use: one regex
    pass per text instead of a ``category()`` call per character."""

    _re: re.Pattern[str] | None = None
    # planes where Cf characters live (BMP, SMP, the tag block): 0.02 s to scan, not 0.25 s
    _RANGES = ((0, 0x20000), (0xE0000, 0xE1000))

    def sub(self, repl: str, text: str) -> str:
        if self._re is None:
            cf = [chr(c) for lo, hi in self._RANGES for c in range(lo, hi)
                  if unicodedata.category(chr(c)) == "Cf"]
            type(self)._re = re.compile("[" + "".join(re.escape(c) for c in cf) + "]")
        return self._re.sub(repl, text)


FORMAT_CHARS = _FormatChars()


def _strip_format(text: str) -> str:
    return text if text.isascii() else FORMAT_CHARS.sub("", text)


def normalise_text(value: object) -> str:
    """Display-safe normal form: NFKC, no format characters, unified dashes, single spaces."""
    text = unicodedata.normalize("NFKC", _strip_format(str(value)))
    text = text.replace(_NIKHAHIT_SARA_AA, "\u0e33").translate(_DASHES)
    return _SPACES.sub(" ", text).strip()


def text_key(value: object) -> str:
    """The one matching key: :func:`normalise_text`, case-folded."""
    return normalise_text(value).casefold()


# ------------------------------------------------------------------------------ config files
SAVE_AS_UTF8 = N_("save the file as UTF-8 (Notepad: Save as → Encoding: UTF-8)")


def decode_config(data: bytes, file: str, error: type[ConfigError] = ConfigError) -> str:
    """The text of a config file: UTF-8 (BOM or not) or UTF-16; else ConfigError 'save as UTF-8'."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
        enc = "utf-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        enc = "utf-16"
    elif len(data) >= 4 and data[1::2].count(0) > len(data) // 4 and data[0::2].count(0) == 0:
        enc = "utf-16-le"  # Notepad "Unicode" without its BOM: ASCII text with NUL high bytes
    elif len(data) >= 4 and data[0::2].count(0) > len(data) // 4 and data[1::2].count(0) == 0:
        enc = "utf-16-be"
    else:
        enc = "utf-8"
    try:
        text = data.decode(enc)
    except UnicodeDecodeError as exc:
        raise error(t(N_("not UTF-8 text (byte {pos}) — {todo}"), pos=exc.start,
                      todo=t(SAVE_AS_UTF8)),
                          file=file) from None
    if "\x00" in text:
        raise error(t(N_("the file holds NUL characters — {todo}"), todo=t(SAVE_AS_UTF8)),
                    file=file)
    return text.lstrip("\ufeff")


def read_config_text(path: str | Path, error: type[ConfigError] = ConfigError) -> str:
    """Read a config file for TOML parsing; OS errors and bad encodings become ``error``."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise error(t(N_("cannot read: file not found")), file=str(path)) from None
    except IsADirectoryError:
        raise error(t(N_("cannot read: a folder, not a file")),
                          file=str(path)) from None
    except OSError as exc:
        raise error(t(N_("cannot read: {detail}"), detail=exc.strerror or exc),
                          file=str(path)) from None
    return decode_config(data, str(path), error)


__all__ = ["normalise_text", "text_key", "decode_config", "read_config_text", "SAVE_AS_UTF8"]
