#include "payload/json_syntax.h"

#include <simdjson.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/payload/payload_builder.h"

namespace dsh::payload {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

bool SimdjsonAccepts(const std::string& text) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  return parser.parse(text.data(), text.size()).get(root) == simdjson::SUCCESS;
}

TEST(FindJsonSyntaxError, AcceptsEveryKindOfValue) {
  EXPECT_FALSE(FindJsonSyntaxError(
      R"( {"s":"a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00","n":[0,-0,1.5e-3,)"
      R"(-9223372036854775808,18446744073709551615,1E+2],)"
      R"("t":true,"f":false,"z":null,"o":{},"e":[]} )"));
  EXPECT_FALSE(FindJsonSyntaxError("\"caf\xC3\xA9 \xF0\x9F\x98\x80\""));
  EXPECT_FALSE(FindJsonSyntaxError("12"));
}

TEST(FindJsonSyntaxError, AcceptsNumbersThatUnderflowToZero) {
  EXPECT_FALSE(FindJsonSyntaxError("[1e-400,-2.5e-999]"));
}

TEST(FindJsonSyntaxError, RefusesNumbersTooLargeForADouble) {
  const auto error = FindJsonSyntaxError("[1,1e309]");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->offset, 3u);
  EXPECT_EQ(error->message, "number too large for a double");
}

TEST(FindJsonSyntaxError, RefusesTheLowestIntegerMinusOne) {
  const auto error = FindJsonSyntaxError("-9223372036854775809");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->offset, 0u);
}

TEST(FindJsonSyntaxError, AcceptsNesting1024LevelsDeep) {
  EXPECT_FALSE(
      FindJsonSyntaxError(std::string(1024, '[') + std::string(1024, ']')));
}

TEST(FindJsonSyntaxError, RefusesAScalarInside1024Containers) {
  const auto error = FindJsonSyntaxError(std::string(1024, '[') + "1" +
                                         std::string(1024, ']'));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->offset, 1024u);
}

TEST(FindJsonSyntaxError, RefusesAKeyThatIsNotAString) {
  const auto error = FindJsonSyntaxError("{1:2}");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->offset, 1u);
  EXPECT_EQ(error->message, "expected a string key");
}

TEST(FindJsonSyntaxError, RefusesAMissingColon) {
  const auto error = FindJsonSyntaxError(R"({"a" 1})");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->offset, 5u);
  EXPECT_EQ(error->message, "expected ':' after a key");
}

TEST(FindJsonSyntaxError, RefusesAnUnknownEscape) {
  const auto error = FindJsonSyntaxError(R"(["ab\x"])");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->offset, 4u);
  EXPECT_EQ(error->message, "invalid escape sequence");
}

TEST(FindJsonSyntaxError, RefusesAShortUnicodeEscape) {
  const auto error = FindJsonSyntaxError(R"(["\u12G4"])");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->offset, 2u);
  EXPECT_EQ(error->message, "a \\u escape needs four hex digits");
}

TEST(FindJsonSyntaxError, RefusesAFractionWithoutDigits) {
  const auto error = FindJsonSyntaxError("[1.]");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->offset, 3u);
  EXPECT_EQ(error->message, "expected a digit after '.'");
}

TEST(FindJsonSyntaxError, RefusesAnExponentWithoutDigits) {
  const auto error = FindJsonSyntaxError("[1e+]");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->offset, 4u);
  EXPECT_EQ(error->message, "expected a digit in the exponent");
}

TEST(FindJsonSyntaxError, RefusesANulByteAfterTheValue) {
  const auto error = FindJsonSyntaxError(std::string("{}\0", 3));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->offset, 2u);
}

TEST(FindJsonSyntaxError, QuotesAControlCharacterInADuplicateKeySafely) {
  const auto error = FindJsonSyntaxError(R"({"a\n":1,"a\n":2})");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->message, "duplicate key \"a\\n\" in the top-level object");
}

TEST(FindJsonSyntaxError, CutsAVeryLongDuplicateKeyInItsMessage) {
  const std::string key(500, 'k');
  const auto error =
      FindJsonSyntaxError("{\"" + key + "\":1,\"" + key + "\":2}");
  ASSERT_TRUE(error);
  EXPECT_THAT(error->message, StartsWith("duplicate key \"kkk"));
  EXPECT_THAT(error->message, HasSubstr("...\" in the top-level object"));
  EXPECT_LT(error->message.size(), 200u);
}

TEST(FindJsonSyntaxError, NeverQuotesAStringValue) {
  const auto error = FindJsonSyntaxError(std::string(R"({"password":")") +
                                         testing::kCanaryPassword + "\x01\"}");
  ASSERT_TRUE(error);
  EXPECT_THAT(error->message, ::testing::Not(HasSubstr("canary")));
}

// The scanner must refuse exactly what simdjson refuses (it runs only when
// simdjson has refused, and must then find the byte), plus repeated keys.
// Random damage to a realistic payload explores the boundary.
TEST(FindJsonSyntaxError, AgreesWithSimdjsonOnDamagedPayloads) {
  testing::Payload payload;
  payload.metadata[0]
      .Set("schemaProjectName", "\"Arm\\u00e9e \\ud83d\\ude00 \xC3\xA9\"")
      .Set("staleDataTolerance", "8.64e4")
      .Set("columns", R"(["a",{"name":"b"}])");
  payload.top.Set("policyRules",
                  R"([{"n":-12,"x":1.5E-3,"big":18446744073709551615},)"
                  R"(null,true,false,[],{}])");
  const std::string seed = payload.Json();
  const std::string alphabet =
      std::string("{}[],:\"\\ \t\n0123456789eE.-+tfnrulsaxz/") +
      std::string("\x01\x1f\x7f\x80\xbf\xc3\xe2\xed\xf0\xf4\xff\0", 12);

  std::mt19937 random(20240501);
  const auto pick = [&](std::size_t size) {
    return std::uniform_int_distribution<std::size_t>(0, size - 1)(random);
  };
  int refused = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text = seed;
    const int edits = 1 + static_cast<int>(pick(3));
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const std::size_t at = pick(text.size());
      switch (pick(5)) {
        case 0:
          text.erase(at, 1);
          break;
        case 1:
          text.insert(at, 1, alphabet[pick(alphabet.size())]);
          break;
        case 2:
          text[at] = alphabet[pick(alphabet.size())];
          break;
        case 3:
          text.resize(at);
          break;
        default:
          text.insert(at, text.substr(pick(text.size()), 1 + pick(12)));
      }
    }
    const std::optional<JsonSyntaxError> error = FindJsonSyntaxError(text);
    const bool duplicate =
        error && error->message.rfind("duplicate key", 0) == 0;
    if (SimdjsonAccepts(text)) {
      EXPECT_TRUE(!error || duplicate)
          << "scanner refuses what simdjson accepts: " << error->message
          << " at " << error->offset << " in " << text;
    } else {
      ++refused;
      EXPECT_TRUE(error.has_value())
          << "scanner accepts what simdjson refuses: " << text;
      if (error) {
        EXPECT_LE(error->offset, text.size());
      }
    }
  }
  // The damage must be real for the comparison to mean anything.
  EXPECT_GT(refused, 10000);
}

}  // namespace
}  // namespace dsh::payload
