"""Loads libdsh and declares the C ABI of include/dsh/c.h for ctypes.

The library is found, in this order, at the path in the DSH_LIBRARY
environment variable, then wherever ctypes.util.find_library("dsh") finds
it (the system's library path). It is loaded once, on first use, so that
importing the package never fails on a machine without the library.
"""
import ctypes
import ctypes.util
import os
import threading

# The host struct layout below (include/dsh/c.h, DSH_HOST_VERSION).
HOST_VERSION = 1
# The library major version this module was written against.
ABI_MAJOR = 0

_c_char_pp = ctypes.POINTER(ctypes.c_char_p)
_size_p = ctypes.POINTER(ctypes.c_size_t)


class _Registry(ctypes.Structure):
    """Opaque dsh_registry."""


class _Error(ctypes.Structure):
    """Opaque dsh_error."""


RegistryP = ctypes.POINTER(_Registry)
ErrorP = ctypes.POINTER(_Error)

# Callback types. Response buffers are written as raw addresses (c_void_p)
# because ctypes would otherwise copy a c_char_p and lose the pointer that
# dsh later hands back to free_buffer.
DescribeTablesFn = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p,
                                    ctypes.c_void_p, ctypes.c_size_t,
                                    ctypes.POINTER(ctypes.c_void_p),
                                    _size_p)
ListTablesFn = DescribeTablesFn
FreeBufferFn = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)
LogFn = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int32,
                         ctypes.c_void_p, ctypes.c_size_t)


class Host(ctypes.Structure):
    """struct dsh_host."""
    _fields_ = [
      ("version", ctypes.c_uint32),
      ("user_data", ctypes.c_void_p),
      ("describe_tables", DescribeTablesFn),
      ("list_tables", ListTablesFn),
      ("free_buffer", FreeBufferFn),
      ("log", LogFn),
      ("log_level", ctypes.c_int32),
  ]


_OUT_JSON = [ctypes.POINTER(ctypes.c_void_p), _size_p,
             ctypes.POINTER(ErrorP)]

# name: (restype, argtypes), one entry per function of c.h.
_FUNCTIONS = {
    "dsh_version_major": (ctypes.c_int32, []),
    "dsh_version_minor": (ctypes.c_int32, []),
    "dsh_version_patch": (ctypes.c_int32, []),
    "dsh_version_string": (ctypes.c_char_p, []),
    "dsh_free": (None, [ctypes.c_void_p]),
    "dsh_error_code": (ctypes.c_int32, [ErrorP]),
    "dsh_error_message": (ctypes.c_char_p, [ErrorP]),
    "dsh_error_details": (ctypes.c_char_p, [ErrorP]),
    "dsh_error_offset": (ctypes.c_int64, [ErrorP]),
    "dsh_error_free": (None, [ErrorP]),
    "dsh_registry_open": (ctypes.c_int32, [
        ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(Host),
        ctypes.POINTER(RegistryP), ctypes.POINTER(ErrorP)]),
    "dsh_registry_destroy": (None, [RegistryP]),
    "dsh_create": (ctypes.c_int32, [
        RegistryP, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t] +
                   _OUT_JSON),
    "dsh_validate": (ctypes.c_int32, [
        RegistryP, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t] +
                     _OUT_JSON),
    "dsh_get_handler": (ctypes.c_int32, [
        RegistryP, ctypes.c_char_p, ctypes.c_int64, ctypes.c_int32] +
                        _OUT_JSON),
    "dsh_update_handler": (ctypes.c_int32, [
        RegistryP, ctypes.c_char_p, ctypes.c_int64, ctypes.c_char_p,
        ctypes.c_size_t, ctypes.c_int32] + _OUT_JSON),
    "dsh_bulk_update": (ctypes.c_int32, [
        RegistryP, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t] +
                        _OUT_JSON),
    "dsh_detect_remote_changes": (ctypes.c_int32, [
        RegistryP, ctypes.c_char_p, ctypes.c_size_t] + _OUT_JSON),
    "dsh_get_dictionary": (ctypes.c_int32, [RegistryP, ctypes.c_int64] +
                           _OUT_JSON),
    "dsh_delete_data_source": (ctypes.c_int32, [RegistryP, ctypes.c_int64] +
                               _OUT_JSON),
    "dsh_route": (ctypes.c_int32, [
        RegistryP, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t,
        ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_int32),
        ctypes.POINTER(ctypes.c_void_p), _size_p, ctypes.POINTER(ErrorP)]),
}


class LibraryError(OSError):
    """libdsh could not be found or does not export the C ABI."""


_lock = threading.Lock()
_lib = None
_libc = None


def _locate():
    path = os.environ.get("DSH_LIBRARY")
    if path:
        if not os.path.exists(path):
            raise LibraryError(
          f"DSH_LIBRARY names {path!r}, which does not exist")
        return path
    found = ctypes.util.find_library("dsh")
    if found:
        return found
    raise LibraryError(
      "libdsh not found: set DSH_LIBRARY to the path of libdsh.so (for "
      "example build/lib/libdsh.so) or install it on the library path")


def load(path=None):
    """Returns the loaded library, loading it on the first call.

    `path` overrides DSH_LIBRARY and the search; it only matters on the
    first call.
    """
    global _lib
    with _lock:
        if _lib is not None:
            return _lib
        where = path or _locate()
        try:
            lib = ctypes.CDLL(where)
        except OSError as e:
            raise LibraryError(f"cannot load libdsh from {where!r}: {e}") from e
        missing = [name for name in _FUNCTIONS if not hasattr(lib, name)]
        if missing:
            raise LibraryError(
          f"{where!r} does not export the dsh C ABI (missing "
          f"{', '.join(missing)}); it was built without capi/ or is too old")
        for name, (restype, argtypes) in _FUNCTIONS.items():
            fn = getattr(lib, name)
            fn.restype = restype
            fn.argtypes = argtypes
        major = lib.dsh_version_major()
        if major != ABI_MAJOR:
            raise LibraryError(
          f"{where!r} is dsh {lib.dsh_version_string().decode()}, but this "
          f"package speaks major version {ABI_MAJOR}")
        _lib = lib
        return lib


def libc():
    """The C library, whose malloc/free back the host callbacks' buffers."""
    global _libc
    with _lock:
        if _libc is None:
            lib = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            lib.malloc.restype = ctypes.c_void_p
            lib.malloc.argtypes = [ctypes.c_size_t]
            lib.free.restype = None
            lib.free.argtypes = [ctypes.c_void_p]
            _libc = lib
        return _libc
