"""Sluice's bootstrap for Python Lambda handlers.

Sluice starts this script as ``python3 bootstrap.py`` with the environment
Lambda gives a function (AWS_LAMBDA_RUNTIME_API, LAMBDA_TASK_ROOT, _HANDLER
and the rest). It imports the handler, then serves invocations through the
Lambda Runtime API (2018-06-01) until the API goes away: it asks for the
next event, calls the handler with the event and a context object, and posts
the result or the error back.

Only the standard library is used, and Python 3.9 is the oldest supported.
"""

import decimal
import http.client
import importlib
import json
import logging
import os
import sys
import time
import traceback

API_VERSION = "2018-06-01"
ERROR_CONTENT_TYPE = "application/vnd.aws.lambda.error+json"


class RuntimeAPIError(Exception):
    """The Runtime API could not be reached or refused a request."""


class Fault(Exception):
    """A failure that Lambda reports with one of its own Runtime.* types."""

    def __init__(self, error_type, message, stack_trace=None):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.stack_trace = stack_trace or []


class RuntimeClient:
    """A client for the Runtime API that keeps one connection open."""

    def __init__(self, address):
        self.address = address
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        """Sends one request and returns (status, headers, body).

        A connection that the server closed while idle is opened again once.
        """
        url = "/" + API_VERSION + path
        for attempt in (1, 2):
            if self.conn is None:
                # No timeout: /next blocks until an invocation arrives.
                self.conn = http.client.HTTPConnection(self.address)
            try:
                self.conn.request(method, url, body=body, headers=headers or {})
                resp = self.conn.getresponse()
                data = resp.read()
            except (http.client.HTTPException, OSError) as e:
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise RuntimeAPIError("%s %s: %s" % (method, url, e))
                continue
            if resp.will_close:
                self.conn.close()
                self.conn = None
            return resp.status, resp.headers, data
        raise RuntimeAPIError("%s %s: unreachable" % (method, url))

    def next_invocation(self):
        status, headers, body = self.request("GET", "/runtime/invocation/next")
        if status != 200:
            raise RuntimeAPIError(
                "GET /runtime/invocation/next: HTTP %d: %s"
                % (status, body.decode("utf-8", "replace"))
            )
        return headers, body

    def post(self, path, body, headers):
        status, _, data = self.request("POST", path, body=body, headers=headers)
        if status >= 500:
            raise RuntimeAPIError(
                "POST %s: HTTP %d: %s" % (path, status, data.decode("utf-8", "replace"))
            )
        if status >= 300:
            # Lambda refuses a response that is too large, or an unknown
            # request ID; the invocation has ended either way.
            sys.stderr.write(
                "sluice bootstrap: POST %s: HTTP %d: %s\n"
                % (path, status, data.decode("utf-8", "replace"))
            )

    def post_response(self, request_id, payload):
        self.post(
            "/runtime/invocation/%s/response" % request_id,
            payload,
            {"Content-Type": "application/json"},
        )

    def post_error(self, request_id, error, header_type):
        self.post(
            "/runtime/invocation/%s/error" % request_id,
            json.dumps(error).encode("utf-8"),
            {
                "Content-Type": ERROR_CONTENT_TYPE,
                "Lambda-Runtime-Function-Error-Type": header_type,
            },
        )

    def post_init_error(self, error):
        self.post(
            "/runtime/init/error",
            json.dumps(error).encode("utf-8"),
            {
                "Content-Type": ERROR_CONTENT_TYPE,
                "Lambda-Runtime-Function-Error-Type": error["errorType"],
            },
        )


# --- Context -----------------------------------------------------------------


class CognitoIdentity:
    """The Amazon Cognito identity that invoked the function, if any."""

    __slots__ = ("cognito_identity_id", "cognito_identity_pool_id")

    def __init__(self, doc=None):
        doc = doc if isinstance(doc, dict) else {}
        self.cognito_identity_id = doc.get("cognitoIdentityId")
        self.cognito_identity_pool_id = doc.get("cognitoIdentityPoolId")

    def __repr__(self):
        return "CognitoIdentity([cognito_identity_id=%s,cognito_identity_pool_id=%s])" % (
            self.cognito_identity_id,
            self.cognito_identity_pool_id,
        )


class Client:
    """The mobile client application that invoked the function."""

    __slots__ = (
        "installation_id",
        "app_title",
        "app_version_name",
        "app_version_code",
        "app_package_name",
    )

    def __init__(self, doc):
        for name in self.__slots__:
            setattr(self, name, doc.get(name))

    def __repr__(self):
        return "Client(%s)" % ",".join(
            "%s=%s" % (name, getattr(self, name)) for name in self.__slots__
        )


class ClientContext:
    """Client context sent by the AWS Mobile SDK with the invocation."""

    __slots__ = ("client", "custom", "env")

    def __init__(self, doc):
        client = doc.get("client")
        self.client = Client(client) if isinstance(client, dict) else None
        self.custom = doc.get("custom")
        self.env = doc.get("env")

    def __repr__(self):
        return "ClientContext([client=%s,custom=%s,env=%s])" % (
            self.client,
            self.custom,
            self.env,
        )


def _memory_size():
    try:
        return int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"))
    except ValueError:
        return 128


class LambdaContext:
    """The context object passed to the handler, as in AWS's Python runtime."""

    def __init__(self, request_id, deadline_ms, function_arn, client_context, identity, tenant_id):
        self.aws_request_id = request_id
        self.invoked_function_arn = function_arn
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = _memory_size()
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.client_context = ClientContext(client_context) if isinstance(client_context, dict) else None
        self.identity = CognitoIdentity(identity)
        self.tenant_id = tenant_id
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        """Returns the milliseconds left before the invocation times out."""
        remaining = self._deadline_ms - int(time.time() * 1000)
        return remaining if remaining > 0 else 0

    def log(self, msg):
        sys.stdout.write(str(msg))
        sys.stdout.flush()

    def __repr__(self):
        return (
            "LambdaContext([aws_request_id=%s,log_group_name=%s,log_stream_name=%s,"
            "function_name=%s,memory_limit_in_mb=%s,function_version=%s,"
            "invoked_function_arn=%s,client_context=%s,identity=%s])"
            % (
                self.aws_request_id,
                self.log_group_name,
                self.log_stream_name,
                self.function_name,
                self.memory_limit_in_mb,
                self.function_version,
                self.invoked_function_arn,
                self.client_context,
                self.identity,
            )
        )


# --- Errors --------------------------------------------------------------------


_THIS_FILE = os.path.abspath(__file__)
_IMPORTLIB_DIR = os.path.dirname(os.path.abspath(importlib.__file__)) + os.sep


def format_stack(tb):
    """Formats a traceback as Lambda reports it: one string per frame.

    Frames of this bootstrap and of the import machinery are left out, so
    that only the function's own code shows.
    """
    lines = []
    for frame in traceback.extract_tb(tb):
        name = frame.filename
        if name == _THIS_FILE or name.startswith("<frozen ") or name.startswith(_IMPORTLIB_DIR):
            continue
        entry = '  File "%s", line %s, in %s\n' % (frame.filename, frame.lineno, frame.name)
        if frame.line:
            entry += "    %s\n" % frame.line.strip()
        lines.append(entry)
    return lines


def error_document(exc, tb, request_id=None):
    """Builds the JSON document for an exception raised by user code."""
    if isinstance(exc, Fault):
        doc = {"errorMessage": exc.message, "errorType": exc.error_type}
        stack = exc.stack_trace
    else:
        doc = {"errorMessage": str(exc), "errorType": type(exc).__name__}
        stack = format_stack(tb)
    if request_id is not None:
        doc["requestId"] = request_id
    doc["stackTrace"] = stack
    return doc


def log_error(doc):
    """Writes an error document to stderr, as Lambda logs one."""
    text = "[ERROR] %s: %s" % (doc["errorType"], doc["errorMessage"])
    if doc.get("stackTrace"):
        text += "\nTraceback (most recent call last):\n" + "".join(doc["stackTrace"])
    sys.stderr.write(text.rstrip("\n") + "\n")
    sys.stderr.flush()


# --- Handler -----------------------------------------------------------------


def load_handler(handler):
    """Imports the module named by _HANDLER and returns its function.

    Raises Fault with the Runtime.* type Lambda uses when it cannot; an
    exception raised by the module's own top-level code propagates as is.
    """
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise Fault("Runtime.MalformedHandlerName", "Bad handler '%s': %s" % (handler, e))
    if not modname or not fname:
        raise Fault("Runtime.MalformedHandlerName", "Bad handler '%s'" % handler)
    dotted = modname.replace("/", ".")
    if dotted.split(".")[0] in sys.builtin_module_names:
        raise Fault(
            "Runtime.BuiltInModuleConflict",
            "Cannot use built-in module %s as a handler module" % modname,
        )
    try:
        module = importlib.import_module(dotted)
    except ImportError as e:
        raise Fault(
            "Runtime.ImportModuleError",
            "Unable to import module '%s': %s" % (modname, e),
        )
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n        %s\n' % (e.filename, e.lineno, (e.text or "").strip())]
        raise Fault(
            "Runtime.UserCodeSyntaxError",
            "Syntax error in module '%s': %s" % (modname, e),
            trace,
        )
    try:
        return getattr(module, fname)
    except AttributeError:
        raise Fault(
            "Runtime.HandlerNotFound",
            "Handler '%s' missing on module '%s'" % (fname, modname),
        )


# --- Logging -----------------------------------------------------------------


class _RequestIDFilter(logging.Filter):
    """Adds the current request ID to every log record as aws_request_id."""

    request_id = None

    def filter(self, record):
        record.aws_request_id = self.request_id
        return True


_request_id_filter = _RequestIDFilter()


def setup_logging():
    """Gives the root logger a handler, as Lambda does.

    Without one, logger.info() prints nothing even after the handler raises
    the level, which is not what functions written for Lambda expect.
    """
    handler = logging.StreamHandler(sys.stdout)
    formatter = logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
        "%Y-%m-%dT%H:%M:%S",
    )
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(_request_id_filter)
    logging.getLogger().addHandler(handler)


# --- Main loop -----------------------------------------------------------------


def _default(obj):
    if isinstance(obj, decimal.Decimal):
        if obj.is_finite() and obj == obj.to_integral_value():
            return int(obj)
        return float(obj)
    raise TypeError("Object of type %s is not JSON serializable" % type(obj).__name__)


def _json_header(headers, name):
    raw = headers.get(name)
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def handle(client, handler, headers, body):
    """Runs one invocation and posts its outcome."""
    request_id = headers.get("Lambda-Runtime-Aws-Request-Id", "")
    try:
        deadline_ms = int(headers.get("Lambda-Runtime-Deadline-Ms", "0"))
    except ValueError:
        deadline_ms = 0
    trace_id = headers.get("Lambda-Runtime-Trace-Id")
    if trace_id:
        os.environ["_X_AMZN_TRACE_ID"] = trace_id
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)
    _request_id_filter.request_id = request_id

    context = LambdaContext(
        request_id,
        deadline_ms,
        headers.get("Lambda-Runtime-Invoked-Function-Arn"),
        _json_header(headers, "Lambda-Runtime-Client-Context"),
        _json_header(headers, "Lambda-Runtime-Cognito-Identity"),
        headers.get("Lambda-Runtime-Aws-Tenant-Id"),
    )

    error = None
    payload = None
    try:
        try:
            event = json.loads(body) if body else None
        except ValueError as e:
            raise Fault("Runtime.UnmarshalError", "Unable to unmarshal input: %s" % e)
        result = handler(event, context)
        try:
            payload = json.dumps(result, default=_default, ensure_ascii=False).encode("utf-8")
        except (TypeError, ValueError, RecursionError) as e:
            raise Fault("Runtime.MarshalError", "Unable to marshal response: %s" % e)
    except Exception as e:
        error = error_document(e, e.__traceback__, request_id)
        log_error(error)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()

    if error is not None:
        client.post_error(request_id, error, "Unhandled")
    else:
        client.post_response(request_id, payload)


def main():
    address = os.environ.get("AWS_LAMBDA_RUNTIME_API")
    if not address:
        sys.stderr.write("sluice bootstrap: AWS_LAMBDA_RUNTIME_API is not set\n")
        return 1
    client = RuntimeClient(address)
    # Lines reach the log as they are printed, not when a buffer fills.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(line_buffering=True)
        except (AttributeError, ValueError):
            pass

    # The directory of this script must not shadow the function's modules.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    task_root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    sys.path.insert(0, task_root)
    setup_logging()

    try:
        handler = load_handler(os.environ.get("_HANDLER", ""))
    except Exception as e:
        doc = error_document(e, e.__traceback__)
        log_error(doc)
        try:
            client.post_init_error(doc)
        except RuntimeAPIError as api_err:
            sys.stderr.write("sluice bootstrap: %s\n" % api_err)
        return 1
    sys.stdout.flush()

    while True:
        try:
            headers, body = client.next_invocation()
        except RuntimeAPIError as e:
            sys.stderr.write("sluice bootstrap: %s\n" % e)
            return 1
        try:
            handle(client, handler, headers, body)
        except RuntimeAPIError as e:
            sys.stderr.write("sluice bootstrap: %s\n" % e)
            return 1


if __name__ == "__main__":
    sys.exit(main())
