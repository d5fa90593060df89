// SPDX-License-Identifier: Apache-2.0
// The Prometheus text writer: HELP and TYPE once per family, label values and HELP escaped as
// the format says, histograms cumulative with +Inf == _count and a _sum, equal series added
// up, numbers written so they read back exactly. Checked by parsing the output with the tests'
// own strict reader.
#include <gtest/gtest.h>

#include <cmath>

#include "prometheus/exposition.hpp"
#include "support/prometheus_text.hpp"

namespace {

using eventbus::metrics::escape_help;
using eventbus::metrics::escape_label_value;
using eventbus::metrics::Exposition;
using eventbus::metrics::format_value;
using eventbus::metrics::Labels;
using eventbus::testing::parse_prometheus_text;

TEST(MetricsExposition, LabelValuesEscapeBackslashQuoteAndNewline) {
  EXPECT_EQ(escape_label_value(R"(a\b"c)"
                               "\n"
                               "d"),
            R"(a\\b\"c\nd)");
  EXPECT_EQ(escape_label_value("caf\xc3\xa9 {x=1}"), "caf\xc3\xa9 {x=1}") << "UTF-8 as is";
  EXPECT_EQ(escape_help("a \"quoted\" \\ line\nnext"), "a \"quoted\" \\\\ line\\nnext")
      << "HELP escapes backslash and newline only";
}

TEST(MetricsExposition, EscapedLabelsReadBackAsWritten) {
  Exposition out;
  const std::string nasty = "g\\1 \"two\"\nthree";
  out.counter("x_total", "X.", {{"group", nasty}}, 3);
  const std::string text = out.text();
  EXPECT_NE(text.find(R"(x_total{group="g\\1 \"two\"\nthree"} 3)"), std::string::npos) << text;
  EXPECT_EQ(parse_prometheus_text(text).value("x_total", {{"group", nasty}}), 3);
}

TEST(MetricsExposition, HelpAndTypeOncePerFamilyAndSamplesTogether) {
  Exposition out;
  out.counter("a_total", "A things.", {{"topic", "t1"}}, 1);
  out.gauge("b", "B now.", {}, 2.5);
  out.counter("a_total", "A things.", {{"topic", "t2"}}, 4);  // after b: still written with a
  const std::string text = out.text();
  EXPECT_EQ(text,
            "# HELP a_total A things.\n"
            "# TYPE a_total counter\n"
            "a_total{topic=\"t1\"} 1\n"
            "a_total{topic=\"t2\"} 4\n"
            "# HELP b B now.\n"
            "# TYPE b gauge\n"
            "b 2.5\n");
  EXPECT_NO_THROW(parse_prometheus_text(text));
}

TEST(MetricsExposition, EqualSeriesAddUp) {
  Exposition out;
  const Labels labels{{"transport", "memory"}, {"client", "svc"}};
  out.counter("n_total", "N.", labels, 2);
  out.counter("n_total", "N.", labels, 5);
  out.gauge("up", "Up.", labels, 1);
  out.gauge("up", "Up.", labels, 1);
  const auto parsed = parse_prometheus_text(out.text());  // throws on a duplicate series
  EXPECT_EQ(parsed.value("n_total", {{"client", "svc"}}), 7);
  EXPECT_EQ(parsed.value("up"), 2);
}

TEST(MetricsExposition, HistogramIsCumulativeWithInfEqualToCountAndSum) {
  Exposition out;
  const std::vector<double> bounds{0.001, 0.01, 0.1};
  out.histogram("lat_seconds", "Latency.", {{"topic", "t"}}, bounds,
                std::vector<std::uint64_t>{1, 3, 3, 5}, 0.75);
  const std::string text = out.text();
  EXPECT_NE(text.find("# TYPE lat_seconds histogram\n"), std::string::npos);
  EXPECT_NE(text.find("lat_seconds_bucket{topic=\"t\",le=\"0.001\"} 1\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("lat_seconds_bucket{topic=\"t\",le=\"+Inf\"} 5\n"), std::string::npos);
  EXPECT_NE(text.find("lat_seconds_sum{topic=\"t\"} 0.75\n"), std::string::npos);
  EXPECT_NE(text.find("lat_seconds_count{topic=\"t\"} 5\n"), std::string::npos);
  const auto h = parse_prometheus_text(text).histogram("lat_seconds", {{"topic", "t"}});
  ASSERT_EQ(h.buckets.size(), 4u);
  EXPECT_EQ(h.buckets[1], std::make_pair(0.01, 3.0));
  EXPECT_EQ(h.count, 5);
  EXPECT_DOUBLE_EQ(h.sum, 0.75);
}

TEST(MetricsExposition, HistogramsOfOneSeriesAddBucketByBucket) {
  Exposition out;
  const std::vector<double> bounds{1};
  out.histogram("h_seconds", "H.", {}, bounds, std::vector<std::uint64_t>{1, 2}, 1.5);
  out.histogram("h_seconds", "H.", {}, bounds, std::vector<std::uint64_t>{0, 3}, 6);
  const auto h = parse_prometheus_text(out.text()).histogram("h_seconds", {});
  EXPECT_EQ(h.buckets.front().second, 1);
  EXPECT_EQ(h.count, 5);
  EXPECT_DOUBLE_EQ(h.sum, 7.5);
}

TEST(MetricsExposition, MisuseIsAProgrammingError) {
  Exposition out;
  out.counter("m_total", "M.", {}, 1);
  EXPECT_THROW(out.gauge("m_total", "M.", {}, 1), std::logic_error);
  const std::vector<double> bounds{1, 2};
  EXPECT_THROW(out.histogram("h", "H.", {}, bounds, std::vector<std::uint64_t>{1, 2}, 0),
               std::logic_error)
      << "one cumulative count per bound plus +Inf";
}

TEST(MetricsExposition, NumbersReadBackExactly) {
  EXPECT_EQ(format_value(0), "0");
  EXPECT_EQ(format_value(12345678901234.0), "12345678901234");
  EXPECT_EQ(format_value(0.0001), "0.0001");
  EXPECT_EQ(format_value(0.00025), "0.00025");
  EXPECT_EQ(format_value(2.5), "2.5");
  EXPECT_EQ(format_value(INFINITY), "+Inf");
  EXPECT_EQ(format_value(-INFINITY), "-Inf");
  EXPECT_EQ(format_value(NAN), "NaN");
  EXPECT_EQ(std::stod(format_value(0.1 + 0.2)), 0.1 + 0.2);
}

}  // namespace
