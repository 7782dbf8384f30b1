#include "cli/gateway_wiring.hpp"

#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include "osprey/http/client.hpp"
#include "smsgw/accounts/authenticator.hpp"
#include "smsgw/api/service.hpp"
#include "smsgw/inbox/inbox_store.hpp"
#include "smsgw/inbox/notifier.hpp"
#include "smsgw/inbox/stale_flusher.hpp"
#include "smsgw/modem/driver.hpp"
#include "smsgw/modem/fleet.hpp"
#include "smsgw/phonebook/phonebook.hpp"
#include "smsgw/queue/dispatcher.hpp"
#include "smsgw/queue/group_commit.hpp"
#include "smsgw/queue/store.hpp"
#include "smsgw/send/send_service.hpp"
#include "smsgw/worker/worker_driver.hpp"

namespace osprey::cli {
namespace {

namespace gw = osprey::smsgw;

// Hands delivery reports to the store and incoming SMS to the inbox (which wakes the notifier).
class ModemEvents final : public gw::modem::ModemListener {
 public:
  ModemEvents(gw::queue::Store& store, gw::inbox::InboxStore& inbox, const Clock& clock)
      : store_(store), inbox_(inbox), clock_(clock) {}
  void set_notifier(gw::inbox::Notifier* n) { notifier_ = n; }
  bool OnIncomingSms(const gw::modem::IncomingSms& sms) override {
    auto added = inbox_.AddPart(sms, clock_.Now());
    if (!added.ok()) {
      spdlog::warn("modem {}: cannot store an incoming SMS: {}", sms.modem_no, added.error().ToString());
      // A part with impossible concatenation info can never be stored: drop it rather than keep it on the
      // SIM.
      return added.error().code() == ErrorCode::kInvalidArgument;
    }
    if (added->outcome == gw::inbox::AddOutcome::kMessage && notifier_ != nullptr) notifier_->Wake();
    return true;
  }
  bool OnDeliveryReport(const gw::modem::DeliveryReport& report) override {
    auto matched = store_.RecordDeliveryReport(report);
    if (!matched.ok()) {
      spdlog::warn("modem {}: cannot record a delivery report: {}", report.modem_no,
                   matched.error().ToString());
      return false;
    }
    if (!*matched) {
      spdlog::info("modem {}: delivery report for TP-MR {} matches no sent part", report.modem_no,
                   report.message_reference);
    }
    return true;
  }

 private:
  gw::queue::Store& store_;
  gw::inbox::InboxStore& inbox_;
  const Clock& clock_;
  gw::inbox::Notifier* notifier_ = nullptr;
};

gw::inbox::InboxOptions InboxOptionsFrom(const GatewaySettings& g) {
  gw::inbox::InboxOptions o;
  o.notify_callback = !g.callback_url.empty();
  o.notify_webhook = !g.webhook_url.empty();
  return o;
}

gw::inbox::NotifierOptions NotifierOptionsFrom(const GatewaySettings& g) {
  gw::inbox::NotifierOptions o;
  o.callback_url = g.callback_url;
  o.callback_method =
      g.callback_method == "GET" ? gw::inbox::CallbackMethod::kGet : gw::inbox::CallbackMethod::kPost;
  if (g.callback_apikey) o.callback_apikey = g.callback_apikey->Clone();
  o.webhook_url = g.webhook_url;
  o.retry_interval = g.callback_retry_interval;
  o.verify_tls = g.callback_verify_tls;
  return o;
}

// Stores through `next`, then wakes the dispatcher so that a new message goes out without waiting for a poll.
class WakingSink final : public gw::queue::MessageSink {
 public:
  explicit WakingSink(gw::queue::MessageSink& next) : next_(next) {}
  void set_dispatcher(gw::queue::Dispatcher* d) { dispatcher_ = d; }
  Result<std::vector<std::int64_t>> Enqueue(std::span<const gw::queue::NewMessage> messages,
                                            Clock::TimePoint now) override {
    auto ids = next_.Enqueue(messages, now);
    if (ids.ok() && dispatcher_ != nullptr) dispatcher_->Wake();
    return ids;
  }

 private:
  gw::queue::MessageSink& next_;
  gw::queue::Dispatcher* dispatcher_ = nullptr;
};

gw::queue::StoreOptions StoreOptionsFrom(const GatewaySettings& g) {
  gw::queue::StoreOptions o;
  o.backoff = g.retry_backoff;
  o.max_retries = g.max_retries;
  o.lease_duration = g.lease;
  o.ambiguous_policy =
      g.resend_ambiguous ? gw::queue::AmbiguousPolicy::kResend : gw::queue::AmbiguousPolicy::kMarkUnknown;
  return o;
}

Result<std::vector<std::unique_ptr<gw::modem::ModemDriver>>> BuildDrivers(const GatewaySettings& g) {
  gw::modem::ModemDriverRegistry registry;
  gw::modem::RegisterBuiltinModemDrivers(registry);
  const bool needs_worker = std::any_of(g.modems.begin(), g.modems.end(),
                                        [](const ModemSettings& m) { return m.driver == "gammu"; });
  if (needs_worker) {
    auto command = gw::worker::SelfWorkerCommand();
    if (!command.ok()) return command.error();
    gw::worker::RegisterWorkerModemDriver(registry, *command);
  }
  std::vector<std::unique_ptr<gw::modem::ModemDriver>> drivers;
  for (const ModemSettings& m : g.modems) {
    gw::modem::DriverConfig config{m.number, m.params};
    const std::string where = "modem " + std::to_string(m.number) + " (driver " + m.driver + "): ";
    try {
      auto driver = registry.Create(m.driver, config);
      if (!driver.ok()) return Error(ErrorCode::kInvalidArgument, where + driver.error().message());
      drivers.push_back(std::move(*driver));
    } catch (const std::invalid_argument& e) {
      return Error(ErrorCode::kInvalidArgument, where + e.what());
    }
  }
  return drivers;
}

std::string DispatcherId() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host) + ":" + std::to_string(getpid());
}

}  // namespace

struct GatewayRuntime::Parts {
  Parts(const Settings& s, sql::Database& db, const crypto::KeyedHasher& hasher, const Clock& clock,
        std::function<bool()> healthy, std::vector<std::unique_ptr<gw::modem::ModemDriver>> drivers)
      : authenticator(db, hasher, {}, gw::accounts::AuthCacheOptions{s.gateway_options.auth_cache, &clock}),
        phonebook(db),
        store(db, StoreOptionsFrom(s.gateway_options)),
        fleet(std::move(drivers)),
        inbox(db, InboxOptionsFrom(s.gateway_options)),
        events(store, inbox, clock),
        group(store, {s.gateway_options.group_commit, 256, s.gateway_options.group_commit_delay}),
        waking(group),
        sender(waking, clock, SendOptionsFrom(s.gateway_options)),
        limiter({s.gateway_options.rate_limit, static_cast<double>(s.gateway_options.rate_limit_burst)},
                clock),
        service(DepsFrom(std::move(healthy))),
        dispatcher(store, fleet.Drivers(), clock, DispatcherOptionsFrom(s.gateway_options)),
        http_client(http::MakeCurlHttpClient()),
        notifier(db, *http_client, clock, NotifierOptionsFrom(s.gateway_options)),
        flusher(inbox, clock, std::chrono::seconds(15), [this] { notifier.Wake(); }) {
    waking.set_dispatcher(&dispatcher);
    events.set_notifier(&notifier);
    for (gw::modem::ModemDriver* d : fleet.Drivers()) d->SetListener(&events);
    for (const ModemSettings& m : s.gateway_options.modems) fleet.SetEnabled(m.number, m.enabled);
  }
  ~Parts() {
    dispatcher.Stop();
    for (gw::modem::ModemDriver* d : fleet.Drivers()) d->SetListener(nullptr);
  }

  gw::send::SendOptions SendOptionsFrom(const GatewaySettings& g) {
    gw::send::SendOptions o;
    o.max_parts = g.max_parts;
    o.request_reports = g.delivery_reports;
    o.modem_exists = [this](int n) { return fleet.Exists(n); };
    o.directory = &phonebook;
    return o;
  }
  gw::api::GatewayDeps DepsFrom(std::function<bool()> healthy) {
    gw::api::GatewayDeps d;
    d.healthy = std::move(healthy);
    d.authenticator = &authenticator;
    d.sender = &sender;
    d.store = &store;
    d.fleet = &fleet;
    d.phonebook = &phonebook;
    d.inbox = &inbox;
    d.modem_exists = [this](int n) { return fleet.Exists(n); };
    d.rate_limiter = limiter.unlimited() ? nullptr : &limiter;
    return d;
  }
  gw::queue::DispatcherOptions DispatcherOptionsFrom(const GatewaySettings& g) {
    gw::queue::DispatcherOptions o;
    o.id = DispatcherId();
    o.available = [this](int n) { return fleet.Available(n); };
    for (const ModemSettings& m : g.modems) {
      if (m.parts_per_minute > 0) o.parts_per_minute[m.number] = m.parts_per_minute;
    }
    o.failover_after = g.failover_after;
    return o;
  }

  gw::accounts::Authenticator authenticator;
  gw::phonebook::Phonebook phonebook;
  gw::queue::Store store;
  gw::modem::Fleet fleet;
  gw::inbox::InboxStore inbox;
  ModemEvents events;
  gw::queue::GroupCommit group;
  WakingSink waking;
  gw::send::SendService sender;
  RateLimiter limiter;
  gw::api::GatewayService service;
  gw::queue::Dispatcher dispatcher;
  std::unique_ptr<http::HttpClient> http_client;
  gw::inbox::Notifier notifier;
  gw::inbox::StaleFlusher flusher;
  bool started = false;
};

Result<std::unique_ptr<GatewayRuntime>> GatewayRuntime::Build(const Settings& settings, sql::Database& db,
                                                              const crypto::KeyedHasher& hasher,
                                                              const Clock& clock,
                                                              std::function<bool()> healthy) {
  auto drivers = BuildDrivers(settings.gateway_options);
  if (!drivers.ok()) return drivers.error();
  auto parts = std::make_unique<Parts>(settings, db, hasher, clock, std::move(healthy), std::move(*drivers));
  return std::unique_ptr<GatewayRuntime>(new GatewayRuntime(std::move(parts)));
}

GatewayRuntime::GatewayRuntime(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

GatewayRuntime::~GatewayRuntime() = default;

http::Service& GatewayRuntime::service() { return parts_->service; }

void GatewayRuntime::Start() {
  if (parts_->started) return;
  parts_->started = true;
  parts_->dispatcher.Start();
  parts_->notifier.Start();
  parts_->flusher.Start();
  spdlog::info("gateway: sending through {} modem(s)", parts_->fleet.Numbers().size());
}

void GatewayRuntime::Stop() {
  parts_->dispatcher.Stop();
  parts_->flusher.Stop();
  parts_->notifier.Stop();
  // The modem workers are asked to shut down now, while logging still works: not later, from the destructor,
  // after `osprey serve` has shut the logger down.
  parts_->fleet.StopAll();
}

}  // namespace osprey::cli
