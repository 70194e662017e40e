#include "dsh/routes.h"

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "dsh/error.h"
#include "dsh/response.h"
#include "model/absl_compat.h"
#include "payload/json_writer.h"

namespace dsh {
namespace {

// The part of a route a request's path selected, before its method is
// looked at.
enum class Path {
  kHandlers,       // /{technology}/handler
  kHandler,        // /{technology}/handler/{handlerId}
  kBulk,           // /{technology}/bulk
  kDetectChanges,  // /dataSource/detectRemoteChanges
  kDataSource,     // /dataSource/{dataSourceId}
  kDictionary,     // /dictionary/{dataSourceId}
};

struct MatchedPath {
  Path path;
  std::optional<Technology> technology;
  std::string id_text;     // The id segment, decoded, when the path has one.
  std::string id_pointer;  // How a problem with the id names it.
  std::vector<std::string> methods;  // Allowed, in the order of the Allow.
};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX escapes. '+' stays '+': it means a space only in HTML forms.
absl::StatusOr<std::string> PercentDecode(std::string_view text,
                                          std::string_view pointer) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    const int high = i + 1 < text.size() ? HexValue(text[i + 1]) : -1;
    const int low = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
    if (high < 0 || low < 0) {
      return ProblemStatus(
          absl::StatusCode::kInvalidArgument, std::string(pointer),
          absl::StrCat("bad percent escape at character ", i,
                       " (a '%' must be followed by two hex digits)"));
    }
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = 1;  // Past the leading '/'.
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    segments.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

// The route `segments` (decoded) name, or nullopt for an unknown route.
std::optional<MatchedPath> MatchPath(const std::vector<std::string>& s) {
  // An empty segment ("//", a trailing '/') names no route.
  for (const std::string& segment : s) {
    if (segment.empty()) return std::nullopt;
  }
  if (s.size() == 2 && s[0] == "dataSource" && s[1] == "detectRemoteChanges") {
    return MatchedPath{Path::kDetectChanges, std::nullopt, "", "", {"PUT"}};
  }
  if (s.size() == 2 && s[0] == "dataSource") {
    return MatchedPath{Path::kDataSource,
                       std::nullopt,
                       s[1],
                       "/path/dataSourceId",
                       {"DELETE"}};
  }
  if (s.size() == 2 && s[0] == "dictionary") {
    return MatchedPath{
        Path::kDictionary, std::nullopt, s[1], "/path/dataSourceId", {"GET"}};
  }
  const std::optional<Technology> technology = ParseTechnology(s[0]);
  if (!technology) return std::nullopt;
  if (s.size() == 2 && s[1] == "handler") {
    return MatchedPath{Path::kHandlers, technology, "", "", {"POST"}};
  }
  if (s.size() == 2 && s[1] == "bulk") {
    return MatchedPath{Path::kBulk, technology, "", "", {"PUT"}};
  }
  if (s.size() == 3 && s[1] == "handler") {
    return MatchedPath{
        Path::kHandler, technology, s[2], "/path/handlerId", {"GET", "PUT"}};
  }
  return std::nullopt;
}

// A positive decimal integer that fits in int64: digits only, no sign.
absl::StatusOr<std::int64_t> ParseId(const std::string& text,
                                     const std::string& pointer) {
  std::int64_t value = 0;
  bool valid = !text.empty() && text.size() <= 19;
  for (char c : text) {
    if (c < '0' || c > '9') valid = false;
  }
  if (valid) {
    // 19 digits may still exceed INT64_MAX; compare as unsigned first.
    std::uint64_t wide = 0;
    for (char c : text) wide = wide * 10 + static_cast<std::uint64_t>(c - '0');
    valid = wide >= 1 && wide <= static_cast<std::uint64_t>(INT64_MAX);
    value = static_cast<std::int64_t>(wide);
  }
  if (!valid) {
    std::string shown;
    payload::AppendJsonString(shown, text);
    return ProblemStatus(
        absl::StatusCode::kInvalidArgument, pointer,
        absl::StrCat("must be a positive integer, got ", shown));
  }
  return value;
}

// The query string's parameters, decoded. Only skipCache is known; it is
// accepted only where `takes_skip_cache`, and only as true or false.
absl::StatusOr<bool> ParseQuery(std::string_view query, bool takes_skip_cache) {
  bool skip_cache = false;
  bool seen = false;
  std::size_t start = 0;
  while (start < query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view pair = query.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;
    const std::size_t equals = pair.find('=');
    absl::StatusOr<std::string> name =
        PercentDecode(pair.substr(0, equals), "/query");
    if (!name.ok()) return name.status();
    const std::string pointer = absl::StrCat("/query/", *name);
    absl::StatusOr<std::string> value = PercentDecode(
        equals == std::string_view::npos ? "" : pair.substr(equals + 1),
        pointer);
    if (!value.ok()) return value.status();
    if (*name != "skipCache" || !takes_skip_cache) {
      return ProblemStatus(absl::StatusCode::kInvalidArgument, pointer,
                           "unknown query parameter for this route");
    }
    if (seen) {
      return ProblemStatus(absl::StatusCode::kInvalidArgument, pointer,
                           "given more than once");
    }
    seen = true;
    if (*value == "true") {
      skip_cache = true;
    } else if (*value == "false") {
      skip_cache = false;
    } else {
      std::string shown;
      payload::AppendJsonString(shown, *value);
      return ProblemStatus(absl::StatusCode::kInvalidArgument, pointer,
                           absl::StrCat("must be true or false, got ", shown));
    }
  }
  return skip_cache;
}

RouteResponse Failure(const absl::Status& status) {
  return RouteResponse{HttpStatusOf(status), ErrorJson(status), ""};
}

RouteResponse MethodNotAllowed(std::string_view method, std::string_view path,
                               const std::vector<std::string>& allowed) {
  payload::JsonWriter writer;
  writer.BeginObject();
  writer.Key("error").BeginObject();
  writer.Key("code").String("method_not_allowed");
  writer.Key("message").String(
      absl::StrCat(AsAbsl(method), " is not allowed on ", AsAbsl(path),
                   "; use ", absl::StrJoin(allowed, " or ")));
  writer.Key("problems").BeginArray().EndArray();
  writer.EndObject();
  writer.Key("allow").BeginArray();
  for (const std::string& name : allowed) writer.String(name);
  writer.EndArray();
  writer.EndObject();
  return RouteResponse{405, std::move(writer).Take(),
                       absl::StrJoin(allowed, ", ")};
}

template <typename T, typename Render>
RouteResponse Respond(const absl::StatusOr<T>& result, Render render) {
  if (!result.ok()) return Failure(result.status());
  return RouteResponse{200, render(*result), ""};
}

RouteResponse Dispatch(Registry& registry, std::string_view method,
                       std::string_view target, std::string_view body) {
  const std::size_t question = target.find('?');
  const std::string_view raw_path = target.substr(0, question);
  const std::string_view query = question == std::string_view::npos
                                     ? std::string_view()
                                     : target.substr(question + 1);
  if (raw_path.empty() || raw_path[0] != '/') {
    return Failure(ProblemStatus(absl::StatusCode::kInvalidArgument, "/path",
                                 "the target must start with '/'"));
  }
  std::vector<std::string> segments;
  for (std::string_view raw : SplitPath(raw_path)) {
    absl::StatusOr<std::string> decoded = PercentDecode(raw, "/path");
    if (!decoded.ok()) return Failure(decoded.status());
    segments.push_back(*std::move(decoded));
  }
  std::optional<MatchedPath> matched = MatchPath(segments);
  if (!matched) {
    return Failure(absl::NotFoundError(
        absl::StrCat("no route for ", AsAbsl(method), " ", AsAbsl(raw_path))));
  }
  bool allowed = false;
  for (const std::string& name : matched->methods) {
    if (name == method) allowed = true;
  }
  if (!allowed) return MethodNotAllowed(method, raw_path, matched->methods);

  std::int64_t id = 0;
  if (!matched->id_pointer.empty()) {
    absl::StatusOr<std::int64_t> parsed =
        ParseId(matched->id_text, matched->id_pointer);
    if (!parsed.ok()) return Failure(parsed.status());
    id = *parsed;
  }
  absl::StatusOr<bool> skip_cache =
      ParseQuery(query, matched->path == Path::kHandler);
  if (!skip_cache.ok()) return Failure(skip_cache.status());

  switch (matched->path) {
    case Path::kHandlers:
      return Respond(registry.Create(*matched->technology, body),
                     [](const CreateResult& r) { return CreateResultJson(r); });
    case Path::kHandler:
      if (method == "GET") {
        return Respond(
            registry.GetHandler(*matched->technology, id, *skip_cache),
            [](const HandlerView& v) { return HandlerViewJson(v); });
      }
      return Respond(
          registry.UpdateHandler(*matched->technology, id, body, *skip_cache),
          [](const UpdateResult& r) { return UpdateResultJson(r); });
    case Path::kBulk:
      return Respond(registry.BulkUpdate(*matched->technology, body),
                     [](const BulkResult& r) { return BulkResultJson(r); });
    case Path::kDetectChanges:
      return Respond(registry.DetectRemoteChanges(body),
                     [](const DetectChangesResult& r) {
                       return DetectChangesResultJson(r);
                     });
    case Path::kDataSource:
      return Respond(registry.DeleteDataSource(id),
                     [](const DeleteResult& r) { return DeleteResultJson(r); });
    case Path::kDictionary:
      return Respond(registry.GetDictionary(id), [](const DataSourceRecord& r) {
        return DictionaryJson(r);
      });
  }
  return Failure(absl::InternalError("unhandled route"));
}

}  // namespace

int HttpStatusOf(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kUnimplemented:
      return 501;
    // The database refused dsh, not the caller: an upstream failure.
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnauthenticated:
      return 502;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kCancelled:
      return 503;
    default:
      return 500;
  }
}

RouteResponse RouteRequest(Registry& registry, std::string_view method,
                           std::string_view target, std::string_view body) {
  // The registry returns statuses; this guards against a bad_alloc or a bug
  // so that a host's server loop always gets an answer.
  try {
    return Dispatch(registry, method, target, body);
  } catch (const std::exception& e) {
    return Failure(absl::InternalError(
        absl::StrCat("unexpected failure routing the request: ", e.what())));
  } catch (...) {
    return Failure(
        absl::InternalError("unexpected failure routing the request"));
  }
}

}  // namespace dsh
