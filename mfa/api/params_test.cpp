#include "mfa/api/params.hpp"

#include <gtest/gtest.h>

namespace osprey::mfa::api {
namespace {

http::Request Req(std::string query, std::string form, std::string ua = "curl/8") {
  http::Request r;
  r.query = http::ParseUrlEncoded(query);
  r.form = http::ParseUrlEncoded(form);
  if (!ua.empty()) r.headers.Add("User-Agent", ua);
  return r;
}

TEST(ParamsTest, QueryWinsOverFormAndFirstOccurrenceCounts) {
  Params p = Params::FromRequest(Req("user=q&user=q2", "user=f&pass=x&pass=y"));
  EXPECT_EQ(p.Get("user"), "q");
  EXPECT_EQ(p.Get("pass"), "x");
}

TEST(ParamsTest, JsonOverridesQueryAndPathOverridesEverything) {
  http::Request r = Req("serial=Q&otplen=6", "");
  r.json = nlohmann::json{{"serial", "J"}, {"otplen", 8}, {"genkey", true}};
  r.path_params["serial"] = "P";
  Params p = Params::FromRequest(r);
  EXPECT_EQ(p.Get("serial"), "P");
  EXPECT_EQ(p.Get("otplen"), "8");
  EXPECT_EQ(p.GetInt("otplen", 6), 8);
  EXPECT_EQ(p.Get("genkey"), "True");
  EXPECT_TRUE(p.GetBool("genkey"));
}

TEST(ParamsTest, QueryAndFormValuesAreDecodedTwiceExceptForThreePlugins) {
  // The form body "pass=pin%2541" arrives as "pin%41" after normal decoding (§1.3).
  EXPECT_EQ(Params::FromRequest(Req("", "pass=pin%2541")).Get("pass"), "pinA");
  EXPECT_EQ(Params::FromRequest(Req("pass=pin%2541", "")).Get("pass"), "pinA");
  EXPECT_EQ(Params::FromRequest(Req("", "pass=pin%2541", "")).Get("pass"), "pinA");
  for (const char* ua : {"privacyidea-cp/2.0", "PrivacyIDEA-LDAP-Proxy", "simpleSAMLphp/1.19 (x)"}) {
    EXPECT_EQ(Params::FromRequest(Req("", "pass=pin%2541", ua)).Get("pass"), "pin%41") << ua;
  }
  // JSON values are never decoded again.
  http::Request r = Req("", "");
  r.json = nlohmann::json{{"pass", "pin%41"}};
  EXPECT_EQ(Params::FromRequest(r).Get("pass"), "pin%41");
}

TEST(ParamsTest, InternalKeysAreStripped) {
  Params p =
      Params::FromRequest(Req("session=1&data=2&initTime=3&radius_result=4&user=a", "valid_token_num=9"));
  EXPECT_FALSE(p.Has("session"));
  EXPECT_FALSE(p.Has("data"));
  EXPECT_FALSE(p.Has("initTime"));
  EXPECT_FALSE(p.Has("radius_result"));
  EXPECT_FALSE(p.Has("valid_token_num"));
  EXPECT_EQ(p.Get("user"), "a");
}

TEST(ParamsTest, BooleansFollowIsTrue) {
  struct Case {
    nlohmann::json value;
    bool expected;
  };
  for (const Case& c : std::vector<Case>{{1, true},
                                         {"1", true},
                                         {true, true},
                                         {"true", true},
                                         {"True", true},
                                         {"TRUE", true},
                                         {"yes", false},
                                         {"on", false},
                                         {"tRue", false},
                                         {0, false},
                                         {2, false},
                                         {false, false}}) {
    http::Request r;
    r.json = nlohmann::json{{"k", c.value}};
    EXPECT_EQ(Params::FromRequest(r).GetBool("k"), c.expected) << c.value.dump();
  }
}

TEST(ParamsTest, IntegersAndPyStr) {
  http::Request r = Req("a=%2012%20&b=x&c=", "");
  Params p = Params::FromRequest(r);
  EXPECT_EQ(p.GetInt("a", 0), 12);
  EXPECT_EQ(p.GetInt("b", 0), std::nullopt);
  EXPECT_EQ(p.GetInt("c", 0), std::nullopt);
  EXPECT_EQ(p.GetInt("missing", 7), 7);
  EXPECT_EQ(PyStr(nlohmann::json(1.5)), "1.5");
  EXPECT_EQ(PyStr(nlohmann::json(false)), "False");
  EXPECT_EQ(PyStr(nlohmann::json("s")), "s");
}

}  // namespace
}  // namespace osprey::mfa::api
