"""The code store through the API: packages are refused or kept exactly as AWS does, unpacked once, read-only,
never written outside the store, and downloadable again from Code.Location."""
from __future__ import annotations

import base64
import functools
import hashlib
import io
import os
import stat
import struct
import urllib.error
import urllib.request
import uuid
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.lambda_.conftest import make_zip, snapshot

NOT_A_ZIP = snapshot("test_create_lambda_exceptions")["invalid_zip_exc"]["Error"]["Message"]
TOO_LARGE_UNZIPPED = snapshot("test_oversized_unzipped_lambda")["invalid_param_exc"]["Error"]["Message"]


# -- archives ---------------------------------------------------------------------------------------------------
def zip_entries(*entries: tuple[zipfile.ZipInfo | str, bytes | str]) -> bytes:
    """A zip with exactly these entries (names are not cleaned up, unlike ZipFile.write)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, content in entries:
            archive.writestr(info, content)
    return buffer.getvalue()


def entry(name: str, mode: int = 0o644, kind: int = stat.S_IFREG) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3  # Unix: the mode bits are in external_attr
    info.external_attr = (kind | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def symlink(name: str, target: str) -> tuple[zipfile.ZipInfo, str]:
    return entry(name, 0o777, stat.S_IFLNK), target


def raw_zip(name: str, compressed: bytes, crc: int, file_size: int, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """One entry whose headers say what we want them to say (file_size may lie about the data)."""
    encoded = name.encode()
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, method, 0, 0, crc, len(compressed), file_size,
                        len(encoded), 0) + encoded
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, method, 0, 0, crc, len(compressed),
                          file_size, len(encoded), 0, 0, 0, 0, 0o644 << 16, 0) + encoded
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central), len(local) + len(compressed), 0)
    return local + compressed + central + end


@functools.cache
def deflated_zeros(size: int) -> bytes:
    """Raw deflate of `size` zero bytes, made in 1 MiB steps (no 250 MB buffer in memory)."""
    compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
    chunk = bytes(1 << 20)
    parts = [compressor.compress(chunk) for _ in range(size >> 20)]
    return b"".join([*parts, compressor.flush()])


BOMB_SIZE = 251 << 20  # just over the 262,144,000-byte unzipped limit


# -- looking at the store ---------------------------------------------------------------------------------------
def data_dir(mocklambda: Any) -> Path:
    return Path(mocklambda.emulator.data_dir)


def code_dir(mocklambda: Any) -> Path:
    return data_dir(mocklambda) / "code"


def tree(path: Path) -> set[str]:
    """Every path under `path` (links not followed)."""
    found = set()
    for directory, dirnames, filenames in os.walk(path):
        for name in dirnames + filenames:
            found.add(os.path.relpath(os.path.join(directory, name), path))
    return found


@pytest.fixture
def store_before(mocklambda: Any, create_function: Any) -> set[str]:
    """The data directory's contents after one good function: a refused package must leave it exactly so."""
    create_function()
    return tree(data_dir(mocklambda))


def assert_refused(create_function: Any, package: bytes, message: str) -> None:
    with pytest.raises(ClientError) as error:
        create_function(Code={"ZipFile": package})
    response = error.value.response
    assert response["Error"]["Code"] == "InvalidParameterValueException"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["Error"]["Message"] == message


def escape_targets(mocklambda: Any, file_name: str) -> list[Path]:
    """Where a `..` entry of any depth would land from the private extraction directory."""
    base = code_dir(mocklambda) / ".tmp-x"
    return [base.joinpath(*[".."] * depth, file_name).resolve() for depth in range(1, 6)]


# -- refused packages -------------------------------------------------------------------------------------------
def test_create_function_not_a_zip_is_refused_as_aws(awslambda: Any, create_function: Any) -> None:
    assert_refused(create_function, b"this is not a zip file", NOT_A_ZIP)


def test_create_function_zip_slip_writes_nothing_outside(mocklambda: Any, create_function: Any,
                                                         store_before: set[str]) -> None:
    name = f"slip-{uuid.uuid4().hex}.txt"
    package = zip_entries(("app.py", "ok"), *[("../" * depth + name, "pwned") for depth in range(1, 6)])
    assert_refused(create_function, package, f"{NOT_A_ZIP} The entry '../{name}' points outside the package ('..').")
    assert tree(data_dir(mocklambda)) == store_before
    assert not any(path.exists() for path in escape_targets(mocklambda, name))


def test_create_function_dot_dot_inside_a_path_is_refused(mocklambda: Any, create_function: Any,
                                                          store_before: set[str]) -> None:
    package = zip_entries(("lib/../../escaped.txt", "x"))
    assert_refused(create_function, package,
                   f"{NOT_A_ZIP} The entry 'lib/../../escaped.txt' points outside the package ('..').")
    assert tree(data_dir(mocklambda)) == store_before


def test_create_function_absolute_path_is_refused(mocklambda: Any, create_function: Any,
                                                  store_before: set[str]) -> None:
    target = Path("/tmp") / f"absolute-{uuid.uuid4().hex}.txt"
    assert_refused(create_function, zip_entries((str(target), "pwned")),
                   f"{NOT_A_ZIP} The entry '{target}' has an absolute path.")
    assert not target.exists()
    assert tree(data_dir(mocklambda)) == store_before


def test_create_function_symlink_out_of_the_package_is_refused(mocklambda: Any, create_function: Any,
                                                               store_before: set[str]) -> None:
    package = zip_entries(("app.py", "ok"), symlink("secrets", "../../../../etc"))
    assert_refused(create_function, package,
                   f"{NOT_A_ZIP} The symbolic link 'secrets' -> '../../../../etc' points outside the package.")
    assert tree(data_dir(mocklambda)) == store_before


def test_create_function_absolute_symlink_is_refused(mocklambda: Any, create_function: Any,
                                                     store_before: set[str]) -> None:
    package = zip_entries(symlink("passwd", "/etc/passwd"))
    assert_refused(create_function, package,
                   f"{NOT_A_ZIP} The symbolic link 'passwd' -> '/etc/passwd' points outside the package.")
    assert tree(data_dir(mocklambda)) == store_before


def test_create_function_chain_of_symlinks_escaping_is_refused(mocklambda: Any, create_function: Any,
                                                               store_before: set[str]) -> None:
    # Each target looks inside on its own; followed through the first link, the second leaves the package.
    package = zip_entries(symlink("sub/up", ".."), symlink("sub/out", "up/.."), ("sub/file.txt", "x"))
    assert_refused(create_function, package,
                   f"{NOT_A_ZIP} The symbolic link 'sub/out' -> 'up/..' points outside the package.")
    assert tree(data_dir(mocklambda)) == store_before


def test_create_function_file_under_a_symlink_is_never_written_through_it(
    mocklambda: Any, create_function: Any, store_before: set[str]
) -> None:
    name = f"through-{uuid.uuid4().hex}.txt"
    package = zip_entries(symlink("link", ".."), (f"link/{name}", "pwned"))
    with pytest.raises(ClientError) as error:
        create_function(Code={"ZipFile": package})
    assert error.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert not any(path.exists() for path in escape_targets(mocklambda, name))
    assert tree(data_dir(mocklambda)) == store_before


def test_create_function_zip_bomb_is_refused_by_its_headers(mocklambda: Any, create_function: Any,
                                                            store_before: set[str]) -> None:
    package = raw_zip("zeros.bin", deflated_zeros(BOMB_SIZE), 0, BOMB_SIZE)
    assert_refused(create_function, package, TOO_LARGE_UNZIPPED)
    assert tree(data_dir(mocklambda)) == store_before


def test_create_function_zip_bomb_with_lying_headers_is_refused(mocklambda: Any, create_function: Any,
                                                                store_before: set[str]) -> None:
    # The headers claim 1 KB; the data would inflate to 251 MB. Nothing beyond the claim is ever written.
    package = raw_zip("zeros.bin", deflated_zeros(BOMB_SIZE), 0, 1024)
    assert_refused(create_function, package, NOT_A_ZIP)
    assert tree(data_dir(mocklambda)) == store_before


def test_create_function_compression_ratio_bomb_is_refused(mocklambda: Any, create_function: Any,
                                                           store_before: set[str]) -> None:
    size = 10 << 20  # within the limit, but bzip2 packs it 200,000 to 1: no real package does that
    info = entry("zeros.bin")
    info.compress_type = zipfile.ZIP_BZIP2
    package = zip_entries((info, bytes(size)))
    compressed = zipfile.ZipFile(io.BytesIO(package)).infolist()[0].compress_size
    assert_refused(
        create_function, package,
        f"{NOT_A_ZIP} The entry 'zeros.bin' expands {size // compressed} times its compressed size, which no real "
        "package does (a compression bomb).",
    )
    assert tree(data_dir(mocklambda)) == store_before


def test_create_function_zipfile_over_50_mb_is_too_large(awslambda: Any, create_function: Any) -> None:
    with pytest.raises(ClientError) as error:
        create_function(Code={"ZipFile": bytes(52_428_801)})
    response = error.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert response["Error"] == snapshot("test_oversized_zipped_create_lambda")["invalid_param_exc"]["Error"]


def test_update_function_code_request_over_limit_is_too_large(awslambda: Any, create_function: Any) -> None:
    name = create_function()["FunctionName"]
    with pytest.raises(ClientError) as error:
        awslambda.update_function_code(FunctionName=name, ZipFile=bytes(52_700_000))
    response = error.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert response["Error"]["Code"] == "RequestEntityTooLargeException"
    assert response["Error"]["Message"] == "Request must be smaller than 70167211 bytes for the UpdateFunctionCode operation"


# -- what is kept -----------------------------------------------------------------------------------------------
def test_create_function_unpacks_read_only_with_executable_bits(mocklambda: Any, create_function: Any) -> None:
    package = zip_entries((entry("bootstrap", 0o755), "#!/bin/sh\n"), (entry("lib/data.txt", 0o644), "data"),
                          symlink("current", "lib"))
    created = create_function(Runtime="provided.al2023", Handler="handler", Code={"ZipFile": package})
    root = code_dir(mocklambda) / hashlib.sha256(package).hexdigest()
    assert created["CodeSha256"] == base64.b64encode(hashlib.sha256(package).digest()).decode()
    assert stat.S_IMODE(root.stat().st_mode) == 0o555
    assert stat.S_IMODE((root / "lib").stat().st_mode) == 0o555
    assert stat.S_IMODE((root / "bootstrap").stat().st_mode) == 0o555
    assert stat.S_IMODE((root / "lib" / "data.txt").stat().st_mode) == 0o444
    assert os.readlink(root / "current") == "lib"
    assert (root / "current" / "data.txt").read_text() == "data"


def test_create_function_same_package_is_unpacked_once(mocklambda: Any, create_function: Any) -> None:
    package = make_zip({"app.py": "def handler(event, context):\n    return 1\n"})
    create_function(Code={"ZipFile": package})
    root = code_dir(mocklambda) / hashlib.sha256(package).hexdigest()
    first = (root / "app.py").stat().st_ino
    create_function(Code={"ZipFile": package})
    assert (root / "app.py").stat().st_ino == first
    assert sorted(p.name for p in code_dir(mocklambda).iterdir() if p.name.startswith(".tmp")) == []


def test_reset_empties_the_code_store(mocklambda: Any, create_function: Any) -> None:
    create_function()
    mocklambda.reset()
    assert not code_dir(mocklambda).exists() or list(code_dir(mocklambda).iterdir()) == []


# -- Code.Location ----------------------------------------------------------------------------------------------
def test_get_function_code_location_downloads_the_exact_zip(awslambda: Any, create_function: Any) -> None:
    package = make_zip({"app.py": "def handler(event, context):\n    return 'download'\n"})
    name = create_function(Code={"ZipFile": package})["FunctionName"]
    location = awslambda.get_function(FunctionName=name)["Code"]["Location"]
    with urllib.request.urlopen(location) as response:
        assert response.headers["Content-Type"] == "application/zip"
        assert response.read() == package


def test_get_function_code_location_follows_update_function_code(awslambda: Any, create_function: Any) -> None:
    name = create_function()["FunctionName"]
    updated = make_zip({"app.py": "def handler(event, context):\n    return 'v2'\n"})
    awslambda.update_function_code(FunctionName=name, ZipFile=updated)
    with urllib.request.urlopen(awslambda.get_function(FunctionName=name)["Code"]["Location"]) as response:
        assert response.read() == updated


def test_code_download_unknown_package_is_404(mocklambda: Any) -> None:
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(f"{mocklambda.endpoint_url}/_mocklambda/code/{'0' * 64}.zip")
    assert error.value.code == 404


def test_code_download_path_outside_the_store_is_404(mocklambda: Any, create_function: Any) -> None:
    create_function()
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(f"{mocklambda.endpoint_url}/_mocklambda/code/..%2F..%2Fetc%2Fpasswd")
    assert error.value.code == 404


# -- S3 sources -------------------------------------------------------------------------------------------------
# S3 is not implemented yet, so only the NoSuchBucket answer can be exercised; the S3 provider will make
# NoSuchKey and successful reads testable.
def test_create_function_s3_missing_bucket_as_aws(awslambda: Any, create_function: Any) -> None:
    with pytest.raises(ClientError) as error:
        create_function(Code={"S3Bucket": "no-such-bucket", "S3Key": "code.zip"})
    recorded = snapshot("test_lambda_code_location_s3_errors")["create-error-wrong-bucket"]
    assert error.value.response["Error"] == recorded["Error"]
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_update_function_code_s3_missing_bucket_as_aws(awslambda: Any, create_function: Any) -> None:
    name = create_function()["FunctionName"]
    with pytest.raises(ClientError) as error:
        awslambda.update_function_code(FunctionName=name, S3Bucket="no-such-bucket", S3Key="code.zip")
    recorded = snapshot("test_lambda_code_location_s3_errors")["update-error-wrong-bucket"]
    assert error.value.response["Error"] == recorded["Error"]


def test_create_function_zipfile_with_s3_location_is_refused(awslambda: Any, create_function: Any) -> None:
    with pytest.raises(ClientError) as error:
        create_function(Code={"ZipFile": make_zip(), "S3Bucket": "bucket", "S3Key": "key"})
    assert error.value.response["Error"]["Message"] == (
        "Please do not provide other FunctionCode parameters when providing a ZipFile."
    )


def test_create_function_without_code_source_is_refused(awslambda: Any, create_function: Any) -> None:
    with pytest.raises(ClientError) as error:
        create_function(Code={"S3Bucket": "bucket-only"})
    assert error.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert error.value.response["Error"]["Message"] == "Please provide a source for function code."


# -- the store's second line of defence -------------------------------------------------------------------------
def test_code_store_counts_what_it_extracts_even_when_the_headers_passed(tmp_path: Path, monkeypatch: Any) -> None:
    # CPython never inflates past a header's size, so the count can only be seen with the header check off.
    from mocklambda.protocol import AwsError
    from mocklambda.services.lambda_ import code

    monkeypatch.setattr(code._Extraction, "_check_sizes", lambda self, entries: None)
    store = code.CodeStore(tmp_path / "code", max_unzipped_size=1000)
    with pytest.raises(AwsError) as error:
        store.store_zip(zip_entries(("small.txt", "x" * 600), ("big.txt", "y" * 600)))
    assert (error.value.code, error.value.message) == (
        "InvalidParameterValueException", "Unzipped size must be smaller than 1000 bytes")
    assert list((tmp_path / "code").iterdir()) == []
