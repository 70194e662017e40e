#include "naming/name_template.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dsh::naming {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

const NameParts kArmy{"test", "army", "army_records"};

// --- Expand -----------------------------------------------------------

TEST(Expand, GivesTheVendorExampleName) {
  EXPECT_EQ(Expand("<Schema> <Tablename>", kArmy), "Army Army Records");
}

TEST(Expand, LowerCaseTokensGiveTheNamesAsStored) {
  const NameParts parts{"Dev_DB", "Sales_EU", "Order_Items"};
  EXPECT_EQ(Expand("<schema>", parts), "Sales_EU");
  EXPECT_EQ(Expand("<tablename>", parts), "Order_Items");
  EXPECT_EQ(Expand("<database>", parts), "Dev_DB");
}

TEST(Expand, CapitalisedTokensGiveTitleCase) {
  const NameParts parts{"analytics_dev", "army", "army_records"};
  EXPECT_EQ(Expand("<Schema>", parts), "Army");
  EXPECT_EQ(Expand("<Tablename>", parts), "Army Records");
  EXPECT_EQ(Expand("<Database>", parts), "Analytics Dev");
}

TEST(Expand, KeepsTextAroundAndBetweenTokens) {
  EXPECT_EQ(Expand("[<database>] <schema>.<tablename>!", kArmy),
            "[test] army.army_records!");
}

TEST(Expand, ExpandsATokenEveryTimeItOccurs) {
  EXPECT_EQ(Expand("<schema>/<schema>", kArmy), "army/army");
}

TEST(Expand, TemplateWithoutTokensIsCopied) {
  EXPECT_EQ(Expand("fixed name", kArmy), "fixed name");
  EXPECT_EQ(Expand("", kArmy), "");
}

TEST(Expand, CopiesUnknownTokensAsWritten) {
  EXPECT_EQ(Expand("<table> <TableName>", kArmy), "<table> <TableName>");
}

TEST(Expand, CopiesAStrayOpeningBracketAndStillExpandsWhatFollows) {
  EXPECT_EQ(Expand("a < b", kArmy), "a < b");
  EXPECT_EQ(Expand("<<schema>>", kArmy), "<army>");
}

TEST(Expand, DoesNotReExpandTokensInsideSubstitutedNames) {
  const NameParts parts{"db", "<tablename>", "t"};
  EXPECT_EQ(Expand("<schema>", parts), "<tablename>");
}

// --- Title case -------------------------------------------------------

TEST(TitleCase, KeepsCapitalsAlreadyThere) {
  const NameParts parts{"", "", "OrderItems_ARR"};
  EXPECT_EQ(Expand("<Tablename>", parts), "OrderItems ARR");
}

TEST(TitleCase, LeavesDigitsAndWordsThatStartWithThem) {
  const NameParts parts{"", "", "2024_sales_q3_3d"};
  EXPECT_EQ(Expand("<Tablename>", parts), "2024 Sales Q3 3d");
}

TEST(TitleCase, TurnsARunOfUnderscoresIntoOneSpaceAndTrimsTheEnds) {
  const NameParts parts{"", "", "__tmp___data_"};
  EXPECT_EQ(Expand("<Tablename>", parts), "Tmp Data");
}

TEST(TitleCase, TreatsSpacesInTheStoredNameLikeUnderscores) {
  const NameParts parts{"", "", "order  items"};
  EXPECT_EQ(Expand("<Tablename>", parts), "Order Items");
}

TEST(TitleCase, OnlyUnderscoresAndSpacesSeparateWords) {
  const NameParts parts{"", "", "army-records.v2"};
  EXPECT_EQ(Expand("<Tablename>", parts), "Army-records.v2");
}

TEST(TitleCase, CopiesNonAsciiCharactersWhole) {
  // "élan_über_straße": the first letters are not ASCII and stay as they
  // are; every UTF-8 byte survives.
  const NameParts parts{"", "",
                        "\xc3\xa9lan_\xc3\xbc"
                        "ber_stra\xc3\x9f"
                        "e"};
  EXPECT_EQ(Expand("<Tablename>", parts),
            "\xc3\xa9lan \xc3\xbc"
            "ber Stra\xc3\x9f"
            "e");
}

TEST(TitleCase, OfOnlyUnderscoresIsEmpty) {
  const NameParts parts{"", "", "___"};
  EXPECT_EQ(Expand("<Tablename>", parts), "");
}

// --- TemplateProblems -------------------------------------------------

TEST(TemplateProblems, NoneForTheDefaultTemplates) {
  EXPECT_THAT(TemplateProblems(SchemaEvolution{}), IsEmpty());
}

TEST(TemplateProblems, NoneForEveryKnownToken) {
  SchemaEvolution evolution;
  evolution.name_template.name_format =
      "<schema><tablename><database><Schema><Tablename><Database>";
  EXPECT_THAT(TemplateProblems(evolution), IsEmpty());
}

TEST(TemplateProblems, NamesAnUnknownTokenAtItsField) {
  SchemaEvolution evolution;
  evolution.name_template.name_format = "<Schema> <TableName>";
  const std::vector<Problem> problems = TemplateProblems(evolution);
  ASSERT_THAT(problems, SizeIs(1));
  EXPECT_EQ(problems[0].pointer,
            "/schemaEvolution/config/nameTemplate/nameFormat");
  EXPECT_THAT(problems[0].message, HasSubstr("\"<TableName>\""));
  EXPECT_THAT(problems[0].message, HasSubstr("byte 9"));
}

TEST(TemplateProblems, PointsAtEachOfTheFourFields) {
  SchemaEvolution evolution;
  evolution.name_template.name_format = "<a>";
  evolution.name_template.table_format = "<b>";
  evolution.name_template.sql_schema_name_format = "<c>";
  evolution.name_template.schema_project_name_format = "<d>";
  const std::vector<Problem> problems = TemplateProblems(evolution);
  ASSERT_THAT(problems, SizeIs(4));
  const std::string prefix = "/schemaEvolution/config/nameTemplate/";
  EXPECT_EQ(problems[0].pointer, prefix + "nameFormat");
  EXPECT_EQ(problems[1].pointer, prefix + "tableFormat");
  EXPECT_EQ(problems[2].pointer, prefix + "sqlSchemaNameFormat");
  EXPECT_EQ(problems[3].pointer, prefix + "schemaProjectNameFormat");
  EXPECT_THAT(problems[3].message, HasSubstr("\"<d>\""));
}

TEST(TemplateProblems, ReportsEveryUnknownTokenNotOnlyTheFirst) {
  SchemaEvolution evolution;
  evolution.name_template.table_format = "<table>_<SCHEMA>";
  const std::vector<Problem> problems = TemplateProblems(evolution);
  ASSERT_THAT(problems, SizeIs(2));
  EXPECT_THAT(problems[0].message, HasSubstr("\"<table>\""));
  EXPECT_THAT(problems[1].message, HasSubstr("\"<SCHEMA>\""));
}

TEST(TemplateProblems, ReportsAnUnclosedBracket) {
  SchemaEvolution evolution;
  evolution.name_template.sql_schema_name_format = "<schema";
  const std::vector<Problem> problems = TemplateProblems(evolution);
  ASSERT_THAT(problems, SizeIs(1));
  EXPECT_EQ(problems[0].pointer,
            "/schemaEvolution/config/nameTemplate/sqlSchemaNameFormat");
  EXPECT_THAT(problems[0].message, HasSubstr("stray \"<\" at byte 0"));
}

TEST(TemplateProblems, ReportsABracketOpenedAgainBeforeItCloses) {
  SchemaEvolution evolution;
  evolution.name_template.name_format = "x <<Schema>";
  const std::vector<Problem> problems = TemplateProblems(evolution);
  ASSERT_THAT(problems, SizeIs(1));
  EXPECT_THAT(problems[0].message, HasSubstr("stray \"<\" at byte 2"));
}

TEST(TemplateProblems, ReportsAnEmptyToken) {
  SchemaEvolution evolution;
  evolution.name_template.name_format = "<>";
  const std::vector<Problem> problems = TemplateProblems(evolution);
  ASSERT_THAT(problems, SizeIs(1));
  EXPECT_THAT(problems[0].message, HasSubstr("unknown token \"<>\""));
}

TEST(TemplateProblems, AcceptsALoneClosingBracketAsText) {
  SchemaEvolution evolution;
  evolution.name_template.name_format = "<Schema> -> <Tablename>";
  EXPECT_THAT(TemplateProblems(evolution), IsEmpty());
}

// --- SqlName ----------------------------------------------------------

TEST(SqlName, LowerCasesAsciiLetters) {
  EXPECT_EQ(SqlName("Army_Records"), "army_records");
}

TEST(SqlName, ReplacesEachOtherCharacterWithAnUnderscore) {
  EXPECT_EQ(SqlName("Army Records"), "army_records");
  EXPECT_EQ(SqlName("a-b.c/d\"e|f"), "a_b_c_d_e_f");
}

TEST(SqlName, ReplacesAMultiByteCharacterWithOneUnderscore) {
  EXPECT_EQ(SqlName("caf\xc3\xa9"), "caf_");
  EXPECT_EQ(SqlName("\xe6\x97\xa5\xe6\x9c\xac"), "__");
  EXPECT_EQ(SqlName("\xf0\x9f\x98\x80x"), "_x");
}

TEST(SqlName, ReplacesEachByteOfMalformedUtf8) {
  EXPECT_EQ(SqlName("a\xc3"), "a_");
  EXPECT_EQ(SqlName("\x80\x80z"), "__z");
}

TEST(SqlName, KeepsDigitsEvenAtTheStart) {
  EXPECT_EQ(SqlName("2024_Sales"), "2024_sales");
}

TEST(SqlName, DoesNotMergeRunsOfUnderscores) {
  EXPECT_EQ(SqlName("a__b"), "a__b");
  EXPECT_EQ(SqlName("a - b"), "a___b");
}

TEST(SqlName, TurnsTheEmptyStringIntoAnUnderscore) {
  EXPECT_EQ(SqlName(""), "_");
}

TEST(SqlName, LeavesAValidNameUnchanged) {
  const std::string valid = "army_records_2024";
  EXPECT_EQ(SqlName(valid), valid);
  const std::string longest(255, 'z');
  EXPECT_EQ(SqlName(longest), longest);
}

TEST(SqlName, CapsALongNameAt255Bytes) {
  const std::string name = SqlName(std::string(300, 'a'));
  EXPECT_EQ(name.size(), 255u);
  EXPECT_TRUE(IsSqlName(name));
}

TEST(SqlName, EndsAShortenedNameInAStableFnv1aHash) {
  // FNV-1a 64 of 300 'a' bytes; the value pins the hash across builds,
  // platforms and runs.
  const std::string name = SqlName(std::string(300, 'a'));
  EXPECT_EQ(name, std::string(238, 'a') + "_ee7717eba7a17e21");
}

TEST(SqlName, HashesTheRawInputNotTheReducedOne) {
  // Both reduce to 250 x's and ten underscores.
  const std::string e_acute = std::string(250, 'x') + [] {
    std::string s;
    for (int i = 0; i < 10; ++i) s += "\xc3\xa9";
    return s;
  }();
  const std::string u_umlaut = std::string(250, 'x') + [] {
    std::string s;
    for (int i = 0; i < 10; ++i) s += "\xc3\xbc";
    return s;
  }();
  EXPECT_EQ(SqlName(e_acute), std::string(238, 'x') + "_67755604a75014c5");
  EXPECT_NE(SqlName(e_acute), SqlName(u_umlaut));
}

TEST(SqlName, DoesNotCollideForLongNamesSharingA255BytePrefix) {
  const std::string prefix(255, 'p');
  const std::string a = SqlName(prefix + "_orders");
  const std::string b = SqlName(prefix + "_customers");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 255u);
  EXPECT_EQ(b.size(), 255u);
}

TEST(SqlName, IsIdempotent) {
  for (const std::string& raw :
       {std::string("Army Records"), std::string(400, 'Q'), std::string()}) {
    const std::string once = SqlName(raw);
    EXPECT_EQ(SqlName(once), once) << raw;
  }
}

// --- IsSqlName --------------------------------------------------------

TEST(IsSqlName, AcceptsLowerCaseDigitsAndUnderscore) {
  EXPECT_TRUE(IsSqlName("army_records_2024"));
  EXPECT_TRUE(IsSqlName("9lives"));
  EXPECT_TRUE(IsSqlName(""));
}

TEST(IsSqlName, RefusesOtherCharacters) {
  EXPECT_FALSE(IsSqlName("Army"));
  EXPECT_FALSE(IsSqlName("army records"));
  EXPECT_FALSE(IsSqlName("caf\xc3\xa9"));
}

TEST(IsSqlName, RefusesMoreThan255Bytes) {
  EXPECT_TRUE(IsSqlName(std::string(255, 'a')));
  EXPECT_FALSE(IsSqlName(std::string(256, 'a')));
}

}  // namespace
}  // namespace dsh::naming
