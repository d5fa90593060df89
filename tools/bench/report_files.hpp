// SPDX-License-Identifier: Apache-2.0
// The files of a pressure comparison's report: report.json, report.md and chart.svg in one
// directory (--out), beside the table printed on the terminal.
#pragma once

#include <string>

#include "results.hpp"

namespace eventbus::bench {

// Creates `dir` and writes the three files; prints where they are on stdout, or on stderr that
// they could not be written (then returns false).
bool write_report_files(const Results& results, const std::string& dir);

}  // namespace eventbus::bench
