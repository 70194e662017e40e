#include "identity/table_key.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dsh::identity {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const IdentityOptions kDefaults;

HandlerMetadata Handler(std::string host, int port, std::string database,
                        std::string schema, std::string table) {
  HandlerMetadata handler;
  handler.hostname = std::move(host);
  handler.port = port;
  handler.database = std::move(database);
  handler.schema = std::move(schema);
  handler.table = std::move(table);
  return handler;
}

TableKey RedshiftKey(const HandlerMetadata& handler,
                     const IdentityOptions& options = kDefaults) {
  return KeyFromPayload(Technology::kRedshift, handler, options);
}

TableKey PostgresKey(const HandlerMetadata& handler,
                     const IdentityOptions& options = kDefaults) {
  return KeyFromPayload(Technology::kPostgresql, handler, options);
}

MATCHER_P2(IsRepeat, index, first_index, "") {
  return arg.index == static_cast<std::size_t>(index) &&
         arg.first_index == static_cast<std::size_t>(first_index);
}

// --- CanonicalHost ----------------------------------------------------

TEST(CanonicalHost, LowerCasesAHostName) {
  EXPECT_EQ(CanonicalHost("Cluster.EXAMPLE.io", kDefaults),
            "cluster.example.io");
}

TEST(CanonicalHost, TrimsSurroundingWhitespace) {
  EXPECT_EQ(CanonicalHost(" \t db.example.io \r\n", kDefaults),
            "db.example.io");
}

TEST(CanonicalHost, RemovesOneTrailingDot) {
  EXPECT_EQ(CanonicalHost("db.example.io.", kDefaults), "db.example.io");
}

TEST(CanonicalHost, RemovesOnlyOneTrailingDot) {
  EXPECT_EQ(CanonicalHost("db.example.io..", kDefaults), "db.example.io.");
}

TEST(CanonicalHost, LowerCasesOnlyAsciiLetters) {
  // "BÜCHER.example": the Ü is left alone; no IDNA conversion is made.
  EXPECT_EQ(CanonicalHost("B\xc3\x9c"
                          "CHER.Example",
                          kDefaults),
            "b\xc3\x9c"
            "cher.example");
}

TEST(CanonicalHost, WritesIpv6LoopbackInOneForm) {
  for (const char* spelling :
       {"::1", "[::1]", "0:0:0:0:0:0:0:1", "0000:0000:0000:0000:0000:0000:0:01",
        " [::1] "}) {
    EXPECT_EQ(CanonicalHost(spelling, kDefaults), "::1") << spelling;
  }
}

TEST(CanonicalHost, WritesIpv6HexInLowerCase) {
  EXPECT_EQ(CanonicalHost("2001:DB8::ABCD", kDefaults), "2001:db8::abcd");
  EXPECT_EQ(
      CanonicalHost("[2001:0DB8:0000:0000:0000:0000:0000:0001]", kDefaults),
      "2001:db8::1");
}

TEST(CanonicalHost, CompressesTheFirstOfTheLongestZeroRuns) {
  EXPECT_EQ(CanonicalHost("2001:db8:0:0:1:0:0:1", kDefaults),
            "2001:db8::1:0:0:1");
  EXPECT_EQ(CanonicalHost("2001:0:0:1:0:0:0:1", kDefaults), "2001:0:0:1::1");
}

TEST(CanonicalHost, DoesNotCompressASingleZeroGroup) {
  EXPECT_EQ(CanonicalHost("2001:db8:0:1:1:1:1:1", kDefaults),
            "2001:db8:0:1:1:1:1:1");
}

TEST(CanonicalHost, WritesTheUnspecifiedAddressAsTwoColons) {
  EXPECT_EQ(CanonicalHost("0:0:0:0:0:0:0:0", kDefaults), "::");
}

TEST(CanonicalHost, WritesAnIpv4MappedAddressInDottedForm) {
  EXPECT_EQ(CanonicalHost("::FFFF:7F00:1", kDefaults), "::ffff:127.0.0.1");
  EXPECT_EQ(CanonicalHost("[0:0:0:0:0:ffff:127.0.0.1]", kDefaults),
            "::ffff:127.0.0.1");
}

TEST(CanonicalHost, KeepsAnIpv4MappedAddressApartFromPlainIpv4) {
  EXPECT_NE(CanonicalHost("::ffff:127.0.0.1", kDefaults),
            CanonicalHost("127.0.0.1", kDefaults));
}

TEST(CanonicalHost, WritesOtherEmbeddedIpv4InHex) {
  // The deprecated IPv4-compatible form: C libraries disagree on it, dsh
  // writes plain hex groups.
  EXPECT_EQ(CanonicalHost("::1.2.3.4", kDefaults), "::102:304");
}

TEST(CanonicalHost, KeepsAnIpv6ZoneAsWritten) {
  EXPECT_EQ(CanonicalHost("FE80:0::1%Eth0", kDefaults), "fe80::1%Eth0");
}

TEST(CanonicalHost, KeepsAnIpv4LiteralAsWritten) {
  EXPECT_EQ(CanonicalHost(" 10.0.0.1 ", kDefaults), "10.0.0.1");
  // A leading zero makes the octet octal to inet_aton, so "010.0.0.1" is
  // another address and must keep its spelling.
  EXPECT_EQ(CanonicalHost("010.0.0.1", kDefaults), "010.0.0.1");
  EXPECT_NE(CanonicalHost("010.0.0.1", kDefaults),
            CanonicalHost("10.0.0.1", kDefaults));
}

TEST(CanonicalHost, LeavesSomethingThatIsNotAnIpv6LiteralAsAName) {
  EXPECT_EQ(CanonicalHost("[Not-IPv6]", kDefaults), "[not-ipv6]");
  EXPECT_EQ(CanonicalHost("gg::1", kDefaults), "gg::1");
}

TEST(CanonicalHost, DoesNotReadAnIpv6LiteralOnlyUpToANul) {
  const std::string host("::1\0::2", 7);
  EXPECT_NE(CanonicalHost(host, kDefaults), "::1");
}

TEST(CanonicalHost, MapsAnAliasOntoItsCanonicalHost) {
  IdentityOptions options;
  options.host_aliases = {
      {"vpce-123.redshift.example.io", "cluster.example.io"}};
  EXPECT_EQ(CanonicalHost("vpce-123.redshift.example.io", options),
            "cluster.example.io");
  EXPECT_EQ(CanonicalHost("other.example.io", options), "other.example.io");
}

TEST(CanonicalHost, CanonicalisesBothSidesOfAnAlias) {
  IdentityOptions options;
  options.host_aliases = {{" VPCE.Example.io. ", "[0:0:0:0:0:0:0:1]"}};
  EXPECT_EQ(CanonicalHost("vpce.example.IO", options), "::1");
}

TEST(CanonicalHost, AppliesAnAliasInOneStepOnly) {
  IdentityOptions options;
  options.host_aliases = {{"a.example", "b.example"},
                          {"b.example", "a.example"}};
  EXPECT_EQ(CanonicalHost("a.example", options), "b.example");
  EXPECT_EQ(CanonicalHost("b.example", options), "a.example");
}

// --- Keys -------------------------------------------------------------

TEST(KeyFromPayload, FillsInTheDefaultPort) {
  const HandlerMetadata handler = Handler("h", 0, "db", "s", "t");
  EXPECT_EQ(RedshiftKey(handler).port, 5439);
  EXPECT_EQ(PostgresKey(handler).port, 5432);
  EXPECT_EQ(RedshiftKey(handler),
            RedshiftKey(Handler("h", 5439, "db", "s", "t")));
}

TEST(KeyFromPayload, KeepsAPortThatWasGiven) {
  EXPECT_EQ(PostgresKey(Handler("h", 6543, "db", "s", "t")).port, 6543);
  EXPECT_NE(PostgresKey(Handler("h", 6543, "db", "s", "t")),
            PostgresKey(Handler("h", 0, "db", "s", "t")));
}

TEST(KeyFromPayload, FoldsRedshiftNamesToLowerCase) {
  const TableKey key = RedshiftKey(Handler("h", 0, "Dev", "Army", "Records"));
  EXPECT_EQ(key.database, "dev");
  EXPECT_EQ(key.schema, "army");
  EXPECT_EQ(key.table, "records");
  EXPECT_EQ(key, RedshiftKey(Handler("h", 0, "dev", "army", "records")));
}

TEST(KeyFromPayload, FoldsOnlyAsciiLettersOfRedshiftNames) {
  const TableKey key =
      RedshiftKey(Handler("h", 0, "d", "S", "\xc3\x89T\xc3\x89"));
  EXPECT_EQ(key.table, "\xc3\x89t\xc3\x89");  // "ÉTÉ" -> "ÉtÉ"
}

TEST(KeyFromPayload, KeepsRedshiftNamesWithCaseSensitiveIdentifiers) {
  IdentityOptions options;
  options.case_sensitive_identifiers = true;
  EXPECT_NE(RedshiftKey(Handler("h", 0, "db", "s", "Orders"), options),
            RedshiftKey(Handler("h", 0, "db", "s", "orders"), options));
  EXPECT_EQ(RedshiftKey(Handler("h", 0, "Db", "S", "Orders"), options).schema,
            "S");
}

TEST(KeyFromPayload, KeepsPostgresqlNamesExactly) {
  const TableKey key = PostgresKey(Handler("h", 0, "Dev", "Army", "Orders"));
  EXPECT_EQ(key.database, "Dev");
  EXPECT_EQ(key.schema, "Army");
  EXPECT_EQ(key.table, "Orders");
  EXPECT_NE(key, PostgresKey(Handler("h", 0, "Dev", "Army", "orders")));
}

TEST(KeyFromPayload, CanonicalisesTheHost) {
  EXPECT_EQ(PostgresKey(Handler(" [0:0:0:0:0:0:0:1] ", 0, "d", "s", "t")),
            PostgresKey(Handler("::1", 0, "d", "s", "t")));
  EXPECT_EQ(RedshiftKey(Handler("DB.Example.io.", 0, "d", "s", "t")).host,
            "db.example.io");
}

TEST(KeyFromPayload, KeepsTheTechnologyFamily) {
  const HandlerMetadata handler = Handler("h", 5000, "d", "s", "t");
  EXPECT_EQ(RedshiftKey(handler).family, Technology::kRedshift);
  EXPECT_NE(RedshiftKey(handler), PostgresKey(handler));
}

TEST(KeyFromPayload, KeepsDifferentHostsApart) {
  EXPECT_NE(RedshiftKey(Handler("a.example.io", 0, "d", "s", "t")),
            RedshiftKey(Handler("b.example.io", 0, "d", "s", "t")));
}

TEST(KeyFromPayload, MakesAliasedHostsOneKey) {
  IdentityOptions options;
  options.host_aliases = {{"cname.example.io", "cluster.example.io"}};
  EXPECT_EQ(
      RedshiftKey(Handler("CNAME.example.io", 0, "d", "s", "t"), options),
      RedshiftKey(Handler("cluster.example.io", 5439, "d", "s", "t"), options));
}

TEST(KeyFromPayload, DoesNotConfuseDotsBetweenSchemaAndTable) {
  EXPECT_NE(PostgresKey(Handler("h", 0, "d", "a.b", "c")),
            PostgresKey(Handler("h", 0, "d", "a", "b.c")));
}

TEST(KeyFromPayload, DoesNotConfuseSeparatorsThatMayOccurInNames) {
  for (const char* separator : {"/", "|", "\"", "'", ":", "\xe2\x80\xa2"}) {
    const std::string sep = separator;
    EXPECT_NE(PostgresKey(Handler("h", 0, "d", "a" + sep + "b", "c")),
              PostgresKey(Handler("h", 0, "d", "a", "b" + sep + "c")))
        << separator;
    EXPECT_NE(PostgresKey(Handler("h", 0, "d" + sep + "a", "b", "c")),
              PostgresKey(Handler("h", 0, "d", "a" + sep + "b", "c")))
        << separator;
  }
}

TEST(KeyFromPayload, DoesNotConfuseQuotedLookingNames) {
  EXPECT_NE(PostgresKey(Handler("h", 0, "d", "\"a\".\"b\"", "c")),
            PostgresKey(Handler("h", 0, "d", "\"a\"", "\"b\".c")));
}

TEST(KeyFromCatalog, TakesSchemaAndTableExactly) {
  const HandlerMetadata handler = Handler("H", 0, "Dev", "army", "orders");
  const TableKey key = KeyFromCatalog(Technology::kRedshift, handler, "Army",
                                      "Orders", kDefaults);
  EXPECT_EQ(key.schema, "Army");
  EXPECT_EQ(key.table, "Orders");
  EXPECT_EQ(key.host, "h");
  EXPECT_EQ(key.port, 5439);
  EXPECT_EQ(key.database, "dev");
}

TEST(KeyFromCatalog, AgreesWithThePayloadKeyWhenTheNamesAgree) {
  const HandlerMetadata handler = Handler("h.", 0, "DB", "SALES", "ORDERS");
  EXPECT_EQ(KeyFromCatalog(Technology::kRedshift, handler, "sales", "orders",
                           kDefaults),
            RedshiftKey(handler));
}

TEST(ConnectionOf, HasTheCanonicalHostAndDefaultPort) {
  const HandlerMetadata handler =
      Handler(" [0:0::1] ", 0, "Dev", "army", "records");
  EXPECT_EQ(ConnectionOf(Technology::kPostgresql, handler, kDefaults),
            (ConnectionString{"::1", 5432, "Dev"}));
  EXPECT_EQ(ConnectionOf(Technology::kRedshift, handler, kDefaults),
            (ConnectionString{"::1", 5439, "dev"}));
}

// --- FindRepeats ------------------------------------------------------

TEST(FindRepeats, FindsNoneInDistinctKeys) {
  const std::vector<TableKey> keys = {
      RedshiftKey(Handler("h", 0, "d", "s", "a")),
      RedshiftKey(Handler("h", 0, "d", "s", "b")),
      RedshiftKey(Handler("g", 0, "d", "s", "a")),
  };
  EXPECT_THAT(FindRepeats(keys), IsEmpty());
}

TEST(FindRepeats, NamesTheFirstIndexOfEveryRepeat) {
  const std::vector<TableKey> keys = {
      RedshiftKey(Handler("h", 0, "d", "s", "a")),
      RedshiftKey(Handler("h", 0, "d", "s", "b")),
      RedshiftKey(Handler("H.", 5439, "D", "S", "A")),
      RedshiftKey(Handler("h", 0, "d", "s", "B")),
      RedshiftKey(Handler("h", 0, "d", "s", "a")),
  };
  EXPECT_THAT(FindRepeats(keys),
              ElementsAre(IsRepeat(2, 0), IsRepeat(3, 1), IsRepeat(4, 0)));
}

TEST(FindRepeats, TreatsCaseAsTheKeysDo) {
  const std::vector<TableKey> keys = {
      PostgresKey(Handler("h", 0, "d", "s", "Orders")),
      PostgresKey(Handler("h", 0, "d", "s", "orders")),
  };
  EXPECT_THAT(FindRepeats(keys), IsEmpty());
}

TEST(FindRepeats, IsEmptyForNoKeys) { EXPECT_THAT(FindRepeats({}), IsEmpty()); }

}  // namespace
}  // namespace dsh::identity
