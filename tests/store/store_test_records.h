// Records for the store tests: a plain entry per table, an entry with every
// field set to something other than its default, and a text form of a
// record that lists every field, so that a round trip is checked field by
// field and a difference shows up as a readable diff.
#ifndef DSH_TESTS_STORE_STORE_TEST_RECORDS_H_
#define DSH_TESTS_STORE_STORE_TEST_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "dsh/model.h"
#include "dsh/store.h"
#include "model/absl_compat.h"

namespace dsh::store_test {

inline TableKey KeyOf(const std::string& table,
                      const std::string& host = "cluster.example.io") {
  return TableKey{Technology::kRedshift, host, 5439, "dev", "sales", table};
}

// A handler for `table` and its data source, named after the table.
inline NewDataSource EntryFor(const std::string& table,
                              const std::string& host = "cluster.example.io") {
  NewDataSource entry;
  entry.handler.technology = Technology::kRedshift;
  entry.handler.metadata.hostname = host;
  entry.handler.metadata.port = 5439;
  entry.handler.metadata.database = "dev";
  entry.handler.metadata.schema = "sales";
  entry.handler.metadata.table = table;
  entry.handler.metadata.username = "loader";
  entry.handler.metadata.password = "pw-" + table;
  entry.handler.connection_string = host + ":5439/dev";
  entry.handler.key = KeyOf(table, host);
  entry.data_source.name = "Sales " + table + " at " + host;
  entry.data_source.sql_schema_name = "sales";
  entry.data_source.sql_table_name = table;
  entry.data_source.organization = "acme";
  entry.data_source.dictionary = {
      {"id", "integer", "integer", false, true, {}},
      {"note", "text", "character varying(256)", true, false, {"New"}}};
  return entry;
}

// Every field set, none to its default; bytes a text encoding could mangle
// in the secrets.
inline NewDataSource RichEntry() {
  NewDataSource entry;
  HandlerRecord& handler = entry.handler;
  handler.technology = Technology::kPostgresql;
  HandlerMetadata& m = handler.metadata;
  m.hostname = "db.internal.example";
  m.port = 6543;
  m.database = "warehouse";
  m.schema = "Mixed Case";
  m.table = "orders|2024";
  m.query = "select 1";
  m.username = "analyst";
  m.password = std::string("p\0ss\xff\"word", 10);
  m.ssl = false;
  m.user_files = {
      {"ca", "ca.pem", std::string("-----BEGIN\0\x01", 12), "my-ca.pem"},
      {"cert", "", "", "client.crt"}};
  m.connection_string_options = "sslmode=verify-full";
  m.authentication_method = "userPassword";
  m.data_source_name = "Orders";
  m.bodata_schema_name = "shop";
  m.bodata_table_name = "orders_2024";
  m.schema_project_name = "Project";
  m.native_view_name = "view";
  m.native_schema_name = "native";
  m.native_workspace_name = "workspace";
  m.stale_data_tolerance = -2.5;
  m.columns = std::vector<std::string>{"id", "", "total"};
  handler.connection_string = "db.internal.example:6543/warehouse";
  handler.key = TableKey{Technology::kPostgresql,
                         "db.internal.example",
                         6543,
                         "warehouse",
                         "Mixed Case",
                         "orders|2024"};

  DataSourceRecord& ds = entry.data_source;
  ds.name = "Orders \xc3\xa9t\xc3\xa9";
  ds.sql_schema_name = "shop";
  ds.sql_table_name = "orders_2024";
  ds.is_private = false;
  ds.organization = "acme";
  DataSourceSpec& spec = ds.spec;
  spec.is_private = false;
  spec.blob_handler_json = R"([{"scheme":"postgresql","url":"x","extra":1}])";
  spec.blob_handler_type = "PostgreSQL";
  spec.record_format = "";
  spec.type = "queryable";
  spec.name = "Orders";
  spec.sql_table_name = "orders_2024";
  spec.organization = "acme";
  spec.category = "finance";
  spec.description = "line one\nline two";
  spec.owner = {{{1, 2}, {3}}, {{}, {-4}}};
  spec.expert = {{{5}, {}}};
  spec.ingest = {{{}, {}}};
  spec.has_examples = true;
  SchemaEvolution evolution;
  evolution.owner_profile_id = 77;
  evolution.disabled = false;
  evolution.schemas = {"public", "Sales"};
  evolution.name_template = {"<Database> <Tablename>", "t_<tablename>",
                             "s_<schema>", "<Schema> project"};
  ds.schema_evolution = evolution;
  ds.policy_rules_json = R"([{"rule":"mask"}])";
  ds.dictionary = {
      {"id", "integer", "integer", false, true, {}},
      {"total", "numeric", "numeric(12,2)", true, false, {"New", "pii"}},
      {"", "text", "", true, true, {""}}};
  ds.healthy = false;
  ds.health_message = "table \"orders|2024\" is gone\n";
  ds.disabled = true;
  ds.created_at_ms = 1700000000123;
  ds.updated_at_ms = 1700000000456;
  ds.dictionary_read_at_ms = 1700000000789;
  return entry;
}

inline std::string Quoted(const std::string& text) {
  return absl::StrCat("\"", absl::CEscape(text), "\"");
}

inline std::string Bool(bool value) { return value ? "true" : "false"; }

inline std::string Optional(const std::optional<bool>& value) {
  return value ? absl::StrCat("some(", Bool(*value), ")") : "none";
}

inline std::string Optional(const std::optional<std::int64_t>& value) {
  return value ? absl::StrCat("some(", *value, ")") : "none";
}

// Every bit of a double, so that a round trip that loses precision shows.
inline std::string Optional(const std::optional<double>& value) {
  return value ? absl::StrFormat("some(%a)", *value) : "none";
}

inline std::string OptionalText(const std::optional<std::string>& value) {
  return value ? absl::StrCat("some(", Quoted(*value), ")") : "none";
}

inline std::string Texts(const std::vector<std::string>& values) {
  std::string out = "[";
  for (const std::string& value : values)
    absl::StrAppend(&out, Quoted(value), ",");
  return out + "]";
}

inline std::string Describe(const TableKey& key) {
  return absl::StrCat(AsAbsl(TechnologyName(key.family)), " ", Quoted(key.host),
                      " ", key.port, " ", Quoted(key.database), " ",
                      Quoted(key.schema), " ", Quoted(key.table));
}

inline std::string Describe(const std::vector<Principals>& list) {
  std::string out = "[";
  for (const Principals& p : list) {
    absl::StrAppend(&out, "{profiles:", absl::StrJoin(p.profiles, ","),
                    " groups:", absl::StrJoin(p.groups, ","), "}");
  }
  return out + "]";
}

inline std::string Describe(const std::vector<Column>& dictionary) {
  std::string out;
  for (const Column& c : dictionary) {
    absl::StrAppend(&out, "  column ", Quoted(c.name), " ", Quoted(c.data_type),
                    " ", Quoted(c.remote_type), " nullable=", Bool(c.nullable),
                    " pk=", Bool(c.primary_key), " tags=", Texts(c.tags), "\n");
  }
  return out;
}

inline std::string Describe(const HandlerRecord& h) {
  const HandlerMetadata& m = h.metadata;
  std::string out = absl::StrCat(
      "id=", h.id, "\ndata_source_id=", h.data_source_id,
      "\ntechnology=", AsAbsl(TechnologyName(h.technology)),
      "\nconnection_string=", Quoted(h.connection_string),
      "\nkey=", h.key ? Describe(*h.key) : "none",
      "\nhostname=", Quoted(m.hostname), "\nport=", m.port,
      "\ndatabase=", Quoted(m.database), "\nschema=", Quoted(m.schema),
      "\ntable=", Quoted(m.table), "\nquery=", OptionalText(m.query),
      "\nusername=", Quoted(m.username), "\npassword=", Quoted(m.password),
      "\nssl=", Bool(m.ssl), "\n");
  for (const UserFile& f : m.user_files) {
    absl::StrAppend(&out, "user_file ", Quoted(f.key_name), " ",
                    Quoted(f.filename), " ", Quoted(f.content), " ",
                    Quoted(f.user_filename), "\n");
  }
  absl::StrAppend(
      &out, "connection_string_options=", Quoted(m.connection_string_options),
      "\nauthentication_method=", Quoted(m.authentication_method),
      "\ndata_source_name=", Quoted(m.data_source_name),
      "\nbodata_schema_name=", Quoted(m.bodata_schema_name),
      "\nbodata_table_name=", Quoted(m.bodata_table_name),
      "\nschema_project_name=", Quoted(m.schema_project_name),
      "\nnative_view_name=", Quoted(m.native_view_name),
      "\nnative_schema_name=", Quoted(m.native_schema_name),
      "\nnative_workspace_name=", Quoted(m.native_workspace_name),
      "\nstale_data_tolerance=", Optional(m.stale_data_tolerance),
      "\ncolumns=", m.columns ? Texts(*m.columns) : "none", "\n");
  return out;
}

inline std::string Describe(const DataSourceRecord& d) {
  const DataSourceSpec& s = d.spec;
  std::string out = absl::StrCat(
      "id=", d.id, "\nhandler_id=", d.handler_id, "\nname=", Quoted(d.name),
      "\nsql_schema_name=", Quoted(d.sql_schema_name),
      "\nsql_table_name=", Quoted(d.sql_table_name),
      "\nis_private=", Bool(d.is_private),
      "\norganization=", Quoted(d.organization),
      "\nspec.is_private=", Optional(s.is_private),
      "\nspec.blob_handler_json=", Quoted(s.blob_handler_json),
      "\nspec.blob_handler_type=", Quoted(s.blob_handler_type),
      "\nspec.record_format=", Quoted(s.record_format),
      "\nspec.type=", Quoted(s.type), "\nspec.name=", Quoted(s.name),
      "\nspec.sql_table_name=", Quoted(s.sql_table_name),
      "\nspec.organization=", Quoted(s.organization),
      "\nspec.category=", Quoted(s.category),
      "\nspec.description=", Quoted(s.description),
      "\nspec.owner=", Describe(s.owner), "\nspec.expert=", Describe(s.expert),
      "\nspec.ingest=", Describe(s.ingest),
      "\nspec.has_examples=", Bool(s.has_examples), "\n");
  if (d.schema_evolution) {
    const SchemaEvolution& e = *d.schema_evolution;
    absl::StrAppend(
        &out, "evolution.owner_profile_id=", Optional(e.owner_profile_id),
        "\nevolution.disabled=", Bool(e.disabled),
        "\nevolution.schemas=", Texts(e.schemas),
        "\nevolution.name_format=", Quoted(e.name_template.name_format),
        "\nevolution.table_format=", Quoted(e.name_template.table_format),
        "\nevolution.sql_schema_name_format=",
        Quoted(e.name_template.sql_schema_name_format),
        "\nevolution.schema_project_name_format=",
        Quoted(e.name_template.schema_project_name_format), "\n");
  } else {
    absl::StrAppend(&out, "evolution=none\n");
  }
  absl::StrAppend(
      &out, "policy_rules_json=", Quoted(d.policy_rules_json),
      "\ndictionary:\n", Describe(d.dictionary), "healthy=", Bool(d.healthy),
      "\nhealth_message=", Quoted(d.health_message),
      "\ndisabled=", Bool(d.disabled), "\ncreated_at_ms=", d.created_at_ms,
      "\nupdated_at_ms=", d.updated_at_ms,
      "\ndictionary_read_at_ms=", d.dictionary_read_at_ms, "\n");
  return out;
}

}  // namespace dsh::store_test

#endif  // DSH_TESTS_STORE_STORE_TEST_RECORDS_H_
