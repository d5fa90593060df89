// SPDX-License-Identifier: Apache-2.0
// Tenant completion routing, as a multi-tenant outbox uses it: each tenant registers one
// callback, and the outcome of every publish of an envelope with that tenant_id (ack, failure,
// refusal, cancellation by close) reaches it once, after the call's own completion. Counts the
// outcomes per tenant, checks them and exits 1 when they are not as expected.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <eventbus/eventbus.hpp>
#include <map>
#include <mutex>
#include <string>
#include <system_error>

namespace {

using namespace std::chrono_literals;

// One tenant's view of its publishes, as its outbox would keep it.
struct Outcomes {
  int acked = 0, failed = 0, wrong_tenant = 0;
};

bool check(bool condition, const char* what) {
  std::printf("%s %s\n", condition ? "ok  " : "FAIL", what);
  return condition;
}

}  // namespace

int main() {
  constexpr std::int64_t kAcme = 7, kGlobex = 42;
  std::mutex mutex;  // before the bus: the callbacks use them until the bus is gone
  std::condition_variable cv;
  std::map<std::int64_t, Outcomes> outcomes;  // by tenant
  int outcomes_seen = 0;
  bool own_completion_ran = false;

  eventbus::BusOptions options;
  options.client_name = "tenant-example";
  eventbus::Bus bus(options);

  // Runs on the completion thread (or the caller's, for a refused call): keep it short.
  auto tenant_callback = [&](std::int64_t tenant) {
    return [&, tenant](const eventbus::PublishResult& r) {
      std::printf("tenant %lld: %s %s\n", static_cast<long long>(tenant),
                  std::string(r.event_id).c_str(),
                  r.error ? r.error.message().c_str() : "published");
      std::lock_guard lock(mutex);
      Outcomes& o = outcomes[tenant];
      if (r.tenant_id != tenant) ++o.wrong_tenant;
      ++(r.error ? o.failed : o.acked);
      ++outcomes_seen;
      cv.notify_one();
    };
  };
  for (std::int64_t tenant : {kAcme, kGlobex}) {
    if (std::error_code ec = bus.set_tenant_completion(tenant, tenant_callback(tenant))) {
      std::printf("set_tenant_completion: %s\n", ec.message().c_str());
      return 1;
    }
  }
  // Tenant 0 means "no tenant": refused.
  const std::error_code tenant0 =
      bus.set_tenant_completion(0, [](const eventbus::PublishResult&) {});

  auto publish = [&](std::int64_t tenant, const char* aggregate, const char* type) {
    eventbus::Envelope e = eventbus::make_envelope(aggregate, type, 1, "{}");
    e.tenant_id = tenant;               // 0: no tenant, no tenant callback
    bus.publish_envelope("orders", e);  // no completion of its own; the tenant's runs
  };
  publish(kAcme, "acme-order-1", "OrderPlaced");
  publish(kAcme, "acme-order-2", "OrderPlaced");
  publish(kAcme, "acme-order-3", "OrderPlaced");
  publish(kGlobex, "globex-order-1", "OrderPlaced");
  publish(kGlobex, "globex-order-2", "");  // refused (no event type): a failure, still routed
  publish(0, "walk-in-order-1", "OrderPlaced");
  publish(99, "initech-order-1", "OrderPlaced");  // a tenant with no callback
  {
    std::unique_lock lock(mutex);
    cv.wait_for(lock, 10s, [&] { return outcomes_seen == 5; });
  }

  // Once removed, a tenant's outcomes go to the call's completion only.
  bus.remove_tenant_completion(kAcme);
  eventbus::Envelope late = eventbus::make_envelope("acme-order-4", "OrderPlaced", 1, "{}");
  late.tenant_id = kAcme;
  bus.publish_envelope("orders", late, [&](const eventbus::PublishResult& r) {
    std::lock_guard lock(mutex);
    own_completion_ran = !r.error && r.tenant_id == kAcme;
  });

  // close() fires or cancels every outstanding completion and joins the thread they run on, so
  // after it every outcome has been counted.
  const eventbus::CloseReport report = bus.close(5s);
  std::lock_guard lock(mutex);
  bool ok = check(outcomes.size() == 2 && outcomes_seen == 5, "no other tenant's outcome routed");
  const Outcomes acme = outcomes[kAcme], globex = outcomes[kGlobex];
  ok &= check(tenant0 == eventbus::errc::invalid_option, "tenant 0 is refused");
  ok &= check(acme.acked == 3 && acme.failed == 0, "tenant 7: 3 published");
  ok &= check(globex.acked == 1 && globex.failed == 1, "tenant 42: 1 published, 1 refused");
  ok &= check(acme.wrong_tenant == 0 && globex.wrong_tenant == 0, "each saw only its own");
  ok &= check(own_completion_ran, "after remove: the call's own completion only");
  ok &= check(!report.error, "closed cleanly");
  return ok ? 0 : 1;
}
