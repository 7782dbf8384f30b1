#include "mfa/auth/jwt.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "osprey/core/crypto.hpp"
#include "osprey/core/encoding.hpp"

namespace osprey::mfa::auth::jwt {
namespace {

constexpr std::int64_t kNow = 1'700'000'000;

class JwtTest : public ::testing::Test {
 protected:
  Decoded Decode(std::string_view token) const {
    return DecodeHs256(
        token,
        [this](std::string_view kid, bool has_kid) -> const Secret* {
          if (!has_kid || kid == "k1") return &key_;
          if (kid == "k2") return &other_;
          return nullptr;
        },
        kNow);
  }
  static nlohmann::ordered_json Claims(std::int64_t exp) {
    nlohmann::ordered_json p;
    p["username"] = "admin";
    p["exp"] = exp;
    return p;
  }
  // A token with a hand-made header and payload, correctly signed with key_ (for the alg/claim cases).
  std::string WithHeader(const std::string& header_json, const std::string& payload_json) const {
    const std::string input = Base64UrlEncode(header_json) + "." + Base64UrlEncode(payload_json);
    return input + "." + Base64UrlEncode(crypto::Hmac(crypto::HashAlgorithm::kSha256, key_.view(), input));
  }

  const Secret key_{std::string(32, 'k')};
  const Secret other_{std::string(32, 'o')};
};

// PyJWT's documented example: jwt.encode({"some": "payload"}, "secret", algorithm="HS256").
TEST_F(JwtTest, MatchesPyJwtBytesWithoutKid) {
  nlohmann::ordered_json payload;
  payload["some"] = "payload";
  EXPECT_EQ(EncodeHs256(payload, "", Secret("secret")),
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzb21lIjoicGF5bG9hZCJ9."
            "4twFt5NiznN84AWoo1d7KO1T_yoc0Z6XOpOVswacPZg");
}

TEST_F(JwtTest, HeaderCarriesSortedAlgKidTyp) {
  const std::string token = EncodeHs256(Claims(kNow + 10), "k1", key_);
  EXPECT_EQ(*Base64UrlDecode(token.substr(0, token.find('.'))), R"({"alg":"HS256","kid":"k1","typ":"JWT"})");
  EXPECT_EQ(token.find('='), std::string::npos);
}

TEST_F(JwtTest, RoundTripKeepsClaims) {
  Decoded d = Decode(EncodeHs256(Claims(kNow + 3600), "k1", key_));
  ASSERT_TRUE(d.ok) << d.detail;
  EXPECT_EQ(d.payload["username"], "admin");
  EXPECT_EQ(d.payload["exp"], kNow + 3600);
  EXPECT_EQ(d.header["kid"], "k1");
}

TEST_F(JwtTest, KidSelectsTheKey) {
  EXPECT_TRUE(Decode(EncodeHs256(Claims(kNow + 1), "k2", other_)).ok);
  Decoded wrong = Decode(EncodeHs256(Claims(kNow + 1), "k2", key_));
  EXPECT_FALSE(wrong.ok);
  EXPECT_EQ(wrong.detail, "Signature verification failed");
  Decoded unknown = Decode(EncodeHs256(Claims(kNow + 1), "k9", key_));
  EXPECT_EQ(unknown.detail, "Signature verification failed");
}

TEST_F(JwtTest, ExpiryIsExclusiveOfNow) {
  EXPECT_TRUE(Decode(EncodeHs256(Claims(kNow + 1), "k1", key_)).ok);
  Decoded at_now = Decode(EncodeHs256(Claims(kNow), "k1", key_));
  EXPECT_FALSE(at_now.ok);
  EXPECT_TRUE(at_now.expired);
  EXPECT_EQ(at_now.detail, "Signature has expired");
}

TEST_F(JwtTest, TamperedPayloadFailsTheSignature) {
  std::string token = EncodeHs256(Claims(kNow + 100), "k1", key_);
  const std::size_t first = token.find('.'), last = token.rfind('.');
  nlohmann::ordered_json forged = Claims(kNow + 100);
  forged["username"] = "root";
  token = token.substr(0, first + 1) + Base64UrlEncode(forged.dump()) + token.substr(last);
  Decoded d = Decode(token);
  EXPECT_FALSE(d.ok);
  EXPECT_FALSE(d.expired);
  EXPECT_EQ(d.detail, "Signature verification failed");
}

struct MalformedCase {
  std::string name;
  std::string token;
  std::string detail;
};

TEST_F(JwtTest, MalformedTokensGivePyJwtMessages) {
  const std::string hdr = Base64UrlEncode(R"({"alg":"HS256","typ":"JWT"})");
  const std::string body = Base64UrlEncode(R"({"exp":1800000000})");
  const std::vector<MalformedCase> cases = {
      {"empty", "", "Not enough segments"},
      {"one segment", "abc", "Not enough segments"},
      {"two segments", "abc.def", "Not enough segments"},
      {"header padding", "a." + body + ".c2ln", "Invalid header padding"},
      {"header not json", Base64UrlEncode("nope") + "." + body + ".c2ln",
       "Invalid header string: Expecting value: malformed JSON"},
      {"header not object", Base64UrlEncode("[1]") + "." + body + ".c2ln",
       "Invalid header string: must be a json object"},
      {"payload padding", hdr + ".a.c2ln", "Invalid payload padding"},
      {"crypto padding", hdr + "." + body + ".a", "Invalid crypto padding"},
      {"alg none", WithHeader(R"({"alg":"none","typ":"JWT"})", R"({"exp":1800000000})"),
       "The specified alg value is not allowed"},
      {"alg missing", WithHeader(R"({"typ":"JWT"})", R"({"exp":1800000000})"), "Algorithm not specified"},
      {"payload not object", WithHeader(R"({"alg":"HS256"})", "[1]"),
       "Invalid payload string: must be a json object"},
      {"exp missing", WithHeader(R"({"alg":"HS256"})", R"({"username":"a"})"),
       "Token is missing the \"exp\" claim"},
      {"exp not a number", WithHeader(R"({"alg":"HS256"})", R"({"exp":"soon"})"),
       "Expiration Time claim (exp) must be an integer."},
  };
  for (const auto& c : cases) {
    Decoded d = Decode(c.token);
    EXPECT_FALSE(d.ok) << c.name;
    EXPECT_FALSE(d.expired) << c.name;
    EXPECT_EQ(d.detail, c.detail) << c.name;
  }
  EXPECT_TRUE(Decode(WithHeader(R"({"alg":"HS256"})", R"({"exp":1800000000})")).ok);
}

}  // namespace
}  // namespace osprey::mfa::auth::jwt
