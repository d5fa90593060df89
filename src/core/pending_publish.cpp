// SPDX-License-Identifier: Apache-2.0
#include "core/pending_publish.hpp"

namespace eventbus::core {

void PendingPublish::finish(std::unique_ptr<PendingPublish> self, std::error_code error,
                            const StoredAt& where, std::string_view detail) noexcept {
  const PublishResult result{error,        self->topic,     self->event_id, self->key,      detail,
                             where.stream, where.partition, where.offset,   self->tenant_id};
  self->tracker_->on_finished(*self, result);
}

}  // namespace eventbus::core
