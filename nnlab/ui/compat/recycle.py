"""Start the server afresh, in place, once a class has gone and the memory it used has not come back.

Why: after 30 students' sessions expired, the Janitor's full collection and ``malloc_trim`` gave back
6-13 % of the 258-340 MB the class had added. The rest is free memory the process cannot return:
Python's small-object arenas and glibc's heaps are given back only in whole arenas or pages, and a few
long-lived objects allocated during the class (caches, interned strings, TensorFlow's and oneDNN's
pools) pin most of them (census in docs/ARCHITECTURE.md, "Memory a class leaves behind"). Only a
new process image gives it all back, which is what gunicorn's ``max_requests`` and uWSGI's
``reload-on-rss`` do for the same reason. Here it happens only when nobody can lose anything:

- the process has been quiet (the Janitor's :class:`~nnlab.ui.compat.runtime.QuietWatch`);
- Streamlit holds no session: none connected and none kept for a reconnection (disconnected sessions
  are kept ``server.disconnectedSessionTTL`` seconds, 120 by default);
- it holds at least :data:`RESTART_ABOVE_MB` more than the least RSS seen warm: when TensorFlow was first
  loaded by a page (:func:`nnlab.ui.compat.runtime.freeze_loaded_objects`) or after a later clean-up.
  MNIST and the digit reader, loaded after that, count as growth: a server that a single student used for
  MNIST restarts too once it is empty, and loads them again in the background.

How: ``os.execv`` of the same interpreter, options and command line (``sys.orig_argv``), in the same
folder with the same environment, so the pid stays (a supervisor or a benchmark watching it sees the same
process) and ``make run``, ``make serve-class`` and a hand-typed ``streamlit run`` all come back as they were
started. Every descriptor but stdin, stdout and stderr is closed by the exec (Streamlit marks its listening
socket inheritable), so the new image binds the port again within a few seconds; a browser that opens the
page meanwhile retries by itself. The new image runs through the launcher `make run` uses
(:mod:`nnlab.serve.launch`), which loads in the background, once it serves, what a class needs
(:mod:`nnlab.serve.warm`: TensorFlow, the playground's compiled functions, MNIST, the digit reader); with
TensorFlow alone, the next class arrived at a cold server all at once and stalled. Everything nnlab keeps
between sessions is on disk (saved models, the SQLite database); what Streamlit kept in memory belonged to
sessions that are gone.

``NNLAB_RESTART_ABOVE_MB``: the threshold in MB (default 128), or ``off``.
Internals relied on (Streamlit 1.67.x): ``Runtime._session_mgr.list_sessions()``, the connected sessions
and those kept for reconnection. Fallback: where that is missing the server is never restarted (one log
line). Under ``AppTest`` (a mock runtime) and in any process that is not a Streamlit server, never.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from nnlab.serve.launch import LAUNCH_MODULE
from nnlab.ui.compat.versions import is_checked_version

LOGGER = logging.getLogger("nnlab")

RESTART_ENV = "NNLAB_RESTART_ABOVE_MB"
RESTART_ABOVE_MB = 128.0
_OPTIONS_WITH_VALUE = {"-X", "-W", "-Q"}  # interpreter options whose value is the next argument

_fallback_logged = False


def restart_above_mb(environ=os.environ) -> float | None:
    """The threshold in MB from ``NNLAB_RESTART_ABOVE_MB`` (default :data:`RESTART_ABOVE_MB`); None: off."""
    text = environ.get(RESTART_ENV, "").strip().lower()
    if text in ("off", "no", "never", "false"):
        return None
    try:
        value = float(text) if text else RESTART_ABOVE_MB
    except ValueError:
        LOGGER.warning("nnlab: %s=%r is not a number of MB or 'off': using %.0f MB", RESTART_ENV, text,
                       RESTART_ABOVE_MB)
        return RESTART_ABOVE_MB
    return max(0.0, value)


def worth_restarting(rss_mb: float | None, warm_mb: float | None, sessions: int | None,
                     above_mb: float | None) -> bool:
    """True when a quiet server should start afresh: no session left (``sessions == 0``) and it holds
    at least ``above_mb`` MB more than when it was first warm. Any figure unknown (None): False."""
    if above_mb is None or rss_mb is None or warm_mb is None or sessions is None:
        return False
    return sessions == 0 and rss_mb - warm_mb >= above_mb


def sessions_left() -> int | None:
    """Sessions this Streamlit server still holds (connected or kept for a reconnection).

    None when this process is not a running Streamlit server (``AppTest``'s mock runtime, a plain
    Python process) or the internal is missing.
    """
    global _fallback_logged
    from streamlit.runtime import Runtime

    runtime = Runtime._instance
    if type(runtime) is not Runtime:  # None, or AppTest's MagicMock(spec=Runtime)
        return None
    is_checked_version("streamlit", "restarting an empty server in place")
    try:
        return len(runtime._session_mgr.list_sessions())
    except AttributeError as error:
        if not _fallback_logged:
            _fallback_logged = True
            LOGGER.info("nnlab: cannot count this server's sessions (%s): it is never restarted to give "
                        "memory back", error)
        return None


def program_of(argv: list[str]) -> tuple[list[str], list[str]] | None:
    """Split an interpreter command line (``sys.orig_argv``) into (interpreter options, program).

    The program is ``["-m", module, *args]`` or ``[script, *args]``. A command line that runs through the
    launcher (``-m nnlab.serve.launch PROGRAM``: `make run`, or a restart) gives back the program after it.
    None for ``-c`` code and anything else that cannot be run again as it was.
    """
    options, i = [], 1
    while i < len(argv):
        arg = argv[i]
        if arg == "-c":
            return None
        if arg == "-m" and argv[i + 1:i + 2] == [LAUNCH_MODULE]:
            program = argv[i + 2:]
            return (options, program) if program and program != ["-m"] else None
        if arg == "-m":
            return (options, argv[i:]) if i + 1 < len(argv) else None
        if arg == "-" or not arg.startswith("-"):
            return (options, argv[i:]) if arg != "-" else None
        options.append(arg)
        if arg in _OPTIONS_WITH_VALUE:
            if i + 1 >= len(argv):
                return None
            options.append(argv[i + 1])
            i += 1
        i += 1
    return None


def restart_command(argv: list[str], interpreter: str) -> list[str] | None:
    """The command line that runs ``argv``'s program again through the launcher (:mod:`nnlab.serve.launch`,
    which warms the new image), or None."""
    split = program_of(argv)
    if split is None:
        return None
    options, program = split
    return [interpreter, *options, "-m", LAUNCH_MODULE, *program]


def restart_in_place(reason: str) -> bool:
    """Replace this process's image with a fresh run of the same command (pid, folder, environment kept).

    Returns False (and logs why) when the command line cannot be run again; otherwise does not return.
    """
    command = restart_command(list(sys.orig_argv), sys.executable)
    if command is None:
        LOGGER.info("nnlab: this server's command line %r cannot be run again: not restarted", sys.orig_argv)
        return False
    root = str(Path(__file__).resolve().parents[3])
    paths = [path for path in os.environ.get("PYTHONPATH", "").split(os.pathsep) if path]
    if root not in paths:  # the launcher imports nnlab before the program puts its folder on the path
        os.environ["PYTHONPATH"] = os.pathsep.join([root, *paths])
    print(f"nnlab: {reason}: starting afresh in place (pid {os.getpid()})", file=sys.stderr, flush=True)
    sys.stdout.flush()
    close_on_exec()
    os.execv(command[0], command)
    return False  # pragma: no cover - execv does not return


def close_on_exec(keep: int = 2) -> None:
    """Mark every open descriptor above ``keep`` (stdin, stdout, stderr) close-on-exec: the new image
    must not hold the old one's listening socket (Streamlit makes it inheritable) or its files."""
    for name in os.listdir("/proc/self/fd") if os.path.isdir("/proc/self/fd") else map(str, range(3, 1024)):
        fd = int(name)
        if fd > keep:
            try:
                os.set_inheritable(fd, False)
            except OSError:  # closed meanwhile, or the listing's own descriptor
                pass
