#include "smsgw/sms/gsm7.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace osprey::smsgw::sms {
namespace {

using Septets = std::vector<std::uint8_t>;

// The default alphabet transcribed from modems-and-sms.md §4, as runs of consecutive septets (ESC 0x1B
// excluded).
struct SeptetRun {
  std::uint8_t first;
  std::string_view text;
};

constexpr SeptetRun kDefaultRuns[] = {
    {0x00, "@£$¥èéùìòÇ\nØø\rÅå"}, {0x10, "Δ_ΦΓΛΩΠΨΣΘΞ"},      {0x1C, "ÆæßÉ"},
    {0x20, " !\"#¤%&'()*+,-./"},  {0x30, "0123456789:;<=>?"}, {0x40, "¡ABCDEFGHIJKLMNO"},
    {0x50, "PQRSTUVWXYZÄÖÑÜ§"},   {0x60, "¿abcdefghijklmno"}, {0x70, "pqrstuvwxyzäöñüà"},
};

TEST(Gsm7Test, DefaultAlphabetMatchesSpecTable) {
  std::size_t covered = 0;
  for (const SeptetRun& run : kDefaultRuns) {
    SCOPED_TRACE(std::string(run.text));
    Result<Septets> septets = EncodeGsm7(run.text);
    ASSERT_TRUE(septets.ok()) << septets.error().ToString();
    for (std::size_t i = 0; i < septets->size(); ++i) EXPECT_EQ((*septets)[i], run.first + i);
    Result<std::string> decoded = DecodeGsm7(*septets);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(*decoded, run.text);
    covered += septets->size();
  }
  EXPECT_EQ(covered, 127u);  // every septet except ESC
}

struct ExtensionCase {
  std::string_view text;
  std::uint8_t code;
};

constexpr ExtensionCase kExtension[] = {
    {"\f", 0x0A}, {"^", 0x14}, {"{", 0x28}, {"}", 0x29}, {"\\", 0x2F},
    {"[", 0x3C},  {"~", 0x3D}, {"]", 0x3E}, {"|", 0x40}, {"€", 0x65},
};

TEST(Gsm7Test, ExtensionTableIsEscPlusCode) {
  for (const ExtensionCase& c : kExtension) {
    SCOPED_TRACE(std::string(c.text));
    Result<Septets> septets = EncodeGsm7(c.text);
    ASSERT_TRUE(septets.ok());
    EXPECT_EQ(*septets, (Septets{kGsm7Escape, c.code}));
    Result<std::string> decoded = DecodeGsm7(*septets);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(*decoded, c.text);
  }
}

struct CostCase {
  char32_t code_point;
  int cost;
};

constexpr CostCase kCosts[] = {
    {U'a', 1},  {U'@', 1},  {U'\n', 1}, {U'\r', 1},     {U'ß', 1}, {U'Ç', 1}, {U'Ø', 1},    {U'€', 2},
    {U'[', 2},  {U'\f', 2}, {U'ç', 0},  {U'â', 0},      {U'ê', 0}, {U'ô', 0}, {U'À', 0},    {U'`', 0},
    {U'\t', 0}, {0x1B, 0},  {0, 0},     {U'\u00A0', 0}, {U'д', 0}, {U'α', 0}, {0x1F44D, 0}, {U'ÿ', 0},
};

TEST(Gsm7Test, SeptetCost) {
  for (const CostCase& c : kCosts) {
    SCOPED_TRACE(static_cast<unsigned>(c.code_point));
    EXPECT_EQ(Gsm7SeptetCost(c.code_point), c.cost);
  }
}

TEST(Gsm7Test, EncodeRejectsUnrepresentableAndInvalidInput) {
  for (std::string_view text : {"ça", "\x1B", "tab\there", "👍", "\xC3"}) {
    SCOPED_TRACE(testing::PrintToString(std::string(text)));
    Result<Septets> septets = EncodeGsm7(text);
    ASSERT_FALSE(septets.ok());
    EXPECT_EQ(septets.error().code(), ErrorCode::kInvalidArgument);
  }
}

struct DecodeCase {
  Septets septets;
  std::string_view text;
  const char* why;
};

TEST(Gsm7Test, DecodeOddEscapes) {
  const DecodeCase cases[] = {
      {{kGsm7Escape, 0x41}, "A", "undefined extension code shows the default character"},
      {{kGsm7Escape, 0x00}, "@", "undefined extension code 0 shows '@'"},
      {{kGsm7Escape, kGsm7Escape}, " ", "ESC ESC is reserved: shown as a space"},
      {{0x61, kGsm7Escape}, "a ", "a trailing ESC is shown as a space"},
      {{0x00, 0x00}, "@@", "septet 0 is '@', not a terminator"},
  };
  for (const DecodeCase& c : cases) {
    SCOPED_TRACE(c.why);
    Result<std::string> text = DecodeGsm7(c.septets);
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(*text, c.text);
  }
}

TEST(Gsm7Test, DecodeRejectsValuesAbove7Bits) {
  EXPECT_EQ(DecodeGsm7(Septets{0x41, 0x80}).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(DecodeGsm7(Septets{kGsm7Escape, 0xFF}).error().code(), ErrorCode::kInvalidArgument);
}

std::string Hex(const std::vector<std::uint8_t>& bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (std::uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0F]);
  }
  return out;
}

Septets Repeat(std::uint8_t septet, std::size_t count) { return Septets(count, septet); }

struct PackCase {
  Septets septets;
  int fill_bits;
  std::string_view packed_hex;
  const char* why;
};

TEST(Gsm7Test, PackAndUnpack) {
  const Septets hello = *EncodeGsm7("hellohello");
  const PackCase cases[] = {
      {{}, 0, "", "empty"},
      {hello, 0, "E8329BFD4697D9EC37", "classic TS 23.038 example"},
      {hello, 1, "D06536FB8D2EB3D96F", "after a 6-octet concatenation UDH"},
      {hello, 6, "00BACC66BFD16536FB0D", "largest fill"},
      {{0x00}, 0, "00", "a lone '@' is septet 0 (1 spare bit: no pad)"},
      {Repeat(0x00, 7), 0, "0000000000001A", "7 spare bits after 7 '@': CR pad, not an 8th '@'"},
      {Repeat(0x00, 8), 0, "00000000000000", "8 septets fill 7 octets exactly"},
      {*EncodeGsm7("1234567"), 0, "31D98C56B3DD1A", "CR pad after 7 digits"},
      {Repeat(0x31, 15), 0, "B1582C168BC562B1582C168BC51A", "CR pad after 15 septets"},
      {Repeat(0x31, 8), 1, "62B1582C168BC51A", "CR pad with a fill bit"},
      {Repeat(0x31, 6), 2, "C462B1582C06", "4 spare bits: no pad"},
      {Repeat(0x7F, 8), 0, "FFFFFFFFFFFFFF", "all ones"},
  };
  for (const PackCase& c : cases) {
    SCOPED_TRACE(c.why);
    const std::vector<std::uint8_t> packed = PackGsm7(c.septets, c.fill_bits);
    EXPECT_EQ(Hex(packed), c.packed_hex);
    Result<Septets> unpacked = UnpackGsm7(packed, c.septets.size(), c.fill_bits);
    ASSERT_TRUE(unpacked.ok()) << unpacked.error().ToString();
    EXPECT_EQ(*unpacked, c.septets);
  }
}

TEST(Gsm7Test, UnpackRejectsShortInputAndBadFill) {
  const std::vector<std::uint8_t> packed = PackGsm7(Repeat(0x31, 8));
  EXPECT_TRUE(UnpackGsm7(packed, 8).ok());
  EXPECT_EQ(UnpackGsm7(packed, 9).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(UnpackGsm7(packed, 8, 1).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(UnpackGsm7(packed, 1, 7).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(UnpackGsm7(packed, 1, -1).error().code(), ErrorCode::kInvalidArgument);
}

TEST(Gsm7Test, FullRoundTripThroughPacking) {
  const std::string text = "Code: 123456 €{ok}\n@home [Ünïcode-free] ~|^\\ §¿¡";
  ASSERT_FALSE(EncodeGsm7(text).ok());  // 'ï' is not GSM-7
  const std::string gsm = "Code: 123456 €{ok}\n@home [Übung] ~|^\\ §¿¡";
  Result<Septets> septets = EncodeGsm7(gsm);
  ASSERT_TRUE(septets.ok());
  for (int fill = 0; fill <= 6; ++fill) {
    Result<Septets> unpacked = UnpackGsm7(PackGsm7(*septets, fill), septets->size(), fill);
    ASSERT_TRUE(unpacked.ok());
    EXPECT_EQ(*DecodeGsm7(*unpacked), gsm);
  }
}

}  // namespace
}  // namespace osprey::smsgw::sms
