#include "smsgw/sms/pdu.hpp"

#include <cassert>
#include <cstdlib>
#include <utility>

#include "smsgw/sms/gsm7.hpp"
#include "smsgw/sms/ucs2.hpp"

namespace osprey::smsgw::sms {
namespace {

Error Invalid(std::string reason) { return Error(ErrorCode::kInvalidArgument, std::move(reason)); }

// Semi-octet values 0..E as characters (TS 23.040 §9.1.2.3); F is only the filler.
constexpr std::string_view kSemiOctetChars = "0123456789*#abc";

constexpr std::size_t kMaxSmscOctets = 11;  // type octet + 10 octets of digits
constexpr std::size_t kMaxGsm7Septets = 160;
constexpr std::size_t kMaxUserDataOctets = 140;

bool IsAlphanumeric(std::uint8_t type) { return (type & 0x70) == 0x50; }
bool IsInternational(std::uint8_t type) { return (type & 0x70) == 0x10; }

// Bounded cursor over a TPDU: every read checks the remaining length, so no decoder can run past its input.
class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  std::span<const std::uint8_t> rest() const { return bytes_.subspan(pos_); }
  bool Take(std::uint8_t& out) {
    if (pos_ >= bytes_.size()) return false;
    out = bytes_[pos_++];
    return true;
  }
  bool Skip(std::size_t n) {
    if (n > bytes_.size() - pos_) return false;
    pos_ += n;
    return true;
  }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Returns the semi-octets of a numeric address value ('+' allowed first only for an international type).
Result<std::vector<std::uint8_t>> AddressNibbles(const Address& address) {
  if ((address.type & 0x80) == 0) return Invalid("type of address without bit 7");
  std::string_view digits = address.value;
  if (!digits.empty() && digits.front() == '+') {
    if (!IsInternational(address.type)) return Invalid("'+' in a non-international address");
    digits.remove_prefix(1);
  }
  if (digits.empty()) return Invalid("empty address");
  if (digits.size() > kMaxAddressDigits) return Invalid("address too long");
  std::vector<std::uint8_t> nibbles;
  for (char c : digits) {
    std::size_t index = kSemiOctetChars.find(c);
    if (index == std::string_view::npos) return Invalid("bad address character");
    nibbles.push_back(static_cast<std::uint8_t>(index));
  }
  return nibbles;
}

// Packs semi-octets low nibble first, with an F filler when the count is odd.
void AppendSwapped(const std::vector<std::uint8_t>& nibbles, std::vector<std::uint8_t>& out) {
  for (std::size_t i = 0; i < nibbles.size(); i += 2) {
    std::uint8_t high = i + 1 < nibbles.size() ? nibbles[i + 1] : 0x0F;
    out.push_back(static_cast<std::uint8_t>(nibbles[i] | (high << 4)));
  }
}

// Reads `count` semi-octets from `body` (which holds at least (count+1)/2 octets) for an address of `type`.
Result<std::string> DecodeDigits(std::span<const std::uint8_t> body, std::size_t count, std::uint8_t type) {
  std::string value = IsInternational(type) ? "+" : "";
  for (std::size_t i = 0; i < count; ++i) {
    std::uint8_t nibble = (body[i / 2] >> (4 * (i % 2))) & 0x0F;
    if (nibble == 0x0F) return Invalid("F inside an address");
    value.push_back(kSemiOctetChars[nibble]);
  }
  if (count % 2 == 1 && (body[count / 2] >> 4) != 0x0F) return Invalid("address without F filler");
  return value;
}

std::uint8_t ToBcd(int value) { return static_cast<std::uint8_t>(((value % 10) << 4) | (value / 10)); }

// Reads a swapped BCD octet; -1 when a nibble is above 9.
int FromBcd(std::uint8_t octet) {
  int low = octet & 0x0F;
  int high = octet >> 4;
  if (low > 9 || high > 9) return -1;
  return low * 10 + high;
}

// Parses the user data header (without its UDHL octet); only concatenation IEs are interpreted.
Result<std::optional<Concat>> ParseUdh(std::span<const std::uint8_t> header) {
  std::optional<Concat> concat;
  std::size_t i = 0;
  while (i < header.size()) {
    if (header.size() - i < 2) return Invalid("truncated UDH element");
    std::uint8_t iei = header[i];
    std::size_t length = header[i + 1];
    i += 2;
    if (length > header.size() - i) return Invalid("UDH element length does not fit");
    std::span<const std::uint8_t> data = header.subspan(i, length);
    i += length;
    if (iei == 0x00 || iei == 0x08) {
      bool wide = iei == 0x08;
      if (length != (wide ? 4u : 3u)) return Invalid("bad concatenation element length");
      Concat c;
      c.reference_16bit = wide;
      c.reference = wide ? static_cast<std::uint16_t>((data[0] << 8) | data[1]) : data[0];
      c.total = data[wide ? 2 : 1];
      c.sequence = data[wide ? 3 : 2];
      if (c.total == 0 || c.sequence == 0 || c.sequence > c.total)
        return Invalid("bad concatenation numbers");
      concat = c;
    }
  }
  return concat;
}

struct UserData {
  std::optional<Concat> concat;
  std::size_t length = 0;  // TP-UDL
  std::string text;
};

// Splits off the UDH of `ud` (the octets after TP-UDL) when `udhi`; returns the header size in octets.
Result<std::size_t> ReadHeader(std::span<const std::uint8_t> ud, bool udhi, UserData& out) {
  if (!udhi) return std::size_t{0};
  if (ud.empty()) return Invalid("UDHI set without user data");
  std::size_t header_octets = 1 + std::size_t{ud[0]};
  if (header_octets > ud.size()) return Invalid("UDHL does not fit user data");
  Result<std::optional<Concat>> concat = ParseUdh(ud.subspan(1, header_octets - 1));
  if (!concat.ok()) return concat.error();
  out.concat = *concat;
  return header_octets;
}

Result<UserData> DecodeGsm7UserData(std::span<const std::uint8_t> ud, std::size_t udl, bool udhi) {
  if (udl > kMaxGsm7Septets) return Invalid("UDL above 160 septets");
  std::size_t octets = (udl * 7 + 7) / 8;
  if (ud.size() < octets) return Invalid("truncated user data");
  if (ud.size() > octets) return Invalid("octets after user data");
  UserData out;
  out.length = udl;
  Result<std::size_t> header_octets = ReadHeader(ud, udhi, out);
  if (!header_octets.ok()) return header_octets.error();
  // The text starts at the next septet boundary after the header (TS 23.040 §9.2.3.24).
  std::size_t header_septets = (*header_octets * 8 + 6) / 7;
  if (header_septets > udl) return Invalid("UDH longer than UDL");
  int fill_bits = static_cast<int>(header_septets * 7 - *header_octets * 8);
  Result<std::vector<std::uint8_t>> septets =
      UnpackGsm7(ud.subspan(*header_octets), udl - header_septets, fill_bits);
  if (!septets.ok()) return septets.error();
  Result<std::string> text = DecodeGsm7(*septets);
  if (!text.ok()) return text.error();
  out.text = std::move(*text);
  return out;
}

Result<UserData> DecodeOctetUserData(std::span<const std::uint8_t> ud, std::size_t udl, bool udhi,
                                     Alphabet alphabet) {
  if (udl > kMaxUserDataOctets) return Invalid("UDL above 140 octets");
  if (ud.size() < udl) return Invalid("truncated user data");
  if (ud.size() > udl) return Invalid("octets after user data");
  UserData out;
  out.length = udl;
  Result<std::size_t> header_octets = ReadHeader(ud, udhi, out);
  if (!header_octets.ok()) return header_octets.error();
  std::span<const std::uint8_t> body = ud.subspan(*header_octets);
  if (alphabet == Alphabet::kEightBit) {
    out.text.assign(body.begin(), body.end());
    return out;
  }
  Result<std::string> text = DecodeUcs2(body);
  if (!text.ok()) return text.error();
  out.text = std::move(*text);
  return out;
}

// Reads TP-UDL and TP-UD, which must end the TPDU.
Result<UserData> DecodeUserData(Reader& reader, bool udhi, Alphabet alphabet) {
  std::uint8_t udl = 0;
  if (!reader.Take(udl)) return Invalid("truncated before UDL");
  if (alphabet == Alphabet::kGsm7) return DecodeGsm7UserData(reader.rest(), udl, udhi);
  return DecodeOctetUserData(reader.rest(), udl, udhi, alphabet);
}

struct EncodedUserData {
  std::uint8_t dcs = 0;
  std::vector<std::uint8_t> bytes;  // TP-UDL then TP-UD
};

std::vector<std::uint8_t> ConcatHeader(const Concat& c) {
  if (c.reference_16bit) {
    return {0x06,
            0x08,
            0x04,
            static_cast<std::uint8_t>(c.reference >> 8),
            static_cast<std::uint8_t>(c.reference & 0xFF),
            c.total,
            c.sequence};
  }
  return {0x05, 0x00, 0x03, static_cast<std::uint8_t>(c.reference & 0xFF), c.total, c.sequence};
}

Result<EncodedUserData> EncodeUserData(std::string_view text, RequestedEncoding encoding,
                                       const std::optional<Concat>& concat) {
  Result<Coding> coding = ChooseCoding(text, encoding);
  if (!coding.ok()) return coding.error();
  std::vector<std::uint8_t> header = concat ? ConcatHeader(*concat) : std::vector<std::uint8_t>{};
  EncodedUserData out;
  if (*coding == Coding::kGsm7) {
    Result<std::vector<std::uint8_t>> septets = EncodeGsm7(text);
    if (!septets.ok()) return septets.error();
    std::size_t header_septets = (header.size() * 8 + 6) / 7;
    std::size_t udl = header_septets + septets->size();
    if (udl > kMaxGsm7Septets) return Invalid("text too long for one part");
    int fill_bits = static_cast<int>(header_septets * 7 - header.size() * 8);
    std::vector<std::uint8_t> packed = PackGsm7(*septets, fill_bits);
    out.dcs = EncodeDcs({Alphabet::kGsm7, -1});
    out.bytes.push_back(static_cast<std::uint8_t>(udl));
    out.bytes.insert(out.bytes.end(), header.begin(), header.end());
    out.bytes.insert(out.bytes.end(), packed.begin(), packed.end());
    return out;
  }
  Result<std::vector<std::uint8_t>> units = EncodeUcs2(text);
  if (!units.ok()) return units.error();
  std::size_t udl = header.size() + units->size();
  if (udl > kMaxUserDataOctets) return Invalid("text too long for one part");
  out.dcs = EncodeDcs({Alphabet::kUcs2, -1});
  out.bytes.push_back(static_cast<std::uint8_t>(udl));
  out.bytes.insert(out.bytes.end(), header.begin(), header.end());
  out.bytes.insert(out.bytes.end(), units->begin(), units->end());
  return out;
}

void Append(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}

// Decodes the SMSC field of `bytes` and returns the TPDU after it.
Result<std::span<const std::uint8_t>> SplitSmsc(std::span<const std::uint8_t> bytes, Address& smsc) {
  Result<ParsedAddress> parsed = DecodeSmsc(bytes);
  if (!parsed.ok()) return parsed.error();
  smsc = parsed->address;
  return bytes.subspan(parsed->octets);
}

Result<Address> ReadAddress(Reader& reader) {
  Result<ParsedAddress> parsed = DecodeAddress(reader.rest());
  if (!parsed.ok()) return parsed.error();
  reader.Skip(parsed->octets);
  return parsed->address;
}

Result<Timestamp> ReadTimestamp(Reader& reader) {
  Result<Timestamp> time = DecodeScts(reader.rest());
  if (!time.ok()) return time.error();
  reader.Skip(7);
  return time;
}

VpFormat VpFormatOf(std::uint8_t first_octet) {
  switch ((first_octet >> 3) & 0x03) {
    case 0: return VpFormat::kNone;
    case 1: return VpFormat::kEnhanced;
    case 2: return VpFormat::kRelative;
    default: return VpFormat::kAbsolute;
  }
}

// Reads TP-VP of a SUBMIT according to its format.
Status ReadValidity(Reader& reader, Submit& out) {
  if (out.vp_format == VpFormat::kNone) return OkStatus();
  if (out.vp_format == VpFormat::kRelative) {
    std::uint8_t vp = 0;
    if (!reader.Take(vp)) return Invalid("truncated VP");
    out.relative_vp = vp;
    return OkStatus();
  }
  if (!reader.Skip(7)) return Invalid("truncated VP");
  return OkStatus();
}

// Reads PID and DCS, shared by SUBMIT and DELIVER.
template <typename Message>
Status ReadPidDcs(Reader& reader, Message& out) {
  if (!reader.Take(out.protocol_id)) return Invalid("truncated before PID");
  if (!reader.Take(out.dcs)) return Invalid("truncated before DCS");
  Result<DataCoding> coding = DecodeDcs(out.dcs);
  if (!coding.ok()) return coding.error();
  out.coding = *coding;
  return OkStatus();
}

template <typename Message>
Status ReadUserData(Reader& reader, Message& out) {
  Result<UserData> ud = DecodeUserData(reader, out.udhi, out.coding.alphabet);
  if (!ud.ok()) return ud.error();
  out.concat = ud->concat;
  out.user_data_length = ud->length;
  out.text = std::move(ud->text);
  return OkStatus();
}

}  // namespace

Result<std::vector<std::uint8_t>> ParsePduHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return Invalid("odd number of hex digits");
  std::vector<std::uint8_t> bytes;
  bytes.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int high = HexValue(hex[i]);
    int low = HexValue(hex[i + 1]);
    if (high < 0 || low < 0) return Invalid("bad hex digit");
    bytes.push_back(static_cast<std::uint8_t>((high << 4) | low));
  }
  return bytes;
}

std::string FormatPduHex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0F]);
  }
  return out;
}

Result<Address> MakeAddress(std::string_view text) {
  if (text.empty()) return Invalid("empty address");
  bool plus = text.front() == '+';
  std::string_view digits = plus ? text.substr(1) : text;
  bool numeric = !digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos;
  Address address;
  if (numeric) {
    address.type = plus ? kToaInternational : kToaUnknown;
    address.value = std::string(text);
  } else {
    address.type = kToaAlphanumeric;
    address.value = std::string(text);
  }
  Result<std::vector<std::uint8_t>> encoded = EncodeAddress(address);
  if (!encoded.ok()) return encoded.error();
  return address;
}

Result<std::vector<std::uint8_t>> EncodeAddress(const Address& address) {
  if (IsAlphanumeric(address.type)) {
    Result<std::vector<std::uint8_t>> septets = EncodeGsm7(address.value);
    if (!septets.ok()) return Invalid("alphanumeric address is not GSM-7");
    if (septets->empty() || septets->size() > kMaxAlphanumericSeptets) {
      return Invalid("alphanumeric address length");
    }
    std::vector<std::uint8_t> out = {static_cast<std::uint8_t>((septets->size() * 7 + 3) / 4), address.type};
    Append(out, PackGsm7(*septets));
    return out;
  }
  Result<std::vector<std::uint8_t>> nibbles = AddressNibbles(address);
  if (!nibbles.ok()) return nibbles.error();
  std::vector<std::uint8_t> out = {static_cast<std::uint8_t>(nibbles->size()), address.type};
  AppendSwapped(*nibbles, out);
  return out;
}

Result<std::vector<std::uint8_t>> EncodeSmsc(const Address& smsc) {
  if (smsc.value.empty()) return std::vector<std::uint8_t>{0x00};
  if (IsAlphanumeric(smsc.type)) return Invalid("alphanumeric SMSC");
  Result<std::vector<std::uint8_t>> nibbles = AddressNibbles(smsc);
  if (!nibbles.ok()) return nibbles.error();
  std::vector<std::uint8_t> out = {static_cast<std::uint8_t>(1 + (nibbles->size() + 1) / 2), smsc.type};
  AppendSwapped(*nibbles, out);
  return out;
}

Result<ParsedAddress> DecodeAddress(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < 2) return Invalid("truncated address");
  std::size_t semi_octets = bytes[0];
  std::uint8_t type = bytes[1];
  if ((type & 0x80) == 0) return Invalid("type of address without bit 7");
  if (semi_octets > kMaxAddressDigits) return Invalid("address too long");
  std::size_t octets = (semi_octets + 1) / 2;
  if (bytes.size() - 2 < octets) return Invalid("truncated address");
  std::span<const std::uint8_t> body = bytes.subspan(2, octets);
  ParsedAddress out;
  out.address.type = type;
  out.octets = 2 + octets;
  if (IsAlphanumeric(type)) {
    Result<std::vector<std::uint8_t>> septets = UnpackGsm7(body, semi_octets * 4 / 7);
    if (!septets.ok()) return septets.error();
    Result<std::string> text = DecodeGsm7(*septets);
    if (!text.ok()) return text.error();
    out.address.value = std::move(*text);
    return out;
  }
  Result<std::string> digits = DecodeDigits(body, semi_octets, type);
  if (!digits.ok()) return digits.error();
  out.address.value = std::move(*digits);
  return out;
}

Result<ParsedAddress> DecodeSmsc(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return Invalid("empty PDU");
  std::size_t length = bytes[0];
  if (length == 0) return ParsedAddress{Address{kToaUnknown, ""}, 1};
  if (length > kMaxSmscOctets) return Invalid("SMSC field too long");
  if (bytes.size() - 1 < length) return Invalid("truncated SMSC field");
  std::uint8_t type = bytes[1];
  if ((type & 0x80) == 0) return Invalid("type of address without bit 7");
  if (IsAlphanumeric(type)) return Invalid("alphanumeric SMSC");
  std::span<const std::uint8_t> body = bytes.subspan(2, length - 1);
  std::size_t semi_octets = body.size() * 2;
  if (!body.empty() && (body.back() >> 4) == 0x0F) --semi_octets;
  Result<std::string> digits = DecodeDigits(body, semi_octets, type);
  if (!digits.ok()) return digits.error();
  return ParsedAddress{Address{type, std::move(*digits)}, 1 + length};
}

Result<std::array<std::uint8_t, 7>> EncodeScts(const Timestamp& time) {
  if (std::abs(time.offset_quarters) > 79) return Invalid("time zone offset out of range");
  auto local = time.utc + std::chrono::minutes(15 * time.offset_quarters);
  auto day = std::chrono::floor<std::chrono::days>(local);
  std::chrono::year_month_day date{day};
  std::chrono::hh_mm_ss clock{local - day};
  int year = static_cast<int>(date.year());
  if (year < 2000 || year > 2099) return Invalid("year outside 2000..2099");
  int quarters = std::abs(time.offset_quarters);
  std::uint8_t zone = ToBcd(quarters);
  if (time.offset_quarters < 0) zone |= 0x08;
  return std::array<std::uint8_t, 7>{ToBcd(year - 2000),
                                     ToBcd(static_cast<int>(static_cast<unsigned>(date.month()))),
                                     ToBcd(static_cast<int>(static_cast<unsigned>(date.day()))),
                                     ToBcd(static_cast<int>(clock.hours().count())),
                                     ToBcd(static_cast<int>(clock.minutes().count())),
                                     ToBcd(static_cast<int>(clock.seconds().count())),
                                     zone};
}

Result<Timestamp> DecodeScts(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < 7) return Invalid("truncated time stamp");
  int fields[6];
  for (int i = 0; i < 6; ++i) {
    fields[i] = FromBcd(bytes[i]);
    if (fields[i] < 0) return Invalid("bad time stamp digit");
  }
  // The sign sits in bit 3, i.e. in the tens nibble, which only needs 3 bits (at most 79 quarters).
  int zone = FromBcd(bytes[6] & 0xF7);
  if (zone < 0) return Invalid("bad time zone digit");
  std::chrono::year_month_day date{std::chrono::year(2000 + fields[0]),
                                   std::chrono::month(static_cast<unsigned>(fields[1])),
                                   std::chrono::day(static_cast<unsigned>(fields[2]))};
  if (!date.ok()) return Invalid("bad time stamp date");
  if (fields[3] > 23 || fields[4] > 59 || fields[5] > 59) return Invalid("bad time stamp time");
  Timestamp out;
  out.offset_quarters = (bytes[6] & 0x08) ? -zone : zone;
  auto local = std::chrono::sys_days(date) + std::chrono::hours(fields[3]) + std::chrono::minutes(fields[4]) +
               std::chrono::seconds(fields[5]);
  out.utc = local - std::chrono::minutes(15 * out.offset_quarters);
  return out;
}

Result<DataCoding> DecodeDcs(std::uint8_t dcs) {
  std::uint8_t group = dcs >> 4;
  if (group <= 0x07) {  // general data coding, with or without automatic deletion
    if (dcs & 0x20) return Error(ErrorCode::kUnimplemented, "compressed user data");
    static constexpr Alphabet kAlphabets[] = {Alphabet::kGsm7, Alphabet::kEightBit, Alphabet::kUcs2};
    std::uint8_t alphabet = (dcs >> 2) & 0x03;
    if (alphabet == 0x03) return Invalid("reserved alphabet in DCS");
    return DataCoding{kAlphabets[alphabet], (dcs & 0x10) ? (dcs & 0x03) : -1};
  }
  if (group == 0x0C || group == 0x0D) return DataCoding{Alphabet::kGsm7, -1};
  if (group == 0x0E) return DataCoding{Alphabet::kUcs2, -1};
  if (group == 0x0F) return DataCoding{(dcs & 0x04) ? Alphabet::kEightBit : Alphabet::kGsm7, dcs & 0x03};
  return Invalid("reserved DCS group");
}

std::uint8_t EncodeDcs(DataCoding coding) {
  assert(coding.message_class >= -1 && coding.message_class <= 3);
  std::uint8_t dcs = coding.alphabet == Alphabet::kGsm7       ? 0x00
                     : coding.alphabet == Alphabet::kEightBit ? 0x04
                                                              : 0x08;
  if (coding.message_class >= 0) dcs |= static_cast<std::uint8_t>(0x10 | coding.message_class);
  return dcs;
}

Result<Submit> DecodeSubmit(std::string_view hex) {
  Result<std::vector<std::uint8_t>> bytes = ParsePduHex(hex);
  if (!bytes.ok()) return bytes.error();
  Submit out;
  Result<std::span<const std::uint8_t>> tpdu = SplitSmsc(*bytes, out.smsc);
  if (!tpdu.ok()) return tpdu.error();
  out.tpdu_length = tpdu->size();
  Reader reader(*tpdu);
  if (!reader.Take(out.first_octet)) return Invalid("no TPDU");
  if ((out.first_octet & 0x03) != 0x01) return Invalid("not an SMS-SUBMIT");
  out.reject_duplicates = out.first_octet & 0x04;
  out.vp_format = VpFormatOf(out.first_octet);
  out.status_report_request = out.first_octet & 0x20;
  out.udhi = out.first_octet & 0x40;
  out.reply_path = out.first_octet & 0x80;
  if (!reader.Take(out.message_reference)) return Invalid("truncated before MR");
  Result<Address> destination = ReadAddress(reader);
  if (!destination.ok()) return destination.error();
  out.destination = std::move(*destination);
  if (Status s = ReadPidDcs(reader, out); !s.ok()) return s.error();
  if (Status s = ReadValidity(reader, out); !s.ok()) return s.error();
  if (Status s = ReadUserData(reader, out); !s.ok()) return s.error();
  return out;
}

Result<std::string> EncodeSubmit(const SubmitRequest& request) {
  Result<std::vector<std::uint8_t>> smsc = EncodeSmsc(request.smsc);
  if (!smsc.ok()) return smsc.error();
  Result<std::vector<std::uint8_t>> destination = EncodeAddress(request.destination);
  if (!destination.ok()) return destination.error();
  Result<EncodedUserData> ud = EncodeUserData(request.text, request.encoding, request.concat);
  if (!ud.ok()) return ud.error();
  std::vector<std::uint8_t> out = std::move(*smsc);
  std::uint8_t first = 0x11;
  if (request.status_report_request) first |= 0x20;
  if (request.concat) first |= 0x40;
  out.push_back(first);
  out.push_back(request.message_reference);
  Append(out, *destination);
  out.push_back(0x00);  // PID
  out.push_back(ud->dcs);
  out.push_back(request.relative_vp);
  Append(out, ud->bytes);
  return FormatPduHex(out);
}

Result<std::string> EncodeDeliver(const DeliverRequest& request) {
  Result<std::vector<std::uint8_t>> smsc = EncodeSmsc(request.smsc);
  if (!smsc.ok()) return smsc.error();
  Result<std::vector<std::uint8_t>> sender = EncodeAddress(request.sender);
  if (!sender.ok()) return sender.error();
  Result<std::array<std::uint8_t, 7>> scts = EncodeScts(request.scts);
  if (!scts.ok()) return scts.error();
  Result<EncodedUserData> ud = EncodeUserData(request.text, request.encoding, request.concat);
  if (!ud.ok()) return ud.error();
  std::vector<std::uint8_t> out = std::move(*smsc);
  out.push_back(request.concat ? 0x44 : 0x04);
  Append(out, *sender);
  out.push_back(0x00);  // PID
  out.push_back(ud->dcs);
  Append(out, *scts);
  Append(out, ud->bytes);
  return FormatPduHex(out);
}

Result<std::vector<std::string>> EncodeDeliverParts(const DeliverRequest& request, std::uint8_t reference,
                                                    std::size_t max_parts) {
  Result<Coding> coding = ChooseCoding(request.text, request.encoding);
  if (!coding.ok()) return coding.error();
  Result<std::vector<std::string>> texts = SplitIntoParts(request.text, *coding, max_parts);
  if (!texts.ok()) return texts.error();
  if (texts->size() > 255) return Invalid("Message is too long.");
  std::vector<std::string> parts;
  DeliverRequest part = request;
  // Every part keeps the coding chosen for the whole text, even a part that alone would fit GSM-7.
  part.encoding = *coding == Coding::kUcs2 ? RequestedEncoding::kUnicode : RequestedEncoding::kStandard;
  for (std::size_t i = 0; i < texts->size(); ++i) {
    part.text = (*texts)[i];
    part.concat.reset();
    if (texts->size() > 1) {
      part.concat = Concat{reference, static_cast<std::uint8_t>(texts->size()),
                           static_cast<std::uint8_t>(i + 1), false};
    }
    Result<std::string> hex = EncodeDeliver(part);
    if (!hex.ok()) return hex.error();
    parts.push_back(std::move(*hex));
  }
  return parts;
}

Result<Deliver> DecodeDeliver(std::string_view hex) {
  Result<std::vector<std::uint8_t>> bytes = ParsePduHex(hex);
  if (!bytes.ok()) return bytes.error();
  Deliver out;
  Result<std::span<const std::uint8_t>> tpdu = SplitSmsc(*bytes, out.smsc);
  if (!tpdu.ok()) return tpdu.error();
  out.tpdu_length = tpdu->size();
  Reader reader(*tpdu);
  if (!reader.Take(out.first_octet)) return Invalid("no TPDU");
  if ((out.first_octet & 0x03) != 0x00) return Invalid("not an SMS-DELIVER");
  out.more_messages = (out.first_octet & 0x04) == 0;
  out.status_report_indication = out.first_octet & 0x20;
  out.udhi = out.first_octet & 0x40;
  out.reply_path = out.first_octet & 0x80;
  Result<Address> sender = ReadAddress(reader);
  if (!sender.ok()) return sender.error();
  out.sender = std::move(*sender);
  if (Status s = ReadPidDcs(reader, out); !s.ok()) return s.error();
  Result<Timestamp> scts = ReadTimestamp(reader);
  if (!scts.ok()) return scts.error();
  out.scts = *scts;
  if (Status s = ReadUserData(reader, out); !s.ok()) return s.error();
  return out;
}

Result<std::string> EncodeStatusReport(const StatusReport& report) {
  Result<std::vector<std::uint8_t>> smsc = EncodeSmsc(report.smsc);
  if (!smsc.ok()) return smsc.error();
  Result<std::vector<std::uint8_t>> recipient = EncodeAddress(report.recipient);
  if (!recipient.ok()) return recipient.error();
  Result<std::array<std::uint8_t, 7>> scts = EncodeScts(report.service_centre_time);
  if (!scts.ok()) return scts.error();
  Result<std::array<std::uint8_t, 7>> discharge = EncodeScts(report.discharge_time);
  if (!discharge.ok()) return discharge.error();
  std::vector<std::uint8_t> out = std::move(*smsc);
  out.push_back(0x06);
  out.push_back(report.message_reference);
  Append(out, *recipient);
  Append(out, *scts);
  Append(out, *discharge);
  out.push_back(report.status);
  return FormatPduHex(out);
}

Result<StatusReport> DecodeStatusReport(std::string_view hex) {
  Result<std::vector<std::uint8_t>> bytes = ParsePduHex(hex);
  if (!bytes.ok()) return bytes.error();
  StatusReport out;
  Result<std::span<const std::uint8_t>> tpdu = SplitSmsc(*bytes, out.smsc);
  if (!tpdu.ok()) return tpdu.error();
  out.tpdu_length = tpdu->size();
  Reader reader(*tpdu);
  if (!reader.Take(out.first_octet)) return Invalid("no TPDU");
  if ((out.first_octet & 0x03) != 0x02) return Invalid("not an SMS-STATUS-REPORT");
  if (!reader.Take(out.message_reference)) return Invalid("truncated before MR");
  Result<Address> recipient = ReadAddress(reader);
  if (!recipient.ok()) return recipient.error();
  out.recipient = std::move(*recipient);
  Result<Timestamp> scts = ReadTimestamp(reader);
  if (!scts.ok()) return scts.error();
  out.service_centre_time = *scts;
  Result<Timestamp> discharge = ReadTimestamp(reader);
  if (!discharge.ok()) return discharge.error();
  out.discharge_time = *discharge;
  if (!reader.Take(out.status)) return Invalid("truncated before ST");
  return out;
}

}  // namespace osprey::smsgw::sms
