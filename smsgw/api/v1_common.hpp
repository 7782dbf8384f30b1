// The pure layer shared by APIv1 (/http_api/<method>) and JSON-RPC (/jsonrpc/sms), smseagle-api.md §11 and
// §13 items 3, 4, 9, 10, 12-15: the method table, parameter coercion into typed requests, the Gammu-style
// read_sms rows and the four reply renderings (text, xml, JSON-RPC simple and extended).
//
// Every decoder reports a failure as the APIv1 error text to answer with ("Wrong parameters" or "Wrong modem
// number"). Unknown parameters are ignored. Pure functions and constants; any thread may call them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "smsgw/accounts/permission.hpp"
#include "smsgw/inbox/inbox_store.hpp"
#include "smsgw/queue/store.hpp"
#include "smsgw/send/send_service.hpp"

namespace osprey::smsgw::api {

// The error texts of spec §11 and Osprey's own [D] ones (docs/compatibility.md).
inline constexpr char kV1InvalidLogin[] = "Invalid login or password";
inline constexpr char kV1InvalidToken[] = "Invalid access token";
inline constexpr char kV1WrongParameters[] = "Wrong parameters";
inline constexpr char kV1WrongModem[] = "Wrong modem number";
inline constexpr char kV1NoData[] = "No data to display";
inline constexpr char kV1TooManyRequests[] = "Too many requests";
inline constexpr char kV1Unavailable[] = "Service unavailable";
inline constexpr char kV1Internal[] = "Internal server error";

enum class V1Method {
  kSendSms,
  kSendToGroup,
  kSendToContact,
  kReadSms,
  kDeleteSms,
  kGetQueueLength,
  kGetInboxLength,
  kGetSentitemsLength,
  kGetGsmSignal,
};

struct V1MethodSpec {
  V1Method method;
  std::string_view http_name;  // "send_sms"
  std::string_view rpc_name;   // "sms.send_sms"
  accounts::Permission permission;
};

// The method called `name` on /http_api/<name>; nullopt when there is none.
std::optional<V1MethodSpec> FindV1HttpMethod(std::string_view name);
// The JSON-RPC method called `name` ("sms.send_sms", "signal.get_gsmsignal", ...); nullopt when unknown.
std::optional<V1MethodSpec> FindV1RpcMethod(std::string_view name);

// A call's parameters by name, every value as text. With repeated names the first value counts.
using V1Params = std::map<std::string, std::string>;

// The parameters of an urlencoded query string and form body (the query's value wins). Values are decoded
// with '+' as space, except `to`: there '+' stays '+' (spec §13.9: clients send "+48..." unencoded, and a
// raw space arrives as %20 after the server's request-line repair).
V1Params ParamsFromUrlEncoded(std::string_view query, std::string_view form);

// The parameters of a JSON-RPC `params` object: strings as they are, numbers in decimal, booleans as
// "true"/"false", arrays of scalars joined with ','; null, objects and other arrays are left out. nullopt
// when `params` is not an object.
std::optional<V1Params> ParamsFromJson(const nlohmann::json& params);

// Plain decimal integer (optional '-'); nullopt otherwise.
std::optional<std::int64_t> ParseV1Int(std::string_view text);
// "1"/"0"/"true"/"false" (any case); nullopt otherwise.
std::optional<bool> ParseV1Bool(std::string_view text);

// A decoded value, or the error text to reply with.
template <typename T>
using V1Decoded = std::variant<T, std::string>;

// The send request of send_sms (and, without recipients, of send_togroup/send_tocontact when
// `with_recipients` is false): `to` split on ',' and trimmed, `message` -> text, `date` YYYYmmDDHHMM ->
// "YYYY-MM-DDThh:mm:00", `highpriority` 0 -> 0, 1 -> 9, 2..9 -> same (also true/false), `unicode` -> encoding
// "unicode", `flash`, `oid`, `modem_no`, `test`. `message_type` other than "sms" (MMS) -> Wrong parameters; a
// non-numeric `modem_no` -> Wrong modem number.
V1Decoded<send::SendRequest> DecodeV1Send(const V1Params& params, bool with_recipients = true);

enum class V1ReadFolder { kInbox, kOutbox, kSentItems };

struct V1ReadQuery {
  V1ReadFolder folder = V1ReadFolder::kInbox;
  queue::MessageFilter filter;  // owner_id left unset: the caller scopes it
  bool unread = false;
};

// read_sms: `folder` (inbox|outbox|sentitems, required), `idfrom`, `idto`, `limit`, `modem_no`, `datefrom`,
// `dateto` (YYYYmmDDHHMMSS, gateway local time), `unread`, and the number filter: `from` for the inbox, `to`
// for outbox and sentitems.
V1Decoded<V1ReadQuery> DecodeV1Read(const V1Params& params);

struct V1DeleteQuery {
  V1ReadFolder folder = V1ReadFolder::kInbox;
  std::int64_t id_from = 0, id_to = 0;
};

// delete_sms: `folder`, `idfrom` and `idto`, all required.
V1Decoded<V1DeleteQuery> DecodeV1Delete(const V1Params& params);

// get_gsmsignal's `modem_no`: 1 when absent [D], Wrong modem number when not an integer.
V1Decoded<int> DecodeV1ModemNo(const V1Params& params);

// "YYYYmmDDHHMMSS" (14 digits, a real calendar time) in the process's local time zone; nullopt otherwise.
std::optional<Clock::TimePoint> ParseV1DateTime(std::string_view text);

// One read_sms row: Gammu column names and values, in column order.
using V1Row = std::vector<std::pair<std::string, std::string>>;

// The Gammu outbox/sentitems row of `message` (`id_folder` 2 for the outbox, 3 for sent items). Dates are
// "YYYY-MM-DD hh:mm:ss" in local time ("" when unknown); Text is the UTF-16BE hex of TextDecoded.
V1Row GammuRow(const queue::MessageRecord& message, int id_folder);

// The Gammu inbox row of `message` (id_folder 1): ReceivingDateTime, SenderNumber, Processed and readed as
// "true"/"false", RecipientID the receiving modem's number [D].
V1Row GammuInboxRow(const inbox::InboxMessage& message);

// What a method answers, before rendering.
struct V1Reply {
  enum class Kind { kError, kSent, kCount, kRows, kDone };
  Kind kind = Kind::kDone;
  std::string text;  // kError: the error text; kCount: the tag ("queue_length", "signal_strength")
  std::vector<std::optional<std::int64_t>> ids;  // kSent: per recipient, nullopt when it failed
  std::int64_t count = 0;                        // kCount
  std::vector<V1Row> rows;                       // kRows, never empty

  static V1Reply Error(std::string text);
  static V1Reply Sent(std::vector<std::optional<std::int64_t>> ids);
  static V1Reply Count(std::string tag, std::int64_t count);
  // Error "No data to display" when `rows` is empty.
  static V1Reply Rows(std::vector<V1Row> rows);
  static V1Reply Done();
};

// The reply of a send: "Wrong modem number" when `modem_no` is among the rejected fields, "Wrong parameters"
// for any other rejection, else the per-recipient ids.
V1Reply V1SendReply(const send::SendOutcome& outcome);

enum class V1Format { kText, kXml, kJsonSimple, kJsonExtended };

// HTTP APIv1: "xml" -> kXml, anything else (or absent) -> kText.
V1Format HttpFormatOf(const V1Params& params);
// JSON-RPC: "extended" -> kJsonExtended, anything else (or absent) -> kJsonSimple.
V1Format RpcFormatOf(const V1Params& params);

// The body for kText / kXml (spec §11 table). Sent: "OK; ID=[297]" per recipient, one per line (a failed
// recipient's line is "Wrong parameters"); rows: one "key=value;..." line per row with '\', ';', CR and LF
// escaped by a backslash.
std::string RenderV1Text(const V1Reply& reply);
std::string RenderV1Xml(const V1Reply& reply);
// The JSON-RPC body {"result":...} for simple (`extended` false) or extended replies.
nlohmann::json RenderV1Json(const V1Reply& reply, bool extended);

}  // namespace osprey::smsgw::api
