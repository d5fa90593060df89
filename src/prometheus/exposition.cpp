// SPDX-License-Identifier: Apache-2.0
#include "prometheus/exposition.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace eventbus::metrics {
namespace {

// {a="x",b="y"} plus an optional extra label (a histogram bucket's `le`); "" when empty.
std::string written_labels(const Labels& labels, std::string_view extra_name = {},
                           std::string_view extra_value = {}) {
  if (labels.empty() && extra_name.empty()) return {};
  std::string out = "{";
  const auto add = [&](std::string_view name, std::string_view value) {
    if (out.size() > 1) out += ',';
    out += name;
    out += "=\"";
    out += escape_label_value(value);
    out += '"';
  };
  for (const auto& [name, value] : labels)
    add(name, value);
  if (!extra_name.empty()) add(extra_name, extra_value);
  out += '}';
  return out;
}

std::string_view type_name(MetricType type) {
  switch (type) {
    case MetricType::counter:
      return "counter";
    case MetricType::gauge:
      return "gauge";
    case MetricType::histogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string escape_help(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  // Whole numbers below 2^53 print as integers: counters read naturally and exactly.
  if (value == std::floor(value) && std::fabs(value) < 9007199254740992.0) {
    const auto [end, ec] =
        std::to_chars(buffer, buffer + sizeof buffer, static_cast<std::int64_t>(value));
    return std::string(buffer, end);
  }
  // Shortest exact, in %g style as Go's client libraries write it ("0.0001", "2.5e-05"), so a
  // bucket's le reads the same as theirs.
  const auto [end, ec] =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general);
  return std::string(buffer, end);
}

Exposition::Sample& Exposition::sample(std::string_view name, std::string_view help,
                                       MetricType type, const Labels& labels, bool& created) {
  auto found = by_name_.find(name);
  if (found == by_name_.end()) {
    found = by_name_.emplace(std::string(name), families_.size()).first;
    families_.push_back(Family{std::string(name), std::string(help), type, {}, {}, {}});
  }
  Family& family = families_[found->second];
  if (family.type != type) {  // a programming error in the collectors, never the user's input
    throw std::logic_error("metric family " + family.name + " declared with two types");
  }
  const auto [at, inserted] = family.index.emplace(written_labels(labels), family.samples.size());
  created = inserted;
  if (inserted) family.samples.push_back(Sample{labels, 0, {}, 0});
  return family.samples[at->second];
}

void Exposition::counter(std::string_view name, std::string_view help, const Labels& labels,
                         std::uint64_t value) {
  bool created = false;
  sample(name, help, MetricType::counter, labels, created).value += static_cast<double>(value);
}

void Exposition::gauge(std::string_view name, std::string_view help, const Labels& labels,
                       double value) {
  bool created = false;
  sample(name, help, MetricType::gauge, labels, created).value += value;
}

void Exposition::histogram(std::string_view name, std::string_view help, const Labels& labels,
                           std::span<const double> upper_bounds,
                           std::span<const std::uint64_t> cumulative, double sum) {
  if (cumulative.size() != upper_bounds.size() + 1) {
    throw std::logic_error("histogram " + std::string(name) + ": bucket count mismatch");
  }
  bool created = false;
  Sample& s = sample(name, help, MetricType::histogram, labels, created);
  Family& family = families_[by_name_.find(name)->second];
  if (family.upper_bounds.empty())
    family.upper_bounds.assign(upper_bounds.begin(), upper_bounds.end());
  if (!std::equal(family.upper_bounds.begin(), family.upper_bounds.end(), upper_bounds.begin(),
                  upper_bounds.end())) {
    throw std::logic_error("histogram " + std::string(name) + ": bucket bounds differ");
  }
  if (created) s.buckets.assign(cumulative.size(), 0);
  for (std::size_t i = 0; i < cumulative.size(); ++i)
    s.buckets[i] += cumulative[i];
  s.sum += sum;
}

std::string Exposition::text() const {
  std::string out;
  for (const Family& family : families_) {
    out += "# HELP " + family.name + ' ' + escape_help(family.help) + '\n';
    out += "# TYPE " + family.name + ' ' + std::string(type_name(family.type)) + '\n';
    for (const Sample& s : family.samples) {
      if (family.type != MetricType::histogram) {
        out += family.name + written_labels(s.labels) + ' ' + format_value(s.value) + '\n';
        continue;
      }
      for (std::size_t i = 0; i < s.buckets.size(); ++i) {
        const std::string le =
            i < family.upper_bounds.size() ? format_value(family.upper_bounds[i]) : "+Inf";
        out += family.name + "_bucket" + written_labels(s.labels, "le", le) + ' ' +
               std::to_string(s.buckets[i]) + '\n';
      }
      const std::string labels = written_labels(s.labels);
      out += family.name + "_sum" + labels + ' ' + format_value(s.sum) + '\n';
      out += family.name + "_count" + labels + ' ' + std::to_string(s.buckets.back()) + '\n';
    }
  }
  return out;
}

}  // namespace eventbus::metrics
