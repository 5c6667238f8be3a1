"""Where a service deviates from its protocol: one named rule each, looked up by service name.

Generic protocol code asks this table (never `if service == ...`). Each rule says why it exists.
"""
from __future__ import annotations

# rest-xml services answer errors as <ErrorResponse><Error>...</Error></ErrorResponse>; S3 answers a bare
# <Error> root with the request id inside it.
BARE_XML_ERROR_ROOT: frozenset[str] = frozenset({"s3"})

# Services whose bucket-style name can travel in the Host header (virtual-hosted-style addressing).
VIRTUAL_HOST_LABEL: dict[str, str] = {"s3": "Bucket"}

# Services that share a signing name with another service: told apart by the X-Amz-Target prefix.
# DynamoDB Streams signs as "dynamodb".
SIGNING_NAME_ALIASES: dict[str, tuple[str, ...]] = {"dynamodb": ("dynamodb", "dynamodbstreams")}

# Host names that carry an S3 bucket (virtual-hosted-style), as `(?P<label>...)`: AWS's own S3 host forms
# (bucket.s3.amazonaws.com, bucket.s3.REGION.amazonaws.com, bucket.s3-REGION..., dualstack) and
# bucket.localhost, which botocore uses with endpoint_url=http://localhost:PORT and virtual addressing.
VIRTUAL_HOST_PATTERNS: dict[str, tuple[str, ...]] = {
    "s3": (
        r"^(?P<label>.+)\.s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com(?:\.cn)?$",
        r"^(?P<label>[^.]+(?:\.[^.]+)*)\.localhost$",
    )
}

# Error codes that json services migrated from query still send in `x-amzn-query-error`, with their HTTP
# status: the awsQueryError trait of the service's Smithy model, which botocore's JSON model for SQS dropped.
# Shape name -> (query code, HTTP status). Shapes not listed keep their own name and the default status.
QUERY_COMPATIBLE_ERRORS: dict[str, dict[str, tuple[str, int]]] = {
    "sqs": {
        "BatchEntryIdsNotDistinct": ("AWS.SimpleQueueService.BatchEntryIdsNotDistinct", 400),
        "BatchRequestTooLong": ("AWS.SimpleQueueService.BatchRequestTooLong", 400),
        "EmptyBatchRequest": ("AWS.SimpleQueueService.EmptyBatchRequest", 400),
        "InvalidAddress": ("InvalidAddress", 404),
        "InvalidBatchEntryId": ("AWS.SimpleQueueService.InvalidBatchEntryId", 400),
        "InvalidSecurity": ("InvalidSecurity", 403),
        "KmsAccessDenied": ("KMS.AccessDeniedException", 400),
        "KmsDisabled": ("KMS.DisabledException", 400),
        "KmsInvalidKeyUsage": ("KMS.InvalidKeyUsageException", 400),
        "KmsInvalidState": ("KMS.InvalidStateException", 400),
        "KmsNotFound": ("KMS.NotFoundException", 400),
        "KmsOptInRequired": ("KMS.OptInRequired", 403),
        "KmsThrottled": ("KMS.ThrottlingException", 400),
        "MessageNotInflight": ("AWS.SimpleQueueService.MessageNotInflight", 400),
        "OverLimit": ("OverLimit", 403),
        "PurgeQueueInProgress": ("AWS.SimpleQueueService.PurgeQueueInProgress", 403),
        "QueueDeletedRecently": ("AWS.SimpleQueueService.QueueDeletedRecently", 400),
        "QueueDoesNotExist": ("AWS.SimpleQueueService.NonExistentQueue", 400),
        "QueueNameExists": ("QueueAlreadyExists", 400),
        "ReceiptHandleIsInvalid": ("ReceiptHandleIsInvalid", 404),
        "RequestThrottled": ("RequestThrottled", 403),
        "ResourceNotFoundException": ("ResourceNotFoundException", 404),
        "TooManyEntriesInBatchRequest": ("AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400),
        "UnsupportedOperation": ("AWS.SimpleQueueService.UnsupportedOperation", 400),
    },
}

# The namespace before '#' in a json service's error `__type`, where it is not
# `com.amazonaws.<endpointPrefix>.v<apiVersion digits>` (DynamoDB's style, the default). Clients strip it;
# people reading raw responses do not. DynamoDB Streams is served by DynamoDB's own namespace.
JSON_ERROR_NAMESPACE: dict[str, str] = {
    "sqs": "com.amazonaws.sqs",
    "dynamodbstreams": "com.amazonaws.dynamodb.v20120810",
}

# --- Input validation against the model's constraints (protocol/validation.py) ---

# The error code a service answers when a request breaks its model's constraints (required members, lengths,
# ranges, enums, patterns). Services not listed answer ValidationException, HTTP 400 (Lambda, DynamoDB and
# DynamoDB Streams recorded so; SQS by assumption). SNS answers its model-level violations with
# ValidationError (recorded: SetPlatformApplicationAttributes without Attributes, Publish with a message
# attribute lacking DataType); its "InvalidParameter" errors come from the service's own checks.
VALIDATION_ERROR_CODE: dict[str, str] = {"sns": "ValidationError"}

# Services whose input is not checked against the model's constraints at all. S3 validates in its own way
# (InvalidBucketName, KeyTooLongError, MissingSecurityHeader, ...), which its provider owns.
VALIDATION_SKIPPED: frozenset[str] = frozenset({"s3"})

# Members of an operation's input that the provider checks itself because AWS answers them with a different
# error than the generic one. Lambda rejects an unknown Runtime in CreateFunction/UpdateFunctionConfiguration
# with InvalidParameterValueException "Value <runtime> at 'runtime' failed to satisfy constraint: ... or be a
# valid ARN" (recorded), not with ValidationException.
VALIDATION_LEFT_TO_PROVIDER: dict[tuple[str, str], frozenset[str]] = {
    ("lambda", "CreateFunction"): frozenset({"Runtime"}),
    ("lambda", "UpdateFunctionConfiguration"): frozenset({"Runtime"}),
}

# The order in which AWS lists an enum's values in "Member must satisfy enum value set: [...]" where it is
# known to differ from the order in botocore's model (AWS's comes from its internal model). Values missing
# here are listed after these in model order; values the model no longer has are dropped.
# lambda: recorded in reference/aws-snapshots; dynamodb: as recorded by the dynalite project's tests, which
# were written against real DynamoDB.
ENUM_DISPLAY_ORDER: dict[tuple[str, str], tuple[str, ...]] = {
    ("lambda", "InvokeMode"): ("RESPONSE_STREAM", "BUFFERED"),
    ("lambda", "RecursiveLoop"): ("Terminate", "Allow"),
    ("lambda", "EventSourcePosition"): ("LATEST", "AT_TIMESTAMP", "TRIM_HORIZON"),
    ("dynamodb", "ScalarAttributeType"): ("B", "N", "S"),
    ("dynamodb", "ProjectionType"): ("ALL", "INCLUDE", "KEYS_ONLY"),
    ("dynamodb", "ReturnValue"): ("ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW"),
    ("dynamodb", "Select"): ("SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"),
    ("dynamodb", "ComparisonOperator"): (
        "IN", "NULL", "BETWEEN", "LT", "NOT_CONTAINS", "EQ", "GT", "NOT_NULL", "NE", "LE", "BEGINS_WITH",
        "GE", "CONTAINS",
    ),
}

# rest-xml output documents without a payload member: the model does not name their root element, so the
# output shape's name is used unless this table gives the real one (clients other than botocore may check it).
XML_OUTPUT_ROOT: dict[str, dict[str, str]] = {
    "s3": {
        "CompleteMultipartUpload": "CompleteMultipartUploadResult",
        "CreateMultipartUpload": "InitiateMultipartUploadResult",
        "CreateSession": "CreateSessionResult",
        "DeleteObjects": "DeleteResult",
        "GetBucketAccelerateConfiguration": "AccelerateConfiguration",
        "GetBucketAcl": "AccessControlPolicy",
        "GetBucketCors": "CORSConfiguration",
        "GetBucketLifecycle": "LifecycleConfiguration",
        "GetBucketLifecycleConfiguration": "LifecycleConfiguration",
        "GetBucketLogging": "BucketLoggingStatus",
        "GetBucketNotification": "NotificationConfiguration",
        "GetBucketNotificationConfiguration": "NotificationConfiguration",
        "GetBucketRequestPayment": "RequestPaymentConfiguration",
        "GetBucketTagging": "Tagging",
        "GetBucketVersioning": "VersioningConfiguration",
        "GetBucketWebsite": "WebsiteConfiguration",
        "GetObjectAcl": "AccessControlPolicy",
        "GetObjectAttributes": "GetObjectAttributesResponse",
        "GetObjectTagging": "Tagging",
        "ListBucketAnalyticsConfigurations": "ListBucketAnalyticsConfigurationResult",
        "ListBucketIntelligentTieringConfigurations": "ListBucketIntelligentTieringConfigurationsOutput",
        "ListBucketInventoryConfigurations": "ListInventoryConfigurationsResult",
        "ListBucketMetricsConfigurations": "ListMetricsConfigurationsResult",
        "ListBuckets": "ListAllMyBucketsResult",
        "ListDirectoryBuckets": "ListAllMyDirectoryBucketsResult",
        "ListMultipartUploads": "ListMultipartUploadsResult",
        "ListObjectVersions": "ListVersionsResult",
        "ListObjects": "ListBucketResult",
        "ListObjectsV2": "ListBucketResult",
        "ListParts": "ListPartsResult",
    },
}

# rest-xml operations whose whole output document is one member, as the root element's text
# (`<LocationConstraint>eu-west-1</LocationConstraint>`); the model cannot say so, botocore reads it with a
# handler of its own.
XML_MEMBER_AS_ROOT: dict[str, dict[str, str]] = {"s3": {"GetBucketLocation": "LocationConstraint"}}

# rest-xml operations that answer 206 Partial Content when the named output member is set (a ranged GetObject
# returns ContentRange); the model declares no statusCode member for it.
PARTIAL_CONTENT_MEMBER: dict[str, dict[str, str]] = {"s3": {"GetObject": "ContentRange"}}
