#include "store/record_codec.h"

#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/store/store_test_records.h"

namespace dsh::store {
namespace {

using ::dsh::store_test::Describe;
using ::dsh::store_test::RichEntry;
using ::testing::HasSubstr;

TEST(RecordCodec, RoundTripsEveryFieldOfHandlerMetadata) {
  const HandlerMetadata written = RichEntry().handler.metadata;

  HandlerMetadata read;
  ASSERT_TRUE(
      DecodeHandlerMetadata(EncodeHandlerMetadata(written), &read).ok());

  HandlerRecord a;
  a.metadata = written;
  HandlerRecord b;
  b.metadata = read;
  EXPECT_EQ(Describe(b), Describe(a));
}

TEST(RecordCodec, RoundTripsEveryDetailOfADataSource) {
  const DataSourceRecord written = RichEntry().data_source;

  DataSourceRecord read;
  ASSERT_TRUE(
      DecodeDataSourceDetails(EncodeDataSourceDetails(written), &read).ok());

  DataSourceRecord expected;
  expected.spec = written.spec;
  expected.schema_evolution = written.schema_evolution;
  expected.policy_rules_json = written.policy_rules_json;
  EXPECT_EQ(Describe(read), Describe(expected));
}

TEST(RecordCodec, RoundTripsADictionaryWithTags) {
  const std::vector<Column> written = RichEntry().data_source.dictionary;

  std::vector<Column> read;
  ASSERT_TRUE(DecodeDictionary(EncodeDictionary(written), &read).ok());

  EXPECT_EQ(read, written);
}

TEST(RecordCodec, KeepsExtremeNumbers) {
  HandlerMetadata written;
  written.port = -2147483647 - 1;
  written.stale_data_tolerance = -0.0;
  DataSourceRecord details;
  SchemaEvolution evolution;
  evolution.owner_profile_id = INT64_MIN;
  details.schema_evolution = evolution;
  details.spec.owner = {{{INT64_MAX, -1, 0}, {}}};

  HandlerMetadata read;
  DataSourceRecord read_details;
  ASSERT_TRUE(
      DecodeHandlerMetadata(EncodeHandlerMetadata(written), &read).ok());
  ASSERT_TRUE(
      DecodeDataSourceDetails(EncodeDataSourceDetails(details), &read_details)
          .ok());

  EXPECT_EQ(read.port, written.port);
  ASSERT_TRUE(read.stale_data_tolerance.has_value());
  EXPECT_TRUE(std::signbit(*read.stale_data_tolerance));
  EXPECT_EQ(read_details.schema_evolution->owner_profile_id, INT64_MIN);
  EXPECT_EQ(read_details.spec.owner[0].profiles,
            (std::vector<std::int64_t>{INT64_MAX, -1, 0}));
}

TEST(RecordCodec, RefusesEveryTruncatedBlob) {
  const std::string blob = EncodeHandlerMetadata(RichEntry().handler.metadata);

  for (size_t length = 0; length < blob.size(); ++length) {
    HandlerMetadata read;
    const absl::Status status =
        DecodeHandlerMetadata(std::string_view(blob).substr(0, length), &read);
    EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << length;
  }
}

TEST(RecordCodec, RefusesBytesLeftOver) {
  const std::string blob = EncodeDictionary({}) + "x";

  std::vector<Column> read;
  const absl::Status status = DecodeDictionary(blob, &read);

  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(status.message(), HasSubstr("1 bytes left over"));
}

TEST(RecordCodec, RefusesAnUnknownFormatVersion) {
  std::string blob = EncodeDictionary({});
  blob[0] = 9;

  std::vector<Column> read;
  const absl::Status status = DecodeDictionary(blob, &read);

  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(status.message(), HasSubstr("unknown format version 9"));
}

TEST(RecordCodec, RefusesABlobOfAnotherKind) {
  HandlerMetadata read;
  const absl::Status status =
      DecodeHandlerMetadata(EncodeDictionary({}), &read);

  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(status.message(), HasSubstr("corrupt handler metadata record"));
}

TEST(RecordCodec, RefusesAHugeCountBeforeAllocatingAnything) {
  // Version, kind, then a count of 2^63 columns in a twelve-byte blob.
  std::string blob = EncodeDictionary({}).substr(0, 2);
  blob += std::string("\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01", 10);
  std::vector<Column> read;

  const absl::Status status = DecodeDictionary(blob, &read);

  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(status.message(),
              HasSubstr("columns count runs past the end at byte 12"));
}

TEST(RecordCodec, RefusesAVarintLongerThanSixtyFourBits) {
  std::string blob = EncodeDictionary({}).substr(0, 2);
  blob += std::string(10, '\xff') + "\x01";
  std::vector<Column> read;

  EXPECT_THAT(DecodeDictionary(blob, &read).message(),
              HasSubstr("overflows 64 bits"));
}

TEST(RecordCodec, RefusesABooleanThatIsNeitherZeroNorOne) {
  std::vector<Column> dictionary = {{"a", "text", "text", true, false, {}}};
  std::string blob = EncodeDictionary(dictionary);
  // Version, kind, count, three one-byte-length strings, then nullable.
  const size_t nullable_at = 3 + 2 + 5 + 5;
  ASSERT_EQ(blob[nullable_at], 1);
  blob[nullable_at] = 2;

  std::vector<Column> read;
  EXPECT_THAT(DecodeDictionary(blob, &read).message(),
              HasSubstr("column nullable is not 0 or 1"));
}

TEST(RecordCodec, NeverFailsOtherThanInternalOnRandomDamage) {
  const std::string blobs[] = {
      EncodeHandlerMetadata(RichEntry().handler.metadata),
      EncodeDataSourceDetails(RichEntry().data_source),
      EncodeDictionary(RichEntry().data_source.dictionary)};
  std::mt19937 random(7);
  int refused = 0;

  for (int round = 0; round < 3000; ++round) {
    std::string blob = blobs[round % 3];
    for (auto flips = 1 + random() % 3; flips > 0; --flips) {
      blob[random() % blob.size()] = static_cast<char>(random() & 0xff);
    }
    HandlerMetadata metadata;
    DataSourceRecord details;
    std::vector<Column> dictionary;
    const absl::Status status =
        round % 3 == 0   ? DecodeHandlerMetadata(blob, &metadata)
        : round % 3 == 1 ? DecodeDataSourceDetails(blob, &details)
                         : DecodeDictionary(blob, &dictionary);
    EXPECT_TRUE(status.ok() || status.code() == absl::StatusCode::kInternal);
    if (!status.ok()) ++refused;
  }
  EXPECT_GT(refused, 1000);
}

}  // namespace
}  // namespace dsh::store
