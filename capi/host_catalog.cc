#include "capi/host_catalog.h"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "capi/error.h"
#include "model/absl_compat.h"
#include "payload/host_json.h"
#include "payload/json_writer.h"

namespace dsh::capi {
namespace {

using Callback = int32_t (*)(void*, const char*, size_t, char**, size_t*);

constexpr RelationKind kKinds[] = {
    RelationKind::kTable,         RelationKind::kPartitionedTable,
    RelationKind::kView,          RelationKind::kMaterializedView,
    RelationKind::kForeignTable,  RelationKind::kLateBindingView,
    RelationKind::kExternalTable,
};

std::optional<RelationKind> ParseKind(std::string_view name) {
  for (RelationKind kind : kKinds) {
    if (RelationKindName(kind) == name) return kind;
  }
  return std::nullopt;
}

// The connection a request names: never the password or the CA bundle.
void WriteConnection(payload::JsonWriter& writer,
                     const ConnectionSettings& settings) {
  writer.Key("connection").BeginObject();
  writer.Key("technology").String(TechnologyName(settings.technology));
  writer.Key("host").String(settings.host);
  writer.Key("port").Int(settings.port);
  writer.Key("database").String(settings.database);
  writer.Key("username").String(settings.username);
  writer.Key("ssl").Bool(settings.ssl);
  writer.EndObject();
}

class HostCatalog : public Catalog {
 public:
  HostCatalog(const dsh_host& host, ConnectionSettings settings)
      : host_(host), settings_(std::move(settings)) {
    settings_.password.clear();
    settings_.ca_bundle_pem.clear();
  }

  absl::StatusOr<std::vector<TableDescription>> DescribeTables(
      absl::Span<const TableRef> tables) override {
    payload::JsonWriter writer;
    writer.BeginObject();
    WriteConnection(writer, settings_);
    writer.Key("tables").BeginArray();
    for (const TableRef& table : tables) {
      writer.BeginObject();
      writer.Key("schema").String(table.schema);
      writer.Key("table").String(table.table);
      writer.EndObject();
    }
    writer.EndArray().EndObject();
    absl::StatusOr<std::string> answer =
        Call(host_.describe_tables, "describe_tables", writer.text());
    if (!answer.ok()) return answer.status();
    absl::StatusOr<std::vector<payload::HostTable>> parsed =
        payload::ParseHostDescribeResponse(*answer);
    if (!parsed.ok()) return Unusable("describe_tables", parsed.status());
    if (parsed->size() != tables.size()) {
      return absl::InternalError(
          absl::StrCat("the host's describe_tables answer has ", parsed->size(),
                       " tables for ", tables.size(), " requested"));
    }
    std::vector<TableDescription> descriptions;
    descriptions.reserve(tables.size());
    for (std::size_t i = 0; i < tables.size(); ++i) {
      payload::HostTable& answered = (*parsed)[i];
      TableDescription description;
      description.requested = tables[i];
      description.resolved = {answered.name.schema, answered.name.table};
      const std::string shown =
          absl::StrCat(answered.name.schema, ".", answered.name.table);
      switch (answered.status) {
        case payload::HostTable::Status::kOk: {
          const std::optional<RelationKind> kind = ParseKind(answered.kind);
          if (!kind) {
            return absl::InternalError(absl::StrCat(
                "the host's describe_tables answer /tables/", i,
                "/kind: unknown relation kind \"", answered.kind, "\""));
          }
          description.kind = *kind;
          description.columns = std::move(answered.columns);
          break;
        }
        case payload::HostTable::Status::kNotFound:
          description.status = absl::NotFoundError(
              answered.message.empty()
                  ? absl::StrCat("table ", shown, " does not exist")
                  : answered.message);
          break;
        case payload::HostTable::Status::kAmbiguous:
          description.status = absl::InvalidArgumentError(
              answered.message.empty()
                  ? absl::StrCat("table name ", shown, " is ambiguous")
                  : answered.message);
          break;
      }
      descriptions.push_back(std::move(description));
    }
    return descriptions;
  }

  absl::StatusOr<std::vector<TableRef>> ListTables(
      absl::Span<const std::string> schemas) override {
    if (host_.list_tables == nullptr) {
      return absl::UnimplementedError(
          "the host's catalog cannot list tables (list_tables is NULL)");
    }
    payload::JsonWriter writer;
    writer.BeginObject();
    WriteConnection(writer, settings_);
    writer.Key("schemas").BeginArray();
    for (const std::string& schema : schemas) writer.String(schema);
    writer.EndArray().EndObject();
    absl::StatusOr<std::string> answer =
        Call(host_.list_tables, "list_tables", writer.text());
    if (!answer.ok()) return answer.status();
    absl::StatusOr<std::vector<payload::HostTableName>> parsed =
        payload::ParseHostListResponse(*answer);
    if (!parsed.ok()) return Unusable("list_tables", parsed.status());
    std::vector<TableRef> names;
    names.reserve(parsed->size());
    for (payload::HostTableName& name : *parsed) {
      names.push_back({std::move(name.schema), std::move(name.table)});
    }
    return names;
  }

 private:
  // Calls a host callback and takes its answer, releasing the host's
  // buffer. A non-OK status comes back with the host's text as message.
  absl::StatusOr<std::string> Call(Callback callback, std::string_view name,
                                   const std::string& request) {
    char* buffer = nullptr;
    size_t length = 0;
    const int32_t code = callback(host_.user_data, request.data(),
                                  request.size(), &buffer, &length);
    std::string text;
    if (buffer != nullptr) {
      // Copy first, then release, even if the copy throws.
      struct Release {
        const dsh_host& host;
        char* buffer;
        ~Release() {
          if (host.free_buffer != nullptr) {
            host.free_buffer(host.user_data, buffer);
          }
        }
      } release{host_, buffer};
      text.assign(buffer, length);
    }
    if (code == DSH_OK) return text;
    if (text.empty()) {
      text = absl::StrCat("the host's ", AsAbsl(name),
                          " callback failed with status ", code);
    }
    return absl::Status(AbslCodeOf(code), text);
  }

  static absl::Status Unusable(std::string_view name,
                               const absl::Status& status) {
    return absl::InternalError(
        absl::StrCat("the host's ", AsAbsl(name),
                     " answer is not usable: ", status.message()));
  }

  const dsh_host host_;
  ConnectionSettings settings_;
};

class HostCatalogConnector : public CatalogConnector {
 public:
  explicit HostCatalogConnector(const dsh_host& host) : host_(host) {}

  absl::StatusOr<std::unique_ptr<Catalog>> Connect(
      const ConnectionSettings& settings) override {
    return std::unique_ptr<Catalog>(new HostCatalog(host_, settings));
  }

 private:
  const dsh_host host_;
};

}  // namespace

std::shared_ptr<CatalogConnector> NewHostCatalogConnector(
    const dsh_host& host) {
  return std::make_shared<HostCatalogConnector>(host);
}

}  // namespace dsh::capi
