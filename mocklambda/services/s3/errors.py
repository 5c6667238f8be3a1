"""S3's errors as the operation families raise them: one constructor per code they share, with AWS's wording
and the extra XML elements AWS puts in the error document (BucketName, Key, VersionId, ...).

This module builds errors only; it checks nothing.
"""

from __future__ import annotations

from mocklambda.protocol import AwsError

NO_SUCH_BUCKET = "The specified bucket does not exist"
NO_SUCH_KEY = "The specified key does not exist."
NO_SUCH_VERSION = "The specified version does not exist."
NO_SUCH_UPLOAD = (
    "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted "
    "or completed."
)
METHOD_NOT_ALLOWED = "The specified method is not allowed against this resource."


def no_such_bucket(bucket: str) -> AwsError:
    return AwsError("NoSuchBucket", NO_SUCH_BUCKET, 404, fields={"BucketName": bucket})


def no_such_key(key: str) -> AwsError:
    return AwsError("NoSuchKey", NO_SUCH_KEY, 404, fields={"Key": key})


def no_such_version(key: str, version_id: str) -> AwsError:
    return AwsError("NoSuchVersion", NO_SUCH_VERSION, 404, fields={"Key": key, "VersionId": version_id})


def no_such_upload(upload_id: str) -> AwsError:
    return AwsError("NoSuchUpload", NO_SUCH_UPLOAD, 404, fields={"UploadId": upload_id})


def access_denied() -> AwsError:
    return AwsError("AccessDenied", "Access Denied", 403)


def invalid_argument(message: str, name: str | None = None, value: str | None = None) -> AwsError:
    fields = {} if name is None else {"ArgumentName": name, "ArgumentValue": value}
    return AwsError("InvalidArgument", message, 400, fields=fields)


def invalid_request(message: str) -> AwsError:
    return AwsError("InvalidRequest", message, 400)


def malformed_xml() -> AwsError:
    return AwsError(
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema",
        400,
    )
