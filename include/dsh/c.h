/*
 * dsh C ABI: register database tables as governed data sources from C, or
 * from any language that calls C (Python ctypes/cffi, Go cgo).
 *
 * Conventions
 *  - Every name starts with dsh_ / DSH_.
 *  - Objects are opaque handles, created through an out-parameter and
 *    destroyed by their *_destroy / *_free function, which accepts NULL.
 *  - Inputs are (const char* data, size_t len) pairs: the bytes need not be
 *    NUL-terminated and are copied before the call returns. Short names
 *    (technology, HTTP method) are NUL-terminated strings.
 *  - Every function that can fail returns an int32_t status: DSH_OK (0) or
 *    one of the DSH_* codes below. The optional last parameter
 *    `dsh_error** out_error` receives, on failure, an error object the
 *    caller releases with dsh_error_free; pass NULL to ignore it. There is
 *    no thread-local "last error".
 *  - Every buffer dsh returns (JSON text, always NUL-terminated, its length
 *    given without the NUL) belongs to the caller and is released with
 *    dsh_free, never with the caller's own free().
 *  - Booleans are int32_t (0 false, anything else true).
 *  - No C++ exception ever crosses this boundary.
 *
 * Threads
 *  - dsh_registry: safe to use from many threads at once.
 *  - dsh_error: owned by one thread at a time; read-only after creation.
 *  - Host callbacks (dsh_host) may be called from any thread that calls
 *    into the registry, and concurrently; they must be thread-safe.
 */
#ifndef DSH_C_H_
#define DSH_C_H_

#include <stddef.h>
#include <stdint.h>

#if defined(DSH_STATIC_DEFINE)
#define DSH_C_EXPORT
#elif defined(__GNUC__) || defined(__clang__)
#define DSH_C_EXPORT __attribute__((visibility("default")))
#else
#define DSH_C_EXPORT
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define DSH_VERSION_MAJOR 0
#define DSH_VERSION_MINOR 1
#define DSH_VERSION_PATCH 0

/* The host struct layout this header describes (see dsh_host). */
#define DSH_HOST_VERSION 1

/* Status codes. Each says what the caller should do next. */
#define DSH_OK 0
#define DSH_INVALID_REQUEST 1      /* The request breaks a rule: fix it. */
#define DSH_MALFORMED_JSON 2       /* Not JSON; see dsh_error_offset. */
#define DSH_NAME_CONFLICT 3        /* A name is taken: choose another. */
#define DSH_NOT_FOUND 4            /* No such handler, data source, table. */
#define DSH_UNAVAILABLE 5          /* Database or store unreachable: retry. */
#define DSH_TIMEOUT 6              /* A read timed out: retry. */
#define DSH_PERMISSION_DENIED 7    /* The database refused the login. */
#define DSH_UNSUPPORTED 8          /* dsh does not do what was asked. */
#define DSH_FAILED_PRECONDITION 9  /* A setting does not fit: fix it. */
#define DSH_ABORTED 10             /* The store changed meanwhile: retry. */
#define DSH_INTERNAL 11            /* A bug or a corrupt store. */
#define DSH_INVALID_ARGUMENT 12    /* A NULL handle or bad C argument. */

/* Log levels, for dsh_host.log. */
#define DSH_LOG_DEBUG 0
#define DSH_LOG_INFO 1
#define DSH_LOG_WARNING 2
#define DSH_LOG_ERROR 3

typedef struct dsh_registry dsh_registry;
typedef struct dsh_error dsh_error;

/*
 * What a host supplies besides options: a catalog of its own and a log
 * sink. Set `version` to DSH_HOST_VERSION; members a version does not know
 * are never read. Any callback may be NULL.
 *
 * describe_tables: the host's catalog. `request` is JSON
 *   {"connection": {technology, host, port, database, username, ssl},
 *    "tables": [{"schema", "table"}, ...]}  (the password is not passed).
 *   The callback writes into *response a buffer it allocated, JSON
 *   {"tables": [{"schema", "table", "status": "ok"|"not_found"|
 *   "ambiguous", "message", "kind", "columns": [{"name", "remoteType",
 *   "dataType", "nullable", "primaryKey"}]}]}, one entry per requested
 *   table in order, and returns DSH_OK; or returns another status with
 *   *response holding a message (UTF-8 text), which reaches the caller
 *   intact. dsh releases *response through free_buffer.
 * list_tables: as describe_tables, for request {"connection", "schemas"}
 *   and response {"tables": [{"schema", "table"}, ...]}.
 * free_buffer: releases what the callbacks returned; when it is NULL, dsh
 *   leaves those buffers to the host.
 * log: receives each log line dsh writes at `log_level` or above; the
 *   text is not NUL-terminated and never holds a secret.
 * When describe_tables is NULL, dsh reads PostgreSQL/Redshift catalogs
 * itself.
 */
typedef struct dsh_host {
  uint32_t version;
  void* user_data;
  int32_t (*describe_tables)(void* user_data, const char* request,
                             size_t request_len, char** response,
                             size_t* response_len);
  int32_t (*list_tables)(void* user_data, const char* request,
                         size_t request_len, char** response,
                         size_t* response_len);
  void (*free_buffer)(void* user_data, char* buffer);
  void (*log)(void* user_data, int32_t level, const char* text,
              size_t text_len);
  int32_t log_level;
} dsh_host;

/* Versions: the header's (macros above) and the library's at run time. */
DSH_C_EXPORT int32_t dsh_version_major(void);
DSH_C_EXPORT int32_t dsh_version_minor(void);
DSH_C_EXPORT int32_t dsh_version_patch(void);
/* "0.1.0"; static storage, not to be freed. */
DSH_C_EXPORT const char* dsh_version_string(void);

/* Releases a buffer dsh returned. NULL is fine. */
DSH_C_EXPORT void dsh_free(void* buffer);

/* The error's status code (DSH_*). */
DSH_C_EXPORT int32_t dsh_error_code(const dsh_error* error);
/* Its message and details, NUL-terminated, owned by the error: valid until
 * dsh_error_free. Details are JSON: {"code", "message", "problems":
 * [{"pointer", "message"}], "offset"}. */
DSH_C_EXPORT const char* dsh_error_message(const dsh_error* error);
DSH_C_EXPORT const char* dsh_error_details(const dsh_error* error);
/* The byte offset of malformed JSON, or -1. */
DSH_C_EXPORT int64_t dsh_error_offset(const dsh_error* error);
/* NULL is fine. */
DSH_C_EXPORT void dsh_error_free(dsh_error* error);

/*
 * Opens a registry. `options` is JSON (may be empty: every default):
 *   {"store": {"kind": "memory"|"sqlite", "path": "registry.db"},
 *    "strict": false, "caseSensitiveIdentifiers": false,
 *    "hostAliases": {"alias": "canonical"}, "organization": "default",
 *    "connectTimeoutSeconds": 10, "statementTimeoutMs": 30000,
 *    "dictionaryMaxAgeSeconds": 86400,
 *    "pool": {"maxIdlePerDatabase": 4, "maxIdleSeconds": 300}}
 * `host` may be NULL; it is copied. The registry is released with
 * dsh_registry_destroy.
 */
DSH_C_EXPORT int32_t dsh_registry_open(const char* options,
                                       size_t options_len,
                                       const dsh_host* host,
                                       dsh_registry** out_registry,
                                       dsh_error** out_error);
/* NULL is fine. Must not race other calls on the same registry. */
DSH_C_EXPORT void dsh_registry_destroy(dsh_registry* registry);

/*
 * The operations. `technology` is "redshift" or "postgresql". Each writes
 * the response JSON into *out_json (release with dsh_free) and its length
 * into *out_len (may be NULL). On failure *out_json is set to NULL.
 * dsh_validate's response is {"connectionString", "warnings": [{"code",
 * "pointer", "message"}]}; the others' are those of docs/c-api.md. An id
 * below 1 is DSH_INVALID_REQUEST; an unknown technology too.
 */
DSH_C_EXPORT int32_t dsh_create(dsh_registry* registry,
                                const char* technology, const char* payload,
                                size_t payload_len, char** out_json,
                                size_t* out_len, dsh_error** out_error);
DSH_C_EXPORT int32_t dsh_validate(dsh_registry* registry,
                                  const char* technology, const char* payload,
                                  size_t payload_len, char** out_json,
                                  size_t* out_len, dsh_error** out_error);
DSH_C_EXPORT int32_t dsh_get_handler(dsh_registry* registry,
                                     const char* technology,
                                     int64_t handler_id, int32_t skip_cache,
                                     char** out_json, size_t* out_len,
                                     dsh_error** out_error);
DSH_C_EXPORT int32_t dsh_update_handler(dsh_registry* registry,
                                        const char* technology,
                                        int64_t handler_id, const char* body,
                                        size_t body_len, int32_t skip_cache,
                                        char** out_json, size_t* out_len,
                                        dsh_error** out_error);
DSH_C_EXPORT int32_t dsh_bulk_update(dsh_registry* registry,
                                     const char* technology, const char* body,
                                     size_t body_len, char** out_json,
                                     size_t* out_len, dsh_error** out_error);
DSH_C_EXPORT int32_t dsh_detect_remote_changes(dsh_registry* registry,
                                               const char* body,
                                               size_t body_len,
                                               char** out_json,
                                               size_t* out_len,
                                               dsh_error** out_error);
DSH_C_EXPORT int32_t dsh_get_dictionary(dsh_registry* registry,
                                        int64_t data_source_id,
                                        char** out_json, size_t* out_len,
                                        dsh_error** out_error);
DSH_C_EXPORT int32_t dsh_delete_data_source(dsh_registry* registry,
                                            int64_t data_source_id,
                                            char** out_json, size_t* out_len,
                                            dsh_error** out_error);

/*
 * The whole REST surface in one call: `method` ("GET", "PUT", ...),
 * `target` (path and query string, e.g.
 * "/redshift/handler/7?skipCache=true") and `body`. Writes the HTTP status
 * into *out_http_status and the JSON body (a response, or an error body)
 * into *out_body. Returns DSH_OK whenever a response was produced, errors
 * included (404 unknown route, 405 wrong method, 400 bad request or JSON,
 * 409 name conflict, 503 database unavailable); another status only when
 * the call itself could not be made (a NULL argument).
 */
DSH_C_EXPORT int32_t dsh_route(dsh_registry* registry, const char* method,
                               const char* target, size_t target_len,
                               const char* body, size_t body_len,
                               int32_t* out_http_status, char** out_body,
                               size_t* out_body_len, dsh_error** out_error);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* DSH_C_H_ */
