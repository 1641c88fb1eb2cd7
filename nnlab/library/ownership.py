"""Whose is a saved model? A small registry, in the server's memory, of who saved each model.

Thirty students share one models folder. Each browser has an *owner token* (an opaque string;
the page makes it, see ``nnlab/ui/compat/owner.py``). When a model is saved or uploaded with a token,
the registry notes ``(folder, name) -> token``; :mod:`nnlab.library.store` then lets only that token
delete or replace the model. Everyone may still list it, load it and download it: sharing
models is a feature.

The registry lives in this process's memory, not in a file. A restart is rare during a lesson;
a browser's token lasts only while the browser runs (a session cookie) or, without one, while
its Streamlit session lives; and a file would be a second record to keep in step with a folder
the teacher may also change by hand. Models that no token saved in this server's life (from
before a restart, or copied in by the teacher) are owned by nobody: see :func:`whose`.

Names are compared ignoring case (``Net.keras`` and ``net.keras`` are one file on macOS and
Windows), so a different spelling never slips past the owner.
"""

from __future__ import annotations

import threading
from pathlib import Path

MINE, OTHERS, NOBODY, READ_ONLY = "mine", "another student's", "nobody's", "read-only"


def whose(recorded: str | None, owner: str | None, read_only: bool) -> str:
    """Who may change (delete or replace) a model, as seen by ``owner``.

    ``recorded`` is the token that saved it (None when unknown), ``read_only`` whether its file
    has no write permission. The rules, in order:

    * a read-only file (the teacher's ``chmod a-w`` or Windows' read-only attribute): nobody,
      from the app (:data:`READ_ONLY`);
    * a model nobody saved in this server's life: anyone, as before ownership existed
      (:data:`NOBODY`) - after a restart students can tidy up and free space;
    * otherwise only the token that saved it (:data:`MINE` for it, :data:`OTHERS` for the rest).
      ``owner=None`` is code outside any browser session (a script, a test): it may change anything
      that is not read-only, and sees every owned model as :data:`MINE`.
    """
    if read_only:
        return READ_ONLY
    if recorded is None:
        return NOBODY
    return MINE if owner is None or owner == recorded else OTHERS


class Registry:
    """``{(folder, name ignoring case): owner token}``, shared by every session of this server process.

    :attr:`lock` is re-entrant; :mod:`nnlab.library.store` holds it around "check, then rename or delete,
    then record", so two sessions never both pass the check for one name.
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._owners: dict[tuple[str, str], str] = {}

    @staticmethod
    def key(folder: Path | str, name: str) -> tuple[str, str]:
        return str(Path(folder).resolve()), name.casefold()

    def owner(self, folder: Path | str, name: str) -> str | None:
        """The token that saved ``name`` in ``folder``, or None."""
        with self.lock:
            return self._owners.get(self.key(folder, name))

    def record(self, folder: Path | str, name: str, owner: str | None) -> None:
        """``name`` in ``folder`` was just written by ``owner`` (None: by nobody's session, so nobody's)."""
        with self.lock:
            if owner is None:
                self._owners.pop(self.key(folder, name), None)
            else:
                self._owners[self.key(folder, name)] = owner

    def forget(self, folder: Path | str, name: str) -> None:
        """``name`` in ``folder`` was deleted."""
        self.record(folder, name, None)

    def __len__(self) -> int:
        with self.lock:
            return len(self._owners)


OWNERS = Registry()  # the one registry of this server process
