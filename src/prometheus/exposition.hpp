// SPDX-License-Identifier: Apache-2.0
// The Prometheus text exposition format, version 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/): metric families built up
// sample by sample, then written with HELP and TYPE once per family.
//
// Samples with the same family and labels add up (counters, gauges and histograms alike), so
// two buses that share transport and client name give one series, never a duplicate one that
// a scraper would reject.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace eventbus::metrics {

// Label name and value pairs, in the order they are written. Names are [a-zA-Z_][a-zA-Z0-9_]*;
// values are any UTF-8 text (escaped on output).
using Labels = std::vector<std::pair<std::string, std::string>>;

enum class MetricType { counter, gauge, histogram };

class Exposition {
 public:
  // `name` must match [a-zA-Z_:][a-zA-Z0-9_:]* (a counter's ends in _total, per the
  // conventions); the first sample of a family fixes its help text and type.
  void counter(std::string_view name, std::string_view help, const Labels& labels,
               std::uint64_t value);
  void gauge(std::string_view name, std::string_view help, const Labels& labels, double value);
  // `cumulative[i]` counts observations <= upper_bounds[i]; its last element (one more than
  // the bounds) counts all of them, which is also the sample's _count.
  void histogram(std::string_view name, std::string_view help, const Labels& labels,
                 std::span<const double> upper_bounds, std::span<const std::uint64_t> cumulative,
                 double sum);

  // Families in the order of their first sample; samples in the order of their first add.
  std::string text() const;

  struct Sample {
    Labels labels;
    double value = 0;                    // counters and gauges
    std::vector<std::uint64_t> buckets;  // histograms: cumulative, +Inf last
    double sum = 0;                      // histograms
  };
  struct Family {
    std::string name;
    std::string help;
    MetricType type = MetricType::gauge;
    std::vector<double> upper_bounds;  // histograms
    std::vector<Sample> samples;
    std::map<std::string, std::size_t> index;  // written labels -> samples[i]
  };
  // What text() writes, for other renderings (the prometheus-cpp adapter).
  const std::vector<Family>& families() const noexcept { return families_; }

 private:
  Sample& sample(std::string_view name, std::string_view help, MetricType type,
                 const Labels& labels, bool& created);

  std::vector<Family> families_;
  std::map<std::string, std::size_t, std::less<>> by_name_;
};

// A label value with `\`, `"` and newline escaped as the format asks.
std::string escape_label_value(std::string_view value);
// HELP text with `\` and newline escaped.
std::string escape_help(std::string_view help);
// A sample value: integers without a fraction, others in the shortest form that reads back
// exactly, and "+Inf", "-Inf", "NaN".
std::string format_value(double value);

}  // namespace eventbus::metrics
