#include "dsh/error.h"

#include <cstdint>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "model/absl_compat.h"

namespace dsh {
namespace {

// Status payload type URLs. The problem list is stored as a sequence of
// length-prefixed strings ("<len>:<bytes>"), pointer then message, so that
// any byte may appear in either.
constexpr char kProblemsUrl[] = "dsh/problems";
constexpr char kOffsetUrl[] = "dsh/json-offset";

void AppendField(std::string& out, std::string_view field) {
  absl::StrAppend(&out, field.size(), ":", AsAbsl(field));
}

bool ReadField(std::string_view& in, std::string& field) {
  const size_t colon = in.find(':');
  size_t length = 0;
  if (colon == std::string_view::npos ||
      !absl::SimpleAtoi(AsAbsl(in.substr(0, colon)), &length) ||
      in.size() - colon - 1 < length) {
    return false;
  }
  field.assign(in.substr(colon + 1, length));
  in.remove_prefix(colon + 1 + length);
  return true;
}

std::string EncodeProblems(const std::vector<Problem>& problems) {
  std::string out;
  for (const Problem& problem : problems) {
    AppendField(out, problem.pointer);
    AppendField(out, problem.message);
  }
  return out;
}

std::string ProblemLine(const Problem& problem) {
  return problem.pointer.empty()
             ? problem.message
             : absl::StrCat(problem.pointer, ": ", problem.message);
}

}  // namespace

absl::Status ProblemsStatus(absl::StatusCode code,
                            std::vector<Problem> problems) {
  std::vector<std::string> lines;
  lines.reserve(problems.size());
  for (const Problem& problem : problems) {
    lines.push_back(ProblemLine(problem));
  }
  absl::Status status(code, absl::StrJoin(lines, "\n"));
  status.SetPayload(kProblemsUrl, absl::Cord(EncodeProblems(problems)));
  return status;
}

absl::Status InvalidRequest(std::vector<Problem> problems) {
  return ProblemsStatus(absl::StatusCode::kInvalidArgument,
                        std::move(problems));
}

absl::Status ProblemStatus(absl::StatusCode code, std::string pointer,
                           std::string message) {
  return ProblemsStatus(code,
                        {Problem{std::move(pointer), std::move(message)}});
}

absl::Status MalformedJson(std::size_t byte_offset, std::string message) {
  absl::Status status(
      absl::StatusCode::kInvalidArgument,
      absl::StrCat("malformed JSON at byte ", byte_offset, ": ", message));
  status.SetPayload(kOffsetUrl, absl::Cord(absl::StrCat(byte_offset)));
  return status;
}

std::vector<Problem> ProblemsOf(const absl::Status& status) {
  std::vector<Problem> problems;
  const absl::optional<absl::Cord> payload = status.GetPayload(kProblemsUrl);
  if (!payload) return problems;
  const std::string text(*payload);
  std::string_view in = text;
  Problem problem;
  while (!in.empty() && ReadField(in, problem.pointer) &&
         ReadField(in, problem.message)) {
    problems.push_back(problem);
  }
  return problems;
}

std::optional<std::size_t> ByteOffsetOf(const absl::Status& status) {
  const absl::optional<absl::Cord> payload = status.GetPayload(kOffsetUrl);
  std::size_t offset = 0;
  if (!payload || !absl::SimpleAtoi(std::string(*payload), &offset)) {
    return std::nullopt;
  }
  return offset;
}

std::string_view ErrorCodeName(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return "ok";
    case absl::StatusCode::kInvalidArgument:
      return ByteOffsetOf(status) ? "malformed_json" : "invalid_request";
    case absl::StatusCode::kAlreadyExists:
      return "name_conflict";
    case absl::StatusCode::kNotFound:
      return "not_found";
    case absl::StatusCode::kUnavailable:
      return "database_unavailable";
    case absl::StatusCode::kDeadlineExceeded:
      return "timeout";
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnauthenticated:
      return "permission_denied";
    case absl::StatusCode::kUnimplemented:
      return "unsupported";
    case absl::StatusCode::kFailedPrecondition:
      return "failed_precondition";
    case absl::StatusCode::kAborted:
      return "aborted";
    default:
      return "internal";
  }
}

}  // namespace dsh
