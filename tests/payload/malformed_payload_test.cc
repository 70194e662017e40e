// Payloads that are not JSON: the status names the byte where the text
// goes wrong.
#include <string>

#include "dsh/error.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "payload/create_payload.h"
#include "tests/payload/payload_builder.h"

namespace dsh::payload {
namespace {

using testing::Payload;

absl::Status ParseStatus(std::string_view json) {
  return ParseCreateRequest(json, ParseOptions{}).status();
}

// Expects `json` to be refused as malformed at `offset` with `message`.
void ExpectMalformedAt(std::string_view json, std::size_t offset,
                       std::string_view message) {
  const absl::Status status = ParseStatus(json);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorCodeName(status), "malformed_json");
  EXPECT_EQ(ByteOffsetOf(status), offset);
  EXPECT_EQ(status.message(), "malformed JSON at byte " +
                                  std::to_string(offset) + ": " +
                                  std::string(message));
}

TEST(MalformedPayload, PointsAtTheEndOfTruncatedText) {
  const std::string json = Payload().Json();
  const std::size_t end = json.find("5439") + 4;
  ExpectMalformedAt(json.substr(0, end), end,
                    "unexpected end of input; expected ',' or '}'");
}

TEST(MalformedPayload, PointsAtTheFirstWrongByteOfABadLiteral) {
  ExpectMalformedAt(R"({"handler":tru})", 14, "expected the literal true");
  ExpectMalformedAt(R"({"handler":nulL})", 14, "expected the literal null");
}

TEST(MalformedPayload, PointsAtTrailingGarbage) {
  const std::string json = Payload().Json();
  ExpectMalformedAt(json + "  x", json.size() + 2,
                    "unexpected data after the JSON value");
}

TEST(MalformedPayload, PointsAtTheEndOfAnUnterminatedString) {
  ExpectMalformedAt(R"({"handler":"abc)", 15,
                    "unterminated string starting at byte 11");
}

TEST(MalformedPayload, PointsAtAControlCharacterInAString) {
  ExpectMalformedAt("{\"handler\":\"a\tb\"}", 13,
                    "control character U+0009 in a string must be escaped");
}

TEST(MalformedPayload, PointsAtInvalidUtf8) {
  ExpectMalformedAt("{\"handler\":\"ok \xC3(\"}", 15,
                    "invalid UTF-8 in a string");
  ExpectMalformedAt("{\"handler\":\"\xED\xA0\x80\"}", 12,
                    "invalid UTF-8 in a string");
}

TEST(MalformedPayload, PointsAtAMissingComma) {
  ExpectMalformedAt(R"({"a":1 "b":2})", 7, "expected ',' or '}'");
}

TEST(MalformedPayload, PointsAtATrailingComma) {
  ExpectMalformedAt(R"({"a":[1,2,]})", 10, "expected a value");
}

TEST(MalformedPayload, PointsAtALeadingZero) {
  ExpectMalformedAt(R"({"port":05439})", 9,
                    "a number must not have a leading zero");
}

TEST(MalformedPayload, PointsAtAnIntegerBeyond64Bits) {
  ExpectMalformedAt(R"({"port":18446744073709551616})", 8,
                    "integer out of the 64-bit range");
}

TEST(MalformedPayload, PointsAtAnUnpairedSurrogateEscape) {
  ExpectMalformedAt(R"({"a":"x\ud800y"})", 7,
                    "unpaired surrogate in a \\u escape");
}

TEST(MalformedPayload, ReportsEmptyInput) {
  ExpectMalformedAt("", 0, "unexpected end of input; expected a value");
  ExpectMalformedAt(" \n", 2, "unexpected end of input; expected a value");
}

TEST(MalformedPayload, RefusesAByteOrderMark) {
  ExpectMalformedAt("\xEF\xBB\xBF{}", 0, "expected a value");
}

TEST(MalformedPayload, RefusesADuplicateKeyAndPointsAtItsSecondUse) {
  Payload payload;
  payload.metadata[0].Set("port", "5439");
  std::string json = payload.Json();
  const std::string first = "\"port\":5439";
  const std::size_t at = json.find(first) + first.size();
  json.insert(at, ",\"port\":5440");

  ExpectMalformedAt(json, at + 1,
                    "duplicate key \"port\" in the object at "
                    "/handler/0/metadata");
}

TEST(MalformedPayload, RefusesADuplicateKeySpelledWithAnEscape) {
  ExpectMalformedAt(R"({"handler":1,"hand\u006cer":2})", 13,
                    "duplicate key \"handler\" in the top-level object");
}

TEST(MalformedPayload, RefusesADuplicateKeyInsideAnUnknownMember) {
  ExpectMalformedAt(R"({"x/y":{"m~n":[{"k":1,"k":2}]}})", 22,
                    "duplicate key \"k\" in the object at /x~1y/m~0n/0");
}

TEST(MalformedPayload, ReportsTheFirstDuplicateInTextOrder) {
  ExpectMalformedAt(R"({"a":{"b":1,"b":2},"a":3})", 12,
                    "duplicate key \"b\" in the object at /a");
}

TEST(MalformedPayload, RefusesNestingDeeperThan1024Levels) {
  const std::string json = std::string(1025, '[') + std::string(1025, ']');
  ExpectMalformedAt(json, 1024, "nesting deeper than 1024 levels");
}

}  // namespace
}  // namespace dsh::payload
