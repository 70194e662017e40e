#include "store/sqlite_file.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>

#include "absl/strings/str_cat.h"
#include "model/absl_compat.h"
#include "store/sqlite_connection.h"

namespace dsh::store {
namespace {

// What the first page of a database file holds at these offsets is
// described in SQLite's file format document: the 100-byte database header,
// then the b-tree page header of the schema table, whose root is page 1.
constexpr char kMagic[16] = {'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f',
                             'o', 'r', 'm', 'a', 't', ' ', '3', '\0'};
constexpr size_t kWriteVersionAt = 18;
constexpr size_t kReadVersionAt = 19;
constexpr size_t kUserVersionAt = 60;
constexpr size_t kApplicationIdAt = 68;
constexpr size_t kSchemaPageTypeAt = 100;
constexpr size_t kSchemaCellCountAt = 103;
constexpr size_t kHeadSize = 108;
// Read and write version 2 mark a file in WAL mode.
constexpr unsigned char kWalVersion = 2;
// A leaf page of a table b-tree; the schema table is empty exactly when its
// root is one with no cells.
constexpr unsigned char kLeafTablePage = 0x0d;

absl::Status FileError(const std::string& path, std::string_view doing,
                       int error) {
  const std::string message =
      absl::StrCat("SQLite store \"", path, "\": ", AsAbsl(doing), ": ",
                   std::strerror(error));
  switch (error) {
    case ENOENT:
    case ENOTDIR:
    case EISDIR:
    case ENAMETOOLONG:
    case ELOOP:
      // The path itself is wrong; trying again will not help.
      return absl::InvalidArgumentError(message);
    default:
      return absl::UnavailableError(message);
  }
}

// Serialises the create-then-close of new store files within the process.
// Closing any descriptor of a file drops every POSIX lock this process
// holds on it, so no SQLite connection may open the file while the
// creating descriptor is still open.
std::mutex& FileCreationMutex() {
  static std::mutex* const mutex = new std::mutex;
  return *mutex;
}

// Creates `path` with mode 0600 before SQLite sees it, since SQLite would
// create it with the process umask (often world-readable) and the file
// holds passwords. False when something is there already.
absl::StatusOr<bool> CreateIfMissing(const std::string& path) {
  std::lock_guard<std::mutex> lock(FileCreationMutex());
  // O_EXCL also refuses a symbolic link, even a broken one, so nothing is
  // ever created through a link.
  const int fd =
      open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return false;
    return FileError(path, "cannot create the file", errno);
  }
  // The umask may have taken bits away; the owner needs both.
  const int chmod_error = fchmod(fd, 0600) == 0 ? 0 : errno;
  close(fd);
  if (chmod_error != 0) {
    return FileError(path, "cannot set the new file's permissions",
                     chmod_error);
  }
  return true;
}

// `path`, or the file it links to. A broken link is refused with a message
// that says so: the store is never created at the place a link names.
absl::StatusOr<std::string> FollowLink(const std::string& path) {
  struct stat link;
  if (lstat(path.c_str(), &link) != 0) {
    return FileError(path, "cannot read the file's details", errno);
  }
  if (!S_ISLNK(link.st_mode)) return path;

  struct stat target;
  if (stat(path.c_str(), &target) != 0) {
    if (errno != ENOENT) {
      return FileError(path, "cannot follow the symbolic link", errno);
    }
    std::string points_to(4096, '\0');
    const ssize_t size =
        readlink(path.c_str(), points_to.data(), points_to.size());
    points_to.resize(size > 0 ? static_cast<size_t>(size) : 0);
    return absl::InvalidArgumentError(absl::StrCat(
        "SQLite store \"", path,
        "\": is a broken symbolic link: it points to \"", points_to,
        "\", which does not exist; create the store there, or give its "
        "path instead of the link's"));
  }

  std::unique_ptr<char, decltype(&std::free)> resolved(
      realpath(path.c_str(), nullptr), &std::free);
  if (resolved == nullptr) {
    return FileError(path, "cannot follow the symbolic link", errno);
  }
  return std::string(resolved.get());
}

bool IsNonEmptyFile(const std::string& file) {
  struct stat info;
  return stat(file.c_str(), &info) == 0 && info.st_size > 0;
}

// The first bytes of a database file, and whether a rollback journal lay
// beside it at that moment.
struct Head {
  std::string bytes;
  bool journal = false;
};

struct DatabaseCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};

// Reads the head of `file` through SQLite's own file layer, not through a
// descriptor of ours: closing any descriptor of a file drops every POSIX
// lock the process holds on it, which would silently release the locks of
// a store already open on the same file in this process, and SQLite keeps
// its descriptor open until those locks go. The read happens under a
// SHARED lock, so that no rollback-mode writer is halfway through the first
// page. Nothing is written, and no -wal, -shm or -journal is made: a
// connection only looks for those when a statement runs, and none does.
absl::StatusOr<Head> ReadHead(const std::string& path,
                              const std::string& file) {
  sqlite3* opened = nullptr;
  const int open_code = sqlite3_open_v2(
      SqliteFileName(file).c_str(), &opened,
      SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
      nullptr);
  std::unique_ptr<sqlite3, DatabaseCloser> db(opened);
  if (open_code != SQLITE_OK) {
    return SqliteStatus(
        open_code, path, "cannot open the file to read it",
        db != nullptr ? sqlite3_errmsg(db.get()) : sqlite3_errstr(open_code));
  }
  sqlite3_file* handle = nullptr;
  int code = sqlite3_file_control(db.get(), "main", SQLITE_FCNTL_FILE_POINTER,
                                  &handle);
  if (code == SQLITE_OK && (handle == nullptr || handle->pMethods == nullptr)) {
    code = SQLITE_CANTOPEN;
  }
  if (code != SQLITE_OK) {
    return SqliteStatus(code, path, "cannot open the file to read it",
                        sqlite3_errstr(code));
  }

  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(kBusyTimeoutMs);
  while ((code = handle->pMethods->xLock(handle, SQLITE_LOCK_SHARED)) ==
             SQLITE_BUSY &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (code != SQLITE_OK) {
    return SqliteStatus(code, path, "cannot lock the file to read it",
                        sqlite3_errstr(code));
  }

  Head head;
  head.bytes.assign(kHeadSize, '\0');
  code = handle->pMethods->xRead(handle, head.bytes.data(),
                                 static_cast<int>(kHeadSize), 0);
  if (code == SQLITE_IOERR_SHORT_READ) {
    sqlite3_int64 size = 0;
    handle->pMethods->xFileSize(handle, &size);
    head.bytes.resize(std::min<size_t>(kHeadSize, static_cast<size_t>(size)));
    code = SQLITE_OK;
  }
  // While the lock is held, no rollback-mode writer can start or finish a
  // commit, so the journal seen here belongs to the bytes just read.
  head.journal = IsNonEmptyFile(file + "-journal");
  handle->pMethods->xUnlock(handle, SQLITE_LOCK_NONE);
  if (code != SQLITE_OK) {
    return SqliteStatus(code, path, "cannot read the file's header",
                        sqlite3_errstr(code));
  }
  return head;
}

std::int64_t BigEndian(const std::string& bytes, size_t at, size_t size) {
  std::uint32_t value = 0;
  for (size_t i = 0; i < size; ++i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
  }
  // Both 32-bit header fields are signed, as PRAGMA reports them.
  return size == 4 ? static_cast<std::int32_t>(value) : value;
}

// Refuses the existing, non-empty `file` unless its first page shows an
// empty database or a dsh store this build can read. True when that page
// decided; false when a -wal or -journal beside the file may hold a newer
// first page, and only SQLite can tell.
absl::StatusOr<bool> JudgeFile(const std::string& path, const std::string& file,
                               std::int64_t known_version) {
  absl::StatusOr<Head> head = ReadHead(path, file);
  if (!head.ok()) return head.status();
  // A rollback journal may hold the page as it was before an unfinished
  // commit, which SQLite puts back on the next read.
  if (head->journal) return false;

  const std::string& bytes = head->bytes;
  if (bytes.size() < kHeadSize ||
      std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("SQLite store \"", path,
                     "\": is not a dsh store: the file is not a SQLite "
                     "database"));
  }
  const std::int64_t version = BigEndian(bytes, kUserVersionAt, 4);
  const std::int64_t application = BigEndian(bytes, kApplicationIdAt, 4);
  const bool schema_empty =
      static_cast<unsigned char>(bytes[kSchemaPageTypeAt]) == kLeafTablePage &&
      BigEndian(bytes, kSchemaCellCountAt, 2) == 0;
  const FileOwner owner =
      JudgeOwner(application, version, schema_empty, known_version);
  // A file's first page only ever moves from empty to dsh's and then to
  // newer versions of dsh's, so a refusal holds even if the -wal has a
  // later page than the file.
  const absl::Status refused =
      RefuseUnlessOurs(owner, path, version, known_version);
  if (!refused.ok()) return refused;

  const bool wal =
      static_cast<unsigned char>(bytes[kWriteVersionAt]) == kWalVersion ||
      static_cast<unsigned char>(bytes[kReadVersionAt]) == kWalVersion;
  return !(wal && IsNonEmptyFile(file + "-wal"));
}

}  // namespace

FileOwner JudgeOwner(std::int64_t application_id, std::int64_t version,
                     bool schema_empty, std::int64_t known_version) {
  // A dsh store sets its application id and its first version in one
  // transaction, so a file without a version has no id, or dsh's from an
  // earlier attempt, and nothing in it.
  if (version == 0 &&
      (application_id == 0 || application_id == kApplicationId)) {
    return schema_empty ? FileOwner::kNobody : FileOwner::kOther;
  }
  if (application_id != kApplicationId || version < 0) return FileOwner::kOther;
  return version > known_version ? FileOwner::kNewerDsh : FileOwner::kDsh;
}

absl::Status RefuseUnlessOurs(FileOwner owner, const std::string& path,
                              std::int64_t version,
                              std::int64_t known_version) {
  switch (owner) {
    case FileOwner::kOther:
      return absl::FailedPreconditionError(
          absl::StrCat("SQLite store \"", path,
                       "\": is a SQLite database but not a dsh store"));
    case FileOwner::kNewerDsh:
      return absl::FailedPreconditionError(absl::StrCat(
          "SQLite store \"", path, "\": has schema version ", version,
          ", newer than the newest this build knows (", known_version, ")"));
    case FileOwner::kNobody:
    case FileOwner::kDsh:
      break;
  }
  return absl::OkStatus();
}

absl::StatusOr<StoreFile> PrepareStoreFile(const std::string& path,
                                           std::int64_t known_version) {
  absl::StatusOr<bool> created = CreateIfMissing(path);
  if (!created.ok()) return created.status();
  if (*created) return StoreFile{path, true};

  absl::StatusOr<std::string> file = FollowLink(path);
  if (!file.ok()) return file.status();
  struct stat info;
  if (stat(file->c_str(), &info) != 0) {
    return FileError(path, "cannot read the file's details", errno);
  }
  if (!S_ISREG(info.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat("SQLite store \"", path, "\": is not a regular file"));
  }

  // An empty file is new: SQLite too reads it as an empty database.
  if (info.st_size > 0) {
    absl::StatusOr<bool> judged = JudgeFile(path, *file, known_version);
    if (!judged.ok()) return judged.status();
    if (!*judged) return StoreFile{*std::move(file), false};
  }
  const absl::Status restricted = RestrictToOwner(path, *file, true);
  if (!restricted.ok()) return restricted;
  return StoreFile{*std::move(file), true};
}

absl::Status RestrictToOwner(const std::string& path, const std::string& file,
                             bool must_exist) {
  struct stat info;
  if (stat(file.c_str(), &info) != 0) {
    if (!must_exist && errno == ENOENT) return absl::OkStatus();
    return FileError(path, "cannot read the file's permissions", errno);
  }
  if (!S_ISREG(info.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat("SQLite store \"", path, "\": is not a regular file"));
  }
  if ((info.st_mode & 077) != 0 &&
      chmod(file.c_str(), info.st_mode & 0700) != 0) {
    return FileError(path, "cannot make the file private to its owner", errno);
  }
  return absl::OkStatus();
}

}  // namespace dsh::store
