#include "store/record_rules.h"

#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "model/absl_compat.h"

namespace dsh::store {

absl::Status DataSourceNameTaken(std::string_view name) {
  return absl::AlreadyExistsError(
      absl::StrCat("data source name \"", AsAbsl(name), "\" already exists"));
}

absl::Status SqlTableNameTaken(std::string_view sql_schema_name,
                               std::string_view sql_table_name) {
  return absl::AlreadyExistsError(absl::StrCat(
      "SQL table name \"", AsAbsl(sql_table_name),
      "\" already exists in SQL schema \"", AsAbsl(sql_schema_name), "\""));
}

absl::Status HandlerNotFound(HandlerId id) {
  return absl::NotFoundError(absl::StrCat("handler ", id, " not found"));
}

absl::Status DataSourceNotFound(DataSourceId id) {
  return absl::NotFoundError(absl::StrCat("data source ", id, " not found"));
}

absl::Status TableAlreadyRegistered(HandlerId id, const TableKey& key,
                                    HandlerId holder) {
  return absl::AlreadyExistsError(absl::StrCat(
      "handler ", id, " cannot move to table \"", key.schema, "\".\"",
      key.table, "\" at ", AsAbsl(TechnologyName(key.family)), " ", key.host,
      ":", key.port, "/", key.database,
      ": the table is already registered by handler ", holder));
}

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t NextUpdateTime(std::int64_t previous_ms, std::int64_t now_ms) {
  return std::max(now_ms, previous_ms + 1);
}

void StampNewRecord(DataSourceRecord* record, std::int64_t now_ms) {
  if (record->created_at_ms == 0) record->created_at_ms = now_ms;
  if (record->updated_at_ms == 0) record->updated_at_ms = record->created_at_ms;
}

}  // namespace dsh::store
