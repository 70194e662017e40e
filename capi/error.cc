#include "capi/error.h"

#include <memory>
#include <new>
#include <optional>
#include <string>
#include <utility>

#include "dsh/error.h"
#include "model/absl_compat.h"
#include "payload/json_writer.h"

namespace dsh::capi {
namespace {

std::string DetailsJson(int32_t code, const absl::Status& status) {
  payload::JsonWriter writer;
  writer.BeginObject();
  writer.Key("code").String(code == DSH_INVALID_ARGUMENT
                                ? "invalid_argument"
                                : ErrorCodeName(status));
  writer.Key("message").String(AsStd(status.message()));
  writer.Key("problems").BeginArray();
  for (const Problem& problem : ProblemsOf(status)) {
    writer.BeginObject();
    writer.Key("pointer").String(problem.pointer);
    writer.Key("message").String(problem.message);
    writer.EndObject();
  }
  writer.EndArray();
  if (const std::optional<std::size_t> offset = ByteOffsetOf(status)) {
    writer.Key("offset").Uint(*offset);
  }
  writer.EndObject();
  return std::move(writer).Take();
}

int32_t Store(int32_t code, const absl::Status& status,
              dsh_error** out_error) noexcept {
  if (out_error == nullptr) return code;
  *out_error = nullptr;
  try {
    auto error = std::make_unique<dsh_error>();
    error->code = code;
    error->message = std::string(status.message());
    error->details = DetailsJson(code, status);
    if (const std::optional<std::size_t> offset = ByteOffsetOf(status)) {
      error->offset = static_cast<int64_t>(*offset);
    }
    *out_error = error.release();
  } catch (...) {
    // Out of memory: the code alone still tells the caller what happened.
  }
  return code;
}

}  // namespace

int32_t CodeOf(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return DSH_OK;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return ByteOffsetOf(status) ? DSH_MALFORMED_JSON : DSH_INVALID_REQUEST;
    case absl::StatusCode::kAlreadyExists:
      return DSH_NAME_CONFLICT;
    case absl::StatusCode::kNotFound:
      return DSH_NOT_FOUND;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kCancelled:
      return DSH_UNAVAILABLE;
    case absl::StatusCode::kDeadlineExceeded:
      return DSH_TIMEOUT;
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnauthenticated:
      return DSH_PERMISSION_DENIED;
    case absl::StatusCode::kUnimplemented:
      return DSH_UNSUPPORTED;
    case absl::StatusCode::kFailedPrecondition:
      return DSH_FAILED_PRECONDITION;
    case absl::StatusCode::kAborted:
      return DSH_ABORTED;
    default:
      return DSH_INTERNAL;
  }
}

absl::StatusCode AbslCodeOf(int32_t code) {
  switch (code) {
    case DSH_OK:
      return absl::StatusCode::kOk;
    case DSH_INVALID_REQUEST:
    case DSH_MALFORMED_JSON:
    case DSH_INVALID_ARGUMENT:
      return absl::StatusCode::kInvalidArgument;
    case DSH_NAME_CONFLICT:
      return absl::StatusCode::kAlreadyExists;
    case DSH_NOT_FOUND:
      return absl::StatusCode::kNotFound;
    case DSH_UNAVAILABLE:
      return absl::StatusCode::kUnavailable;
    case DSH_TIMEOUT:
      return absl::StatusCode::kDeadlineExceeded;
    case DSH_PERMISSION_DENIED:
      return absl::StatusCode::kPermissionDenied;
    case DSH_UNSUPPORTED:
      return absl::StatusCode::kUnimplemented;
    case DSH_FAILED_PRECONDITION:
      return absl::StatusCode::kFailedPrecondition;
    case DSH_ABORTED:
      return absl::StatusCode::kAborted;
    default:
      return absl::StatusCode::kInternal;
  }
}

int32_t Fail(const absl::Status& status, dsh_error** out_error) noexcept {
  return Store(CodeOf(status), status, out_error);
}

int32_t FailArgument(const char* message, dsh_error** out_error) noexcept {
  try {
    return Store(DSH_INVALID_ARGUMENT, absl::InvalidArgumentError(message),
                 out_error);
  } catch (...) {
    if (out_error != nullptr) *out_error = nullptr;
    return DSH_INVALID_ARGUMENT;
  }
}

}  // namespace dsh::capi
