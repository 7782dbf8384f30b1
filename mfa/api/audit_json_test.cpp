#include "mfa/api/audit_json.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

namespace osprey::mfa::api::audit_api {
namespace {

using std::chrono::seconds;

Params ParamsOf(const http::Pairs& query) {
  http::Request request;
  request.query = query;
  request.headers.Set("User-Agent", "privacyidea-cp/2.0");  // no second decoding
  return Params::FromRequest(request);
}

TEST(AuditJsonTest, ParseTimeDeltaFollowsPrivacyIdea) {
  struct Case {
    const char* text;
    std::optional<seconds> want;
  };
  const Case cases[] = {
      {"30s", seconds(30)},      {"90m", seconds(5400)},   {"1h", seconds(3600)},    {"2d", seconds(172800)},
      {"1y", seconds(31536000)}, {" 1 h ", seconds(3600)}, {"-1d", seconds(-86400)}, {"+3m", seconds(180)},
      {"", std::nullopt},        {"d", std::nullopt},      {"1w", std::nullopt},     {"1dd", std::nullopt},
      {"1.5h", std::nullopt},    {"1d2h", std::nullopt},   {"abc", std::nullopt},    {"--1d", std::nullopt},
      {"1D", std::nullopt},
  };
  for (const Case& c : cases) EXPECT_EQ(ParseTimeDelta(c.text), c.want) << "'" << c.text << "'";
}

TEST(AuditJsonTest, IsoFormatIsPythonsIsoformat) {
  const Clock::TimePoint t{seconds(1'755'763'200)};  // 2025-08-21T08:00:00 UTC
  EXPECT_EQ(IsoFormat(t), "2025-08-21T08:00:00");
  EXPECT_EQ(IsoFormat(t + std::chrono::microseconds(123456)), "2025-08-21T08:00:00.123456");
  EXPECT_EQ(IsoFormat(t + std::chrono::microseconds(5)), "2025-08-21T08:00:00.000005");
  EXPECT_EQ(IsoFormat(t + std::chrono::nanoseconds(999)), "2025-08-21T08:00:00");  // below a microsecond
}

TEST(AuditJsonTest, EntryHasPrivacyIdeasFields) {
  audit::AuditEntry e;
  e.number = 17;
  e.date = Clock::TimePoint{seconds(1'755'763'200)} + std::chrono::milliseconds(250);
  e.action = "POST /validate/check";
  e.success = true;
  e.serial = "OATH1";
  e.token_type = "hotp";
  e.user = "alice";
  e.realm = "realm1";
  e.resolver = "res1";
  e.info = "matching 1 tokens";
  e.client = "10.0.0.1";
  e.user_agent = "privacyidea-cp/2.0 Windows/Laptop";
  e.policies = "pol1";
  e.authentication = "ACCEPT";
  e.thread_id = "140123";
  e.duration = 0.25;
  e.sig_ok = true;
  e.link_ok = false;
  nlohmann::json j = EntryToJson(e);
  EXPECT_EQ(j["number"], 17);
  EXPECT_EQ(j["date"], "2025-08-21T08:00:00.250000");
  EXPECT_EQ(j["startdate"], "2025-08-21T08:00:00");
  EXPECT_EQ(j["duration"], 0.25);
  EXPECT_EQ(j["success"], 1);
  EXPECT_EQ(j["sig_check"], "OK");
  EXPECT_EQ(j["missing_line"], "FAIL");
  EXPECT_EQ(j["user_agent"], "privacyidea-cp");
  EXPECT_EQ(j["user_agent_version"], "2.0");
  EXPECT_EQ(j["authentication"], "ACCEPT");
  EXPECT_EQ(j["thread_id"], "140123");
  EXPECT_TRUE(j["log_level"].is_null());
  EXPECT_TRUE(j["container_serial"].is_null());
  // Every column privacyIDEA lists is present, and nothing else.
  for (const std::string& column : AuditColumns()) EXPECT_TRUE(j.contains(column)) << column;
  EXPECT_EQ(j.size(), AuditColumns().size());
  e.success = false;
  e.user_agent = "curl";
  e.duration = 0;
  j = EntryToJson(e);
  EXPECT_EQ(j["success"], 0);
  EXPECT_EQ(j["user_agent"], "curl");
  EXPECT_TRUE(j["user_agent_version"].is_null());
  EXPECT_TRUE(j["duration"].is_null());
}

TEST(AuditJsonTest, ParseAuditSearchSplitsSpecialKeysFromFilters) {
  const Clock::TimePoint now{seconds(1'000'000)};
  auto search = ParseAuditSearch(ParamsOf({{"page", "2"},
                                           {"page_size", "5"},
                                           {"sortorder", "asc"},
                                           {"timelimit", "1h"},
                                           {"user", "al*"},
                                           {"success", "1"},
                                           {"hidden_columns", "info,policies serial"}}),
                                 now);
  ASSERT_TRUE(search.ok());
  EXPECT_EQ(search->filter.page, 2);
  EXPECT_EQ(search->filter.page_size, 5);
  EXPECT_EQ(search->filter.sortorder, "asc");
  EXPECT_EQ(search->filter.since, now - seconds(3600));
  EXPECT_EQ(search->filter.columns, (std::map<std::string, std::string>{{"success", "1"}, {"user", "al*"}}));
  EXPECT_EQ(search->hidden_columns, (std::vector<std::string>{"info", "policies", "serial"}));

  auto defaults =
      ParseAuditSearch(ParamsOf({{"page", "x"}, {"page_size", "0"}, {"sortorder", "sideways"}}), now);
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->filter.page, 1);
  EXPECT_EQ(defaults->filter.page_size, 15);
  EXPECT_EQ(defaults->filter.sortorder, "desc");
  EXPECT_FALSE(defaults->filter.since.has_value());

  auto bad = ParseAuditSearch(ParamsOf({{"timelimit", "soon"}}), now);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().http_status, 400);
  EXPECT_EQ(bad.error().code, 905);
  EXPECT_EQ(bad.error().message, "ERR905: Unsupported timedelta: soon");
}

TEST(AuditJsonTest, SearchValueHasPagingAndHidesColumns) {
  audit::AuditPage page;
  page.count = 31;
  page.entries.resize(15);
  AuditSearch search;
  search.filter.page = 2;
  search.filter.page_size = 15;
  search.hidden_columns = {"info", "serial"};
  nlohmann::json v = AuditSearchValue(page, search);
  EXPECT_EQ(v["count"], 31);
  EXPECT_EQ(v["current"], 2);
  EXPECT_EQ(v["prev"], 1);
  EXPECT_EQ(v["next"], 3);
  ASSERT_EQ(v["auditdata"].size(), 15u);
  EXPECT_FALSE(v["auditdata"][0].contains("info"));
  EXPECT_FALSE(v["auditdata"][0].contains("serial"));
  EXPECT_TRUE(v["auditdata"][0].contains("user"));
  EXPECT_EQ(v["auditcolumns"].size(), AuditColumns().size() - 2);

  search.filter.page = 3;
  page.entries.resize(1);
  v = AuditSearchValue(page, search);
  EXPECT_TRUE(v["next"].is_null());
  search.filter.page = 1;
  page.count = 0;
  page.entries.clear();
  v = AuditSearchValue(page, search);
  EXPECT_TRUE(v["prev"].is_null());
  EXPECT_TRUE(v["next"].is_null());
  EXPECT_TRUE(v["auditdata"].is_array());
}

}  // namespace
}  // namespace osprey::mfa::api::audit_api
