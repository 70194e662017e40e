// A real, throwaway PostgreSQL 15 server for tests, started through
// scripts/pg-sandbox in a fresh folder under /tmp and removed with it.
//
//   absl::StatusOr<PostgresServer*> server = SharedPostgresServer();
//   if (!server.ok()) GTEST_SKIP() << server.status();
//   ASSERT_TRUE((*server)->CreateDatabase("shop").ok());
//   ConnectionSettings settings = (*server)->Settings("shop");
#ifndef DSH_TESTS_SUPPORT_POSTGRES_SERVER_H_
#define DSH_TESTS_SUPPORT_POSTGRES_SERVER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dsh/catalog.h"

namespace dsh {
namespace testing {

class PostgresServer {
 public:
  struct Options {
    // When set, TCP logins need this password (scram-sha-256); otherwise
    // they are trusted. Logins through psql() are always trusted.
    std::string password;
  };

  // Starts a server in a new folder. Fails when PostgreSQL 15 is missing or
  // the server does not come up; the message carries the script's output.
  static absl::StatusOr<std::unique_ptr<PostgresServer>> Start(Options options);
  static absl::StatusOr<std::unique_ptr<PostgresServer>> Start();

  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // Stops the server and removes its folder.
  ~PostgresServer();

  const std::string& host() const { return host_; }  // "127.0.0.1"
  int port() const { return port_; }
  // The sandbox folder; the server log is log_path().
  const std::string& dir() const { return dir_; }
  std::string log_path() const;

  // Runs SQL (one or more statements) as postgres in `database` through
  // `pg-sandbox psql`, stopping at the first error, whose text the status
  // carries.
  absl::Status RunSql(std::string_view database, std::string_view sql) const;
  absl::Status RunSqlFile(std::string_view database,
                          const std::string& path) const;

  // The rows of a query, each a list of fields as psql prints them (NULL is
  // ""). Fields and rows are split on ASCII unit and record separators, so
  // names holding commas, newlines or bars survive.
  absl::StatusOr<std::vector<std::vector<std::string>>> Query(
      std::string_view database, std::string_view sql) const;

  // CREATE DATABASE with the name quoted as an identifier.
  absl::Status CreateDatabase(std::string_view name) const;

  // How dsh reaches `database` on this server: PostgreSQL technology, user
  // postgres, the server's password, TLS off.
  ConnectionSettings Settings(std::string_view database) const;

 private:
  PostgresServer(std::string dir, int port, std::string password);

  absl::StatusOr<std::string> Psql(std::string_view database,
                                   std::vector<std::string> args) const;

  std::string dir_;
  std::string host_ = "127.0.0.1";
  int port_ = 0;
  std::string password_;
};

// One server for the whole test binary, started on first use with no
// password and stopped when the process exits. Tests that change
// server-wide state should start their own.
absl::StatusOr<PostgresServer*> SharedPostgresServer();

// DSH_FIXTURES_DIR when that folder exists, else "" (tests then skip, saying
// why).
std::string FixturesDir();

}  // namespace testing
}  // namespace dsh

#endif  // DSH_TESTS_SUPPORT_POSTGRES_SERVER_H_
