"""Output files that are either complete or absent, reproducible to the byte, in folders one job
at a time.

- `atomic(path)`: write through a temporary file of a name no other process uses (same folder),
  flushed to disk, then `os.replace`d onto `path`: a reader, or a job killed at any moment, sees
  the old file or the new one, never a part. Used by `write_bytes`, `write_json`, `write_npz`.
- `write_npz`: NumPy's .npz layout (np.load reads it) with fixed zip timestamps, so the same arrays
  give the same bytes (np.savez stamps the wall-clock time).
- `Lock(folder)`: an exclusive, non-blocking lock on a folder (`fcntl.flock` on `.jaxflav.lock`);
  a second job on the same folder fails at once, naming the holder's pid. The kernel drops the lock
  when its process dies, so a killed job never leaves the folder locked.
- `check_folder(path)`: can a job create and write `path`? A one-line ValueError otherwise, before
  any work (an existing file, a path under a file, a read-only or missing parent).
"""

import contextlib
import io
import json
import os
import tempfile
import zipfile

import numpy as np

try:
    import fcntl
except ImportError:  # not POSIX: the lock is a file created exclusively
    fcntl = None

LOCK_NAME = ".jaxflav.lock"
_EPOCH = (1980, 1, 1, 0, 0, 0)  # the zip format's earliest timestamp


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


_MODE = 0o666 & ~_umask()


@contextlib.contextmanager
def atomic(path, mode="wb"):
    """A file object to write `path` with: complete on disk (fsync, os.replace) when the block ends,
    removed unfinished when it raises."""
    path = os.fspath(path)
    folder, name = os.path.split(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    try:
        os.chmod(tmp, _MODE)  # mkstemp's files are private (0600); outputs get the usual umask
        with os.fdopen(fd, mode) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise


def remove_temporaries(folder):
    """Delete the temporary files `atomic` leaves in `folder` when a writer is killed (call it only
    while holding the folder's `Lock`: a running writer's temporary looks the same)."""
    for name in os.listdir(folder):
        if name.startswith(".") and name.endswith(".tmp") and os.path.isfile(os.path.join(folder, name)):
            with contextlib.suppress(FileNotFoundError):
                os.remove(os.path.join(folder, name))


def write_bytes(path, data: bytes):
    with atomic(path) as fh:
        fh.write(data)


def write_json(path, data, default=None):
    """JSON (indent 2, a final newline), atomically. `default` as in json.dumps."""
    text = json.dumps(data, indent=2, default=default, allow_nan=True) + "\n"
    write_bytes(path, text.encode())


def npz_bytes(arrays: dict, compress=False) -> bytes:
    """The bytes of an .npz of `arrays` (name → array), the same for the same arrays."""
    buffer = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(buffer, "w", compression=method) as zf:
        for name, value in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_EPOCH)
            info.compress_type = method
            with zf.open(info, "w", force_zip64=True) as fh:
                np.lib.format.write_array(fh, np.asanyarray(value), allow_pickle=False)
    return buffer.getvalue()


def write_npz(path, arrays: dict, compress=False):
    """An .npz of `arrays`, atomically and reproducibly (`npz_bytes`)."""
    write_bytes(path, npz_bytes(arrays, compress))


def check_folder(path, what="output folder"):
    """ValueError (one line) unless `path` is a folder, or can be made one, that this process can
    write in. Creates nothing."""
    path = os.path.abspath(os.fspath(path))
    if os.path.exists(path):
        if not os.path.isdir(path):
            raise ValueError(f"{what} {path} exists and is not a folder")
        if not os.access(path, os.W_OK | os.X_OK):
            raise ValueError(f"{what} {path} is not writable")
        return
    parent = os.path.dirname(path)
    while not os.path.exists(parent):
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent):
        raise ValueError(f"{what} {path} cannot be made: {parent} is a file")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ValueError(f"{what} {path} cannot be made: {parent} is not writable")


class Lock:
    """Exclusive use of a folder by one job: `with Lock(folder): …`, or acquire()/release().
    ValueError naming the holder when another process has it."""

    def __init__(self, folder):
        self.path = os.path.join(os.fspath(folder), LOCK_NAME)
        self.fd = None

    def acquire(self):
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | (0 if fcntl else os.O_EXCL), 0o644)
            except FileExistsError:
                raise ValueError(self._busy()) from None
            except OSError as err:
                raise ValueError(f"cannot write in {os.path.dirname(self.path)}: {err.strerror}") from None
            if fcntl is None:
                break
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                raise ValueError(self._busy()) from None
            try:  # the holder before us may have removed the file after we opened it: take the new one
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self.fd = fd
        return self

    def _busy(self):
        try:
            with open(self.path) as fh:
                pid = fh.read().strip() or "?"
        except OSError:
            pid = "?"
        return f"{os.path.dirname(self.path)} is in use by another jaxflav job (pid {pid}); wait for it to end or choose another folder"

    def release(self):
        if self.fd is None:
            return
        with contextlib.suppress(OSError):
            os.remove(self.path)
        os.close(self.fd)  # closing drops the flock
        self.fd = None

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()


MAX_TOML_BYTES = 1 << 20  # configs and data files are kilobytes; a bigger file is a mistake


def read_toml(path, what="file", text=None):
    """The TOML document at `path` (or `text` read from it), or a one-line ValueError naming the
    file: missing, unreadable, larger than 1 MiB, not UTF-8 text, or not TOML."""
    import tomllib

    if text is None:
        try:
            if hasattr(path, "read_bytes"):  # a pathlib.Path or a packaged resource
                data = path.read_bytes()
            else:
                with open(path, "rb") as fh:
                    data = fh.read(MAX_TOML_BYTES + 1)
        except OSError as err:
            raise ValueError(f"cannot read {what} {path}: {err.strerror or err}") from None
        if len(data) > MAX_TOML_BYTES:
            raise ValueError(f"{what} {path} is larger than {MAX_TOML_BYTES >> 20} MiB: not a TOML file jaxflav reads")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            raise ValueError(f"{what} {path} is not UTF-8 text (byte {err.start}): not a TOML file") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ValueError(f"{what} {path}: malformed TOML: {err}") from None
    except RecursionError:
        raise ValueError(f"{what} {path}: malformed TOML: nested too deeply") from None
