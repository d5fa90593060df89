// SPDX-License-Identifier: Apache-2.0
#include "sample_envelope.hpp"

#include <stdexcept>

#include "eventbus/codec.hpp"

namespace eventbus::microbench {

Envelope sample_envelope() {
  Envelope e;
  e.event_id = new_event_id();
  e.aggregate_id = "order-20261203-000042";
  e.event_type = "OrderPlaced";
  e.event_version = 3;
  e.timestamp = Timestamp::now();  // nanosecond fraction: the longest timestamp there is
  e.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  e.correlation_id = "req-5f1c2d9e";
  e.tenant_id = 42;
  e.payload =
      R"({"order_id":"ord-20261203-000042","customer_id":"cust-7f3a9c","currency":"EUR",)"
      R"("total_cents":129900,"items":[{"sku":"SKU-1001","qty":2},{"sku":"SKU-2002","qty":1}],)"
      R"("shipping":{"method":"express","country":"DE"}})";
  return e;
}

std::string sample_wire_bytes() {
  std::string out;
  if (const ValidationError error = encode(sample_envelope(), out)) {
    throw std::logic_error("the sample envelope is invalid: " + error.detail);
  }
  return out;
}

}  // namespace eventbus::microbench
