// SPDX-License-Identifier: Apache-2.0
// validate() for a caller that has checked the payload's JSON already: decode() checks the
// whole document, payload included, so scanning the payload a second time would only cost.
#pragma once

#include "eventbus/envelope.hpp"

namespace eventbus::detail {

enum class PayloadJson { unchecked, checked };

// validate(), with the payload's JSON taken as valid when it is `checked` (it must still be
// there: an empty payload fails as in validate()).
ValidationError validate_envelope(const Envelope& envelope, PayloadJson payload);

}  // namespace eventbus::detail
