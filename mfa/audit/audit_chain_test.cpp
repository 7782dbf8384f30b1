#include "mfa/audit/audit_chain.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "osprey/core/crypto.hpp"

namespace osprey::mfa::audit::internal {
namespace {

TEST(AuditChainTest, CanonicalEncodingIsUnambiguousAcrossFieldBoundaries) {
  StoredEntry a, b;
  a.serial = "ab";
  a.token_type = "c";
  b.serial = "a";
  b.token_type = "bc";
  EXPECT_NE(Canonical(a), Canonical(b));
  StoredEntry c = a;
  EXPECT_EQ(Canonical(a), Canonical(c));
}

TEST(AuditChainTest, MacCoversEveryFieldButIdAndMac) {
  const Secret key = crypto::RandomSecret(32);
  StoredEntry base;
  base.date_us = 1;
  base.action = "POST /validate/check";
  base.kid = "k1";
  const std::string mac = EntryMac(key, base);
  EXPECT_EQ(mac.size(), 64u);

  StoredEntry same = base;
  same.id = 99;
  same.mac = "whatever";
  EXPECT_EQ(EntryMac(key, same), mac);

  auto differs = [&](auto mutate) {
    StoredEntry e = base;
    mutate(e);
    return EntryMac(key, e) != mac;
  };
  EXPECT_TRUE(differs([](StoredEntry& e) { e.date_us = 2; }));
  EXPECT_TRUE(differs([](StoredEntry& e) { e.success = 1; }));
  EXPECT_TRUE(differs([](StoredEntry& e) { e.duration_us = 5; }));
  EXPECT_TRUE(differs([](StoredEntry& e) { e.kid = "k2"; }));
  EXPECT_TRUE(differs([](StoredEntry& e) { e.prev = "00"; }));
  for (std::string StoredEntry::*field :
       {&StoredEntry::action, &StoredEntry::authentication, &StoredEntry::serial, &StoredEntry::token_type,
        &StoredEntry::user, &StoredEntry::realm, &StoredEntry::resolver, &StoredEntry::administrator,
        &StoredEntry::action_detail, &StoredEntry::info, &StoredEntry::privacyidea_server,
        &StoredEntry::client, &StoredEntry::user_agent, &StoredEntry::policies, &StoredEntry::thread_id}) {
    EXPECT_TRUE(differs([&](StoredEntry& e) { (e.*field) += "x"; }));
  }
  EXPECT_NE(EntryMac(crypto::RandomSecret(32), base), mac);
}

TEST(AuditChainTest, SanitizeFieldKeepsValidUtf8AndReplacesTheRest) {
  struct Case {
    std::string in, out;
  };
  const Case cases[] = {
      {"alice", "alice"},
      {"K\xC3\xB6lbel", "K\xC3\xB6lbel"},        // ö
      {"\xF0\x9F\x94\x91", "\xF0\x9F\x94\x91"},  // 4-byte sequence
      {std::string("a\0b", 3),
       "a\xEF\xBF\xBD"
       "b"},                                                     // NUL
      {"\xFF", "\xEF\xBF\xBD"},                                  // invalid byte
      {"\xC3", "\xEF\xBF\xBD"},                                  // truncated sequence
      {"\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},  // surrogate
      {"\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD"},                  // overlong
  };
  for (const Case& c : cases) EXPECT_EQ(SanitizeField(c.in), c.out) << c.in;
  EXPECT_EQ(SanitizeField(std::string(5000, 'x')).size(), kMaxFieldBytes);
  // A multi-byte character is never cut in half.
  const std::string cut = SanitizeField(std::string(kMaxFieldBytes - 1, 'x') + "\xC3\xB6");
  EXPECT_EQ(cut, std::string(kMaxFieldBytes - 1, 'x'));
}

TEST(AuditChainTest, CheckpointSealCoversItsFields) {
  const Secret key = crypto::RandomSecret(32);
  Checkpoint c{10, "abc", 10, 5, "k1", ""};
  const std::string seal = CheckpointSeal(key, c);
  Checkpoint d = c;
  d.upto_id = 11;
  EXPECT_NE(CheckpointSeal(key, d), seal);
  d = c;
  d.mac = "abd";
  EXPECT_NE(CheckpointSeal(key, d), seal);
  d = c;
  d.seal = "ignored";
  EXPECT_EQ(CheckpointSeal(key, d), seal);
}

TEST(AuditChainTest, ChainKeysAreDerivedPerKeyIdAndKeepTheActiveOne) {
  crypto::KeyRing hash;
  ASSERT_TRUE(hash.Add("k1", crypto::RandomSecret(32)).ok());
  ASSERT_TRUE(hash.Add("k2", crypto::RandomSecret(32)).ok());
  ASSERT_TRUE(hash.SetActive("k1").ok());
  crypto::KeyRing chain = DeriveChainKeys(hash);
  EXPECT_EQ(chain.ids(), hash.ids());
  EXPECT_EQ(chain.active_id(), "k1");
  EXPECT_FALSE(chain.Find("k1")->Equals(*hash.Find("k1")));
  EXPECT_FALSE(chain.Find("k1")->Equals(*chain.Find("k2")));
  EXPECT_THROW(DeriveChainKeys(crypto::KeyRing()), std::invalid_argument);
}

TEST(AuditChainTest, StoredFormRoundTrips) {
  AuditEntry e;
  e.action = "POST /token/init";
  e.success = true;
  e.duration = 0.0125;
  e.user = "alice";
  const Clock::TimePoint now = Clock::TimePoint(std::chrono::microseconds(1'700'000'000'123'456));
  StoredEntry s = ToStored(e, now);
  EXPECT_EQ(s.date_us, 1'700'000'000'123'456);
  EXPECT_EQ(s.duration_us, 12500);
  EXPECT_EQ(s.success, 1);
  AuditEntry back = ToEntry(s);
  EXPECT_EQ(back.date, now);
  EXPECT_DOUBLE_EQ(back.duration, 0.0125);
  EXPECT_EQ(back.user, "alice");
  e.date = now - std::chrono::hours(1);
  EXPECT_EQ(ToStored(e, now).date_us, 1'700'000'000'123'456 - 3'600'000'000);
}

}  // namespace
}  // namespace osprey::mfa::audit::internal
