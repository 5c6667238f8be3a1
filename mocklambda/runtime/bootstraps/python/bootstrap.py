"""The Python runtime client: runs inside a function's process and serves it through the Lambda Runtime API.

What AWS's Python runtime (awslambdaric 4.x behind /var/runtime/bootstrap.py) does, restated: put the code root and
the layer directories on sys.path, import the handler (init errors with AWS's errorType/errorMessage, posted to
/runtime/init/error, then exit 1), then loop forever: GET /runtime/invocation/next, build the context object, call
the handler, POST the result or the error. Logging and stdout/stderr behave as in AWS's runtime.

Reads (at main() time): LAMBDA_TASK_ROOT (else the working directory), PYTHONPATH (layer directories), _HANDLER,
AWS_LAMBDA_RUNTIME_API (else 127.0.0.1:9001), AWS_LAMBDA_LOG_FORMAT, AWS_LAMBDA_LOG_LEVEL, AWS_EXECUTION_ENV (JSON
keeps non-ASCII from python3.12 on), and per invoke for the context AWS_LAMBDA_FUNCTION_NAME/_VERSION/_MEMORY_SIZE,
AWS_LAMBDA_LOG_GROUP_NAME/_LOG_STREAM_NAME. Writes _X_AMZN_TRACE_ID per invoke. Known differences from
awslambdaric: events are decoded with the standard json module, not simplejson (some Runtime.UnmarshalError
messages are worded differently), and a namedtuple result is a JSON array, not an object.

Must not: import anything outside the standard library (it runs under the function's interpreter, Python 3.9+,
so 3.9 syntax only), nor do anything at import time. A zygote imports this module once, forks, sets os.environ,
the working directory and the file descriptors in the child, then calls main(): main() reads everything then.
main() never returns: an init failure raises SystemExit(1) (as awslambdaric does); losing the Runtime API ends
the process at once with os._exit(1), so an orphaned function process never lingers.
"""
from __future__ import annotations

import contextlib
import importlib
import json
import logging
import os
import site
import socket
import sys
import time
import traceback

TYPE_CHECKING = False  # typing is not imported at run time: it would cost a cold start milliseconds
if TYPE_CHECKING:
    from typing import Any

_RUNTIME = "/2018-06-01/runtime"
_NEXT = _RUNTIME + "/invocation/next"
_DEFAULT_API = "127.0.0.1:9001"  # awslambdaric's fallback when AWS_LAMBDA_RUNTIME_API is unset
# awslambdaric drops the X-Ray cause header from 1 MiB up; HTTP servers refuse header lines over 64 KiB.
_XRAY_CAUSE_LIMIT = 60 * 1024
_LAMBDA_WARNING = (
    "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code. However, in "
    "rare cases, a Lambda runtime update can cause unexpected function behavior. For functions using managed "
    "runtimes, runtime updates can be triggered by a function change, or can be applied automatically. To "
    "determine if the runtime has been updated, check the runtime version in the INIT_START log entry. If this "
    "error correlates with a change in the runtime version, you may be able to mitigate this error by temporarily "
    "rolling back to the previous runtime version. For more information, see "
    "https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html\r"  # sic: AWS ends it with a CR
)
_TEXT_LOG_FORMAT = "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n"
_DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S"
# LogRecord attributes that AWS's JSON log format does not copy into the object.
_RESERVED_RECORD_FIELDS = frozenset((
    "name", "msg", "args", "levelname", "levelno", "pathname", "filename", "module", "exc_info", "exc_text",
    "stack_info", "lineno", "funcName", "created", "msecs", "relativeCreated", "thread", "threadName",
    "processName", "process", "aws_request_id", "tenant_id", "_frame_type",
))

# The invocation being served, read by the logging filter (AWS keeps it after the invoke ends, too).
_request_id: str | None = None
_tenant_id: str | None = None


class _Fault(Exception):
    """An error the runtime itself reports with a fixed errorType (Runtime.*), not a handler exception."""

    def __init__(self, error_type: str, message: str, trace: list[str] | None = None) -> None:
        super().__init__(message)
        self.error_type, self.message, self.trace = error_type, message, trace


class _Unreachable(Exception):
    """The Runtime API is gone or broke the protocol: the process must end."""


# ---------------------------------------------------------------------------------------------- Runtime API client
class _RuntimeApi:
    """A minimal HTTP/1.1 keep-alive client for the Runtime API. Not http.client: it imports ssl (~20 ms of cold
    start) and parses headers with the email package (measured: 4x the CPU per next+response round trip).
    No timeout anywhere: /next is a long poll that may block for as long as the environment is idle."""

    def __init__(self, address: str) -> None:
        host, _, port = address.rpartition(":")
        self.address = address
        # A bytes host: a str one costs an import of the idna codec in getaddrinfo, a millisecond at start.
        host = host.strip("[]") or "127.0.0.1"
        self._target = (host.encode("ascii") if host.isascii() else host.encode("idna"), int(port or 9001))
        self._sock: socket.socket | None = None
        self._reader: Any = None

    def close(self) -> None:
        for closable in (self._reader, self._sock):
            if closable is not None:
                with contextlib.suppress(OSError):
                    closable.close()
        self._sock = self._reader = None

    def request(self, method: str, path: str, body: bytes = b"", headers: str = "") -> tuple[int, dict[str, str], bytes]:
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.address}\r\n{headers}"
        if method != "GET":
            head += f"Content-Length: {len(body)}\r\n"
        data = (head + "\r\n").encode("latin-1")
        while True:
            sock = self._sock
            fresh = sock is None
            try:
                if sock is None:
                    sock = socket.create_connection(self._target)  # type: ignore[arg-type]  # bytes host works
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    self._sock, self._reader = sock, sock.makefile("rb")
                if len(body) < 65536:
                    sock.sendall(data + body)
                else:  # no copy of a large body; TCP_NODELAY makes two sends cost nothing extra
                    sock.sendall(data)
                    sock.sendall(body)
                return self._read_response()
            except (OSError, ValueError, IndexError) as exc:
                self.close()
                if fresh:
                    raise _Unreachable(f"{method} {path}: {exc!r}") from None
                # A reused keep-alive connection the server had closed (idle timeout): one retry on a new one.

    def _read_response(self) -> tuple[int, dict[str, str], bytes]:
        reader = self._reader
        line = reader.readline(65537)
        if not line:
            raise ConnectionResetError("connection closed by the Runtime API")
        status = int(line.split(None, 2)[1])
        headers = {}
        while True:
            line = reader.readline(65537)
            if line in (b"\r\n", b"\n"):
                break
            if not line:
                raise ConnectionResetError("connection closed in the response headers")
            name, _, value = line.partition(b":")
            # Header bytes as UTF-8, as awslambdaric's C client hands them to Python (Client-Context is JSON text).
            headers[name.strip().lower().decode("latin-1")] = value.strip().decode("utf-8", "replace")
        length = headers.get("content-length")
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = self._read_chunked()
        elif length is not None:
            size = int(length)
            body = reader.read(size) if size else b""
            if len(body) < size:
                raise ConnectionResetError("connection closed in the response body")
        else:
            body = reader.read()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, body

    def _read_chunked(self) -> bytes:
        reader, parts = self._reader, [b""]
        while True:
            size = int(reader.readline(65537).split(b";", 1)[0].strip(), 16)
            if size == 0:
                while reader.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(parts)
            chunk = reader.read(size)
            if len(chunk) < size:
                raise ConnectionResetError("connection closed in a chunk")
            parts.append(chunk)
            reader.readline(3)

    def post(self, path: str, body: bytes, headers: str) -> None:
        status, _, answer = self.request("POST", path, body, headers)
        if not 200 <= status < 300:  # awslambdaric raises (and the process dies) when a post is refused
            raise _Unreachable(f"POST {path} answered {status}: {answer[:500]!r}")


def _exit_unreachable(api: _RuntimeApi, error: BaseException) -> None:
    sys.stderr.write(f"mocklambda python runtime: Lambda Runtime API at {api.address} failed: {error}; exiting\n")
    os._exit(1)


# --------------------------------------------------------------------------------------------------- Marshalling
class _Marshaller:
    """JSON as awslambdaric writes it: Decimal as a number (its exact digits), NaN allowed, non-ASCII kept on
    python3.12+ runtimes (escaped before, as AWS does), bytes results passed through."""

    def __init__(self, execution_env: str) -> None:
        minor = execution_env.rpartition("python3.")[2]
        keep_unicode = int(minor) >= 12 if minor.isdigit() else sys.version_info >= (3, 12)
        self._encoder = json.JSONEncoder(ensure_ascii=not keep_unicode, allow_nan=True, default=self._default)
        self._decimals: list[str] = []
        self._marker = "\x00" + os.urandom(8).hex()  # stands for a Decimal inside a string during one encode

    def _default(self, value: object) -> object:
        decimal = sys.modules.get("decimal")  # a Decimal to encode means the module is loaded: no import here
        if decimal is not None and isinstance(value, decimal.Decimal):
            if value.is_nan():
                return float("nan")
            self._decimals.append(str(value))
            return f"{self._marker}{len(self._decimals) - 1}\x00"
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")

    def to_json(self, value: object) -> str:
        self._decimals = []
        text = self._encoder.encode(value)
        if self._decimals:
            # The markers came out as JSON strings: put the Decimal's own digits there, unquoted.
            marker = json.dumps(self._marker, ensure_ascii=self._encoder.ensure_ascii)[:-1]
            for index, digits in enumerate(self._decimals):
                text = text.replace(f"{marker}{index}\\u0000\"", digits, 1)
            self._decimals = []
        return text

    def response(self, result: object) -> tuple[bytes, str]:
        if isinstance(result, bytes):
            return result, "application/unknown"
        try:
            return self.to_json(result).encode("utf-8"), "application/json"
        except Exception as exc:
            raise _Fault("Runtime.MarshalError", f"Unable to marshal response: {exc}") from None


# ------------------------------------------------------------------------------------------------ Context object
class CognitoIdentity:
    __slots__ = ("cognito_identity_id", "cognito_identity_pool_id")
    cognito_identity_id: Any
    cognito_identity_pool_id: Any

    def __repr__(self) -> str:
        return (f"CognitoIdentity([cognito_identity_id={self.cognito_identity_id},"
                f"cognito_identity_pool_id={self.cognito_identity_pool_id}])")


class Client:
    __slots__ = ("installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name")
    installation_id: Any
    app_title: Any
    app_version_name: Any
    app_version_code: Any
    app_package_name: Any

    def __repr__(self) -> str:
        return (f"Client([installation_id={self.installation_id},app_title={self.app_title},"
                f"app_version_name={self.app_version_name},app_version_code={self.app_version_code},"
                f"app_package_name={self.app_package_name}])")


class ClientContext:
    __slots__ = ("custom", "env", "client")
    custom: Any
    env: Any
    client: Any

    def __repr__(self) -> str:
        return f"ClientContext([custom={self.custom},env={self.env},client={self.client}])"


def _from_dict(cls: Any, values: Any) -> Any:
    if values is None:
        return None
    obj = cls()
    for name in cls.__slots__:
        setattr(obj, name, values.get(name))
    return obj


def _parse_json_header(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except Exception as exc:
        raise _Fault("Runtime.LambdaContextUnmarshalError", f"Unable to parse {name} JSON: {exc}") from None


class LambdaContext:
    """The handler's `context`, member for member as awslambdaric builds it (memory_limit_in_mb is a string)."""

    def __init__(self, invoke_id: str, client_context: Any, cognito_identity: Any, deadline_ms: int,
                 invoked_function_arn: str | None = None, tenant_id: str | None = None) -> None:
        environ = os.environ
        self.aws_request_id = invoke_id
        self.log_group_name = environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.tenant_id = tenant_id
        self.client_context = _from_dict(ClientContext, client_context)
        if self.client_context is not None:
            context = self.client_context
            context.client = _from_dict(Client, context.client)
        self.identity = _from_dict(CognitoIdentity, {})
        if cognito_identity is not None:
            self.identity.cognito_identity_id = cognito_identity.get("cognitoIdentityId")
            self.identity.cognito_identity_pool_id = cognito_identity.get(
                "cognitoIdentityPoolId")
        self._epoch_deadline_time_in_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        remaining = self._epoch_deadline_time_in_ms - int(time.time() * 1000)
        return remaining if remaining > 0 else 0

    def log(self, msg: object) -> None:
        sys.stdout.write(str(msg))

    def __repr__(self) -> str:
        return (f"LambdaContext([aws_request_id={self.aws_request_id},log_group_name={self.log_group_name},"
                f"log_stream_name={self.log_stream_name},function_name={self.function_name},"
                f"memory_limit_in_mb={self.memory_limit_in_mb},function_version={self.function_version},"
                f"invoked_function_arn={self.invoked_function_arn},client_context={self.client_context},"
                f"identity={self.identity},tenant_id={self.tenant_id}])")


def _make_context(request_id: str, headers: dict[str, str]) -> LambdaContext:
    client_context = headers.get("lambda-runtime-client-context")
    cognito = headers.get("lambda-runtime-cognito-identity")
    try:
        deadline = int(headers.get("lambda-runtime-deadline-ms") or 0)
    except ValueError:
        deadline = 0
    return LambdaContext(
        request_id,
        _parse_json_header(client_context, "Client Context") if client_context else None,
        _parse_json_header(cognito, "Cognito Identity") if cognito else None,
        deadline,
        headers.get("lambda-runtime-invoked-function-arn", ""),
        headers.get("lambda-runtime-aws-tenant-id"),
    )


# ------------------------------------------------------------------------------------------------------- Logging
class _Unbuffered:
    """Every write reaches the file descriptor at once (AWS's runtime does the same), so a function's output is
    in the log before its response is posted and lands in the right invocation's log slice."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)

    def write(self, text: str) -> int:
        written: int = self.stream.write(text)
        self.stream.flush()
        return written

    def writelines(self, lines: Any) -> None:
        self.stream.writelines(lines)
        self.stream.flush()


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = _request_id or ""
        record.tenant_id = _tenant_id
        return True


class _StdoutHandler(logging.Handler):
    # No handleError: a record that fails to format raises into the caller, as under awslambdaric.
    def emit(self, record: logging.LogRecord) -> None:
        sys.stdout.write(self.format(record))


class _JsonFormatter(logging.Formatter):
    """AWS_LAMBDA_LOG_FORMAT=JSON: one object per record, keys in AWS's order, None values dropped."""

    _encode = json.JSONEncoder(ensure_ascii=False).encode

    def format(self, record: logging.LogRecord) -> str:
        record.levelno = min(50, max(0, record.levelno)) // 10 * 10
        record.levelname = logging.getLevelName(record.levelno)
        created = time.gmtime(record.created)
        exc_info = record.exc_info
        result = {
            "timestamp": f"{time.strftime(_DATETIME_FORMAT, created)}.{int(record.msecs):03d}Z",
            "level": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
            "stackTrace": traceback.format_tb(exc_info[2]) if exc_info else None,
            "errorType": exc_info[0].__name__ if exc_info and exc_info[0] else None,
            "errorMessage": str(exc_info[1]) if exc_info else None,
            "requestId": getattr(record, "aws_request_id", None),
            "location": f"{record.pathname}:{record.funcName}:{record.lineno}" if exc_info else None,
        }
        tenant_id = getattr(record, "tenant_id", None)
        if tenant_id is not None:
            result["tenantId"] = tenant_id
        for key, value in record.__dict__.items():
            if key not in _RESERVED_RECORD_FIELDS and key not in result:
                result[key] = value
        return self._encode({key: value for key, value in result.items() if value is not None}) + "\n"


def _setup_logging(json_format: bool, level: str) -> None:
    logging.Formatter.converter = time.gmtime  # AWS sets it for every formatter, the user's too
    handler = _StdoutHandler()
    if json_format:
        handler.setFormatter(_JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(_TEXT_LOG_FORMAT, _DATETIME_FORMAT))
    handler.addFilter(_RequestIdFilter())
    root = logging.getLogger()
    if isinstance(logging.getLevelName(level), int):
        root.setLevel(level)
    root.addHandler(handler)


def _log_error(error: dict, json_format: bool, marshaller: _Marshaller) -> None:
    """The line AWS's runtime prints for an unhandled error: text lines joined by CR, NBSP indentation."""
    if json_format:
        stamp = time.strftime(_DATETIME_FORMAT, time.gmtime())
        sys.stdout.write(marshaller.to_json({"timestamp": stamp, "level": "ERROR", **error}) + "\n")
        return
    description = "[ERROR]"
    if error["errorType"]:
        description += " " + error["errorType"]
    if error["errorMessage"]:
        description += (":" if error["errorType"] else "") + " " + error["errorMessage"]
    lines = [description, "Traceback (most recent call last):"]
    for element in error["stackTrace"]:
        if element == "":
            lines.append("")
        for line in element.splitlines():
            stripped = line.lstrip(" ")
            lines.append("\u00a0" * (len(line) - len(stripped)) + stripped)
    sys.stdout.write("\r".join(lines) + "\n")


# ----------------------------------------------------------------------------------------------- Errors and init
def _error(message: str, error_type: str, trace: list[str] | None, request_id: str = "") -> dict:
    return {"errorMessage": message or "", "errorType": error_type or "", "requestId": request_id,
            "stackTrace": trace or []}


def _user_frames(tb: Any) -> list[Any]:
    """(file, line, function, source) tuples of the traceback, minus the runtime's own leading frames. Tuples,
    not FrameSummary objects: formatted from tuples, Python 3.11+ prints no ^^^ markers, as in AWS's output."""
    frames = [(f.filename, f.lineno, f.name, f.line) for f in traceback.extract_tb(tb)]
    for index, frame in enumerate(frames):
        if frame[0] != _THIS_FILE:
            return frames[index:]
    return frames


def _xray_cause(error_type: str, message: str, frames: list[Any]) -> str:
    cause = {
        "working_directory": os.getcwd(),
        "exceptions": [{"message": message, "type": error_type,
                        "stack": [{"label": name, "path": path, "line": line} for path, line, name, _ in frames]}],
        "paths": sorted({path for path, _, _, _ in frames}),
    }
    text = json.dumps(cause)
    return text if len(text) < _XRAY_CAUSE_LIMIT else ""


def _load_handler(name: str) -> Any:
    """Import the handler as awslambdaric does; a _Fault carries AWS's errorType and errorMessage."""
    try:
        module_name, function_name = name.rsplit(".", 1)
    except ValueError:
        raise _Fault("Runtime.MalformedHandlerName",
                     f"Bad handler '{name}': not enough values to unpack (expected 2, got 1)") from None
    if module_name.split(".")[0] in sys.builtin_module_names:
        raise _Fault("Runtime.BuiltInModuleConflict", f"Cannot use built-in module {module_name} as a handler module")
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as exc:
        raise _Fault("Runtime.ImportModuleError", f"Unable to import module '{module_name}': {exc}") from None
    except SyntaxError as exc:
        trace = [f'  File "{exc.filename}" Line {exc.lineno}\n    {exc.text}']
        raise _Fault("Runtime.UserCodeSyntaxError", f"Syntax error in module '{module_name}': {exc}", trace) from None
    try:
        return getattr(module, function_name)
    except AttributeError:
        raise _Fault("Runtime.HandlerNotFound", f"Handler '{function_name}' missing on module '{module_name}'") from None


def _set_sys_path(task_root: str, pythonpath: str) -> None:
    """Code root first, then the layer directories from PYTHONPATH in their given order (AWS: /var/task, then
    /opt/python/lib/python3.X/site-packages, /opt/python), each a site dir so its .pth files work. A forked
    child did not start with this PYTHONPATH, so it is applied here, not left to the interpreter."""
    front = [os.path.abspath(task_root)] + [os.path.abspath(p) for p in pythonpath.split(os.pathsep) if p]
    front = list(dict.fromkeys(front))
    own_dir = os.path.dirname(os.path.abspath(_THIS_FILE))  # sys.path[0] when run as a script
    sys.path[:] = front + [p for p in sys.path if p not in front and p != own_dir]
    for directory in front:
        site.addsitedir(directory)


def _init(api: _RuntimeApi, json_format: bool, marshaller: _Marshaller) -> Any:
    try:
        return _load_handler(os.environ.get("_HANDLER", ""))
    except Exception as exc:
        if isinstance(exc, _Fault):
            error = _error(exc.message, exc.error_type, exc.trace)
        else:
            frames = _user_frames(exc.__traceback__)
            error = _error(str(exc), type(exc).__name__, traceback.format_list(frames))
        logging.warning(_LAMBDA_WARNING)
        _log_error(error, json_format, marshaller)
        headers = "Content-Type: application/json\r\n" + _error_type_header(error["errorType"])
        try:
            api.post(_RUNTIME + "/init/error", marshaller.to_json(error).encode("utf-8"), headers)
        except _Unreachable as unreachable:
            _exit_unreachable(api, unreachable)
        sys.exit(1)


def _error_type_header(error_type: str) -> str:
    # A header value must be latin-1: a non-ASCII class name stays in the body only.
    return f"Lambda-Runtime-Function-Error-Type: {error_type}\r\n" if error_type.isascii() else ""


# ------------------------------------------------------------------------------------------------- Invoke loop
def _serve(api: _RuntimeApi, handler: Any, json_format: bool, marshaller: _Marshaller) -> None:
    global _request_id, _tenant_id
    environ, loads, make_context, response = os.environ, json.loads, _make_context, marshaller.response
    invocation = _RUNTIME + "/invocation/"
    while True:
        status, headers, body = api.request("GET", _NEXT)
        request_id = headers.get("lambda-runtime-aws-request-id")
        if status != 200 or not request_id:
            raise _Unreachable(f"GET {_NEXT} answered {status} without a request id: {body[:500]!r}")
        _request_id, _tenant_id = request_id, headers.get("lambda-runtime-aws-tenant-id")
        trace_id = headers.get("lambda-runtime-trace-id")
        if trace_id:
            environ["_X_AMZN_TRACE_ID"] = trace_id
        else:
            environ.pop("_X_AMZN_TRACE_ID", None)
        try:
            context = make_context(request_id, headers)
            if headers.get("content-type") == "application/json":
                try:
                    event = loads(body)
                except Exception as exc:
                    raise _Fault("Runtime.UnmarshalError", f"Unable to unmarshal input: {exc}") from None
            else:
                event = body
            payload, content_type = response(handler(event, context))
        except _Fault as fault:
            error = _error(fault.message, fault.error_type, fault.trace, request_id)
            cause = _xray_cause("LambdaValidationError", fault.message, [])
        except Exception as exc:
            frames = _user_frames(exc.__traceback__)
            error = _error(str(exc), type(exc).__name__, traceback.format_list(frames), request_id)
            cause = _xray_cause(type(exc).__name__, str(exc), frames)
        else:
            api.post(f"{invocation}{request_id}/response", payload, f"Content-Type: {content_type}\r\n")
            continue
        _log_error(error, json_format, marshaller)
        headers_out = "Content-Type: application/json\r\n" + _error_type_header(error["errorType"])
        if cause:
            headers_out += f"Lambda-Runtime-Function-XRay-Error-Cause: {cause}\r\n"
        api.post(f"{invocation}{request_id}/error", marshaller.to_json(error).encode("utf-8"), headers_out)


def main() -> None:
    """Run the runtime in this process: everything comes from os.environ as it is now (see the module doc)."""
    environ = os.environ
    _set_sys_path(environ.get("LAMBDA_TASK_ROOT") or os.getcwd(), environ.get("PYTHONPATH", ""))
    if not isinstance(sys.stdout, _Unbuffered):
        sys.stdout = _Unbuffered(sys.stdout)
    if not isinstance(sys.stderr, _Unbuffered):
        sys.stderr = _Unbuffered(sys.stderr)
    json_format = (environ.get("AWS_LAMBDA_LOG_FORMAT") or "").upper() == "JSON"
    level = (environ.get("AWS_LAMBDA_LOG_LEVEL") or "").upper()
    _setup_logging(json_format, "DEBUG" if level == "TRACE" else level)
    marshaller = _Marshaller(environ.get("AWS_EXECUTION_ENV", ""))
    api = _RuntimeApi(environ.get("AWS_LAMBDA_RUNTIME_API") or _DEFAULT_API)
    handler = _init(api, json_format, marshaller)
    try:
        _serve(api, handler, json_format, marshaller)
    except _Unreachable as unreachable:
        _exit_unreachable(api, unreachable)


_THIS_FILE = main.__code__.co_filename  # frames of this file are the runtime's, not the function's

if __name__ == "__main__":
    main()
