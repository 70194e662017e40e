package dsh

// #cgo pkg-config: dsh
// #include <stdint.h>
// #include <stdlib.h>
// #include <dsh/c.h>
//
// // Defined in callbacks.go.
// extern int32_t dshGoDescribeTables(uintptr_t handle, char* request,
//                                    size_t request_len, char** response,
//                                    size_t* response_len);
// extern int32_t dshGoListTables(uintptr_t handle, char* request,
//                                size_t request_len, char** response,
//                                size_t* response_len);
// extern void dshGoLog(uintptr_t handle, int32_t level, char* text,
//                      size_t text_len);
//
// // Trampolines: user_data carries a cgo.Handle, never a Go pointer.
// static int32_t dsh_go_describe_tables(void* user_data, const char* request,
//                                       size_t request_len, char** response,
//                                       size_t* response_len) {
//   return dshGoDescribeTables((uintptr_t)user_data, (char*)request,
//                              request_len, response, response_len);
// }
// static int32_t dsh_go_list_tables(void* user_data, const char* request,
//                                   size_t request_len, char** response,
//                                   size_t* response_len) {
//   return dshGoListTables((uintptr_t)user_data, (char*)request, request_len,
//                          response, response_len);
// }
// static void dsh_go_free_buffer(void* user_data, char* buffer) {
//   (void)user_data;
//   free(buffer);
// }
// static void dsh_go_log(void* user_data, int32_t level, const char* text,
//                        size_t text_len) {
//   dshGoLog((uintptr_t)user_data, level, (char*)text, text_len);
// }
//
// static void dsh_go_fill_host(dsh_host* host, uintptr_t handle,
//                              int catalog, int log, int32_t log_level) {
//   host->version = DSH_HOST_VERSION;
//   host->user_data = (void*)handle;
//   host->describe_tables = catalog ? dsh_go_describe_tables : NULL;
//   host->list_tables = catalog ? dsh_go_list_tables : NULL;
//   host->free_buffer = dsh_go_free_buffer;
//   host->log = log ? dsh_go_log : NULL;
//   host->log_level = log_level;
// }
import "C"

import (
	"encoding/json"
	"runtime"
	"runtime/cgo"
	"sync"
	"unsafe"
)

// Registry is one tenant's set of data sources and handlers, kept in the
// store its options name. It is safe for concurrent use.
type Registry struct {
	mu     sync.RWMutex
	ptr    *C.dsh_registry
	handle cgo.Handle // Zero when there is no Host.
}

// Version is the version of the library loaded at run time, "0.1.0".
func Version() string {
	return C.GoString(C.dsh_version_string())
}

// Open opens a registry. `options` is JSON, as documented in dsh/c.h (the
// empty string takes every default: a memory store), for example
// `{"store": {"kind": "sqlite", "path": "registry.db"}}`. `host` may be
// nil.
//
// Close the registry when done; a registry nothing refers to is closed by
// the garbage collector, but not promptly.
func Open(options string, host *Host) (*Registry, error) {
	r := &Registry{}
	var cHost *C.dsh_host
	if host != nil {
		r.handle = cgo.NewHandle(host)
		cHost = (*C.dsh_host)(C.calloc(1, C.sizeof_dsh_host))
		defer C.free(unsafe.Pointer(cHost))
		C.dsh_go_fill_host(cHost, C.uintptr_t(r.handle),
			cBool(host.Catalog != nil), cBool(host.Log != nil),
			C.int32_t(host.LogLevel))
	}
	opts := []byte(options)
	var cErr *C.dsh_error
	status := C.dsh_registry_open(bytesPtr(opts), C.size_t(len(opts)), cHost,
		&r.ptr, &cErr)
	runtime.KeepAlive(opts)
	if status != C.DSH_OK {
		if r.handle != 0 {
			r.handle.Delete()
		}
		return nil, takeError(status, cErr)
	}
	runtime.SetFinalizer(r, (*Registry).Close)
	return r, nil
}

// Close releases the registry. It waits for calls in flight; calls after
// it fail with ErrClosed. Closing twice is harmless.
func (r *Registry) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ptr == nil {
		return nil
	}
	C.dsh_registry_destroy(r.ptr)
	r.ptr = nil
	if r.handle != 0 {
		r.handle.Delete()
		r.handle = 0
	}
	runtime.SetFinalizer(r, nil)
	return nil
}

// CreateResult is the response of Create. Raw is the whole response JSON;
// the other fields decode the parts a caller usually needs.
type CreateResult struct {
	// The ids of the first data source created; 0 when every table was a
	// skipped duplicate.
	ID               int64  `json:"id"`
	DataSourceID     int64  `json:"dataSourceId"`
	ConnectionString string `json:"connectionString"`
	// Every warning, one per line; empty when there are none.
	Warnings    string              `json:"warnings"`
	WarningList []Warning           `json:"warningList"`
	DataSources []CreatedDataSource `json:"dataSources"`

	Raw json.RawMessage `json:"-"`
}

// Warning does not refuse a request: it says what was skipped or ignored.
type Warning struct {
	Code    string `json:"code"`
	Pointer string `json:"pointer"`
	Message string `json:"message"`
}

// CreatedDataSource is one data source a create registered.
type CreatedDataSource struct {
	HandlerID     int64           `json:"handlerId"`
	DataSourceID  int64           `json:"dataSourceId"`
	Name          string          `json:"name"`
	SQLSchemaName string          `json:"sqlSchemaName"`
	SQLTableName  string          `json:"sqlTableName"`
	Schema        string          `json:"schema"`
	Table         string          `json:"table"`
	Columns       json.RawMessage `json:"columns"`
}

// Create registers the data sources of a create payload
// (POST /{technology}/handler). All or nothing: when it fails the registry
// is as it was. Duplicate tables are skipped with a warning.
func (r *Registry) Create(technology Technology, payload []byte) (
	*CreateResult, error) {
	raw, err := r.call(func(reg *C.dsh_registry, out **C.char,
		outLen *C.size_t, cErr **C.dsh_error) C.int32_t {
		tech := C.CString(string(technology))
		defer C.free(unsafe.Pointer(tech))
		return C.dsh_create(reg, tech, bytesPtr(payload),
			C.size_t(len(payload)), out, outLen, cErr)
	})
	runtime.KeepAlive(payload)
	if err != nil {
		return nil, err
	}
	result := &CreateResult{Raw: raw}
	if err := json.Unmarshal(raw, result); err != nil {
		return nil, &Error{Code: CodeInternal, Offset: -1,
			Message: "dsh: the create response is not the documented JSON: " +
				err.Error()}
	}
	return result, nil
}

// Validate checks a create payload as Create would, consulting neither the
// catalog nor the store. The response names the connection string and the
// warnings.
func (r *Registry) Validate(technology Technology, payload []byte) (
	json.RawMessage, error) {
	raw, err := r.call(func(reg *C.dsh_registry, out **C.char,
		outLen *C.size_t, cErr **C.dsh_error) C.int32_t {
		tech := C.CString(string(technology))
		defer C.free(unsafe.Pointer(tech))
		return C.dsh_validate(reg, tech, bytesPtr(payload),
			C.size_t(len(payload)), out, outLen, cErr)
	})
	runtime.KeepAlive(payload)
	return raw, err
}

// GetHandler reads a handler, its data source and its dictionary
// (GET /{technology}/handler/{id}). With skipCache the dictionary is read
// from the catalog now. Credentials are never included.
func (r *Registry) GetHandler(technology Technology, handlerID int64,
	skipCache bool) (json.RawMessage, error) {
	return r.call(func(reg *C.dsh_registry, out **C.char,
		outLen *C.size_t, cErr **C.dsh_error) C.int32_t {
		tech := C.CString(string(technology))
		defer C.free(unsafe.Pointer(tech))
		return C.dsh_get_handler(reg, tech, C.int64_t(handlerID),
			cBool(skipCache), out, outLen, cErr)
	})
}

// UpdateHandler replaces a handler's metadata
// (PUT /{technology}/handler/{id}); the response is {id, ca, columns}.
func (r *Registry) UpdateHandler(technology Technology, handlerID int64,
	body []byte, skipCache bool) (json.RawMessage, error) {
	raw, err := r.call(func(reg *C.dsh_registry, out **C.char,
		outLen *C.size_t, cErr **C.dsh_error) C.int32_t {
		tech := C.CString(string(technology))
		defer C.free(unsafe.Pointer(tech))
		return C.dsh_update_handler(reg, tech, C.int64_t(handlerID),
			bytesPtr(body), C.size_t(len(body)), cBool(skipCache), out,
			outLen, cErr)
	})
	runtime.KeepAlive(body)
	return raw, err
}

// BulkUpdate moves every handler of one connection string to new
// connection settings (PUT /{technology}/bulk); the response is
// {bulkId, connectionString, jobsCreated}.
func (r *Registry) BulkUpdate(technology Technology, body []byte) (
	json.RawMessage, error) {
	raw, err := r.call(func(reg *C.dsh_registry, out **C.char,
		outLen *C.size_t, cErr **C.dsh_error) C.int32_t {
		tech := C.CString(string(technology))
		defer C.free(unsafe.Pointer(tech))
		return C.dsh_bulk_update(reg, tech, bytesPtr(body),
			C.size_t(len(body)), out, outLen, cErr)
	})
	runtime.KeepAlive(body)
	return raw, err
}

// DetectRemoteChanges refreshes dictionaries and runs schema monitoring
// (PUT /dataSource/detectRemoteChanges). An empty body selects every data
// source; {"dataSourceIds": [...]} selects some.
func (r *Registry) DetectRemoteChanges(body []byte) (json.RawMessage, error) {
	raw, err := r.call(func(reg *C.dsh_registry, out **C.char,
		outLen *C.size_t, cErr **C.dsh_error) C.int32_t {
		return C.dsh_detect_remote_changes(reg, bytesPtr(body),
			C.size_t(len(body)), out, outLen, cErr)
	})
	runtime.KeepAlive(body)
	return raw, err
}

// GetDictionary reads a data source's dictionary
// (GET /dictionary/{dataSourceId}).
func (r *Registry) GetDictionary(dataSourceID int64) (json.RawMessage,
	error) {
	return r.call(func(reg *C.dsh_registry, out **C.char,
		outLen *C.size_t, cErr **C.dsh_error) C.int32_t {
		return C.dsh_get_dictionary(reg, C.int64_t(dataSourceID), out, outLen,
			cErr)
	})
}

// DeleteDataSource removes a data source and its handler
// (DELETE /dataSource/{dataSourceId}); the response names the removed ids.
func (r *Registry) DeleteDataSource(dataSourceID int64) (json.RawMessage,
	error) {
	return r.call(func(reg *C.dsh_registry, out **C.char,
		outLen *C.size_t, cErr **C.dsh_error) C.int32_t {
		return C.dsh_delete_data_source(reg, C.int64_t(dataSourceID), out,
			outLen, cErr)
	})
}

// Route serves one REST request: `method` ("GET", "PUT", ...), `target`
// (path and query, "/redshift/handler/7?skipCache=true") and `body`. It
// returns the HTTP status and JSON body, error bodies included (404, 405,
// 400, 409, 503...); the error is non-nil only when no response could be
// produced (a closed registry).
func (r *Registry) Route(method, target string, body []byte) (int, []byte,
	error) {
	var httpStatus C.int32_t
	path := []byte(target)
	raw, err := r.call(func(reg *C.dsh_registry, out **C.char,
		outLen *C.size_t, cErr **C.dsh_error) C.int32_t {
		m := C.CString(method)
		defer C.free(unsafe.Pointer(m))
		return C.dsh_route(reg, m, bytesPtr(path), C.size_t(len(path)),
			bytesPtr(body), C.size_t(len(body)), &httpStatus, out, outLen,
			cErr)
	})
	runtime.KeepAlive(path)
	runtime.KeepAlive(body)
	if err != nil {
		return 0, nil, err
	}
	return int(httpStatus), []byte(raw), nil
}

// operation is one C call writing a JSON buffer and maybe an error.
type operation func(reg *C.dsh_registry, out **C.char, outLen *C.size_t,
	cErr **C.dsh_error) C.int32_t

// call runs `op` on the open registry and copies its buffer into Go
// memory, releasing the C buffer and error whatever happened.
func (r *Registry) call(op operation) (json.RawMessage, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.ptr == nil {
		return nil, ErrClosed
	}
	var out *C.char
	var outLen C.size_t
	var cErr *C.dsh_error
	status := op(r.ptr, &out, &outLen, &cErr)
	defer C.dsh_free(unsafe.Pointer(out))
	if status != C.DSH_OK {
		return nil, takeError(status, cErr)
	}
	C.dsh_error_free(cErr) // Set only on failure; NULL is fine.
	if out == nil {
		return json.RawMessage{}, nil
	}
	return json.RawMessage(C.GoBytes(unsafe.Pointer(out), C.int(outLen))),
		nil
}

// takeError turns a failed status and its dsh_error into an *Error and
// releases the dsh_error.
func takeError(status C.int32_t, cErr *C.dsh_error) error {
	if cErr == nil {
		return &Error{Code: Code(status), Offset: -1}
	}
	defer C.dsh_error_free(cErr)
	var details string
	if d := C.dsh_error_details(cErr); d != nil {
		details = C.GoString(d)
	}
	var message string
	if m := C.dsh_error_message(cErr); m != nil {
		message = C.GoString(m)
	}
	return newError(Code(C.dsh_error_code(cErr)), message, details,
		int64(C.dsh_error_offset(cErr)))
}

// empty gives zero-length inputs a valid address: the C ABI reads
// (pointer, length) pairs and need not accept NULL.
var empty [1]byte

// bytesPtr points C at Go bytes for the length of one call; dsh copies
// them before returning and keeps no pointer.
func bytesPtr(b []byte) *C.char {
	if len(b) == 0 {
		return (*C.char)(unsafe.Pointer(&empty[0]))
	}
	return (*C.char)(unsafe.Pointer(&b[0]))
}

func cBool(b bool) C.int32_t {
	if b {
		return 1
	}
	return 0
}
