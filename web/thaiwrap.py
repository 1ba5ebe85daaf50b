"""Line breaking for Thai text in the PDF (Thai has no spaces between words).

fpdf2 breaks lines only at spaces; a long Thai run is otherwise cut at an arbitrary character.
Here lines are broken at spaces and at the word boundaries PyThaiNLP's dictionary segmenter
(``newmm``, through :func:`schedule_engine.thaitext.words`, the same segmenter the terminal
tables use) finds. A word wider than a line is cut between its syllables, and a syllable still
wider between character clusters: never between a consonant and its vowel or tone marks.
"""

from __future__ import annotations

import re
from functools import lru_cache

from schedule_engine.thaitext import words as _words

_MARKS = set(chr(c) for c in (0x0E31, *range(0x0E34, 0x0E3B), *range(0x0E47, 0x0E4F)))
_LEADING = set("เแโใไ")
_THAI = re.compile(r"[\u0e00-\u0e7f]")
_FOLLOWS = _MARKS | set("ำะาๆฯ)],;:/.%")  # never at the start of a line


def clusters(text: str) -> list[str]:
    """Character clusters: a leading vowel sticks to the next character, marks and SARA AM/AA
    to the previous one."""
    out: list[str] = []
    for ch in text:
        if out and (ch in _MARKS or ch in "ำะา" or out[-1][-1] in _LEADING):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _glue(parts: list[str]) -> list[str]:
    """Pieces that may not start a line joined to the piece before them."""
    out: list[str] = []
    for p in parts:
        if out and (p[0] in _FOLLOWS or out[-1][-1] in _LEADING or out[-1][-1] in "([/"):
            out[-1] += p
        else:
            out.append(p)
    return out


def segments(text: str) -> list[str]:
    """Pieces between which a line may break (spaces stay at the end of their piece)."""
    pieces: list[str] = []
    for tok in _words(text):
        if tok.isspace():
            if pieces:
                pieces[-1] += tok
            continue  # leading spaces are dropped, as at any line start
        if pieces and not pieces[-1][-1].isspace() and (
                tok[0] in _FOLLOWS or pieces[-1][-1] in _LEADING or pieces[-1][-1] in "([/"):
            pieces[-1] += tok
        else:
            pieces.append(tok)
    return pieces


@lru_cache(maxsize=1)
def _syllable_tokenizer():
    try:
        from pythainlp.tokenize import subword_tokenize
    except ImportError:  # pragma: no cover - pythainlp is a dependency
        return None
    return lambda s: subword_tokenize(s, engine="dict")


def syllables(word: str) -> list[str]:
    """Places a word wider than a line may be cut: its Thai syllables, else its clusters."""
    tok = _syllable_tokenizer() if _THAI.search(word) else None
    if tok is not None:
        units = [u for u in tok(word) if u]
        if "".join(units) == word:
            return _glue(units)
    return clusters(word)


def wrap(text: str, width: float, measure) -> str:
    """``text`` with ``\\n`` where lines must break to fit ``width`` (``measure(s)`` → width)."""
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for piece in segments(para):
            if measure((line + piece).rstrip()) <= width:
                line += piece
                continue
            if line:
                lines.append(line.rstrip())
                line = ""
            if measure(piece.rstrip()) <= width:
                line = piece
                continue
            for unit in syllables(piece):  # longer than a line: cut between syllables
                for part in [unit] if measure(unit.rstrip()) <= width else clusters(unit):
                    if line and measure((line + part).rstrip()) > width:
                        lines.append(line.rstrip())
                        line = ""
                    line += part
        lines.append(line.rstrip())
    return "\n".join(lines)
