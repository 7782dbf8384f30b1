#include "osprey/core/shared_library.hpp"

#include <gtest/gtest.h>

#include <cstring>

namespace osprey {
namespace {

TEST(SharedLibraryTest, LoadsALibraryAndFindsItsFunctions) {
  auto libc = OpenSharedLibrary("libc.so.6");
  ASSERT_TRUE(libc.ok()) << libc.error().message();
  auto strlen_fn = SharedLibrarySymbol<std::size_t (*)(const char*)>(*libc, "strlen");
  ASSERT_NE(strlen_fn, nullptr);
  EXPECT_EQ(strlen_fn("osprey"), 6u);
  EXPECT_EQ(SharedLibrarySymbol<void (*)()>(*libc, "osprey_no_such_function"), nullptr);
}

TEST(SharedLibraryTest, AMissingLibraryIsUnavailableAndNamed) {
  auto missing = OpenSharedLibrary("libosprey-does-not-exist.so.1");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(missing.error().message().find("cannot load libosprey-does-not-exist.so.1: "), std::string::npos)
      << missing.error().message();
}

}  // namespace
}  // namespace osprey
