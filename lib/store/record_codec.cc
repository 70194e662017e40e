#include "store/record_codec.h"

#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "model/absl_compat.h"

namespace dsh::store {
namespace {

// The kind byte: which encoder wrote a blob.
constexpr unsigned char kHandlerMetadataKind = 'H';
constexpr unsigned char kDataSourceDetailsKind = 'D';
constexpr unsigned char kDictionaryKind = 'C';

class Writer {
 public:
  explicit Writer(unsigned char kind) {
    Byte(kRecordFormatVersion);
    Byte(kind);
  }

  void Byte(unsigned char value) { out_.push_back(static_cast<char>(value)); }

  void Varint(std::uint64_t value) {
    while (value >= 0x80) {
      Byte(static_cast<unsigned char>((value & 0x7f) | 0x80));
      value >>= 7;
    }
    Byte(static_cast<unsigned char>(value));
  }

  // Zigzag, so that small negative numbers stay short.
  void Int(std::int64_t value) {
    const auto bits = static_cast<std::uint64_t>(value);
    Varint((bits << 1) ^ (value < 0 ? ~std::uint64_t{0} : 0));
  }

  void Bool(bool value) { Byte(value ? 1 : 0); }

  void Double(double value) {
    std::uint64_t bits = 0;
    static_assert(sizeof(bits) == sizeof(value));
    std::memcpy(&bits, &value, sizeof(bits));
    for (int i = 0; i < 8; ++i) {
      Byte(static_cast<unsigned char>(bits & 0xff));
      bits >>= 8;
    }
  }

  void String(std::string_view value) {
    Varint(value.size());
    out_.append(value.data(), value.size());
  }

  void Strings(const std::vector<std::string>& values) {
    Varint(values.size());
    for (const std::string& value : values) String(value);
  }

  void Ints(const std::vector<std::int64_t>& values) {
    Varint(values.size());
    for (std::int64_t value : values) Int(value);
  }

  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

// Reads a blob front to back. The first failure is kept and every later
// read is a no-op that returns false, so a decoder reads field after field
// and asks Finish() once at the end.
class Reader {
 public:
  Reader(std::string_view blob, std::string_view kind_name)
      : in_(blob), kind_name_(kind_name) {}

  bool Header(unsigned char kind) {
    unsigned char version = 0;
    unsigned char found_kind = 0;
    if (!Byte("format version", &version)) return false;
    if (version != kRecordFormatVersion) {
      return Fail(absl::StrCat("unknown format version ", version));
    }
    if (!Byte("kind", &found_kind)) return false;
    if (found_kind != kind) {
      return Fail(absl::StrCat("kind byte ", found_kind, " expected ", kind));
    }
    return true;
  }

  bool Byte(std::string_view what, unsigned char* value) {
    if (!ok()) return false;
    if (pos_ >= in_.size()) return Truncated(what);
    *value = static_cast<unsigned char>(in_[pos_++]);
    return true;
  }

  bool Varint(std::string_view what, std::uint64_t* value) {
    if (!ok()) return false;
    std::uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) return Truncated(what);
      const auto byte = static_cast<unsigned char>(in_[pos_++]);
      // The tenth byte may only hold the top bit of a 64-bit value.
      if (shift == 63 && byte > 1) return Bad(what, "overflows 64 bits");
      result |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) {
        *value = result;
        return true;
      }
    }
    return Bad(what, "overflows 64 bits");
  }

  bool Int(std::string_view what, std::int64_t* value) {
    std::uint64_t bits = 0;
    if (!Varint(what, &bits)) return false;
    const std::uint64_t magnitude = bits >> 1;
    *value = static_cast<std::int64_t>((bits & 1) ? ~magnitude : magnitude);
    return true;
  }

  bool Int(std::string_view what, int* value) {
    std::int64_t wide = 0;
    if (!Int(what, &wide)) return false;
    if (wide < std::numeric_limits<int>::min() ||
        wide > std::numeric_limits<int>::max()) {
      return Bad(what, "is out of range");
    }
    *value = static_cast<int>(wide);
    return true;
  }

  bool Bool(std::string_view what, bool* value) {
    unsigned char byte = 0;
    if (!Byte(what, &byte)) return false;
    if (byte > 1) return Bad(what, "is not 0 or 1");
    *value = byte == 1;
    return true;
  }

  bool Double(std::string_view what, double* value) {
    if (!ok()) return false;
    if (in_.size() - pos_ < 8) return Truncated(what);
    std::uint64_t bits = 0;
    for (int i = 7; i >= 0; --i) {
      bits = (bits << 8) |
             static_cast<unsigned char>(in_[pos_ + static_cast<size_t>(i)]);
    }
    pos_ += 8;
    std::memcpy(value, &bits, sizeof(bits));
    return true;
  }

  bool String(std::string_view what, std::string* value) {
    std::uint64_t length = 0;
    if (!Varint(what, &length)) return false;
    if (length > in_.size() - pos_) return Truncated(what);
    value->assign(in_.data() + pos_, static_cast<size_t>(length));
    pos_ += static_cast<size_t>(length);
    return true;
  }

  // A list length. Every item takes at least one byte, so a count larger
  // than what is left is damage, caught before anything is allocated.
  bool Count(std::string_view what, size_t* count) {
    std::uint64_t value = 0;
    if (!Varint(what, &value)) return false;
    if (value > in_.size() - pos_) return Bad(what, "count runs past the end");
    *count = static_cast<size_t>(value);
    return true;
  }

  // A count, then that many items. Items are appended as they are read
  // rather than allocated up front, so a damaged count costs nothing.
  template <typename T, typename ReadItem>
  bool List(std::string_view what, std::vector<T>* values, ReadItem read_item) {
    size_t count = 0;
    if (!Count(what, &count)) return false;
    values->clear();
    for (size_t i = 0; i < count; ++i) {
      T item{};
      if (!read_item(&item)) return false;
      values->push_back(std::move(item));
    }
    return true;
  }

  bool Strings(std::string_view what, std::vector<std::string>* values) {
    return List(what, values,
                [&](std::string* value) { return String(what, value); });
  }

  bool Ints(std::string_view what, std::vector<std::int64_t>* values) {
    return List(what, values,
                [&](std::int64_t* value) { return Int(what, value); });
  }

  // A presence byte, then the value when present.
  template <typename T, typename ReadValue>
  bool Optional(std::string_view what, std::optional<T>* value,
                ReadValue read_value) {
    bool present = false;
    if (!Bool(what, &present)) return false;
    if (!present) {
      value->reset();
      return true;
    }
    value->emplace();
    return read_value(&**value);
  }

  // OK when every read succeeded and nothing is left over.
  absl::Status Finish() {
    if (ok() && pos_ != in_.size()) {
      Fail(absl::StrCat(in_.size() - pos_, " bytes left over"));
    }
    if (ok()) return absl::OkStatus();
    return absl::InternalError(error_);
  }

 private:
  bool ok() const { return error_.empty(); }

  bool Truncated(std::string_view what) {
    return Bad(what, "runs past the end");
  }

  bool Bad(std::string_view what, std::string_view why) {
    return Fail(absl::StrCat(AsAbsl(what), " ", AsAbsl(why)));
  }

  bool Fail(std::string_view why) {
    if (ok()) {
      error_ = absl::StrCat("corrupt ", AsAbsl(kind_name_),
                            " record: ", AsAbsl(why), " at byte ", pos_);
    }
    return false;
  }

  std::string_view in_;
  std::string_view kind_name_;
  size_t pos_ = 0;
  std::string error_;
};

void WriteUserFile(Writer& out, const UserFile& file) {
  out.String(file.key_name);
  out.String(file.filename);
  out.String(file.content);
  out.String(file.user_filename);
}

bool ReadUserFile(Reader& in, UserFile* file) {
  return in.String("user file keyName", &file->key_name) &&
         in.String("user file filename", &file->filename) &&
         in.String("user file content", &file->content) &&
         in.String("user file userFilename", &file->user_filename);
}

void WritePrincipals(Writer& out, const std::vector<Principals>& list) {
  out.Varint(list.size());
  for (const Principals& principals : list) {
    out.Ints(principals.profiles);
    out.Ints(principals.groups);
  }
}

bool ReadPrincipals(Reader& in, std::string_view what,
                    std::vector<Principals>* list) {
  return in.List(what, list, [&](Principals* principals) {
    return in.Ints(what, &principals->profiles) &&
           in.Ints(what, &principals->groups);
  });
}

void WriteSpec(Writer& out, const DataSourceSpec& spec) {
  out.Bool(spec.is_private.has_value());
  if (spec.is_private) out.Bool(*spec.is_private);
  out.String(spec.blob_handler_json);
  out.String(spec.blob_handler_type);
  out.String(spec.record_format);
  out.String(spec.type);
  out.String(spec.name);
  out.String(spec.sql_table_name);
  out.String(spec.organization);
  out.String(spec.category);
  out.String(spec.description);
  WritePrincipals(out, spec.owner);
  WritePrincipals(out, spec.expert);
  WritePrincipals(out, spec.ingest);
  out.Bool(spec.has_examples);
}

bool ReadSpec(Reader& in, DataSourceSpec* spec) {
  return in.Optional("private", &spec->is_private,
                     [&](bool* value) { return in.Bool("private", value); }) &&
         in.String("blobHandler", &spec->blob_handler_json) &&
         in.String("blobHandlerType", &spec->blob_handler_type) &&
         in.String("recordFormat", &spec->record_format) &&
         in.String("type", &spec->type) && in.String("name", &spec->name) &&
         in.String("sqlTableName", &spec->sql_table_name) &&
         in.String("organization", &spec->organization) &&
         in.String("category", &spec->category) &&
         in.String("description", &spec->description) &&
         ReadPrincipals(in, "owner", &spec->owner) &&
         ReadPrincipals(in, "expert", &spec->expert) &&
         ReadPrincipals(in, "ingest", &spec->ingest) &&
         in.Bool("hasExamples", &spec->has_examples);
}

void WriteSchemaEvolution(Writer& out, const SchemaEvolution& evolution) {
  out.Bool(evolution.owner_profile_id.has_value());
  if (evolution.owner_profile_id) out.Int(*evolution.owner_profile_id);
  out.Bool(evolution.disabled);
  out.Strings(evolution.schemas);
  out.String(evolution.name_template.name_format);
  out.String(evolution.name_template.table_format);
  out.String(evolution.name_template.sql_schema_name_format);
  out.String(evolution.name_template.schema_project_name_format);
}

bool ReadSchemaEvolution(Reader& in, SchemaEvolution* evolution) {
  NameTemplate& names = evolution->name_template;
  return in.Optional("ownerProfileId", &evolution->owner_profile_id,
                     [&](std::int64_t* value) {
                       return in.Int("ownerProfileId", value);
                     }) &&
         in.Bool("disabled", &evolution->disabled) &&
         in.Strings("schemas", &evolution->schemas) &&
         in.String("nameFormat", &names.name_format) &&
         in.String("tableFormat", &names.table_format) &&
         in.String("sqlSchemaNameFormat", &names.sql_schema_name_format) &&
         in.String("schemaProjectNameFormat",
                   &names.schema_project_name_format);
}

void WriteColumn(Writer& out, const Column& column) {
  out.String(column.name);
  out.String(column.data_type);
  out.String(column.remote_type);
  out.Bool(column.nullable);
  out.Bool(column.primary_key);
  out.Strings(column.tags);
}

bool ReadColumn(Reader& in, Column* column) {
  return in.String("column name", &column->name) &&
         in.String("column dataType", &column->data_type) &&
         in.String("column remoteType", &column->remote_type) &&
         in.Bool("column nullable", &column->nullable) &&
         in.Bool("column primary key", &column->primary_key) &&
         in.Strings("column tags", &column->tags);
}

}  // namespace

std::string EncodeHandlerMetadata(const HandlerMetadata& metadata) {
  Writer out(kHandlerMetadataKind);
  out.String(metadata.hostname);
  out.Int(metadata.port);
  out.String(metadata.database);
  out.String(metadata.schema);
  out.String(metadata.table);
  out.Bool(metadata.query.has_value());
  if (metadata.query) out.String(*metadata.query);
  out.String(metadata.username);
  out.String(metadata.password);
  out.Bool(metadata.ssl);
  out.Varint(metadata.user_files.size());
  for (const UserFile& file : metadata.user_files) WriteUserFile(out, file);
  out.String(metadata.connection_string_options);
  out.String(metadata.authentication_method);
  out.String(metadata.data_source_name);
  out.String(metadata.bodata_schema_name);
  out.String(metadata.bodata_table_name);
  out.String(metadata.schema_project_name);
  out.String(metadata.native_view_name);
  out.String(metadata.native_schema_name);
  out.String(metadata.native_workspace_name);
  out.Bool(metadata.stale_data_tolerance.has_value());
  if (metadata.stale_data_tolerance) {
    out.Double(*metadata.stale_data_tolerance);
  }
  out.Bool(metadata.columns.has_value());
  if (metadata.columns) out.Strings(*metadata.columns);
  return out.Take();
}

absl::Status DecodeHandlerMetadata(std::string_view blob,
                                   HandlerMetadata* metadata) {
  Reader in(blob, "handler metadata");
  HandlerMetadata& m = *metadata;
  in.Header(kHandlerMetadataKind);
  in.String("hostname", &m.hostname);
  in.Int("port", &m.port);
  in.String("database", &m.database);
  in.String("schema", &m.schema);
  in.String("table", &m.table);
  in.Optional("query", &m.query,
              [&](std::string* value) { return in.String("query", value); });
  in.String("username", &m.username);
  in.String("password", &m.password);
  in.Bool("ssl", &m.ssl);
  in.List("userFiles", &m.user_files,
          [&](UserFile* file) { return ReadUserFile(in, file); });
  in.String("connectionStringOptions", &m.connection_string_options);
  in.String("authenticationMethod", &m.authentication_method);
  in.String("dataSourceName", &m.data_source_name);
  in.String("bodataSchemaName", &m.bodata_schema_name);
  in.String("bodataTableName", &m.bodata_table_name);
  in.String("schemaProjectName", &m.schema_project_name);
  in.String("nativeViewName", &m.native_view_name);
  in.String("nativeSchemaName", &m.native_schema_name);
  in.String("nativeWorkspaceName", &m.native_workspace_name);
  in.Optional(
      "staleDataTolerance", &m.stale_data_tolerance,
      [&](double* value) { return in.Double("staleDataTolerance", value); });
  in.Optional("columns", &m.columns, [&](std::vector<std::string>* value) {
    return in.Strings("columns", value);
  });
  return in.Finish();
}

std::string EncodeDataSourceDetails(const DataSourceRecord& record) {
  Writer out(kDataSourceDetailsKind);
  WriteSpec(out, record.spec);
  out.Bool(record.schema_evolution.has_value());
  if (record.schema_evolution) {
    WriteSchemaEvolution(out, *record.schema_evolution);
  }
  out.String(record.policy_rules_json);
  return out.Take();
}

absl::Status DecodeDataSourceDetails(std::string_view blob,
                                     DataSourceRecord* record) {
  Reader in(blob, "data source details");
  in.Header(kDataSourceDetailsKind);
  ReadSpec(in, &record->spec);
  in.Optional(
      "schemaEvolution", &record->schema_evolution,
      [&](SchemaEvolution* value) { return ReadSchemaEvolution(in, value); });
  in.String("policyRules", &record->policy_rules_json);
  return in.Finish();
}

std::string EncodeDictionary(const std::vector<Column>& dictionary) {
  Writer out(kDictionaryKind);
  out.Varint(dictionary.size());
  for (const Column& column : dictionary) WriteColumn(out, column);
  return out.Take();
}

absl::Status DecodeDictionary(std::string_view blob,
                              std::vector<Column>* dictionary) {
  Reader in(blob, "dictionary");
  in.Header(kDictionaryKind);
  in.List("columns", dictionary,
          [&](Column* column) { return ReadColumn(in, column); });
  return in.Finish();
}

}  // namespace dsh::store
