#include "smsgw/api/v2_phonebook_request.hpp"

#include <gtest/gtest.h>

namespace osprey::smsgw::api {
namespace {

using nlohmann::json;

TEST(V2PhonebookRequestTest, ContactFieldsCoerceLikeTheSendQuirks) {
  struct Case {
    const char* why;
    json body;
    phonebook::ContactFields expected;
    send::FieldErrors errors;
  } cases[] = {
      {"all fields",
       {{"name", "John"}, {"number", "+48123"}, {"public", true}},
       {"John", "+48123", true},
       {}},
      {"null and unknown keys", {{"name", nullptr}, {"url", "x"}}, {}, {}},
      {"number as JSON number", {{"number", 48123456789}}, {std::nullopt, "48123456789", std::nullopt}, {}},
      {"public as string", {{"public", "1"}}, {std::nullopt, std::nullopt, true}, {}},
      {"public as 0", {{"public", 0}}, {std::nullopt, std::nullopt, false}, {}},
      {"public empty", {{"public", ""}}, {}, {}},
      {"empty name kept (blank check)", {{"name", ""}}, {"", std::nullopt, std::nullopt}, {}},
      {"wrong types",
       {{"name", json::array()}, {"public", "yes"}},
       {},
       {{"name", "The type of the attribute must be one of string (array given)."},
        {"public", "The type of the attribute must be one of bool (string given)."}}},
  };
  for (const Case& c : cases) {
    send::FieldErrors errors;
    const phonebook::ContactFields got = DecodeContactFields(c.body, errors);
    EXPECT_EQ(got.name, c.expected.name) << c.why;
    EXPECT_EQ(got.number, c.expected.number) << c.why;
    EXPECT_EQ(got.is_public, c.expected.is_public) << c.why;
    EXPECT_EQ(errors, c.errors) << c.why;
  }
}

TEST(V2PhonebookRequestTest, ContactIds) {
  const struct {
    json body;
    std::vector<std::int64_t> ids;
    send::FieldErrors errors;
  } cases[] = {
      {{{"contacts", {1, "2", 3}}}, {1, 2, 3}, {}},
      {{{"contacts", 7}}, {7}, {}},
      {{{"contacts", json::array()}}, {}, {}},
      {{{"contacts", ""}}, {}, {}},
      {json::object(), {}, {}},
      {{{"contacts", {1, "x"}}},
       {},
       {{"contacts", "The type of the attribute must be one of int (string given)."}}},
      {{{"contacts", {{{"id", 1}}}}},
       {},
       {{"contacts", "The type of the attribute must be one of int (object given)."}}},
  };
  for (const auto& c : cases) {
    send::FieldErrors errors;
    EXPECT_EQ(DecodeContactIds(c.body, errors), c.ids) << c.body.dump();
    EXPECT_EQ(errors, c.errors) << c.body.dump();
  }
}

TEST(V2PhonebookRequestTest, PathIdsArePositiveDecimals) {
  EXPECT_EQ(ParsePathId("42"), 42);
  for (const char* bad : {"", "0", "-1", "1a", "abc", "99999999999999999999", " 1"}) {
    EXPECT_FALSE(ParsePathId(bad).has_value()) << bad;
  }
}

TEST(V2PhonebookRequestTest, Shapes) {
  EXPECT_EQ(ContactJson({1, 9, "John", "+48123456789", false}),
            json::parse(R"({"id":1,"name":"John","number":"+48123456789","public":false})"));
  EXPECT_EQ(GroupJson({1, 9, "Admins", true}), json::parse(R"({"id":1,"name":"Admins","public":true})"));
  EXPECT_EQ(ContactsJson({}), json::array());
}

}  // namespace
}  // namespace osprey::smsgw::api
