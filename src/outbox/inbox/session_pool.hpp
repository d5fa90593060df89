// SPDX-License-Identifier: Apache-2.0
// The inbox stores' pool of sessions (a database connection each): a delivery takes an idle
// one or has a new one made, and gives it back when it drops the pointer, rolled back so
// nothing stays open for the next. A session given back after the store is gone is closed.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "eventbus/outbox/error.hpp"
#include "outbox/inbox/inbox_store.hpp"

namespace eventbus::outbox {

template <class Session>
class SessionPool {
 public:
  // Makes a connected session, or says why not.
  using Make = std::function<Error(std::unique_ptr<Session>&)>;

  // A session kept for the first delivery (the one the store migrated with).
  void keep(std::unique_ptr<Session> session) {
    std::lock_guard lock(shared_->mutex);
    shared_->idle.push_back(std::move(session));
  }

  Error acquire(const Make& make, std::shared_ptr<InboxSession>& out) {
    std::unique_ptr<Session> taken;
    {
      std::lock_guard lock(shared_->mutex);
      if (!shared_->idle.empty()) {
        taken = std::move(shared_->idle.back());
        shared_->idle.pop_back();
      }
    }
    if (!taken) {
      if (Error error = make(taken)) return error;
    }
    out = std::shared_ptr<InboxSession>(taken.release(),
                                        [weak = std::weak_ptr<Shared>(shared_)](InboxSession* s) {
                                          auto* own = static_cast<Session*>(s);
                                          own->rollback();
                                          if (auto shared = weak.lock()) {
                                            std::lock_guard lock(shared->mutex);
                                            shared->idle.emplace_back(own);
                                            return;
                                          }
                                          delete own;
                                        });
    return {};
  }

 private:
  struct Shared {
    std::mutex mutex;
    std::vector<std::unique_ptr<Session>> idle;
  };
  const std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
};

}  // namespace eventbus::outbox
