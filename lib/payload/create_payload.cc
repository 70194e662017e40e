#include "payload/create_payload.h"

#include <simdjson.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <new>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "model/absl_compat.h"
#include "payload/host_name.h"
#include "payload/json_pointer.h"
#include "payload/json_syntax.h"
#include "payload/json_writer.h"

namespace dsh::payload {
namespace {

namespace dom = simdjson::dom;

constexpr char kIsRequired[] = "is required";
constexpr char kMustBeString[] = "must be a string";
constexpr char kMustNotBeEmpty[] = "must not be empty";
constexpr char kMustBeBoolean[] = "must be a boolean";
constexpr char kMustBeNumber[] = "must be a number";
constexpr char kMustBeObject[] = "must be an object";
constexpr char kMustBeArray[] = "must be an array";
constexpr char kMustBePort[] = "must be an integer from 1 to 65535";
constexpr char kMustBeId[] = "must be a positive integer";
constexpr char kMustBeObjects[] = "must be an object or an array of objects";
constexpr char kMustBeType[] = R"(must be "queryable" or "ingested")";
constexpr char kTooLong[] = "must be at most 255 characters";
constexpr char kSqlCharacters[] =
    "must contain only lower-case letters, digits and _";
constexpr char kSqlNameCharacters[] = "abcdefghijklmnopqrstuvwxyz0123456789_";
constexpr std::size_t kMaxSqlName = 255;
constexpr char kSupportedAuthentication[] = "userPassword";

enum class Need { kOptional, kRequired };

// What reading one member found. kInvalid means a problem was recorded.
enum class Read { kAbsent, kInvalid, kOk };

bool IsNumber(dom::element value) {
  const dom::element_type type = value.type();
  return type == dom::element_type::INT64 ||
         type == dom::element_type::UINT64 || type == dom::element_type::DOUBLE;
}

// The value of an integer element that fits in int64. simdjson gives the
// UINT64 type only to integers above INT64_MAX, which no field accepts.
std::optional<std::int64_t> AsInt64(dom::element value) {
  std::int64_t number = 0;
  if (value.type() != dom::element_type::INT64 ||
      value.get_int64().get(number) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  return number;
}

// Views of an element whose type the caller has checked.
dom::array ArrayOf(dom::element value) {
  return value.get_array().value_unsafe();
}
dom::object ObjectOf(dom::element value) {
  return value.get_object().value_unsafe();
}

// Re-serialises a validated value compactly, keeping every member.
void WriteElement(JsonWriter& writer, dom::element value) {
  switch (value.type()) {
    case dom::element_type::ARRAY:
      writer.BeginArray();
      for (dom::element entry : ArrayOf(value)) WriteElement(writer, entry);
      writer.EndArray();
      return;
    case dom::element_type::OBJECT:
      writer.BeginObject();
      for (dom::key_value_pair member : ObjectOf(value)) {
        writer.Key(member.key);
        WriteElement(writer, member.value);
      }
      writer.EndObject();
      return;
    case dom::element_type::INT64:
      writer.Int(value.get_int64().value_unsafe());
      return;
    case dom::element_type::UINT64:
      writer.Uint(value.get_uint64().value_unsafe());
      return;
    case dom::element_type::DOUBLE:
      writer.Double(value.get_double().value_unsafe());
      return;
    case dom::element_type::STRING:
      writer.String(value.get_string().value_unsafe());
      return;
    case dom::element_type::BOOL:
      writer.Bool(value.get_bool().value_unsafe());
      return;
    case dom::element_type::NULL_VALUE:
      writer.Null();
      return;
  }
}

std::string CompactJson(dom::element value) {
  JsonWriter writer;
  WriteElement(writer, value);
  return std::move(writer).Take();
}

// simdjson's DOM keeps every member of an object, so a repeated key is
// found here, in text order, rather than silently shadowing the first.
bool HasRepeatedKey(dom::element value) {
  if (value.type() == dom::element_type::ARRAY) {
    for (dom::element entry : ArrayOf(value)) {
      if (HasRepeatedKey(entry)) return true;
    }
  } else if (value.type() == dom::element_type::OBJECT) {
    absl::flat_hash_set<std::string_view> keys;
    for (dom::key_value_pair member : ObjectOf(value)) {
      if (!keys.insert(member.key).second) return true;
      if (HasRepeatedKey(member.value)) return true;
    }
  }
  return false;
}

absl::Status Malformed(std::string_view json, simdjson::error_code error) {
  if (error == simdjson::MEMALLOC) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "out of memory parsing a payload of ", json.size(), " bytes"));
  }
  if (error == simdjson::CAPACITY) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a payload of ", json.size(), " bytes is too large to parse"));
  }
  if (std::optional<JsonSyntaxError> found = FindJsonSyntaxError(json)) {
    return MalformedJson(found->offset, std::move(found->message));
  }
  // Not reached while the scanner refuses all that simdjson refuses (the
  // payload tests compare the two); the end is the least wrong place.
  return MalformedJson(json.size(), simdjson::error_message(error));
}

// One JSON object of the payload and its pointer. Reads record a problem
// for a member of the wrong type and for a required member that is absent;
// a member whose value is null counts as absent.
class ObjectReader {
 public:
  ObjectReader(dom::object object, std::string pointer,
               std::vector<Problem>* problems)
      : object_(object), pointer_(std::move(pointer)), problems_(problems) {}

  const std::string& pointer() const { return pointer_; }

  std::string PointerOf(std::string_view key) const {
    return PointerChild(pointer_, key);
  }

  void Report(std::string_view key, std::string message) const {
    problems_->push_back(Problem{PointerOf(key), std::move(message)});
  }

  std::optional<dom::element> Find(std::string_view key, Need need) const {
    dom::element value;
    if (object_.at_key(key).get(value) != simdjson::SUCCESS ||
        value.is_null()) {
      if (need == Need::kRequired) Report(key, kIsRequired);
      return std::nullopt;
    }
    return value;
  }

  Read String(std::string_view key, Need need, std::string* out) const {
    const std::optional<dom::element> value = Find(key, need);
    if (!value) return Read::kAbsent;
    std::string_view text;
    if (value->get_string().get(text) != simdjson::SUCCESS) {
      Report(key, kMustBeString);
      return Read::kInvalid;
    }
    out->assign(text);
    return Read::kOk;
  }

  Read NonEmptyString(std::string_view key, Need need, std::string* out) const {
    const Read read = String(key, need, out);
    if (read == Read::kOk && out->empty()) {
      Report(key, kMustNotBeEmpty);
      return Read::kInvalid;
    }
    return read;
  }

  Read Bool(std::string_view key, Need need, bool* out) const {
    const std::optional<dom::element> value = Find(key, need);
    if (!value) return Read::kAbsent;
    if (value->get_bool().get(*out) != simdjson::SUCCESS) {
      Report(key, kMustBeBoolean);
      return Read::kInvalid;
    }
    return Read::kOk;
  }

  // The member as an object of its own, or nullopt (with a problem when it
  // is there but is not an object).
  std::optional<ObjectReader> Object(std::string_view key, Need need) const {
    const std::optional<dom::element> value = Find(key, need);
    if (!value) return std::nullopt;
    dom::object object;
    if (value->get_object().get(object) != simdjson::SUCCESS) {
      Report(key, kMustBeObject);
      return std::nullopt;
    }
    return ObjectReader(object, PointerOf(key), problems_);
  }

  // A string that must name a SQL object: at most 255 of [a-z0-9_].
  void SqlName(std::string_view key, Need need, std::string* out) const {
    if (String(key, need, out) != Read::kOk) return;
    if (out->find_first_not_of(kSqlNameCharacters) != std::string::npos) {
      Report(key, kSqlCharacters);
    }
    if (out->size() > kMaxSqlName) Report(key, kTooLong);
  }

 private:
  dom::object object_;
  std::string pointer_;
  std::vector<Problem>* problems_;
};

// The members every handler of one request must agree on, in the form in
// which they are compared; nullopt where the handler's own value already
// has a problem, so that one mistake is not reported twice.
enum ConnectionField : std::size_t { kHost, kPort, kDatabase, kUsername };
constexpr std::array<std::string_view, 4> kConnectionKeys = {
    "hostname", "port", "database", "username"};
using ConnectionFields = std::array<std::optional<std::string>, 4>;

class CreateParser {
 public:
  explicit CreateParser(const ParseOptions& options) : options_(options) {
    result_.request.technology = options.technology;
  }

  ParsedCreate Parse(dom::element root) && {
    dom::object object;
    if (root.get_object().get(object) != simdjson::SUCCESS) {
      Add("", kMustBeObject);
      return std::move(result_);
    }
    const ObjectReader reader(object, "", &result_.problems);
    ParseHandlers(reader);
    CheckOneConnection();
    ParseDataSource(reader);
    ParseSchemaEvolution(reader);
    ParsePolicyRules(reader);
    WarnStaleDataTolerance();
    return std::move(result_);
  }

  ParsedUpdate ParseUpdate(dom::element root) && {
    ParsedUpdate update;
    std::optional<ObjectReader> metadata = HandlerMetadataOf(root);
    if (metadata) {
      ConnectionFields connection;
      update.metadata = ParseMetadata(*metadata, connection);
      update.password_given =
          metadata->Find("password", Need::kOptional).has_value();
    }
    if (dom::object object;
        root.get_object().get(object) == simdjson::SUCCESS) {
      ObjectReader(object, "", &result_.problems)
          .NonEmptyString("connectionString", Need::kRequired,
                          &update.connection_string);
    }
    WarnStaleDataTolerance();
    update.warnings = std::move(result_.warnings);
    update.problems = std::move(result_.problems);
    return update;
  }

  ParsedBulk ParseBulk(dom::element root) && {
    ParsedBulk bulk;
    std::optional<ObjectReader> metadata = HandlerMetadataOf(root);
    if (metadata) {
      ConnectionFields connection;
      bulk.metadata = ParseConnection(*metadata, connection);
      bulk.password_given =
          metadata->Find("password", Need::kOptional).has_value();
    }
    if (dom::object object;
        root.get_object().get(object) == simdjson::SUCCESS) {
      ObjectReader(object, "", &result_.problems)
          .NonEmptyString("connectionString", Need::kRequired,
                          &bulk.connection_string);
    }
    bulk.problems = std::move(result_.problems);
    return bulk;
  }

 private:
  // `/handler/metadata` of an update or bulk body, which names one handler.
  std::optional<ObjectReader> HandlerMetadataOf(dom::element root) {
    dom::object object;
    if (root.get_object().get(object) != simdjson::SUCCESS) {
      Add("", kMustBeObject);
      return std::nullopt;
    }
    const ObjectReader reader(object, "", &result_.problems);
    const std::optional<ObjectReader> handler =
        reader.Object("handler", Need::kRequired);
    if (!handler) return std::nullopt;
    return handler->Object("metadata", Need::kRequired);
  }

  void Add(std::string pointer, std::string message) {
    result_.problems.push_back(Problem{std::move(pointer), std::move(message)});
  }

  void ParseHandlers(const ObjectReader& root) {
    const std::optional<dom::element> handler =
        root.Find("handler", Need::kRequired);
    if (!handler) return;
    const std::string pointer = root.PointerOf("handler");
    if (handler->is_object()) {
      ParseHandler(*handler, pointer);
      return;
    }
    dom::array array;
    if (handler->get_array().get(array) != simdjson::SUCCESS) {
      Add(pointer, "must be an array of objects or an object");
      return;
    }
    if (array.size() == 0) {
      Add(pointer, kMustNotBeEmpty);
      return;
    }
    std::size_t index = 0;
    for (dom::element entry : array) {
      ParseHandler(entry, PointerChild(pointer, index++));
    }
  }

  void ParseHandler(dom::element entry, const std::string& pointer) {
    dom::object object;
    if (entry.get_object().get(object) != simdjson::SUCCESS) {
      Add(pointer, kMustBeObject);
      return;
    }
    const ObjectReader handler(object, pointer, &result_.problems);
    const std::optional<ObjectReader> metadata =
        handler.Object("metadata", Need::kRequired);
    if (!metadata) return;
    ConnectionFields connection;
    result_.request.handlers.push_back(ParseMetadata(*metadata, connection));
    result_.handler_pointers.push_back(pointer);
    connections_.push_back(std::move(connection));
    metadata_pointers_.push_back(metadata->pointer());
  }

  HandlerMetadata ParseMetadata(const ObjectReader& md,
                                ConnectionFields& connection) {
    HandlerMetadata m = ParseConnection(md, connection);
    // A query-backed source names no table; any `query` member, even a
    // broken one, lifts the requirement so that one mistake is one problem.
    const bool has_query = md.Find("query", Need::kOptional).has_value();
    std::string query;
    if (md.NonEmptyString("query", Need::kOptional, &query) == Read::kOk) {
      m.query = std::move(query);
    }
    const Need table_need = has_query ? Need::kOptional : Need::kRequired;
    md.NonEmptyString("schema", table_need, &m.schema);
    md.NonEmptyString("table", table_need, &m.table);
    md.String("connectionStringOptions", Need::kOptional,
              &m.connection_string_options);
    md.NonEmptyString("dataSourceName", Need::kOptional, &m.data_source_name);
    md.SqlName("bodataSchemaName", Need::kOptional, &m.bodata_schema_name);
    md.SqlName("bodataTableName", Need::kOptional, &m.bodata_table_name);
    md.String("schemaProjectName", Need::kOptional, &m.schema_project_name);
    md.String("nativeViewName", Need::kOptional, &m.native_view_name);
    md.String("nativeSchemaName", Need::kOptional, &m.native_schema_name);
    md.String("nativeWorkspaceName", Need::kOptional, &m.native_workspace_name);
    ParseStaleDataTolerance(md, m);
    ParseColumns(md, m);
    return m;
  }

  // The members that say how to reach the database: what a bulk change
  // replaces.
  HandlerMetadata ParseConnection(const ObjectReader& md,
                                  ConnectionFields& connection) {
    HandlerMetadata m;
    if (md.String("hostname", Need::kRequired, &m.hostname) == Read::kOk) {
      if (std::optional<std::string> problem = HostnameProblem(m.hostname)) {
        md.Report("hostname", std::move(*problem));
      } else {
        connection[kHost] = HostComparisonForm(m.hostname);
      }
    }
    if (std::optional<int> port = ParsePort(md, m)) {
      connection[kPort] = absl::StrCat(*port);
    }
    if (md.NonEmptyString("database", Need::kRequired, &m.database) ==
        Read::kOk) {
      connection[kDatabase] = m.database;
    }
    if (md.String("username", Need::kOptional, &m.username) != Read::kInvalid) {
      connection[kUsername] = m.username;
    }
    md.String("password", Need::kOptional, &m.password);
    md.Bool("ssl", Need::kOptional, &m.ssl);
    ParseUserFiles(md, m);
    ParseAuthenticationMethod(md, m);
    return m;
  }

  // Fills `m.port` (the technology's default when absent); the port when it
  // is usable, nullopt when it has a problem.
  std::optional<int> ParsePort(const ObjectReader& md, HandlerMetadata& m) {
    m.port = DefaultPort(options_.technology);
    const std::optional<dom::element> value = md.Find("port", Need::kOptional);
    if (!value) return m.port;
    const std::optional<std::int64_t> port = AsInt64(*value);
    if (!port || *port < 1 || *port > 65535) {
      md.Report("port", kMustBePort);
      return std::nullopt;
    }
    m.port = static_cast<int>(*port);
    return m.port;
  }

  void ParseAuthenticationMethod(const ObjectReader& md, HandlerMetadata& m) {
    if (md.String("authenticationMethod", Need::kOptional,
                  &m.authentication_method) != Read::kOk) {
      return;
    }
    if (!m.authentication_method.empty() &&
        m.authentication_method != kSupportedAuthentication) {
      // The value is not quoted: no message echoes a payload string, in
      // case a secret was put into the wrong field.
      md.Report("authenticationMethod",
                absl::StrCat("unsupported authentication method; only \"",
                             kSupportedAuthentication, "\" is supported"));
    }
  }

  void ParseStaleDataTolerance(const ObjectReader& md, HandlerMetadata& m) {
    const std::optional<dom::element> value =
        md.Find("staleDataTolerance", Need::kOptional);
    if (!value) return;
    double seconds = 0;
    if (!IsNumber(*value) ||
        value->get_double().get(seconds) != simdjson::SUCCESS) {
      md.Report("staleDataTolerance", kMustBeNumber);
      return;
    }
    m.stale_data_tolerance = seconds;
    stale_pointers_.push_back(md.PointerOf("staleDataTolerance"));
  }

  void ParseUserFiles(const ObjectReader& md, HandlerMetadata& m) {
    const std::optional<dom::element> value =
        md.Find("userFiles", Need::kOptional);
    if (!value) return;
    dom::array files;
    if (value->get_array().get(files) != simdjson::SUCCESS) {
      md.Report("userFiles", kMustBeArray);
      return;
    }
    const std::string pointer = md.PointerOf("userFiles");
    absl::flat_hash_map<std::string, std::string> key_pointers;
    std::size_t index = 0;
    for (dom::element entry : files) {
      const std::string entry_pointer = PointerChild(pointer, index++);
      dom::object object;
      if (entry.get_object().get(object) != simdjson::SUCCESS) {
        Add(entry_pointer, kMustBeObject);
        continue;
      }
      const ObjectReader file_reader(object, entry_pointer, &result_.problems);
      UserFile file;
      if (file_reader.NonEmptyString("keyName", Need::kRequired,
                                     &file.key_name) == Read::kOk) {
        const std::string key_pointer = file_reader.PointerOf("keyName");
        const auto [first, inserted] =
            key_pointers.emplace(file.key_name, key_pointer);
        if (!inserted) {
          Add(key_pointer,
              absl::StrCat("repeats the keyName of ", first->second));
        }
      }
      file_reader.String("filename", Need::kOptional, &file.filename);
      file_reader.NonEmptyString("content", Need::kRequired, &file.content);
      file_reader.String("userFilename", Need::kOptional, &file.user_filename);
      m.user_files.push_back(std::move(file));
    }
  }

  void ParseColumns(const ObjectReader& md, HandlerMetadata& m) {
    const std::optional<dom::element> value =
        md.Find("columns", Need::kOptional);
    if (!value) return;
    dom::array entries;
    if (value->get_array().get(entries) != simdjson::SUCCESS) {
      md.Report("columns", kMustBeArray);
      return;
    }
    if (entries.size() == 0) {
      md.Report("columns", kMustNotBeEmpty);
      return;
    }
    const std::string pointer = md.PointerOf("columns");
    absl::flat_hash_map<std::string, std::string> name_pointers;
    std::vector<std::string> names;
    std::size_t index = 0;
    for (dom::element entry : entries) {
      const std::string entry_pointer = PointerChild(pointer, index++);
      std::string name;
      std::string name_pointer = entry_pointer;
      if (entry.is_string()) {
        name.assign(entry.get_string().value_unsafe());
      } else if (entry.is_object()) {
        const ObjectReader column(ObjectOf(entry), entry_pointer,
                                  &result_.problems);
        if (column.String("name", Need::kRequired, &name) != Read::kOk) {
          continue;
        }
        name_pointer = column.PointerOf("name");
      } else {
        Add(entry_pointer, R"(must be a string or an object with a "name")");
        continue;
      }
      if (name.empty()) {
        Add(name_pointer, kMustNotBeEmpty);
        continue;
      }
      if (name.find('|') != std::string::npos) {
        Add(name_pointer, R"(must not contain "|")");
      }
      const auto [first, inserted] = name_pointers.emplace(name, name_pointer);
      if (!inserted) {
        Add(name_pointer,
            absl::StrCat("repeats the column name of ", first->second));
      }
      names.push_back(std::move(name));
    }
    m.columns = std::move(names);
  }

  void CheckOneConnection() {
    for (std::size_t field = 0; field < kConnectionKeys.size(); ++field) {
      std::optional<std::size_t> reference;
      for (std::size_t i = 0; i < connections_.size(); ++i) {
        const std::optional<std::string>& value = connections_[i][field];
        if (!value) continue;
        if (!reference) {
          reference = i;
          continue;
        }
        if (*value == *connections_[*reference][field]) continue;
        Add(PointerChild(metadata_pointers_[i], kConnectionKeys[field]),
            absl::StrCat("differs from ",
                         PointerChild(metadata_pointers_[*reference],
                                      kConnectionKeys[field]),
                         "; the handlers of one request must share one "
                         "connection"));
      }
    }
  }

  void ParseDataSource(const ObjectReader& root) {
    const std::optional<ObjectReader> ds =
        root.Object("dataSource", Need::kRequired);
    if (!ds) return;
    DataSourceSpec& spec = result_.request.data_source;
    // The seed's required list; compatible mode asks only for what the
    // vendor's own example always sends and dsh needs to decide anything.
    const Need seed_required =
        options_.strict ? Need::kRequired : Need::kOptional;

    bool is_private = true;
    if (ds->Bool("private", seed_required, &is_private) == Read::kOk) {
      spec.is_private = is_private;
    }
    ParseBlobHandler(*ds, seed_required);
    ParseBlobHandlerType(*ds);
    ds->String("recordFormat", seed_required, &spec.record_format);
    ParseType(*ds);
    ds->NonEmptyString("name", seed_required, &spec.name);
    ds->SqlName("sqlTableName", seed_required, &spec.sql_table_name);
    ds->NonEmptyString("organization", seed_required, &spec.organization);
    ds->String("category", Need::kOptional, &spec.category);
    ds->String("description", Need::kOptional, &spec.description);
    spec.owner = ParsePrincipalsList(*ds, "owner");
    spec.expert = ParsePrincipalsList(*ds, "expert");
    spec.ingest = ParsePrincipalsList(*ds, "ingest");
    ds->Bool("hasExamples", Need::kOptional, &spec.has_examples);
  }

  void ParseBlobHandler(const ObjectReader& ds, Need need) {
    const std::optional<dom::element> value = ds.Find("blobHandler", need);
    if (!value) return;
    const std::string pointer = ds.PointerOf("blobHandler");
    if (value->is_object()) {
      CheckBlobHandler(ObjectOf(*value), pointer);
    } else if (value->is_array()) {
      const dom::array entries = ArrayOf(*value);
      if (entries.size() == 0) Add(pointer, kMustNotBeEmpty);
      std::size_t index = 0;
      for (dom::element entry : entries) {
        const std::string entry_pointer = PointerChild(pointer, index++);
        if (entry.is_object()) {
          CheckBlobHandler(ObjectOf(entry), entry_pointer);
        } else {
          Add(entry_pointer, kMustBeObject);
        }
      }
    } else {
      Add(pointer, kMustBeObjects);
      return;
    }
    result_.request.data_source.blob_handler_json = CompactJson(*value);
  }

  void CheckBlobHandler(dom::object object, const std::string& pointer) {
    const ObjectReader handler(object, pointer, &result_.problems);
    std::string text;
    handler.String("scheme", Need::kRequired, &text);
    handler.String("url", Need::kRequired, &text);
  }

  void ParseBlobHandlerType(const ObjectReader& ds) {
    std::string& type = result_.request.data_source.blob_handler_type;
    if (ds.String("blobHandlerType", Need::kRequired, &type) != Read::kOk) {
      return;
    }
    const std::string_view expected =
        options_.technology == Technology::kRedshift ? "Redshift"
                                                     : "PostgreSQL";
    if (type != expected) {
      ds.Report("blobHandlerType",
                absl::StrCat("must be \"", AsAbsl(expected),
                             "\" to match the technology ",
                             AsAbsl(TechnologyName(options_.technology))));
    }
  }

  void ParseType(const ObjectReader& ds) {
    const std::optional<dom::element> value = ds.Find("type", Need::kRequired);
    if (!value) return;
    std::string_view type;
    if (value->get_string().get(type) != simdjson::SUCCESS ||
        (type != "queryable" && type != "ingested")) {
      ds.Report("type", kMustBeType);
      return;
    }
    result_.request.data_source.type.assign(type);
  }

  std::vector<Principals> ParsePrincipalsList(const ObjectReader& ds,
                                              std::string_view key) {
    std::vector<Principals> list;
    const std::optional<dom::element> value = ds.Find(key, Need::kOptional);
    if (!value) return list;
    const std::string pointer = ds.PointerOf(key);
    if (value->is_object()) {
      list.push_back(ParsePrincipals(ObjectOf(*value), pointer));
    } else if (value->is_array()) {
      std::size_t index = 0;
      for (dom::element entry : ArrayOf(*value)) {
        const std::string entry_pointer = PointerChild(pointer, index++);
        if (entry.is_object()) {
          list.push_back(ParsePrincipals(ObjectOf(entry), entry_pointer));
        } else {
          Add(entry_pointer, kMustBeObject);
        }
      }
    } else {
      Add(pointer, kMustBeObjects);
    }
    return list;
  }

  Principals ParsePrincipals(dom::object object, const std::string& pointer) {
    const ObjectReader reader(object, pointer, &result_.problems);
    Principals principals;
    principals.profiles = ParseIds(reader, "profiles");
    principals.groups = ParseIds(reader, "groups");
    return principals;
  }

  std::vector<std::int64_t> ParseIds(const ObjectReader& reader,
                                     std::string_view key) {
    std::vector<std::int64_t> ids;
    const std::optional<dom::element> value = reader.Find(key, Need::kOptional);
    if (!value) return ids;
    dom::array entries;
    if (value->get_array().get(entries) != simdjson::SUCCESS) {
      reader.Report(key, "must be an array of positive integers");
      return ids;
    }
    const std::string pointer = reader.PointerOf(key);
    std::size_t index = 0;
    for (dom::element entry : entries) {
      const std::optional<std::int64_t> id = AsInt64(entry);
      if (!id || *id <= 0) {
        Add(PointerChild(pointer, index), kMustBeId);
      } else {
        ids.push_back(*id);
      }
      ++index;
    }
    return ids;
  }

  void ParseSchemaEvolution(const ObjectReader& root) {
    const std::optional<ObjectReader> se =
        root.Object("schemaEvolution", Need::kOptional);
    if (!se) return;
    SchemaEvolution evolution;
    if (const std::optional<dom::element> owner =
            se->Find("ownerProfileId", Need::kOptional)) {
      const std::optional<std::int64_t> id = AsInt64(*owner);
      if (!id || *id <= 0) {
        se->Report("ownerProfileId", kMustBeId);
      } else {
        evolution.owner_profile_id = *id;
      }
    }
    se->Bool("disabled", Need::kOptional, &evolution.disabled);
    ParseSchemas(*se, evolution);
    if (const std::optional<ObjectReader> config =
            se->Object("config", Need::kOptional)) {
      if (const std::optional<ObjectReader> names =
              config->Object("nameTemplate", Need::kOptional)) {
        NameTemplate& t = evolution.name_template;
        names->String("nameFormat", Need::kOptional, &t.name_format);
        names->String("tableFormat", Need::kOptional, &t.table_format);
        names->String("sqlSchemaNameFormat", Need::kOptional,
                      &t.sql_schema_name_format);
        names->String("schemaProjectNameFormat", Need::kOptional,
                      &t.schema_project_name_format);
      }
    }
    result_.request.schema_evolution = std::move(evolution);
  }

  void ParseSchemas(const ObjectReader& se, SchemaEvolution& evolution) {
    const std::optional<dom::element> value =
        se.Find("schemas", Need::kOptional);
    if (!value) return;
    dom::array entries;
    if (value->get_array().get(entries) != simdjson::SUCCESS) {
      se.Report("schemas", kMustBeArray);
      return;
    }
    const std::string pointer = se.PointerOf("schemas");
    std::size_t index = 0;
    for (dom::element entry : entries) {
      std::string_view schema;
      if (entry.get_string().get(schema) != simdjson::SUCCESS) {
        Add(PointerChild(pointer, index), kMustBeString);
      } else {
        evolution.schemas.emplace_back(schema);
      }
      ++index;
    }
  }

  void ParsePolicyRules(const ObjectReader& root) {
    const std::optional<dom::element> value =
        root.Find("policyRules", Need::kOptional);
    if (!value) return;
    if (!value->is_array()) {
      root.Report("policyRules", kMustBeArray);
      return;
    }
    result_.request.policy_rules_json = CompactJson(*value);
  }

  // One warning for the request, not one per handler: the field is a
  // habit of the client that sent it, and a hundred identical lines would
  // bury anything else the response says.
  void WarnStaleDataTolerance() {
    if (stale_pointers_.empty()) return;
    std::string message = "staleDataTolerance is deprecated and has no effect";
    if (stale_pointers_.size() > 1) {
      absl::StrAppend(&message, " (given in ", stale_pointers_.size(),
                      " handlers)");
    }
    result_.warnings.push_back(
        Warning{"deprecated_field", stale_pointers_.front(), message});
  }

  const ParseOptions& options_;
  ParsedCreate result_;
  // Per parsed handler, in payload order.
  std::vector<ConnectionFields> connections_;
  std::vector<std::string> metadata_pointers_;
  std::vector<std::string> stale_pointers_;
};

// Parses `json` into a DOM and hands its root to `read`, turning syntax
// errors and repeated keys into MalformedJson.
template <typename Read>
auto ParseDocument(std::string_view json, Read read)
    -> absl::StatusOr<decltype(read(std::declval<dom::element>()))> {
  // simdjson reports failure by error code; only an allocation can throw.
  try {
    if (json.empty()) return Malformed(json, simdjson::EMPTY);
    dom::parser parser;
    dom::element root;
    const simdjson::error_code error =
        parser.parse(json.data(), json.size()).get(root);
    if (error != simdjson::SUCCESS || HasRepeatedKey(root)) {
      return Malformed(json, error);
    }
    return read(root);
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "out of memory parsing a payload of ", json.size(), " bytes"));
  }
}

}  // namespace

absl::StatusOr<ParsedCreate> ParseCreateRequest(std::string_view json,
                                                const ParseOptions& options) {
  return ParseDocument(json, [&](dom::element root) {
    return CreateParser(options).Parse(root);
  });
}

absl::StatusOr<ParsedUpdate> ParseUpdateRequest(std::string_view json,
                                                const ParseOptions& options) {
  return ParseDocument(json, [&](dom::element root) {
    return CreateParser(options).ParseUpdate(root);
  });
}

absl::StatusOr<ParsedBulk> ParseBulkRequest(std::string_view json,
                                            const ParseOptions& options) {
  return ParseDocument(json, [&](dom::element root) {
    return CreateParser(options).ParseBulk(root);
  });
}

absl::StatusOr<ParsedDetectChanges> ParseDetectChangesRequest(
    std::string_view json) {
  const bool blank = json.find_first_not_of(" \t\r\n") == json.npos;
  if (blank) return ParsedDetectChanges();
  return ParseDocument(json, [&](dom::element root) {
    ParsedDetectChanges request;
    dom::object object;
    if (root.get_object().get(object) != simdjson::SUCCESS) {
      request.problems.push_back({"", kMustBeObject});
      return request;
    }
    const ObjectReader reader(object, "", &request.problems);
    const std::optional<dom::element> ids =
        reader.Find("dataSourceIds", Need::kOptional);
    if (!ids) return request;
    dom::array entries;
    if (ids->get_array().get(entries) != simdjson::SUCCESS) {
      reader.Report("dataSourceIds", kMustBeArray);
      return request;
    }
    request.data_source_ids.emplace();
    std::size_t index = 0;
    for (dom::element entry : entries) {
      const std::optional<std::int64_t> id = AsInt64(entry);
      if (!id || *id < 1) {
        request.problems.push_back(
            {PointerChild(reader.PointerOf("dataSourceIds"), index),
             kMustBeId});
      } else {
        request.data_source_ids->push_back(*id);
      }
      ++index;
    }
    return request;
  });
}

}  // namespace dsh::payload
