#include "osprey/core/sealer.hpp"

#include <gtest/gtest.h>

#include <string>

#include "osprey/core/encoding.hpp"

namespace osprey::crypto {
namespace {

Secret TestKey(char fill) { return Secret(std::string(KeyRing::kKeySize, fill)); }

KeyRing Ring(std::initializer_list<std::pair<std::string_view, char>> keys) {
  KeyRing ring;
  for (const auto& [id, fill] : keys) EXPECT_TRUE(ring.Add(id, TestKey(fill)).ok());
  return ring;
}

constexpr std::string_view kSeed = "12345678901234567890";
constexpr std::string_view kSerial = "TOTP0001";

TEST(KeyRingTest, LastAddedKeyIsActive) {
  KeyRing ring = Ring({{"k1", 'a'}, {"k2", 'b'}});
  EXPECT_EQ(ring.active_id(), "k2");
  EXPECT_TRUE(ring.active_key().Equals(std::string(32, 'b')));
  EXPECT_EQ(ring.ids(), (std::vector<std::string>{"k1", "k2"}));
  ASSERT_TRUE(ring.SetActive("k1").ok());
  EXPECT_EQ(ring.active_id(), "k1");
  EXPECT_EQ(ring.SetActive("k9").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(ring.Find("k3"), nullptr);
  const KeyRing copy = ring.Clone();
  EXPECT_EQ(copy.active_id(), "k1");
  EXPECT_TRUE(copy.Find("k2")->Equals(*ring.Find("k2")));
}

TEST(KeyRingTest, RejectsBadIdsSizesAndDuplicates) {
  KeyRing ring = Ring({{"k1", 'a'}});
  EXPECT_EQ(ring.Add("k1", TestKey('b')).error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(ring.Add("k2", Secret(std::string(16, 'b'))).error().code(), ErrorCode::kInvalidArgument);
  for (const std::string_view bad : std::initializer_list<std::string_view>{
           "", "k:1", "k 1", "ключ", "k1\n", std::string_view("123456789012345678901234567890123")}) {
    EXPECT_EQ(ring.Add(bad, TestKey('c')).error().code(), ErrorCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(ring.size(), 1u);
  EXPECT_EQ(ring.active_id(), "k1");
  EXPECT_TRUE(KeyRing::IsValidKeyId("master-2024_01"));
}

TEST(SealerTest, RoundTripWithFreshNonce) {
  const Sealer sealer(Ring({{"k1", 'a'}}));
  const std::string sealed = sealer.Seal(kSeed, kSerial);
  EXPECT_EQ(sealed.rfind("v1:k1:", 0), 0u) << sealed;
  EXPECT_EQ(sealed.find(kSeed), std::string::npos);
  EXPECT_NE(sealer.Seal(kSeed, kSerial), sealed);
  const Result<Secret> opened = sealer.Open(sealed, kSerial);
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  EXPECT_TRUE(opened->Equals(kSeed));
  EXPECT_EQ(*Sealer::KeyIdOf(sealed), "k1");
}

TEST(SealerTest, SealsEmptyAndBinaryValues) {
  const Sealer sealer(Ring({{"k1", 'a'}}));
  const Result<Secret> empty = sealer.Open(sealer.Seal("", ""), "");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  const std::string binary("\0\xff\x01\x80", 4);
  EXPECT_TRUE(sealer.Open(sealer.Seal(binary, ""), "")->Equals(binary));
}

// Rewrites the decoded nonce|ciphertext|tag of a sealed value.
std::string FlipPayloadByte(const std::string& sealed, std::size_t index) {
  const std::size_t payload_at = sealed.rfind(':') + 1;
  std::string blob = *Base64UrlDecode(std::string_view(sealed).substr(payload_at));
  blob.at(index) = static_cast<char>(blob.at(index) ^ 0x01);
  return sealed.substr(0, payload_at) + Base64UrlEncode(blob);
}

TEST(SealerTest, DetectsTampering) {
  const Sealer sealer(Ring({{"k1", 'a'}, {"k2", 'b'}}));
  const std::string sealed = sealer.Seal(kSeed, kSerial);
  const std::size_t tag_at = Sealer::kNonceSize + kSeed.size();
  struct Case {
    std::string name;
    std::string sealed;
    std::string_view associated_data;
  };
  const Case cases[] = {
      {"nonce", FlipPayloadByte(sealed, 0), kSerial},
      {"ciphertext first byte", FlipPayloadByte(sealed, Sealer::kNonceSize), kSerial},
      {"ciphertext last byte", FlipPayloadByte(sealed, tag_at - 1), kSerial},
      {"tag", FlipPayloadByte(sealed, tag_at + Sealer::kTagSize - 1), kSerial},
      {"key id swapped to another known key", "v1:k1:" + sealed.substr(6), kSerial},
      {"associated data", sealed, "TOTP0002"},
      {"associated data missing", sealed, ""},
      {"truncated", sealed.substr(0, sealed.size() - 4), kSerial},
      {"not base64url", sealed + "!", kSerial},
      {"too short", "v1:k2:AAAA", kSerial},
      {"no version", sealed.substr(3), kSerial},
      {"other version", "v2" + sealed.substr(2), kSerial},
      {"no key id", "v1:" + sealed.substr(6), kSerial},
      {"empty", "", kSerial},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const Result<Secret> opened = sealer.Open(c.sealed, c.associated_data);
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.error().code(), ErrorCode::kCorrupted) << opened.error().ToString();
  }
  EXPECT_TRUE(sealer.Open(sealed, kSerial).ok());
}

TEST(SealerTest, UnknownKeyIdIsNotFoundAndNamed) {
  const Sealer sealer(Ring({{"k1", 'a'}}));
  const std::string sealed = sealer.Seal(kSeed, kSerial);
  const Result<Secret> opened = sealer.Open("v1:k7:" + sealed.substr(6), kSerial);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(opened.error().message().find("'k7'"), std::string::npos);
}

TEST(SealerTest, RotationKeepsOldValuesOpen) {
  const Sealer before(Ring({{"k1", 'a'}}));
  const std::string old_sealed = before.Seal(kSeed, kSerial);
  const Sealer after(Ring({{"k1", 'a'}, {"k2", 'b'}}));
  const std::string new_sealed = after.Seal(kSeed, kSerial);
  EXPECT_EQ(*Sealer::KeyIdOf(new_sealed), "k2");
  EXPECT_TRUE(after.Open(old_sealed, kSerial)->Equals(kSeed));
  EXPECT_TRUE(after.Open(new_sealed, kSerial)->Equals(kSeed));
  EXPECT_EQ(before.Open(new_sealed, kSerial).error().code(), ErrorCode::kNotFound);
}

TEST(SealerTest, SameIdWithAnotherKeyDoesNotOpen) {
  const Sealer a(Ring({{"k1", 'a'}}));
  const Sealer b(Ring({{"k1", 'b'}}));
  EXPECT_EQ(b.Open(a.Seal(kSeed, kSerial), kSerial).error().code(), ErrorCode::kCorrupted);
}

// The key id is authenticated too: a value relabelled to another id does not open even if that id holds
// the same key bytes (e.g. a key re-added under a new name).
TEST(SealerTest, KeyIdIsAuthenticated) {
  const Sealer sealer(Ring({{"k1", 'a'}, {"k2", 'a'}}));
  const std::string sealed = sealer.Seal(kSeed, kSerial);
  ASSERT_EQ(sealed.rfind("v1:k2:", 0), 0u);
  EXPECT_EQ(sealer.Open("v1:k1:" + sealed.substr(6), kSerial).error().code(), ErrorCode::kCorrupted);
}

TEST(SealerTest, RequiresAKey) { EXPECT_THROW(Sealer{KeyRing()}, std::invalid_argument); }

}  // namespace
}  // namespace osprey::crypto
