#include "mfa/audit/audit_log.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "mfa/audit/audit_test_support.hpp"
#include "osprey/sql/run.hpp"

namespace osprey::mfa::audit {
namespace {

using testing::AuditTest;
using testing::Sample;

class AuditLogTest : public AuditTest {
 protected:
  AuditPage QueryOrDie(const AuditFilter& filter) {
    auto page = log_->Query(filter);
    EXPECT_TRUE(page.ok()) << page.error().ToString();
    return page.ok() ? *page : AuditPage{};
  }
  std::vector<std::string> Users(const AuditPage& page) {
    std::vector<std::string> users;
    for (const auto& e : page.entries) users.push_back(e.user);
    return users;
  }
};
OSPREY_INSTANTIATE_FOR_ENGINES(AuditLogTest);

TEST_P(AuditLogTest, MigrationsApplyOnce) {
  auto again = sql::ApplyMigrations(*db_, AuditMigrations());
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(*again, 0);
  EXPECT_EQ(*sql::CurrentVersion(*db_, "mfa_audit"), 1);
}

TEST_P(AuditLogTest, AppendedEntryReadsBackWithEveryField) {
  AuditEntry e = Sample("POST /validate/check");
  e.administrator = "admin";
  e.action_detail = "detail";
  e.user_agent = "privacyidea-cp/2.0";
  e.policies = "pol1,pol2";
  e.thread_id = "140123";
  e.duration = 0.25;
  e.privacyidea_server = "osprey.example";
  AppendOrDie(e);
  AuditPage page = QueryOrDie({});
  ASSERT_EQ(page.count, 1);
  ASSERT_EQ(page.entries.size(), 1u);
  const AuditEntry& got = page.entries[0];
  EXPECT_GT(got.number, 0);
  EXPECT_EQ(got.date, clock_.Now());  // zero date → the clock's time
  EXPECT_EQ(got.action, e.action);
  EXPECT_TRUE(got.success);
  EXPECT_EQ(got.serial, e.serial);
  EXPECT_EQ(got.token_type, e.token_type);
  EXPECT_EQ(got.user, e.user);
  EXPECT_EQ(got.realm, e.realm);
  EXPECT_EQ(got.resolver, e.resolver);
  EXPECT_EQ(got.administrator, "admin");
  EXPECT_EQ(got.action_detail, "detail");
  EXPECT_EQ(got.info, e.info);
  EXPECT_EQ(got.client, e.client);
  EXPECT_EQ(got.user_agent, e.user_agent);
  EXPECT_EQ(got.policies, e.policies);
  EXPECT_EQ(got.authentication, "ACCEPT");
  EXPECT_EQ(got.thread_id, "140123");
  EXPECT_DOUBLE_EQ(got.duration, 0.25);
  EXPECT_EQ(got.privacyidea_server, "osprey.example");
  EXPECT_TRUE(got.sig_ok);
  EXPECT_TRUE(got.link_ok);
}

TEST_P(AuditLogTest, BadTextIsStoredSanitizedOnBothEngines) {
  AuditEntry e = Sample("GET /validate/check");
  e.user = std::string("bad\0\xFFname", 9);
  e.info = std::string(3000, 'i');
  AppendOrDie(e);
  AuditPage page = QueryOrDie({});
  ASSERT_EQ(page.entries.size(), 1u);
  EXPECT_EQ(page.entries[0].user, "bad\xEF\xBF\xBD\xEF\xBF\xBDname");
  EXPECT_EQ(page.entries[0].info.size(), 1024u);
  EXPECT_TRUE(VerifyOrDie().ok);
}

TEST_P(AuditLogTest, FiltersFollowPrivacyIdea) {
  AuditEntry a = Sample("POST /validate/check", "alice");
  AuditEntry b = Sample("POST /validate/check", "bob", false);
  AuditEntry c = Sample("POST /token/init", "al_x");
  c.serial = "TOTP0001";
  AuditEntry d = Sample("DELETE /token/OATH%1", "carol");
  AppendOrDie(a);
  AppendOrDie(b);
  AppendOrDie(c);
  AppendOrDie(d);
  struct Case {
    std::map<std::string, std::string> columns;
    std::vector<std::string> users;  // newest first
  };
  const Case cases[] = {
      {{}, {"carol", "al_x", "bob", "alice"}},
      {{{"user", "alice"}}, {"alice"}},
      {{{"user", "al*"}}, {"al_x", "alice"}},
      {{{"user", "al_*"}}, {"al_x"}},  // '_' is literal, not a LIKE wildcard
      {{{"user", "!alice"}}, {"carol", "al_x", "bob"}},
      {{{"user", "!al*"}}, {"carol", "bob"}},
      {{{"user", "*"}}, {"carol", "al_x", "bob", "alice"}},  // '*' alone is no filter
      {{{"user", "  "}}, {"carol", "al_x", "bob", "alice"}},
      {{{"success", "0"}}, {"bob"}},
      {{{"success", "1"}}, {"carol", "al_x", "alice"}},
      {{{"success", "*True*"}}, {"carol", "al_x", "alice"}},
      {{{"action", "*/validate/*"}}, {"bob", "alice"}},
      {{{"action", "*%1"}}, {"carol"}},  // '%' is literal
      {{{"action", "*%"}}, {}},
      {{{"serial", "TOTP*"}, {"realm", "realm1"}}, {"al_x"}},
      {{{"authentication", "REJECT"}}, {"bob"}},
      {{{"nosuchcolumn", "x"}, {"sortname", "y"}}, {"carol", "al_x", "bob", "alice"}},
      {{{"user", "nobody"}}, {}},
  };
  for (const Case& c : cases) {
    AuditFilter filter;
    filter.columns = c.columns;
    AuditPage page = QueryOrDie(filter);
    std::string label;
    for (const auto& [k, v] : c.columns) label += k + "=" + v + " ";
    EXPECT_EQ(Users(page), c.users) << label;
    EXPECT_EQ(page.count, static_cast<std::int64_t>(c.users.size())) << label;
  }
}

TEST_P(AuditLogTest, SortOrderPagingAndTimeLimit) {
  for (int i = 1; i <= 7; ++i) {
    AppendOrDie(Sample("GET /token/", "u" + std::to_string(i)));
    clock_.Advance(std::chrono::hours(1));
  }
  AuditFilter filter;
  filter.page_size = 3;
  EXPECT_EQ(Users(QueryOrDie(filter)), (std::vector<std::string>{"u7", "u6", "u5"}));
  filter.page = 3;
  AuditPage last = QueryOrDie(filter);
  EXPECT_EQ(Users(last), (std::vector<std::string>{"u1"}));
  EXPECT_EQ(last.count, 7);
  filter.page = 1;
  filter.sortorder = "asc";
  EXPECT_EQ(Users(QueryOrDie(filter)), (std::vector<std::string>{"u1", "u2", "u3"}));
  filter.page_size = 15;
  filter.since = clock_.Now() - std::chrono::hours(3);  // u5 was 3 hours ago
  AuditPage recent = QueryOrDie(filter);
  EXPECT_EQ(Users(recent), (std::vector<std::string>{"u5", "u6", "u7"}));
  EXPECT_EQ(recent.count, 3);
  filter.page = 0;  // clamped to 1
  filter.page_size = -5;
  EXPECT_EQ(QueryOrDie(filter).entries.size(), 1u);
}

TEST_P(AuditLogTest, AppendInJoinsTheCallersTransaction) {
  AppendOrDie(Sample("first"));
  const AuditEntry batch[] = {Sample("second"), Sample("third")};
  EXPECT_THROW((void)db_->WithTransaction([&](soci::session& s) {
    log_->AppendIn(s, batch);
    throw std::runtime_error("the caller's work failed");
  }),
               std::runtime_error);
  EXPECT_EQ(QueryOrDie({}).count, 1);
  Status st = sql::RunTransaction(*db_, "test", [&](soci::session& s) { log_->AppendIn(s, batch); });
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  AuditFilter asc;
  asc.sortorder = "asc";
  AuditPage page = QueryOrDie(asc);
  ASSERT_EQ(page.entries.size(), 3u);
  EXPECT_EQ(page.entries[1].action, "second");
  EXPECT_EQ(page.entries[2].action, "third");
  VerifyReport report = VerifyOrDie();
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.checked, 3);
}

// The validator's group commit appends once per request inside one transaction: the chain is locked and its
// head read by the first append only, the later ones continue from the entry before. Other writers append
// concurrently, and one batch fails and is rolled back after it appended: the chain stays linear.
TEST_P(AuditLogTest, AppendsOfOneTransactionContinueTheChainWhileOthersAppend) {
  std::atomic<bool> stop{false};
  std::atomic<int> others{0};
  std::thread other([&] {
    while (!stop) {
      if (log_->Append(Sample("other")).ok()) ++others;
    }
  });
  constexpr int kBatches = 20, kEach = 5;
  int failed = 0;
  for (int b = 0; b < kBatches; ++b) {
    const bool fail = b == 7;
    Status st = sql::RunTransaction(*db_, "batch", [&](soci::session& s) {
      for (int i = 0; i < kEach; ++i) {
        const AuditEntry entry = Sample("batch" + std::to_string(b));
        log_->AppendIn(s, std::span<const AuditEntry>(&entry, 1));
      }
      if (fail) throw std::runtime_error("a job of the batch failed");
    });
    if (!st.ok()) ++failed;
  }
  stop = true;
  other.join();
  EXPECT_EQ(failed, 1);
  const std::int64_t expected = (kBatches - 1) * kEach + others.load();
  EXPECT_EQ(QueryOrDie({}).count, expected);
  VerifyReport report = VerifyOrDie();
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.checked, expected);
}

// Writers in several threads (and so several sessions) must still build one linear chain: SQLite serializes
// them with its write lock, PostgreSQL with serializable transactions that retry.
TEST_P(AuditLogTest, ConcurrentAppendsBuildOneLinearChain) {
  constexpr int kThreads = 6, kEach = 30;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const AuditEntry pair[] = {Sample("t" + std::to_string(t)), Sample("t" + std::to_string(t) + "b")};
        Status st = i % 2 == 0 ? log_->Append(pair[0])
                               : sql::RunTransaction(*db_, "test",
                                                     [&](soci::session& s) { log_->AppendIn(s, pair); });
        if (!st.ok()) {
          ADD_FAILURE() << st.error().ToString();
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(failures.load(), 0);
  const std::int64_t expected = kThreads * (kEach / 2 + 2 * (kEach / 2));
  EXPECT_EQ(QueryOrDie({}).count, expected);
  VerifyReport report = VerifyOrDie();
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.checked, expected);
}

// A writer that reads before it appends (as the validator does) and takes the lock first keeps a linear chain
// without exhausting its retries while others append.
TEST_P(AuditLogTest, ReadThenAppendWithLockInFirst) {
  constexpr int kThreads = 4, kEach = 15;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        const AuditEntry entry = Sample("read then append");
        Status st = sql::RunTransaction(*db_, "test", [&](soci::session& s) {
          log_->LockIn(s);
          int n = 0;
          s << "SELECT CAST(COUNT(*) AS INTEGER) FROM mfa_audit_checkpoint", soci::into(n);
          log_->AppendIn(s, std::span<const AuditEntry>(&entry, 1));
        });
        if (!st.ok()) {
          ADD_FAILURE() << st.error().ToString();
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(failures.load(), 0);
  VerifyReport report = VerifyOrDie();
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.checked, kThreads * kEach);
}

}  // namespace
}  // namespace osprey::mfa::audit
