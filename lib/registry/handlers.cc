// Reading, updating, refreshing and deleting registered handlers.

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "dsh/error.h"
#include "model/absl_compat.h"
#include "registry/change_detection.h"
#include "registry/dictionary.h"
#include "registry/registry_impl.h"

namespace dsh {
namespace {

using registry::Annotate;
using registry::NowMs;
using registry::SettingsFor;

constexpr char kMetadataPointer[] = "/handler/metadata";

// The status a failed refresh outcome stands for.
absl::Status StatusOf(const RefreshOutcome& outcome) {
  static const std::pair<std::string_view, absl::StatusCode> kCodes[] = {
      {"database_unavailable", absl::StatusCode::kUnavailable},
      {"timeout", absl::StatusCode::kDeadlineExceeded},
      {"permission_denied", absl::StatusCode::kPermissionDenied},
      {"not_found", absl::StatusCode::kNotFound},
      {"invalid_request", absl::StatusCode::kInvalidArgument},
      {"unsupported", absl::StatusCode::kUnimplemented},
  };
  absl::StatusCode code = absl::StatusCode::kInternal;
  for (const auto& [name, known] : kCodes) {
    if (outcome.error_code == name) code = known;
  }
  return absl::Status(code, outcome.error_message);
}

// `host:port/database`, with an IPv6 host in brackets, as a client writes
// it; nullopt when it does not have that shape.
std::optional<ConnectionString> ParseConnectionString(std::string_view text) {
  const size_t slash = text.rfind('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const std::string_view address = text.substr(0, slash);
  const size_t colon = address.rfind(':');
  int port = 0;
  if (colon == std::string_view::npos ||
      !absl::SimpleAtoi(AsAbsl(address.substr(colon + 1)), &port)) {
    return std::nullopt;
  }
  std::string_view host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return ConnectionString{std::string(host), port,
                          std::string(text.substr(slash + 1))};
}

}  // namespace

absl::StatusOr<HandlerRecord> Registry::Impl::FindHandler(Technology technology,
                                                          HandlerId id) {
  absl::StatusOr<HandlerRecord> handler = store_->GetHandler(id);
  if (handler.ok() && handler->technology != technology) {
    return absl::NotFoundError(absl::StrCat(
        "handler ", id, " is a ", AsAbsl(TechnologyName(handler->technology)),
        " handler, not a ", AsAbsl(TechnologyName(technology)), " one"));
  }
  return handler;
}

absl::StatusOr<HandlerView> Registry::Impl::GetHandler(Technology technology,
                                                       HandlerId id,
                                                       bool skip_cache) {
  absl::StatusOr<HandlerRecord> handler = FindHandler(technology, id);
  if (!handler.ok()) return handler.status();
  absl::StatusOr<DataSourceRecord> source =
      store_->GetDataSource(handler->data_source_id);
  if (!source.ok()) return source.status();

  const std::int64_t max_age_ms =
      std::int64_t{options_.dictionary_max_age_seconds} * 1000;
  const bool stale =
      max_age_ms > 0 && NowMs() - source->dictionary_read_at_ms > max_age_ms;
  if (skip_cache || stale) {
    const RefreshOutcome outcome = refresher_.Refresh({*handler}).front();
    if (outcome.error_code && skip_cache) return StatusOf(outcome);
    if (outcome.error_code) {
      options_.logger.Log(
          LogLevel::kWarning,
          absl::StrCat("handler ", id, ": serving a stale dictionary: ",
                       outcome.error_message));
    } else {
      source = store_->GetDataSource(handler->data_source_id);
      if (!source.ok()) return source.status();
    }
  }

  handler->metadata.password.clear();
  for (UserFile& file : handler->metadata.user_files) file.content.clear();
  return HandlerView{std::move(*handler), std::move(*source)};
}

absl::StatusOr<UpdateResult> Registry::Impl::UpdateHandler(
    Technology technology, HandlerId id, std::string_view body,
    bool skip_cache) {
  absl::StatusOr<payload::ParsedUpdate> parsed =
      payload::ParseUpdateRequest(body, ParseOptionsFor(technology));
  if (!parsed.ok()) return parsed.status();
  if (!parsed->problems.empty()) {
    return InvalidRequest(std::move(parsed->problems));
  }
  absl::StatusOr<HandlerRecord> old = FindHandler(technology, id);
  if (!old.ok()) return old.status();
  absl::StatusOr<DataSourceRecord> source =
      store_->GetDataSource(old->data_source_id);
  if (!source.ok()) return source.status();

  HandlerRecord handler = *old;
  handler.metadata = std::move(parsed->metadata);
  if (!parsed->password_given)
    handler.metadata.password = old->metadata.password;
  const ConnectionString connection =
      identity::ConnectionOf(technology, handler.metadata, identity_);
  handler.connection_string = connection.ToString();

  // The client names the connection it means; it must be the one the new
  // metadata describes, however the host is spelled.
  std::optional<ConnectionString> named =
      ParseConnectionString(parsed->connection_string);
  if (named) {
    HandlerMetadata spelled;
    spelled.hostname = named->host;
    spelled.port = named->port;
    spelled.database = named->database;
    named = identity::ConnectionOf(technology, spelled, identity_);
  }
  if (!named || !(*named == connection)) {
    return ProblemStatus(
        absl::StatusCode::kInvalidArgument, "/connectionString",
        absl::StrCat("must be the connection the new metadata describes, ",
                     handler.connection_string));
  }

  const ConnectionSettings settings =
      SettingsFor(technology, handler.metadata, options_);
  // Same table, reached the same way (credentials, TLS, CA bundle): the
  // stored dictionary still holds.
  const bool same_place =
      identity::KeyFromPayload(technology, handler.metadata, identity_) ==
          identity::KeyFromPayload(technology, old->metadata, identity_) &&
      registry::IdentityOf(settings) ==
          registry::IdentityOf(
              SettingsFor(technology, old->metadata, options_));
  const bool read_catalog =
      skip_cache || handler.metadata.columns.has_value() || !same_place;

  if (read_catalog) {
    absl::StatusOr<std::unique_ptr<Catalog>> catalog =
        catalogs_->Connect(settings);
    if (!catalog.ok()) {
      return Annotate(
          catalog.status(),
          absl::StrCat("connecting to ", handler.connection_string));
    }
    const TableRef ref{handler.metadata.schema, handler.metadata.table};
    absl::StatusOr<std::vector<TableDescription>> tables =
        (*catalog)->DescribeTables({&ref, 1});
    if (!tables.ok()) {
      return Annotate(tables.status(), absl::StrCat("reading the catalog of ",
                                                    handler.connection_string));
    }
    const TableDescription& table = tables->front();
    if (!table.status.ok()) {
      return ProblemStatus(table.status.code(),
                           absl::StrCat(kMetadataPointer, "/table"),
                           std::string(table.status.message()));
    }
    registry::BuiltDictionary built = registry::BuildDictionary(
        technology, table, handler.metadata.columns, kMetadataPointer);
    if (!built.problems.empty()) {
      return InvalidRequest(std::move(built.problems));
    }
    handler.metadata.schema = table.resolved.schema;
    handler.metadata.table = table.resolved.table;
    handler.key = identity::KeyFromCatalog(technology, handler.metadata,
                                           table.resolved.schema,
                                           table.resolved.table, identity_);
    source->dictionary =
        registry::DiffDictionaries(source->dictionary, built.columns)
            .dictionary;
    source->healthy = true;
    source->health_message.clear();
    source->dictionary_read_at_ms = NowMs();
  } else {
    handler.metadata.schema = old->metadata.schema;
    handler.metadata.table = old->metadata.table;
  }
  if (!handler.metadata.data_source_name.empty()) {
    source->name = handler.metadata.data_source_name;
  }
  if (!handler.metadata.bodata_table_name.empty()) {
    source->sql_table_name = handler.metadata.bodata_table_name;
  }
  if (!handler.metadata.bodata_schema_name.empty()) {
    source->sql_schema_name = handler.metadata.bodata_schema_name;
  }
  source->updated_at_ms = NowMs();

  const HandlerUpdate update{handler, *source};
  absl::StatusOr<std::int64_t> changed =
      store_->UpdateHandlers({&update, 1}, std::nullopt);
  if (!changed.ok()) return changed.status();
  options_.logger.Log(
      LogLevel::kInfo,
      absl::StrCat("updated handler ", id, " (",
                   registry::QuotedTableName(handler.metadata.schema,
                                             handler.metadata.table),
                   " on ", handler.connection_string, ")"));

  UpdateResult result;
  result.id = id;
  if (const UserFile* ca = handler.metadata.CaBundle()) {
    result.ca = ca->filename.empty() ? ca->user_filename : ca->filename;
  }
  result.columns = std::move(source->dictionary);
  return result;
}

absl::StatusOr<BulkResult> Registry::Impl::BulkUpdate(Technology technology,
                                                      std::string_view body) {
  absl::StatusOr<payload::ParsedBulk> parsed =
      payload::ParseBulkRequest(body, ParseOptionsFor(technology));
  if (!parsed.ok()) return parsed.status();
  if (!parsed->problems.empty()) {
    return InvalidRequest(std::move(parsed->problems));
  }
  const std::optional<ConnectionString> named =
      ParseConnectionString(parsed->connection_string);
  if (!named) {
    return ProblemStatus(absl::StatusCode::kInvalidArgument,
                         "/connectionString",
                         "must have the form host:port/database");
  }
  HandlerMetadata spelled;
  spelled.hostname = named->host;
  spelled.port = named->port;
  spelled.database = named->database;
  const std::string from =
      identity::ConnectionOf(technology, spelled, identity_).ToString();

  HandlerFilter filter;
  filter.technology = technology;
  filter.connection_string = from;
  absl::StatusOr<std::vector<HandlerRecord>> handlers =
      store_->ListHandlers(filter);
  if (!handlers.ok()) return handlers.status();
  if (handlers->empty()) {
    return absl::NotFoundError(absl::StrCat(
        "no ", AsAbsl(TechnologyName(technology)), " handler uses ", from));
  }

  const HandlerMetadata& settings = parsed->metadata;
  std::vector<HandlerUpdate> updates;
  for (const HandlerRecord& old : *handlers) {
    HandlerRecord handler = old;
    HandlerMetadata& m = handler.metadata;
    m.hostname = settings.hostname;
    m.port = settings.port;
    m.database = settings.database;
    m.username = settings.username;
    if (parsed->password_given) m.password = settings.password;
    m.ssl = settings.ssl;
    if (!settings.user_files.empty()) m.user_files = settings.user_files;
    handler.connection_string =
        identity::ConnectionOf(technology, m, identity_).ToString();
    if (old.key) {
      handler.key = identity::KeyFromCatalog(technology, m, old.key->schema,
                                             old.key->table, identity_);
    }
    updates.push_back({std::move(handler), std::nullopt});
  }
  absl::StatusOr<std::int64_t> bulk_id = store_->UpdateHandlers(updates, from);
  if (!bulk_id.ok()) return bulk_id.status();

  BulkResult result;
  result.bulk_id = *bulk_id;
  result.connection_string = updates.front().handler.connection_string;
  result.jobs_created = static_cast<std::int64_t>(updates.size());
  options_.logger.Log(LogLevel::kInfo,
                      absl::StrCat("bulk change ", result.bulk_id, " moved ",
                                   result.jobs_created, " handlers from ", from,
                                   " to ", result.connection_string));
  return result;
}

absl::StatusOr<std::vector<RefreshOutcome>> Registry::Impl::Refresh(
    const std::optional<std::vector<HandlerId>>& handler_ids,
    const RefreshProgress& progress) {
  HandlerFilter filter;
  filter.ids = handler_ids;
  absl::StatusOr<std::vector<HandlerRecord>> handlers =
      store_->ListHandlers(filter);
  if (!handlers.ok()) return handlers.status();
  if (handler_ids) {
    absl::flat_hash_set<HandlerId> found;
    for (const HandlerRecord& handler : *handlers) found.insert(handler.id);
    std::vector<HandlerId> missing;
    for (HandlerId id : *handler_ids) {
      if (!found.contains(id)) missing.push_back(id);
    }
    if (!missing.empty()) {
      return absl::NotFoundError(
          absl::StrCat("no handler has id ", absl::StrJoin(missing, ", ")));
    }
  }
  return refresher_.Refresh(*handlers, progress);
}

absl::StatusOr<DataSourceRecord> Registry::Impl::GetDictionary(
    DataSourceId id) {
  return store_->GetDataSource(id);
}

absl::StatusOr<DeleteResult> Registry::Impl::DeleteDataSource(DataSourceId id) {
  absl::StatusOr<DeleteResult> deleted = store_->DeleteDataSource(id);
  if (deleted.ok()) {
    options_.logger.Log(LogLevel::kInfo,
                        absl::StrCat("deleted data source ", id,
                                     " and its handler ", deleted->handler_id));
  }
  return deleted;
}

}  // namespace dsh
