"""The registry handle, host catalogs and log sinks over the C ABI."""
import ctypes
import json
import threading

from . import _native
from . import errors

LOG_DEBUG = 0
LOG_INFO = 1
LOG_WARNING = 2
LOG_ERROR = 3

TECHNOLOGIES = ("redshift", "postgresql")


def _to_bytes(value, what):
    """JSON input as bytes: dicts and lists are encoded, text is sent as is.

    Text is passed through untouched so that a caller can send exactly the
    bytes it received (and see dsh's own error for text that is not JSON).
    """
    if value is None:
        return b""
    if isinstance(value, bytes):
        return value
    if isinstance(value, bytearray):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (dict, list)):
        return json.dumps(value).encode("utf-8")
    raise TypeError(f"{what} must be a dict, list, str or bytes, not "
                    f"{type(value).__name__}")


def _raise_from(lib, status, error_ptr):
    """Turns a failed status and its dsh_error into a dsh.Error."""
    if not error_ptr:
        raise errors.error_class(status)(
            f"dsh call failed with status {status}", code=status)
    try:
        code = lib.dsh_error_code(error_ptr)
        message = (lib.dsh_error_message(error_ptr) or b"").decode(
            "utf-8", "replace")
        raw_details = lib.dsh_error_details(error_ptr) or b"{}"
        offset = lib.dsh_error_offset(error_ptr)
    finally:
        lib.dsh_error_free(error_ptr)
    try:
        details = json.loads(raw_details.decode("utf-8", "replace"))
    except ValueError:
        details = {}
    if isinstance(details, dict) and isinstance(details.get("error"), dict):
        details = details["error"]
    problems = []
    for problem in (details.get("problems") or []
                    if isinstance(details, dict) else []):
        if isinstance(problem, dict):
            problems.append((problem.get("pointer", ""),
                             problem.get("message", "")))
    raise errors.error_class(code)(
        message, code=code, problems=problems,
        offset=offset if offset >= 0 else None, details=details)


def _take_buffer(lib, pointer, length):
    """Copies a buffer dsh returned and releases it."""
    if not pointer.value:
        return b""
    try:
        return ctypes.string_at(pointer.value, length.value)
    finally:
        lib.dsh_free(pointer.value)


class _Buffers:
    """Hands callback results to dsh in malloc'ed memory it frees later."""

    def __init__(self):
        self._libc = _native.libc()

    def give(self, data, response, response_len):
        address = self._libc.malloc(len(data) + 1)
        if not address:
            return False
        ctypes.memmove(address, data, len(data))
        ctypes.memset(address + len(data), 0, 1)
        response[0] = address
        response_len[0] = len(data)
        return True

    def free(self, _user_data, address):
        if address:
            self._libc.free(address)


def _catalog_callback(buffers, method_name, catalog):
    """Wraps catalog.<method_name>(request dict) -> dict as a C callback.

    No Python exception may unwind into C: every failure becomes a status
    code with the exception's message as the response text, which dsh
    passes on to the caller unchanged.
    """

    def callback(_user_data, request, request_len, response, response_len):
        try:
            method = getattr(catalog, method_name, None)
            if method is None:
                raise errors.Unsupported(
                    f"the host catalog {type(catalog).__name__} has no "
                    f"{method_name}")
            text = ctypes.string_at(request, request_len).decode("utf-8")
            answer = method(json.loads(text))
            data = json.dumps(answer).encode("utf-8")
            status = errors.OK
        except BaseException as e:  # pylint: disable=broad-except
            message = str(e) or type(e).__name__
            if isinstance(e, errors.Error):
                message = e.message or message
            data = message.encode("utf-8", "replace")
            status = errors.status_of(e)
        try:
            if not buffers.give(data, response, response_len):
                return errors.INTERNAL
        except BaseException:  # pylint: disable=broad-except
            return errors.INTERNAL
        return status

    return _native.DescribeTablesFn(callback)


def _log_callback(sink):
    def callback(_user_data, level, text, text_len):
        try:
            sink(level, ctypes.string_at(text, text_len).decode(
                "utf-8", "replace"))
        except BaseException:  # pylint: disable=broad-except
            # A failing log sink must not fail the operation that logged.
            pass

    return _native.LogFn(callback)


class Registry:
    """A registry of data sources, opened over libdsh.

    Use it as a context manager so that it is closed:

        with dsh.Registry({"store": {"kind": "memory"}}) as registry:
            created = registry.create(payload)

    `options` is the JSON of dsh_registry_open, as a dict or text (None:
    every default). `catalog` is an optional host catalog: an object with
    describe_tables(request) and list_tables(request) methods taking and
    returning dicts (see TableCatalog); without it dsh reads the databases'
    catalogs itself. `log` is an optional callable(level, text) receiving
    each log line at `log_level` or above.

    Operations may be called from many threads at once; close() must not
    race them. Each operation returns the response JSON parsed into a dict
    and raises a dsh.Error subclass on failure.
    """

    def __init__(self, options=None, catalog=None, log=None,
                 log_level=LOG_INFO, library=None):
        self._lib = _native.load(library)
        self._handle = None
        self._callbacks = []
        host = None
        if catalog is not None or log is not None:
            host = _native.Host()
            host.version = _native.HOST_VERSION
            host.log_level = log_level
            if catalog is not None:
                buffers = _Buffers()
                host.describe_tables = _catalog_callback(
                    buffers, "describe_tables", catalog)
                host.list_tables = _catalog_callback(
                    buffers, "list_tables", catalog)
                host.free_buffer = _native.FreeBufferFn(buffers.free)
                self._callbacks += [host.describe_tables, host.list_tables,
                                    host.free_buffer, buffers]
            if log is not None:
                host.log = _log_callback(log)
                self._callbacks.append(host.log)
            # dsh copies the struct, but the callbacks it points at must
            # live as long as the registry: self._callbacks keeps them.
            self._callbacks.append(host)
        data = _to_bytes(options, "options")
        handle = _native.RegistryP()
        error = _native.ErrorP()
        status = self._lib.dsh_registry_open(
            data, len(data), ctypes.byref(host) if host is not None else None,
            ctypes.byref(handle), ctypes.byref(error))
        if status != errors.OK:
            _raise_from(self._lib, status, error)
        self._handle = handle

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
        return False

    def __del__(self):
        try:
            self.close()
        except Exception:  # pylint: disable=broad-except
            pass

    @property
    def closed(self):
        return self._handle is None

    def close(self):
        """Releases the registry. Calling it again does nothing."""
        handle, self._handle = self._handle, None
        if handle:
            self._lib.dsh_registry_destroy(handle)

    def _live_handle(self):
        if self._handle is None:
            raise errors.InvalidArgument("the registry is closed")
        return self._handle

    def _call(self, function, *args):
        out = ctypes.c_void_p()
        out_len = ctypes.c_size_t()
        error = _native.ErrorP()
        status = function(self._live_handle(), *args, ctypes.byref(out),
                          ctypes.byref(out_len), ctypes.byref(error))
        if status != errors.OK:
            _take_buffer(self._lib, out, out_len)
            _raise_from(self._lib, status, error)
        text = _take_buffer(self._lib, out, out_len)
        return json.loads(text.decode("utf-8")) if text else {}

    @staticmethod
    def _technology(technology):
        return technology.encode("ascii")

    @staticmethod
    def _id(value, name):
        """`value` as an id the C ABI takes: an int from 1 to 2**63 - 1.

        ctypes would wrap a larger int silently and act on another record.
        """
        if (isinstance(value, bool) or not isinstance(value, int) or
                not 1 <= value <= 2**63 - 1):
            raise errors.InvalidRequest(
                f"{name} must be an integer from 1 to 2**63 - 1",
                problems=[("/" + name, "must be an integer from 1 to "
                           "2**63 - 1")])
        return value

    def create(self, payload, technology="redshift"):
        """POST /{technology}/handler: registers the payload's tables."""
        data = _to_bytes(payload, "payload")
        return self._call(self._lib.dsh_create, self._technology(technology),
                          data, len(data))

    def validate(self, payload, technology="redshift"):
        """Checks a create payload without a database or a store change."""
        data = _to_bytes(payload, "payload")
        return self._call(self._lib.dsh_validate,
                          self._technology(technology), data, len(data))

    def get_handler(self, handler_id, technology="redshift",
                    skip_cache=False):
        """GET /{technology}/handler/{id}; skip_cache reads the catalog."""
        return self._call(self._lib.dsh_get_handler,
                          self._technology(technology),
                          self._id(handler_id, "handlerId"),
                          1 if skip_cache else 0)

    def update_handler(self, handler_id, body, technology="redshift",
                       skip_cache=False):
        """PUT /{technology}/handler/{id}: replaces the handler's metadata."""
        data = _to_bytes(body, "body")
        return self._call(self._lib.dsh_update_handler,
                          self._technology(technology),
                          self._id(handler_id, "handlerId"), data,
                          len(data), 1 if skip_cache else 0)

    def bulk_update(self, body, technology="redshift"):
        """PUT /{technology}/bulk: moves every handler of one connection."""
        data = _to_bytes(body, "body")
        return self._call(self._lib.dsh_bulk_update,
                          self._technology(technology), data, len(data))

    def detect_remote_changes(self, body=None):
        """PUT /dataSource/detectRemoteChanges (None: every data source)."""
        data = _to_bytes(body, "body")
        return self._call(self._lib.dsh_detect_remote_changes, data,
                          len(data))

    def get_dictionary(self, data_source_id):
        """GET /dictionary/{id}."""
        return self._call(self._lib.dsh_get_dictionary,
                          self._id(data_source_id, "dataSourceId"))

    def delete_data_source(self, data_source_id):
        """DELETE /dataSource/{id}: removes it and its handler."""
        return self._call(self._lib.dsh_delete_data_source,
                          self._id(data_source_id, "dataSourceId"))

    def route_bytes(self, method, target, body=None):
        """One REST request in, (HTTP status, response body bytes) out.

        Errors of the request itself (unknown route, bad JSON, a name
        conflict...) are answers with a 4xx/5xx status, not exceptions.
        """
        data = _to_bytes(body, "body")
        target_bytes = target.encode("utf-8")
        http_status = ctypes.c_int32()
        out = ctypes.c_void_p()
        out_len = ctypes.c_size_t()
        error = _native.ErrorP()
        status = self._lib.dsh_route(
            self._live_handle(), method.encode("ascii"), target_bytes,
            len(target_bytes), data, len(data), ctypes.byref(http_status),
            ctypes.byref(out), ctypes.byref(out_len), ctypes.byref(error))
        if status != errors.OK:
            _take_buffer(self._lib, out, out_len)
            _raise_from(self._lib, status, error)
        return http_status.value, _take_buffer(self._lib, out, out_len)

    def route(self, method, target, body=None):
        """As route_bytes, with the body parsed: (status, dict or None)."""
        http_status, text = self.route_bytes(method, target, body)
        return http_status, json.loads(text.decode("utf-8")) if text else None


class TableCatalog:
    """A host catalog kept in Python: tables added by hand.

    It answers dsh's describe_tables and list_tables requests with the
    same name resolution as a database catalog: an exact schema and table
    match wins, otherwise a case-insensitive match when exactly one relation
    matches; two or more are "ambiguous". Hosts compare case-insensitively,
    ports as numbers, databases exactly. Thread-safe.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._tables = {}  # (host, port, database) -> {(schema, table): entry}

    @staticmethod
    def _key(host, port, database):
        return (str(host).strip().lower().rstrip("."), int(port),
                str(database))

    def add_table(self, host, port, database, schema, table, columns,
                  kind="table"):
        """Adds or replaces a relation.

        `columns` is a list of dicts with name and remoteType, and optionally
        dataType, nullable (default True) and primaryKey (default False).
        """
        cleaned = []
        for column in columns:
            entry = {"name": column["name"],
                     "remoteType": column["remoteType"],
                     "nullable": bool(column.get("nullable", True)),
                     "primaryKey": bool(column.get("primaryKey", False))}
            if column.get("dataType"):
                entry["dataType"] = column["dataType"]
            cleaned.append(entry)
        with self._lock:
            self._tables.setdefault(self._key(host, port, database), {})[
                (schema, table)] = {"kind": kind, "columns": cleaned}

    def drop_table(self, host, port, database, schema, table):
        with self._lock:
            self._tables.get(self._key(host, port, database), {}).pop(
                (schema, table), None)

    @classmethod
    def from_dict(cls, spec):
        """Builds a catalog from {"databases": [{"host", "port", "database",
        "tables": [{"schema", "table", "kind", "columns": [...]}]}]}."""
        catalog = cls()
        for database in spec.get("databases", []):
            for table in database.get("tables", []):
                catalog.add_table(database["host"], database["port"],
                                  database["database"], table["schema"],
                                  table["table"], table.get("columns", []),
                                  table.get("kind", "table"))
        return catalog

    def _database(self, connection):
        key = self._key(connection.get("host", ""), connection.get("port", 0),
                        connection.get("database", ""))
        with self._lock:
            return key, dict(self._tables.get(key, {}))

    def describe_tables(self, request):
        key, relations = self._database(request.get("connection", {}))
        where = f"{key[0]}:{key[1]}/{key[2]}"
        answers = []
        for wanted in request.get("tables", []):
            schema, table = wanted.get("schema", ""), wanted.get("table", "")
            answer = {"schema": schema, "table": table}
            found = relations.get((schema, table))
            if found is not None:
                matches = [(schema, table)]
            else:
                matches = sorted(
                    name for name in relations
                    if name[0].lower() == schema.lower() and
                    name[1].lower() == table.lower())
            if len(matches) == 1:
                entry = relations[matches[0]]
                answer.update(schema=matches[0][0], table=matches[0][1],
                              status="ok", message="", kind=entry["kind"],
                              columns=[dict(c) for c in entry["columns"]])
            elif not matches:
                answer.update(status="not_found", message=(
                    f'relation "{schema}"."{table}" does not exist in '
                    f"{where}"), columns=[])
            else:
                names = ", ".join(f'"{s}"."{t}"' for s, t in matches)
                answer.update(status="ambiguous", message=(
                    f'"{schema}"."{table}" matches more than one relation '
                    f"in {where}: {names}"), columns=[])
            answers.append(answer)
        return {"tables": answers}

    def list_tables(self, request):
        _, relations = self._database(request.get("connection", {}))
        schemas = request.get("schemas") or []
        return {"tables": [{"schema": s, "table": t}
                           for s, t in sorted(relations)
                           if not schemas or s in schemas]}
