// SPDX-License-Identifier: Apache-2.0
// Bus::topics and Bus::group_lag: the broker's view of its topics and of a group's position,
// for the `eventbus topics` and `eventbus lag` commands. Like a read, a query holds
// consumption_ shared so that close() cannot release the transport under it, and ends when
// close() starts. A failure is the caller's to say (debug only here: the CLI prints it once).
#include <shared_mutex>
#include <stop_token>

#include "core/bus/bus_impl.hpp"
#include "core/topic_name.hpp"
#include "eventbus/error.hpp"

namespace eventbus {

TopicsReport Bus::Impl::topics(milliseconds timeout) {
  if (timeout <= milliseconds::zero()) {
    return {make_error_code(errc::invalid_option), "topics: timeout must be positive", {}};
  }
  const core::Deadline deadline = core::Clock::now() + timeout;
  std::shared_lock lock(consumption_);
  if (consumption_stopped_ || !open()) {
    return {make_error_code(errc::closed), "topics: the bus is closed", {}};
  }
  TopicsReport report = transport_->topics(deadline, reads_end_.get_token());
  if (report.error) log_->debug("bus", "topics: {}", report.detail);
  return report;
}

GroupLagReport Bus::Impl::group_lag(std::string_view group, std::string_view topic,
                                    milliseconds timeout) {
  GroupLagReport report;
  report.topic.assign(topic);
  report.group = group.empty() ? options_.group : std::string(group);
  if (std::error_code ec = core::validate_topic(topic, &report.detail)) {
    report.error = ec;
    return report;
  }
  if (timeout <= milliseconds::zero() || report.group.empty()) {
    report.error = make_error_code(errc::invalid_option);
    report.detail = timeout <= milliseconds::zero() ? "lag: timeout must be positive"
                                                    : "lag: no group given and none configured";
    return report;
  }
  const core::Deadline deadline = core::Clock::now() + timeout;
  std::shared_lock lock(consumption_);
  if (consumption_stopped_ || !open()) {
    report.error = make_error_code(errc::closed);
    report.detail = "lag: the bus is closed";
    return report;
  }
  report = transport_->group_lag(report.group, report.topic, deadline, reads_end_.get_token());
  if (report.error) log_->debug("bus", "lag: {}", report.detail);
  return report;
}

TopicsReport Bus::topics(milliseconds timeout) {
  return impl_->topics(timeout);
}

GroupLagReport Bus::group_lag(std::string_view group, std::string_view topic,
                              milliseconds timeout) {
  return impl_->group_lag(group, topic, timeout);
}

}  // namespace eventbus
