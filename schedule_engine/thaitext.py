"""Thai text for fixed-width places (terminal tables, chart labels, folded feed lines).

Thai is written without spaces between words and puts vowels and tone marks above or below the
consonant as zero-width combining characters. So:

* :func:`display_width` counts the columns a string takes on a terminal: combining marks
  (U+0E31, U+0E34–U+0E3A, U+0E47–U+0E4E and every other Unicode ``Mn``/``Me``) take none, East Asian
  wide characters take two;
* :func:`clusters` splits text into base characters with their marks (the smallest piece that may
  ever be cut);
* :func:`wrap` breaks lines at word boundaries (PyThaiNLP's ``newmm`` dictionary segmenter for
  Thai, spaces for everything else) and only cuts inside a word that is wider than the line, and
  then between clusters, never between a consonant and its marks.

Pure text functions; PyThaiNLP is imported on first use and a cluster-based fallback keeps the
functions working without it. Its dictionary trie costs about half a second of CPU to build, more
than the rest of ``procal plan``, so for the first texts of a process :func:`words` gives ``newmm``
a trie of just the dictionary words found in the text: the same segmentation (``newmm`` only asks
which dictionary words begin at a position of the text) for a fraction of a millisecond. A process
that segments many texts (reports, charts) then builds the whole trie once.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["display_width", "clusters", "words", "wrap", "truncate"]

_THAI = re.compile(r"[\u0e00-\u0e7f]")
_SMALL_TRIES = 300  # texts segmented with their own small trie before the whole one pays off


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch) in ("Mn", "Me") or ch in "\u200b\u200c\u200d"


def _char_width(ch: str) -> int:
    if _is_mark(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Terminal columns ``text`` occupies (Thai marks zero, CJK wide two, one otherwise)."""
    return sum(_char_width(ch) for ch in text)


def clusters(text: str) -> list[str]:
    """``text`` cut into base characters each followed by its combining marks."""
    out: list[str] = []
    for ch in text:
        if out and _is_mark(ch):
            out[-1] += ch
        else:
            out.append(ch)
    return out


@lru_cache(maxsize=1)
def _segmenter():
    try:
        from pythainlp.corpus import thai_words
        from pythainlp.tokenize import Trie, word_tokenize
    except ImportError:  # pragma: no cover - pythainlp is a dependency; keep working without it
        return None
    dictionary = frozenset(w.strip() for w in thai_words())  # as the trie stores them (stripped)
    longest = max(map(len, dictionary))
    small_left = [_SMALL_TRIES]

    def in_text(s: str) -> Trie | None:
        """The dictionary words that occur in ``s``; None = the whole dictionary (built once, by
        PyThaiNLP). Never an empty trie: newmm would take the whole dictionary for it; with no
        word found, any one word is as good as none."""
        if small_left[0] <= 0:
            return None
        small_left[0] -= 1
        found = {s[i:j] for i in range(len(s)) for j in range(i + 1, min(len(s), i + longest) + 1)}
        return Trie((found & dictionary) or [next(iter(dictionary))])

    return lambda s: word_tokenize(s, custom_dict=in_text(s), engine="newmm", keep_whitespace=True)


@lru_cache(maxsize=1)
def _syllables():
    try:
        from pythainlp.tokenize import subword_tokenize
    except ImportError:  # pragma: no cover
        return None
    return lambda s: subword_tokenize(s, engine="dict")


_OPENING = set("([{“‘«\"'")
_CLOSING = set(")]}”’»,.;:!?%")


@lru_cache(maxsize=4096)
def words(text: str) -> tuple[str, ...]:
    """Word tokens of ``text``, whitespace kept as its own tokens; joining them gives ``text``.
    Opening brackets stay with the word after them, closing ones and commas with the word before."""
    parts = re.split(r"(\s+)", text)
    raw: list[str] = []
    seg = _segmenter() if _THAI.search(text) else None
    for part in parts:
        if not part:
            continue
        if seg is not None and _THAI.search(part) and not part.isspace():
            raw.extend(tok for tok in seg(part) if tok)
        else:
            raw.append(part)
    out: list[str] = []
    pending = ""  # opening punctuation waiting for its word
    for tok in raw:
        if tok.isspace():
            if pending:
                out.append(pending)
                pending = ""
            out.append(tok)
        elif out and not out[-1].isspace() and (
                _is_mark(tok[0]) or set(tok) <= _CLOSING
                or (tok[0].isdigit() and (out[-1][-1] == "." or out[-1][-1].isdigit()))):
            # a mark split off its base (odd input), closing punctuation, or the number of an
            # abbreviation such as ม.117: all stay with the token before them
            out[-1] += tok
        elif set(tok) <= _OPENING:
            pending += tok
        else:
            out.append(pending + tok)
            pending = ""
    if pending:
        out.append(pending)
    return tuple(out)


def _units(token: str) -> list[str]:
    """Places a word wider than a line may be cut: Thai syllables, or after ``_ - /`` in codes."""
    if _THAI.search(token):
        syl = _syllables()
        if syl is not None:
            units = [u for u in syl(token) if u]
            if "".join(units) == token:
                return units
        return clusters(token)
    return [u for u in re.split(r"(?<=[_\-/])", token) if u]


def _split_long(token: str, width: int) -> list[str]:
    """A token wider than ``width`` cut between syllables (or code parts), and a piece still wider
    than the line between clusters: never between a base character and its marks."""
    pieces, cur, cur_w = [], "", 0
    for unit in _units(token):
        for part in ([unit] if display_width(unit) <= width else clusters(unit)):
            w = display_width(part)
            if cur and cur_w + w > width:
                pieces.append(cur)
                cur, cur_w = "", 0
            cur += part
            cur_w += w
    if cur:
        pieces.append(cur)
    return pieces


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` columns, broken at word boundaries (Thai words too).

    Existing newlines are kept. Spaces at a break are dropped. A word wider than a line is cut
    between clusters. ``width`` < 1 is taken as 1."""
    width = max(1, int(width))
    lines: list[str] = []
    for para in str(text).split("\n"):
        if display_width(para) <= width:  # fits: what _wrap_words gives, without finding the words
            lines.append(" ".join(para.split()))
        else:
            lines.extend(_wrap_words(para, width))
    return lines


def _wrap_words(para: str, width: int) -> list[str]:
    """One paragraph (no newline) broken at word boundaries into lines of ``width`` columns."""
    lines: list[str] = []
    cur, cur_w = "", 0
    for tok in words(para):
        if tok.isspace():
            if cur:
                cur += " "
                cur_w += 1
            continue
        w = display_width(tok)
        if cur_w + w <= width:
            cur += tok
            cur_w += w
            continue
        if cur.strip():
            lines.append(cur.rstrip())
        cur, cur_w = "", 0
        if w > width:
            *full, tok = _split_long(tok, width)
            lines.extend(full)
            w = display_width(tok)
        cur, cur_w = tok, w
    lines.append(cur.rstrip())
    return lines


def truncate(text: str, width: int, ellipsis: str = "…") -> str:
    """``text`` cut to ``width`` columns at a cluster boundary, with ``ellipsis`` when cut."""
    if display_width(text) <= width:
        return text
    room = max(0, width - display_width(ellipsis))
    out, used = "", 0
    for cl in clusters(text):
        w = display_width(cl)
        if used + w > room:
            break
        out += cl
        used += w
    return out + ellipsis
