#include "dsh/error.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dsh {
namespace {

using ::testing::ElementsAre;

TEST(InvalidRequest, CarriesEveryProblemWithItsPointer) {
  const absl::Status status = InvalidRequest(
      {{"/handler/0/metadata/port", "must be an integer from 1 to 65535"},
       {"/dataSource/type", "must be \"queryable\" or \"ingested\""}});

  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ProblemsOf(status),
              ElementsAre(Problem{"/handler/0/metadata/port",
                                  "must be an integer from 1 to 65535"},
                          Problem{"/dataSource/type",
                                  "must be \"queryable\" or \"ingested\""}));
  EXPECT_EQ(status.message(),
            "/handler/0/metadata/port: must be an integer from 1 to 65535\n"
            "/dataSource/type: must be \"queryable\" or \"ingested\"");
  EXPECT_EQ(ErrorCodeName(status), "invalid_request");
}

TEST(InvalidRequest, KeepsProblemsWhoseTextHoldsSeparators) {
  const Problem odd{"/a:b/3:x", "12:34 is not\na name"};
  EXPECT_THAT(ProblemsOf(InvalidRequest({odd})), ElementsAre(odd));
}

TEST(MalformedJson, ReportsTheByteOffset) {
  const absl::Status status = MalformedJson(17, "expected a value");
  EXPECT_EQ(ByteOffsetOf(status), 17u);
  EXPECT_EQ(ErrorCodeName(status), "malformed_json");
  EXPECT_EQ(status.message(), "malformed JSON at byte 17: expected a value");
}

TEST(ErrorCodeName, NamesEachKindOfFailure) {
  EXPECT_EQ(ErrorCodeName(absl::AlreadyExistsError("x")), "name_conflict");
  EXPECT_EQ(ErrorCodeName(absl::NotFoundError("x")), "not_found");
  EXPECT_EQ(ErrorCodeName(absl::UnavailableError("x")),
            "database_unavailable");
  EXPECT_FALSE(ByteOffsetOf(absl::InvalidArgumentError("x")).has_value());
}

}  // namespace
}  // namespace dsh
