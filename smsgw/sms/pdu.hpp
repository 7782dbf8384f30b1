// SMS PDUs of TS 23.040 as AT modems exchange them in PDU mode (TS 27.005): SMS-SUBMIT (AT+CMGS), SMS-DELIVER
// (AT+CMGR/+CMGL) and SMS-STATUS-REPORT (+CDS/+CMGR), each as upper-case hex WITH the leading SMSC field,
// plus the semi-octet address and SCTS fields they are built from (modems-and-sms.md §2, §3 items 6, 8, 9,
// 12, §4). Independent of libgammu; text conversion goes through gsm7.hpp, ucs2.hpp and text.hpp. Decoders
// never read outside their input: malformed input is kInvalidArgument with a short reason. Pure functions;
// any thread may call them.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "osprey/core/result.hpp"
#include "smsgw/sms/text.hpp"

namespace osprey::smsgw::sms {

// ---- hex -------------------------------------------------------------------------------------------------

// Parses hex digits (either case) into bytes. On failure returns kInvalidArgument: odd length or a non-hex
// character.
Result<std::vector<std::uint8_t>> ParsePduHex(std::string_view hex);

// Returns the upper-case hex of `bytes`.
std::string FormatPduHex(std::span<const std::uint8_t> bytes);

// ---- addresses (TP-DA / TP-OA / TP-RA and the SMSC field) ----------------------------------------------

// Type-of-address octets Osprey writes. Decoders accept any type octet with bit 7 set.
inline constexpr std::uint8_t kToaInternational = 0x91;
inline constexpr std::uint8_t kToaUnknown = 0x81;  // national numbers
inline constexpr std::uint8_t kToaAlphanumeric = 0xD0;

// Maximum address value: 20 semi-octets (digits), i.e. 11 GSM-7 septets for an alphanumeric address.
inline constexpr std::size_t kMaxAddressDigits = 20;
inline constexpr std::size_t kMaxAlphanumericSeptets = 11;

struct Address {
  std::uint8_t type = kToaUnknown;  // TON/NPI octet
  // Digits for numeric types ('*', '#', 'a', 'b', 'c' for semi-octets A..E), with a leading '+' when the type
  // of number is international (TON 001); the UTF-8 text for alphanumeric (TON 101). Empty = no address.
  std::string value;
  bool operator==(const Address&) const = default;
};

// Builds the address for `text`: "+" and digits -> kToaInternational, digits only -> kToaUnknown, anything
// else -> kToaAlphanumeric. On failure returns kInvalidArgument: empty, too many digits, or an alphanumeric
// text that is not GSM-7 or longer than kMaxAlphanumericSeptets septets.
Result<Address> MakeAddress(std::string_view text);

// Encodes a TP-DA/TP-OA/TP-RA field: length in useful semi-octets, type octet, swapped-nibble digits with an
// F filler (or GSM-7 packed text for alphanumeric). On failure returns kInvalidArgument for a value that does
// not fit the type (see MakeAddress; '+' only with an international type).
Result<std::vector<std::uint8_t>> EncodeAddress(const Address& address);

// Encodes the SMSC field: length in octets including the type octet, or the single octet 00 when
// `smsc.value` is empty. On failure returns kInvalidArgument as EncodeAddress (alphanumeric is not allowed).
Result<std::vector<std::uint8_t>> EncodeSmsc(const Address& smsc);

// A field decoded from the front of a byte span and how many octets it used.
struct ParsedAddress {
  Address address;
  std::size_t octets = 0;
};

// Decodes a TP-DA/TP-OA/TP-RA field at the start of `bytes`. On failure returns kInvalidArgument: truncated,
// more than kMaxAddressDigits semi-octets, a type octet without bit 7, an F that is not the final filler,
// or alphanumeric septets that do not decode.
Result<ParsedAddress> DecodeAddress(std::span<const std::uint8_t> bytes);

// Decodes the SMSC field at the start of `bytes` (length 00 -> empty address, 1 octet used). On failure
// returns kInvalidArgument as DecodeAddress.
Result<ParsedAddress> DecodeSmsc(std::span<const std::uint8_t> bytes);

// ---- service centre time stamp (TP-SCTS, TP-DT) --------------------------------------------------------

struct Timestamp {
  std::chrono::sys_seconds utc{};
  int offset_quarters = 0;  // local time = utc + offset_quarters * 15 min; -79..79
  bool operator==(const Timestamp&) const = default;
};

// Encodes 7 semi-octet pairs: local year (2000..2099), month, day, hour, minute, second, then the offset in
// quarter hours with the sign in bit 3. On failure returns kInvalidArgument: offset outside -79..79 or a
// local year outside 2000..2099.
Result<std::array<std::uint8_t, 7>> EncodeScts(const Timestamp& time);

// Decodes 7 octets (years 00..99 read as 2000..2099). On failure returns kInvalidArgument: fewer than 7
// octets, a nibble above 9, or a date/time field out of range.
Result<Timestamp> DecodeScts(std::span<const std::uint8_t> bytes);

// ---- data coding scheme and user data header -----------------------------------------------------------

enum class Alphabet { kGsm7, kEightBit, kUcs2 };

struct DataCoding {
  Alphabet alphabet = Alphabet::kGsm7;
  int message_class = -1;  // -1 none, 0 = flash, 1..3
  bool operator==(const DataCoding&) const = default;
};

// Decodes TP-DCS (general data coding groups 00xx/01xx, message waiting groups 1100..1110, data
// coding/message class group 1111). On failure returns kInvalidArgument for the reserved alphabet or reserved
// groups (1000..1011), and kUnimplemented for compressed text.
Result<DataCoding> DecodeDcs(std::uint8_t dcs);

// Returns the general-group TP-DCS: 0x00 GSM-7, 0x04 8-bit, 0x08 UCS-2, plus 0x10 | class when
// message_class is 0..3 (flash GSM-7 = 0x10, flash UCS-2 = 0x18). REQUIRES: -1 <= message_class <= 3.
std::uint8_t EncodeDcs(DataCoding coding);

// Concatenation information element (IEI 0x00 with an 8-bit reference, IEI 0x08 with a 16-bit one).
struct Concat {
  std::uint16_t reference = 0;
  std::uint8_t total = 1;
  std::uint8_t sequence = 1;
  bool reference_16bit = false;
  bool operator==(const Concat&) const = default;
};

// Relative, enhanced or absolute TP-VP (TP-VPF bits 0x18 of the first octet of an SMS-SUBMIT).
enum class VpFormat { kNone, kRelative, kEnhanced, kAbsolute };

// ---- SMS-SUBMIT -------------------------------------------------------------------------------------------

struct Submit {
  Address smsc;  // empty when the SMSC field is 00
  std::uint8_t first_octet = 0;
  bool reject_duplicates = false;      // TP-RD 0x04
  bool status_report_request = false;  // TP-SRR 0x20
  bool udhi = false;                   // TP-UDHI 0x40
  bool reply_path = false;             // TP-RP 0x80
  VpFormat vp_format = VpFormat::kNone;
  std::uint8_t message_reference = 0;
  Address destination;
  std::uint8_t protocol_id = 0;
  std::uint8_t dcs = 0;
  DataCoding coding;
  std::optional<std::uint8_t> relative_vp;  // set for VpFormat::kRelative only
  std::optional<Concat> concat;
  std::size_t user_data_length = 0;  // TP-UDL: septets for GSM-7, octets otherwise
  // UTF-8 for GSM-7 and UCS-2 (UCS-2 read as UTF-16, surrogate pairs joined); the raw octets for 8-bit data.
  std::string text;
  std::size_t tpdu_length = 0;  // octets without the SMSC field: what AT+CMGS=<len> must say
};

// Decodes an SMS-SUBMIT as written after the AT+CMGS prompt (SMSC field first). Other information elements in
// the UDH are skipped. On failure returns kInvalidArgument with a short reason: bad hex, not a SUBMIT,
// truncated, trailing octets, a length that does not fit (UDL, UDHL, IE length), an odd
// UCS-2 byte count, a concatenation IE with total 0 or sequence 0 / above total; kUnimplemented for
// compressed text.
Result<Submit> DecodeSubmit(std::string_view hex);

// What EncodeSubmit writes. The coding follows `encoding` as text.hpp chooses it; first octet 0x11 plus SRR
// 0x20 and UDHI 0x40; MR, PID 00, relative VP.
struct SubmitRequest {
  Address smsc;
  Address destination;
  std::string text;
  RequestedEncoding encoding = RequestedEncoding::kStandard;
  bool status_report_request = false;
  std::uint8_t message_reference = 0;
  std::uint8_t relative_vp = 0xFF;
  std::optional<Concat> concat;
};

// Encodes one SMS-SUBMIT part (hex with SMSC field). On failure returns kInvalidArgument: an address that
// does not encode, invalid UTF-8, or a text longer than one part (160/153 septets, 70/67 UTF-16 units).
Result<std::string> EncodeSubmit(const SubmitRequest& request);

// ---- SMS-DELIVER ------------------------------------------------------------------------------------------

struct Deliver {
  Address smsc;
  std::uint8_t first_octet = 0;
  bool more_messages = false;             // TP-MMS bit 0x04 CLEAR
  bool status_report_indication = false;  // TP-SRI 0x20
  bool udhi = false;                      // TP-UDHI 0x40
  bool reply_path = false;                // TP-RP 0x80
  Address sender;
  std::uint8_t protocol_id = 0;
  std::uint8_t dcs = 0;
  DataCoding coding;
  Timestamp scts;
  std::optional<Concat> concat;
  std::size_t user_data_length = 0;
  std::string text;  // as Submit::text
  std::size_t tpdu_length = 0;
};

// What EncodeDeliver writes: first octet 0x04 (0x44 with a UDH), PID 00, DCS 00 or 08.
struct DeliverRequest {
  Address smsc;  // empty -> SMSC field 00
  Address sender;
  Timestamp scts;
  std::string text;
  RequestedEncoding encoding = RequestedEncoding::kStandard;  // standard: GSM-7 if representable, else UCS-2
  std::optional<Concat> concat;                               // adds the UDH
};

// Encodes one SMS-DELIVER part (hex with SMSC field). On failure returns kInvalidArgument as EncodeSubmit.
Result<std::string> EncodeDeliver(const DeliverRequest& request);

// Splits `request.text` with SplitIntoParts (153 septets / 67 UTF-16 units per part, never splitting an ESC
// or surrogate pair; one coding for all parts) and encodes each part; more than one part carries an 8-bit
// concatenation UDH with `reference` (request.concat is ignored). On failure returns kInvalidArgument as
// SplitIntoParts or EncodeDeliver.
Result<std::vector<std::string>> EncodeDeliverParts(const DeliverRequest& request, std::uint8_t reference,
                                                    std::size_t max_parts = kDefaultMaxParts);

// Decodes an SMS-DELIVER (SMSC field first). On failure returns kInvalidArgument as DecodeSubmit (not a
// DELIVER, bad SCTS, ...).
Result<Deliver> DecodeDeliver(std::string_view hex);

// ---- SMS-STATUS-REPORT ------------------------------------------------------------------------------------

struct StatusReport {
  Address smsc;
  std::uint8_t first_octet = 0x06;  // written as 0x06 (MTI 10, no more messages); decoded as read
  std::uint8_t message_reference = 0;
  Address recipient;
  Timestamp service_centre_time;  // TP-SCTS: when the SC received the SUBMIT
  Timestamp discharge_time;       // TP-DT
  std::uint8_t status = 0;        // TP-ST
  std::size_t tpdu_length = 0;    // set by DecodeStatusReport
};

// Encodes an SMS-STATUS-REPORT without TP-PI (hex with SMSC field). On failure returns kInvalidArgument for
// an address or time that does not encode.
Result<std::string> EncodeStatusReport(const StatusReport& report);

// Decodes an SMS-STATUS-REPORT (SMSC field first). Octets after TP-ST (TP-PI and what it announces) are
// accepted and ignored. On failure returns kInvalidArgument: bad hex, not a status report, truncated, or a
// bad address/time.
Result<StatusReport> DecodeStatusReport(std::string_view hex);

}  // namespace osprey::smsgw::sms
