// A password or user file content never leaves through any output of this
// area: problems, warnings, error bodies or response bodies.
#include <string>

#include "dsh/error.h"
#include "dsh/response.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "payload/create_payload.h"
#include "tests/payload/payload_builder.h"

namespace dsh::payload {
namespace {

using ::testing::HasSubstr;
using testing::kCanaryPassword;
using ::testing::Not;
using testing::Payload;

// A payload that breaks many rules around a canary password and a canary
// CA bundle.
std::string TroubledPayload() {
  Payload payload;
  const std::string canary = std::string("\"") + kCanaryPassword + "\"";
  payload.metadata[0]
      .Set("userFiles", R"([{"keyName":"ca","content":)" + canary +
                            R"(},{"keyName":"ca","content":)" + canary + "}]")
      .Set("staleDataTolerance", "5")
      .Set("authenticationMethod", R"("iam")")
      .Set("columns", R"(["a|b"])");
  payload.AddHandler();
  payload.metadata[1]
      .Set("password", "[" + canary + "]")
      .Set("username", R"("someone-else")")
      .Set("hostname", R"("https://x")");
  return payload.Json();
}

TEST(Secrets, NeverAppearInTheErrorBodyOfARefusedPayload) {
  absl::StatusOr<ParsedCreate> parsed =
      ParseCreateRequest(TroubledPayload(), ParseOptions{});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_FALSE(parsed->problems.empty());
  ASSERT_FALSE(parsed->warnings.empty());

  const absl::Status status = InvalidRequest(parsed->problems);
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr(kCanaryPassword)));
  EXPECT_THAT(ErrorJson(status), Not(HasSubstr(kCanaryPassword)));
  for (const Warning& warning : parsed->warnings) {
    EXPECT_THAT(warning.message, Not(HasSubstr(kCanaryPassword)));
  }
}

TEST(Secrets, NeverAppearInTheMalformedJsonMessage) {
  const std::string json =
      std::string(R"({"handler":[{"metadata":{"password":")") +
      kCanaryPassword + "\x02";
  const absl::Status status = ParseCreateRequest(json, ParseOptions{}).status();
  ASSERT_EQ(ErrorCodeName(status), "malformed_json");
  EXPECT_THAT(ErrorJson(status), Not(HasSubstr(kCanaryPassword)));
}

TEST(Secrets, NeverAppearInTheViewOfAParsedHandler) {
  Payload payload;
  payload.metadata[0].Set("userFiles",
                          std::string(R"([{"keyName":"ca","content":")") +
                              kCanaryPassword + R"(","filename":"ca.pem"}])");
  absl::StatusOr<ParsedCreate> parsed =
      ParseCreateRequest(payload.Json(), ParseOptions{});
  ASSERT_TRUE(parsed.ok());
  ASSERT_TRUE(parsed->problems.empty());

  HandlerView view;
  view.handler.metadata = parsed->request.handlers.at(0);
  view.data_source.spec = parsed->request.data_source;
  ASSERT_EQ(view.handler.metadata.password, kCanaryPassword);

  const std::string json = HandlerViewJson(view);
  EXPECT_THAT(json, Not(HasSubstr(kCanaryPassword)));
  EXPECT_THAT(json, HasSubstr(R"("filename":"ca.pem")"));
}

}  // namespace
}  // namespace dsh::payload
