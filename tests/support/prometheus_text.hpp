// SPDX-License-Identifier: Apache-2.0
// A small, strict reader of the Prometheus text exposition format 0.0.4, for tests: what a
// scraper would reject (a family's HELP or TYPE twice, TYPE after its samples, a family's
// samples split up, a duplicate series, bad escapes) throws, naming the line.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace eventbus::testing {

using PromLabels = std::map<std::string, std::string>;

struct PromSample {
  std::string name;  // as written: foo_bucket, foo_sum, foo_count for histograms
  PromLabels labels;
  double value = 0;
};

struct PromFamily {
  std::string name;
  std::string help;
  std::string type;  // counter, gauge, histogram, summary, untyped
  std::vector<PromSample> samples;
};

// One histogram series: its buckets by upper bound (+Inf included), sum and count.
struct PromHistogram {
  std::vector<std::pair<double, double>> buckets;  // (le, cumulative count), le ascending
  double sum = 0;
  double count = 0;
};

class PromExposition {
 public:
  std::map<std::string, PromFamily> families;

  // Samples named `name` whose labels include every one of `labels`.
  std::vector<const PromSample*> find(const std::string& name, const PromLabels& labels) const {
    std::vector<const PromSample*> out;
    const PromFamily* family = family_of(name);
    if (family == nullptr) return out;
    for (const PromSample& s : family->samples) {
      if (s.name == name && includes(s.labels, labels)) out.push_back(&s);
    }
    return out;
  }
  // The value of the one sample `name` with `labels` (a subset); nullopt when none or several.
  std::optional<double> value(const std::string& name, const PromLabels& labels = {}) const {
    const auto found = find(name, labels);
    if (found.size() != 1) return std::nullopt;
    return found.front()->value;
  }
  // The histogram `name` for the one series matching `labels`; throws when its buckets are not
  // cumulative, +Inf is missing or differs from _count.
  PromHistogram histogram(const std::string& name, const PromLabels& labels) const {
    PromHistogram h;
    const auto buckets = find(name + "_bucket", labels);
    const auto sums = find(name + "_sum", labels);
    const auto counts = find(name + "_count", labels);
    if (sums.size() != 1 || counts.size() != 1) {
      throw std::runtime_error(name + ": expected one series, found " +
                               std::to_string(counts.size()));
    }
    h.sum = sums.front()->value;
    h.count = counts.front()->value;
    for (const PromSample* b : buckets) {
      const auto le = b->labels.find("le");
      if (le == b->labels.end()) throw std::runtime_error(name + "_bucket without le");
      h.buckets.emplace_back(parse_number(le->second), b->value);
    }
    std::sort(h.buckets.begin(), h.buckets.end());
    for (std::size_t i = 1; i < h.buckets.size(); ++i) {
      if (h.buckets[i].second < h.buckets[i - 1].second) {
        throw std::runtime_error(name + ": bucket le=" + std::to_string(h.buckets[i].first) +
                                 " holds fewer than the bucket before it");
      }
    }
    if (h.buckets.empty() || !std::isinf(h.buckets.back().first)) {
      throw std::runtime_error(name + ": no +Inf bucket");
    }
    if (h.buckets.back().second != h.count) {
      throw std::runtime_error(name + ": +Inf bucket differs from _count");
    }
    return h;
  }

  const PromFamily* family_of(const std::string& sample_name) const {
    if (auto it = families.find(sample_name); it != families.end()) return &it->second;
    for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
      if (sample_name.size() > suffix.size() && sample_name.ends_with(suffix)) {
        auto it = families.find(sample_name.substr(0, sample_name.size() - suffix.size()));
        if (it != families.end() &&
            (it->second.type == "histogram" || it->second.type == "summary")) {
          return &it->second;
        }
      }
    }
    return nullptr;
  }

  static double parse_number(const std::string& text) {
    if (text == "+Inf" || text == "Inf") return INFINITY;
    if (text == "-Inf") return -INFINITY;
    if (text == "NaN") return NAN;
    std::size_t used = 0;
    const double v = std::stod(text, &used);
    if (used != text.size()) throw std::runtime_error("not a number: " + text);
    return v;
  }

 private:
  static bool includes(const PromLabels& have, const PromLabels& want) {
    for (const auto& [k, v] : want) {
      auto it = have.find(k);
      if (it == have.end() || it->second != v) return false;
    }
    return true;
  }
};

namespace prom_detail {

inline bool name_char(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
         (!first && c >= '0' && c <= '9');
}

inline std::string read_name(std::string_view line, std::size_t& at) {
  const std::size_t start = at;
  while (at < line.size() && name_char(line[at], at == start))
    ++at;
  if (at == start) throw std::runtime_error("expected a name");
  return std::string(line.substr(start, at - start));
}

inline std::string unescape(std::string_view text, bool label) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    if (++i == text.size()) throw std::runtime_error("a trailing backslash");
    if (text[i] == 'n') {
      out += '\n';
    } else if (text[i] == '\\') {
      out += '\\';
    } else if (text[i] == '"' && label) {
      out += '"';
    } else {
      throw std::runtime_error(std::string("unknown escape \\") + text[i]);
    }
  }
  return out;
}

inline PromLabels read_labels(std::string_view line, std::size_t& at) {
  PromLabels labels;
  if (at >= line.size() || line[at] != '{') return labels;
  ++at;
  while (at < line.size() && line[at] != '}') {
    const std::string name = read_name(line, at);
    if (line.substr(at, 2) != "=\"") throw std::runtime_error("expected =\" after " + name);
    at += 2;
    const std::size_t start = at;
    while (at < line.size() && line[at] != '"') {
      at += line[at] == '\\' ? 2 : 1;
    }
    if (at >= line.size()) throw std::runtime_error("unterminated label value");
    if (!labels.emplace(name, unescape(line.substr(start, at - start), true)).second) {
      throw std::runtime_error("label " + name + " twice");
    }
    ++at;  // closing quote
    if (at < line.size() && line[at] == ',') ++at;
  }
  if (at >= line.size()) throw std::runtime_error("unterminated label set");
  ++at;  // '}'
  return labels;
}

}  // namespace prom_detail

inline PromExposition parse_prometheus_text(std::string_view text) {
  using namespace prom_detail;
  PromExposition out;
  std::set<std::string> finished;  // families whose samples ended (another family's began)
  std::set<std::string> series;    // name + labels seen, for duplicates
  std::string current;             // family of the last sample
  std::size_t line_number = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    if (end == std::string_view::npos) throw std::runtime_error("the last line has no newline");
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(end + 1);
    ++line_number;
    const auto fail = [&](const std::string& why) {
      throw std::runtime_error("line " + std::to_string(line_number) + ": " + why + ": " +
                               std::string(line));
    };
    try {
      if (line.empty()) continue;
      if (line.starts_with("# HELP ") || line.starts_with("# TYPE ")) {
        const bool help = line[2] == 'H';
        std::size_t at = 7;
        const std::string name = read_name(line, at);
        if (at < line.size() && line[at] != ' ') fail("bad metric name");
        const std::string rest = at < line.size() ? std::string(line.substr(at + 1)) : "";
        PromFamily& family = out.families[name];
        family.name = name;
        if (help) {
          if (!family.help.empty()) fail("HELP twice");
          family.help = unescape(rest, false);
          if (family.help.empty()) family.help = " ";
        } else {
          if (!family.type.empty()) fail("TYPE twice");
          if (!family.samples.empty()) fail("TYPE after samples");
          static const std::set<std::string> types{"counter", "gauge", "histogram", "summary",
                                                   "untyped"};
          if (!types.count(rest)) fail("unknown type");
          family.type = rest;
        }
        continue;
      }
      if (line.front() == '#') continue;  // a comment
      std::size_t at = 0;
      const std::string name = read_name(line, at);
      PromLabels labels = read_labels(line, at);
      if (at >= line.size() || line[at] != ' ') fail("expected a space before the value");
      std::string value_text(line.substr(at + 1));
      if (const std::size_t space = value_text.find(' '); space != std::string::npos) {
        value_text.resize(space);  // a timestamp follows
      }
      PromFamily* family = const_cast<PromFamily*>(out.family_of(name));
      if (family == nullptr) {
        family = &out.families[name];
        family->name = name;
        family->type = "untyped";
      }
      if (family->name != current) {
        if (finished.count(family->name)) fail("samples of " + family->name + " are split up");
        if (!current.empty()) finished.insert(current);
        current = family->name;
      }
      std::string key = name + "{";
      for (const auto& [k, v] : labels)
        key += k + "=" + v + ",";
      if (!series.insert(key).second) fail("duplicate series");
      family->samples.push_back(
          PromSample{name, std::move(labels), PromExposition::parse_number(value_text)});
    } catch (const std::runtime_error& e) {
      if (std::string_view(e.what()).starts_with("line ")) throw;
      fail(e.what());
    } catch (const std::invalid_argument&) {
      fail("not a number");
    }
  }
  return out;
}

}  // namespace eventbus::testing
