// SPDX-License-Identifier: Apache-2.0
#include "text_table.hpp"

#include <algorithm>

namespace eventbus::cli {
namespace {

const std::string& cell(const std::vector<std::string>& row, std::size_t i) {
  static const std::string empty;
  return i < row.size() ? row[i] : empty;
}

}  // namespace

std::string TextTable::render() const {
  std::vector<std::size_t> width(columns_.size());
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    width[i] = columns_[i].title.size();
    for (const auto& row : rows_)
      width[i] = std::max(width[i], cell(row, i).size());
  }
  std::string out;
  const auto line = [&](const std::vector<std::string>& row) {
    std::string text;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      const std::string& value = cell(row, i);
      const std::string pad(width[i] - value.size(), ' ');
      if (i > 0) text += "  ";
      text += columns_[i].align == Align::right ? pad + value : value + pad;
    }
    text.erase(text.find_last_not_of(' ') + 1);
    out += text + '\n';
  };
  std::vector<std::string> titles;
  titles.reserve(columns_.size());
  for (const Column& c : columns_)
    titles.push_back(c.title);
  line(titles);
  for (const auto& row : rows_)
    line(row);
  return out;
}

}  // namespace eventbus::cli
