package dsh

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Code is a dsh status code (the DSH_* values of dsh/c.h). Each says what
// the caller should do next.
type Code int32

// The codes, with the values dsh/c.h gives them.
const (
	CodeOK                 Code = 0
	CodeInvalidRequest     Code = 1  // The request breaks a rule: fix it.
	CodeMalformedJSON      Code = 2  // Not JSON; see Error.Offset.
	CodeNameConflict       Code = 3  // A name is taken: choose another.
	CodeNotFound           Code = 4  // No such handler, data source, table.
	CodeUnavailable        Code = 5  // Database or store unreachable: retry.
	CodeTimeout            Code = 6  // A read timed out: retry.
	CodePermissionDenied   Code = 7  // The database refused the login.
	CodeUnsupported        Code = 8  // dsh does not do what was asked.
	CodeFailedPrecondition Code = 9  // A setting does not fit: fix it.
	CodeAborted            Code = 10 // The store changed meanwhile: retry.
	CodeInternal           Code = 11 // A bug or a corrupt store.
	CodeInvalidArgument    Code = 12 // A closed registry or bad argument.
)

var codeNames = map[Code]string{
	CodeOK:                 "ok",
	CodeInvalidRequest:     "invalid request",
	CodeMalformedJSON:      "malformed JSON",
	CodeNameConflict:       "name conflict",
	CodeNotFound:           "not found",
	CodeUnavailable:        "unavailable",
	CodeTimeout:            "timeout",
	CodePermissionDenied:   "permission denied",
	CodeUnsupported:        "unsupported",
	CodeFailedPrecondition: "failed precondition",
	CodeAborted:            "aborted",
	CodeInternal:           "internal",
	CodeInvalidArgument:    "invalid argument",
}

func (c Code) String() string {
	if name, ok := codeNames[c]; ok {
		return name
	}
	return fmt.Sprintf("code %d", int32(c))
}

// Problem is one thing wrong with a request: the JSON Pointer of the
// offending field (e.g. "/handler/2/metadata/port") and what is wrong.
type Problem struct {
	Pointer string `json:"pointer"`
	Message string `json:"message"`
}

// Error is a failure reported by dsh, or by a host catalog through dsh.
// Its message names the input that caused it and never holds a password.
type Error struct {
	Code    Code
	Message string
	// Every problem found in a refused request, not only the first.
	Problems []Problem
	// The byte offset of malformed JSON; -1 when it does not apply.
	Offset int64

	sentinel bool
}

func (e *Error) Error() string {
	if e.Message == "" {
		return "dsh: " + e.Code.String()
	}
	return e.Message
}

// Is makes errors.Is(err, ErrNotFound) (and the other sentinels) true for
// every *Error of that code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.sentinel && t.Code == e.Code
}

func sentinel(code Code) *Error {
	return &Error{Code: code, Offset: -1, sentinel: true}
}

// Targets for errors.Is, one per code. A host catalog may also return
// them, wrapped (fmt.Errorf("...: %w", dsh.ErrPermissionDenied)), to choose
// the code its failure reaches the caller with.
var (
	ErrInvalidRequest     = sentinel(CodeInvalidRequest)
	ErrMalformedJSON      = sentinel(CodeMalformedJSON)
	ErrNameConflict       = sentinel(CodeNameConflict)
	ErrNotFound           = sentinel(CodeNotFound)
	ErrUnavailable        = sentinel(CodeUnavailable)
	ErrTimeout            = sentinel(CodeTimeout)
	ErrPermissionDenied   = sentinel(CodePermissionDenied)
	ErrUnsupported        = sentinel(CodeUnsupported)
	ErrFailedPrecondition = sentinel(CodeFailedPrecondition)
	ErrAborted            = sentinel(CodeAborted)
	ErrInternal           = sentinel(CodeInternal)
	ErrInvalidArgument    = sentinel(CodeInvalidArgument)
)

// ErrClosed is returned by every call on a closed Registry. errors.Is also
// matches it against ErrInvalidArgument.
var ErrClosed = &Error{
	Code:    CodeInvalidArgument,
	Message: "dsh: the registry is closed",
	Offset:  -1,
}

// errorDetails is the JSON of dsh_error_details.
type errorDetails struct {
	Problems []Problem `json:"problems"`
}

// newError builds an *Error from the parts a dsh_error holds. Details that
// do not parse lose only the problems: the code and message stay.
func newError(code Code, message string, details string, offset int64) *Error {
	e := &Error{Code: code, Message: message, Offset: offset}
	if details != "" {
		var d errorDetails
		if json.Unmarshal([]byte(details), &d) == nil {
			e.Problems = d.Problems
		}
	}
	return e
}

// hostErrorCode picks the code a host callback's error reaches dsh with:
// that of an *Error in its chain, else Unavailable (a catalog that cannot
// answer is, to dsh, a database it cannot reach).
func hostErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) && e.Code != CodeOK {
		return e.Code
	}
	return CodeUnavailable
}
