"""The code store: deployment packages (function code and layer content), content-addressed and unpacked once.

`CodeStore.store_zip(data)` checks an uploaded zip, keeps it as `<hex sha256>.zip` and unpacks it into the
read-only directory `<hex sha256>/` beside it, once per distinct zip, however many functions, versions or
layers use it. The zip is untrusted input: this module refuses anything that is not a zip, entries with
absolute paths or `..` components, symlinks that resolve outside the package, packages larger than Lambda's
unzipped limit (by the headers, and again by counting while extracting, since headers can lie) and
compression-ratio bombs, with the InvalidParameterValueException AWS gives. Nothing is ever written outside
the store, not even partially: a package is extracted into a private temporary directory beside its final
place and renamed into place only once it is complete and checked.

`store_content(provider, context, content)` is the request-level entry point that functions and layers share:
it takes a FunctionCode / LayerVersionContentInput (ZipFile, or S3Bucket/S3Key[/S3ObjectVersion]), applies the
direct-upload limits, reads S3 objects through the emulator, and stores the result; `location()` is the URL
that downloads a stored zip again. This module must not know about functions or layers themselves.
"""
from __future__ import annotations

import base64
import hashlib
import io
import os
import posixpath
import re
import shutil
import stat
import uuid
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from mocklambda.protocol import AwsError
from mocklambda.services.base import RequestContext
from mocklambda.services.lambda_.errors import invalid
from mocklambda.services.lambda_.models import StoredCode

if TYPE_CHECKING:
    from mocklambda.emulator import Emulator
    from mocklambda.services.base import ServiceProvider

# AWS's quota for a function and its layers, unzipped (B2 in the reference).
MAX_UNZIPPED_SIZE = 262_144_000
# Deflate cannot compress better than about 1032:1, so no honestly deflated entry is above this ratio;
# anything beyond it (bzip2/lzma bombs, headers that claim more than the data can hold) is refused.
MAX_COMPRESSION_RATIO = 1100
# Entries this small are never treated as bombs, whatever their ratio (an empty file "compresses" to 2 bytes).
RATIO_EXEMPT_SIZE = 1 << 20
_CHUNK = 1 << 16
MAX_LINK_TARGET = 4096  # PATH_MAX: a symbolic link's target is a path, never more

MAX_DIRECT_UPLOAD = 52_428_800  # 50 MB zipped: a ZipFile in the request
# AWS's limit on the whole request (recorded: test_oversized_request_create_lambda in the reference snapshots).
MAX_REQUEST_SIZE = 70_167_211
CODE_ROUTE = "/_mocklambda/code/"

NOT_A_ZIP = "Could not unzip uploaded file. Please check your file, then try to upload again."
HEX_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def too_large_unzipped(limit: int = MAX_UNZIPPED_SIZE) -> AwsError:
    return invalid(f"Unzipped size must be smaller than {limit} bytes")


def store_for(emulator: Emulator) -> CodeStore:
    """The emulator's code store: one directory in its private data directory."""
    return CodeStore(emulator.data_dir / "code")


def store_content(provider: ServiceProvider[Any], context: RequestContext, content: dict[str, Any]) -> StoredCode:
    """The package a request gives (ZipFile, or S3Bucket/S3Key[/S3ObjectVersion]), checked and stored.
    Errors name `context.operation` where AWS's do (RequestEntityTooLargeException)."""
    zip_file = content.get("ZipFile")
    s3 = [content.get(key) for key in ("S3Bucket", "S3Key", "S3ObjectVersion")]
    if zip_file is not None:
        if any(s3):
            raise invalid("Please do not provide other FunctionCode parameters when providing a ZipFile.")
        _check_direct_upload(context, zip_file)
        data = bytes(zip_file)
    elif s3[0] and s3[1]:
        data = _read_s3_object(provider.emulator, context, s3[0], s3[1], s3[2])
    else:
        raise invalid("Please provide a source for function code.")
    return store_for(provider.emulator).store_zip(data)


def location(context: RequestContext, code: StoredCode) -> str:
    """A URL on this mock that downloads the exact zip (where AWS gives a presigned S3 URL)."""
    return f"{context.endpoint_url.rstrip('/')}{CODE_ROUTE}{code.zip_path.name}"


def _check_direct_upload(context: RequestContext, zip_file: bytes) -> None:
    """The limits of a package uploaded in the request itself (one read from S3 has only the unzipped limit)."""
    if len(context.request.body) > MAX_REQUEST_SIZE:
        raise AwsError(
            "RequestEntityTooLargeException",
            f"Request must be smaller than {MAX_REQUEST_SIZE} bytes for the {context.operation} operation",
            413,
        )
    if len(zip_file) > MAX_DIRECT_UPLOAD:
        raise AwsError(
            "RequestEntityTooLargeException", f"Zipped size must be smaller than {MAX_DIRECT_UPLOAD} bytes", 413
        )


def _read_s3_object(
    emulator: Emulator, context: RequestContext, bucket: str, key: str, version: str | None
) -> bytes:
    try:
        return emulator.read_object(context.account_id, context.region, bucket, key, version)
    except LookupError as exc:
        code, message = (tuple(exc.args) + ("", ""))[:2]
        raise invalid(f"Error occurred while GetObject. S3 Error Code: {code}. S3 Error Message: {message}") from exc


class CodeStore:
    """Zips and their unpacked, read-only trees under one directory, named by the zip's SHA-256 (hex)."""

    def __init__(
        self,
        directory: Path,
        *,
        max_unzipped_size: int = MAX_UNZIPPED_SIZE,
        max_compression_ratio: int = MAX_COMPRESSION_RATIO,
    ) -> None:
        self.directory = directory
        self.max_unzipped_size = max_unzipped_size
        self.max_compression_ratio = max_compression_ratio

    def store_zip(self, data: bytes) -> StoredCode:
        """Check, keep and unpack a deployment package; the same bytes always give the same StoredCode."""
        digest = hashlib.sha256(data)
        hex_digest = digest.hexdigest()
        root = self.directory / hex_digest
        zip_path = self.directory / f"{hex_digest}.zip"
        if not root.is_dir():
            self.directory.mkdir(parents=True, exist_ok=True)
            self._unpack(data, root)
        if not zip_path.is_file():
            self._write_zip(data, zip_path)
        return StoredCode(base64.b64encode(digest.digest()).decode(), len(data), zip_path, root)

    def zip_file(self, hex_digest: str) -> Path | None:
        """The stored zip with this hex SHA-256, if any (the name is checked, so no path can be smuggled in)."""
        if not HEX_DIGEST.match(hex_digest):
            return None
        path = self.directory / f"{hex_digest}.zip"
        return path if path.is_file() else None

    def merged_layers(self, roots: Sequence[Path]) -> Path:
        """One read-only tree with the layers' files merged in order (a later layer's file wins), as AWS
        extracts every layer into one /opt: packages split across layers (layer A's python/company/models.py,
        layer B's python/company/utils.py) import as one. Files are hard links into the layers' own trees."""
        key = hashlib.sha256("\n".join(str(root) for root in roots).encode()).hexdigest()
        merged = self.directory / "opt" / key
        if merged.is_dir():
            return merged
        merged.parent.mkdir(parents=True, exist_ok=True)
        temp = merged.parent / f".tmp-{uuid.uuid4().hex}"
        temp.mkdir(mode=0o700)
        try:
            for root in roots:
                _overlay(root, temp)
            _seal_directories(temp)
            try:
                temp.rename(merged)
            except OSError:
                if not merged.is_dir():  # else another invocation merged the same layers first
                    raise
                remove_tree(temp)
        except BaseException:
            remove_tree(temp)
            raise
        return merged

    def clear(self) -> None:
        """Remove every package (the trees are read-only, so they are made writable first)."""
        if self.directory.exists():
            remove_tree(self.directory)

    # -- writing -----------------------------------------------------------------------------------------
    def _write_zip(self, data: bytes, zip_path: Path) -> None:
        temp = zip_path.with_name(f".tmp-{uuid.uuid4().hex}.zip")
        temp.write_bytes(data)
        temp.chmod(0o444)
        os.replace(temp, zip_path)

    def _unpack(self, data: bytes, root: Path) -> None:
        temp = self.directory / f".tmp-{uuid.uuid4().hex}"
        temp.mkdir(mode=0o700)
        try:
            _Extraction(data, temp, self.max_unzipped_size, self.max_compression_ratio).run()
            try:
                temp.rename(root)
            except OSError:
                # Another request unpacked the same zip first; theirs is identical.
                if not root.is_dir():
                    raise
                remove_tree(temp)
        except BaseException:
            remove_tree(temp)
            raise


@dataclass
class _Entry:
    info: zipfile.ZipInfo
    parts: tuple[str, ...]  # normalized path inside the package
    mode: int  # permission bits from the zip, 0 when the zip has none

    @property
    def path(self) -> str:
        return "/".join(self.parts)


class _Extraction:
    """One zip unpacked into an empty private directory; raises AwsError, leaving cleanup to the caller."""

    def __init__(self, data: bytes, target: Path, max_size: int, max_ratio: int) -> None:
        self.data = data
        self.target = target
        self.max_size = max_size
        self.max_ratio = max_ratio
        self.written = 0

    def run(self) -> None:
        try:
            archive = zipfile.ZipFile(io.BytesIO(self.data))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
            raise invalid(NOT_A_ZIP) from exc
        with archive:
            entries = [self._entry(info) for info in archive.infolist()]
            self._check_sizes(entries)
            links = []
            for entry in entries:
                if entry.info.is_dir():
                    self._make_directory(entry)
                elif stat.S_ISLNK(entry.mode):
                    links.append(entry)
                else:
                    self._extract_file(archive, entry)
            # Links are made last, so no file above was written through one of them.
            for entry in links:
                self._link(archive, entry)
            for entry in links:
                self._check_link_stays_inside(entry)
        _make_read_only(self.target, {e.path: e.mode for e in entries})

    # -- checks before anything is written ---------------------------------------------------------------
    def _entry(self, info: zipfile.ZipInfo) -> _Entry:
        name = info.filename
        if "\x00" in name or name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
            raise invalid(f"{NOT_A_ZIP} The entry {name!r} has an absolute path.")
        parts = tuple(part for part in re.split(r"[/\\]", name) if part not in ("", "."))
        if ".." in parts:
            raise invalid(f"{NOT_A_ZIP} The entry {name!r} points outside the package ('..').")
        if not parts and not info.is_dir():
            raise invalid(NOT_A_ZIP)
        mode = (info.external_attr >> 16) & 0xFFFF if info.create_system == 3 else 0
        return _Entry(info, parts, mode)

    def _check_sizes(self, entries: list[_Entry]) -> None:
        if sum(entry.info.file_size for entry in entries) > self.max_size:
            raise too_large_unzipped(self.max_size)
        for entry in entries:
            info = entry.info
            if info.file_size > RATIO_EXEMPT_SIZE and info.file_size > max(info.compress_size, 1) * self.max_ratio:
                raise invalid(
                    f"{NOT_A_ZIP} The entry {info.filename!r} expands {info.file_size // max(info.compress_size, 1)}"
                    f" times its compressed size, which no real package does (a compression bomb)."
                )

    # -- writing -----------------------------------------------------------------------------------------
    def _directory(self, parts: tuple[str, ...]) -> Path:
        return self.target.joinpath(*parts)

    def _make_directory(self, entry: _Entry) -> None:
        try:
            self._directory(entry.parts).mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # a file of the same name came first
            raise invalid(NOT_A_ZIP) from exc

    def _extract_file(self, archive: zipfile.ZipFile, entry: _Entry) -> None:
        destination = self._directory(entry.parts)
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(entry.info) as source, open(destination, "wb") as sink:
                self._copy(source, sink, entry.info)
        except AwsError:
            raise
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, zlib.error, OSError) as exc:
            # Bad CRC, unsupported or encrypted entries, two entries claiming the same path as file and folder.
            raise invalid(NOT_A_ZIP) from exc

    def _copy(self, source: IO[bytes], sink: io.BufferedWriter, info: zipfile.ZipInfo) -> None:
        """Count what is really written: the headers' sizes were only a first check."""
        produced = 0
        while chunk := source.read(_CHUNK):
            produced += len(chunk)
            self.written += len(chunk)
            if self.written > self.max_size:
                raise too_large_unzipped(self.max_size)
            if produced > info.file_size:
                raise invalid(NOT_A_ZIP)
            sink.write(chunk)
        if produced != info.file_size:
            raise invalid(NOT_A_ZIP)

    def _link(self, archive: zipfile.ZipFile, entry: _Entry) -> None:
        if entry.info.file_size > MAX_LINK_TARGET:
            raise invalid(NOT_A_ZIP)
        try:
            target = archive.read(entry.info).decode()
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, zlib.error, UnicodeDecodeError) as exc:
            raise invalid(NOT_A_ZIP) from exc
        if not target or "\x00" in target or posixpath.isabs(target):
            raise self._link_outside(entry, target)
        # A first, textual check; the real one (after every link exists) follows chains of links.
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(entry.path), target))
        if resolved == ".." or resolved.startswith("../"):
            raise self._link_outside(entry, target)
        path = self._directory(entry.parts)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(target, path)
        except OSError as exc:
            raise invalid(NOT_A_ZIP) from exc

    def _check_link_stays_inside(self, entry: _Entry) -> None:
        path = self._directory(entry.parts)
        target = os.readlink(path)
        real = Path(os.path.realpath(path))
        base = Path(os.path.realpath(self.target))
        if real != base and base not in real.parents:
            raise self._link_outside(entry, target)

    @staticmethod
    def _link_outside(entry: _Entry, target: str) -> AwsError:
        return invalid(f"{NOT_A_ZIP} The symbolic link {entry.info.filename!r} -> {target!r} points outside the package.")


def _overlay(source: Path, target: Path) -> None:
    """Link `source`'s tree into `target`, replacing what an earlier layer put at the same paths."""
    for directory, dirnames, filenames in os.walk(source):
        relative = Path(directory).relative_to(source)
        for name in dirnames:
            destination = target / relative / name
            if (source / relative / name).is_symlink():
                _replace_with_symlink(source / relative / name, destination)
            elif not destination.is_dir() or destination.is_symlink():
                _remove(destination)
                destination.mkdir(mode=0o700)
        for name in filenames:
            origin, destination = source / relative / name, target / relative / name
            _remove(destination)
            if origin.is_symlink():
                destination.symlink_to(os.readlink(origin))
            else:
                try:
                    os.link(origin, destination)
                except OSError:
                    shutil.copy2(origin, destination)
        # Symlinked directories are not walked into: they were replaced by a link above.
        dirnames[:] = [name for name in dirnames if not (source / relative / name).is_symlink()]


def _replace_with_symlink(origin: Path, destination: Path) -> None:
    _remove(destination)
    destination.symlink_to(os.readlink(origin))


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        remove_tree(path)


def _seal_directories(root: Path) -> None:
    for directory, dirnames, _ in os.walk(root):
        for name in dirnames:
            path = Path(directory) / name
            if not path.is_symlink():
                path.chmod(0o555)
    root.chmod(0o555)


def _make_read_only(root: Path, modes: dict[str, int]) -> None:
    """Files r-- (r-x when the zip marked them executable), directories r-x: the runtime may only read."""
    for directory, dirnames, filenames in os.walk(root, topdown=False):
        base = Path(directory)
        for name in filenames:
            path = base / name
            if path.is_symlink():
                continue
            relative = path.relative_to(root).as_posix()
            executable = modes.get(relative, 0) & 0o111
            path.chmod(0o555 if executable else 0o444)
        for name in dirnames:
            path = base / name
            if not path.is_symlink():
                path.chmod(0o555)
    root.chmod(0o555)


def remove_tree(path: Path) -> None:
    """rmtree for the store's read-only trees: directories are made writable on the way down."""
    if not path.exists() and not path.is_symlink():
        return
    if path.is_dir() and not path.is_symlink():
        for directory, dirnames, _ in os.walk(path):
            os.chmod(directory, 0o700)
            for name in dirnames:
                child = os.path.join(directory, name)
                if not os.path.islink(child):
                    os.chmod(child, 0o700)
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
