#include "smsgw/api/v1_common.hpp"

#include <gtest/gtest.h>

#include <ctime>

namespace osprey::smsgw::api {
namespace {

using nlohmann::json;

// By value: callers pass the decoder's temporary.
send::SendRequest AsSend(const V1Decoded<send::SendRequest>& d) {
  if (const auto* error = std::get_if<std::string>(&d)) {
    ADD_FAILURE() << "decode failed: " << *error;
    return {};
  }
  return std::get<send::SendRequest>(d);
}

std::string ErrorOf(const auto& decoded) {
  const auto* error = std::get_if<std::string>(&decoded);
  return error ? *error : "(decoded)";
}

TEST(V1CommonTest, MethodTable) {
  struct Case {
    const char* http;
    const char* rpc;
    V1Method method;
    accounts::Permission permission;
  } cases[] = {
      {"send_sms", "sms.send_sms", V1Method::kSendSms, accounts::Permission::kApiV1Send},
      {"send_togroup", "sms.send_togroup", V1Method::kSendToGroup, accounts::Permission::kApiV1Send},
      {"send_tocontact", "sms.send_tocontact", V1Method::kSendToContact, accounts::Permission::kApiV1Send},
      {"read_sms", "sms.read_sms", V1Method::kReadSms, accounts::Permission::kApiV1Read},
      {"delete_sms", "sms.delete_sms", V1Method::kDeleteSms, accounts::Permission::kApiV1Delete},
      {"get_queue_length", "sms.get_queue_length", V1Method::kGetQueueLength,
       accounts::Permission::kApiV1Lengths},
      {"get_inbox_length", "sms.get_inbox_length", V1Method::kGetInboxLength,
       accounts::Permission::kApiV1Lengths},
      {"get_sentitems_length", "sms.get_sentitems_length", V1Method::kGetSentitemsLength,
       accounts::Permission::kApiV1Lengths},
      {"get_gsmsignal", "signal.get_gsmsignal", V1Method::kGetGsmSignal, accounts::Permission::kApiV1Signal},
  };
  for (const auto& c : cases) {
    auto h = FindV1HttpMethod(c.http);
    auto r = FindV1RpcMethod(c.rpc);
    ASSERT_TRUE(h && r) << c.http;
    EXPECT_EQ(h->method, c.method);
    EXPECT_EQ(r->method, c.method);
    EXPECT_EQ(h->permission, c.permission) << c.http;
  }
  EXPECT_FALSE(FindV1HttpMethod("sms.send_sms"));
  EXPECT_FALSE(FindV1RpcMethod("send_sms"));
  EXPECT_FALSE(FindV1RpcMethod("sms.get_gsmsignal"));
  EXPECT_FALSE(FindV1HttpMethod("send_mms"));
}

TEST(V1CommonTest, UrlEncodedParamsKeepPlusInToOnly) {
  // Query wins over form; the first repeated value counts; "" stays (it means absent to the decoders).
  V1Params p = ParamsFromUrlEncoded("to=+48123,%2B49 1&message=Hi+there%21&a=1&a=2&b=",
                                    "message=ignored&login=u&pass=p%2Bq");
  EXPECT_EQ(p["to"], "+48123,+49 1");
  EXPECT_EQ(p["message"], "Hi there!");
  EXPECT_EQ(p["a"], "1");
  EXPECT_EQ(p["b"], "");
  EXPECT_EQ(p["login"], "u");
  EXPECT_EQ(p["pass"], "p+q");
  // A raw space the server re-encoded as %20 stays a space (not a '+').
  EXPECT_EQ(ParamsFromUrlEncoded("to=48%20123", "")["to"], "48 123");
}

TEST(V1CommonTest, JsonParamsAcceptStringsAndIntegers) {
  auto p = ParamsFromJson(json::parse(
      R"({"to":4812345,"unicode":1,"flash":"1","test":true,"message":"Hi","n":null,"o":{},"list":["1",2]})"));
  ASSERT_TRUE(p);
  EXPECT_EQ((*p)["to"], "4812345");
  EXPECT_EQ((*p)["unicode"], "1");
  EXPECT_EQ((*p)["flash"], "1");
  EXPECT_EQ((*p)["test"], "true");
  EXPECT_EQ((*p)["list"], "1,2");
  EXPECT_EQ(p->count("n"), 0u);
  EXPECT_EQ(p->count("o"), 0u);
  EXPECT_FALSE(ParamsFromJson(json::array()));
  EXPECT_FALSE(ParamsFromJson(json("x")));
}

TEST(V1CommonTest, ScalarCoercions) {
  EXPECT_EQ(ParseV1Int("42"), 42);
  EXPECT_EQ(ParseV1Int("-1"), -1);
  EXPECT_EQ(ParseV1Int(""), std::nullopt);
  EXPECT_EQ(ParseV1Int("4x"), std::nullopt);
  EXPECT_EQ(ParseV1Int(" 4"), std::nullopt);
  for (const char* t : {"1", "true", "TRUE", "True"}) EXPECT_EQ(ParseV1Bool(t), true) << t;
  for (const char* f : {"0", "false", "False"}) EXPECT_EQ(ParseV1Bool(f), false) << f;
  for (const char* bad : {"", "2", "yes", "undefined"}) EXPECT_EQ(ParseV1Bool(bad), std::nullopt) << bad;
}

TEST(V1CommonTest, DecodeSendMapsEveryParameter) {
  const V1Params params = {{"to", "48123, +49456,,+48 1+2"},
                           {"message", "Hello world"},
                           {"date", "202512312359"},
                           {"highpriority", "1"},
                           {"unicode", "1"},
                           {"flash", "true"},
                           {"oid", "abc"},
                           {"modem_no", "2"},
                           {"test", "0"},
                           {"duration", "undefined"},  // spec §13.12: ignored
                           {"responsetype", "xml"}};
  const send::SendRequest r = AsSend(DecodeV1Send(params));
  EXPECT_EQ(r.to, (std::vector<std::string>{"48123", "+49456", "+48 1 2"}));
  EXPECT_EQ(r.text, "Hello world");
  EXPECT_EQ(r.date, "2025-12-31T23:59:00");
  EXPECT_EQ(r.priority, 9);
  EXPECT_EQ(r.encoding, "unicode");
  EXPECT_TRUE(r.flash);
  EXPECT_FALSE(r.test);
  EXPECT_EQ(r.oid, "abc");
  EXPECT_EQ(r.modem_no, 2);
  EXPECT_TRUE(r.undecodable.empty());

  const send::SendRequest plain = AsSend(DecodeV1Send({{"to", "1"}, {"message", "x"}, {"unicode", "0"}}));
  EXPECT_EQ(plain.encoding, std::nullopt) << "no unicode flag = standard with UCS-2 fallback (§13.13)";
  EXPECT_EQ(plain.priority, std::nullopt);
  EXPECT_EQ(AsSend(DecodeV1Send({{"to", "1"}}, false)).to.size(), 0u);
}

TEST(V1CommonTest, DecodeSendHighPriority) {
  struct Case {
    const char* value;
    std::optional<std::int64_t> priority;
  } cases[] = {{"0", 0}, {"1", 9},    {"2", 2},     {"5", 5},
               {"9", 9}, {"true", 9}, {"false", 0}, {"", std::nullopt}};
  for (const auto& c : cases) {
    EXPECT_EQ(AsSend(DecodeV1Send({{"highpriority", c.value}})).priority, c.priority) << c.value;
  }
  for (const char* bad : {"10", "-1", "high"}) {
    EXPECT_EQ(ErrorOf(DecodeV1Send({{"highpriority", bad}})), kV1WrongParameters) << bad;
  }
}

TEST(V1CommonTest, DecodeSendRejections) {
  struct Case {
    V1Params params;
    const char* error;
  } cases[] = {
      {{{"date", "2025-12-31"}}, kV1WrongParameters},
      {{{"date", "20251231235"}}, kV1WrongParameters},
      {{{"unicode", "yes"}}, kV1WrongParameters},
      {{{"flash", "2"}}, kV1WrongParameters},
      {{{"test", "x"}}, kV1WrongParameters},
      {{{"modem_no", "one"}}, kV1WrongModem},
      {{{"message_type", "mms"}, {"attachments", "x"}}, kV1WrongParameters},  // spec §13.15
  };
  for (const auto& c : cases) EXPECT_EQ(ErrorOf(DecodeV1Send(c.params)), c.error) << c.params.begin()->first;
  EXPECT_EQ(AsSend(DecodeV1Send({{"message_type", "sms"}, {"to", "1"}})).to.size(), 1u);
}

TEST(V1CommonTest, DecodeRead) {
  auto q = DecodeV1Read({{"folder", "sentitems"},
                         {"idfrom", "3"},
                         {"idto", "9"},
                         {"limit", "2"},
                         {"to", "+48 123"},
                         {"from", "ignored"},
                         {"modem_no", "1"},
                         {"datefrom", "20250101000000"}});
  ASSERT_TRUE(std::holds_alternative<V1ReadQuery>(q)) << ErrorOf(q);
  const auto& read = std::get<V1ReadQuery>(q);
  EXPECT_EQ(read.folder, V1ReadFolder::kSentItems);
  EXPECT_EQ(read.filter.id_from, 3);
  EXPECT_EQ(read.filter.id_to, 9);
  EXPECT_EQ(read.filter.limit, 2);
  EXPECT_EQ(read.filter.number, "+48 123");
  EXPECT_EQ(read.filter.modem_no, 1);
  EXPECT_EQ(read.filter.date_from, ParseV1DateTime("20250101000000"));
  EXPECT_FALSE(read.filter.owner_id);

  auto inbox = DecodeV1Read({{"folder", "inbox"}, {"from", "+4811"}, {"unread", "1"}});
  ASSERT_TRUE(std::holds_alternative<V1ReadQuery>(inbox));
  EXPECT_EQ(std::get<V1ReadQuery>(inbox).filter.number, "+4811");
  EXPECT_TRUE(std::get<V1ReadQuery>(inbox).unread);

  for (const V1Params& bad : std::vector<V1Params>{{},
                                                   {{"folder", "sent"}},
                                                   {{"folder", "outbox"}, {"idfrom", "a"}},
                                                   {{"folder", "outbox"}, {"dateto", "2025"}},
                                                   {{"folder", "outbox"}, {"unread", "maybe"}}}) {
    EXPECT_EQ(ErrorOf(DecodeV1Read(bad)), kV1WrongParameters);
  }
}

TEST(V1CommonTest, DecodeDeleteAndModem) {
  auto d = DecodeV1Delete({{"folder", "outbox"}, {"idfrom", "1"}, {"idto", "5"}});
  ASSERT_TRUE(std::holds_alternative<V1DeleteQuery>(d));
  EXPECT_EQ(std::get<V1DeleteQuery>(d).id_to, 5);
  EXPECT_EQ(ErrorOf(DecodeV1Delete({{"folder", "outbox"}, {"idfrom", "1"}})), kV1WrongParameters);
  EXPECT_EQ(ErrorOf(DecodeV1Delete({{"folder", "x"}, {"idfrom", "1"}, {"idto", "1"}})), kV1WrongParameters);

  EXPECT_EQ(std::get<int>(DecodeV1ModemNo({})), 1);
  EXPECT_EQ(std::get<int>(DecodeV1ModemNo({{"modem_no", "3"}})), 3);
  for (const char* bad : {"0", "9", "x"})
    EXPECT_EQ(ErrorOf(DecodeV1ModemNo({{"modem_no", bad}})), kV1WrongModem);
}

TEST(V1CommonTest, DateTimeIsLocalAndReal) {
  auto t = ParseV1DateTime("20240229123456");
  ASSERT_TRUE(t);
  const std::time_t secs = std::chrono::system_clock::to_time_t(*t);
  std::tm tm{};
  localtime_r(&secs, &tm);
  EXPECT_EQ(tm.tm_year, 124);
  EXPECT_EQ(tm.tm_mon, 1);
  EXPECT_EQ(tm.tm_mday, 29);
  EXPECT_EQ(tm.tm_hour, 12);
  EXPECT_EQ(tm.tm_sec, 56);
  for (const char* bad : {"20230229000000", "20240101246000", "2024010112345", "2024-1-1120000", ""}) {
    EXPECT_FALSE(ParseV1DateTime(bad)) << bad;
  }
}

TEST(V1CommonTest, GammuRowUsesGammuColumnNames) {
  queue::MessageRecord m;
  m.id = 297;
  m.owner_id = 4;
  m.number = "+48123";
  m.text = "Hi";
  m.coding = "standard";
  m.validity = "1h";
  m.modem_no = 1;
  m.status = queue::MessageStatus::kSendingError;
  m.error_code = 38;
  m.oid = "o1";
  const V1Row row = GammuRow(m, 3);
  std::vector<std::string> names;
  std::map<std::string, std::string> values;
  for (const auto& [k, v] : row) {
    names.push_back(k);
    values[k] = v;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"ID",
                                             "UpdatedInDB",
                                             "InsertIntoDB",
                                             "SendingDateTime",
                                             "DeliveryDateTime",
                                             "Text",
                                             "DestinationNumber",
                                             "Coding",
                                             "UDH",
                                             "SMSCNumber",
                                             "Class",
                                             "TextDecoded",
                                             "SenderID",
                                             "SequencePosition",
                                             "Status",
                                             "StatusError",
                                             "TPMR",
                                             "RelativeValidity",
                                             "CreatorID",
                                             "StatusCode",
                                             "id_folder",
                                             "oid"}));
  EXPECT_EQ(values["ID"], "297");
  EXPECT_EQ(values["Text"], "00480069");
  EXPECT_EQ(values["TextDecoded"], "Hi");
  EXPECT_EQ(values["Coding"], "Default_No_Compression");
  EXPECT_EQ(values["Class"], "-1");
  EXPECT_EQ(values["Status"], "SendingError");
  EXPECT_EQ(values["StatusError"], "38");
  EXPECT_EQ(values["RelativeValidity"], "11");
  EXPECT_EQ(values["SenderID"], "1");
  EXPECT_EQ(values["CreatorID"], "4");
  EXPECT_EQ(values["SendingDateTime"], "");
  EXPECT_EQ(values["id_folder"], "3");
  EXPECT_EQ(values["oid"], "o1");
  EXPECT_EQ(values["UpdatedInDB"].size(), 19u);  // YYYY-MM-DD hh:mm:ss
}

TEST(V1CommonTest, SendReplyFromOutcome) {
  send::SendOutcome ok;
  ok.recipients = {{"1", 297, ""}, {"abc", std::nullopt, "Invalid phone number."}};
  V1Reply r = V1SendReply(ok);
  EXPECT_EQ(r.kind, V1Reply::Kind::kSent);
  EXPECT_EQ(r.ids, (std::vector<std::optional<std::int64_t>>{297, std::nullopt}));

  send::SendOutcome modem;
  modem.rejected = {{"modem_no", "Incorrect modem number."}, {"text", "This value should not be blank."}};
  EXPECT_EQ(V1SendReply(modem).text, kV1WrongModem);
  send::SendOutcome text;
  text.rejected = {{"text", "This value should not be blank."}};
  EXPECT_EQ(V1SendReply(text).text, kV1WrongParameters);
}

// Golden replies: spec §11 tables and §14 items 9 and 10.
TEST(V1CommonTest, RenderingGoldenCases) {
  const V1Reply one = V1Reply::Sent({297});
  const V1Reply two = V1Reply::Sent({297, 298});
  const V1Reply error = V1Reply::Error(kV1InvalidLogin);
  const V1Reply queue = V1Reply::Count("queue_length", 7);
  const V1Reply signal = V1Reply::Count("signal_strength", -1);
  const V1Reply done = V1Reply::Done();
  const V1Reply rows = V1Reply::Rows({{{"ID", "1"}, {"TextDecoded", "a;b\nc<d>"}}, {{"ID", "2"}}});
  const V1Reply none = V1Reply::Rows({});

  struct Case {
    const char* why;
    const V1Reply& reply;
    std::string text, xml, simple, extended;
  } cases[] = {
      {"send one", one, "OK; ID=[297]", "<xml><message_id>297</message_id><status>ok</status></xml>",
       R"({"result":"OK; ID=[297]"})", R"({"result":{"message_id":"297","status":"ok"}})"},
      {"send several", two, "OK; ID=[297]\nOK; ID=[298]",
       "<xml><item><message_id>297</message_id><status>ok</status></item><item><message_id>298</message_id>"
       "<status>ok</status></item></xml>",
       R"({"result":"OK; ID=[297]\nOK; ID=[298]"})",
       R"({"result":[{"message_id":"297","status":"ok"},{"message_id":"298","status":"ok"}]})"},
      {"bad auth", error, "Invalid login or password",
       "<xml><error_text>Invalid login or password</error_text><status>error</status></xml>",
       R"({"result":"Invalid login or password"})",
       R"({"result":{"error_text":"Invalid login or password","status":"error"}})"},
      {"queue length", queue, "7", "<xml><queue_length>7</queue_length><status>ok</status></xml>",
       R"({"result":7})", R"({"result":{"queue_length":"7","status":"ok"}})"},
      {"signal", signal, "-1", "<xml><signal_strength>-1</signal_strength><status>ok</status></xml>",
       R"({"result":-1})", R"({"result":{"signal_strength":"-1","status":"ok"}})"},
      {"delete", done, "OK", "<xml><status>ok</status></xml>", R"({"result":"OK"})",
       R"({"result":{"status":"ok"}})"},
      {"rows", rows, "ID=1;TextDecoded=a\\;b\\nc<d>\nID=2",
       "<xml><messages><item><ID>1</ID><TextDecoded>a;b\nc&lt;d&gt;</TextDecoded></item><item><ID>2</ID>"
       "</item></messages><status>ok</status></xml>",
       R"({"result":[{"ID":"1","TextDecoded":"a;b\nc<d>"},{"ID":"2"}]})",
       R"({"result":{"messages":[{"ID":"1","TextDecoded":"a;b\nc<d>"},{"ID":"2"}],"status":"ok"}})"},
      {"no rows", none, "No data to display",
       "<xml><error_text>No data to display</error_text><status>error</status></xml>",
       R"({"result":"No data to display"})",
       R"({"result":{"error_text":"No data to display","status":"error"}})"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(RenderV1Text(c.reply), c.text) << c.why;
    EXPECT_EQ(RenderV1Xml(c.reply), c.xml) << c.why;
    EXPECT_EQ(RenderV1Json(c.reply, false), json::parse(c.simple)) << c.why;
    EXPECT_EQ(RenderV1Json(c.reply, true), json::parse(c.extended)) << c.why;
  }
  // A failed recipient in a mixed send.
  const V1Reply mixed = V1Reply::Sent({std::nullopt, 5});
  EXPECT_EQ(RenderV1Text(mixed), "Wrong parameters\nOK; ID=[5]");
  EXPECT_EQ(RenderV1Json(mixed, true)["result"][0],
            json::parse(R"({"error_text":"Wrong parameters","status":"error"})"));
}

TEST(V1CommonTest, ResponseTypes) {
  EXPECT_EQ(HttpFormatOf({}), V1Format::kText);
  EXPECT_EQ(HttpFormatOf({{"responsetype", "xml"}}), V1Format::kXml);
  EXPECT_EQ(HttpFormatOf({{"responsetype", "text"}}), V1Format::kText);
  EXPECT_EQ(RpcFormatOf({}), V1Format::kJsonSimple);
  EXPECT_EQ(RpcFormatOf({{"responsetype", "extended"}}), V1Format::kJsonExtended);
  EXPECT_EQ(RpcFormatOf({{"responsetype", "simple"}}), V1Format::kJsonSimple);
}

}  // namespace
}  // namespace osprey::smsgw::api
