#include "payload/host_name.h"

#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dsh::payload {
namespace {

using ::testing::Optional;

constexpr char kNotHost[] = "must be a host name or IP address";
constexpr char kNotUrl[] = "must be a host name or IP address, not a URL";
constexpr char kNoPort[] =
    "must be a host name or IP address without a port; give the port in "
    "\"port\"";

TEST(HostnameProblem, AcceptsHostNamesAndIpLiterals) {
  for (const char* host :
       {"rs.example.com",
        "redshift-cluster-1.abc123.us-east-1.redshift."
        "amazonaws.com",
        "localhost", "db_1.internal", "example.com.", "10.0.0.1", "::1",
        "[::1]", "fe80::1:2", "::ffff:10.0.0.1", " padded.example.com "}) {
    SCOPED_TRACE(host);
    EXPECT_EQ(HostnameProblem(host), std::nullopt);
  }
}

TEST(HostnameProblem, SaysWhenAUrlIsGiven) {
  for (const char* host : {"https://rs.example.com", "postgres://h/db",
                           "jdbc:redshift://h:5439/dev"}) {
    SCOPED_TRACE(host);
    EXPECT_THAT(HostnameProblem(host), Optional(std::string(kNotUrl)));
  }
}

TEST(HostnameProblem, SaysWhenAPortIsGiven) {
  for (const char* host :
       {"rs.example.com:5439", "10.0.0.1:5432", "[::1]:5439"}) {
    SCOPED_TRACE(host);
    EXPECT_THAT(HostnameProblem(host), Optional(std::string(kNoPort)));
  }
}

TEST(HostnameProblem, RefusesWhatIsNeitherNameNorAddress) {
  for (const char* host :
       {"bad host", "a..b", "-a.example.com", "a-.example.com", "999.1.1.1",
        "1.2.3", "[::1", "[rs.example.com]", "h/db", "user@h", "h:abc",
        "localhost:", "::g", "caf\xC3\xA9.example.com"}) {
    SCOPED_TRACE(host);
    EXPECT_THAT(HostnameProblem(host), Optional(std::string(kNotHost)));
  }
}

TEST(HostnameProblem, RefusesALabelLongerThan63Characters) {
  EXPECT_EQ(HostnameProblem(std::string(63, 'a') + ".com"), std::nullopt);
  EXPECT_THAT(HostnameProblem(std::string(64, 'a') + ".com"),
              Optional(std::string(kNotHost)));
}

TEST(HostnameProblem, RefusesANulByteInsideAnAddress) {
  EXPECT_THAT(HostnameProblem(std::string("::1\0x", 5)),
              Optional(std::string(kNotHost)));
}

TEST(HostnameProblem, RefusesABlankName) {
  EXPECT_THAT(HostnameProblem("  "),
              Optional(std::string("must not be empty")));
}

TEST(HostComparisonForm, FoldsCaseTrailingDotAndIpv6Spelling) {
  EXPECT_EQ(HostComparisonForm(" RS.Example.com. "), "rs.example.com");
  EXPECT_EQ(HostComparisonForm("[0:0::1]"), HostComparisonForm("::1"));
  EXPECT_EQ(HostComparisonForm("FE80::A"), HostComparisonForm("fe80::a"));
  EXPECT_NE(HostComparisonForm("a.example.com"),
            HostComparisonForm("b.example.com"));
}

}  // namespace
}  // namespace dsh::payload
