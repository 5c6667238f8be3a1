"""Object bodies: every object version and every multipart part is one immutable body, named by a Path
under `emulator.data_dir / "s3"` and written once (a new version is a new body).

What it does: store request bodies (bytes, or an iterable of byte chunks) while computing MD5, size and the
asked-for checksums in the same pass; open a stored body for streaming (whole, or a byte range); concatenate
parts into a new body; link (copy) and remove bodies. Bodies up to MEMORY_LIMIT stay in memory under their
name (creating a file costs more than a whole small request; moto keeps small bodies in memory too); larger
ones stream to a file chunk by chunk, so objects of hundreds of MB never sit in memory whole. Callers only
ever hand the names back to this class, so where a body lives is invisible to them. Removing a body that a
reader still streams is safe (POSIX unlink; in-memory bytes are immutable), so a GetObject in progress keeps
streaming after the object was overwritten or deleted.
What it must not do: know buckets, keys or S3's rules.
"""

from __future__ import annotations

import base64
import hashlib
import io
import itertools
import os
import shutil
import threading
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

CHUNK_SIZE = 1024 * 1024
MEMORY_LIMIT = 256 * 1024  # bodies up to this size are kept in memory, larger ones go to a file
# The checksums computed here; CRC32C and CRC64NVME need a native library, so S3 stores the client's value.
SUPPORTED_CHECKSUMS = ("CRC32", "SHA1", "SHA256")


class _Checksum:
    def __init__(self, algorithm: str) -> None:
        self._crc: int | None = 0 if algorithm == "CRC32" else None
        self._hash = None if algorithm == "CRC32" else hashlib.new(algorithm.lower())

    def update(self, chunk: bytes) -> None:
        if self._hash is not None:
            self._hash.update(chunk)
        else:
            self._crc = zlib.crc32(chunk, self._crc or 0)

    def base64(self) -> str:
        raw = self._hash.digest() if self._hash is not None else (self._crc or 0).to_bytes(4, "big")
        return base64.b64encode(raw).decode("ascii")


@dataclass(frozen=True)
class StoredBody:
    path: Path
    size: int
    md5_hex: str
    checksums: dict[str, str] = field(default_factory=dict)  # algorithm (CRC32, SHA1, SHA256) -> base64


class ObjectStorage:
    """Bodies named by Paths in one flat directory (ext4 and tmpfs index large directories), created on first
    spill to disk. One instance per provider; names come from a counter, unique within the directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._made = False
        self._names = itertools.count(1)
        self._lock = threading.Lock()
        self._memory: dict[Path, bytes] = {}  # small bodies, by name

    def _new_path(self) -> Path:
        # next() on itertools.count is atomic under the GIL: no lock per write.
        return self.root / f"{next(self._names):012x}"

    def _make_root(self) -> None:
        if not self._made:
            with self._lock:
                self.root.mkdir(parents=True, exist_ok=True)
                self._made = True

    def write(self, data: bytes | Iterable[bytes], checksums: Iterable[str] = ()) -> StoredBody:
        """Store a body; returns its name, its size, its MD5 (hex) and the requested checksums (S3's
        algorithm names: CRC32, SHA1, SHA256) as base64, all computed in the one pass that stores it."""
        digest = hashlib.md5()  # noqa: S324 - S3's ETag is an MD5, not a security measure
        hashers = [(name, _Checksum(name)) for name in checksums if name in SUPPORTED_CHECKSUMS]
        path = self._new_path()
        size = 0
        pending: list[bytes] = []
        out: BinaryIO | None = None
        try:
            for chunk in [data] if isinstance(data, bytes) else data:
                digest.update(chunk)
                for _, hasher in hashers:
                    hasher.update(chunk)
                size += len(chunk)
                if out is not None:
                    out.write(chunk)
                    continue
                pending.append(chunk)
                if size > MEMORY_LIMIT:  # too big for memory: spill what we have, stream the rest
                    self._make_root()
                    out = path.open("wb")
                    for held in pending:
                        out.write(held)
                    pending = []
        finally:
            if out is not None:
                out.close()
        if out is None:
            self._memory[path] = pending[0] if len(pending) == 1 else b"".join(pending)
        return StoredBody(path, size, digest.hexdigest(), {name: h.base64() for name, h in hashers})

    def concatenate(self, paths: Iterable[Path]) -> StoredBody:
        """A new body holding the given bodies one after another (CompleteMultipartUpload)."""
        return self.write(chunk for source in paths for chunk in self._chunks(source, 0, None))

    def link(self, source: Path) -> Path:
        """A new name for the same bytes (CopyObject): bodies are never changed, so sharing them (in memory)
        or hard-linking them (on disk) is a copy that outlives the source's deletion."""
        path = self._new_path()
        held = self._memory.get(source)
        if held is not None:
            self._memory[path] = held
            return path
        try:
            os.link(source, path)
        except OSError:
            shutil.copyfile(source, path)
        return path

    def open(self, path: Path) -> BinaryIO:
        held = self._memory.get(path)
        return io.BytesIO(held) if held is not None else path.open("rb")

    def read_range(self, path: Path, start: int, length: int) -> Iterator[bytes]:
        """The bytes [start, start + length) in chunks; the body is opened now, so a later delete is safe."""
        return self._chunks(path, start, length)

    def _chunks(self, path: Path, start: int, length: int | None) -> Iterator[bytes]:
        held = self._memory.get(path)
        if held is not None:
            end = len(held) if length is None else start + length
            return iter([held[start:end]])
        handle = path.open("rb")
        handle.seek(start)

        def chunks() -> Iterator[bytes]:
            remaining = length
            try:
                while remaining is None or remaining > 0:
                    chunk = handle.read(CHUNK_SIZE if remaining is None else min(CHUNK_SIZE, remaining))
                    if not chunk:
                        return
                    if remaining is not None:
                        remaining -= len(chunk)
                    yield chunk
            finally:
                handle.close()

        return chunks()

    def read_bytes(self, path: Path) -> bytes:
        held = self._memory.get(path)
        return held if held is not None else path.read_bytes()

    def delete(self, path: Path | None) -> None:
        if path is not None and self._memory.pop(path, None) is None:
            path.unlink(missing_ok=True)

    def clear(self) -> None:
        with self._lock:
            self._memory.clear()
            shutil.rmtree(self.root, ignore_errors=True)
            self._made = False
