#include "osprey/core/crypto.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "osprey/core/encoding.hpp"

namespace osprey::crypto {
namespace {

TEST(CryptoTest, RandomBytesHaveTheRequestedSizeAndDiffer) {
  EXPECT_EQ(RandomBytes(0).size(), 0u);
  EXPECT_EQ(RandomBytes(32).size(), 32u);
  EXPECT_NE(RandomBytes(32), RandomBytes(32));
  const Secret s = RandomSecret(32);
  EXPECT_EQ(s.size(), 32u);
  EXPECT_FALSE(s.Equals(RandomSecret(32)));
}

TEST(CryptoTest, RandomUniformStaysBelowTheBoundAndCoversIt) {
  std::set<std::uint32_t> seen;
  for (int i = 0; i < 200; ++i) {
    const std::uint32_t v = RandomUniform(5);
    ASSERT_LT(v, 5u);
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(RandomUniform(1), 0u);
  EXPECT_THROW((void)RandomUniform(0), std::invalid_argument);
}

TEST(CryptoTest, RandomDigitsAreDecimalAndUseEveryDigit) {
  EXPECT_EQ(RandomDigits(0), "");
  const std::string id = RandomDigits(20);
  ASSERT_EQ(id.size(), 20u);
  EXPECT_EQ(id.find_first_not_of("0123456789"), std::string::npos);
  const std::string many = RandomDigits(2000);
  for (char d = '0'; d <= '9'; ++d) EXPECT_NE(many.find(d), std::string::npos) << d;
  EXPECT_NE(RandomDigits(20), RandomDigits(20));
}

TEST(CryptoTest, RandomHexUpperIsUpperCaseHexOfTheRequestedLength) {
  for (const std::size_t n : {0u, 1u, 7u, 8u, 33u}) {
    const std::string s = RandomHexUpper(n);
    EXPECT_EQ(s.size(), n);
    EXPECT_EQ(s.find_first_not_of("0123456789ABCDEF"), std::string::npos) << s;
  }
  const std::string many = RandomHexUpper(1000);
  EXPECT_NE(many.find('F'), std::string::npos);
  EXPECT_NE(many.find('0'), std::string::npos);
}

TEST(CryptoTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("123456", "123456"));
  EXPECT_FALSE(ConstantTimeEquals("123456", "123457"));
  EXPECT_FALSE(ConstantTimeEquals("123456", "12345"));
  EXPECT_FALSE(ConstantTimeEquals("", "1"));
}

TEST(CryptoTest, ParseHashAlgorithmIgnoresCase) {
  struct Case {
    std::string_view name;
    HashAlgorithm expected;
  };
  for (const Case& c : {Case{"sha1", HashAlgorithm::kSha1}, Case{"SHA1", HashAlgorithm::kSha1},
                        Case{"sha256", HashAlgorithm::kSha256}, Case{"Sha256", HashAlgorithm::kSha256},
                        Case{"SHA512", HashAlgorithm::kSha512}}) {
    const Result<HashAlgorithm> r = ParseHashAlgorithm(c.name);
    ASSERT_TRUE(r.ok()) << c.name;
    EXPECT_EQ(*r, c.expected);
  }
  for (const std::string_view bad : {"", "md5", "sha", "sha-256", "sha2561", "sha384"}) {
    const Result<HashAlgorithm> r = ParseHashAlgorithm(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message().find("sha256"), std::string::npos);
  }
  EXPECT_EQ(HashAlgorithmName(HashAlgorithm::kSha256), "sha256");
  EXPECT_EQ(DigestSize(HashAlgorithm::kSha512), 64u);
}

// RFC 4231 test cases 1, 2 and 6 (a key longer than the block size), plus the RFC 2202 SHA-1 cases 1 and 2.
TEST(CryptoTest, HmacMatchesPublishedVectors) {
  struct Case {
    HashAlgorithm algorithm;
    std::string key;
    std::string data;
    std::string_view hex;
  };
  const std::string key20(20, '\x0b');
  const std::string key131(131, '\xaa');
  const std::string big = "Test Using Larger Than Block-Size Key - Hash Key First";
  const Case cases[] = {
      {HashAlgorithm::kSha1, key20, "Hi There", "b617318655057264e28bc0b6fb378c8ef146be00"},
      {HashAlgorithm::kSha1, "Jefe", "what do ya want for nothing?",
       "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
      {HashAlgorithm::kSha256, key20, "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {HashAlgorithm::kSha256, "Jefe", "what do ya want for nothing?",
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {HashAlgorithm::kSha256, key131, big,
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {HashAlgorithm::kSha512, key20, "Hi There",
       "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
       "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.hex);
    EXPECT_EQ(HexEncode(Hmac(c.algorithm, c.key, c.data)), c.hex);
  }
}

TEST(CryptoTest, HmacRekeysTheCachedContextOnEveryCall) {
  const std::string a = Hmac(HashAlgorithm::kSha256, "key-a", "data");
  const std::string b = Hmac(HashAlgorithm::kSha256, "key-b", "data");
  EXPECT_NE(a, b);
  EXPECT_EQ(Hmac(HashAlgorithm::kSha256, "key-a", "data"), a);
  // An empty key must not silently reuse the previous caller's key.
  const std::string empty = Hmac(HashAlgorithm::kSha256, "", "data");
  EXPECT_NE(empty, a);
  EXPECT_EQ(Hmac(HashAlgorithm::kSha256, std::string_view(), "data"), empty);
  EXPECT_EQ(HexEncode(Hmac(HashAlgorithm::kSha256, "", "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(CryptoTest, HmacPartsEqualsHmacOfTheConcatenation) {
  const MacBytes parts = HmacParts(HashAlgorithm::kSha1, "k", {"ab", "", "cd"});
  EXPECT_EQ(parts.size, 20u);
  EXPECT_EQ(parts.view(), Hmac(HashAlgorithm::kSha1, "k", "abcd"));
}

TEST(CryptoTest, Sha256MatchesFips180Vector) {
  EXPECT_EQ(HexEncode(Sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HexEncode(Sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace osprey::crypto
