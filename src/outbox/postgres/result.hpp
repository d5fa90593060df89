// SPDX-License-Identifier: Apache-2.0
// A PGresult owned (PQclear on destruction), with readers for the binary result format the
// relay asks for: integers arrive in network byte order, text and bytea as their bytes.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace eventbus::outbox::postgres {

class Result {
 public:
  Result() = default;
  explicit Result(PGresult* result) : result_(result) {}
  ~Result() { PQclear(result_); }
  Result(Result&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}
  Result& operator=(Result&& other) noexcept {
    std::swap(result_, other.result_);
    return *this;
  }
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;

  PGresult* get() const { return result_; }
  int rows() const { return result_ == nullptr ? 0 : PQntuples(result_); }
  bool is_null(int row, int column) const { return PQgetisnull(result_, row, column) != 0; }
  std::string_view bytes(int row, int column) const {
    return {PQgetvalue(result_, row, column),
            static_cast<std::size_t>(PQgetlength(result_, row, column))};
  }
  std::string text(int row, int column) const { return std::string(bytes(row, column)); }
  // Rows an INSERT, UPDATE or DELETE changed.
  std::int64_t affected() const;
  // An int2, int4 or int8 column of a binary result, or an integer column of a text result.
  std::int64_t integer(int row, int column) const;

 private:
  PGresult* result_ = nullptr;
};

}  // namespace eventbus::outbox::postgres
