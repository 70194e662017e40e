"""One Python exception per dsh status code (include/dsh/c.h)."""

OK = 0
INVALID_REQUEST = 1
MALFORMED_JSON = 2
NAME_CONFLICT = 3
NOT_FOUND = 4
UNAVAILABLE = 5
TIMEOUT = 6
PERMISSION_DENIED = 7
UNSUPPORTED = 8
FAILED_PRECONDITION = 9
ABORTED = 10
INTERNAL = 11
INVALID_ARGUMENT = 12


class Error(Exception):
    """A call into dsh failed.

    Attributes:
      code: the DSH_* status code (an int).
      message: what went wrong, naming the input that caused it.
      problems: every problem found, as (JSON Pointer, message) pairs; empty
        when the failure is not about one field.
      offset: the byte offset of malformed JSON, else None.
      details: the error's details as dsh wrote them (a dict).
    """

    # The status code a subclass stands for; Error itself covers codes this
    # package does not know.
    code = None

    def __init__(self, message, code=None, problems=(), offset=None,
                 details=None):
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message
        self.problems = [tuple(p) for p in problems]
        self.offset = offset
        self.details = details if details is not None else {}

    def __str__(self):
        if not self.problems:
            return self.message
        lines = [self.message]
        for pointer, text in self.problems:
            line = f"{pointer}: {text}"
            if line != self.message:
                lines.append("  " + line)
        return "\n".join(lines)


class InvalidRequest(Error):
    """The request breaks a rule; `problems` says which fields."""
    code = INVALID_REQUEST


class MalformedJson(Error):
    """The text is not JSON; `offset` is where reading stopped."""
    code = MALFORMED_JSON


class NameConflict(Error):
    """A data source name or SQL table name is already taken."""
    code = NAME_CONFLICT


class NotFound(Error):
    """No such handler, data source or table."""
    code = NOT_FOUND


class Unavailable(Error):
    """The database or the store could not be reached; retry later."""
    code = UNAVAILABLE


class Timeout(Error):
    """A read timed out; retry later."""
    code = TIMEOUT


class PermissionDenied(Error):
    """The database refused the login."""
    code = PERMISSION_DENIED


class Unsupported(Error):
    """dsh does not do what was asked."""
    code = UNSUPPORTED


class FailedPrecondition(Error):
    """A setting does not fit the current state."""
    code = FAILED_PRECONDITION


class Aborted(Error):
    """The store changed during the call; send it again."""
    code = ABORTED


class Internal(Error):
    """A bug in dsh or a corrupt store."""
    code = INTERNAL


class InvalidArgument(Error):
    """A closed registry, or an argument the C ABI refuses."""
    code = INVALID_ARGUMENT


_BY_CODE = {cls.code: cls for cls in (
    InvalidRequest, MalformedJson, NameConflict, NotFound, Unavailable,
    Timeout, PermissionDenied, Unsupported, FailedPrecondition, Aborted,
    Internal, InvalidArgument)}


def error_class(code):
    """The exception class for a status code (Error for unknown codes)."""
    return _BY_CODE.get(code, Error)


def status_of(exception):
    """The status code a host callback returns for `exception`.

    A dsh.Error keeps its code; a connection or OS failure means the host's
    catalog could not be reached (UNAVAILABLE), a timeout is TIMEOUT, a
    permission failure PERMISSION_DENIED; anything else is a bug in the
    host (INTERNAL).
    """
    if isinstance(exception, Error) and exception.code:
        return exception.code
    if isinstance(exception, TimeoutError):
        return TIMEOUT
    if isinstance(exception, PermissionError):
        return PERMISSION_DENIED
    if isinstance(exception, (ConnectionError, OSError)):
        return UNAVAILABLE
    if isinstance(exception, NotImplementedError):
        return UNSUPPORTED
    return INTERNAL
