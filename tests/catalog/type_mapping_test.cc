#include <string>
#include <string_view>

#include "dsh/catalog.h"
#include "gtest/gtest.h"

namespace dsh {
namespace {

struct Case {
  std::string_view remote_type;
  std::string_view data_type;
};

void ExpectKnown(Technology technology, const Case& c) {
  const TypeMapping mapping = MapRemoteType(technology, c.remote_type);
  EXPECT_TRUE(mapping.known) << c.remote_type;
  EXPECT_EQ(mapping.data_type, c.data_type) << c.remote_type;
}

TEST(MapRemoteType, MapsCharacterTypesWithModifiersToText) {
  for (const Case& c : {Case{"character varying(256)", "text"},
                        Case{"character varying", "text"},
                        Case{"character(3)", "text"}, Case{"text", "text"},
                        Case{"varchar(20)", "text"}, Case{"bpchar", "text"}}) {
    ExpectKnown(Technology::kPostgresql, c);
    ExpectKnown(Technology::kRedshift, c);
  }
}

TEST(MapRemoteType, ReadsModifiersInsideMultiWordNames) {
  ExpectKnown(Technology::kPostgresql,
              {"timestamp(3) with time zone", "timestamptz"});
  ExpectKnown(Technology::kPostgresql,
              {"timestamp(6) without time zone", "timestamp"});
  ExpectKnown(Technology::kPostgresql, {"time(2) without time zone", "time"});
  ExpectKnown(Technology::kRedshift, {"time with time zone", "timetz"});
  ExpectKnown(Technology::kPostgresql, {"numeric(12,2)", "decimal"});
  ExpectKnown(Technology::kPostgresql, {"bit varying(5)", "text"});
}

TEST(MapRemoteType, IgnoresCaseAndExtraSpaces) {
  ExpectKnown(Technology::kPostgresql,
              {"  Timestamp (3)  WITH  Time Zone ", "timestamptz"});
  ExpectKnown(Technology::kRedshift, {"DOUBLE PRECISION", "float"});
}

TEST(MapRemoteType, SeparatesIntegerWidths) {
  ExpectKnown(Technology::kPostgresql, {"smallint", "integer"});
  ExpectKnown(Technology::kPostgresql, {"integer", "integer"});
  ExpectKnown(Technology::kPostgresql, {"bigint", "bigint"});
  ExpectKnown(Technology::kRedshift, {"int8", "bigint"});
}

TEST(MapRemoteType, MapsIntervalsWithFieldsAndPrecision) {
  ExpectKnown(Technology::kPostgresql, {"interval", "interval"});
  ExpectKnown(Technology::kPostgresql,
              {"interval day to second(3)", "interval"});
  ExpectKnown(Technology::kRedshift, {"interval year to month", "interval"});
}

TEST(MapRemoteType, MapsEveryArrayToTheArrayFamily) {
  ExpectKnown(Technology::kPostgresql, {"integer[]", "array"});
  ExpectKnown(Technology::kPostgresql, {"character varying(20)[]", "array"});
  ExpectKnown(Technology::kPostgresql, {"shop.mood[]", "array"});
}

TEST(MapRemoteType, MapsRedshiftOnlyTypes) {
  ExpectKnown(Technology::kRedshift, {"super", "json"});
  ExpectKnown(Technology::kRedshift, {"varbyte(64000)", "bytea"});
  ExpectKnown(Technology::kRedshift, {"binary varying(1024)", "bytea"});
  ExpectKnown(Technology::kRedshift, {"geometry", "geometry"});
  ExpectKnown(Technology::kRedshift, {"geography", "geography"});
  ExpectKnown(Technology::kRedshift, {"hllsketch", "text"});
  ExpectKnown(Technology::kRedshift, {"timetz", "timetz"});
  ExpectKnown(Technology::kRedshift, {"timestamptz", "timestamptz"});
}

TEST(MapRemoteType, MapsSpectrumExternalColumnTypes) {
  ExpectKnown(Technology::kRedshift, {"string", "text"});
  ExpectKnown(Technology::kRedshift, {"double", "float"});
  ExpectKnown(Technology::kRedshift, {"int", "integer"});
  ExpectKnown(Technology::kRedshift, {"tinyint", "integer"});
  ExpectKnown(Technology::kRedshift, {"decimal(8,2)", "decimal"});
  ExpectKnown(Technology::kRedshift, {"varchar(100)", "text"});
  ExpectKnown(Technology::kRedshift, {"array<int>", "array"});
  ExpectKnown(Technology::kRedshift, {"struct<a:int,b:string>", "json"});
  ExpectKnown(Technology::kRedshift, {"map<string,int>", "json"});
}

// svv_external_columns prints Spectrum's (Hive's) names for the types of
// external columns.
TEST(MapRemoteType, MapsEverySpectrumScalarType) {
  for (const Case& c :
       {Case{"string", "text"}, Case{"varchar(65535)", "text"},
        Case{"char(3)", "text"}, Case{"tinyint", "integer"},
        Case{"smallint", "integer"}, Case{"int", "integer"},
        Case{"bigint", "bigint"}, Case{"decimal(38,10)", "decimal"},
        Case{"float", "float"}, Case{"real", "float"}, Case{"double", "float"},
        Case{"boolean", "boolean"}, Case{"date", "date"},
        Case{"timestamp", "timestamp"}}) {
    ExpectKnown(Technology::kRedshift, c);
  }
}

TEST(MapRemoteType, MapsPostgresqlDocumentAndIdentifierTypes) {
  ExpectKnown(Technology::kPostgresql, {"jsonb", "json"});
  ExpectKnown(Technology::kPostgresql, {"json", "json"});
  ExpectKnown(Technology::kPostgresql, {"uuid", "uuid"});
  ExpectKnown(Technology::kPostgresql, {"bytea", "bytea"});
  ExpectKnown(Technology::kPostgresql, {"tsvector", "text"});
  ExpectKnown(Technology::kPostgresql, {"int4range", "text"});
}

TEST(MapRemoteType, MapsSchemaQualifiedExtensionTypesOnPostgresql) {
  ExpectKnown(Technology::kPostgresql,
              {"public.geometry(Point,4326)", "geometry"});
  ExpectKnown(Technology::kPostgresql, {"extensions.citext", "text"});
}

TEST(MapRemoteType, TreatsAnotherTechnologysNamesAsUnknown) {
  EXPECT_FALSE(MapRemoteType(Technology::kPostgresql, "super").known);
  EXPECT_FALSE(MapRemoteType(Technology::kPostgresql, "string").known);
  EXPECT_FALSE(MapRemoteType(Technology::kRedshift, "jsonb").known);
}

TEST(MapRemoteType, MapsUnknownTypesToTextAndSaysSo) {
  for (std::string_view remote : {"public.mpaa_rating", "\"Mood\"",
                                  "shop.amount", "", "frobnicator(3)"}) {
    const TypeMapping mapping = MapRemoteType(Technology::kPostgresql, remote);
    EXPECT_FALSE(mapping.known) << remote;
    EXPECT_EQ(mapping.data_type, "text") << remote;
  }
}

TEST(MapRemoteType, DoesNotMistakeAQualifiedUserTypeForABuiltIn) {
  EXPECT_FALSE(MapRemoteType(Technology::kPostgresql, "shop.integer").known);
}

}  // namespace
}  // namespace dsh
