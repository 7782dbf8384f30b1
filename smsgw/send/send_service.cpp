#include "smsgw/send/send_service.hpp"

#include <algorithm>
#include <utility>

#include "smsgw/send/schedule.hpp"
#include "smsgw/sms/number.hpp"
#include "smsgw/sms/text.hpp"
#include "smsgw/sms/validity.hpp"

namespace osprey::smsgw::send {
namespace {

constexpr char kInvalidChoice[] = "The value you selected is not a valid choice.";
constexpr char kInvalidNumber[] = "Invalid phone number.";

bool IsBlank(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); });
}

void CheckRecipients(const SendRequest& r, FieldErrors& errors) {
  if (r.to.empty() && r.contacts.empty() && r.groups.empty()) {
    errors.emplace("recipients", "One of parameters: to, contacts, groups is required.");
  }
}

// The recipients' numbers in the order to -> contacts -> group members (spec §5). An unknown or invalid id
// is reported on its field; the numbers found so far are returned either way.
Result<std::vector<std::string>> ExpandRecipients(const SendRequest& r, const RecipientDirectory* directory,
                                                  std::optional<std::int64_t> viewer, FieldErrors& errors) {
  std::vector<std::string> numbers(r.to.begin(), r.to.end());
  for (const std::int64_t id : r.contacts) {
    auto contact = directory ? directory->FindContact(id, viewer) : std::optional<DirectoryContact>();
    if (!contact.ok()) return contact.error();
    if (!*contact) {
      errors.emplace("contacts", kInvalidChoice);
      break;
    }
    numbers.push_back((*contact)->number);
  }
  for (const std::int64_t id : r.groups) {
    auto members =
        directory ? directory->GroupMembers(id, viewer) : std::optional<std::vector<DirectoryContact>>();
    if (!members.ok()) return members.error();
    if (!*members) {
      errors.emplace("groups", kInvalidChoice);
      break;
    }
    for (const DirectoryContact& c : **members) numbers.push_back(c.number);
  }
  if (!r.groups.empty() && numbers.empty() && errors.count("contacts") == 0 && errors.count("groups") == 0) {
    errors.emplace("groups", "This value should not be blank.");  // every group is empty [D]
  }
  return numbers;
}

// Fills parts and coding of `m`. An invalid `encoding` is reported and the text is checked as `standard`.
void CheckText(const SendRequest& r, std::size_t max_parts, queue::NewMessage& m, FieldErrors& errors) {
  sms::RequestedEncoding requested = sms::RequestedEncoding::kStandard;
  if (r.encoding) {
    auto parsed = sms::ParseRequestedEncoding(*r.encoding);
    if (parsed.ok())
      requested = *parsed;
    else
      errors.emplace("encoding", kInvalidChoice);
  }
  if (!r.text || IsBlank(*r.text)) {
    errors.emplace("text", "This value should not be blank.");
    return;
  }
  auto coding = sms::ChooseCoding(*r.text, requested);
  if (!coding.ok()) {
    errors.emplace("text", "This value is not valid UTF-8.");
    return;
  }
  auto parts = sms::SplitIntoParts(*r.text, *coding, max_parts);
  if (!parts.ok()) {
    errors.emplace("text", parts.error().message());
    return;
  }
  m.parts = std::move(*parts);
  m.coding = *coding == sms::Coding::kGsm7 ? "standard" : "unicode";
}

void CheckSchedule(const SendRequest& r, queue::NewMessage& m, FieldErrors& errors) {
  if (r.date) {
    auto date = ParseSendDate(*r.date);
    if (date.ok())
      m.not_before = *date;
    else
      errors.emplace("date", date.error().message());
  }
  const auto window = [&](const std::optional<std::string>& text, const char* field,
                          std::optional<int>& out) {
    if (!text) return;
    auto minute = ParseTimeOfDay(*text);
    if (minute.ok())
      out = *minute;
    else
      errors.emplace(field, minute.error().message());
  };
  window(r.send_after, "send_after", m.send_after);
  window(r.send_before, "send_before", m.send_before);
}

void CheckOptions(const SendRequest& r, const SendOptions& o, queue::NewMessage& m, FieldErrors& errors) {
  if (r.priority) {
    if (*r.priority >= 0 && *r.priority <= 9)
      m.priority = static_cast<int>(*r.priority);
    else
      errors.emplace("priority", "This value should be between 0 and 9.");
  }
  if (r.validity) {
    if (sms::ParseValidity(*r.validity).ok())
      m.validity = *r.validity;
    else
      errors.emplace("validity", kInvalidChoice);
  }
  if (r.oid) {
    if (r.oid->size() <= kMaxOidLength)
      m.oid = *r.oid;
    else
      errors.emplace("oid", "This value is too long. It should have 36 characters or less.");
  }
  if (r.modem_no) {
    const bool exists = *r.modem_no >= 1 && *r.modem_no <= kMaxModemNo &&
                        (!o.modem_exists || o.modem_exists(static_cast<int>(*r.modem_no)));
    if (exists)
      m.modem_no = static_cast<int>(*r.modem_no);
    else
      errors.emplace("modem_no", "Incorrect modem number.");
  }
  m.flash = r.flash;
}

}  // namespace

SendService::SendService(queue::MessageSink& sink, const Clock& clock, SendOptions options)
    : sink_(sink), clock_(clock), options_(std::move(options)) {}

Result<SendOutcome> SendService::Send(const Sender& who, const SendRequest& request) const {
  SendOutcome outcome;
  FieldErrors& errors = outcome.rejected;
  errors = request.undecodable;
  queue::NewMessage base;
  base.owner_id = who.owner_id;
  CheckRecipients(request, errors);
  auto numbers = ExpandRecipients(request, options_.directory, who.Viewer(), errors);
  if (!numbers.ok()) return numbers.error();
  CheckText(request, options_.max_parts, base, errors);
  CheckSchedule(request, base, errors);
  CheckOptions(request, options_, base, errors);
  base.report_requested = options_.request_reports;

  std::vector<queue::NewMessage> messages;
  for (const std::string& number : *numbers) {
    if (!sms::NormalizePhoneNumber(number).ok()) {
      outcome.recipients.push_back({number, std::nullopt, kInvalidNumber});
      continue;
    }
    outcome.recipients.push_back({number, 0, ""});
    messages.push_back(base);
    messages.back().number = number;
  }
  if (!numbers->empty() && messages.empty()) errors.emplace("to", kInvalidNumber);
  if (!errors.empty()) {
    outcome.recipients.clear();
    return outcome;
  }
  if (request.test) return outcome;  // spec §5: nothing stored, every id is 0

  auto ids = sink_.Enqueue(messages, clock_.Now());
  if (!ids.ok()) return ids.error();
  auto next = ids->begin();
  for (RecipientResult& item : outcome.recipients) {
    if (item.id) item.id = *next++;
  }
  return outcome;
}

}  // namespace osprey::smsgw::send
