"""Python bindings of dsh over its C ABI (ctypes; no compiler needed).

    import dsh
    with dsh.Registry({"store": {"kind": "memory"}}) as registry:
        created = registry.create(payload)
        handler = registry.get_handler(created["id"])

The library is loaded from $DSH_LIBRARY, else from the system's library
path, on the first Registry.
"""
from ._native import LibraryError, load
from .errors import (Aborted, Error, FailedPrecondition, Internal,
                     InvalidArgument, InvalidRequest, MalformedJson,
                     NameConflict, NotFound, PermissionDenied, Timeout,
                     Unavailable, Unsupported, error_class)
from .registry import (LOG_DEBUG, LOG_ERROR, LOG_INFO, LOG_WARNING,
                       Registry, TableCatalog)


def version():
    """The loaded library's version, e.g. "0.1.0"."""
    return load().dsh_version_string().decode("ascii")


__all__ = [
    "Aborted", "Error", "FailedPrecondition", "Internal", "InvalidArgument",
    "InvalidRequest", "LibraryError", "MalformedJson", "NameConflict",
    "NotFound", "PermissionDenied", "Timeout", "Unavailable", "Unsupported",
    "LOG_DEBUG", "LOG_ERROR", "LOG_INFO", "LOG_WARNING", "Registry",
    "TableCatalog", "error_class", "load", "version",
]
