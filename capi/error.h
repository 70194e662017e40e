// Status codes and error objects of the C ABI.
#ifndef DSH_CAPI_ERROR_H_
#define DSH_CAPI_ERROR_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "dsh/c.h"

// The object behind the opaque dsh_error handle. Read-only once made.
struct dsh_error {
  int32_t code = DSH_INTERNAL;
  std::string message;
  std::string details;  // JSON; see dsh_error_details.
  int64_t offset = -1;
};

namespace dsh::capi {

// The DSH_* code of a failed status: DSH_MALFORMED_JSON for an
// InvalidArgument carrying a byte offset.
int32_t CodeOf(const absl::Status& status);

// The absl code a host callback's DSH_* status stands for, so that a
// host's failure travels through the registry as the kind it is.
absl::StatusCode AbslCodeOf(int32_t code);

// Stores an error object for `status` in *out_error (when out_error is not
// NULL) and returns its code. Never throws: when even the error object
// cannot be allocated, *out_error is NULL and DSH_INTERNAL is returned.
int32_t Fail(const absl::Status& status, dsh_error** out_error) noexcept;

// A failure of the C call itself (a NULL handle or a bad argument).
int32_t FailArgument(const char* message, dsh_error** out_error) noexcept;

}  // namespace dsh::capi

#endif  // DSH_CAPI_ERROR_H_
