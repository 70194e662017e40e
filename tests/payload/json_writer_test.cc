#include "payload/json_writer.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "gtest/gtest.h"

namespace dsh::payload {
namespace {

std::string Quoted(std::string_view text) {
  std::string out;
  AppendJsonString(out, text);
  return out;
}

TEST(AppendJsonString, EscapesQuoteAndBackslash) {
  EXPECT_EQ(Quoted(R"(a"b\c)"), R"("a\"b\\c")");
}

TEST(AppendJsonString, EscapesControlCharactersShortWhereJsonAllows) {
  EXPECT_EQ(Quoted("\b\f\n\r\t"), R"("\b\f\n\r\t")");
}

TEST(AppendJsonString, EscapesOtherControlCharactersAsUnicode) {
  EXPECT_EQ(Quoted(std::string("\x00\x01\x1f\x7f", 4)),
            R"("\u0000\u0001\u001f\u007f")");
}

TEST(AppendJsonString, KeepsSlashAndWellFormedUtf8AsTheyAre) {
  EXPECT_EQ(Quoted("a/b caf\xC3\xA9 \xF0\x9F\x98\x80"),
            "\"a/b caf\xC3\xA9 \xF0\x9F\x98\x80\"");
}

TEST(AppendJsonString, ReplacesBytesThatAreNotUtf8) {
  EXPECT_EQ(Quoted("a\xC3(b\xFF\xED\xA0\x80"),
            R"("a\ufffd(b\ufffd\ufffd\ufffd\ufffd")");
}

TEST(JsonWriter, PlacesCommasAndColonsInNestedContainers) {
  JsonWriter w;
  w.BeginObject()
      .Key("a")
      .BeginArray()
      .Int(1)
      .BeginObject()
      .EndObject()
      .BeginArray()
      .EndArray()
      .Null()
      .EndArray()
      .Key("b")
      .Bool(false)
      .Key("c")
      .String("x")
      .EndObject();
  EXPECT_EQ(std::move(w).Take(), R"({"a":[1,{},[],null],"b":false,"c":"x"})");
}

TEST(JsonWriter, EscapesKeys) {
  JsonWriter w;
  w.BeginObject().Key("a\"\n").Int(1).EndObject();
  EXPECT_EQ(w.text(), R"({"a\"\n":1})");
}

TEST(JsonWriter, WritesIntegerExtremes) {
  JsonWriter w;
  w.BeginArray()
      .Int(std::numeric_limits<std::int64_t>::min())
      .Uint(std::numeric_limits<std::uint64_t>::max())
      .EndArray();
  EXPECT_EQ(w.text(), "[-9223372036854775808,18446744073709551615]");
}

TEST(JsonWriter, WritesDoublesInTheShortestFormThatReadsBack) {
  JsonWriter w;
  w.BeginArray().Double(0.1).Double(86400).Double(1e300).Double(-2.5e-8);
  w.EndArray();
  EXPECT_EQ(w.text(), "[0.1,86400,1e+300,-2.5e-08]");
}

TEST(JsonWriter, WritesNullForNumbersJsonCannotHold) {
  JsonWriter w;
  w.BeginArray()
      .Double(std::nan(""))
      .Double(std::numeric_limits<double>::infinity())
      .EndArray();
  EXPECT_EQ(w.text(), "[null,null]");
}

TEST(JsonWriter, CopiesRawJsonAsItIs) {
  JsonWriter w;
  w.BeginObject().Key("raw").Raw(R"({"x":[1]})").Key("n").Int(2);
  w.EndObject();
  EXPECT_EQ(w.text(), R"({"raw":{"x":[1]},"n":2})");
}

TEST(JsonWriter, WritesATopLevelScalar) {
  JsonWriter w;
  w.String("only");
  EXPECT_EQ(w.text(), R"("only")");
}

}  // namespace
}  // namespace dsh::payload
