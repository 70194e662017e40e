#include "tests/support/postgres_server.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

extern char** environ;

namespace dsh {
namespace testing {
namespace {

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `argv` with the current environment, less every variable named in
// `unset` and plus `set`, and collects its output.
absl::StatusOr<Outcome> Run(
    const std::vector<std::string>& argv,
    const std::vector<std::pair<std::string, std::string>>& set,
    const std::vector<std::string>& unset) {
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const std::string_view name = text.substr(0, text.find('='));
    bool keep = true;
    for (const std::string& drop : unset) keep = keep && name != drop;
    for (const auto& [key, value] : set) keep = keep && name != key;
    if (keep) env.emplace_back(text);
  }
  for (const auto& [key, value] : set) env.push_back(key + "=" + value);

  std::vector<char*> args;
  for (const std::string& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  std::vector<char*> envp;
  for (std::string& entry : env) envp.push_back(entry.data());
  envp.push_back(nullptr);

  // Close-on-exec, so that only the child's stdout and stderr hold the
  // write ends: a server the child leaves running must not keep them open.
  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    return absl::InternalError(std::strerror(errno));
  }
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return absl::InternalError(std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  pid_t pid = 0;
  const int spawned =
      posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (spawned != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    return absl::InternalError(
        absl::StrCat("cannot run ", argv[0], ": ", std::strerror(spawned)));
  }

  Outcome outcome;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&outcome.out, &outcome.err};
  int open_fds = 2;
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[8192];
      const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return outcome;
}

std::string SandboxScript() {
  return std::string(DSH_SOURCE_DIR) + "/scripts/pg-sandbox";
}

std::string QuoteIdentifier(std::string_view name) {
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

}  // namespace

PostgresServer::PostgresServer(std::string dir, int port, std::string password)
    : dir_(std::move(dir)), port_(port), password_(std::move(password)) {}

absl::StatusOr<std::unique_ptr<PostgresServer>> PostgresServer::Start() {
  return Start(Options());
}

absl::StatusOr<std::unique_ptr<PostgresServer>> PostgresServer::Start(
    Options options) {
  // Directly under /tmp: the server's own user must traverse every parent,
  // and the socket path must stay short.
  std::string dir = "/tmp/dsh-pg-" + std::string(6, 'X');  // mkdtemp
  if (mkdtemp(dir.data()) == nullptr) {
    return absl::InternalError(absl::StrCat(
        "cannot create a folder under /tmp: ", std::strerror(errno)));
  }
  std::vector<std::pair<std::string, std::string>> set;
  if (!options.password.empty()) {
    set.emplace_back("DSH_SANDBOX_PASSWORD", options.password);
  }
  absl::StatusOr<Outcome> started =
      Run({SandboxScript(), "start", dir}, set, {"DSH_SANDBOX_PASSWORD"});
  int port = 0;
  if (!started.ok() || started->exit_code != 0 ||
      !absl::SimpleAtoi(absl::StripAsciiWhitespace(started->out), &port)) {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
    if (!started.ok()) return started.status();
    return absl::UnavailableError(
        absl::StrCat("pg-sandbox start ", dir, " failed (exit ",
                     started->exit_code, "): ", started->err, started->out));
  }
  return std::unique_ptr<PostgresServer>(
      new PostgresServer(dir, port, std::move(options.password)));
}

PostgresServer::~PostgresServer() {
  (void)Run({SandboxScript(), "stop", dir_}, {}, {});
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string PostgresServer::log_path() const { return dir_ + "/server.log"; }

absl::StatusOr<std::string> PostgresServer::Psql(
    std::string_view database, std::vector<std::string> args) const {
  std::vector<std::string> argv = {
      SandboxScript(), "psql", dir_, "-q", "-d", std::string(database)};
  for (std::string& arg : args) argv.push_back(std::move(arg));
  absl::StatusOr<Outcome> ran = Run(argv, {{"PGCLIENTENCODING", "UTF8"}}, {});
  if (!ran.ok()) return ran.status();
  if (ran->exit_code != 0) {
    return absl::InternalError(
        absl::StrCat("psql in database ", std::string(database),
                     " failed (exit ", ran->exit_code, "): ", ran->err));
  }
  return std::move(ran->out);
}

absl::Status PostgresServer::RunSql(std::string_view database,
                                    std::string_view sql) const {
  return Psql(database, {"-c", std::string(sql)}).status();
}

absl::Status PostgresServer::RunSqlFile(std::string_view database,
                                        const std::string& path) const {
  return Psql(database, {"-f", path}).status();
}

absl::StatusOr<std::vector<std::vector<std::string>>> PostgresServer::Query(
    std::string_view database, std::string_view sql) const {
  absl::StatusOr<std::string> out =
      Psql(database,
           {"-A", "-t", "-F", "\x1f", "-R", "\x1e", "-c", std::string(sql)});
  if (!out.ok()) return out.status();
  std::vector<std::vector<std::string>> rows;
  absl::string_view text = *out;
  absl::ConsumeSuffix(&text, "\n");
  if (text.empty()) return rows;
  for (absl::string_view record : absl::StrSplit(text, '\x1e')) {
    rows.push_back(absl::StrSplit(record, '\x1f'));
  }
  return rows;
}

absl::Status PostgresServer::CreateDatabase(std::string_view name) const {
  return RunSql("postgres",
                absl::StrCat("CREATE DATABASE ", QuoteIdentifier(name)));
}

ConnectionSettings PostgresServer::Settings(std::string_view database) const {
  ConnectionSettings settings;
  settings.technology = Technology::kPostgresql;
  settings.host = host_;
  settings.port = port_;
  settings.database = std::string(database);
  settings.username = "postgres";
  settings.password = password_;
  settings.ssl = false;
  return settings;
}

absl::StatusOr<PostgresServer*> SharedPostgresServer() {
  // Statics, so that the server stops when the process exits normally; a
  // failed start is remembered rather than retried by every test.
  static std::once_flag once;
  static std::unique_ptr<PostgresServer> server;
  static absl::Status failure;
  std::call_once(once, [] {
    absl::StatusOr<std::unique_ptr<PostgresServer>> started =
        PostgresServer::Start();
    if (started.ok()) {
      server = *std::move(started);
    } else {
      failure = started.status();
    }
  });
  if (!failure.ok()) return failure;
  return server.get();
}

std::string FixturesDir() {
  std::error_code error;
  return std::filesystem::is_directory(DSH_FIXTURES_DIR, error)
             ? std::string(DSH_FIXTURES_DIR)
             : std::string();
}

}  // namespace testing
}  // namespace dsh
