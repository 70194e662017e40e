// The catalog of a PostgreSQL-wire database, read through libpqxx. This is
// the only file of the catalog area that sees libpqxx or libpq.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "catalog/dialect.h"
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
using catalog_internal::kNameColumn;
using catalog_internal::kNotNullColumn;
using catalog_internal::kPrimaryColumn;
using catalog_internal::kRequestColumn;
using catalog_internal::kSchemaColumn;
using catalog_internal::kTableColumn;
using catalog_internal::kTypeColumn;
using catalog_internal::QuotedTableName;
using catalog_internal::RelationKindOf;
using catalog_internal::ResolveTable;

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
    std::string path = (folder / "dsh-ca-XXXXXX").string();
    // mkstemp creates the file with mode 0600.
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
// a C string early.
absl::Status CheckSettings(const ConnectionSettings& settings) {
  const auto has_nul = [](const std::string& text) {
    return text.find('\0') != std::string::npos;
  };
  if (settings.host.empty()) {
    return absl::InvalidArgumentError("the host name is empty");
  }
  if (settings.host.front() == '/' || settings.host.front() == '@' ||
      settings.host.find(',') != std::string::npos || has_nul(settings.host)) {
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

// Every parameter that libpq would otherwise take from the environment or
// the home directory is given, so that only `settings` decide.
std::string Conninfo(const ConnectionSettings& settings,
                     const CatalogDialect& dialect, const CaFile* ca_file) {
  const int connect_timeout = settings.connect_timeout_seconds > 0
                                  ? settings.connect_timeout_seconds
                                  : kDefaultConnectTimeoutSeconds;
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

// libpq's text on one line, with anything secret taken out. libpq may echo
// parts of the conninfo it could not parse, so the password, in either
// spelling, and the conninfo itself are removed wherever they appear.
std::string ScrubSecrets(std::string_view text, const std::string& password,
                         const std::string& conninfo) {
  std::string out(absl::StripAsciiWhitespace(AsAbsl(text)));
  for (char& c : out) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  }
  out = absl::StrReplaceAll(out, {{"  ", " "}});
  if (!conninfo.empty()) out = absl::StrReplaceAll(out, {{conninfo, "***"}});
  if (!password.empty()) {
    std::string escaped;
    AppendParameter(escaped, "", password);
    escaped = escaped.substr(2, escaped.size() - 3);  // Drop =' and '.
    out = absl::StrReplaceAll(out, {{escaped, "***"}, {password, "***"}});
  }
  return out;
}

// Connection failures, told apart by libpq's and the server's text (a
// failed login carries no SQLSTATE through libpq).
absl::Status ConnectError(std::string_view raw,
                          const ConnectionSettings& settings,
                          const std::string& where,
                          const std::string& conninfo) {
  const std::string detail = ScrubSecrets(raw, settings.password, conninfo);
  const std::string lower = absl::AsciiStrToLower(detail);
  const auto says = [&lower](std::string_view phrase) {
    return absl::StrContains(lower, AsAbsl(phrase));
  };

  if (says("password authentication failed") || says("authentication failed") ||
      says("no password supplied") || says("pg_hba.conf") ||
      says("not permitted to log in") ||
      (says("role \"") && says("does not exist")) ||
      says("permission denied")) {
    return absl::PermissionDeniedError(
        absl::StrCat(where, " refused the login of user \"", settings.username,
                     "\": ", detail));
  }
  if (says("database \"") && says("does not exist")) {
    return absl::NotFoundError(absl::StrCat("database \"", settings.database,
                                            "\" does not exist at ", where,
                                            ": ", detail));
  }
  if (says("ssl") || says("certificate") || says("tls")) {
    return absl::UnavailableError(absl::StrCat(
        "cannot connect to ", where, " with TLS ",
        settings.ssl && !settings.ca_bundle_pem.empty()
            ? "verifying the server's certificate against the CA bundle"
            : "required",
        ": ", detail));
  }
  return absl::UnavailableError(
      absl::StrCat("cannot connect to ", where, ": ", detail));
}

bool IsTransient(std::string_view sqlstate) {
  // Connection exceptions, shutdowns, resource shortages, conflicts.
  return absl::StartsWith(AsAbsl(sqlstate), "08") ||
         absl::StartsWith(AsAbsl(sqlstate), "57P") ||
         absl::StartsWith(AsAbsl(sqlstate), "53") || sqlstate == "40001" ||
         sqlstate == "40P01";
}

class PostgresCatalog : public Catalog {
 public:
  PostgresCatalog(std::unique_ptr<pqxx::connection> connection,
                  const CatalogDialect& dialect, std::string where,
                  std::string password, int statement_timeout_ms)
      : connection_(std::move(connection)),
        dialect_(dialect),
        where_(std::move(where)),
        password_(std::move(password)),
        statement_timeout_ms_(statement_timeout_ms) {}

  absl::StatusOr<std::vector<TableDescription>> DescribeTables(
      absl::Span<const TableRef> tables) override {
    std::vector<TableDescription> out(tables.size());
    if (tables.empty()) return out;
    if (broken_) {
      return absl::UnavailableError(absl::StrCat(
          "the connection to ", where_, " was lost earlier; connect again"));
    }

    // A name holding a NUL byte cannot exist and cannot travel in a text
    // parameter: it is answered without asking.
    std::vector<size_t> asked;  // Index into `tables` of each request.
    std::vector<std::string> schemas;
    std::vector<std::string> names;
    for (size_t i = 0; i < tables.size(); ++i) {
      if (tables[i].schema.find('\0') != std::string::npos ||
          tables[i].table.find('\0') != std::string::npos) {
        continue;
      }
      asked.push_back(i);
      schemas.push_back(tables[i].schema);
      names.push_back(tables[i].table);
    }

    std::vector<Answer> answers(tables.size());
    if (!asked.empty()) {
      absl::Status read = Read(schemas, names, asked, answers);
      if (!read.ok()) return read;
    }

    for (size_t i = 0; i < tables.size(); ++i) {
      Answer& answer = answers[i];
      out[i].requested = tables[i];
      absl::StatusOr<size_t> pick =
          ResolveTable(tables[i], answer.candidates, where_);
      if (!pick.ok()) {
        out[i].status = pick.status();
        continue;
      }
      if (answer.chosen != *pick) {
        return absl::InternalError(absl::StrCat(
            "the catalog query of ", where_, " chose another relation for ",
            QuotedTableName(tables[i]), " than the resolution rules"));
      }
      out[i].resolved = answer.candidates[*pick];
      out[i].kind = answer.kind;
      out[i].columns = std::move(answer.columns);
    }
    return out;
  }

 private:
  // What the describe query says about one requested table.
  struct Answer {
    std::vector<TableRef> candidates;  // Matches ignoring ASCII case.
    std::optional<size_t> chosen;      // Index into `candidates`.
    RelationKind kind = RelationKind::kTable;
    std::vector<Column> columns;  // Of the chosen candidate.
  };

  // Runs the describe query once for every request and files its rows.
  absl::Status Read(const std::vector<std::string>& schemas,
                    const std::vector<std::string>& names,
                    const std::vector<size_t>& asked,
                    std::vector<Answer>& answers) {
    try {
      pqxx::nontransaction read(*connection_);
      const pqxx::result rows =
          read.exec_params(std::string(dialect_.describe_query),
                           ArrayLiteral(schemas), ArrayLiteral(names));
      for (const pqxx::row& row : rows) {
        absl::Status filed = File(row, asked, answers);
        if (!filed.ok()) return filed;
      }
      return absl::OkStatus();
    } catch (const pqxx::broken_connection& e) {
      broken_ = true;
      return absl::UnavailableError(
          absl::StrCat("lost the connection to ", where_, " reading ",
                       asked.size(), " tables: ", Scrub(e.what())));
    } catch (const pqxx::sql_error& e) {
      return QueryError(e, asked.size());
    } catch (const std::exception& e) {
      return absl::InternalError(absl::StrCat("reading the catalog of ", where_,
                                              " failed: ", Scrub(e.what())));
    }
  }

  absl::Status File(const pqxx::row& row, const std::vector<size_t>& asked,
                    std::vector<Answer>& answers) const {
    const auto request = row[kRequestColumn].as<size_t>();
    if (request < 1 || request > asked.size()) {
      return absl::InternalError(absl::StrCat("the catalog query of ", where_,
                                              " answered request ", request,
                                              " of ", asked.size()));
    }
    Answer& answer = answers[asked[request - 1]];
    TableRef relation{row[kSchemaColumn].as<std::string>(),
                      row[kTableColumn].as<std::string>()};
    std::vector<TableRef>& seen = answer.candidates;
    if (seen.empty() || !(seen.back() == relation)) {
      seen.push_back(std::move(relation));
      if (row[kChosenColumn].as<bool>()) {
        answer.chosen = seen.size() - 1;
        const std::string kind = row[kKindColumn].as<std::string>();
        const std::optional<RelationKind> known =
            RelationKindOf(kind.empty() ? '\0' : kind[0]);
        if (!known) {
          return absl::InternalError(absl::StrCat(
              "the catalog of ", where_, " returned relation kind \"", kind,
              "\" for ", QuotedTableName(seen.back())));
        }
        answer.kind = *known;
      }
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
    answer.columns.push_back(std::move(column));
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

  absl::Status QueryError(const pqxx::sql_error& e, size_t count) {
    const std::string& state = e.sqlstate();
    const std::string detail = Scrub(e.what());
    if (state == "57014") {
      return absl::DeadlineExceededError(
          absl::StrCat("reading ", count, " tables from the catalog of ",
                       where_, " took longer than the statement timeout of ",
                       statement_timeout_ms_, " ms: ", detail));
    }
    if (state == "42501") {
      return absl::PermissionDeniedError(absl::StrCat(
          where_, " refused to let this login read its catalog: ", detail));
    }
    if (IsTransient(state)) {
      return absl::UnavailableError(
          absl::StrCat("reading the catalog of ", where_, " failed: ", detail));
    }
    return absl::InternalError(absl::StrCat("reading the catalog of ", where_,
                                            " failed (SQLSTATE ", state,
                                            "): ", detail));
  }

  std::string Scrub(std::string_view text) const {
    return ScrubSecrets(text, password_, std::string());
  }

  // A text[] literal: every element double-quoted, with backslash and
  // double quote escaped, so that any name survives.
  static std::string ArrayLiteral(const std::vector<std::string>& items) {
    std::string literal = "{";
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0) literal += ',';
      literal += '"';
      for (char c : items[i]) {
        if (c == '"' || c == '\\') literal += '\\';
        literal += c;
      }
      literal += '"';
    }
    literal += '}';
    return literal;
  }

  std::unique_ptr<pqxx::connection> connection_;
  const CatalogDialect& dialect_;
  const std::string where_;
  const std::string password_;
  const int statement_timeout_ms_;
  // libpqxx would quietly reconnect a broken connection; a catalog does
  // not, since its TLS material is gone by then.
  bool broken_ = false;
};

class PostgresCatalogConnector : public CatalogConnector {
 public:
  absl::StatusOr<std::unique_ptr<Catalog>> Connect(
      const ConnectionSettings& settings) override {
    absl::Status valid = CheckSettings(settings);
    if (!valid.ok()) return valid;
    const std::string where =
        ConnectionString{settings.host, settings.port, settings.database}
            .ToString();
    const CatalogDialect& dialect = DialectFor(settings.technology);

    std::unique_ptr<CaFile> ca_file;
    if (settings.ssl && !settings.ca_bundle_pem.empty()) {
      absl::StatusOr<std::unique_ptr<CaFile>> written =
          CaFile::Write(settings.ca_bundle_pem);
      if (!written.ok()) return written.status();
      ca_file = *std::move(written);
    }
    const std::string conninfo = Conninfo(settings, dialect, ca_file.get());
    const int statement_timeout = settings.statement_timeout_ms > 0
                                      ? settings.statement_timeout_ms
                                      : kDefaultStatementTimeoutMs;
    try {
      auto connection = std::make_unique<pqxx::connection>(conninfo);
      return std::unique_ptr<Catalog>(
          new PostgresCatalog(std::move(connection), dialect, where,
                              settings.password, statement_timeout));
    } catch (const pqxx::broken_connection& e) {
      return ConnectError(e.what(), settings, where, conninfo);
    } catch (const std::exception& e) {
      return absl::UnavailableError(
          absl::StrCat("cannot connect to ", where, ": ",
                       ScrubSecrets(e.what(), settings.password, conninfo)));
    }
  }
};

}  // namespace

std::unique_ptr<CatalogConnector> NewPostgresCatalogConnector() {
  return std::make_unique<PostgresCatalogConnector>();
}

}  // namespace dsh
