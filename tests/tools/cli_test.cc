// The dsh command-line tool, run as a user runs it: a real process, its
// stdout, stderr and exit status.

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/postgres_server.h"

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kCanary[] = "canary-Pw-93b0";

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(
        ::testing::TempDir(), "/dsh-cli-", getpid(), "-",
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_EQ(std::system(
                  ("rm -rf '" + dir_ + "' && mkdir -p '" + dir_ + "'").c_str()),
              0);
  }
  void TearDown() override { std::system(("rm -rf '" + dir_ + "'").c_str()); }

  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  // Runs `dsh ARGS` with the registry in the test's folder.
  Outcome Dsh(const std::string& args) {
    const std::string out = dir_ + "/stdout", err = dir_ + "/stderr";
    const std::string command =
        absl::StrCat("'", DSH_CLI, "' --registry '", dir_, "/dsh.db' ", args,
                     " >'", out, "' 2>'", err, "' </dev/null");
    const int status = std::system(command.c_str());
    Outcome run;
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.out = ReadFile(out);
    run.err = ReadFile(err);
    return run;
  }

  std::string dir_;
};

// A loopback port with nothing listening on it.
int ClosedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

std::string PayloadOn(int port) {
  return absl::StrCat(
      R"({"handler": {"metadata": {"hostname": "127.0.0.1", "port": )", port,
      R"(, "database": "dev", "username": "u", "password": ")", kCanary,
      R"(", "ssl": false, "schema": "s", "table": "t"}},)",
      R"( "dataSource": {"blobHandler": {"scheme": "https", "url": ""},)",
      R"( "blobHandlerType": "PostgreSQL", "recordFormat": "",)",
      R"( "type": "queryable"}})");
}

TEST_F(CliTest, PrintsHelpForEachCommand) {
  for (const char* command : {"create", "get", "validate"}) {
    const Outcome run = Dsh(absl::StrCat(command, " --help"));
    EXPECT_EQ(run.exit_code, 0) << command;
    EXPECT_THAT(run.out, HasSubstr(absl::StrCat("dsh [OPTIONS] ", command)));
  }
}

TEST_F(CliTest, RejectsAnUnknownCommandAsAUsageError) {
  const Outcome run = Dsh("frobnicate");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("unknown command frobnicate"));
}

TEST_F(CliTest, ValidatesTheVendorsExamplePayload) {
  const std::string example =
      std::string(DSH_FIXTURES_DIR) + "/../spec/vendor-example-payload.json";
  if (ReadFile(example).empty()) GTEST_SKIP() << "no " << example;

  const Outcome run = Dsh("validate '" + example + "'");

  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("\"redshift.database.example.io:5439/test\""));
  EXPECT_THAT(run.out, Not(HasSubstr("yourpassword")));
}

TEST_F(CliTest, ReportsMalformedJsonWithItsByteOffset) {
  const Outcome run =
      Dsh("validate " + Write("bad.json", R"({"handler": [}])"));

  EXPECT_EQ(run.exit_code, 3);
  EXPECT_THAT(run.err, HasSubstr("\"malformed_json\""));
  EXPECT_THAT(run.err, HasSubstr("\"offset\":13"));
}

TEST_F(CliTest, ReportsEveryProblemWithItsPointer) {
  const Outcome run = Dsh(
      "--technology postgresql validate " +
      Write("p.json",
            R"({"handler": {"metadata": {"hostname": "https://h", "port": 0,)"
            R"( "database": "d", "schema": "s", "table": "t"}},)"
            R"( "dataSource": {"blobHandlerType": "PostgreSQL",)"
            R"( "type": "queryable", "blobHandler": {"scheme": "https"}}})"));

  EXPECT_EQ(run.exit_code, 3);
  EXPECT_THAT(run.err, HasSubstr("\"/handler/metadata/hostname\""));
  EXPECT_THAT(run.err, HasSubstr("\"/handler/metadata/port\""));
}

TEST_F(CliTest, TellsANotFoundHandlerApart) {
  const Outcome run = Dsh("get 42");
  EXPECT_EQ(run.exit_code, 4) << run.err;
  EXPECT_THAT(run.err, HasSubstr("\"not_found\""));
}

TEST_F(CliTest, TellsAnUnreachableDatabaseApartAndHidesThePassword) {
  const Outcome run = Dsh("--technology postgresql create " +
                          Write("p.json", PayloadOn(ClosedPort())));

  EXPECT_EQ(run.exit_code, 5) << run.err;
  EXPECT_THAT(run.err, HasSubstr("\"database_unavailable\""));
  EXPECT_THAT(run.err + run.out, Not(HasSubstr(kCanary)));
}

TEST_F(CliTest, ARefreshThatCannotReadTheDatabaseStillReportsAndExitsFive) {
  absl::StatusOr<std::unique_ptr<dsh::testing::PostgresServer>> server =
      dsh::testing::PostgresServer::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_TRUE((*server)->CreateDatabase("dev").ok());
  ASSERT_TRUE((*server)
                  ->RunSql("dev",
                           "CREATE ROLE u LOGIN; CREATE SCHEMA s; "
                           "CREATE TABLE s.t (id int)")
                  .ok());
  const Outcome created = Dsh("--technology postgresql create " +
                              Write("p.json", PayloadOn((*server)->port())));
  ASSERT_EQ(created.exit_code, 0) << created.err;
  server->reset();  // Stops the server.

  const Outcome refreshed = Dsh("--technology postgresql refresh --all");

  EXPECT_EQ(refreshed.exit_code, 5) << refreshed.err;
  EXPECT_THAT(refreshed.out, HasSubstr("\"failed\":1"));
  EXPECT_THAT(refreshed.out + refreshed.err, Not(HasSubstr(kCanary)));
}

}  // namespace
