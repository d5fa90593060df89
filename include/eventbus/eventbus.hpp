// SPDX-License-Identifier: Apache-2.0
/// @file
/// Everything a user of the library includes.
#pragma once

/// @namespace eventbus
/// Everything the library declares.

#include "eventbus/bus.hpp"
#include "eventbus/codec.hpp"
#include "eventbus/config.hpp"
#include "eventbus/dead_letters.hpp"
#include "eventbus/envelope.hpp"
#include "eventbus/error.hpp"
#include "eventbus/features.hpp"
#include "eventbus/inspection.hpp"
#include "eventbus/log.hpp"
#include "eventbus/message.hpp"
#include "eventbus/metrics.hpp"
#include "eventbus/options.hpp"
#include "eventbus/rate_limit.hpp"
#include "eventbus/reading.hpp"
#include "eventbus/stats.hpp"
#include "eventbus/subscription.hpp"
#include "eventbus/timestamp.hpp"
#include "eventbus/trace_context.hpp"
#include "eventbus/version.hpp"
