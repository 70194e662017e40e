#include "payload/json_pointer.h"

#include "gtest/gtest.h"

namespace dsh::payload {
namespace {

TEST(PointerChild, AppendsAPlainKey) {
  EXPECT_EQ(PointerChild("/handler/0", "metadata"), "/handler/0/metadata");
}

TEST(PointerChild, EscapesTildeAndSlashInAKey) {
  EXPECT_EQ(PointerChild("", "a~b/c"), "/a~0b~1c");
  EXPECT_EQ(PointerChild("/x", "~1"), "/x/~01");
}

TEST(PointerChild, AppendsAnIndex) {
  EXPECT_EQ(PointerChild("/handler", std::size_t{12}), "/handler/12");
}

TEST(PointerChild, AppendsAnEmptyKey) {
  EXPECT_EQ(PointerChild("/a", ""), "/a/");
}

}  // namespace
}  // namespace dsh::payload
