// The store's own binary encoding of the parts of a record that are not
// searched: a handler's metadata (credentials included), a data source's
// details, and a dictionary. Stores keep these as opaque blobs beside the
// columns they search on.
//
// A blob is a format version byte, a kind byte (so that a blob of one kind
// is never read as another), then the fields in a fixed order. Strings are
// a varint length and the bytes; integers are zigzag varints; a double is
// its eight IEEE bytes, little-endian; an optional is a presence byte and
// then the value; a list is a varint count and the items. Decoding checks
// every length against what is left, so a damaged blob is reported, never
// read past its end, and never makes a huge allocation.
#ifndef DSH_LIB_STORE_RECORD_CODEC_H_
#define DSH_LIB_STORE_RECORD_CODEC_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "dsh/model.h"

namespace dsh::store {

// The version written by this build. A reader refuses any other, so a
// change of layout must come with a new version and a store schema
// migration that keeps older builds away from the file.
inline constexpr unsigned char kRecordFormatVersion = 1;

// Every field of `metadata`, password and user file contents included.
std::string EncodeHandlerMetadata(const HandlerMetadata& metadata);

// Fills `metadata` from a blob written by EncodeHandlerMetadata. Internal,
// naming the kind of record and the byte offset, when the blob is damaged;
// `metadata` is then unspecified.
absl::Status DecodeHandlerMetadata(std::string_view blob,
                                   HandlerMetadata* metadata);

// `record.spec`, `record.schema_evolution` and `record.policy_rules_json`:
// the parts of a data source that no query searches on.
std::string EncodeDataSourceDetails(const DataSourceRecord& record);

// Sets those three fields of `record` and leaves the others alone. Internal
// when the blob is damaged.
absl::Status DecodeDataSourceDetails(std::string_view blob,
                                     DataSourceRecord* record);

// A data dictionary, in column order, tags included.
std::string EncodeDictionary(const std::vector<Column>& dictionary);

// Internal when the blob is damaged.
absl::Status DecodeDictionary(std::string_view blob,
                              std::vector<Column>* dictionary);

}  // namespace dsh::store

#endif  // DSH_LIB_STORE_RECORD_CODEC_H_
