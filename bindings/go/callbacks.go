package dsh

// The Go side of the host callbacks. dsh calls the C trampolines in
// registry.go, which call these with the cgo.Handle of the *Host (C keeps
// no Go pointer). This file holds only declarations in its preamble, as
// cgo requires of a file with //export.

// #include <stddef.h>
// #include <stdint.h>
// #include <stdlib.h>
import "C"

import (
	"encoding/json"
	"fmt"
	"runtime/cgo"
	"unsafe"
)

// hostOf returns the *Host behind a handle dsh passed back.
func hostOf(handle C.uintptr_t) *Host {
	return cgo.Handle(handle).Value().(*Host)
}

// reply hands `data` to dsh in a buffer from C's malloc, which the
// free_buffer trampoline releases.
func reply(data []byte, out **C.char, outLen *C.size_t) {
	buffer := (*C.char)(C.malloc(C.size_t(len(data) + 1)))
	copy(unsafe.Slice((*byte)(unsafe.Pointer(buffer)), len(data)+1), data)
	*(*byte)(unsafe.Add(unsafe.Pointer(buffer), len(data))) = 0
	*out = buffer
	*outLen = C.size_t(len(data))
}

// answer runs one catalog question: decodes the request into `req`, calls
// `ask`, and writes either the JSON answer or the error's message.
func answer(request *C.char, requestLen C.size_t, out **C.char,
	outLen *C.size_t, req interface{}, ask func() (interface{}, error)) (
	status C.int32_t) {
	defer func() {
		if r := recover(); r != nil {
			reply([]byte(fmt.Sprintf("host catalog panicked: %v", r)), out,
				outLen)
			status = C.int32_t(CodeInternal)
		}
	}()
	in := C.GoBytes(unsafe.Pointer(request), C.int(requestLen))
	if err := json.Unmarshal(in, req); err != nil {
		reply([]byte("host catalog could not read dsh's request: "+
			err.Error()), out, outLen)
		return C.int32_t(CodeInternal)
	}
	response, err := ask()
	if err != nil {
		reply([]byte(err.Error()), out, outLen)
		return C.int32_t(hostErrorCode(err))
	}
	body, err := json.Marshal(response)
	if err != nil {
		reply([]byte("host catalog answer is not JSON: "+err.Error()), out,
			outLen)
		return C.int32_t(CodeInternal)
	}
	reply(body, out, outLen)
	return C.int32_t(CodeOK)
}

//export dshGoDescribeTables
func dshGoDescribeTables(handle C.uintptr_t, request *C.char,
	requestLen C.size_t, out **C.char, outLen *C.size_t) C.int32_t {
	catalog := hostOf(handle).Catalog
	var req DescribeRequest
	return answer(request, requestLen, out, outLen, &req,
		func() (interface{}, error) {
			response, err := catalog.DescribeTables(req)
			if response.Tables == nil {
				response.Tables = []TableDescription{}
			}
			for i := range response.Tables {
				t := &response.Tables[i]
				if t.Status == "" {
					t.Status = TableOK
				}
				if t.Kind == "" && t.Status == TableOK {
					t.Kind = "table"
				}
				if t.Columns == nil {
					t.Columns = []Column{}
				}
			}
			return response, err
		})
}

//export dshGoListTables
func dshGoListTables(handle C.uintptr_t, request *C.char,
	requestLen C.size_t, out **C.char, outLen *C.size_t) C.int32_t {
	catalog := hostOf(handle).Catalog
	var req ListRequest
	return answer(request, requestLen, out, outLen, &req,
		func() (interface{}, error) {
			response, err := catalog.ListTables(req)
			if response.Tables == nil {
				response.Tables = []TableRef{}
			}
			return response, err
		})
}

//export dshGoLog
func dshGoLog(handle C.uintptr_t, level C.int32_t, text *C.char,
	textLen C.size_t) {
	// A panicking log sink must not unwind into C.
	defer func() { _ = recover() }()
	host := hostOf(handle)
	host.Log(LogLevel(level), C.GoStringN(text, C.int(textLen)))
}
