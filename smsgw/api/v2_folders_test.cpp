// The pure parts of the read routes (smseagle-api.md §7-§8): folder names, query filters and item JSON.
#include <gtest/gtest.h>

#include "smsgw/api/v2_message_json.hpp"
#include "smsgw/send/schedule.hpp"

namespace osprey::smsgw::api {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// 2022-12-27T12:20:31Z
const Clock::TimePoint kT = Clock::TimePoint(std::chrono::seconds(1672143631));

TEST(ApiFolder, NamesAreExactAndTheInboxHasNoQueueFolder) {
  for (const char* name : {"inbox", "outbox", "sent", "error", "delivered"}) {
    auto folder = ParseApiFolder(name);
    ASSERT_TRUE(folder.has_value()) << name;
    EXPECT_EQ(ApiFolderName(*folder), name);
  }
  for (const char* name : {"", "Outbox", "sentitems", "status", "count"})
    EXPECT_FALSE(ParseApiFolder(name).has_value());
  EXPECT_FALSE(QueueFolderOf(ApiFolder::kInbox).has_value());
  EXPECT_EQ(QueueFolderOf(ApiFolder::kSent), queue::Folder::kSent);
  EXPECT_EQ(QueueFolderOf(ApiFolder::kDelivered), queue::Folder::kDelivered);
}

TEST(ParseIntParam, OnlyPlainDecimals) {
  EXPECT_EQ(ParseIntParam("786"), 786);
  EXPECT_EQ(ParseIntParam("-3"), -3);
  for (const char* bad : {"", "abc", "1.5", "12x", " 1", "+1", "99999999999999999999"}) {
    EXPECT_FALSE(ParseIntParam(bad).has_value()) << bad;
  }
}

TEST(ParseListQuery, EveryFilter) {
  send::FieldErrors errors;
  const http::Pairs query = {{"id_from", "5"},
                             {"id_to", "9"},
                             {"number", " 48 123-456"},
                             {"date_from", "2022-12-27T12:20:31"},
                             {"date_to", "2022-12-27T12:20:31 05:01"},
                             {"limit", "2"},
                             {"sender_name", "alice"},
                             {"modem_no", "2"},
                             {"unread", "1"},
                             {"attachments", "false"},
                             {"access_token", "ignored"},
                             {"id_from", "not the first"}};
  ListQuery q = ParseListQuery(query, errors);
  EXPECT_TRUE(errors.empty()) << json(errors).dump();
  EXPECT_EQ(q.filter.id_from, 5);
  EXPECT_EQ(q.filter.id_to, 9);
  EXPECT_EQ(q.filter.number, "+48 123-456");  // an unencoded '+' arrives as a space
  EXPECT_EQ(q.filter.date_from, *send::ParseSendDate("2022-12-27T12:20:31"));
  EXPECT_EQ(q.filter.date_to, kT - 5h - 1min);
  EXPECT_EQ(q.filter.limit, 2);
  EXPECT_EQ(q.filter.sender_name, "alice");
  EXPECT_EQ(q.filter.modem_no, 2);
  EXPECT_TRUE(q.unread_only);
  EXPECT_FALSE(q.with_attachments);
  EXPECT_FALSE(q.filter.owner_id.has_value());
}

TEST(ParseListQuery, EmptyValuesAreAbsent) {
  send::FieldErrors errors;
  ListQuery q = ParseListQuery({{"id_from", ""}, {"number", ""}, {"date_to", ""}, {"limit", ""}}, errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_FALSE(q.filter.id_from || q.filter.number || q.filter.date_to || q.filter.limit);
}

TEST(ParseListQuery, EveryBadFieldIsReportedWithTheSpecText) {
  send::FieldErrors errors;
  ParseListQuery({{"id_from", "abc"},
                  {"id_to", "1.5"},
                  {"date_from", "27.12.2022"},
                  {"date_to", "2022-12-27T25:00:00"},
                  {"limit", "-1"},
                  {"modem_no", "9"},
                  {"unread", "yes"}},
                 errors);
  const send::FieldErrors expected = {
      {"id_from", "The type of the attribute must be one of int (string given)."},
      {"id_to", "The type of the attribute must be one of int (string given)."},
      {"date_from", "Wrong date format."},
      {"date_to", "Wrong date format."},
      {"limit", "The value you selected is not a valid choice."},
      {"modem_no", "Incorrect modem number."},
      {"unread", "The type of the attribute must be one of bool (string given)."},
  };
  EXPECT_EQ(errors, expected);
  errors.clear();
  ParseListQuery({{"modem_no", "one"}}, errors);
  EXPECT_EQ(errors, (send::FieldErrors{{"modem_no", kNotAnInt}}));
}

TEST(ParseCountQuery, ReadsOnlyDatesAndModem) {
  send::FieldErrors errors;
  auto f =
      ParseCountQuery({{"date_from", "2022-12-27T12:20:31Z"}, {"modem_no", "1"}, {"id_from", "x"}}, errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(f.date_from, kT);
  EXPECT_EQ(f.modem_no, 1);
  EXPECT_FALSE(f.id_from.has_value());
}

TEST(FormatApiDate, LocalTimeWithOffset) {
  EXPECT_EQ(FormatApiDate(kT, 0), "2022-12-27T12:20:31+00:00");
  EXPECT_EQ(FormatApiDate(kT + 999ms, 3600), "2022-12-27T13:20:31+01:00");
  EXPECT_EQ(FormatApiDate(kT, -(5 * 3600 + 30 * 60)), "2022-12-27T06:50:31-05:30");
  EXPECT_EQ(FormatApiDate(kT, 12 * 3600), "2022-12-28T00:20:31+12:00");
}

queue::MessageRecord Sample() {
  queue::MessageRecord m;
  m.id = 654;
  m.owner_id = 3;
  m.number = "+421 900";
  m.text = "Hi";
  m.coding = "standard";
  m.validity = "max";
  m.modem_no = 1;
  m.status = queue::MessageStatus::kDeliveryOk;
  m.insert_date = kT;
  m.update_date = kT + 2s;
  m.sending_date = kT + 1s;
  m.delivery_date = kT + 2s;
  return m;
}

TEST(RenderMessageItem, SentItemHasTheCapturedFields) {
  const UtcOffsetFn plus_one = [](Clock::TimePoint) { return 3600L; };
  const json expected = json::parse(R"({
      "id":654, "number":"+421 900", "text":"Hi", "text_binary":"00480069", "attachments":null, "udh":null,
      "smsc":null, "class":255, "encoding":"standard", "folder_id":3, "validity":"max", "oid":null,
      "modem_no":1, "sender_name":"remote", "status":"delivery_ok", "error_code":null,
      "insert_date":"2022-12-27T13:20:31+01:00", "update_date":"2022-12-27T13:20:33+01:00",
      "sending_date":"2022-12-27T13:20:32+01:00", "delivery_date":"2022-12-27T13:20:33+01:00"})");
  EXPECT_EQ(RenderMessageItem(Sample(), "remote", plus_one), expected);
}

TEST(RenderMessageItem, OutboxFlashUnicodeAndErrors) {
  const UtcOffsetFn utc = [](Clock::TimePoint) { return 0L; };
  queue::MessageRecord m = Sample();
  m.status = queue::MessageStatus::kReserved;
  m.flash = true;
  m.coding = "unicode";
  m.text = "Zoë 🔴";
  m.oid = "abc";
  m.modem_no.reset();
  m.sending_date.reset();
  m.delivery_date.reset();
  json item = RenderMessageItem(m, std::nullopt, utc);
  EXPECT_EQ(item["status"], "reserved");
  EXPECT_EQ(item["folder_id"], 2);
  EXPECT_EQ(item["class"], 0);
  EXPECT_EQ(item["encoding"], "unicode");
  EXPECT_EQ(item["text_binary"], "005A006F00EB0020D83DDD34");
  EXPECT_EQ(item["oid"], "abc");
  EXPECT_TRUE(item["modem_no"].is_null());
  EXPECT_TRUE(item["sender_name"].is_null());
  EXPECT_TRUE(item["sending_date"].is_null());
  EXPECT_TRUE(item["delivery_date"].is_null());

  m.status = queue::MessageStatus::kSendingError;
  m.error_code = 38;
  item = RenderMessageItem(m, "a", utc);
  EXPECT_EQ(item["status"], "sending_error");
  EXPECT_EQ(item["error_code"], 38);
  EXPECT_EQ(item["folder_id"], 3);
}

}  // namespace
}  // namespace osprey::smsgw::api
