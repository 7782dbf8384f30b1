#include "mfa/token/token_service.hpp"

#include <gtest/gtest.h>

#include "mfa/token/test_tokens.hpp"
#include "osprey/core/otp.hpp"

namespace osprey::mfa::token {
namespace {

class TokenServiceTest : public testing::TokensTest {
 protected:
  InitResult InitOrDie(const InitParams& params, const std::optional<Secret>& pin = std::nullopt) {
    auto r = service_->Init(params, pin);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(*r) : InitResult{};
  }
  static TokenSelector Sel(std::string serial = "", std::string user = "", std::string realm = "",
                           std::string resolver = "") {
    TokenSelector s;
    s.serial = std::move(serial);
    s.user = std::move(user);
    s.realm = std::move(realm);
    s.resolver = std::move(resolver);
    return s;
  }
  static void ExpectError(const PiError& e, int http, int code, const std::string& message) {
    EXPECT_EQ(e.http_status, http);
    EXPECT_EQ(e.code, code);
    EXPECT_EQ(e.message, message);
  }
};
OSPREY_INSTANTIATE_FOR_ENGINES(TokenServiceTest);

TEST_P(TokenServiceTest, InitWithRfcKeyGivesTheSpecDetail) {
  InitResult r =
      InitOrDie({{"serial", "OATH1"}, {"otpkey", testing::kRfcKeyHex}, {"user", "alice"}}, Secret("pin"));
  EXPECT_EQ(r.serial, "OATH1");
  EXPECT_EQ(r.rollout_state, "");
  EXPECT_EQ(r.otpkey_hex, testing::kRfcKeyHex);
  EXPECT_EQ(r.value_b32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  ASSERT_TRUE(r.googleurl.has_value());
  EXPECT_EQ(
      *r.googleurl,
      "otpauth://hotp/OATH1?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=1&digits=6&creator=privacyidea&"
      "issuer=privacyIDEA&serial=OATH1");
  EXPECT_EQ(r.oathurl,
            std::string("oathtoken:///addToken?name=OATH1&lockdown=true&key=") + testing::kRfcKeyHex);
  EXPECT_EQ(r.outcome.user, "alice");
  EXPECT_EQ(r.outcome.realm, "realm1");
  EXPECT_EQ(r.outcome.token_type, "hotp");
  TokenRecord t = GetOrDie("OATH1");
  EXPECT_EQ(t.tokentype, "hotp");
  EXPECT_EQ(t.user_id, alice_.info.uid);
  EXPECT_EQ(t.realms, std::vector<std::string>{"realm1"});
  EXPECT_TRUE(store_->CheckPin(t, "pin"));
  EXPECT_TRUE(store_->OpenKey(t)->Equals(RfcKey()));
  EXPECT_EQ(t.Info("hashlib"), "sha1");
}

TEST_P(TokenServiceTest, TotpUrlCarriesAlgorithmAndPeriod) {
  InitResult r = InitOrDie({{"type", "TOTP"},
                            {"serial", "T1"},
                            {"otpkey", testing::kRfcKeyHex},
                            {"hashlib", "sha256"},
                            {"otplen", "8"},
                            {"timeStep", "60"}});
  EXPECT_EQ(*r.googleurl,
            "otpauth://totp/T1?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&algorithm=SHA256&period=60&digits=8&"
            "creator=privacyidea&issuer=privacyIDEA&serial=T1");
  EXPECT_EQ(r.oathurl.substr(r.oathurl.size() - 15), "&timeBased=true");
  TokenRecord t = GetOrDie("T1");
  EXPECT_EQ(t.tokentype, "totp");
  EXPECT_EQ(t.otplen, 8);
  EXPECT_EQ(t.Info("timeStep"), "60");
}

TEST_P(TokenServiceTest, GeneratedSerialsAndKeys) {
  InitResult a = InitOrDie({});
  ASSERT_EQ(a.serial.size(), 12u);
  EXPECT_EQ(a.serial.substr(0, 8), "OATH0000");
  EXPECT_EQ(a.serial.find_first_not_of("0123456789ABCDEF", 8), std::string::npos);
  EXPECT_EQ(a.otpkey_hex.size(), 40u);  // sha1: 20 bytes
  InitResult b = InitOrDie({});
  EXPECT_EQ(b.serial.substr(0, 8), "OATH0001");
  EXPECT_NE(a.otpkey_hex, b.otpkey_hex);
  InitResult t = InitOrDie({{"type", "totp"}, {"hashlib", "sha512"}});
  EXPECT_EQ(t.serial.substr(0, 8), "TOTP0000");
  EXPECT_EQ(t.otpkey_hex.size(), 128u);
  InitResult k = InitOrDie({{"keysize", "32"}});
  EXPECT_EQ(k.otpkey_hex.size(), 64u);
  // genkey drops a given otpkey.
  InitResult g = InitOrDie({{"genkey", "1"}, {"otpkey", testing::kRfcKeyHex}});
  EXPECT_NE(g.otpkey_hex, testing::kRfcKeyHex);
}

TEST_P(TokenServiceTest, DefaultsComeFromTheSystemConfig) {
  ASSERT_TRUE(config_->Set("DefaultOtpLen", "8").ok());
  ASSERT_TRUE(config_->Set("DefaultMaxFailCount", "3").ok());
  ASSERT_TRUE(config_->Set("hotp.hashlib", "sha256").ok());
  InitResult r = InitOrDie({{"serial", "X"}});
  TokenRecord t = GetOrDie("X");
  EXPECT_EQ(t.otplen, 8);
  EXPECT_EQ(t.maxfail, 3);
  EXPECT_EQ(t.Info("hashlib"), "sha256");
  EXPECT_EQ(r.otpkey_hex.size(), 64u);
}

TEST_P(TokenServiceTest, Base32CheckKeys) {
  // base32(SHA-1(key)[0:4] | key) for the RFC key.
  const std::string raw = *HexDecode(testing::kRfcKeyHex);
  // Known value computed independently (python: b32encode(sha1(k).digest()[:4] + k)).
  const std::string encoded = "PYFBEQRRGIZTINJWG44DSMBRGIZTINJWG44DSMA";
  InitResult r = InitOrDie({{"serial", "B"}, {"otpkey", encoded}, {"otpkeyformat", "base32check"}});
  EXPECT_EQ(r.otpkey_hex, testing::kRfcKeyHex);
  auto bad = service_->Init({{"otpkey", "AAAA" + encoded.substr(4)}, {"otpkeyformat", "base32check"}}, {});
  ASSERT_FALSE(bad.ok());
  ExpectError(bad.error(), 400, 905, "ERR905: Malformed base32check data: Incorrect checksum");
  (void)raw;
}

TEST_P(TokenServiceTest, InitErrors) {
  auto unknown = service_->Init({{"type", "nosuch"}}, {});
  ASSERT_FALSE(unknown.ok());
  ExpectError(unknown.error(), 400, 1610, "ERR1610: init token failed: unknown token type 'nosuch'");
  auto user = service_->Init({{"user", "eve"}}, {});
  ASSERT_FALSE(user.ok());
  ExpectError(user.error(), 400, 904, "ERR904: User <eve@realm1> does not exist.");
  auto badhex = service_->Init({{"otpkey", "xyz"}}, {});
  ASSERT_FALSE(badhex.ok());
  EXPECT_EQ(badhex.error().code, 905);
  InitOrDie({{"serial", "S"}});
  auto retype = service_->Init({{"serial", "S"}, {"type", "totp"}}, {});
  ASSERT_FALSE(retype.ok());
  EXPECT_EQ(retype.error().code, 1611);
}

TEST_P(TokenServiceTest, ReinitReplacesTheKeyAndResetsCounters) {
  InitOrDie({{"serial", "S"}, {"otpkey", testing::kRfcKeyHex}});
  TokenRecord t = GetOrDie("S");
  t.count = 5;
  t.failcount = 2;
  ASSERT_TRUE(store_->Save(t).ok());
  InitResult again = InitOrDie({{"serial", "S"}});
  TokenRecord after = GetOrDie("S");
  EXPECT_EQ(after.count, 0);
  EXPECT_EQ(after.failcount, 0);
  EXPECT_TRUE(store_->OpenKey(after)->Equals(Secret(*HexDecode(again.otpkey_hex))));
}

TEST_P(TokenServiceTest, SelectorErrors) {
  ExpectError(service_->Enable(Sel(), true).error(), 400, 905,
              "ERR905: You either need to provide user or serial");
  ExpectError(service_->Enable(Sel("NOPE"), true).error(), 404, 601,
              "The requested token could not be found.");
  ExpectError(service_->Enable(Sel("", "eve"), true).error(), 400, 904,
              "ERR904: User <eve@realm1> does not exist.");
  ExpectError(service_->Enable(Sel("", "eve", "", "res1"), true).error(), 400, 904,
              "ERR904: User <eve.res1@realm1> does not exist.");
  ExpectError(service_->Enable(Sel("", "alice@nosuch"), true).error(), 400, 904,
              "ERR904: User <alice@nosuch@realm1> does not exist.");
  AddHotp("BOBS", &bob_);
  // A serial that is not the user's own is not found for that user.
  ExpectError(service_->Enable(Sel("BOBS", "alice"), true).error(), 404, 601,
              "The requested token could not be found.");
}

TEST_P(TokenServiceTest, EnableDisableCountActualChanges) {
  AddHotp("A1", &alice_);
  AddHotp("A2", &alice_);
  EXPECT_EQ(service_->Enable(Sel("A1"), true)->value, 0);
  EXPECT_EQ(service_->Enable(Sel("A1"), false)->value, 1);
  EXPECT_FALSE(GetOrDie("A1").active);
  auto all = service_->Enable(Sel("", "alice"), false);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->value, 1);
  EXPECT_EQ(all->serial, "A1,A2");
  EXPECT_EQ(all->user, "alice");
  EXPECT_EQ(service_->Enable(Sel("", "alice@realm1"), true)->value, 2);
}

TEST_P(TokenServiceTest, RevokeResetAndDelete) {
  AddHotp("A1", &alice_);
  TokenRecord t = GetOrDie("A1");
  t.failcount = 7;
  t.info["failcounter_exceeded"] = "x";
  ASSERT_TRUE(store_->Save(t).ok());
  EXPECT_EQ(service_->Reset(Sel("A1"))->value, 1);
  EXPECT_EQ(GetOrDie("A1").failcount, 0);
  EXPECT_EQ(GetOrDie("A1").Info("failcounter_exceeded"), "");
  EXPECT_EQ(service_->Reset(Sel("A1"))->value, 1);  // already 0 still counts
  auto revoked = service_->Revoke(Sel("A1"));
  ASSERT_TRUE(revoked.ok());
  EXPECT_EQ(revoked->value, 1);
  EXPECT_EQ(revoked->user, "alice");
  t = GetOrDie("A1");
  EXPECT_TRUE(t.revoked);
  EXPECT_TRUE(t.locked);
  EXPECT_FALSE(t.active);
  EXPECT_EQ(service_->Delete(Sel("A1"))->value, 1);
  EXPECT_EQ(service_->Delete(Sel("A1")).error().http_status, 404);
}

TEST_P(TokenServiceTest, ResyncHotp) {
  AddHotp("A1");
  EXPECT_EQ(service_->Resync(Sel("A1"), "254676", "287922")->value, 1);  // HOTP(5), HOTP(6)
  EXPECT_EQ(GetOrDie("A1").count, 7);
  EXPECT_EQ(service_->Resync(Sel("A1"), "254676", "287922")->value, 0);  // now behind the counter
  EXPECT_EQ(GetOrDie("A1").count, 7);
}

TEST_P(TokenServiceTest, ResyncClearsFailcountOnlyWithDefaultResetFailCount) {
  AddHotp("A1");
  TokenRecord t = GetOrDie("A1");
  t.failcount = 3;
  ASSERT_TRUE(store_->Save(t).ok());
  ASSERT_EQ(service_->Resync(Sel("A1"), "755224", "287082")->value, 1);
  EXPECT_EQ(GetOrDie("A1").failcount, 3);
  ASSERT_TRUE(config_->Set("DefaultResetFailCount", "True").ok());
  ASSERT_EQ(service_->Resync(Sel("A1"), "359152", "969429")->value, 1);
  EXPECT_EQ(GetOrDie("A1").failcount, 0);
}

TEST_P(TokenServiceTest, SetPinCountsEachKind) {
  AddHotp("A1");
  EXPECT_EQ(service_->SetPin(Sel("A1"), Secret("p"), std::nullopt, std::nullopt)->value, 1);
  EXPECT_TRUE(store_->CheckPin(GetOrDie("A1"), "p"));
  EXPECT_EQ(service_->SetPin(Sel("A1"), Secret("q"), Secret("u"), Secret("s"))->value, 3);
  EXPECT_TRUE(store_->CheckPin(GetOrDie("A1"), "q"));
  EXPECT_EQ(service_->SetPin(Sel("A1"), std::nullopt, std::nullopt, std::nullopt)->value, 0);
}

TEST_P(TokenServiceTest, AssignAndUnassign) {
  AddHotp("A1");
  auto assigned = service_->Assign(Sel("A1", "alice"), Secret("pin"));
  ASSERT_TRUE(assigned.ok()) << assigned.error().message;
  EXPECT_EQ(assigned->value, 1);
  TokenRecord t = GetOrDie("A1");
  EXPECT_EQ(t.user_id, alice_.info.uid);
  EXPECT_EQ(t.resolver, "res1");
  EXPECT_EQ(t.user_realm, "realm1");
  EXPECT_EQ(t.realms, std::vector<std::string>{"realm1"});
  EXPECT_TRUE(store_->CheckPin(t, "pin"));
  auto again = service_->Assign(Sel("A1", "bob"), std::nullopt);
  ASSERT_FALSE(again.ok());
  ExpectError(again.error(), 400, 1103,
              "ERR1103: Token already assigned to user User(login='alice', realm='realm1', resolver='res1')");
  ExpectError(service_->Assign(Sel("A1", "bob"), std::nullopt, true).error(), 400, 1103,
              "ERR1103: Token already assigned to another user.");
  ExpectError(service_->Assign(Sel("A1"), std::nullopt).error(), 400, 905,
              "ERR905: Missing parameter: 'user'");
  auto un = service_->Unassign(Sel("", "alice"));
  ASSERT_TRUE(un.ok());
  EXPECT_EQ(un->value, 1);
  t = GetOrDie("A1");
  EXPECT_TRUE(t.user_id.empty());
  EXPECT_TRUE(store_->CheckPin(t, ""));
  EXPECT_TRUE(service_->Assign(Sel("A1", "bob"), std::nullopt).ok());
}

TEST_P(TokenServiceTest, DescriptionInfoAndRealms) {
  AddHotp("A1");
  EXPECT_EQ(service_->SetDescription(Sel("A1"), "my phone")->value, 1);
  EXPECT_EQ(GetOrDie("A1").description, "my phone");
  EXPECT_EQ(service_->SetInfo(Sel("A1"), "k", "v")->value, 1);
  EXPECT_EQ(service_->GetInfo(Sel("A1"))->at("k"), "v");
  EXPECT_EQ(service_->DeleteInfo(Sel("A1"), "k")->value, 1);
  EXPECT_EQ(service_->GetInfo(Sel("A1"))->count("k"), 0u);
  EXPECT_EQ(service_->SetRealms(Sel("A1"), {"Realm1", "nosuch"})->value, 1);
  EXPECT_EQ(GetOrDie("A1").realms, std::vector<std::string>{"realm1"});
  EXPECT_EQ(service_->SetRealms(Sel("NOPE"), {}).error().http_status, 404);
}

TEST_P(TokenServiceTest, ListPagesAndResolvesOwners) {
  for (int i = 0; i < 17; ++i) {
    char serial[16];
    std::snprintf(serial, sizeof serial, "S%02d", i);
    AddHotp(serial, i < 3 ? &alice_ : nullptr);
  }
  TokenListQuery q;
  auto first = service_->List(q);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->count, 17);
  EXPECT_EQ(first->tokens.size(), 15u);
  EXPECT_FALSE(first->prev.has_value());
  EXPECT_EQ(first->next, 2);
  EXPECT_EQ(first->current, 1);
  EXPECT_EQ(first->tokens[0].username, "alice");
  EXPECT_TRUE(first->tokens[0].user_editable);
  EXPECT_EQ(first->tokens[5].username, "");
  q.filter.page = 2;
  auto second = service_->List(q);
  EXPECT_EQ(second->prev, 1);
  EXPECT_FALSE(second->next.has_value());
  EXPECT_EQ(second->tokens.size(), 2u);
  TokenListQuery mine;
  mine.user = "alice";
  EXPECT_EQ(service_->List(mine)->count, 3);
  mine.user = "eve";
  EXPECT_EQ(service_->List(mine).error().code, 904);
  TokenListQuery realm;
  realm.realm = "realm1";
  EXPECT_EQ(service_->List(realm)->count, 3);
}

}  // namespace
}  // namespace osprey::mfa::token
