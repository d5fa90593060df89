// SPDX-License-Identifier: Apache-2.0
#include "report_files.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "reports.hpp"

namespace eventbus::bench {

namespace {

bool write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  return static_cast<bool>(out);
}

}  // namespace

bool write_report_files(const Results& results, const std::string& dir) {
  const std::filesystem::path path(dir);
  std::filesystem::create_directories(path);
  const bool ok = write_file(path / "report.json", json_report(results)) &&
                  write_file(path / "report.md", markdown_report(results, "chart.svg")) &&
                  write_file(path / "chart.svg", svg_chart(results));
  if (!ok) {
    std::fprintf(stderr, "eventbus-bench: cannot write the report into %s\n", dir.c_str());
    return false;
  }
  std::printf("\nreport: %s/{report.md, report.json, chart.svg}\n", dir.c_str());
  return true;
}

}  // namespace eventbus::bench
