// TLS settings against a server of its own with a certificate for
// "localhost" signed by a throwaway CA made with the openssl command.
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "dsh/catalog.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/postgres_server.h"

namespace dsh {
namespace {

using ::dsh::testing::PostgresServer;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (std::system("command -v openssl >/dev/null 2>&1") != 0) {
      skip_reason_ = new std::string("the openssl command is not installed");
      return;
    }
    absl::StatusOr<std::unique_ptr<PostgresServer>> started =
        PostgresServer::Start();
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = started->release();

    // Certificates live in the sandbox folder, owned like the server's data.
    const std::string dir = server_->dir() + "/tls";
    std::filesystem::create_directory(dir);
    const std::string script = absl::StrCat(
        "set -e; cd '", dir, "';", "key() { openssl genpkey -algorithm EC",
        " -pkeyopt ec_paramgen_curve:prime256v1 -out \"$1\" 2>/dev/null; };",
        "key ca.key; key other.key; key server.key;",
        "openssl req -x509 -new -key ca.key -subj /CN=dsh-test-ca -days 2",
        " -out ca.crt;",
        "openssl req -x509 -new -key other.key -subj /CN=dsh-other-ca",
        " -days 2 -out other.crt;",
        "openssl req -new -key server.key -subj /CN=localhost -out server.csr;",
        "printf 'subjectAltName=DNS:localhost\\n' > server.ext;",
        "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key",
        " -CAcreateserial -days 2 -extfile server.ext -out server.crt",
        " 2>/dev/null;", "chmod 600 server.key;",
        "chown --reference=.. . server.key server.crt");
    ASSERT_EQ(std::system(script.c_str()), 0) << script;
    ca_pem_ = new std::string(ReadFile(dir + "/ca.crt"));
    other_pem_ = new std::string(ReadFile(dir + "/other.crt"));

    // ALTER SYSTEM refuses to run inside a transaction block, so one each.
    for (const std::string& sql :
         {absl::StrCat("ALTER SYSTEM SET ssl_cert_file = '", dir,
                       "/server.crt'"),
          absl::StrCat("ALTER SYSTEM SET ssl_key_file = '", dir,
                       "/server.key'"),
          std::string("ALTER SYSTEM SET ssl = on"),
          std::string("SELECT pg_catalog.pg_reload_conf()")}) {
      const absl::Status ran = server_->RunSql("postgres", sql);
      ASSERT_TRUE(ran.ok()) << ran;
    }
    // The postmaster rereads its configuration in its own time.
    for (int i = 0; i < 50; ++i) {
      absl::StatusOr<std::vector<std::vector<std::string>>> rows =
          server_->Query("postgres", "SHOW ssl");
      if (rows.ok() && !rows->empty() && (*rows)[0][0] == "on") return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL() << "the server did not turn TLS on; see " << server_->log_path();
  }

  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  void SetUp() override {
    if (skip_reason_ != nullptr) GTEST_SKIP() << *skip_reason_;
    ASSERT_NE(server_, nullptr);
    ASSERT_NE(ca_pem_, nullptr);
  }

  ConnectionSettings Settings(const std::string& host,
                              const std::string& ca_pem) {
    ConnectionSettings settings = server_->Settings("postgres");
    settings.host = host;
    settings.ssl = true;
    settings.ca_bundle_pem = ca_pem;
    return settings;
  }

  static PostgresServer* server_;
  static std::string* ca_pem_;
  static std::string* other_pem_;
  static std::string* skip_reason_;
};

PostgresServer* TlsTest::server_ = nullptr;
std::string* TlsTest::ca_pem_ = nullptr;
std::string* TlsTest::other_pem_ = nullptr;
std::string* TlsTest::skip_reason_ = nullptr;

TEST_F(TlsTest, VerifiesTheServerAgainstTheGivenCa) {
  absl::StatusOr<std::unique_ptr<Catalog>> catalog =
      NewPostgresCatalogConnector()->Connect(Settings("localhost", *ca_pem_));

  ASSERT_TRUE(catalog.ok()) << catalog.status();
  EXPECT_TRUE((*catalog)->DescribeTables({{"pg_catalog", "pg_class"}}).ok());
}

TEST_F(TlsTest, RefusesACertificateFromAnotherCa) {
  absl::StatusOr<std::unique_ptr<Catalog>> catalog =
      NewPostgresCatalogConnector()->Connect(
          Settings("localhost", *other_pem_));

  EXPECT_EQ(catalog.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(catalog.status().message(),
              AllOf(HasSubstr("TLS"), HasSubstr("certificate verify failed"),
                    HasSubstr(absl::StrCat("localhost:", server_->port()))));
}

TEST_F(TlsTest, RefusesACertificateForAnotherHostName) {
  absl::StatusOr<std::unique_ptr<Catalog>> catalog =
      NewPostgresCatalogConnector()->Connect(Settings("127.0.0.1", *ca_pem_));

  EXPECT_EQ(catalog.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(catalog.status().message(), HasSubstr("does not match"));
}

TEST_F(TlsTest, RequiresTlsWithoutVerifyingWhenNoCaIsGiven) {
  EXPECT_TRUE(
      NewPostgresCatalogConnector()->Connect(Settings("127.0.0.1", "")).ok());
}

TEST_F(TlsTest, RemovesTheCaFileOnceConnected) {
  // CA files go to TMPDIR; a private one shows whether any is left.
  std::string folder = "/tmp/dsh-tls-" + std::string(6, 'X');  // mkdtemp
  ASSERT_NE(mkdtemp(folder.data()), nullptr);
  const char* saved = std::getenv("TMPDIR");
  const std::string previous = saved != nullptr ? saved : "";
  setenv("TMPDIR", folder.c_str(), 1);

  absl::StatusOr<std::unique_ptr<Catalog>> good =
      NewPostgresCatalogConnector()->Connect(Settings("localhost", *ca_pem_));
  absl::StatusOr<std::unique_ptr<Catalog>> bad =
      NewPostgresCatalogConnector()->Connect(
          Settings("localhost", *other_pem_));

  if (saved != nullptr) {
    setenv("TMPDIR", previous.c_str(), 1);
  } else {
    unsetenv("TMPDIR");
  }
  EXPECT_TRUE(good.ok()) << good.status();
  EXPECT_FALSE(bad.ok());
  EXPECT_TRUE(std::filesystem::is_empty(folder));
  std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace dsh
