// SPDX-License-Identifier: Apache-2.0
// A plain-text table for the pretty output of `topics` and `lag`: columns as wide as their
// widest cell, two spaces apart, text left-aligned and numbers right-aligned so that digits line
// up.
#pragma once

#include <string>
#include <vector>

namespace eventbus::cli {

class TextTable {
 public:
  enum class Align { left, right };
  struct Column {
    std::string title;
    Align align = Align::left;
  };

  explicit TextTable(std::vector<Column> columns) : columns_(std::move(columns)) {}
  // One row; a missing cell is empty, a cell beyond the columns is dropped.
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  // The titles, then every row, each line ending in '\n' without trailing blanks.
  std::string render() const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace eventbus::cli
