// SPDX-License-Identifier: Apache-2.0
// new_event_id() makes RFC 9562 UUIDv7s that sort by creation within a thread.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "eventbus/envelope.hpp"

namespace {

using eventbus::new_event_id;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The 48-bit Unix millisecond prefix of an id.
std::int64_t millis_of(const std::string& id) {
  return std::stoll(id.substr(0, 8) + id.substr(9, 4), nullptr, 16);
}

// Lower-case 8-4-4-4-12 hex, version nibble 7, variant bits 10 (first nibble of group 4 is 8..b).
// (Not std::regex: GCC 12 warns inside it under -O1 with sanitizers.)
bool has_uuid_v7_shape(const std::string& id) {
  if (id.size() != 36) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    const char c = id[i];
    if (dash != (c == '-')) return false;
    if (!dash && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return id[14] == '7' && std::string_view("89ab").find(id[19]) != std::string_view::npos;
}

std::vector<std::string> make_ids(std::size_t n) {
  std::vector<std::string> ids;
  ids.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    ids.push_back(new_event_id());
  return ids;
}

TEST(UuidV7, LowerCase8x4x4x4x12WithVersion7AndVariant10) {
  for (const auto& id : make_ids(1000))
    EXPECT_TRUE(has_uuid_v7_shape(id)) << id;
  EXPECT_FALSE(has_uuid_v7_shape("0193a5d2-7c1e-4b3a-9f00-2a4c6e8d0b11"));  // version 4
  EXPECT_FALSE(has_uuid_v7_shape("0193a5d2-7c1e-7b3a-cf00-2a4c6e8d0b11"));  // variant 110
  EXPECT_FALSE(has_uuid_v7_shape("0193A5D2-7C1E-7B3A-9F00-2A4C6E8D0B11"));  // upper case
}

TEST(UuidV7, StartsWithTheCreationMillisecond) {
  // A fresh thread, so that no earlier burst has borrowed milliseconds ahead of the clock.
  std::int64_t before = 0, after = 0;
  std::string id;
  std::thread([&] {
    before = now_ms();
    id = new_event_id();
    after = now_ms();
  }).join();
  EXPECT_LE(before, millis_of(id));
  EXPECT_LE(millis_of(id), after);
}

TEST(UuidV7, StrictlyIncreasingWithinAThread) {
  const auto ids = make_ids(100'000);
  for (std::size_t i = 1; i < ids.size(); ++i) {
    ASSERT_LT(ids[i - 1], ids[i]) << "at " << i;
  }
}

TEST(UuidV7, CounterRolloverStaysCloseToTheClock) {
  // Each rollover borrows one millisecond; at least 2048 ids fit in one, so 100k ids in a
  // burst run at most ~49 ms ahead of the wall clock.
  std::string last;
  std::thread([&] { last = make_ids(100'000).back(); }).join();
  EXPECT_LE(millis_of(last), now_ms() + 100'000 / 2048 + 1);
}

TEST(UuidV7, UniqueAcrossThreads) {
  constexpr std::size_t kThreads = 4, kPerThread = 50'000;
  std::vector<std::vector<std::string>> batches(kThreads);
  std::vector<std::thread> threads;
  for (auto& batch : batches)
    threads.emplace_back([&batch] { batch = make_ids(kPerThread); });
  for (auto& t : threads)
    t.join();
  std::set<std::string> all;
  for (const auto& batch : batches) {
    for (std::size_t i = 1; i < batch.size(); ++i)
      ASSERT_LT(batch[i - 1], batch[i]);
    all.insert(batch.begin(), batch.end());
  }
  EXPECT_EQ(all.size(), kThreads * kPerThread);
}

TEST(UuidV7, ForkedChildDoesNotReplayTheParentsIds) {
  new_event_id();  // seed this thread's generator before the fork
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const std::string id = new_event_id();
    const bool written = write(pipe_fds[1], id.data(), id.size()) == 36;
    _exit(written ? 0 : 1);
  }
  const std::string parent_id = new_event_id();
  char child_id[36];
  const bool read_all = read(pipe_fds[0], child_id, sizeof child_id) == 36;
  int status = 0;
  waitpid(pid, &status, 0);
  close(pipe_fds[0]);
  close(pipe_fds[1]);
  ASSERT_TRUE(read_all);
  // The random tails differ: without a reseed they would be equal.
  EXPECT_NE(parent_id.substr(19), std::string(child_id + 19, 17));
}

}  // namespace
