// Creating data sources end to end against a real PostgreSQL: every table
// and view of a schema is registered, and each dictionary is checked against
// what psql's \d prints for that relation.

#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "dsh/registry.h"
#include "dsh/response.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/postgres_server.h"
#include "tests/support/scratch_dir.h"

namespace dsh {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;

constexpr char kPassword[] = "canary-Pw-c41e";

std::string JsonString(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\u%04x", c);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string QuoteIdentifier(const std::string& name) {
  return absl::StrCat("\"", absl::StrReplaceAll(name, {{"\"", "\"\""}}), "\"");
}

struct Relation {
  std::string schema;
  std::string table;
};

class RegistryPostgresTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    PostgresServer::Options options;
    options.password = kPassword;
    absl::StatusOr<std::unique_ptr<testing::PostgresServer>> started =
        testing::PostgresServer::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = started->release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  using PostgresServer = testing::PostgresServer;

  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    absl::StatusOr<std::unique_ptr<Store>> store =
        OpenSqliteStore(scratch_.File("registry.db"));
    ASSERT_TRUE(store.ok()) << store.status();
    RegistryOptions options;
    options.logger = Logger(
        [this](LogLevel, std::string_view line) {
          log_ += std::string(line) + "\n";
        },
        LogLevel::kDebug);
    registry_ = std::make_unique<Registry>(
        std::move(options), std::move(*store),
        std::shared_ptr<CatalogConnector>(NewPostgresCatalogConnector()));
  }

  // A fresh database holding `files`.
  void LoadDatabase(const std::string& database,
                    const std::vector<std::string>& files) {
    ASSERT_TRUE(server_->CreateDatabase(database).ok());
    for (const std::string& file : files) {
      const absl::Status loaded = server_->RunSqlFile(database, file);
      ASSERT_TRUE(loaded.ok()) << file << ": " << loaded;
    }
    PinSearchPath(database);
  }

  // dsh prints types as the server does with no schema but pg_catalog on
  // the search path (user types qualified, docs/catalog.md); psql's \d is
  // made to print them the same way.
  void PinSearchPath(const std::string& database) {
    const absl::Status pinned = server_->RunSql(
        database, absl::StrCat("ALTER DATABASE ", QuoteIdentifier(database),
                               " SET search_path = pg_catalog"));
    ASSERT_TRUE(pinned.ok()) << pinned;
  }

  std::vector<Relation> UserRelations(const std::string& database) {
    absl::StatusOr<std::vector<std::vector<std::string>>> rows =
        server_->Query(database, R"sql(
          SELECT n.nspname, c.relname
          FROM pg_catalog.pg_class c
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
            AND n.nspname <> 'information_schema'
            AND n.nspname NOT LIKE 'pg\_%'
          ORDER BY 1, 2)sql");
    EXPECT_TRUE(rows.ok()) << rows.status();
    std::vector<Relation> relations;
    for (const auto& row : *rows) relations.push_back({row[0], row[1]});
    return relations;
  }

  // A payload registering `relations`, each with a unique name.
  std::string PayloadFor(const std::string& database,
                         const std::vector<Relation>& relations) {
    std::vector<std::string> handlers;
    for (size_t i = 0; i < relations.size(); ++i) {
      handlers.push_back(absl::StrCat(
          R"({"metadata": {"hostname": "127.0.0.1", "port": )", server_->port(),
          R"(, "database": )", JsonString(database),
          R"(, "username": "postgres", "password": ")", kPassword,
          R"(", "ssl": false, "schema": )", JsonString(relations[i].schema),
          R"(, "table": )", JsonString(relations[i].table),
          R"(, "dataSourceName": "source )", i, R"(", "bodataTableName": "t)",
          i, R"("}})"));
    }
    return absl::StrCat(
        R"({"handler": [)", absl::StrJoin(handlers, ",\n"),
        R"(], "dataSource": {"blobHandler": {"scheme": "https", "url": ""},)",
        R"( "blobHandlerType": "PostgreSQL", "recordFormat": "",)",
        R"( "type": "queryable"}})");
  }

  // Registers every relation of `database` and checks each dictionary
  // against \d: names, order, type text and nullability.
  void ExpectEveryRelationMatchesPsql(const std::string& database) {
    const std::vector<Relation> relations = UserRelations(database);
    ASSERT_FALSE(relations.empty());

    absl::StatusOr<CreateResult> result = registry_->Create(
        Technology::kPostgresql, PayloadFor(database, relations));

    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_THAT(result->created, SizeIs(relations.size()));
    EXPECT_EQ(result->connection_string,
              absl::StrCat("127.0.0.1:", server_->port(), "/", database));
    for (const CreatedDataSource& created : result->created) {
      const std::string name = absl::StrCat(
          QuoteIdentifier(created.schema), ".", QuoteIdentifier(created.table));
      absl::StatusOr<std::vector<std::vector<std::string>>> described =
          server_->Query(database, "\\d " + name);
      ASSERT_TRUE(described.ok()) << described.status();
      ASSERT_EQ(created.dictionary.size(), described->size()) << name;
      for (size_t i = 0; i < described->size(); ++i) {
        const std::vector<std::string>& row = (*described)[i];
        const Column& column = created.dictionary[i];
        ASSERT_GE(row.size(), 4u);
        EXPECT_EQ(column.name, row[0]) << name;
        EXPECT_EQ(column.remote_type, row[1]) << name << "." << row[0];
        EXPECT_EQ(column.nullable, row[3] != "not null")
            << name << "." << row[0];
        EXPECT_FALSE(column.data_type.empty()) << name << "." << row[0];
      }
    }
    EXPECT_THAT(CreateResultJson(*result), Not(HasSubstr(kPassword)));
    EXPECT_THAT(log_, Not(HasSubstr(kPassword)));
  }

  static PostgresServer* server_;
  testing::ScratchDir scratch_;
  std::string log_;
  std::unique_ptr<Registry> registry_;
};

testing::PostgresServer* RegistryPostgresTest::server_ = nullptr;

TEST_F(RegistryPostgresTest, RegistersEveryRelationOfTheSampleWarehouse) {
  LoadDatabase("warehouse",
               {std::string(DSH_SOURCE_DIR) + "/examples/warehouse.sql"});
  ExpectEveryRelationMatchesPsql("warehouse");
}

TEST_F(RegistryPostgresTest, RegistersEveryRelationOfAnAwkwardSchema) {
  LoadDatabase("awkward",
               {std::string(DSH_SOURCE_DIR) + "/tests/catalog/awkward.sql"});
  ExpectEveryRelationMatchesPsql("awkward");
}

TEST_F(RegistryPostgresTest, RegistersEveryPagilaTableAndView) {
  const std::string fixtures = testing::FixturesDir();
  if (fixtures.empty()) GTEST_SKIP() << "no fixtures folder beside the repo";
  LoadDatabase("pagila", {fixtures + "/pagila/pagila-schema.sql"});
  ExpectEveryRelationMatchesPsql("pagila");
}

TEST_F(RegistryPostgresTest, RegistersEveryTickitTable) {
  const std::string fixtures = testing::FixturesDir();
  if (fixtures.empty()) GTEST_SKIP() << "no fixtures folder beside the repo";
  LoadDatabase("tickit", {fixtures + "/tickit/tickit_ddl_pg15_derived.sql"});
  ExpectEveryRelationMatchesPsql("tickit");
}

TEST_F(RegistryPostgresTest, RegistersEveryChinookTable) {
  const std::string fixtures = testing::FixturesDir();
  if (fixtures.empty()) GTEST_SKIP() << "no fixtures folder beside the repo";
  // The script creates the chinook database itself.
  const absl::Status loaded = server_->RunSqlFile(
      "postgres", fixtures + "/chinook/Chinook_PostgreSql.sql");
  ASSERT_TRUE(loaded.ok()) << loaded;
  PinSearchPath("chinook");
  ExpectEveryRelationMatchesPsql("chinook");
}

TEST_F(RegistryPostgresTest, SkipsTablesRegisteredByAnEarlierRequest) {
  LoadDatabase("twice",
               {std::string(DSH_SOURCE_DIR) + "/examples/warehouse.sql"});
  const std::vector<Relation> relations = UserRelations("twice");
  ASSERT_GE(relations.size(), 2u);
  const std::string payload = PayloadFor("twice", relations);
  ASSERT_TRUE(registry_->Create(Technology::kPostgresql, payload).ok());

  absl::StatusOr<CreateResult> again =
      registry_->Create(Technology::kPostgresql, payload);

  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_THAT(again->created, SizeIs(0));
  EXPECT_THAT(again->warnings, SizeIs(relations.size()));
}

TEST_F(RegistryPostgresTest, RefusesAWrongPasswordWithoutEchoingIt) {
  LoadDatabase("locked", {});
  const std::string payload =
      absl::StrReplaceAll(PayloadFor("locked", {{"public", "nothing"}}),
                          {{kPassword, "canary-Wrong-77aa"}});

  absl::StatusOr<CreateResult> result =
      registry_->Create(Technology::kPostgresql, payload);

  EXPECT_EQ(result.status().code(), absl::StatusCode::kPermissionDenied)
      << result.status();
  EXPECT_THAT(ErrorJson(result.status()), Not(HasSubstr("canary-Wrong")));
}

}  // namespace
}  // namespace dsh
