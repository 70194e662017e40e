// The registry options a C ABI host passes as JSON (include/dsh/c.h,
// dsh_registry_open) to a plain struct. The capi area turns it into
// dsh::RegistryOptions and opens the store it names.
#ifndef DSH_LIB_PAYLOAD_OPTIONS_JSON_H_
#define DSH_LIB_PAYLOAD_OPTIONS_JSON_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace dsh::payload {

// Every member has the default RegistryOptions has.
struct RegistryOptionsJson {
  enum class StoreKind { kMemory, kSqlite };
  StoreKind store_kind = StoreKind::kMemory;
  std::string store_path;  // Set (and only set) for kSqlite.
  bool strict = false;
  bool case_sensitive_identifiers = false;
  std::vector<std::pair<std::string, std::string>> host_aliases;
  std::string organization = "default";
  int connect_timeout_seconds = 10;
  int statement_timeout_ms = 30000;
  int dictionary_max_age_seconds = 24 * 60 * 60;
  int pool_max_idle_per_database = 4;
  int pool_max_idle_seconds = 300;
};

// Parses `json`; empty or blank text means every default. MalformedJson
// (with its byte offset) when the text is not JSON; otherwise
// InvalidRequest listing every problem with its JSON Pointer, unknown
// members included, so that a misspelt option is never silently ignored.
absl::StatusOr<RegistryOptionsJson> ParseRegistryOptions(std::string_view json);

}  // namespace dsh::payload

#endif  // DSH_LIB_PAYLOAD_OPTIONS_JSON_H_
