// The catalog of a PostgreSQL-wire database, read through libpqxx. This is
// the only file of the catalog area that sees libpqxx or libpq.
#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <exception>
#include <filesystem>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <utility>
#include <vector>

#include <pqxx/pqxx>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "catalog/dialect.h"
#include "catalog/password_guard.h"
#include "catalog/resolution.h"
#include "dsh/catalog.h"
#include "model/absl_compat.h"

namespace dsh {
namespace {

using catalog_internal::CatalogDialect;
using catalog_internal::DialectFor;
using catalog_internal::kBaseColumn;
using catalog_internal::kBaseKindColumn;
using catalog_internal::kChosenColumn;
using catalog_internal::kKindColumn;
using catalog_internal::kListSchemaColumn;
using catalog_internal::kListTableColumn;
using catalog_internal::kNameColumn;
using catalog_internal::kNotNullColumn;
using catalog_internal::kPrimaryColumn;
using catalog_internal::kRequestColumn;
using catalog_internal::kSchemaColumn;
using catalog_internal::kTableColumn;
using catalog_internal::kTypeColumn;
using catalog_internal::MatchesIgnoringAsciiCase;
using catalog_internal::PasswordGuard;
using catalog_internal::QuotedTableName;
using catalog_internal::RelationKindOf;
using catalog_internal::ResolveTable;
using catalog_internal::Statement;

// A path that never exists, whoever runs us: a name below /dev/null fails
// with ENOTDIR, which libpq takes as "no such file". Giving it for every
// file libpq would otherwise look up in the home directory keeps
// ~/.postgresql and ~/.pgpass out of the connection.
constexpr std::string_view kNoFile = "/dev/null/dsh-none";

constexpr int kDefaultConnectTimeoutSeconds = 10;
constexpr int kDefaultStatementTimeoutMs = 30000;

// Appends `key='value'` in libpq's conninfo syntax.
void AppendParameter(std::string& conninfo, std::string_view key,
                     std::string_view value) {
  if (!conninfo.empty()) conninfo += ' ';
  conninfo.append(key.data(), key.size());
  conninfo += "='";
  for (char c : value) {
    if (c == '\\' || c == '\'') conninfo += '\\';
    conninfo += c;
  }
  conninfo += '\'';
}

// The CA bundle in a private temporary file, for libpq's sslrootcert. The
// file is removed when this goes away, right after the connection is made.
class CaFile {
 public:
  static absl::StatusOr<std::unique_ptr<CaFile>> Write(std::string_view pem) {
    std::error_code error;
    std::filesystem::path folder = std::filesystem::temp_directory_path(error);
    if (error) folder = "/tmp";
    // mkstemp replaces the six trailing Xs and creates the file with mode
    // 0600.
    std::string path = (folder / "dsh-ca-").string() + std::string(6, 'X');
    const int fd = mkstemp(path.data());
    if (fd < 0) {
      return absl::InternalError(
          absl::StrCat("cannot create a temporary file for the CA bundle in ",
                       folder.string(), ": ", std::strerror(errno)));
    }
    auto file = std::unique_ptr<CaFile>(new CaFile(path));
    size_t written = 0;
    while (written < pem.size()) {
      const ssize_t n = ::write(fd, pem.data() + written, pem.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const int saved = errno;
        ::close(fd);
        return absl::InternalError(
            absl::StrCat("cannot write the CA bundle to ", path, ": ",
                         std::strerror(saved)));
      }
      written += static_cast<size_t>(n);
    }
    if (::close(fd) != 0) {
      return absl::InternalError(absl::StrCat(
          "cannot write the CA bundle to ", path, ": ", std::strerror(errno)));
    }
    return file;
  }

  CaFile(const CaFile&) = delete;
  CaFile& operator=(const CaFile&) = delete;
  ~CaFile() { ::unlink(path_.c_str()); }

  const std::string& path() const { return path_; }

 private:
  explicit CaFile(std::string path) : path_(std::move(path)) {}

  std::string path_;
};

// Refuses settings that libpq would read as something else: an empty or
// slash-led host is a unix socket, a comma lists several hosts, a NUL ends
// a C string early. A host name holds no blanks either, which SqlStateIn
// relies on.
absl::Status CheckSettings(const ConnectionSettings& settings) {
  const auto has_nul = [](const std::string& text) {
    return text.find('\0') != std::string::npos;
  };
  if (settings.host.empty()) {
    return absl::InvalidArgumentError("the host name is empty");
  }
  const bool blank =
      std::any_of(settings.host.begin(), settings.host.end(), [](char c) {
        return absl::ascii_isspace(static_cast<unsigned char>(c)) ||
               absl::ascii_iscntrl(static_cast<unsigned char>(c));
      });
  if (settings.host.front() == '/' || settings.host.front() == '@' ||
      settings.host.find(',') != std::string::npos || blank) {
    return absl::InvalidArgumentError(
        absl::StrCat("host \"", absl::CEscape(settings.host),
                     "\" is not a host name or IP address"));
  }
  if (settings.port < 1 || settings.port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("port ", settings.port,
                                                   " of host ", settings.host,
                                                   " is not from 1 to 65535"));
  }
  if (settings.database.empty() || has_nul(settings.database)) {
    return absl::InvalidArgumentError(
        absl::StrCat("database name \"", absl::CEscape(settings.database),
                     "\" at ", settings.host, " is empty or holds a NUL byte"));
  }
  if (has_nul(settings.username)) {
    return absl::InvalidArgumentError(
        absl::StrCat("user name for ", settings.host, " holds a NUL byte"));
  }
  if (has_nul(settings.password)) {
    return absl::InvalidArgumentError(
        absl::StrCat("password for ", settings.host, " holds a NUL byte"));
  }
  return absl::OkStatus();
}

int ConnectTimeoutSeconds(const ConnectionSettings& settings) {
  return settings.connect_timeout_seconds > 0 ? settings.connect_timeout_seconds
                                              : kDefaultConnectTimeoutSeconds;
}

// Every parameter that libpq would otherwise take from the environment or
// the home directory is given, so that only `settings` decide.
std::string Conninfo(const ConnectionSettings& settings,
                     const CatalogDialect& dialect, const CaFile* ca_file) {
  const int connect_timeout = ConnectTimeoutSeconds(settings);
  const int statement_timeout = settings.statement_timeout_ms > 0
                                    ? settings.statement_timeout_ms
                                    : kDefaultStatementTimeoutMs;
  std::string conninfo;
  AppendParameter(conninfo, "host", settings.host);
  AppendParameter(conninfo, "hostaddr", "");
  AppendParameter(conninfo, "port", absl::StrCat(settings.port));
  AppendParameter(conninfo, "dbname", settings.database);
  AppendParameter(conninfo, "user", settings.username);
  AppendParameter(conninfo, "password", settings.password);
  AppendParameter(conninfo, "passfile", kNoFile);
  AppendParameter(conninfo, "connect_timeout", absl::StrCat(connect_timeout));
  AppendParameter(conninfo, "application_name", "dsh");
  AppendParameter(conninfo, "client_encoding", "UTF8");
  AppendParameter(conninfo, "options",
                  absl::StrCat("-c statement_timeout=", statement_timeout, " ",
                               AsAbsl(dialect.session_settings)));
  AppendParameter(conninfo, "target_session_attrs", "any");
  AppendParameter(conninfo, "gssencmode", "disable");
  AppendParameter(conninfo, "channel_binding", "prefer");
  if (!settings.ssl) {
    AppendParameter(conninfo, "sslmode", "disable");
  } else if (ca_file != nullptr) {
    AppendParameter(conninfo, "sslmode", "verify-full");
  } else {
    AppendParameter(conninfo, "sslmode", "require");
  }
  AppendParameter(
      conninfo, "sslrootcert",
      ca_file != nullptr ? std::string_view(ca_file->path()) : kNoFile);
  AppendParameter(conninfo, "sslcert", kNoFile);
  AppendParameter(conninfo, "sslkey", kNoFile);
  AppendParameter(conninfo, "sslcrl", kNoFile);
  AppendParameter(conninfo, "sslcrldir", kNoFile);
  AppendParameter(conninfo, "ssl_min_protocol_version", "TLSv1.2");
  return conninfo;
}

// libpq's text on one line.
std::string OneLine(std::string_view text) {
  std::string out(absl::StripAsciiWhitespace(AsAbsl(text)));
  for (char& c : out) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  }
  return absl::StrReplaceAll(out, {{"  ", " "}});
}

// A connection attempt that failed: libpq's text and, when the server
// refused the session, its SQLSTATE.
class ConnectFailure : public std::runtime_error {
 public:
  ConnectFailure(const std::string& text, std::string sqlstate, bool timed_out)
      : std::runtime_error(text),
        sqlstate_(std::move(sqlstate)),
        timed_out_(timed_out) {}

  const std::string& sqlstate() const { return sqlstate_; }
  bool timed_out() const { return timed_out_; }

 private:
  std::string sqlstate_;
  bool timed_out_;
};

// The server's SQLSTATE in libpq's verbose text, "FATAL:  28P01: ...":
// five digits or capitals between the severity's two spaces and a colon.
// The host, the only part of libpq's own words that the settings supply,
// holds no spaces (CheckSettings), so it cannot fake one.
std::string SqlStateIn(std::string_view text) {
  for (size_t at = text.find(":  "); at != std::string_view::npos;
       at = text.find(":  ", at + 1)) {
    const std::string_view rest = text.substr(at + 3);
    if (rest.size() < 7 || rest[5] != ':' || rest[6] != ' ') continue;
    const std::string_view code = rest.substr(0, 5);
    if (std::all_of(code.begin(), code.end(), [](char c) {
          return absl::ascii_isdigit(static_cast<unsigned char>(c)) ||
                 absl::ascii_isupper(static_cast<unsigned char>(c));
        })) {
      return std::string(code);
    }
  }
  return std::string();
}

// Verbose text without the lines it adds for people debugging the server.
std::string WithoutServerLocation(std::string_view text) {
  std::string out;
  for (absl::string_view line : absl::StrSplit(AsAbsl(text), '\n')) {
    if (absl::StartsWith(line, "LOCATION:") ||
        absl::StartsWith(line, "SCHEMA NAME:") ||
        absl::StartsWith(line, "TABLE NAME:") ||
        absl::StartsWith(line, "COLUMN NAME:") ||
        absl::StartsWith(line, "DATATYPE NAME:") ||
        absl::StartsWith(line, "CONSTRAINT NAME:")) {
      continue;
    }
    absl::StrAppend(&out, line, "\n");
  }
  return out;
}

// How a catalog session is opened: as PQconnectdb would, except that libpq
// is asked for verbose error text first, the only way it tells the
// SQLSTATE of a refused login. The SQLSTATE, not the text, then says what
// went wrong: the text quotes names and may be in the server's language.
class SessionPolicy : public pqxx::connectionpolicy {
 public:
  SessionPolicy(const std::string& conninfo, int timeout_seconds)
      : pqxx::connectionpolicy(conninfo), timeout_seconds_(timeout_seconds) {}

  handle do_startconnect(handle conn) override {
    if (conn != nullptr) return conn;
    // libpqxx would quietly reconnect a broken connection; a catalog does
    // not, since its TLS material is gone by then.
    if (connected_) {
      throw pqxx::broken_connection("the connection was lost earlier");
    }
    conn = PQconnectStart(options().c_str());
    if (conn == nullptr) throw std::bad_alloc();
    PQsetErrorVerbosity(conn, PQERRORS_VERBOSE);

    // libpq leaves the timeout to whoever polls.
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::seconds(timeout_seconds_);
    PostgresPollingStatusType state = PQstatus(conn) == CONNECTION_BAD
                                          ? PGRES_POLLING_FAILED
                                          : PGRES_POLLING_WRITING;
    while (state == PGRES_POLLING_READING || state == PGRES_POLLING_WRITING) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        PQfinish(conn);
        throw ConnectFailure(
            absl::StrCat("no answer within ", timeout_seconds_,
                         timeout_seconds_ == 1 ? " second" : " seconds"),
            std::string(), /*timed_out=*/true);
      }
      pollfd wait = {
          PQsocket(conn),
          static_cast<short>(state == PGRES_POLLING_READING ? POLLIN : POLLOUT),
          0};
      if (wait.fd >= 0) {
        const int ready = ::poll(
            &wait, 1,
            static_cast<int>(std::min<int64_t>(left.count(), 1000 * 60 * 60)));
        if (ready == 0 || (ready < 0 && errno == EINTR)) continue;
      }
      state = PQconnectPoll(conn);
    }
    if (state != PGRES_POLLING_OK) {
      const std::string text = PQerrorMessage(conn);
      PQfinish(conn);
      throw ConnectFailure(text, SqlStateIn(text), /*timed_out=*/false);
    }
    PQsetErrorVerbosity(conn, PQERRORS_DEFAULT);
    connected_ = true;
    return conn;
  }

 private:
  const int timeout_seconds_;
  bool connected_ = false;
};

// A libpqxx connection opened by SessionPolicy.
class Session : public pqxx::connection_base {
 public:
  Session(const std::string& conninfo, int timeout_seconds)
      : pqxx::connection_base(policy_), policy_(conninfo, timeout_seconds) {
    init();
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session() { close(); }

 private:
  SessionPolicy policy_;
};

// A failed connection attempt as a status, told apart by the server's
// SQLSTATE when it sent one and otherwise by libpq's text, both looked at
// as they came. The message is then screened as a whole.
absl::Status ConnectError(const ConnectFailure& failure,
                          const ConnectionSettings& settings,
                          const std::string& where,
                          const catalog_internal::PasswordGuard& guard) {
  const std::string raw = failure.what();
  const std::string detail = OneLine(WithoutServerLocation(raw));
  const std::string& state = failure.sqlstate();
  const std::string lower = absl::AsciiStrToLower(detail);
  const auto says = [&lower](std::string_view phrase) {
    return absl::StrContains(lower, AsAbsl(phrase));
  };
  const auto screened = [&](absl::Status status, std::string_view fixed) {
    return guard.Shows(raw) ? absl::Status(status.code(), guard.Fixed(fixed))
                            : guard.Screen(status, fixed);
  };

  if (absl::StartsWith(AsAbsl(state), "28") || state == "42501" ||
      (state.empty() && says("no password supplied"))) {
    return screened(absl::PermissionDeniedError(
                        absl::StrCat(where, " refused the login of user \"",
                                     settings.username, "\": ", detail)),
                    catalog_internal::FixedConnectMessage(
                        absl::StatusCode::kPermissionDenied));
  }
  if (state == "3D000") {
    return screened(
        absl::NotFoundError(absl::StrCat("database \"", settings.database,
                                         "\" does not exist at ", where, ": ",
                                         detail)),
        catalog_internal::FixedConnectMessage(absl::StatusCode::kNotFound));
  }
  if (failure.timed_out()) {
    return screened(absl::UnavailableError(absl::StrCat("cannot connect to ",
                                                        where, ": ", detail)),
                    "the server of this connection did not answer in time");
  }
  if (state.empty() && (says("ssl") || says("certificate") || says("tls"))) {
    return screened(
        absl::UnavailableError(absl::StrCat(
            "cannot connect to ", where, " with TLS ",
            settings.ssl && !settings.ca_bundle_pem.empty()
                ? "verifying the server's certificate against the CA bundle"
                : "required",
            ": ", detail)),
        "cannot connect to the server of this connection with TLS");
  }
  return screened(
      absl::UnavailableError(
          absl::StrCat("cannot connect to ", where, ": ", detail)),
      catalog_internal::FixedConnectMessage(absl::StatusCode::kUnavailable));
}

bool IsTransient(std::string_view sqlstate) {
  // Connection exceptions, shutdowns, resource shortages, conflicts.
  return absl::StartsWith(AsAbsl(sqlstate), "08") ||
         absl::StartsWith(AsAbsl(sqlstate), "57P") ||
         absl::StartsWith(AsAbsl(sqlstate), "53") || sqlstate == "40001" ||
         sqlstate == "40P01";
}

// The SQLSTATE of a failed statement. libpqxx 6 drops it from the
// exceptions it raises as subclasses of sql_error, so for those the
// subclass tells the class of the state instead.
std::string SqlState(const pqxx::sql_error& e) {
  if (!e.sqlstate().empty()) return e.sqlstate();
  if (dynamic_cast<const pqxx::insufficient_privilege*>(&e) != nullptr) {
    return "42501";
  }
  if (dynamic_cast<const pqxx::disk_full*>(&e) != nullptr) return "53100";
  if (dynamic_cast<const pqxx::out_of_memory*>(&e) != nullptr) return "53200";
  if (dynamic_cast<const pqxx::insufficient_resources*>(&e) != nullptr) {
    return "53000";
  }
  if (dynamic_cast<const pqxx::undefined_function*>(&e) != nullptr) {
    return "42883";
  }
  if (dynamic_cast<const pqxx::undefined_table*>(&e) != nullptr) {
    return "42P01";
  }
  if (dynamic_cast<const pqxx::feature_not_supported*>(&e) != nullptr) {
    return "0A000";
  }
  return std::string();
}

// How a database of `technology` is called in a message.
std::string_view ProductName(Technology technology) {
  return technology == Technology::kRedshift ? "Redshift" : "PostgreSQL";
}

// A name folded as unquoted identifiers are: ASCII letters only.
std::string FoldAscii(std::string_view name) {
  std::string folded(name);
  for (char& c : folded) c = absl::ascii_tolower(static_cast<unsigned char>(c));
  return folded;
}

class PostgresCatalog : public Catalog {
 public:
  PostgresCatalog(std::unique_ptr<Session> connection,
                  const CatalogDialect& dialect, std::string where,
                  PasswordGuard guard, int statement_timeout_ms)
      : connection_(std::move(connection)),
        dialect_(dialect),
        where_(std::move(where)),
        guard_(std::move(guard)),
        statement_timeout_ms_(statement_timeout_ms) {}

  absl::StatusOr<std::vector<TableDescription>> DescribeTables(
      absl::Span<const TableRef> tables) override {
    absl::StatusOr<std::vector<TableDescription>> described =
        DescribeAll(tables);
    if (!described.ok()) return guard_.ScreenRead(described.status());
    for (TableDescription& description : *described) {
      description.status = guard_.ScreenRead(description.status);
    }
    return described;
  }

  absl::StatusOr<std::vector<TableRef>> ListTables(
      absl::Span<const std::string> schemas) override {
    absl::StatusOr<std::vector<TableRef>> listed = ListAll(schemas);
    if (!listed.ok()) return guard_.ScreenRead(listed.status());
    return listed;
  }

 private:
  // One relation a describe statement returned.
  struct Relation {
    size_t request = 0;  // 1-based; 0 when it answers any request.
    TableRef name;
    char kind = '\0';
    std::optional<bool> chosen;  // The statement's own pick, when it picks.
    std::vector<Column> columns;
  };

  // DescribeTables, with messages not yet screened.
  absl::StatusOr<std::vector<TableDescription>> DescribeAll(
      absl::Span<const TableRef> tables) {
    std::vector<TableDescription> out(tables.size());
    if (tables.empty()) return out;
    if (broken_) return Broken();

    // A name the database cannot store is answered without asking.
    std::vector<size_t> asked;  // Index into `tables` of each request.
    for (size_t i = 0; i < tables.size(); ++i) {
      out[i].requested = tables[i];
      absl::Status storable = CheckStorable(tables[i]);
      if (storable.ok()) {
        asked.push_back(i);
      } else {
        out[i].status = std::move(storable);
      }
    }

    const size_t chunk = dialect_.max_names_per_statement;
    for (size_t from = 0; from < asked.size(); from += chunk) {
      const size_t to = std::min(asked.size(), from + chunk);
      std::vector<TableRef> requests;
      std::vector<TableDescription*> answers;
      for (size_t k = from; k < to; ++k) {
        requests.push_back(tables[asked[k]]);
        answers.push_back(&out[asked[k]]);
      }
      absl::Status read = Describe(requests, answers);
      if (!read.ok()) return read;
    }
    return out;
  }

  // ListTables, with messages not yet screened.
  absl::StatusOr<std::vector<TableRef>> ListAll(
      absl::Span<const std::string> schemas) {
    if (schemas.empty()) return std::vector<TableRef>();
    if (broken_) return Broken();

    // A schema no relation can live in is left out of the question.
    std::vector<std::string> asked;
    absl::flat_hash_set<std::string> seen;
    for (const std::string& schema : schemas) {
      if (schema.find('\0') != std::string::npos ||
          schema.size() > dialect_.max_name_bytes ||
          !seen.insert(schema).second) {
        continue;
      }
      asked.push_back(schema);
    }

    std::vector<TableRef> out;
    const size_t chunk = dialect_.max_names_per_statement;
    for (size_t from = 0; from < asked.size(); from += chunk) {
      const size_t to = std::min(asked.size(), from + chunk);
      const absl::Span<const std::string> part(asked.data() + from, to - from);
      absl::StatusOr<pqxx::result> rows =
          Run(dialect_.list(part),
              absl::StrCat("listing the relations of ", part.size(),
                           part.size() == 1 ? " schema" : " schemas"));
      if (!rows.ok()) return rows.status();
      for (const pqxx::row& row : *rows) {
        out.push_back({row[kListSchemaColumn].as<std::string>(),
                       row[kListTableColumn].as<std::string>()});
      }
    }

    // Byte order, which no server collation can change.
    const auto order = [](const TableRef& a, const TableRef& b) {
      return std::tie(a.schema, a.table) < std::tie(b.schema, b.table);
    };
    std::sort(out.begin(), out.end(), order);
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  absl::Status Broken() const {
    return absl::UnavailableError(absl::StrCat(
        "the connection to ", where_, " was lost earlier; connect again"));
  }

  // NotFound for a name that cannot be stored: one holding a NUL byte, or
  // one longer than the database keeps (PostgreSQL would cut it short
  // when it is created, so no relation has it).
  absl::Status CheckStorable(const TableRef& table) const {
    if (table.schema.find('\0') != std::string::npos ||
        table.table.find('\0') != std::string::npos) {
      return ResolveTable(table, {}, where_).status();
    }
    const bool schema_long = table.schema.size() > dialect_.max_name_bytes;
    if (!schema_long && table.table.size() <= dialect_.max_name_bytes) {
      return absl::OkStatus();
    }
    return absl::NotFoundError(absl::StrCat(
        "remote table ", QuotedTableName(table), " does not exist in ", where_,
        ": its ", schema_long ? "schema" : "table", " name is ",
        (schema_long ? table.schema : table.table).size(), " bytes long, and ",
        AsAbsl(ProductName(dialect_.technology)), " keeps names of at most ",
        dialect_.max_name_bytes, " bytes"));
  }

  // Runs one describe statement for `requests` and fills `answers`, one
  // per request.
  absl::Status Describe(const std::vector<TableRef>& requests,
                        const std::vector<TableDescription*>& answers) {
    absl::StatusOr<pqxx::result> rows =
        Run(dialect_.describe(requests),
            absl::StrCat("reading ", requests.size(),
                         requests.size() == 1 ? " table" : " tables"));
    if (!rows.ok()) return rows.status();

    std::vector<Relation> relations;
    for (const pqxx::row& row : *rows) {
      absl::Status filed = File(row, requests.size(), relations);
      if (!filed.ok()) return filed;
    }

    // Which relations may answer each request.
    std::vector<std::vector<size_t>> per_request(requests.size());
    absl::flat_hash_map<std::pair<std::string, std::string>,
                        std::vector<size_t>>
        by_folded_name;
    for (size_t r = 0; r < relations.size(); ++r) {
      const Relation& relation = relations[r];
      if (relation.request > 0) {
        per_request[relation.request - 1].push_back(r);
      } else {
        by_folded_name[{FoldAscii(relation.name.schema),
                        FoldAscii(relation.name.table)}]
            .push_back(r);
      }
    }

    for (size_t i = 0; i < requests.size(); ++i) {
      std::vector<size_t> candidates = per_request[i];
      const auto found = by_folded_name.find(
          {FoldAscii(requests[i].schema), FoldAscii(requests[i].table)});
      if (found != by_folded_name.end()) {
        candidates.insert(candidates.end(), found->second.begin(),
                          found->second.end());
      }
      absl::Status answered =
          Answer(requests[i], candidates, relations, *answers[i]);
      if (!answered.ok()) return answered;
    }
    return absl::OkStatus();
  }

  // Adds one row of a describe statement to `relations`.
  absl::Status File(const pqxx::row& row, size_t requests,
                    std::vector<Relation>& relations) const {
    const size_t request =
        row[kRequestColumn].is_null() ? 0 : row[kRequestColumn].as<size_t>();
    if (request > requests) {
      return absl::InternalError(absl::StrCat("the catalog query of ", where_,
                                              " answered request ", request,
                                              " of ", requests));
    }
    TableRef name{row[kSchemaColumn].as<std::string>(),
                  row[kTableColumn].as<std::string>()};
    const std::string kind_text = row[kKindColumn].as<std::string>();
    const char kind = kind_text.size() == 1 ? kind_text[0] : '\0';
    if (relations.empty() || relations.back().request != request ||
        !(relations.back().name == name) || relations.back().kind != kind) {
      Relation relation;
      relation.request = request;
      relation.name = std::move(name);
      relation.kind = kind;
      if (!row[kChosenColumn].is_null()) {
        relation.chosen = row[kChosenColumn].as<bool>();
      }
      relations.push_back(std::move(relation));
    }
    if (row[kNameColumn].is_null()) return absl::OkStatus();

    Column column;
    column.name = row[kNameColumn].as<std::string>();
    column.remote_type = row[kTypeColumn].as<std::string>();
    column.nullable = !row[kNotNullColumn].as<bool>();
    column.primary_key = row[kPrimaryColumn].as<bool>();
    column.data_type =
        GovernedType(row[kBaseColumn].as<std::string>(std::string()),
                     row[kBaseKindColumn].as<std::string>(std::string()));
    relations.back().columns.push_back(std::move(column));
    return absl::OkStatus();
  }

  // Applies the resolution rules to the relations the statement found for
  // `requested` (indices into `relations`) and writes the description.
  absl::Status Answer(const TableRef& requested,
                      const std::vector<size_t>& found,
                      const std::vector<Relation>& relations,
                      TableDescription& answer) const {
    // The server's lower() may fold more than ASCII letters; the rules
    // fold those alone.
    std::vector<const Relation*> candidates;
    std::vector<TableRef> names;
    for (size_t r : found) {
      if (MatchesIgnoringAsciiCase(requested, relations[r].name)) {
        candidates.push_back(&relations[r]);
        names.push_back(relations[r].name);
      }
    }
    absl::StatusOr<size_t> pick = ResolveTable(requested, names, where_);
    if (!pick.ok()) {
      answer.status = pick.status();
      return absl::OkStatus();
    }

    const Relation& relation = *candidates[*pick];
    if (relation.chosen.has_value() && !*relation.chosen) {
      return absl::InternalError(absl::StrCat(
          "the catalog query of ", where_, " chose another relation for ",
          QuotedTableName(requested), " than the resolution rules"));
    }
    const std::optional<RelationKind> kind = RelationKindOf(relation.kind);
    if (!kind) {
      return absl::InternalError(
          absl::StrCat("the catalog of ", where_, " returned relation kind \"",
                       absl::CEscape(std::string(1, relation.kind)), "\" for ",
                       QuotedTableName(relation.name)));
    }
    answer.resolved = relation.name;
    answer.kind = *kind;
    answer.columns = relation.columns;
    return absl::OkStatus();
  }

  // The family of a column's type, seen through its domains: an enum reads
  // as text, a composite as json. Empty when the type is not in the table,
  // so that whoever maps the dictionary warns about it.
  std::string GovernedType(const std::string& base,
                           const std::string& base_kind) const {
    if (base_kind == "e" || base_kind == "r" || base_kind == "m") {
      return "text";
    }
    if (base_kind == "c") return "json";
    TypeMapping mapping = MapRemoteType(dialect_.technology, base);
    return mapping.known ? std::move(mapping.data_type) : std::string();
  }

  // Runs `statement` in a read of its own. `what` ("reading 3 tables")
  // goes into every error.
  absl::StatusOr<pqxx::result> Run(const Statement& statement,
                                   const std::string& what) {
    try {
      pqxx::nontransaction read(*connection_);
      return read.exec_params(
          statement.text,
          pqxx::prepare::make_dynamic_params(statement.parameters));
    } catch (const pqxx::broken_connection& e) {
      broken_ = true;
      return absl::UnavailableError(absl::StrCat("lost the connection to ",
                                                 where_, " ", what, ": ",
                                                 OneLine(e.what())));
    } catch (const pqxx::sql_error& e) {
      return QueryError(SqlState(e), OneLine(e.what()), what);
    } catch (const pqxx::deadlock_detected& e) {
      return QueryError("40P01", OneLine(e.what()), what);
    } catch (const pqxx::serialization_failure& e) {
      return QueryError("40001", OneLine(e.what()), what);
    } catch (const std::exception& e) {
      return absl::InternalError(absl::StrCat(what, " from the catalog of ",
                                              where_,
                                              " failed: ", OneLine(e.what())));
    }
  }

  absl::Status QueryError(const std::string& state, const std::string& detail,
                          const std::string& what) {
    if (state == "57014") {
      return absl::DeadlineExceededError(
          absl::StrCat(what, " from the catalog of ", where_,
                       " took longer than the statement timeout of ",
                       statement_timeout_ms_, " ms: ", detail));
    }
    if (state == "42501") {
      return absl::PermissionDeniedError(
          absl::StrCat(where_, " refused to let this login read its catalog (",
                       what, "): ", detail));
    }
    if (IsTransient(state)) {
      // The server ends the session after these; libpqxx may only notice
      // on the next call.
      if (absl::StartsWith(AsAbsl(state), "57P") ||
          absl::StartsWith(AsAbsl(state), "08")) {
        broken_ = true;
      }
      return absl::UnavailableError(absl::StrCat(what, " from the catalog of ",
                                                 where_, " failed: ", detail));
    }
    if ((state == "42883" || state == "42P01") &&
        dialect_.technology == Technology::kRedshift) {
      return absl::FailedPreconditionError(absl::StrCat(
          where_,
          " lacks Redshift's pg_get_late_binding_view_cols() or "
          "svv_external_columns, so it is no Redshift cluster; read a "
          "PostgreSQL server with the postgresql technology (",
          what, "): ", detail));
    }
    return absl::InternalError(absl::StrCat(
        what, " from the catalog of ", where_, " failed (SQLSTATE ",
        state.empty() ? "unknown" : state, "): ", detail));
  }

  std::unique_ptr<Session> connection_;
  const CatalogDialect& dialect_;
  const std::string where_;
  // Every message that leaves passes it.
  const PasswordGuard guard_;
  const int statement_timeout_ms_;
  // Set once the connection is lost: later calls fail at once rather than
  // ask libpqxx, which would try to reconnect (SessionPolicy refuses).
  bool broken_ = false;
};

class PostgresCatalogConnector : public CatalogConnector {
 public:
  // Every message is screened by a PasswordGuard: the settings' names may
  // equal the password.
  absl::StatusOr<std::unique_ptr<Catalog>> Connect(
      const ConnectionSettings& settings) override {
    const PasswordGuard guard(settings);
    const auto fixed = [&guard](const absl::Status& status) {
      return guard.Screen(status,
                          catalog_internal::FixedConnectMessage(status.code()));
    };
    absl::Status valid = CheckSettings(settings);
    if (!valid.ok()) return fixed(valid);
    const std::string where =
        ConnectionString{settings.host, settings.port, settings.database}
            .ToString();
    const CatalogDialect& dialect = DialectFor(settings.technology);

    std::unique_ptr<CaFile> ca_file;
    if (settings.ssl && !settings.ca_bundle_pem.empty()) {
      absl::StatusOr<std::unique_ptr<CaFile>> written =
          CaFile::Write(settings.ca_bundle_pem);
      if (!written.ok()) return fixed(written.status());
      ca_file = *std::move(written);
    }
    const std::string conninfo = Conninfo(settings, dialect, ca_file.get());
    const int statement_timeout = settings.statement_timeout_ms > 0
                                      ? settings.statement_timeout_ms
                                      : kDefaultStatementTimeoutMs;
    try {
      auto connection =
          std::make_unique<Session>(conninfo, ConnectTimeoutSeconds(settings));
      return std::unique_ptr<Catalog>(new PostgresCatalog(
          std::move(connection), dialect, where, guard, statement_timeout));
    } catch (const ConnectFailure& e) {
      return ConnectError(e, settings, where, guard);
    } catch (const pqxx::broken_connection& e) {
      return ConnectError(ConnectFailure(e.what(), std::string(), false),
                          settings, where, guard);
    } catch (const std::exception& e) {
      // Whatever the text holds, it is screened whole, never edited.
      return fixed(absl::UnavailableError(
          absl::StrCat("cannot connect to ", where, ": ", OneLine(e.what()))));
    }
  }
};

}  // namespace

std::unique_ptr<CatalogConnector> NewPostgresCatalogConnector() {
  return std::make_unique<PostgresCatalogConnector>();
}

}  // namespace dsh
