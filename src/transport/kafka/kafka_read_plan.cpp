// SPDX-License-Identifier: Apache-2.0
#include "transport/kafka/kafka_read_plan.hpp"

#include <algorithm>
#include <chrono>

#include "eventbus/error.hpp"
#include "transport/kafka/kafka_handles.hpp"
#include "transport/kafka/kafka_retry.hpp"
#include "transport/kafka/kafka_topics.hpp"

namespace eventbus::kafka {
namespace {

using std::chrono::milliseconds;

class Planner {
 public:
  Planner(rd_kafka_t* rk, const std::string& topic, core::Deadline deadline,
          const std::stop_token& stop, std::string& detail)
      : rk_(rk), topic_(topic), deadline_(deadline), stop_(stop), detail_(detail) {}

  std::error_code partitions(std::vector<PartitionPlan>& plan) {
    PartitionCount count;
    const rd_kafka_resp_err_t err = within(deadline_, stop_, [&](int ms) {
      count = partition_count(rk_, topic_, ms);
      return count.answered ? RD_KAFKA_RESP_ERR_NO_ERROR : RD_KAFKA_RESP_ERR__TIMED_OUT;
    });
    if (err) return failed("the topic's metadata", err);
    if (count.total < 0) {
      detail_ = "kafka: topic " + topic_ + " does not exist";
      return make_error_code(errc::unknown_topic);
    }
    plan.resize(static_cast<std::size_t>(count.total));
    for (int p = 0; p < count.total; ++p) {
      PartitionPlan& part = plan[static_cast<std::size_t>(p)];
      part.partition = p;
      const rd_kafka_resp_err_t e = within(deadline_, stop_, [&](int ms) {
        return rd_kafka_query_watermark_offsets(rk_, topic_.c_str(), p, &part.low, &part.high, ms);
      });
      if (e) return failed("the watermarks of partition " + std::to_string(p), e);
    }
    return {};
  }

  // The committed offsets of the consumer's group.id; a partition without one starts at the
  // beginning.
  std::error_code from_group(std::vector<PartitionPlan>& plan, const std::string& group) {
    PartitionListPtr list = list_of(plan);
    const rd_kafka_resp_err_t err = within(deadline_, stop_, [&](int ms) {
      rd_kafka_resp_err_t e = rd_kafka_committed(rk_, list.get(), ms);
      for (int i = 0; e == RD_KAFKA_RESP_ERR_NO_ERROR && i < list->cnt; ++i)
        e = list->elems[i].err;
      return e;
    });
    if (err) return failed("the committed offsets of group " + group, err);
    for (int i = 0; i < list->cnt; ++i) {
      const std::int64_t offset = list->elems[i].offset;
      plan[static_cast<std::size_t>(i)].start = offset >= 0 ? offset : RD_KAFKA_OFFSET_BEGINNING;
    }
    return {};
  }

  // The first offset whose record's timestamp is at or after `since`; none: the end.
  std::error_code from_time(std::vector<PartitionPlan>& plan,
                            std::chrono::system_clock::time_point since) {
    const auto ms = std::chrono::duration_cast<milliseconds>(since.time_since_epoch()).count();
    PartitionListPtr list;
    const rd_kafka_resp_err_t err = within(deadline_, stop_, [&](int timeout) {
      list = list_of(plan);  // the call writes its answers over the timestamps asked
      for (int i = 0; i < list->cnt; ++i)
        list->elems[i].offset = std::max<std::int64_t>(ms, 0);
      rd_kafka_resp_err_t e = rd_kafka_offsets_for_times(rk_, list.get(), timeout);
      for (int i = 0; e == RD_KAFKA_RESP_ERR_NO_ERROR && i < list->cnt; ++i)
        e = list->elems[i].err;
      return e;
    });
    if (err) return failed("the offsets for the start time", err);
    for (int i = 0; i < list->cnt; ++i) {
      PartitionPlan& part = plan[static_cast<std::size_t>(i)];
      part.start = list->elems[i].offset >= 0 ? list->elems[i].offset : part.high;
    }
    return {};
  }

 private:
  PartitionListPtr list_of(const std::vector<PartitionPlan>& plan) const {
    PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(plan.size())));
    for (const PartitionPlan& part : plan)
      rd_kafka_topic_partition_list_add(list.get(), topic_.c_str(), part.partition);
    return list;
  }

  std::error_code failed(const std::string& what, rd_kafka_resp_err_t err) {
    if (stop_.stop_requested()) return make_error_code(errc::cancelled);
    detail_ = "kafka: read of " + topic_ + ": " + what + ": " +
              (passing(err) ? "no answer from the broker before the deadline (last: " +
                                  std::string(rd_kafka_err2str(err)) + ")"
                            : std::string(rd_kafka_err2str(err)));
    return make_error_code(errc::transport_error);
  }

  rd_kafka_t* rk_;
  const std::string& topic_;
  const core::Deadline deadline_;
  const std::stop_token& stop_;
  std::string& detail_;
};

}  // namespace

std::error_code plan_read(rd_kafka_t* rk, const std::string& topic, const ReadOptions& options,
                          core::Deadline deadline, const std::stop_token& stop,
                          std::vector<PartitionPlan>& plan, std::string& detail) {
  Planner planner(rk, topic, deadline, stop, detail);
  if (std::error_code ec = planner.partitions(plan)) return ec;
  if (!options.group.empty()) return planner.from_group(plan, options.group);
  switch (options.from) {
    case ReadFrom::beginning:
      return {};  // PartitionPlan's start
    case ReadFrom::end:
      for (PartitionPlan& part : plan)
        part.start = part.high;
      return {};
    case ReadFrom::time:
      return planner.from_time(plan, options.since);
  }
  return {};
}

}  // namespace eventbus::kafka
