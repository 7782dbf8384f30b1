#include "cli/gateway_wiring.hpp"

#include <unistd.h>

#include <spdlog/spdlog.h>

#include <stdexcept>

#include "smsgw/accounts/authenticator.hpp"
#include "smsgw/api/service.hpp"
#include "smsgw/modem/driver.hpp"
#include "smsgw/modem/fleet.hpp"
#include "smsgw/phonebook/phonebook.hpp"
#include "smsgw/queue/dispatcher.hpp"
#include "smsgw/queue/group_commit.hpp"
#include "smsgw/queue/store.hpp"
#include "smsgw/send/send_service.hpp"

namespace osprey::cli {
namespace {

namespace gw = osprey::smsgw;

// Hands delivery reports to the store. Incoming SMS have no inbox before issue 4's modems: logged, not kept.
class ModemEvents final : public gw::modem::ModemListener {
 public:
  explicit ModemEvents(gw::queue::Store& store) : store_(store) {}
  void OnIncomingSms(const gw::modem::IncomingSms& sms) override {
    spdlog::info("modem {}: incoming SMS dropped (no inbox in this version)", sms.modem_no);
  }
  void OnDeliveryReport(const gw::modem::DeliveryReport& report) override {
    auto matched = store_.RecordDeliveryReport(report);
    if (!matched.ok()) {
      spdlog::warn("modem {}: cannot record a delivery report: {}", report.modem_no,
                   matched.error().ToString());
    } else if (!*matched) {
      spdlog::info("modem {}: delivery report for TP-MR {} matches no sent part", report.modem_no,
                   report.message_reference);
    }
  }

 private:
  gw::queue::Store& store_;
};

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
  std::vector<std::unique_ptr<gw::modem::ModemDriver>> drivers;
  for (int n = 1; n <= g.modem_count; ++n) {
    gw::modem::DriverConfig config{n, g.modem_params};
    try {
      auto driver = registry.Create(g.modem_driver, config);
      if (!driver.ok()) {
        return Error(ErrorCode::kInvalidArgument, "gateway.modem_driver: " + driver.error().message());
      }
      drivers.push_back(std::move(*driver));
    } catch (const std::invalid_argument& e) {
      return Error(ErrorCode::kInvalidArgument, std::string("gateway.modem_options: ") + e.what());
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
        events(store),
        group(store, {s.gateway_options.group_commit, 256, s.gateway_options.group_commit_delay}),
        waking(group),
        sender(waking, clock, SendOptionsFrom(s.gateway_options)),
        limiter({s.gateway_options.rate_limit, static_cast<double>(s.gateway_options.rate_limit_burst)},
                clock),
        service(DepsFrom(std::move(healthy))),
        dispatcher(store, fleet.Drivers(), clock, DispatcherOptionsFrom()) {
    waking.set_dispatcher(&dispatcher);
    for (gw::modem::ModemDriver* d : fleet.Drivers()) d->SetListener(&events);
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
    d.modem_exists = [this](int n) { return fleet.Exists(n); };
    d.rate_limiter = limiter.unlimited() ? nullptr : &limiter;
    return d;
  }
  gw::queue::DispatcherOptions DispatcherOptionsFrom() {
    gw::queue::DispatcherOptions o;
    o.id = DispatcherId();
    o.available = [this](int n) { return fleet.Available(n); };
    return o;
  }

  gw::accounts::Authenticator authenticator;
  gw::phonebook::Phonebook phonebook;
  gw::queue::Store store;
  gw::modem::Fleet fleet;
  ModemEvents events;
  gw::queue::GroupCommit group;
  WakingSink waking;
  gw::send::SendService sender;
  RateLimiter limiter;
  gw::api::GatewayService service;
  gw::queue::Dispatcher dispatcher;
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
  spdlog::info("gateway: sending through {} modem(s)", parts_->fleet.Numbers().size());
}

void GatewayRuntime::Stop() { parts_->dispatcher.Stop(); }

}  // namespace osprey::cli
