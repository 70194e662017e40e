// dsh: the command-line face of the dsh library. Responses go to stdout as
// JSON; errors go to stderr as JSON, with an exit status that tells bad
// input, not found and an unreachable database apart.

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dsh/dsh.h"

namespace {

// Exit statuses, documented in `dsh --help` and docs/cli.md.
enum ExitCode {
  kOk = 0,
  kFailure = 1,      // Anything else: a bug, a corrupt store.
  kUsage = 2,        // The command line itself is wrong.
  kBadInput = 3,     // The payload or request is refused.
  kNotFound = 4,     // No such handler, data source or remote table.
  kUnavailable = 5,  // The database or the store cannot be reached.
};

constexpr char kMainHelp[] =
    R"(usage: dsh [--registry FILE] [--technology redshift|postgresql]
           [--strict] [--case-sensitive] [--verbose] COMMAND [ARGS]

Registers database tables as governed data sources.

commands:
  create PAYLOAD.json       create data sources from a payload ("-": stdin)
  get HANDLER_ID            read a handler, its data source and dictionary
  validate PAYLOAD.json     check a payload without touching any database
  update HANDLER_ID BODY    replace a handler's metadata
  bulk BODY.json            move every handler of a connection elsewhere
  refresh [--all | ID...]   read dictionaries again and report changes
  detect-changes [BODY]     refresh and follow monitored schemas
  dictionary DATA_SOURCE_ID read a data source's dictionary
  delete DATA_SOURCE_ID     remove a data source and its handler

options:
  --registry FILE         the SQLite registry file (default ./dsh.db)
  --technology NAME       redshift (default) or postgresql
  --strict                require every field the vendor marks required
  --case-sensitive        Redshift identifiers are case-sensitive
  --verbose               log what dsh does to stderr

Responses are JSON on stdout. Errors are JSON on stderr, and the exit status
says what kind: 2 usage, 3 refused input, 4 not found, 5 database or
registry unavailable, 1 anything else.
Run "dsh COMMAND --help" for a command's own help.
)";

const std::map<std::string, std::string>& CommandHelp() {
  static const auto* help = new std::map<std::string, std::string>{
      {"create",
       R"(usage: dsh [OPTIONS] create PAYLOAD.json

Reads a create payload (the POST /{technology}/handler body), describes its
tables through the database's catalog, and registers one data source per
table. Duplicate tables are skipped with a warning. Prints the create
response: ids, connectionString, warnings and each data source's dictionary.
Nothing is written when the request is refused.
)"},
      {"get",
       R"(usage: dsh [OPTIONS] get HANDLER_ID [--skip-cache]

Prints a handler (never its password), its data source and its dictionary.
With --skip-cache the dictionary is read from the database now and saved.
)"},
      {"update",
       R"(usage: dsh [OPTIONS] update HANDLER_ID BODY.json [--skip-cache]

Replaces a handler's whole metadata (PUT /{technology}/handler/{id}). BODY is
{"handler": {"metadata": {...}}, "connectionString": "host:port/database"};
a left-out password keeps the stored one, and a left-out "columns" keeps the
dictionary. Prints {id, ca, columns}.
)"},
      {"bulk",
       R"(usage: dsh [OPTIONS] bulk BODY.json

Moves every handler of one connection to new connection settings in one
step (PUT /{technology}/bulk). BODY is {"connectionString": OLD, "handler":
{"metadata": {hostname, port, database, username, password, ssl}}}. Prints
{bulkId, connectionString, jobsCreated}.
)"},
      {"refresh",
       R"(usage: dsh [OPTIONS] refresh (--all | HANDLER_ID...)

Reads the dictionaries of the given handlers (or all) from their databases
again, one round trip per connection, and prints what changed: added and
retyped columns are tagged New, removed ones leave the dictionary, and a
table that is gone marks its data source unhealthy. A failed read changes
nothing. Progress goes to stderr when it is a terminal.
)"},
      {"detect-changes",
       R"(usage: dsh [OPTIONS] detect-changes [BODY.json]

PUT /dataSource/detectRemoteChanges: refreshes the data sources BODY selects
({"dataSourceIds": [...]}; all without a body) and, where schemaEvolution is
enabled, registers new tables of the monitored schemas and disables data
sources whose table is gone. Prints a summary of every change.
)"},
      {"dictionary",
       R"(usage: dsh [OPTIONS] dictionary DATA_SOURCE_ID

Prints a data source's stored dictionary (GET /dictionary/{id}).
)"},
      {"delete",
       R"(usage: dsh [OPTIONS] delete DATA_SOURCE_ID

Removes a data source and its handler (DELETE /dataSource/{id}); the table
can then be registered again.
)"},
      {"validate",
       R"(usage: dsh [OPTIONS] validate PAYLOAD.json

Checks a payload against every rule that needs no database: prints the
connection string and the warnings it would get, or every problem found,
each with its JSON Pointer. Touches neither the registry nor the database.
)"},
  };
  return *help;
}

struct CommandLine {
  std::string registry_path = "dsh.db";
  dsh::Technology technology = dsh::Technology::kRedshift;
  bool strict = false;
  bool case_sensitive = false;
  bool verbose = false;
  bool skip_cache = false;
  bool all = false;
  bool help = false;
  std::string command;
  std::vector<std::string> arguments;
};

// Parses argv; options may come before or after the command.
std::optional<CommandLine> ParseCommandLine(int argc, char** argv,
                                            std::string& error) {
  CommandLine line;
  bool options_done = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (options_done || arg == "--") {
      if (arg == "--" && !options_done) {
        options_done = true;
      } else if (line.command.empty()) {
        line.command = arg;
      } else {
        line.arguments.push_back(arg);
      }
      continue;
    }
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= argc) {
        error = arg + " needs a value";
        return std::nullopt;
      }
      return std::string(argv[++i]);
    };
    if (arg == "--help" || arg == "-h") {
      line.help = true;
    } else if (arg == "--registry") {
      std::optional<std::string> path = value();
      if (!path) return std::nullopt;
      line.registry_path = *path;
    } else if (arg == "--technology") {
      std::optional<std::string> name = value();
      if (!name) return std::nullopt;
      std::optional<dsh::Technology> technology = dsh::ParseTechnology(*name);
      if (!technology) {
        error = "--technology must be redshift or postgresql, not " + *name;
        return std::nullopt;
      }
      line.technology = *technology;
    } else if (arg == "--strict") {
      line.strict = true;
    } else if (arg == "--case-sensitive") {
      line.case_sensitive = true;
    } else if (arg == "--verbose") {
      line.verbose = true;
    } else if (arg == "--skip-cache") {
      line.skip_cache = true;
    } else if (arg == "--all") {
      line.all = true;
    } else if (arg.size() > 1 && arg[0] == '-' && arg != "-") {
      error = "unknown option " + arg;
      return std::nullopt;
    } else if (line.command.empty()) {
      line.command = arg;
    } else {
      line.arguments.push_back(arg);
    }
  }
  return line;
}

int ExitCodeFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kUnimplemented:
    case absl::StatusCode::kFailedPrecondition:
      return kBadInput;
    case absl::StatusCode::kNotFound:
      return kNotFound;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnauthenticated:
      return kUnavailable;
    default:
      return kFailure;
  }
}

int Fail(const absl::Status& status) {
  std::cerr << dsh::ErrorJson(status) << "\n";
  return ExitCodeFor(status);
}

int UsageError(const std::string& message) {
  std::cerr << "dsh: " << message << "\nRun \"dsh --help\" for usage.\n";
  return kUsage;
}

absl::StatusOr<std::string> ReadPayload(const std::string& path) {
  if (path == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), {});
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError("cannot read payload file " + path);
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Log lines quote names from payloads; control characters in them must not
// forge lines or drive the terminal.
std::string Printable(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\x%02x", byte);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out;
}

absl::StatusOr<std::unique_ptr<dsh::Registry>> OpenRegistry(
    const CommandLine& line, bool needs_store) {
  dsh::RegistryOptions options;
  options.strict = line.strict;
  options.case_sensitive_identifiers = line.case_sensitive;
  options.logger = dsh::Logger(
      [](dsh::LogLevel level, std::string_view message) {
        std::cerr << "dsh: " << dsh::LogLevelName(level) << ": "
                  << Printable(message) << "\n";
      },
      line.verbose ? dsh::LogLevel::kDebug : dsh::LogLevel::kWarning);
  std::unique_ptr<dsh::Store> store;
  if (needs_store && line.command != "create" &&
      access(line.registry_path.c_str(), F_OK) != 0) {
    return absl::NotFoundError("there is no registry at " + line.registry_path +
                               "; dsh create makes one");
  }
  if (needs_store) {
    absl::StatusOr<std::unique_ptr<dsh::Store>> opened =
        dsh::OpenSqliteStore(line.registry_path);
    if (!opened.ok()) return opened.status();
    store = std::move(*opened);
  } else {
    store = dsh::NewMemoryStore();
  }
  return std::make_unique<dsh::Registry>(
      std::move(options), std::move(store),
      std::shared_ptr<dsh::CatalogConnector>(
          dsh::NewPostgresCatalogConnector()));
}

// Parses a positive 64-bit id written in plain digits; nullopt otherwise.
std::optional<std::int64_t> ParseId(const std::string& text) {
  if (text.empty() || text.size() > 18 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  const std::int64_t id = std::stoll(text);
  if (id <= 0) return std::nullopt;
  return id;
}

// Runs `operation` on a registry over the SQLite file and prints its
// result with `to_json`.
// A change report whose reads failed anywhere still prints, and exits with
// kUnavailable so that a script notices; the report says which failed.
int ReportExitCode(const dsh::DetectChangesResult& result) {
  for (const dsh::RefreshOutcome& outcome : result.refreshed) {
    if (outcome.error_code) return kUnavailable;
  }
  return kOk;
}
template <typename Result>
int ReportExitCode(const Result&) {
  return kOk;
}

template <typename Operation, typename ToJson>
int RunOnRegistry(const CommandLine& line, Operation operation,
                  ToJson to_json) {
  absl::StatusOr<std::unique_ptr<dsh::Registry>> registry =
      OpenRegistry(line, true);
  if (!registry.ok()) return Fail(registry.status());
  auto result = operation(**registry);
  if (!result.ok()) return Fail(result.status());
  std::cout << to_json(*result) << "\n";
  return ReportExitCode(*result);
}

// Shows "refreshed 120/1000" on stderr when a person is watching.
dsh::Registry::RefreshProgress ProgressOnTerminal() {
  if (!isatty(STDERR_FILENO)) return nullptr;
  return [](size_t done, size_t total) {
    std::cerr << "\rrefreshed " << done << "/" << total << " data sources"
              << (done == total ? "\n" : "") << std::flush;
  };
}

int RunCreateOrValidate(const CommandLine& line, bool create) {
  if (line.arguments.size() != 1) {
    return UsageError(line.command + " takes one payload file");
  }
  absl::StatusOr<std::string> payload = ReadPayload(line.arguments[0]);
  if (!payload.ok()) return Fail(payload.status());

  // Validation needs no registry, so a refused payload never leaves a new
  // registry file behind.
  absl::StatusOr<std::unique_ptr<dsh::Registry>> checker =
      OpenRegistry(line, false);
  if (!checker.ok()) return Fail(checker.status());
  absl::StatusOr<dsh::ValidateResult> valid =
      (*checker)->Validate(line.technology, *payload);
  if (!valid.ok()) return Fail(valid.status());
  if (!create) {
    dsh::CreateResult shape;
    shape.connection_string = valid->connection_string;
    shape.warnings = valid->warnings;
    std::cout << dsh::CreateResultJson(shape) << "\n";
    return kOk;
  }
  return RunOnRegistry(
      line,
      [&](dsh::Registry& registry) {
        return registry.Create(line.technology, *payload);
      },
      dsh::CreateResultJson);
}

int RunGet(const CommandLine& line) {
  const auto id =
      line.arguments.size() == 1 ? ParseId(line.arguments[0]) : std::nullopt;
  if (!id) return UsageError("get takes one handler id, a positive integer");
  return RunOnRegistry(
      line,
      [&](dsh::Registry& registry) {
        return registry.GetHandler(line.technology, *id, line.skip_cache);
      },
      dsh::HandlerViewJson);
}

int RunUpdate(const CommandLine& line) {
  const auto id =
      line.arguments.size() == 2 ? ParseId(line.arguments[0]) : std::nullopt;
  if (!id) return UsageError("update takes a handler id and a body file");
  absl::StatusOr<std::string> body = ReadPayload(line.arguments[1]);
  if (!body.ok()) return Fail(body.status());
  return RunOnRegistry(
      line,
      [&](dsh::Registry& registry) {
        return registry.UpdateHandler(line.technology, *id, *body,
                                      line.skip_cache);
      },
      dsh::UpdateResultJson);
}

int RunBulk(const CommandLine& line) {
  if (line.arguments.size() != 1) return UsageError("bulk takes a body file");
  absl::StatusOr<std::string> body = ReadPayload(line.arguments[0]);
  if (!body.ok()) return Fail(body.status());
  return RunOnRegistry(
      line,
      [&](dsh::Registry& registry) {
        return registry.BulkUpdate(line.technology, *body);
      },
      dsh::BulkResultJson);
}

int RunRefresh(const CommandLine& line) {
  std::optional<std::vector<dsh::HandlerId>> ids;
  if (!line.all) {
    ids.emplace();
    for (const std::string& argument : line.arguments) {
      const auto id = ParseId(argument);
      if (!id) return UsageError("not a handler id: " + argument);
      ids->push_back(*id);
    }
  }
  if (line.all == !line.arguments.empty()) {
    return UsageError("refresh takes --all or handler ids");
  }
  return RunOnRegistry(
      line,
      [&](dsh::Registry& registry) {
        absl::StatusOr<std::vector<dsh::RefreshOutcome>> outcomes =
            registry.Refresh(ids, ProgressOnTerminal());
        if (!outcomes.ok()) {
          return absl::StatusOr<dsh::DetectChangesResult>(outcomes.status());
        }
        dsh::DetectChangesResult result;
        result.refreshed = std::move(*outcomes);
        return absl::StatusOr<dsh::DetectChangesResult>(std::move(result));
      },
      dsh::DetectChangesResultJson);
}

int RunDetectChanges(const CommandLine& line) {
  if (line.arguments.size() > 1) {
    return UsageError("detect-changes takes at most one body file");
  }
  absl::StatusOr<std::string> body =
      line.arguments.empty() ? std::string() : ReadPayload(line.arguments[0]);
  if (!body.ok()) return Fail(body.status());
  return RunOnRegistry(
      line,
      [&](dsh::Registry& registry) {
        return registry.DetectRemoteChanges(*body, ProgressOnTerminal());
      },
      dsh::DetectChangesResultJson);
}

int RunDictionary(const CommandLine& line) {
  const auto id =
      line.arguments.size() == 1 ? ParseId(line.arguments[0]) : std::nullopt;
  if (!id) return UsageError("dictionary takes one data source id");
  return RunOnRegistry(
      line,
      [&](dsh::Registry& registry) { return registry.GetDictionary(*id); },
      dsh::DictionaryJson);
}

int RunDelete(const CommandLine& line) {
  const auto id =
      line.arguments.size() == 1 ? ParseId(line.arguments[0]) : std::nullopt;
  if (!id) return UsageError("delete takes one data source id");
  return RunOnRegistry(
      line,
      [&](dsh::Registry& registry) { return registry.DeleteDataSource(*id); },
      dsh::DeleteResultJson);
}

}  // namespace

int main(int argc, char** argv) {
  std::string error;
  const std::optional<CommandLine> line = ParseCommandLine(argc, argv, error);
  if (!line) return UsageError(error);
  if (line->command.empty()) {
    std::cout << kMainHelp;
    return line->help ? kOk : kUsage;
  }
  const auto help = CommandHelp().find(line->command);
  if (help == CommandHelp().end()) {
    return UsageError("unknown command " + line->command);
  }
  if (line->help) {
    std::cout << help->second;
    return kOk;
  }
  const std::string& command = line->command;
  if (command == "create") return RunCreateOrValidate(*line, true);
  if (command == "validate") return RunCreateOrValidate(*line, false);
  if (command == "get") return RunGet(*line);
  if (command == "update") return RunUpdate(*line);
  if (command == "bulk") return RunBulk(*line);
  if (command == "refresh") return RunRefresh(*line);
  if (command == "detect-changes") return RunDetectChanges(*line);
  if (command == "dictionary") return RunDictionary(*line);
  return RunDelete(*line);
}
