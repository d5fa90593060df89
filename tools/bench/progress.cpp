// SPDX-License-Identifier: Apache-2.0
#include "progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace eventbus::bench {
namespace {

constexpr auto kQuietFor = std::chrono::seconds(2);
constexpr int kWidth = 30;

}  // namespace

bool stderr_is_terminal() {
  return isatty(STDERR_FILENO) == 1;
}

Progress::Progress(std::string label, std::uint64_t total, bool enabled)
    : label_(std::move(label)),
      total_(total),
      enabled_(enabled),
      start_(std::chrono::steady_clock::now()) {}

Progress::~Progress() {
  finish();
}

void Progress::update(std::uint64_t done) {
  if (!enabled_ || total_ == 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - start_ < kQuietFor || now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const int filled = static_cast<int>(kWidth * done / total_);
  std::fprintf(stderr, "\r  %-28s [%.*s%*s] %llu/%llu  %.1f s", label_.c_str(), filled,
               "##############################", kWidth - filled, "",
               static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_),
               std::chrono::duration<double>(now - start_).count());
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::finish() {
  if (!drawn_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace eventbus::bench
