#include "smsgw/sms/pdu.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace osprey::smsgw::sms {
namespace {

using Bytes = std::vector<std::uint8_t>;
using std::chrono::sys_days;

std::string Repeat(std::string_view unit, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) out += unit;
  return out;
}

Bytes Hex(std::string_view hex) {
  Result<Bytes> bytes = ParsePduHex(hex);
  EXPECT_TRUE(bytes.ok());
  return bytes.ok() ? *bytes : Bytes{};
}

constexpr std::string_view kSmscField = "07915155000000F0";
const Address kSmsc{kToaInternational, "+15550000000"};

// The three vectors of modems-and-sms.md §2.
struct SpecVector {
  std::string_view pdu;
  std::string_view number;
  std::string_view text;
  bool srr;
  std::uint8_t dcs;
  Alphabet alphabet;
  std::size_t cmgs_length;
};

const SpecVector kSpecVectors[] = {
    {"07915155000000F011000B915155214365F70000FF17C8329BFD06D9D3619039BC2E83825450FB4D2EB701", "+15551234567",
     "Hello via fake AT modem", false, 0x00, Alphabet::kGsm7, 35},
    {"07915155000000F031000D91945111325476F80000FF18D9775D0E7A52A1A0F19B5C06A5E73A900C7783E164",
     "+4915112345678", "Your OTP code is: 287082", true, 0x00, Alphabet::kGsm7, 36},
    {"07915155000000F011000D91945111325476F80008FF1A004B006F0064003A002000320038003700300038003200202713",
     "+4915112345678", "Kod: 287082 ✓", false, 0x08, Alphabet::kUcs2, 41},
};

TEST(PduTest, DecodesSpecVectors) {
  for (const SpecVector& v : kSpecVectors) {
    SCOPED_TRACE(std::string(v.text));
    Result<Submit> submit = DecodeSubmit(v.pdu);
    ASSERT_TRUE(submit.ok()) << submit.error().ToString();
    EXPECT_EQ(submit->smsc, kSmsc);
    EXPECT_EQ(submit->destination, (Address{kToaInternational, std::string(v.number)}));
    EXPECT_EQ(submit->text, v.text);
    EXPECT_EQ(submit->status_report_request, v.srr);
    EXPECT_EQ(submit->dcs, v.dcs);
    EXPECT_EQ(submit->coding, (DataCoding{v.alphabet, -1}));
    EXPECT_EQ(submit->tpdu_length, v.cmgs_length);
    EXPECT_EQ(submit->message_reference, 0);
    EXPECT_EQ(submit->vp_format, VpFormat::kRelative);
    EXPECT_EQ(submit->relative_vp, std::optional<std::uint8_t>(0xFF));
    EXPECT_FALSE(submit->udhi);
    EXPECT_FALSE(submit->concat.has_value());
    EXPECT_FALSE(submit->reject_duplicates);
    EXPECT_FALSE(submit->reply_path);
    EXPECT_EQ(submit->protocol_id, 0);
  }
}

// Vector 1 ends with 7 spare bits. libgammu left them zero; PackGsm7 fills them with CR (modems-and-sms.md §4
// item 1), so the encoder's last octet is 0x1B instead of 0x01. Both forms decode to the same text.
TEST(PduTest, EncodeSubmitReproducesSpecVectors) {
  const std::string cr_padded =
      "07915155000000F011000B915155214365F70000FF17C8329BFD06D9D3619039BC2E83825450FB4D2EB71B";
  Result<Submit> padded = DecodeSubmit(cr_padded);
  ASSERT_TRUE(padded.ok());
  EXPECT_EQ(padded->text, kSpecVectors[0].text);
  EXPECT_EQ(padded->tpdu_length, 35u);
  for (const SpecVector& v : kSpecVectors) {
    SCOPED_TRACE(std::string(v.text));
    SubmitRequest request;
    request.smsc = kSmsc;
    request.destination = Address{kToaInternational, std::string(v.number)};
    request.text = std::string(v.text);
    request.status_report_request = v.srr;
    Result<std::string> hex = EncodeSubmit(request);
    ASSERT_TRUE(hex.ok()) << hex.error().ToString();
    EXPECT_EQ(*hex, v.cmgs_length == 35 ? std::string_view(cr_padded) : v.pdu);
  }
}

TEST(PduTest, HexParsingAndFormatting) {
  EXPECT_EQ(FormatPduHex(Hex("00ab7fFF")), "00AB7FFF");
  EXPECT_TRUE(ParsePduHex("").ok());
  EXPECT_FALSE(ParsePduHex("ABC").ok());
  EXPECT_FALSE(ParsePduHex("0G").ok());
  EXPECT_FALSE(ParsePduHex(" 0").ok());
}

TEST(PduTest, EncodesAddresses) {
  struct Case {
    Address address;
    std::string_view hex;
  };
  const Case cases[] = {
      {{kToaInternational, "+15551234567"}, "0B915155214365F7"},
      {{kToaInternational, "+4915112345678"}, "0D91945111325476F8"},
      {{kToaUnknown, "01511234567"}, "0B811015214365F7"},
      {{kToaUnknown, "1234"}, "04812143"},
      {{kToaUnknown, "*#1abc"}, "0681BAC1ED"},
      {{kToaAlphanumeric, "Google"}, "0BD0C7F7FBCC2E03"},
      {{kToaAlphanumeric, "Osprey MFA"}, "12D0CF395C5ECE839AC620"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.address.value);
    Result<Bytes> encoded = EncodeAddress(c.address);
    ASSERT_TRUE(encoded.ok()) << encoded.error().ToString();
    EXPECT_EQ(FormatPduHex(*encoded), c.hex);
    Result<ParsedAddress> decoded = DecodeAddress(*encoded);
    ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
    EXPECT_EQ(decoded->address, c.address);
    EXPECT_EQ(decoded->octets, encoded->size());
  }
}

TEST(PduTest, MakeAddressChoosesType) {
  EXPECT_EQ(*MakeAddress("+4915112345678"), (Address{kToaInternational, "+4915112345678"}));
  EXPECT_EQ(*MakeAddress("015112345678"), (Address{kToaUnknown, "015112345678"}));
  EXPECT_EQ(*MakeAddress("Bank"), (Address{kToaAlphanumeric, "Bank"}));
  EXPECT_EQ(*MakeAddress("+"), (Address{kToaAlphanumeric, "+"}));
  EXPECT_FALSE(MakeAddress("").ok());
  EXPECT_FALSE(MakeAddress("+123456789012345678901").ok());  // 21 digits
  EXPECT_FALSE(MakeAddress("TwelveChars!").ok());            // 12 septets
  EXPECT_FALSE(MakeAddress("Cześć").ok());                   // not GSM-7
}

TEST(PduTest, RejectsBadAddresses) {
  EXPECT_FALSE(EncodeAddress({kToaUnknown, "+49"}).ok());  // '+' needs an international type
  EXPECT_FALSE(EncodeAddress({kToaInternational, "+"}).ok());
  EXPECT_FALSE(EncodeAddress({kToaUnknown, "12-3"}).ok());
  EXPECT_FALSE(EncodeAddress({0x11, "123"}).ok());  // type without bit 7
  EXPECT_FALSE(DecodeAddress(Hex("")).ok());
  EXPECT_FALSE(DecodeAddress(Hex("04")).ok());
  EXPECT_FALSE(DecodeAddress(Hex("049121")).ok());                          // truncated digits
  EXPECT_FALSE(DecodeAddress(Hex("0411214365")).ok());                      // type without bit 7
  EXPECT_FALSE(DecodeAddress(Hex("159121436587092143658709214365")).ok());  // 21 semi-octets
  EXPECT_FALSE(DecodeAddress(Hex("0491F143")).ok());                        // F inside
  EXPECT_FALSE(DecodeAddress(Hex("03912143")).ok());                        // odd count without F filler
  Result<ParsedAddress> odd = DecodeAddress(Hex("039121F3"));
  ASSERT_TRUE(odd.ok());
  EXPECT_EQ(odd->address.value, "+123");
}

TEST(PduTest, SmscField) {
  Result<Bytes> smsc = EncodeSmsc(kSmsc);
  ASSERT_TRUE(smsc.ok());
  EXPECT_EQ(FormatPduHex(*smsc), kSmscField);
  Result<ParsedAddress> decoded = DecodeSmsc(*smsc);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->address, kSmsc);
  EXPECT_EQ(decoded->octets, 8u);

  EXPECT_EQ(FormatPduHex(*EncodeSmsc(Address{})), "00");
  Result<ParsedAddress> none = DecodeSmsc(Hex("00"));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->address.value.empty());
  EXPECT_EQ(none->octets, 1u);

  Result<ParsedAddress> even = DecodeSmsc(Hex("0481214365"));
  ASSERT_TRUE(even.ok());
  EXPECT_EQ(even->address.value, "123456");

  EXPECT_FALSE(EncodeSmsc({kToaAlphanumeric, "Bank"}).ok());
  EXPECT_FALSE(DecodeSmsc(Hex("")).ok());
  EXPECT_FALSE(DecodeSmsc(Hex("0791515500")).ok());                    // truncated
  EXPECT_FALSE(DecodeSmsc(Hex("0C91515500000000000000000000")).ok());  // longer than 11 octets
  EXPECT_FALSE(DecodeSmsc(Hex("0711515500000000F0")).ok());            // type without bit 7
  EXPECT_FALSE(DecodeSmsc(Hex("03D04F79")).ok());                      // alphanumeric
}

TEST(PduTest, Scts) {
  using namespace std::chrono;
  const sys_seconds utc = sys_days(year(2026) / 11 / 29) + hours(10) + minutes(15) + seconds(30);
  struct Case {
    int quarters;
    std::string_view hex;
  };
  const Case cases[] = {
      {0, "62119201510300"},    // 10:15:30 +00:00
      {4, "62119211510340"},    // 11:15:30 +01:00
      {-20, "6211925051030A"},  // 05:15:30 -05:00
      {-12, "62119270510329"},  // 07:15:30 -03:00
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.quarters);
    Timestamp t{utc, c.quarters};
    Result<std::array<std::uint8_t, 7>> encoded = EncodeScts(t);
    ASSERT_TRUE(encoded.ok()) << encoded.error().ToString();
    EXPECT_EQ(FormatPduHex(*encoded), c.hex);
    Result<Timestamp> decoded = DecodeScts(*encoded);
    ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
    EXPECT_EQ(*decoded, t);
  }
  // +19:45 crosses midnight: local 2026-11-30 06:00:30.
  Timestamp late{utc, 79};
  Result<std::array<std::uint8_t, 7>> encoded = EncodeScts(late);
  ASSERT_TRUE(encoded.ok());
  EXPECT_EQ(FormatPduHex(*encoded), "62110360000397");
  EXPECT_EQ(*DecodeScts(*encoded), late);

  EXPECT_FALSE(EncodeScts({utc, 80}).ok());
  EXPECT_FALSE(EncodeScts({utc, -80}).ok());
  EXPECT_FALSE(EncodeScts({sys_days(year(1999) / 12 / 31), 0}).ok());
  EXPECT_FALSE(DecodeScts(Hex("621192015103")).ok());    // 6 octets
  EXPECT_FALSE(DecodeScts(Hex("6A119201510300")).ok());  // nibble above 9
  EXPECT_FALSE(DecodeScts(Hex("62319201510300")).ok());  // month 13
  EXPECT_FALSE(DecodeScts(Hex("62200301510300")).ok());  // 30 February
  EXPECT_FALSE(DecodeScts(Hex("62119242510300")).ok());  // hour 24
  EXPECT_FALSE(DecodeScts(Hex("62119201510600")).ok());  // second 60
  EXPECT_FALSE(DecodeScts(Hex("621192015103A0")).ok());  // zone units nibble above 9
}

TEST(PduTest, DataCodingScheme) {
  struct Case {
    std::uint8_t dcs;
    DataCoding coding;
  };
  const Case cases[] = {
      {0x00, {Alphabet::kGsm7, -1}},    {0x04, {Alphabet::kEightBit, -1}}, {0x08, {Alphabet::kUcs2, -1}},
      {0x10, {Alphabet::kGsm7, 0}},     {0x18, {Alphabet::kUcs2, 0}},      {0x11, {Alphabet::kGsm7, 1}},
      {0x16, {Alphabet::kEightBit, 2}}, {0x48, {Alphabet::kUcs2, -1}},     {0xF0, {Alphabet::kGsm7, 0}},
      {0xF5, {Alphabet::kEightBit, 1}}, {0xC0, {Alphabet::kGsm7, -1}},     {0xD8, {Alphabet::kGsm7, -1}},
      {0xE0, {Alphabet::kUcs2, -1}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(static_cast<int>(c.dcs));
    Result<DataCoding> coding = DecodeDcs(c.dcs);
    ASSERT_TRUE(coding.ok()) << coding.error().ToString();
    EXPECT_EQ(*coding, c.coding);
  }
  EXPECT_FALSE(DecodeDcs(0x0C).ok());  // reserved alphabet
  EXPECT_FALSE(DecodeDcs(0x80).ok());  // reserved groups 1000..1011
  EXPECT_FALSE(DecodeDcs(0xB4).ok());
  ASSERT_FALSE(DecodeDcs(0x20).ok());
  EXPECT_EQ(DecodeDcs(0x20).error().code(), ErrorCode::kUnimplemented);

  EXPECT_EQ(EncodeDcs({Alphabet::kGsm7, -1}), 0x00);
  EXPECT_EQ(EncodeDcs({Alphabet::kEightBit, -1}), 0x04);
  EXPECT_EQ(EncodeDcs({Alphabet::kUcs2, -1}), 0x08);
  EXPECT_EQ(EncodeDcs({Alphabet::kGsm7, 0}), 0x10);
  EXPECT_EQ(EncodeDcs({Alphabet::kUcs2, 0}), 0x18);
  EXPECT_EQ(EncodeDcs({Alphabet::kGsm7, 2}), 0x12);
}

TEST(PduTest, DecodesFlashAndEightBitAndAbsoluteVp) {
  // Spec vector 1 with DCS 0x10 (flash, class 0).
  Result<Submit> flash =
      DecodeSubmit("07915155000000F011000B915155214365F70010FF17C8329BFD06D9D3619039BC2E83825450FB4D2EB701");
  ASSERT_TRUE(flash.ok()) << flash.error().ToString();
  EXPECT_EQ(flash->coding, (DataCoding{Alphabet::kGsm7, 0}));
  EXPECT_EQ(flash->text, "Hello via fake AT modem");

  // 8-bit data with an absolute VP (VPF 11, 7 octets), RD and RP set: the raw octets come back.
  Result<Submit> binary = DecodeSubmit(
      "07915155000000F09D070B915155214365F7000462119201510300"
      "0400FF7F80");
  ASSERT_TRUE(binary.ok()) << binary.error().ToString();
  EXPECT_EQ(binary->vp_format, VpFormat::kAbsolute);
  EXPECT_FALSE(binary->relative_vp.has_value());
  EXPECT_TRUE(binary->reject_duplicates);
  EXPECT_TRUE(binary->reply_path);
  EXPECT_EQ(binary->message_reference, 7);
  EXPECT_EQ(binary->coding.alphabet, Alphabet::kEightBit);
  EXPECT_EQ(binary->text, std::string("\x00\xFF\x7F\x80", 4));
  EXPECT_EQ(binary->tpdu_length, 24u);

  // No VP at all (VPF 00) and no SMSC (field 00).
  Result<Submit> none = DecodeSubmit("0001000B915155214365F7000005C8329BFD06");
  ASSERT_TRUE(none.ok()) << none.error().ToString();
  EXPECT_TRUE(none->smsc.value.empty());
  EXPECT_EQ(none->vp_format, VpFormat::kNone);
  EXPECT_EQ(none->text, "Hello");
  EXPECT_EQ(none->tpdu_length, 18u);
}

// Concatenated GSM-7 submits built by hand from TS 23.040: the text starts at the septet boundary after the
// UDH, so a 6-octet header (48 bits) is followed by 1 fill bit, a 7-octet one by none, a 9-octet one by 5.
TEST(PduTest, DecodesConcatenatedGsm7SubmitWithFillBits) {
  struct Case {
    std::string pdu;
    Concat concat;
    std::size_t udl;
  };
  const Case cases[] = {
      {"07915155000000F051000B915155214365F70000FF09050003AB02019069", {0xAB, 2, 1, false}, 9},
      {"07915155000000F051000B915155214365F70000FF0A06080412340302C834", {0x1234, 3, 2, true}, 10},
      // An unknown IE (0x24, national shift table) before the concatenation IE is skipped.
      {"07915155000000F051000B915155214365F70000FF0D082401000003AB0201009906", {0xAB, 2, 1, false}, 13},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.pdu);
    Result<Submit> submit = DecodeSubmit(c.pdu);
    ASSERT_TRUE(submit.ok()) << submit.error().ToString();
    EXPECT_TRUE(submit->udhi);
    ASSERT_TRUE(submit->concat.has_value());
    EXPECT_EQ(*submit->concat, c.concat);
    EXPECT_EQ(submit->text, "Hi");
    EXPECT_EQ(submit->user_data_length, c.udl);
    EXPECT_EQ(submit->tpdu_length, c.pdu.size() / 2 - 8);
  }
  for (std::size_t i = 0; i < 2; ++i) {
    SubmitRequest request;
    request.smsc = kSmsc;
    request.destination = {kToaInternational, "+15551234567"};
    request.text = "Hi";
    request.concat = cases[i].concat;
    EXPECT_EQ(*EncodeSubmit(request), cases[i].pdu);
  }
}

TEST(PduTest, ConcatenatedSubmitRoundTripsEveryFillBitCount) {
  // Texts of 0..8 septets after both header sizes exercise every alignment of the final octet.
  for (bool wide : {false, true}) {
    for (std::size_t n = 0; n <= 8; ++n) {
      SubmitRequest request;
      request.smsc = kSmsc;
      request.destination = {kToaUnknown, "0151"};
      request.text = Repeat("@a", n).substr(0, n);
      request.concat = Concat{0x0102, 4, 4, wide};
      request.status_report_request = true;
      Result<std::string> hex = EncodeSubmit(request);
      ASSERT_TRUE(hex.ok());
      Result<Submit> submit = DecodeSubmit(*hex);
      ASSERT_TRUE(submit.ok()) << submit.error().ToString();
      EXPECT_EQ(submit->text, request.text);
      EXPECT_EQ(submit->first_octet, 0x71);
      Concat expected = *request.concat;
      if (!wide) expected.reference = 0x02;
      EXPECT_EQ(*submit->concat, expected);
    }
  }
}

TEST(PduTest, ExtensionTableRoundTrips) {
  const std::string text = "€[]{}~|\\^ and \f";  // 10 extension characters, 5 default ones = 25 septets
  for (bool with_udh : {false, true}) {
    SCOPED_TRACE(with_udh);
    std::optional<Concat> concat;
    if (with_udh) concat = Concat{9, 2, 2, false};
    SubmitRequest submit_request;
    submit_request.smsc = kSmsc;
    submit_request.destination = {kToaInternational, "+4915112345678"};
    submit_request.text = text;
    submit_request.concat = concat;
    Result<Submit> submit = DecodeSubmit(*EncodeSubmit(submit_request));
    ASSERT_TRUE(submit.ok()) << submit.error().ToString();
    EXPECT_EQ(submit->text, text);
    EXPECT_EQ(submit->coding.alphabet, Alphabet::kGsm7);
    EXPECT_EQ(submit->user_data_length, with_udh ? 32u : 25u);

    DeliverRequest deliver_request;
    deliver_request.sender = {kToaInternational, "+4915112345678"};
    deliver_request.scts = {sys_days(std::chrono::year(2026) / 1 / 2), 8};
    deliver_request.text = text;
    deliver_request.concat = concat;
    Result<Deliver> deliver = DecodeDeliver(*EncodeDeliver(deliver_request));
    ASSERT_TRUE(deliver.ok()) << deliver.error().ToString();
    EXPECT_EQ(deliver->text, text);
    EXPECT_EQ(deliver->concat, concat);
  }
}

TEST(PduTest, EmojiRoundTripsInUcs2) {
  const std::string text = "OK 👍 ✓";
  DeliverRequest request;
  request.smsc = kSmsc;
  request.sender = {kToaInternational, "+4915112345678"};
  request.scts = {sys_days(std::chrono::year(2026) / 11 / 29), 0};
  request.text = text;
  Result<std::string> hex = EncodeDeliver(request);
  ASSERT_TRUE(hex.ok()) << hex.error().ToString();
  EXPECT_NE(hex->find("D83DDC4D"), std::string::npos);  // surrogate pair of U+1F44D
  Result<Deliver> deliver = DecodeDeliver(*hex);
  ASSERT_TRUE(deliver.ok()) << deliver.error().ToString();
  EXPECT_EQ(deliver->coding, (DataCoding{Alphabet::kUcs2, -1}));
  EXPECT_EQ(deliver->dcs, 0x08);
  EXPECT_EQ(deliver->text, text);
  EXPECT_EQ(deliver->user_data_length, 14u);  // 7 UTF-16 units

  SubmitRequest submit_request;
  submit_request.smsc = kSmsc;
  submit_request.destination = {kToaInternational, "+4915112345678"};
  submit_request.text = text;
  submit_request.concat = Concat{0xBEEF, 2, 1, true};
  Result<Submit> submit = DecodeSubmit(*EncodeSubmit(submit_request));
  ASSERT_TRUE(submit.ok()) << submit.error().ToString();
  EXPECT_EQ(submit->text, text);
  EXPECT_EQ(submit->user_data_length, 21u);
}

TEST(PduTest, DeliverEncodesByteForByte) {
  DeliverRequest request;
  request.smsc = kSmsc;
  request.sender = {kToaInternational, "+4915112345678"};
  request.scts = {sys_days(std::chrono::year(2026) / 11 / 29) + std::chrono::hours(10) +
                      std::chrono::minutes(15) + std::chrono::seconds(30),
                  4};
  request.text = "Hello";
  const std::string expected =
      "07915155000000F0040D91945111325476F8000062119211510340"
      "05C8329BFD06";
  EXPECT_EQ(*EncodeDeliver(request), expected);
  Result<Deliver> deliver = DecodeDeliver(expected);
  ASSERT_TRUE(deliver.ok()) << deliver.error().ToString();
  EXPECT_EQ(deliver->smsc, kSmsc);
  EXPECT_EQ(deliver->first_octet, 0x04);
  EXPECT_FALSE(deliver->more_messages);
  EXPECT_FALSE(deliver->udhi);
  EXPECT_EQ(deliver->sender, request.sender);
  EXPECT_EQ(deliver->scts, request.scts);
  EXPECT_EQ(deliver->text, "Hello");
  EXPECT_EQ(deliver->tpdu_length, expected.size() / 2 - 8);

  // National and alphanumeric senders; no SMSC.
  for (std::string_view sender : {"015112345678", "Osprey MFA"}) {
    SCOPED_TRACE(std::string(sender));
    DeliverRequest other = request;
    other.smsc = Address{};
    other.sender = *MakeAddress(sender);
    Result<std::string> hex = EncodeDeliver(other);
    ASSERT_TRUE(hex.ok());
    EXPECT_EQ(hex->substr(0, 4), "0004");
    Result<Deliver> decoded = DecodeDeliver(*hex);
    ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
    EXPECT_EQ(decoded->sender, other.sender);
    EXPECT_TRUE(decoded->smsc.value.empty());
  }
  EXPECT_FALSE(DecodeDeliver(kSpecVectors[0].pdu).ok());  // a SUBMIT
  EXPECT_FALSE(DecodeSubmit(expected).ok());              // a DELIVER
}

// Decodes every part of EncodeDeliverParts and checks the texts, UDLs and concatenation numbers.
void ExpectParts(const std::vector<std::string>& parts, const std::vector<std::string>& texts,
                 const std::vector<std::size_t>& udls, Alphabet alphabet) {
  ASSERT_EQ(parts.size(), texts.size());
  for (std::size_t i = 0; i < parts.size(); ++i) {
    SCOPED_TRACE(i);
    Result<Deliver> part = DecodeDeliver(parts[i]);
    ASSERT_TRUE(part.ok()) << part.error().ToString();
    EXPECT_EQ(part->text, texts[i]);
    EXPECT_EQ(part->user_data_length, udls[i]);
    EXPECT_EQ(part->coding.alphabet, alphabet);
    if (parts.size() == 1) {
      EXPECT_EQ(part->first_octet, 0x04);
      EXPECT_FALSE(part->concat.has_value());
    } else {
      EXPECT_EQ(part->first_octet, 0x44);
      ASSERT_TRUE(part->concat.has_value());
      EXPECT_EQ(*part->concat, (Concat{0x5A, static_cast<std::uint8_t>(parts.size()),
                                       static_cast<std::uint8_t>(i + 1), false}));
    }
  }
}

TEST(PduTest, EncodeDeliverPartsSplitsAtSpecLimits) {
  DeliverRequest request;
  request.smsc = kSmsc;
  request.sender = {kToaInternational, "+4915112345678"};
  request.scts = {sys_days(std::chrono::year(2026) / 11 / 29), 4};

  request.text = Repeat("€", 80);  // 160 septets: one part
  ExpectParts(*EncodeDeliverParts(request, 0x5A), {request.text}, {160}, Alphabet::kGsm7);

  // 76 € = 152 septets fill part 1: a 77th would need septets 153 and 154, splitting its ESC pair.
  request.text = Repeat("€", 100);
  ExpectParts(*EncodeDeliverParts(request, 0x5A), {Repeat("€", 76), Repeat("€", 24)}, {7 + 152, 7 + 48},
              Alphabet::kGsm7);

  request.text = Repeat("a", 153) + Repeat("b", 153) + "c";
  ExpectParts(*EncodeDeliverParts(request, 0x5A), {Repeat("a", 153), Repeat("b", 153), "c"}, {160, 160, 8},
              Alphabet::kGsm7);

  // 36 thumbs up = 72 UTF-16 units: 66 + 6, since the 67th unit would split a surrogate pair.
  request.text = Repeat("👍", 36);
  ExpectParts(*EncodeDeliverParts(request, 0x5A), {Repeat("👍", 33), Repeat("👍", 3)}, {6 + 132, 6 + 12},
              Alphabet::kUcs2);

  // One character outside GSM-7 makes every part UCS-2, also a part that alone would fit GSM-7.
  request.text = Repeat("a", 100) + "ж";
  ExpectParts(*EncodeDeliverParts(request, 0x5A), {Repeat("a", 67), Repeat("a", 33) + "ж"}, {6 + 134, 6 + 68},
              Alphabet::kUcs2);

  request.text = Repeat("a", 153 * 10 + 1);
  EXPECT_FALSE(EncodeDeliverParts(request, 0x5A).ok());
  EXPECT_TRUE(EncodeDeliverParts(request, 0x5A, 11).ok());
  request.text = "\xFF";
  EXPECT_FALSE(EncodeDeliverParts(request, 0x5A).ok());
}

TEST(PduTest, EncodeRejectsTextsLongerThanOnePart) {
  DeliverRequest request;
  request.sender = {kToaUnknown, "123"};
  request.scts = {sys_days(std::chrono::year(2026) / 11 / 29), 0};
  request.text = Repeat("a", 160);
  EXPECT_TRUE(EncodeDeliver(request).ok());
  request.text = Repeat("a", 161);
  EXPECT_FALSE(EncodeDeliver(request).ok());
  request.text = Repeat("a", 153);
  request.concat = Concat{1, 2, 1, false};
  EXPECT_TRUE(EncodeDeliver(request).ok());
  request.text = Repeat("a", 154);
  EXPECT_FALSE(EncodeDeliver(request).ok());
  request.text = Repeat("ж", 67);
  EXPECT_TRUE(EncodeDeliver(request).ok());
  request.text = Repeat("ж", 68);
  EXPECT_FALSE(EncodeDeliver(request).ok());
}

TEST(PduTest, StatusReportRoundTrip) {
  using namespace std::chrono;
  StatusReport report;
  report.smsc = kSmsc;
  report.message_reference = 42;
  report.recipient = {kToaInternational, "+4915112345678"};
  report.service_centre_time = {sys_days(year(2026) / 11 / 29) + hours(10) + minutes(15) + seconds(30), 4};
  report.discharge_time = {sys_days(year(2026) / 11 / 29) + hours(10) + minutes(15) + seconds(35), 4};
  for (std::uint8_t status : {0x00, 0x21, 0x46}) {
    SCOPED_TRACE(static_cast<int>(status));
    report.status = status;
    Result<std::string> hex = EncodeStatusReport(report);
    ASSERT_TRUE(hex.ok()) << hex.error().ToString();
    EXPECT_EQ(*hex,
              "07915155000000F0062A0D91945111325476F8"
              "62119211510340"
              "62119211515340" +
                  FormatPduHex(Bytes{status}));
    Result<StatusReport> decoded = DecodeStatusReport(*hex);
    ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
    EXPECT_EQ(decoded->smsc, kSmsc);
    EXPECT_EQ(decoded->first_octet, 0x06);
    EXPECT_EQ(decoded->message_reference, 42);
    EXPECT_EQ(decoded->recipient, report.recipient);
    EXPECT_EQ(decoded->service_centre_time, report.service_centre_time);
    EXPECT_EQ(decoded->discharge_time, report.discharge_time);
    EXPECT_EQ(decoded->status, status);
    EXPECT_EQ(decoded->tpdu_length, hex->size() / 2 - 8);
    // A trailing TP-PI is accepted; every truncation is rejected.
    EXPECT_TRUE(DecodeStatusReport(*hex + "00").ok());
    for (std::size_t n = 0; n < hex->size(); n += 2) {
      EXPECT_FALSE(DecodeStatusReport(hex->substr(0, n)).ok()) << n;
    }
  }
  EXPECT_FALSE(DecodeStatusReport(kSpecVectors[0].pdu).ok());
  report.recipient = {};
  EXPECT_FALSE(EncodeStatusReport(report).ok());
}

struct MalformedCase {
  std::string hex;
  std::string_view reason;
};

// Replaces the first occurrence of `from` in `hex`.
std::string Patch(std::string hex, std::string_view from, std::string_view to) {
  std::size_t at = hex.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) hex.replace(at, from.size(), to);
  return hex;
}

TEST(PduTest, RejectsMalformedSubmits) {
  const std::string gsm(kSpecVectors[0].pdu);
  const std::string ucs(kSpecVectors[2].pdu);
  const std::string udh = "07915155000000F051000B915155214365F70000FF09050003AB02019069";
  const MalformedCase cases[] = {
      {"", "empty PDU"},
      {gsm + "0", "odd number of hex digits"},
      {Patch(gsm, "F011", "F0G1"), "bad hex digit"},
      {gsm + "00", "octets after user data"},
      {"00", "no TPDU"},
      {"0C91515500000000F0000000000000", "SMSC field too long"},
      {"07915155000000", "truncated SMSC field"},
      {Patch(gsm, "F011", "F004"), "not an SMS-SUBMIT"},
      {Patch(gsm, "F011", "F012"), "not an SMS-SUBMIT"},
      {"07915155000000F01100", "truncated address"},
      {Patch(gsm, "0B9151", "159151"), "address too long"},
      {Patch(gsm, "0B9151", "0B1151"), "type of address without bit 7"},
      {Patch(gsm, "65F7", "6FF7"), "F inside an address"},
      {Patch(gsm, "65F7", "6507"), "address without F filler"},
      {Patch(gsm, "F70000FF", "F7008CFF"), "reserved DCS group"},
      {Patch(gsm, "F70000FF", "F7000CFF"), "reserved alphabet in DCS"},
      {"07915155000000F011000B915155214365F70000", "truncated VP"},
      {"07915155000000F019000B915155214365F7000062119201", "truncated VP"},
      {"07915155000000F011000B915155214365F70000FF", "truncated before UDL"},
      {Patch(gsm, "FF17", "FF19"), "truncated user data"},
      {Patch(gsm, "FF17", "FFA1"), "UDL above 160 septets"},
      {Patch(ucs, "FF1A", "FF8D"), "UDL above 140 octets"},
      {Patch(ucs, "FF1A", "FF19").substr(0, ucs.size() - 2), "odd"},
      {Patch(udh, "FF09050003", "FF09080003"), "UDHL does not fit user data"},
      {Patch(udh, "FF09050003", "FF09050004"), "UDH element length does not fit"},
      {Patch(udh, "FF09050003AB02", "FF09050002AB02"), "bad concatenation element length"},
      {Patch(udh, "AB0201", "AB0200"), "bad concatenation numbers"},
      {Patch(udh, "AB0201", "AB0203"), "bad concatenation numbers"},
      {Patch(udh, "AB0201", "AB0001"), "bad concatenation numbers"},
      {Patch(udh, "050003AB0201", "0524020000AB"), "truncated UDH element"},
      {"07915155000000F051000B915155214365F70000FF00", "UDHI set without user data"},
      {"07915155000000F051000B915155214365F70000FF0100", "UDH longer than UDL"},
  };
  for (const MalformedCase& c : cases) {
    SCOPED_TRACE(c.hex);
    Result<Submit> submit = DecodeSubmit(c.hex);
    ASSERT_FALSE(submit.ok()) << submit->text;
    EXPECT_EQ(submit.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(submit.error().message().find(c.reason), std::string::npos) << submit.error().message();
  }
  Result<Submit> compressed = DecodeSubmit(Patch(gsm, "F70000FF", "F70020FF"));
  ASSERT_FALSE(compressed.ok());
  EXPECT_EQ(compressed.error().code(), ErrorCode::kUnimplemented);
}

TEST(PduTest, RejectsEveryTruncation) {
  std::vector<std::string> pdus = {"07915155000000F051000B915155214365F70000FF09050003AB02019069"};
  for (const SpecVector& v : kSpecVectors) pdus.emplace_back(v.pdu);
  for (const std::string& pdu : pdus) {
    for (std::size_t n = 0; n < pdu.size(); ++n) {
      EXPECT_FALSE(DecodeSubmit(pdu.substr(0, n)).ok()) << pdu.substr(0, n);
      EXPECT_FALSE(DecodeDeliver(pdu.substr(0, n)).ok()) << pdu.substr(0, n);
    }
  }
}

// Every single-octet corruption of valid PDUs must decode or fail cleanly; the sanitizer build catches any
// out-of-bounds read.
TEST(PduTest, SurvivesEveryOctetCorruption) {
  std::vector<std::string> pdus = {"07915155000000F051000B915155214365F70000FF09050003AB02019069",
                                   "07915155000000F0062A0D91945111325476F86211921151034062119211515340"
                                   "00",
                                   "07915155000000F0440BD0C7F7FBCC2E03000062119211510340"
                                   "09050003010201"
                                   "9069"};
  for (const SpecVector& v : kSpecVectors) pdus.emplace_back(v.pdu);
  std::size_t decoded = 0;
  for (const std::string& pdu : pdus) {
    EXPECT_TRUE(DecodeSubmit(pdu).ok() || DecodeDeliver(pdu).ok() || DecodeStatusReport(pdu).ok()) << pdu;
    Bytes bytes = Hex(pdu);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      for (int value : {0x00, 0x01, 0x07, 0x0B, 0x40, 0x7F, 0x80, 0x8C, 0xA0, 0xFF}) {
        Bytes corrupt = bytes;
        corrupt[i] = static_cast<std::uint8_t>(value);
        std::string hex = FormatPduHex(corrupt);
        decoded += DecodeSubmit(hex).ok() + DecodeDeliver(hex).ok() + DecodeStatusReport(hex).ok();
      }
    }
  }
  EXPECT_GT(decoded, 0u);
}

}  // namespace
}  // namespace osprey::smsgw::sms
