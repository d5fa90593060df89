// SPDX-License-Identifier: Apache-2.0
// A payload given on the command line: JSON text, @FILE for a file's contents, or - for
// standard input; and the JSON check that names where a bad payload goes wrong.
#pragma once

#include <optional>
#include <string>

namespace eventbus::cli {

// The bytes `arg` stands for; nullopt with `error` naming the file when it cannot be read.
std::optional<std::string> read_payload(const std::string& arg, std::string& error);

// Empty when `text` is one JSON value; else what is wrong and at which byte.
std::string json_error(const std::string& text);

}  // namespace eventbus::cli
