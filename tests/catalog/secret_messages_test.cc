// The password never reaches a message of the PostgreSQL catalog, even when
// it equals a name the message would quote (the user, the database, the
// host, a schema or table) or is so short that it occurs in any English
// sentence; and what kind of failure it was does not depend on the
// password.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "dsh/catalog.h"
#include "dsh/error.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/postgres_server.h"

namespace dsh {
namespace {

using ::dsh::testing::PostgresServer;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

// True when `message` holds `password` ignoring ASCII case.
bool Shows(const absl::Status& status, const std::string& password) {
  return absl::StrContains(absl::AsciiStrToLower(status.message()),
                           absl::AsciiStrToLower(password));
}

// A server whose TCP logins need a password, holding logins, databases
// and tables named like the passwords the tests use.
class SecretMessagesTest : public ::testing::Test {
 protected:
  static constexpr char kAdminPassword[] = "admin-canary-Vv6";
  static constexpr char kTableReaderPassword[] = "canary_table";
  static constexpr char kTwinReaderPassword[] = "canary_twin";
  static constexpr char kVaultReaderPassword[] = "canary_vault";

  static void SetUpTestSuite() {
    PostgresServer::Options options;
    options.password = kAdminPassword;
    absl::StatusOr<std::unique_ptr<PostgresServer>> started =
        PostgresServer::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = started->release();
    absl::Status setup = server_->RunSql(
        "postgres",
        absl::StrCat("CREATE ROLE canary_same LOGIN PASSWORD 'other-Kk1';"
                     "CREATE ROLE table_reader LOGIN PASSWORD 'canary_table';"
                     "CREATE ROLE twin_reader LOGIN PASSWORD 'canary_twin';"
                     "CREATE ROLE vault_reader LOGIN PASSWORD 'canary_vault';"
                     "CREATE ROLE long_reader LOGIN PASSWORD '",
                     LongPassword(),
                     "';"
                     "CREATE TABLE public.\"Canary_Twin\" (id integer);"
                     "CREATE TABLE public.\"CANARY_twin\" (id integer)"));
    ASSERT_TRUE(setup.ok()) << setup;
    ASSERT_TRUE(server_->CreateDatabase("canary_db").ok());
    ASSERT_TRUE(server_->CreateDatabase("canary_vault").ok());
    setup = server_->RunSql("canary_vault",
                            "REVOKE SELECT ON pg_catalog.pg_class FROM PUBLIC");
    ASSERT_TRUE(setup.ok()) << setup;
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(server_, nullptr); }

  // Longer than the 63 bytes PostgreSQL keeps of a name.
  static std::string LongPassword() { return std::string(70, 'q'); }

  static std::string HostPort() {
    return absl::StrCat("127.0.0.1:", server_->port());
  }

  static absl::Status Login(const std::string& username,
                            const std::string& database,
                            const std::string& password) {
    ConnectionSettings settings = server_->Settings(database);
    settings.username = username;
    settings.password = password;
    return NewPostgresCatalogConnector()->Connect(settings).status();
  }

  static std::unique_ptr<Catalog> ConnectAs(const std::string& username,
                                            const std::string& database,
                                            const std::string& password) {
    ConnectionSettings settings = server_->Settings(database);
    settings.username = username;
    settings.password = password;
    absl::StatusOr<std::unique_ptr<Catalog>> catalog =
        NewPostgresCatalogConnector()->Connect(settings);
    EXPECT_TRUE(catalog.ok()) << catalog.status();
    return catalog.ok() ? *std::move(catalog) : nullptr;
  }

  static PostgresServer* server_;
};

PostgresServer* SecretMessagesTest::server_ = nullptr;

TEST_F(SecretMessagesTest, ABadLoginWhosePasswordIsTheUserNameHidesBoth) {
  const absl::Status status =
      Login("canary_same", "postgres", /*password=*/"canary_same");

  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << status;
  EXPECT_EQ(ErrorCodeName(status), "permission_denied");
  EXPECT_FALSE(Shows(status, "canary_same")) << status;
  EXPECT_THAT(std::string(status.message()),
              AllOf(HasSubstr("refused the login"),
                    HasSubstr(absl::StrCat(HostPort(), "/postgres"))));
}

TEST_F(SecretMessagesTest, ABadLoginWhosePasswordIsTheDatabaseNameHidesBoth) {
  const absl::Status status =
      Login("postgres", "canary_db", /*password=*/"canary_db");

  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << status;
  EXPECT_FALSE(Shows(status, "canary_db")) << status;
  EXPECT_THAT(std::string(status.message()),
              AllOf(HasSubstr("refused the login"), HasSubstr(HostPort())));
}

TEST_F(SecretMessagesTest, ABadLoginWhosePasswordIsTheHostHidesBoth) {
  const absl::Status status =
      Login("postgres", "postgres", /*password=*/"127.0.0.1");

  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << status;
  EXPECT_FALSE(Shows(status, "127.0.0.1")) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("refused the login"));
}

// A one-letter password occurs in every sentence; the message is then a
// fixed one, whole and unmasked, and the failure is still a refused login.
TEST_F(SecretMessagesTest, ABadLoginWithAOneLetterPasswordKeepsItsKind) {
  const absl::Status status = Login("postgres", "postgres", /*password=*/"e");

  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << status;
  EXPECT_EQ(ErrorCodeName(status), "permission_denied");
  EXPECT_EQ(status.message(),
            absl::StrCat("the server refused the login for this connection (",
                         HostPort(), ")"));
}

TEST_F(SecretMessagesTest, ABadLoginWithAPasswordFromLibpqsTextKeepsItsKind) {
  const absl::Status status =
      Login("postgres", "postgres", /*password=*/"authentication");

  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << status;
  EXPECT_FALSE(Shows(status, "authentication")) << status;
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("***")));
}

TEST_F(SecretMessagesTest, ABadLoginWithAnOrdinaryPasswordSaysWhatHappened) {
  const absl::Status status =
      Login("postgres", "postgres", /*password=*/"canary-Plain-8Hq");

  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << status;
  EXPECT_FALSE(Shows(status, "canary-Plain-8Hq")) << status;
  EXPECT_THAT(std::string(status.message()),
              AllOf(HasSubstr("\"postgres\""),
                    HasSubstr(absl::StrCat(HostPort(), "/postgres")),
                    HasSubstr("password authentication failed")));
}

TEST_F(SecretMessagesTest, AMissingDatabaseIsNotFoundAndNamed) {
  const absl::Status status =
      Login("postgres", "no_such_db", /*password=*/kAdminPassword);

  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << status;
  EXPECT_FALSE(Shows(status, kAdminPassword)) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("\"no_such_db\""));
}

TEST_F(SecretMessagesTest, AMissingTableNamedLikeThePasswordIsNotQuoted) {
  std::unique_ptr<Catalog> catalog =
      ConnectAs("table_reader", "postgres", kTableReaderPassword);
  ASSERT_NE(catalog, nullptr);

  absl::StatusOr<std::vector<TableDescription>> described =
      catalog->DescribeTables({{"public", "canary_table"},
                               {"canary_table", "t"},
                               {"public", "nothing_here"}});

  ASSERT_TRUE(described.ok()) << described.status();
  for (size_t i = 0; i < 2; ++i) {
    const absl::Status& status = (*described)[i].status;
    EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << status;
    EXPECT_FALSE(Shows(status, kTableReaderPassword)) << status;
    EXPECT_THAT(std::string(status.message()),
                HasSubstr(absl::StrCat(HostPort(), "/postgres")));
  }
  EXPECT_EQ((*described)[2].status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string((*described)[2].status.message()),
              HasSubstr("\"public\".\"nothing_here\""));
}

TEST_F(SecretMessagesTest, AnAmbiguousNameLikeThePasswordIsNotQuoted) {
  std::unique_ptr<Catalog> catalog =
      ConnectAs("twin_reader", "postgres", kTwinReaderPassword);
  ASSERT_NE(catalog, nullptr);

  absl::StatusOr<std::vector<TableDescription>> described =
      catalog->DescribeTables({{"public", "canary_TWIN"}});

  ASSERT_TRUE(described.ok()) << described.status();
  const absl::Status& status = (*described)[0].status;
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_FALSE(Shows(status, kTwinReaderPassword)) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("ignor"));
}

TEST_F(SecretMessagesTest, ATooLongNameLikeThePasswordIsNotQuoted) {
  std::unique_ptr<Catalog> catalog =
      ConnectAs("long_reader", "postgres", LongPassword());
  ASSERT_NE(catalog, nullptr);

  absl::StatusOr<std::vector<TableDescription>> described =
      catalog->DescribeTables({{"public", LongPassword()}});

  ASSERT_TRUE(described.ok()) << described.status();
  const absl::Status& status = (*described)[0].status;
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << status;
  EXPECT_FALSE(Shows(status, LongPassword())) << status;
}

TEST_F(SecretMessagesTest, ARefusedReadOfADatabaseNamedLikeThePassword) {
  std::unique_ptr<Catalog> catalog =
      ConnectAs("vault_reader", "canary_vault", kVaultReaderPassword);
  ASSERT_NE(catalog, nullptr);

  const absl::Status described =
      catalog->DescribeTables({{"public", "t"}}).status();
  const absl::Status listed =
      catalog->ListTables(std::vector<std::string>{"public"}).status();

  EXPECT_EQ(described.code(), absl::StatusCode::kPermissionDenied) << described;
  EXPECT_FALSE(Shows(described, kVaultReaderPassword)) << described;
  EXPECT_THAT(std::string(described.message()), HasSubstr(HostPort()));
  EXPECT_EQ(listed.code(), absl::StatusCode::kPermissionDenied) << listed;
  EXPECT_FALSE(Shows(listed, kVaultReaderPassword)) << listed;
}

}  // namespace
}  // namespace dsh
