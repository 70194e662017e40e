#include "catalog/password_guard.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "model/absl_compat.h"

namespace dsh {
namespace catalog_internal {
namespace {

// `text` with a backslash before every character of `escaped`.
std::string Backslashed(std::string_view text, std::string_view escaped) {
  std::string out;
  for (char c : text) {
    if (escaped.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// Whitespace as libpq's text is put on one line: every control blank a
// space, runs of spaces one.
std::string OneLine(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (c == ' ' && !out.empty() && out.back() == ' ') continue;
    out += c;
  }
  return out;
}

}  // namespace

PasswordGuard::PasswordGuard(const ConnectionSettings& settings) {
  const std::string& password = settings.password;
  if (!password.empty()) {
    const absl::string_view raw = AsAbsl(password);
    for (std::string spelling : {password, Backslashed(password, "\\'"),
                                 absl::StrReplaceAll(raw, {{"'", "''"}}),
                                 absl::StrReplaceAll(raw, {{"\"", "\"\""}}),
                                 absl::CEscape(raw), OneLine(password)}) {
      if (spelling.empty()) continue;
      absl::AsciiStrToLower(&spelling);
      if (std::find(spellings_.begin(), spellings_.end(), spelling) ==
          spellings_.end()) {
        spellings_.push_back(std::move(spelling));
      }
    }
  }

  const std::string where =
      ConnectionString{settings.host, settings.port, settings.database}
          .ToString();
  const std::string host_port =
      where.substr(0, where.size() - settings.database.size() - 1);
  if (!Shows(where)) {
    place_ = where;
  } else if (!Shows(host_port)) {
    place_ = host_port;
  }
}

bool PasswordGuard::Shows(std::string_view text) const {
  if (spellings_.empty()) return false;
  const std::string lower = absl::AsciiStrToLower(AsAbsl(text));
  for (const std::string& spelling : spellings_) {
    if (absl::StrContains(lower, spelling)) return true;
  }
  return false;
}

std::string PasswordGuard::Fixed(std::string_view fixed) const {
  if (place_.empty()) return std::string(fixed);
  return absl::StrCat(AsAbsl(fixed), " (", place_, ")");
}

absl::Status PasswordGuard::Screen(const absl::Status& status,
                                   std::string_view fixed) const {
  if (status.ok() || !Shows(AsStd(status.message()))) return status;
  return absl::Status(status.code(), Fixed(fixed));
}

absl::Status PasswordGuard::ScreenRead(const absl::Status& status) const {
  return Screen(status, FixedReadMessage(status.code()));
}

std::string_view FixedConnectMessage(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kPermissionDenied:
      return "the server refused the login for this connection";
    case absl::StatusCode::kNotFound:
      return "the database of this connection does not exist on its server";
    case absl::StatusCode::kInvalidArgument:
      return "the settings of this connection hold a value that libpq would "
             "misread";
    case absl::StatusCode::kUnavailable:
      return "cannot connect to the server of this connection";
    default:
      return "cannot prepare this connection";
  }
}

std::string_view FixedReadMessage(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kNotFound:
      return "a requested remote table does not exist";
    case absl::StatusCode::kInvalidArgument:
      return "a requested remote table matches several relations when case "
             "is ignored; name one of them exactly";
    case absl::StatusCode::kDeadlineExceeded:
      return "a catalog read took longer than the statement timeout";
    case absl::StatusCode::kPermissionDenied:
      return "the server refused to let this login read its catalog";
    case absl::StatusCode::kUnavailable:
      return "the connection failed during a catalog read; connect again";
    case absl::StatusCode::kFailedPrecondition:
      return "the server lacks Redshift's catalog functions, so it is no "
             "Redshift cluster; read it with the postgresql technology";
    default:
      return "a catalog read failed";
  }
}

}  // namespace catalog_internal
}  // namespace dsh
