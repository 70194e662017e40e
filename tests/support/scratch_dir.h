// A fresh directory for a test's files, removed with everything in it
// when the test ends.
#ifndef DSH_TESTS_SUPPORT_SCRATCH_DIR_H_
#define DSH_TESTS_SUPPORT_SCRATCH_DIR_H_

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace dsh::testing {

class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern =
        ::testing::TempDir() + "dsh-test-" + std::string(6, 'X');
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (mkdtemp(buffer.data()) != nullptr) path_ = buffer.data();
    EXPECT_FALSE(path_.empty()) << "cannot create a directory like " << pattern;
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace dsh::testing

#endif  // DSH_TESTS_SUPPORT_SCRATCH_DIR_H_
