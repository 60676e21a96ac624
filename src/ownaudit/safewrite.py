"""Writing an output file without ever replacing something that is not a regular file.

A regular file (or a new path) is written atomically: a temporary file in the
same directory renamed onto it, so a reader never sees half a report. A symlink
to a regular file keeps its link: the file it points to is replaced. A device or
a FIFO (``-o /dev/null``, ``-o /dev/stdout``, a named pipe), directly or through
a symlink, is written in place: renaming onto it would swap a device node for a
regular file (fatal for ``/dev/null`` when run as root). Anything else (a
directory, a socket) is refused with an ``OSError`` the command turns into one line.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path


def write_text(path: str | os.PathLike[str], content: str | Iterable[str], *, mkdir: bool = False) -> None:
    """Write ``content`` (text, or text chunks streamed one by one) to ``path`` as UTF-8.

    ``mkdir`` creates missing parent directories first. Raises ``OSError`` on failure;
    a failed atomic write leaves the previous file untouched and no temporary behind.
    """
    chunks = [content] if isinstance(content, str) else content
    target = Path(path)
    if target.is_symlink():
        target = Path(os.path.realpath(target))  # keep the link, write what it names
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) or stat.S_ISFIFO(st.st_mode):
            _write_in_place(target, chunks)
            return
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
        raise OSError(errno.EINVAL, "not a regular file, device or FIFO", str(path))
    if mkdir and target.parent != Path():
        target.parent.mkdir(parents=True, exist_ok=True)
    mode = stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for chunk in chunks:
                fh.write(chunk)
        os.chmod(tmp, mode)  # mkstemp creates 0600: keep the old file's mode, else honour the umask
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_in_place(target: Path, chunks: Iterable[str]) -> None:
    # No O_CREAT race worth guarding: the node exists; O_TRUNC is a no-op on devices and FIFOs.
    with open(target, "w", encoding="utf-8") as fh:
        for chunk in chunks:
            fh.write(chunk)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
