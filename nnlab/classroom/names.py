"""Class codes and nicknames: how they are made, read back from what someone typed, and refused.

A class code is :data:`CODE_LENGTH` characters from :data:`CODE_ALPHABET` (capital letters and digits
without 0/O, 1/I/L: read off a projector, none is taken for another): 31^6, about 890 million codes.
Typed codes are read case-insensitively, ignoring spaces and dashes (``k7p-2qx`` is ``K7P2QX``).

A nickname is 1 to :data:`MAX_NICKNAME` characters once its spaces are tidied (ends stripped, runs of
spaces made one), with no control or invisible characters. Two nicknames are the same when they
are equal ignoring case (:func:`nickname_key`, Unicode case folding): "Ada" and "ada" cannot both join.
"""

from __future__ import annotations

import re
import secrets
import unicodedata

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
MAX_NICKNAME = 20
MAX_CLASS_NAME = 40


class ClassroomError(ValueError):
    """A typed code or name that cannot be used; the text is a sentence for the page."""


def new_code() -> str:
    """A random class code, e.g. ``K7P2QX``."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def read_code(typed: str) -> str:
    """The class code in ``typed`` (upper case, no spaces or dashes); raises :class:`ClassroomError` when
    it cannot be one (wrong length or characters)."""
    code = re.sub(r"[\s\-]", "", typed or "").upper()
    if not code:
        raise ClassroomError("Type the class code your teacher shows (6 letters and digits, like K7P2QX).")
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        raise ClassroomError(f"'{typed.strip()[:20]}' is not a class code: a code is {CODE_LENGTH} letters and digits, "
                         "like K7P2QX (no 0, O, 1, I or L). Check the code your teacher shows.")
    return code


def tidy(text: str) -> str:
    """``text`` in NFC form, ends stripped, each run of whitespace one space."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def read_nickname(typed: str) -> str:
    """The nickname in ``typed`` (tidied); raises :class:`ClassroomError` when empty, too long or with
    control or invisible characters."""
    nickname = tidy(typed)
    if not nickname:
        raise ClassroomError("Type a nickname: the name your teacher will see on the board (not your real name).")
    if len(nickname) > MAX_NICKNAME:
        raise ClassroomError(f"That nickname is too long ({len(nickname)} characters): at most {MAX_NICKNAME}.")
    if any(unicodedata.category(c).startswith("C") for c in nickname):
        raise ClassroomError("A nickname may hold letters, digits, spaces and punctuation, but no control or "
                         "invisible characters.")
    return nickname


def nickname_key(nickname: str) -> str:
    """What makes two nicknames the same: the tidied nickname, case-folded."""
    return tidy(nickname).casefold()


def read_class_name(typed: str) -> str:
    """A class's name as the teacher typed it (tidied); may be empty; raises :class:`ClassroomError` when too long
    or with control characters."""
    name = tidy(typed)
    if len(name) > MAX_CLASS_NAME:
        raise ClassroomError(f"That class name is too long ({len(name)} characters): at most {MAX_CLASS_NAME}.")
    if any(unicodedata.category(c).startswith("C") for c in name):
        raise ClassroomError("A class name may hold letters, digits, spaces and punctuation, but no control characters.")
    return name
