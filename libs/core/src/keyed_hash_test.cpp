#include "osprey/core/keyed_hash.hpp"

#include <gtest/gtest.h>

#include <string>

#include "osprey/core/crypto.hpp"
#include "osprey/core/encoding.hpp"

namespace osprey::crypto {
namespace {

KeyRing Ring(std::initializer_list<std::pair<std::string_view, char>> keys) {
  KeyRing ring;
  for (const auto& [id, fill] : keys) EXPECT_TRUE(ring.Add(id, Secret(std::string(32, fill))).ok());
  return ring;
}

TEST(KeyedHasherTest, VerifiesTheRightSecretOnly) {
  const KeyedHasher hasher(Ring({{"p1", 'a'}}));
  const std::string stored = hasher.Hash("1234");
  EXPECT_EQ(stored.rfind("h1:p1:", 0), 0u) << stored;
  EXPECT_EQ(stored.size(), 6u + 43u);
  EXPECT_EQ(hasher.Hash("1234"), stored);  // deterministic, so a PIN can be looked up by hash
  EXPECT_TRUE(hasher.Verify("1234", stored));
  for (const std::string_view wrong : {"1235", "123", "12345", "", " 1234"}) {
    EXPECT_FALSE(hasher.Verify(wrong, stored)) << wrong;
  }
  EXPECT_TRUE(hasher.Verify("", hasher.Hash("")));
}

TEST(KeyedHasherTest, IsHmacSha256OfLengthPrefixedContextAndSecret) {
  const KeyedHasher hasher(Ring({{"p1", 'a'}}));
  const std::string mac = Hmac(HashAlgorithm::kSha256, std::string(32, 'a'),
                               std::string("\0\0\0\x03"
                                           "abc1234",
                                           11));
  EXPECT_EQ(hasher.Hash("1234", "abc"), "h1:p1:" + Base64UrlEncode(mac));
}

TEST(KeyedHasherTest, ContextBindsTheHash) {
  const KeyedHasher hasher(Ring({{"p1", 'a'}}));
  const std::string stored = hasher.Hash("1234", "TOTP0001");
  EXPECT_NE(stored, hasher.Hash("1234", "TOTP0002"));
  EXPECT_TRUE(hasher.Verify("1234", stored, "TOTP0001"));
  EXPECT_FALSE(hasher.Verify("1234", stored, "TOTP0002"));
  EXPECT_FALSE(hasher.Verify("1234", stored));
  // The length prefix keeps the split between context and secret unambiguous.
  EXPECT_NE(hasher.Hash("1234", "TOTP000"), hasher.Hash("11234", "TOTP000"));
  EXPECT_NE(hasher.Hash("11234", "TOTP000"), hasher.Hash("1234", "TOTP0001"));
}

TEST(KeyedHasherTest, DifferentKeysGiveDifferentHashes) {
  const KeyedHasher a(Ring({{"p1", 'a'}}));
  const KeyedHasher b(Ring({{"p1", 'b'}}));
  EXPECT_NE(a.Hash("1234"), b.Hash("1234"));
  EXPECT_FALSE(b.Verify("1234", a.Hash("1234")));
}

TEST(KeyedHasherTest, OldKeysVerifyWhileInTheRing) {
  const KeyedHasher old_hasher(Ring({{"p1", 'a'}}));
  const std::string old_stored = old_hasher.Hash("1234");
  const KeyedHasher hasher(Ring({{"p1", 'a'}, {"p2", 'b'}}));
  EXPECT_TRUE(hasher.Verify("1234", old_stored));
  EXPECT_TRUE(hasher.NeedsRehash(old_stored));
  const std::string new_stored = hasher.Hash("1234");
  EXPECT_EQ(new_stored.rfind("h1:p2:", 0), 0u);
  EXPECT_FALSE(hasher.NeedsRehash(new_stored));
  const KeyedHasher retired(Ring({{"p2", 'b'}}));
  EXPECT_FALSE(retired.Verify("1234", old_stored));
}

TEST(KeyedHasherTest, MalformedStoredValuesNeverVerify) {
  const KeyedHasher hasher(Ring({{"p1", 'a'}}));
  const std::string stored = hasher.Hash("1234");
  for (const std::string& bad :
       {std::string(), std::string("h1"), std::string("h1:"), std::string("h1:p1"), std::string("h1:p1:"),
        "h2" + stored.substr(2), stored.substr(0, stored.size() - 1), stored + "A", stored + "=",
        "h1:p1:" + std::string(43, '!'), std::string("1234")}) {
    EXPECT_FALSE(hasher.Verify("1234", bad)) << bad;
    EXPECT_TRUE(hasher.NeedsRehash(bad) || bad.rfind("h1:p1:", 0) == 0) << bad;
  }
}

TEST(KeyedHasherTest, RequiresAKey) { EXPECT_THROW(KeyedHasher{KeyRing()}, std::invalid_argument); }

}  // namespace
}  // namespace osprey::crypto
