// SPDX-License-Identifier: Apache-2.0
// The median of a run's repeats (the mean of the middle two for an even count; 0 for none).
#pragma once

#include <algorithm>
#include <vector>

namespace eventbus::bench {

inline double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  if (n == 0) return 0;
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace eventbus::bench
