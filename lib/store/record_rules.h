// What every store does the same way: the words of its errors and how it
// stamps times, so that the memory, SQLite and PostgreSQL stores cannot
// drift apart in what a caller sees.
#ifndef DSH_LIB_STORE_RECORD_RULES_H_
#define DSH_LIB_STORE_RECORD_RULES_H_

#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "dsh/model.h"

namespace dsh::store {

// AlreadyExists: `data source name "<name>" already exists`.
absl::Status DataSourceNameTaken(std::string_view name);

// AlreadyExists: `SQL table name "<table>" already exists in SQL schema
// "<schema>"`.
absl::Status SqlTableNameTaken(std::string_view sql_schema_name,
                               std::string_view sql_table_name);

// NotFound: `handler <id> not found`.
absl::Status HandlerNotFound(HandlerId id);

// NotFound: `data source <id> not found`.
absl::Status DataSourceNotFound(DataSourceId id);

// AlreadyExists: `handler <id> cannot move to table "<schema>"."<table>" at
// <family> <host>:<port>/<database>: the table is already registered by
// handler <holder>`.
absl::Status TableAlreadyRegistered(HandlerId id, const TableKey& key,
                                    HandlerId holder);

// Milliseconds since the Unix epoch, from the wall clock.
std::int64_t NowMs();

// The updated time a change stamps: the wall clock, but always later than
// the previous stamp, so that a reader comparing times sees every change
// even when two land within one millisecond or the clock steps back.
std::int64_t NextUpdateTime(std::int64_t previous_ms, std::int64_t now_ms);

// A new record's times: those it carries are kept (a copy or a migration
// keeps its history); when it carries none, it was created now.
void StampNewRecord(DataSourceRecord* record, std::int64_t now_ms);

}  // namespace dsh::store

#endif  // DSH_LIB_STORE_RECORD_RULES_H_
