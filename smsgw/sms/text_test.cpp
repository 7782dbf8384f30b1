#include "smsgw/sms/text.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace osprey::smsgw::sms {
namespace {

std::string Repeat(std::string_view unit, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) out += unit;
  return out;
}

struct ChooseCase {
  std::string text;
  RequestedEncoding requested;
  Coding expected;
  const char* why;
};

TEST(TextTest, ChooseCoding) {
  const ChooseCase cases[] = {
      {"", RequestedEncoding::kStandard, Coding::kGsm7, "empty text"},
      {"Your code is 123456", RequestedEncoding::kStandard, Coding::kGsm7, "plain ASCII"},
      {"àèéìòù ÄÖÜ äöü ñ ß ÇØ", RequestedEncoding::kStandard, Coding::kGsm7,
       "accents the alphabet has (§4 item 2)"},
      {"Preis: 5€ [netto]", RequestedEncoding::kStandard, Coding::kGsm7, "extension characters stay GSM-7"},
      {"line\r\nbreak", RequestedEncoding::kStandard, Coding::kGsm7, "CR and LF are in the alphabet"},
      {"garçon", RequestedEncoding::kStandard, Coding::kUcs2, "ç is not GSM-7 (only Ç is)"},
      {"â", RequestedEncoding::kStandard, Coding::kUcs2, "â is not GSM-7"},
      {"ê ô", RequestedEncoding::kStandard, Coding::kUcs2, "ê ô are not GSM-7"},
      {"Привет", RequestedEncoding::kStandard, Coding::kUcs2, "Cyrillic"},
      {"🔴 host down", RequestedEncoding::kStandard, Coding::kUcs2, "emoji from a monitoring client"},
      {"tab\there", RequestedEncoding::kStandard, Coding::kUcs2, "TAB is not GSM-7"},
      {"\x1B", RequestedEncoding::kStandard, Coding::kUcs2, "ESC is not accepted as GSM-7 input"},
      {"hello", RequestedEncoding::kUnicode, Coding::kUcs2, "unicode always means UCS-2"},
      {"", RequestedEncoding::kUnicode, Coding::kUcs2, "unicode always means UCS-2, even empty"},
  };
  for (const ChooseCase& c : cases) {
    SCOPED_TRACE(c.why);
    Result<Coding> coding = ChooseCoding(c.text, c.requested);
    ASSERT_TRUE(coding.ok());
    EXPECT_EQ(*coding, c.expected);
  }
}

TEST(TextTest, ChooseCodingRejectsInvalidUtf8) {
  for (RequestedEncoding requested : {RequestedEncoding::kStandard, RequestedEncoding::kUnicode}) {
    Result<Coding> coding = ChooseCoding("ab\xC3", requested);
    ASSERT_FALSE(coding.ok());
    EXPECT_EQ(coding.error().code(), ErrorCode::kInvalidArgument);
  }
}

TEST(TextTest, ParseRequestedEncoding) {
  EXPECT_EQ(*ParseRequestedEncoding("standard"), RequestedEncoding::kStandard);
  EXPECT_EQ(*ParseRequestedEncoding("default"), RequestedEncoding::kStandard);
  EXPECT_EQ(*ParseRequestedEncoding("unicode"), RequestedEncoding::kUnicode);
  for (std::string_view bad : {"", "Unicode", "ucs2", "gsm7", "binary"}) {
    EXPECT_EQ(ParseRequestedEncoding(bad).error().code(), ErrorCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(CodingName(Coding::kGsm7), "gsm7");
  EXPECT_EQ(CodingName(Coding::kUcs2), "ucs2");
}

struct LengthCase {
  std::string text;
  std::size_t septets;  // 0 with gsm7_ok false: not representable
  bool gsm7_ok;
  std::size_t utf16_units;
};

TEST(TextTest, Lengths) {
  const LengthCase cases[] = {
      {"", 0, true, 0},     {"abc", 3, true, 3},
      {"€", 2, true, 1},    {"a[b]", 6, true, 4},
      {"\f", 2, true, 1},   {"@\n\r", 3, true, 3},
      {"ç", 0, false, 1},   {"👍", 0, false, 2},
      {"a🔴b", 0, false, 4}, {Repeat("€", 76), 152, true, 76},
  };
  for (const LengthCase& c : cases) {
    SCOPED_TRACE(c.text);
    Result<std::size_t> septets = Gsm7Length(c.text);
    ASSERT_EQ(septets.ok(), c.gsm7_ok);
    if (c.gsm7_ok) {
      EXPECT_EQ(*septets, c.septets);
    } else {
      EXPECT_EQ(septets.error().code(), ErrorCode::kInvalidArgument);
    }
    Result<std::size_t> units = Utf16Length(c.text);
    ASSERT_TRUE(units.ok());
    EXPECT_EQ(*units, c.utf16_units);
  }
  EXPECT_FALSE(Gsm7Length("\xFF").ok());
  EXPECT_FALSE(Utf16Length("\xFF").ok());
}

struct SplitCase {
  std::string text;
  Coding coding;
  std::vector<std::size_t> part_units;
  const char* why;
};

std::size_t UnitsOf(const std::string& part, Coding coding) {
  return coding == Coding::kGsm7 ? *Gsm7Length(part) : *Utf16Length(part);
}

TEST(TextTest, SplitIntoParts) {
  const SplitCase cases[] = {
      {"", Coding::kGsm7, {0}, "an empty text is one empty part"},
      {"", Coding::kUcs2, {0}, "an empty text is one empty part"},
      {Repeat("a", 160), Coding::kGsm7, {160}, "single-part GSM-7 limit"},
      {Repeat("a", 161), Coding::kGsm7, {153, 8}, "concatenated GSM-7 parts hold 153"},
      {Repeat("a", 306), Coding::kGsm7, {153, 153}, "two full parts"},
      {Repeat("a", 307), Coding::kGsm7, {153, 153, 1}, "three parts"},
      {Repeat("€", 76), Coding::kGsm7, {152}, "76 € = 152 septets fit one part"},
      {Repeat("€", 80), Coding::kGsm7, {160}, "80 € = 160 septets fit one part"},
      {Repeat("€", 81), Coding::kGsm7, {152, 10}, "an ESC pair never straddles the 153 limit"},
      {Repeat("a", 152) + "€" + Repeat("a", 7), Coding::kGsm7, {152, 9}, "€ at septets 153-154 moves on"},
      {Repeat("a", 151) + "€" + Repeat("a", 8), Coding::kGsm7, {153, 8}, "€ ending exactly at 153 stays"},
      {Repeat("a", 70), Coding::kUcs2, {70}, "single-part UCS-2 limit"},
      {Repeat("a", 71), Coding::kUcs2, {67, 4}, "concatenated UCS-2 parts hold 67"},
      {Repeat("👍", 35), Coding::kUcs2, {70}, "35 emoji = 70 units fit one part"},
      {Repeat("👍", 36), Coding::kUcs2, {66, 6}, "a surrogate pair never straddles the 67 limit"},
      {Repeat("a", 66) + "👍" + Repeat("a", 4), Coding::kUcs2, {66, 6}, "emoji at units 67-68 moves on"},
      {Repeat("a", 65) + "👍" + Repeat("a", 5), Coding::kUcs2, {67, 5}, "emoji ending exactly at 67 stays"},
      {Repeat("ж", 134), Coding::kUcs2, {67, 67}, "BMP characters cost one unit"},
  };
  for (const SplitCase& c : cases) {
    SCOPED_TRACE(c.why);
    Result<std::vector<std::string>> parts = SplitIntoParts(c.text, c.coding);
    ASSERT_TRUE(parts.ok()) << parts.error().ToString();
    ASSERT_EQ(parts->size(), c.part_units.size());
    std::string joined;
    for (std::size_t i = 0; i < parts->size(); ++i) {
      EXPECT_EQ(UnitsOf((*parts)[i], c.coding), c.part_units[i]) << "part " << i;
      joined += (*parts)[i];
    }
    EXPECT_EQ(joined, c.text);
  }
}

struct TooLongCase {
  std::string text;
  Coding coding;
  std::size_t max_parts;
  bool ok;
};

TEST(TextTest, SplitIntoPartsEnforcesMaxParts) {
  const TooLongCase cases[] = {
      {Repeat("a", 1530), Coding::kGsm7, kDefaultMaxParts, true},
      {Repeat("a", 1531), Coding::kGsm7, kDefaultMaxParts, false},
      {Repeat("a", 670), Coding::kUcs2, kDefaultMaxParts, true},
      {Repeat("a", 671), Coding::kUcs2, kDefaultMaxParts, false},
      {Repeat("a", 160), Coding::kGsm7, 1, true},
      {Repeat("a", 161), Coding::kGsm7, 1, false},
      {Repeat("a", 161), Coding::kGsm7, 2, true},
  };
  for (const TooLongCase& c : cases) {
    SCOPED_TRACE(c.text.size());
    Result<std::vector<std::string>> parts = SplitIntoParts(c.text, c.coding, c.max_parts);
    ASSERT_EQ(parts.ok(), c.ok);
    if (!c.ok) {
      EXPECT_EQ(parts.error().code(), ErrorCode::kInvalidArgument);
      EXPECT_EQ(parts.error().message(), "Message is too long.");
    }
  }
}

TEST(TextTest, SplitIntoPartsRejectsBadInput) {
  EXPECT_EQ(SplitIntoParts("garçon", Coding::kGsm7).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(SplitIntoParts("\xC3", Coding::kUcs2).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(SplitIntoParts("garçon", Coding::kUcs2).ok());
}

struct CountCase {
  std::string text;
  RequestedEncoding requested;
  PartCount expected;
  const char* why;
};

TEST(TextTest, CountParts) {
  const auto kStd = RequestedEncoding::kStandard;
  const CountCase cases[] = {
      {"", kStd, {Coding::kGsm7, 1, 0, false}, "empty"},
      {"Your code is 123456", kStd, {Coding::kGsm7, 1, 19, false}, "OTP"},
      {Repeat("a", 161), kStd, {Coding::kGsm7, 2, 161, false}, "two GSM-7 parts"},
      {Repeat("€", 81), kStd, {Coding::kGsm7, 2, 162, false}, "extension characters count 2"},
      {Repeat("a", 160) + "ç", kStd, {Coding::kUcs2, 3, 161, false}, "one ç turns the whole text UCS-2"},
      {"hello", RequestedEncoding::kUnicode, {Coding::kUcs2, 1, 5, false}, "forced UCS-2"},
      {Repeat("👍", 36), kStd, {Coding::kUcs2, 2, 72, false}, "emoji count 2 units"},
      {Repeat("a", 1531), kStd, {Coding::kGsm7, 11, 1531, true}, "11 parts is too long"},
      {Repeat("👍", 400), kStd, {Coding::kUcs2, 13, 800, true}, "13 parts of 33 emoji"},
  };
  for (const CountCase& c : cases) {
    SCOPED_TRACE(c.why);
    Result<PartCount> count = CountParts(c.text, c.requested);
    ASSERT_TRUE(count.ok());
    EXPECT_EQ(count->coding, c.expected.coding);
    EXPECT_EQ(count->parts, c.expected.parts);
    EXPECT_EQ(count->units, c.expected.units);
    EXPECT_EQ(count->too_long, c.expected.too_long);
  }
  EXPECT_TRUE(CountParts(Repeat("a", 161), kStd, 1)->too_long);
  EXPECT_EQ(CountParts("\xC3", kStd).error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace osprey::smsgw::sms
