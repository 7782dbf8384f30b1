#include "smsgw/api/v2_send_request.hpp"

#include <gtest/gtest.h>

#include "smsgw/api/v2_messages.hpp"

namespace osprey::smsgw::api {
namespace {

using nlohmann::json;

send::SendRequest Decode(const char* body) { return DecodeSendRequest(json::parse(body)); }

TEST(DecodeSendRequest, ClientQuirks) {
  struct Case {
    const char* why;
    const char* body;
    std::vector<std::string> to;
    std::optional<std::string> text;
  } cases[] = {
      {"privacyIDEA",
       R"({"to": ["+4915112345678"], "text": "Your OTP code is: 287082"})",
       {"+4915112345678"},
       "Your OTP code is: 287082"},
      {"bare string", R"({"to":"+48123","text":"x"})", {"+48123"}, "x"},
      {"numbers", R"({"to":[4915112345678],"text":287082})", {"4915112345678"}, "287082"},
      {"empty to is absent", R"({"to":[],"text":""})", {}, std::nullopt},
      {"duplicates kept", R"({"to":["1","1"],"text":"x"})", {"1", "1"}, "x"},
  };
  for (const Case& c : cases) {
    auto r = Decode(c.body);
    EXPECT_EQ(r.to, c.to) << c.why;
    EXPECT_EQ(r.text, c.text) << c.why;
    EXPECT_TRUE(r.undecodable.empty()) << c.why;
  }
}

TEST(DecodeSendRequest, MonitoringWebhookBody) {
  auto r =
      Decode(R"({"to":["+48123456789"],"contacts":[],"groups":[],"text":"t","url":"http://x","type":"sms",
                      "access_token":"T","duration":10,"encoding":"standard","modem_no":"1","priority":"0"})");
  EXPECT_TRUE(r.undecodable.empty());
  EXPECT_TRUE(r.contacts.empty() && r.groups.empty());
  EXPECT_EQ(r.modem_no, 1);
  EXPECT_EQ(r.priority, 0);
  EXPECT_EQ(r.encoding, "standard");
}

TEST(DecodeSendRequest, IntegersAndBooleans) {
  struct Case {
    const char* body;
    std::optional<std::int64_t> priority;
    bool flash;
    bool test;
  } cases[] = {
      {R"({"priority":5,"flash":1,"test":"0"})", 5, true, false},
      {R"({"priority":"7","flash":"true","test":true})", 7, true, true},
      {R"({"priority":"","flash":"false","test":"1"})", std::nullopt, false, true},
      {R"({"priority":null,"flash":false,"test":0})", std::nullopt, false, false},
  };
  for (const Case& c : cases) {
    auto r = Decode(c.body);
    EXPECT_EQ(r.priority, c.priority) << c.body;
    EXPECT_EQ(r.flash, c.flash) << c.body;
    EXPECT_EQ(r.test, c.test) << c.body;
    EXPECT_TRUE(r.undecodable.empty()) << c.body;
  }
}

TEST(DecodeSendRequest, WrongTypesAreReported) {
  struct Case {
    const char* body;
    const char* field;
    const char* message;
  } cases[] = {
      {R"({"priority":"high"})", "priority", "The type of the attribute must be one of int (string given)."},
      {R"({"modem_no":1.5})", "modem_no", "The type of the attribute must be one of int (float given)."},
      {R"({"contacts":["a"]})", "contacts", "The type of the attribute must be one of int (string given)."},
      {R"({"flash":"yes"})", "flash", "The type of the attribute must be one of bool (string given)."},
      {R"({"text":{"a":1}})", "text", "The type of the attribute must be one of string (object given)."},
      {R"({"to":[true]})", "to", "The type of the attribute must be one of string (bool given)."},
      {R"({"date":20260105})", "date", "The type of the attribute must be one of string (int given)."},
  };
  for (const Case& c : cases) {
    auto r = Decode(c.body);
    ASSERT_EQ(r.undecodable.size(), 1u) << c.body;
    EXPECT_EQ(r.undecodable.at(c.field), c.message) << c.body;
  }
}

http::Request FormRequest(const std::string& body) {
  http::Request r;
  r.form = http::ParseUrlEncoded(body);
  return r;
}

TEST(DecodeSingleSendRequest, ScalarRecipients) {
  struct Case {
    const char* why;
    const char* body;
    std::vector<std::string> to;
    std::vector<std::int64_t> contacts, groups;
  } cases[] = {
      {"string", R"({"to":"+48123","text":"x"})", {"+48123"}, {}, {}},
      {"one-element array", R"({"to":["+48123"],"text":"x"})", {"+48123"}, {}, {}},
      {"number", R"({"to":4915112345678,"text":"x"})", {"4915112345678"}, {}, {}},
      {"contact", R"({"contact":"3","text":"x"})", {}, {3}, {}},
      {"group", R"({"group":4,"text":"x"})", {}, {}, {4}},
      {"plural keys are unknown keys", R"({"to":"1","contacts":[5],"groups":[6],"text":"x"})", {"1"}, {}, {}},
      {"empty values are absent", R"({"to":[],"contact":"","group":null,"text":"x"})", {}, {}, {}},
  };
  for (const Case& c : cases) {
    auto r = DecodeSingleSendRequest(json::parse(c.body));
    EXPECT_EQ(r.to, c.to) << c.why;
    EXPECT_EQ(r.contacts, c.contacts) << c.why;
    EXPECT_EQ(r.groups, c.groups) << c.why;
    EXPECT_EQ(r.text, "x") << c.why;
    EXPECT_TRUE(r.undecodable.empty()) << c.why;
  }
}

TEST(DecodeSingleSendRequest, BadRecipientsAreReported) {
  struct Case {
    const char* body;
    send::FieldErrors errors;
  } cases[] = {
      {R"({"to":["1","2"]})", {{"to", "This collection should contain exactly 1 element."}}},
      {R"({"to":"1","contact":2})",
       {{"recipients", "Only one of parameters: to, contact, group is allowed."}}},
      {R"({"contact":"x"})", {{"contact", "The type of the attribute must be one of int (string given)."}}},
      {R"({"group":[1]})", {{"group", "The type of the attribute must be one of int (array given)."}}},
      {R"({"to":{"a":1},"priority":"high"})",
       {{"to", "The type of the attribute must be one of string (object given)."},
        {"priority", "The type of the attribute must be one of int (string given)."}}},
  };
  for (const Case& c : cases) {
    auto r = DecodeSingleSendRequest(json::parse(c.body));
    EXPECT_EQ(r.undecodable, c.errors) << c.body;
    EXPECT_TRUE(r.to.empty() && r.contacts.empty() && r.groups.empty()) << c.body;
  }
}

TEST(RenameSingleRecipientErrors, UsesTheSingleRouteFieldNames) {
  send::FieldErrors missing = {{"recipients", "One of parameters: to, contacts, groups is required."},
                               {"text", "This value should not be blank."}};
  RenameSingleRecipientErrors(missing);
  EXPECT_EQ(missing, (send::FieldErrors{{"to", "This value should not be blank."},
                                        {"text", "This value should not be blank."}}));
  send::FieldErrors typed = {{"recipients", "One of parameters: to, contacts, groups is required."},
                             {"to", "The type of the attribute must be one of string (bool given)."}};
  RenameSingleRecipientErrors(typed);
  EXPECT_EQ(typed,
            (send::FieldErrors{{"to", "The type of the attribute must be one of string (bool given)."}}));
  send::FieldErrors unknown = {{"contacts", "The value you selected is not a valid choice."}};
  RenameSingleRecipientErrors(unknown);
  EXPECT_EQ(unknown, (send::FieldErrors{{"contact", "The value you selected is not a valid choice."}}));
  send::FieldErrors several = {{"recipients", "Only one of parameters: to, contact, group is allowed."}};
  RenameSingleRecipientErrors(several);
  EXPECT_EQ(several.count("recipients"), 1u);
}

TEST(BodyFields, FormRepeatedKeysBecomeArrays) {
  auto r = DecodeSendRequest(BodyFields(FormRequest("to=%2B48123&to=%2B48456&text=Hi&priority=3")));
  EXPECT_EQ(r.to, (std::vector<std::string>{"+48123", "+48456"}));
  EXPECT_EQ(r.text, "Hi");
  EXPECT_EQ(r.priority, 3);
  auto php = DecodeSendRequest(BodyFields(FormRequest("to%5B%5D=1&text=x")));
  EXPECT_EQ(php.to, (std::vector<std::string>{"1"}));
}

TEST(FindApiV2Token, PrecedenceIsHeaderBearerQueryBody) {
  http::Request r;
  r.json = json{{"access_token", "body"}};
  EXPECT_EQ(FindApiV2Token(r), "body");
  r.query = {{"access_token", "query"}};
  EXPECT_EQ(FindApiV2Token(r), "query");
  r.headers.Add("authorization", "bearer bearer-token");
  EXPECT_EQ(FindApiV2Token(r), "bearer-token");
  r.headers.Add("Access-Token", "header");
  EXPECT_EQ(FindApiV2Token(r), "header");
  EXPECT_EQ(FindApiV2Token(http::Request{}), std::nullopt);
}

TEST(RenderSendOutcome, ItemsAndRejection) {
  send::SendOutcome ok;
  ok.recipients = {{"+48 1", 12, ""}, {"abc", std::nullopt, "Invalid phone number."}};
  auto r = RenderSendOutcome(ok);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(json::parse(r.body), json::parse(R"([{"status":"queued","message":"OK","number":"+48 1","id":12},
      {"status":"error","message":"Invalid phone number.","number":"abc","id":null}])"));
  send::SendOutcome rejected;
  rejected.rejected = {{"to", "Invalid phone number."}};
  auto bad = RenderSendOutcome(rejected);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(json::parse(bad.body), json::parse(R"({"message":{"to":"Invalid phone number."}})"));
  EXPECT_EQ(bad.body.find("queued"), std::string::npos);
}

}  // namespace
}  // namespace osprey::smsgw::api
