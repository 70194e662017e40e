// The file under a SQLite store: creating it private to its owner, and
// deciding whether an existing file is a dsh store before anything touches
// it. A file that belongs to something else is refused as it was found:
// same bytes, same mode, same times, no -wal or -shm beside it.
#ifndef DSH_LIB_STORE_SQLITE_FILE_H_
#define DSH_LIB_STORE_SQLITE_FILE_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace dsh::store {

// PRAGMA application_id of a dsh store file ("dsh1").
inline constexpr std::int64_t kApplicationId = 0x64736831;

// Whose a SQLite database is, judged from its application id, its schema
// version (user_version) and whether its schema has anything in it.
enum class FileOwner {
  // An empty database: dsh may make it a store.
  kNobody,
  // A dsh store this build can read, at most at `known_version`.
  kDsh,
  // A dsh store written by a newer build.
  kNewerDsh,
  // Another program's database.
  kOther,
};

FileOwner JudgeOwner(std::int64_t application_id, std::int64_t version,
                     bool schema_empty, std::int64_t known_version);

// The FailedPrecondition refusal for `owner` (kOther or kNewerDsh) of the
// store file `path`; OK for the other two.
absl::Status RefuseUnlessOurs(FileOwner owner, const std::string& path,
                              std::int64_t version, std::int64_t known_version);

// An existing or new file that a store may open.
struct StoreFile {
  // The file to open: `path` itself, or the file it links to.
  std::string name;
  // False when the first page could not decide whose the file is (it may
  // be newer in a -wal or -journal beside it); then SQLite must read the
  // file and RefuseUnlessOurs must pass before the caller changes anything,
  // its mode included.
  bool judged = true;
};

// Creates the store file `path` with mode 0600, or looks at the existing
// one and refuses it, unchanged, when it is not a regular file, not a
// SQLite database, another program's database or a newer dsh store. An
// empty file, or an empty database, counts as new. A symbolic link is
// followed to the file it names; a broken one is refused, never created
// through. When `judged` comes back true, the file is private to its
// owner already.
absl::StatusOr<StoreFile> PrepareStoreFile(const std::string& path,
                                           std::int64_t known_version);

// Takes group and other permissions off `file`, named `path` in messages.
// A missing file is an error only when `must_exist`.
absl::Status RestrictToOwner(const std::string& path, const std::string& file,
                             bool must_exist);

}  // namespace dsh::store

#endif  // DSH_LIB_STORE_SQLITE_FILE_H_
