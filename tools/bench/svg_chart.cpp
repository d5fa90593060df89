// SPDX-License-Identifier: Apache-2.0
// The chart: two log-scale panels over the levels, throughput (bus solid, raw client dashed,
// raw push dotted: NATS only) and p99 latency (end-to-end solid, send dashed), one colour per
// transport. Plain SVG.
#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "report_rows.hpp"
#include "reports.hpp"

namespace eventbus::bench {
namespace {

constexpr double kPanelWidth = 440, kPanelHeight = 280, kTop = 80, kLeft = 70, kGap = 110;
// stroke-dasharray values; solid is none.
constexpr const char* kSolid = "";
constexpr const char* kDashed = "6,4";
constexpr const char* kDotted = "2,3";

struct Point {
  double x, y;
};

class Svg {
 public:
  Svg(double width, double height) {
    out_ << R"(<svg xmlns="http://www.w3.org/2000/svg" width=")" << width << R"(" height=")"
         << height << R"(" font-family="sans-serif" font-size="12">)" << '\n'
         << R"(<rect width="100%" height="100%" fill="white"/>)" << '\n';
  }
  void line(Point a, Point b, const std::string& stroke, double width = 1,
            const std::string& dash = "") {
    out_ << "<line x1=\"" << a.x << "\" y1=\"" << a.y << "\" x2=\"" << b.x << "\" y2=\"" << b.y
         << "\" stroke=\"" << stroke << "\" stroke-width=\"" << width << '"' << dash_attr(dash)
         << "/>\n";
  }
  void polyline(const std::vector<Point>& points, const std::string& stroke,
                const std::string& dash) {
    out_ << "<polyline fill=\"none\" stroke=\"" << stroke << "\" stroke-width=\"2\""
         << dash_attr(dash) << " points=\"";
    for (const auto& p : points)
      out_ << p.x << ',' << p.y << ' ';
    out_ << "\"/>\n";
    for (const auto& p : points)
      out_ << "<circle cx=\"" << p.x << "\" cy=\"" << p.y << "\" r=\"3\" fill=\"" << stroke
           << "\"/>\n";
  }
  void text(Point at, const std::string& s, const std::string& anchor = "start", int size = 12,
            const std::string& weight = "normal") {
    out_ << "<text x=\"" << at.x << "\" y=\"" << at.y << "\" text-anchor=\"" << anchor
         << "\" font-size=\"" << size << "\" font-weight=\"" << weight << "\">" << s << "</text>\n";
  }
  std::string finish() {
    out_ << "</svg>\n";
    return out_.str();
  }

 private:
  static std::string dash_attr(const std::string& dash) {
    return dash.empty() ? "" : " stroke-dasharray=\"" + dash + "\"";
  }
  std::ostringstream out_;
};

std::string colour(const std::string& transport) {
  if (transport == "kafka") return "#1f77b4";
  if (transport == "nats") return "#2ca02c";
  return "#ff7f0e";
}

std::string tick_label(double v) {
  if (v >= 1e6) return fixed(v / 1e6, 0) + "M";
  if (v >= 1e3) return fixed(v / 1e3, 0) + "k";
  if (v >= 1) return fixed(v, 0);
  return fixed(v, v >= 0.1 ? 1 : (v >= 0.01 ? 2 : 3));
}

struct Series {
  std::string transport, dash;
  std::vector<double> values;  // per level; <= 0 means missing
};

// A panel with a log y axis spanning whole decades around every value.
void panel(Svg& svg, double left, const std::string& title, const std::vector<Level>& levels,
           const std::vector<Series>& series) {
  double lo = 1e300, hi = 0;
  for (const auto& s : series)
    for (double v : s.values)
      if (v > 0) lo = std::min(lo, v), hi = std::max(hi, v);
  if (hi <= 0) lo = 1, hi = 10;
  const double dlo = std::floor(std::log10(lo)), dhi = std::max(dlo + 1, std::ceil(std::log10(hi)));
  const double bottom = kTop + kPanelHeight;
  auto y = [&](double v) { return bottom - (std::log10(v) - dlo) / (dhi - dlo) * kPanelHeight; };
  auto x = [&](std::size_t i) {
    return levels.size() == 1 ? left + kPanelWidth / 2
                              : left + 20 + i * (kPanelWidth - 40) / (levels.size() - 1);
  };
  svg.text({left + kPanelWidth / 2, kTop - 14}, title, "middle", 14, "bold");
  for (double d = dlo; d <= dhi; ++d) {
    for (int m = 1; m < 10 && d + std::log10(m) <= dhi; ++m) {
      const double v = std::pow(10.0, d) * m;
      svg.line({left, y(v)}, {left + kPanelWidth, y(v)}, m == 1 ? "#bbb" : "#eee");
      if (m == 1 || (dhi - dlo <= 2 && (m == 2 || m == 5)))
        svg.text({left - 6, y(v) + 4}, tick_label(v), "end");
    }
  }
  svg.line({left, kTop}, {left, bottom}, "#333");
  svg.line({left, bottom}, {left + kPanelWidth, bottom}, "#333");
  for (std::size_t i = 0; i < levels.size(); ++i) {
    svg.text({x(i), bottom + 18}, levels[i].name, "middle");
    svg.text({x(i), bottom + 32}, with_commas(static_cast<double>(levels[i].messages)), "middle",
             10);
  }
  for (const auto& s : series) {
    std::vector<Point> points;
    for (std::size_t i = 0; i < s.values.size(); ++i)
      if (s.values[i] > 0) points.push_back({x(i), y(s.values[i])});
    if (!points.empty()) svg.polyline(points, colour(s.transport), s.dash);
  }
}

template <typename Get>
Series series(const Results& r, const std::string& transport, const std::string& client,
              const std::string& dash, Get get) {
  Series s{transport, dash, {}};
  for (const auto& level : r.settings.levels) {
    const Summary sum = r.summary(level.name, transport, client);
    s.values.push_back(sum.present() ? get(*sum.median) : 0.0);
  }
  return s;
}

// What each line style means in one panel, under it: (label, dash) pairs, left to right.
void style_legend(Svg& svg, double left, double y,
                  const std::vector<std::pair<std::string, std::string>>& styles) {
  const double step = kPanelWidth / static_cast<double>(styles.size());
  for (std::size_t i = 0; i < styles.size(); ++i) {
    const double x = left + 20 + step * static_cast<double>(i);
    svg.line({x, y - 4}, {x + 24, y - 4}, "#555", 2, styles[i].second);
    svg.text({x + 30, y}, styles[i].first);
  }
}

void colour_legend(Svg& svg, const Results& r, double y) {
  double x =
      kLeft + kPanelWidth + kGap / 2 - 50.0 * static_cast<double>(r.settings.transports.size());
  for (const auto& t : r.settings.transports) {
    svg.line({x, y - 4}, {x + 24, y - 4}, colour(t), 3);
    svg.text({x + 30, y}, display_name(t));
    x += 100;
  }
}

std::string fact(const Facts& facts, const std::string& key) {
  for (const auto& [k, v] : facts)
    if (k == key) return v;
  return "?";
}

}  // namespace

std::string svg_chart(const Results& r) {
  const double width = kLeft + 2 * kPanelWidth + kGap + 30;
  const double height = kTop + kPanelHeight + 90;
  Svg svg(width, height);
  svg.text({width / 2, 22},
           "eventbus-bench, " + fact(r.environment, "date") + ", " + fact(r.environment, "cpus") +
               " CPUs, load " + fact(r.environment, "load_at_start") + " at start",
           "middle", 13);
  std::vector<Series> throughput, latency;
  for (const auto& t : r.settings.transports) {
    throughput.push_back(
        series(r, t, kBusClient, kSolid, [](const RunMetrics& m) { return m.throughput; }));
    throughput.push_back(
        series(r, t, kRawClient, kDashed, [](const RunMetrics& m) { return m.throughput; }));
    throughput.push_back(
        series(r, t, kRawPushClient, kDotted, [](const RunMetrics& m) { return m.throughput; }));
    latency.push_back(series(r, t, kBusClient, kSolid, [](const RunMetrics& m) {
      return static_cast<double>(m.end_to_end.p99) / 1e6;
    }));
    latency.push_back(series(r, t, kBusClient, kDashed, [](const RunMetrics& m) {
      return static_cast<double>(m.send.p99) / 1e6;
    }));
  }
  panel(svg, kLeft, "throughput (msg/s, log scale)", r.settings.levels, throughput);
  panel(svg, kLeft + kPanelWidth + kGap, "p99 latency (ms, log scale)", r.settings.levels, latency);
  const double under = kTop + kPanelHeight + 56;
  style_legend(svg, kLeft, under,
               {{"bus", kSolid}, {"raw client library", kDashed}, {"raw push (NATS)", kDotted}});
  style_legend(svg, kLeft + kPanelWidth + kGap, under,
               {{"end-to-end (bus)", kSolid}, {"send (bus)", kDashed}});
  colour_legend(svg, r, height - 10);
  return svg.finish();
}

}  // namespace eventbus::bench
