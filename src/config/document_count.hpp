// SPDX-License-Identifier: Apache-2.0
// Counts the YAML documents of a text without building them, up to a limit.
#pragma once

#include <cstddef>
#include <string>

namespace eventbus::config {

// yaml-cpp 0.7's LoadAll never returns on some inputs (the fuzzer found "!,": every call of
// Parser::HandleNextDocument reports another empty document without consuming input), so the
// configuration loads the first document with Load and counts with this bounded loop instead.
// Throws YAML::Exception on a syntax error.
std::size_t count_documents(const std::string& text, std::size_t limit);

}  // namespace eventbus::config
