// The C ABI of include/dsh/c.h over the C++ API. Every entry point runs its
// body inside Guard, so that no exception crosses into C.

#include "dsh/c.h"

#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "capi/error.h"
#include "capi/host_catalog.h"
#include "dsh/catalog.h"
#include "dsh/error.h"
#include "dsh/registry.h"
#include "dsh/response.h"
#include "dsh/routes.h"
#include "dsh/store.h"
#include "payload/json_writer.h"
#include "payload/options_json.h"

struct dsh_registry {
  std::unique_ptr<dsh::Registry> registry;
};

namespace dsh::capi {
namespace {

// Runs `body`, turning any exception into DSH_INTERNAL.
template <typename Body>
int32_t Guard(dsh_error** out_error, Body body) noexcept {
  if (out_error != nullptr) *out_error = nullptr;
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return Fail(absl::InternalError("out of memory"), out_error);
  } catch (const std::exception& e) {
    try {
      return Fail(
          absl::InternalError(absl::StrCat("unexpected failure: ", e.what())),
          out_error);
    } catch (...) {
      return DSH_INTERNAL;
    }
  } catch (...) {
    return Fail(absl::InternalError("unexpected failure"), out_error);
  }
}

// A caller's (pointer, length) input; NULL is allowed only with length 0.
std::optional<std::string_view> Bytes(const char* data, size_t length) {
  if (data == nullptr) {
    if (length != 0) return std::nullopt;
    return std::string_view();
  }
  return std::string_view(data, length);
}

// Copies `text` into a buffer the caller releases with dsh_free.
void Give(const std::string& text, char** out, size_t* out_len) {
  char* buffer = static_cast<char*>(std::malloc(text.size() + 1));
  if (buffer == nullptr) throw std::bad_alloc();
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  *out = buffer;
  if (out_len != nullptr) *out_len = text.size();
}

// The arguments every operation checks the same way.
struct Call {
  dsh_registry* registry;
  char** out_json;
  size_t* out_len;
  dsh_error** out_error;

  // NULL handle or output: the call cannot be made.
  std::optional<int32_t> Check() const {
    if (out_json != nullptr) *out_json = nullptr;
    if (out_len != nullptr) *out_len = 0;
    if (registry == nullptr || registry->registry == nullptr) {
      return FailArgument("the registry is NULL", out_error);
    }
    if (out_json == nullptr) {
      return FailArgument("out_json is NULL", out_error);
    }
    return std::nullopt;
  }

  template <typename T, typename Render>
  int32_t Finish(const absl::StatusOr<T>& result, Render render) const {
    if (!result.ok()) return Fail(result.status(), out_error);
    Give(render(*result), out_json, out_len);
    return DSH_OK;
  }
};

// Reads the technology argument into `out`: DSH_OK, or the status of
// refusing it, reported through `out_error`.
int32_t ReadTechnology(const char* name, Technology* out,
                       dsh_error** out_error) {
  if (name == nullptr) return FailArgument("technology is NULL", out_error);
  const std::optional<Technology> technology = ParseTechnology(name);
  if (!technology) {
    return Fail(ProblemStatus(absl::StatusCode::kInvalidArgument, "/technology",
                              absl::StrCat("must be \"redshift\" or "
                                           "\"postgresql\", got \"",
                                           name, "\"")),
                out_error);
  }
  *out = *technology;
  return DSH_OK;
}

int32_t BadId(int64_t id, std::string pointer, dsh_error** out_error) {
  return Fail(
      ProblemStatus(absl::StatusCode::kInvalidArgument, std::move(pointer),
                    absl::StrCat("must be a positive integer, got ", id)),
      out_error);
}

std::string ValidateResultJson(const ValidateResult& result) {
  payload::JsonWriter writer;
  writer.BeginObject();
  writer.Key("connectionString").String(result.connection_string);
  writer.Key("warnings").BeginArray();
  for (const Warning& warning : result.warnings) {
    writer.BeginObject();
    writer.Key("code").String(warning.code);
    writer.Key("pointer").String(warning.pointer);
    writer.Key("message").String(warning.message);
    writer.EndObject();
  }
  writer.EndArray().EndObject();
  return std::move(writer).Take();
}

absl::StatusOr<std::unique_ptr<Registry>> OpenRegistry(
    std::string_view options_json, const dsh_host* host) {
  absl::StatusOr<payload::RegistryOptionsJson> parsed =
      payload::ParseRegistryOptions(options_json);
  if (!parsed.ok()) return parsed.status();
  RegistryOptions options;
  options.strict = parsed->strict;
  options.case_sensitive_identifiers = parsed->case_sensitive_identifiers;
  options.host_aliases = parsed->host_aliases;
  options.organization = parsed->organization;
  options.connect_timeout_seconds = parsed->connect_timeout_seconds;
  options.statement_timeout_ms = parsed->statement_timeout_ms;
  options.dictionary_max_age_seconds = parsed->dictionary_max_age_seconds;
  options.pool.max_idle_per_database = parsed->pool_max_idle_per_database;
  options.pool.max_idle_seconds = parsed->pool_max_idle_seconds;

  std::shared_ptr<CatalogConnector> catalogs;
  if (host != nullptr && host->describe_tables != nullptr) {
    catalogs = NewHostCatalogConnector(*host);
  } else {
    catalogs = NewPostgresCatalogConnector();
  }
  if (host != nullptr && host->log != nullptr) {
    const dsh_host copy = *host;
    options.logger = Logger(
        [copy](LogLevel level, std::string_view line) {
          copy.log(copy.user_data, static_cast<int32_t>(level), line.data(),
                   line.size());
        },
        static_cast<LogLevel>(host->log_level));
  }

  std::unique_ptr<Store> store;
  if (parsed->store_kind == payload::RegistryOptionsJson::StoreKind::kSqlite) {
    absl::StatusOr<std::unique_ptr<Store>> opened =
        OpenSqliteStore(parsed->store_path);
    if (!opened.ok()) return opened.status();
    store = *std::move(opened);
  } else {
    store = NewMemoryStore();
  }
  return std::make_unique<Registry>(std::move(options), std::move(store),
                                    std::move(catalogs));
}

}  // namespace
}  // namespace dsh::capi

using dsh::capi::Bytes;
using dsh::capi::Call;
using dsh::capi::Fail;
using dsh::capi::FailArgument;
using dsh::capi::Guard;

extern "C" {

int32_t dsh_version_major(void) { return DSH_VERSION_MAJOR; }
int32_t dsh_version_minor(void) { return DSH_VERSION_MINOR; }
int32_t dsh_version_patch(void) { return DSH_VERSION_PATCH; }

const char* dsh_version_string(void) {
#define DSH_STRINGIFY2(x) #x
#define DSH_STRINGIFY(x) DSH_STRINGIFY2(x)
  return DSH_STRINGIFY(DSH_VERSION_MAJOR) "." DSH_STRINGIFY(
      DSH_VERSION_MINOR) "." DSH_STRINGIFY(DSH_VERSION_PATCH);
#undef DSH_STRINGIFY
#undef DSH_STRINGIFY2
}

void dsh_free(void* buffer) { std::free(buffer); }

int32_t dsh_error_code(const dsh_error* error) {
  return error == nullptr ? DSH_INVALID_ARGUMENT : error->code;
}

const char* dsh_error_message(const dsh_error* error) {
  return error == nullptr ? "" : error->message.c_str();
}

const char* dsh_error_details(const dsh_error* error) {
  return error == nullptr ? "{}" : error->details.c_str();
}

int64_t dsh_error_offset(const dsh_error* error) {
  return error == nullptr ? -1 : error->offset;
}

void dsh_error_free(dsh_error* error) { delete error; }

int32_t dsh_registry_open(const char* options, size_t options_len,
                          const dsh_host* host, dsh_registry** out_registry,
                          dsh_error** out_error) {
  return Guard(out_error, [&]() -> int32_t {
    if (out_registry == nullptr) {
      return FailArgument("out_registry is NULL", out_error);
    }
    *out_registry = nullptr;
    const std::optional<std::string_view> text = Bytes(options, options_len);
    if (!text) return FailArgument("options is NULL", out_error);
    if (host != nullptr && host->version == 0) {
      return FailArgument("host->version is 0; set it to DSH_HOST_VERSION",
                          out_error);
    }
    if (host != nullptr && host->log != nullptr &&
        (host->log_level < DSH_LOG_DEBUG || host->log_level > DSH_LOG_ERROR)) {
      return FailArgument("host->log_level is not a DSH_LOG_* level",
                          out_error);
    }
    absl::StatusOr<std::unique_ptr<dsh::Registry>> registry =
        dsh::capi::OpenRegistry(*text, host);
    if (!registry.ok()) return Fail(registry.status(), out_error);
    auto handle = std::make_unique<dsh_registry>();
    handle->registry = *std::move(registry);
    *out_registry = handle.release();
    return DSH_OK;
  });
}

void dsh_registry_destroy(dsh_registry* registry) {
  try {
    delete registry;
  } catch (...) {
    // A destructor that throws would end the process; nothing to report to.
  }
}

int32_t dsh_create(dsh_registry* registry, const char* technology,
                   const char* payload, size_t payload_len, char** out_json,
                   size_t* out_len, dsh_error** out_error) {
  return Guard(out_error, [&]() -> int32_t {
    const Call call{registry, out_json, out_len, out_error};
    if (std::optional<int32_t> refused = call.Check()) return *refused;
    dsh::Technology tech;
    if (int32_t refused =
            dsh::capi::ReadTechnology(technology, &tech, out_error)) {
      return refused;
    }
    const std::optional<std::string_view> body = Bytes(payload, payload_len);
    if (!body) return FailArgument("payload is NULL", out_error);
    return call.Finish(registry->registry->Create(tech, *body),
                       dsh::CreateResultJson);
  });
}

int32_t dsh_validate(dsh_registry* registry, const char* technology,
                     const char* payload, size_t payload_len, char** out_json,
                     size_t* out_len, dsh_error** out_error) {
  return Guard(out_error, [&]() -> int32_t {
    const Call call{registry, out_json, out_len, out_error};
    if (std::optional<int32_t> refused = call.Check()) return *refused;
    dsh::Technology tech;
    if (int32_t refused =
            dsh::capi::ReadTechnology(technology, &tech, out_error)) {
      return refused;
    }
    const std::optional<std::string_view> body = Bytes(payload, payload_len);
    if (!body) return FailArgument("payload is NULL", out_error);
    return call.Finish(registry->registry->Validate(tech, *body),
                       dsh::capi::ValidateResultJson);
  });
}

int32_t dsh_get_handler(dsh_registry* registry, const char* technology,
                        int64_t handler_id, int32_t skip_cache, char** out_json,
                        size_t* out_len, dsh_error** out_error) {
  return Guard(out_error, [&]() -> int32_t {
    const Call call{registry, out_json, out_len, out_error};
    if (std::optional<int32_t> refused = call.Check()) return *refused;
    dsh::Technology tech;
    if (int32_t refused =
            dsh::capi::ReadTechnology(technology, &tech, out_error)) {
      return refused;
    }
    if (handler_id < 1) {
      return dsh::capi::BadId(handler_id, "/handlerId", out_error);
    }
    return call.Finish(
        registry->registry->GetHandler(tech, handler_id, skip_cache != 0),
        dsh::HandlerViewJson);
  });
}

int32_t dsh_update_handler(dsh_registry* registry, const char* technology,
                           int64_t handler_id, const char* body,
                           size_t body_len, int32_t skip_cache, char** out_json,
                           size_t* out_len, dsh_error** out_error) {
  return Guard(out_error, [&]() -> int32_t {
    const Call call{registry, out_json, out_len, out_error};
    if (std::optional<int32_t> refused = call.Check()) return *refused;
    dsh::Technology tech;
    if (int32_t refused =
            dsh::capi::ReadTechnology(technology, &tech, out_error)) {
      return refused;
    }
    if (handler_id < 1) {
      return dsh::capi::BadId(handler_id, "/handlerId", out_error);
    }
    const std::optional<std::string_view> text = Bytes(body, body_len);
    if (!text) return FailArgument("body is NULL", out_error);
    return call.Finish(registry->registry->UpdateHandler(
                           tech, handler_id, *text, skip_cache != 0),
                       dsh::UpdateResultJson);
  });
}

int32_t dsh_bulk_update(dsh_registry* registry, const char* technology,
                        const char* body, size_t body_len, char** out_json,
                        size_t* out_len, dsh_error** out_error) {
  return Guard(out_error, [&]() -> int32_t {
    const Call call{registry, out_json, out_len, out_error};
    if (std::optional<int32_t> refused = call.Check()) return *refused;
    dsh::Technology tech;
    if (int32_t refused =
            dsh::capi::ReadTechnology(technology, &tech, out_error)) {
      return refused;
    }
    const std::optional<std::string_view> text = Bytes(body, body_len);
    if (!text) return FailArgument("body is NULL", out_error);
    return call.Finish(registry->registry->BulkUpdate(tech, *text),
                       dsh::BulkResultJson);
  });
}

int32_t dsh_detect_remote_changes(dsh_registry* registry, const char* body,
                                  size_t body_len, char** out_json,
                                  size_t* out_len, dsh_error** out_error) {
  return Guard(out_error, [&]() -> int32_t {
    const Call call{registry, out_json, out_len, out_error};
    if (std::optional<int32_t> refused = call.Check()) return *refused;
    const std::optional<std::string_view> text = Bytes(body, body_len);
    if (!text) return FailArgument("body is NULL", out_error);
    return call.Finish(registry->registry->DetectRemoteChanges(*text),
                       dsh::DetectChangesResultJson);
  });
}

int32_t dsh_get_dictionary(dsh_registry* registry, int64_t data_source_id,
                           char** out_json, size_t* out_len,
                           dsh_error** out_error) {
  return Guard(out_error, [&]() -> int32_t {
    const Call call{registry, out_json, out_len, out_error};
    if (std::optional<int32_t> refused = call.Check()) return *refused;
    if (data_source_id < 1) {
      return dsh::capi::BadId(data_source_id, "/dataSourceId", out_error);
    }
    return call.Finish(registry->registry->GetDictionary(data_source_id),
                       dsh::DictionaryJson);
  });
}

int32_t dsh_delete_data_source(dsh_registry* registry, int64_t data_source_id,
                               char** out_json, size_t* out_len,
                               dsh_error** out_error) {
  return Guard(out_error, [&]() -> int32_t {
    const Call call{registry, out_json, out_len, out_error};
    if (std::optional<int32_t> refused = call.Check()) return *refused;
    if (data_source_id < 1) {
      return dsh::capi::BadId(data_source_id, "/dataSourceId", out_error);
    }
    return call.Finish(registry->registry->DeleteDataSource(data_source_id),
                       dsh::DeleteResultJson);
  });
}

int32_t dsh_route(dsh_registry* registry, const char* method,
                  const char* target, size_t target_len, const char* body,
                  size_t body_len, int32_t* out_http_status, char** out_body,
                  size_t* out_body_len, dsh_error** out_error) {
  return Guard(out_error, [&]() -> int32_t {
    const Call call{registry, out_body, out_body_len, out_error};
    if (std::optional<int32_t> refused = call.Check()) return *refused;
    if (out_http_status == nullptr) {
      return FailArgument("out_http_status is NULL", out_error);
    }
    *out_http_status = 0;
    if (method == nullptr) return FailArgument("method is NULL", out_error);
    const std::optional<std::string_view> path = Bytes(target, target_len);
    if (!path) return FailArgument("target is NULL", out_error);
    const std::optional<std::string_view> text = Bytes(body, body_len);
    if (!text) return FailArgument("body is NULL", out_error);
    dsh::RouteResponse response =
        dsh::RouteRequest(*registry->registry, method, *path, *text);
    dsh::capi::Give(response.body, out_body, out_body_len);
    *out_http_status = response.http_status;
    return DSH_OK;
  });
}

}  // extern "C"
