// What OpenSqliteStore does to a file that is not a store it may use:
// nothing. A text file, another program's database or a store from a newer
// build is refused with its bytes, mode and modification time as they were
// and no -wal, -shm or -journal beside it. Empty files and empty databases
// are taken as new; symbolic links are followed, and a broken one is named.
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <memory>
#include <ostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dsh/store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/store/sqlite_test_support.h"
#include "tests/store/store_test_records.h"
#include "tests/support/scratch_dir.h"

namespace dsh {
namespace {

using ::dsh::store_test::EntryFor;
using ::dsh::store_test::RawFile;
using ::dsh::testing::ScratchDir;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// What a refused open must not change.
struct FileState {
  std::string bytes;
  mode_t mode = 0;
  std::int64_t mtime_ns = -1;
  // Which of the files SQLite keeps beside a database exist.
  std::vector<std::string> companions;
};

std::int64_t Nanoseconds(const timespec& time) {
  return static_cast<std::int64_t>(time.tv_sec) * 1000000000 + time.tv_nsec;
}

FileState StateOf(const std::string& path) {
  FileState state;
  std::ifstream in(path, std::ios::binary);
  state.bytes.assign(std::istreambuf_iterator<char>(in),
                     std::istreambuf_iterator<char>());
  struct stat info;
  if (stat(path.c_str(), &info) == 0) {
    state.mode = info.st_mode & 07777;
    state.mtime_ns = Nanoseconds(info.st_mtim);
  }
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    const std::string companion = path + suffix;
    if (access(companion.c_str(), F_OK) == 0) {
      state.companions.push_back(companion);
    }
  }
  return state;
}

class SqliteFileTest : public ::testing::Test {
 protected:
  // Gives the file a mode the store would tighten and a modification time
  // long past, so that any chmod or write would show, then notes its state.
  FileState Settle(const std::string& path) {
    EXPECT_EQ(chmod(path.c_str(), 0644), 0) << path;
    const timespec past[2] = {{1000000000, 0}, {1000000000, 0}};
    EXPECT_EQ(utimensat(AT_FDCWD, path.c_str(), past, 0), 0) << path;
    return StateOf(path);
  }

  void ExpectUnchanged(const FileState& before, const std::string& path) {
    const FileState after = StateOf(path);
    EXPECT_TRUE(after.bytes == before.bytes) << path << ": its bytes changed";
    EXPECT_EQ(after.mode, before.mode) << path;
    EXPECT_EQ(after.mtime_ns, before.mtime_ns) << path;
    EXPECT_EQ(after.companions, before.companions) << path;
  }

  ScratchDir dir_;
  std::string path_ = dir_.File("registry.db");
};

// A file that is not a SQLite database at all.
struct NotADatabase {
  std::string name;
  std::string bytes;
};

void PrintTo(const NotADatabase& file, std::ostream* out) { *out << file.name; }

class NotADatabaseTest : public SqliteFileTest,
                         public ::testing::WithParamInterface<NotADatabase> {};

TEST_P(NotADatabaseTest, IsRefusedAndLeftAsItWas) {
  { std::ofstream(path_, std::ios::binary) << GetParam().bytes; }
  const FileState before = Settle(path_);

  absl::StatusOr<std::unique_ptr<Store>> opened = OpenSqliteStore(path_);

  EXPECT_EQ(opened.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(opened.status().message(),
              AllOf(HasSubstr(path_), HasSubstr("not a dsh store"),
                    HasSubstr("not a SQLite database")));
  ExpectUnchanged(before, path_);
  EXPECT_THAT(before.companions, IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(
    Contents, NotADatabaseTest,
    ::testing::Values(
        NotADatabase{"Text", "a line of text\n"},
        NotADatabase{"JsonPayload",
                     R"({"handlers": [{"technology": "redshift"}]})"},
        NotADatabase{"Filler", std::string(4096, 'x')},
        // The magic alone, without the rest of a header.
        NotADatabase{"MagicAlone", std::string("SQLite format 3\0", 16)},
        // A header that is right but for its first byte.
        NotADatabase{"DamagedMagic",
                     absl::StrCat("sQLite format 3", std::string(4081, '\0'))}),
    [](const ::testing::TestParamInfo<NotADatabase>& param) {
      return param.param.name;
    });

TEST_F(SqliteFileTest, RefusesAnotherProgramsDatabaseAndLeavesItAsItWas) {
  RawFile(path_).Exec(
      "CREATE TABLE songs (title TEXT); "
      "INSERT INTO songs VALUES ('one');");
  const FileState before = Settle(path_);

  absl::StatusOr<std::unique_ptr<Store>> opened = OpenSqliteStore(path_);

  EXPECT_EQ(opened.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(opened.status().message(),
              AllOf(HasSubstr(path_), HasSubstr("not a dsh store")));
  ExpectUnchanged(before, path_);
  EXPECT_THAT(before.companions, IsEmpty());
}

TEST_F(SqliteFileTest, RefusesAnotherProgramsWalDatabaseWithoutMakingItsWal) {
  RawFile(path_).Exec("PRAGMA journal_mode=WAL; CREATE TABLE songs (x);");
  const FileState before = Settle(path_);

  absl::StatusOr<std::unique_ptr<Store>> opened = OpenSqliteStore(path_);

  EXPECT_EQ(opened.status().code(), absl::StatusCode::kFailedPrecondition);
  ExpectUnchanged(before, path_);
  EXPECT_THAT(StateOf(path_).companions, IsEmpty());
}

// The other program still has the file open, so its table is only in the
// -wal and the file's own first page still shows an empty database: the
// store has to ask SQLite, and must do so before it changes anything.
TEST_F(SqliteFileTest, RefusesAWalDatabaseWhoseTablesAreOnlyInItsWal) {
  RawFile other(path_);
  other.Exec("PRAGMA journal_mode=WAL; CREATE TABLE songs (x);");
  const FileState before = Settle(path_);
  ASSERT_EQ(before.companions,
            (std::vector<std::string>{path_ + "-wal", path_ + "-shm"}));
  ASSERT_EQ(chmod((path_ + "-wal").c_str(), 0644), 0);
  ASSERT_EQ(chmod((path_ + "-shm").c_str(), 0644), 0);

  absl::StatusOr<std::unique_ptr<Store>> opened = OpenSqliteStore(path_);

  EXPECT_EQ(opened.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(opened.status().message(), HasSubstr("not a dsh store"));
  ExpectUnchanged(before, path_);
  EXPECT_EQ(StateOf(path_ + "-wal").mode, 0644u);
  EXPECT_EQ(StateOf(path_ + "-shm").mode, 0644u);
  other.Exec("INSERT INTO songs VALUES (1)");
  EXPECT_EQ(other.Rows("SELECT count(*) FROM songs"), "1|\n");
}

TEST_F(SqliteFileTest, RefusesAnEmptyDatabaseThatNamesAnotherApplication) {
  RawFile(path_).Exec("PRAGMA application_id = 42");
  const FileState before = Settle(path_);

  absl::StatusOr<std::unique_ptr<Store>> opened = OpenSqliteStore(path_);

  EXPECT_EQ(opened.status().code(), absl::StatusCode::kFailedPrecondition);
  ExpectUnchanged(before, path_);
}

TEST_F(SqliteFileTest, RefusesAStoreWrittenByANewerBuildAndLeavesItAsItWas) {
  ASSERT_TRUE(OpenSqliteStore(path_).ok());
  // The last connection to close writes the WAL back into the file.
  RawFile(path_).Exec("PRAGMA user_version = 99");
  const FileState before = Settle(path_);

  absl::StatusOr<std::unique_ptr<Store>> opened = OpenSqliteStore(path_);

  EXPECT_EQ(opened.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(opened.status().message(),
              AllOf(HasSubstr(path_), HasSubstr("schema version 99")));
  ExpectUnchanged(before, path_);
  EXPECT_THAT(before.companions, IsEmpty());
}

// While a newer build has the file open, the new version may be only in
// the -wal; the store must find it there too.
TEST_F(SqliteFileTest, RefusesANewerStoreWhoseVersionIsOnlyInItsWal) {
  ASSERT_TRUE(OpenSqliteStore(path_).ok());
  RawFile newer(path_);
  newer.Exec("PRAGMA wal_autocheckpoint = 0; PRAGMA user_version = 99");
  const FileState before = Settle(path_);

  absl::StatusOr<std::unique_ptr<Store>> opened = OpenSqliteStore(path_);

  EXPECT_EQ(opened.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(opened.status().message(), HasSubstr("schema version 99"));
  ExpectUnchanged(before, path_);
}

TEST_F(SqliteFileTest, TakesADatabaseWhoseTablesWereAllDroppedAsNew) {
  RawFile(path_).Exec("CREATE TABLE gone (x); DROP TABLE gone;");

  absl::StatusOr<std::unique_ptr<Store>> opened = OpenSqliteStore(path_);

  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(StateOf(path_).mode, 0600u);
  EXPECT_EQ(RawFile(path_).Rows("PRAGMA user_version"), "2|\n");
}

TEST_F(SqliteFileTest, NamesABrokenSymbolicLinkAndCreatesNothingThroughIt) {
  const std::string target = dir_.File("elsewhere/registry.db");
  ASSERT_EQ(symlink(target.c_str(), path_.c_str()), 0);

  absl::StatusOr<std::unique_ptr<Store>> opened = OpenSqliteStore(path_);

  EXPECT_EQ(opened.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(opened.status().message(),
              AllOf(HasSubstr(path_), HasSubstr("broken symbolic link"),
                    HasSubstr(target)));
  EXPECT_NE(access(target.c_str(), F_OK), 0);
}

TEST_F(SqliteFileTest, OpensTheStoreASymbolicLinkPointsAtAndKeepsItPrivate) {
  const std::string target = dir_.File("registry-real.db");
  {
    absl::StatusOr<std::unique_ptr<Store>> created = OpenSqliteStore(target);
    ASSERT_TRUE(created.ok()) << created.status();
    ASSERT_TRUE((*created)->InsertDataSources({EntryFor("orders")}).ok());
  }
  ASSERT_EQ(chmod(target.c_str(), 0644), 0);
  ASSERT_EQ(symlink("registry-real.db", path_.c_str()), 0);

  absl::StatusOr<std::unique_ptr<Store>> opened = OpenSqliteStore(path_);

  ASSERT_TRUE(opened.ok()) << opened.status();
  absl::StatusOr<std::vector<HandlerRecord>> handlers =
      (*opened)->ListHandlers(HandlerFilter());
  ASSERT_TRUE(handlers.ok()) << handlers.status();
  EXPECT_EQ(handlers->size(), 1u);
  EXPECT_EQ(StateOf(target).mode, 0600u);
  // The -wal and -shm sit beside the file, where every process finds them.
  EXPECT_EQ(StateOf(target).companions,
            (std::vector<std::string>{target + "-wal", target + "-shm"}));
  EXPECT_THAT(StateOf(path_).companions, IsEmpty());
}

}  // namespace
}  // namespace dsh
