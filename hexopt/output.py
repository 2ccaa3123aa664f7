"""The one writer of hexopt's outputs (`-o`): run, translate, compile, link and bench all use it.

What compilers do: a regular file (or a new one) is replaced atomically (a temp file beside it,
renamed over it; the old file's permissions are kept, a new file gets 0666 & ~umask), so a failed
or interrupted run leaves the old content and no partial file; a symlink is written through to its
target; a character device or a pipe (/dev/null, /dev/stdout, a FIFO) is written directly, never
replaced; `-` is stdout (never binary data to a terminal). Errors are one clear line.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import HexoptError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _error(path: str, e: OSError) -> HexoptError:
    reason = e.strerror or str(e)
    if isinstance(e, IsADirectoryError):
        reason = "it is a directory"
    return HexoptError(f"cannot write {path}: {reason}")


def write_output(path: str | None, data: str | bytes) -> None:
    """Write `data` to `path` (None or '-': stdout) as described in the module docstring."""
    raw = data.encode() if isinstance(data, str) else data
    if path in (None, "-"):
        if isinstance(data, bytes) and sys.stdout.isatty():
            raise HexoptError("refusing to write binary data to a terminal: use -o FILE")
        sys.stdout.flush()
        sys.stdout.buffer.write(raw)
        sys.stdout.buffer.flush()
        return
    assert path is not None
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise _error(path, e) from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise HexoptError(f"cannot write {path}: it is a directory")
    if st is not None and not stat.S_ISREG(st.st_mode):  # a device, a FIFO, a socket: write into it
        try:
            with open(real, "wb") as f:
                f.write(raw)
        except OSError as e:
            raise _error(path, e) from None
        return
    directory = os.path.dirname(real) or "."
    if not os.path.isdir(directory):
        raise HexoptError(f"cannot write {path}: directory {os.path.dirname(path) or '.'} does not exist")
    mode = stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask()
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(real)}.", suffix=".tmp", dir=directory)
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
        os.chmod(tmp, mode)
        os.replace(tmp, real)
        tmp = None
    except OSError as e:
        raise _error(path, e) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def check_writable(path: str | None) -> None:
    """Fail early, before long work, when `path` cannot be written (missing or read-only directory)."""
    if path in (None, "-"):
        return
    assert path is not None
    real = os.path.realpath(path)
    if os.path.isdir(real):
        raise HexoptError(f"cannot write {path}: it is a directory")
    if os.path.exists(real):
        if not os.access(real, os.W_OK):
            raise HexoptError(f"cannot write {path}: permission denied")
        if not stat.S_ISREG(os.stat(real).st_mode):
            return
    directory = os.path.dirname(real) or "."
    if not os.path.isdir(directory):
        raise HexoptError(f"cannot write {path}: directory {os.path.dirname(path) or '.'} does not exist")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise HexoptError(f"cannot write {path}: permission denied (directory {directory})")


@contextlib.contextmanager
def staged_output(path: str | None, suffix: str = "") -> Iterator[Path]:
    """A private temp path for a tool to write (ld.lld, zig); on success it goes to `path` through
    write_output. On failure or interrupt nothing is written and the temp path is gone."""
    with tempfile.TemporaryDirectory(prefix="hexopt-out-") as d:
        tmp = Path(d) / f"output{suffix}"
        yield tmp
        write_output(path, tmp.read_bytes())
