"""Text folding shared by the rules that turn people's and organisations' names into Microsoft names."""

from __future__ import annotations

import unicodedata

# Letters that do not decompose into an ASCII letter plus a combining mark under NFKD.
_TRANSLITERATION = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "ħ": "h",
    }
)


def fold_to_ascii(text: str) -> str:
    """Lower-cased and decomposed, with a few letters spelled out ("Søren" -> "soren").

    NFKD splits an accented letter into its base letter and a combining mark ("ü" -> "u" + U+0308); callers
    keep only the characters they allow, so the marks fall out with everything else.
    """
    return unicodedata.normalize("NFKD", text).lower().translate(_TRANSLITERATION)
