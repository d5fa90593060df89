// SPDX-License-Identifier: Apache-2.0
// ThreadSanitizer builds only. librdkafka uses C11 threads (thrd_create, mtx_*, cnd_*), which
// glibc (2.34+) implements by calling its internal pthread functions directly, past TSan's
// interceptors. TSan then knows neither librdkafka's threads (it crashed in their first
// allocation: a SEGV in getaddrinfo on a broker thread) nor its locks (it reported races on
// data librdkafka guards with them). Defining these functions in the executable interposes
// glibc's: each forwards to the pthread function TSan intercepts. In glibc, thrd_t is a
// pthread_t, and mtx_t, cnd_t and once_flag have the layout of pthread_mutex_t, pthread_cond_t and
// pthread_once_t.
#include <pthread.h>
#include <threads.h>

#include <cerrno>
#include <cstdint>

namespace {

int result(int rc) {
  switch (rc) {
    case 0:
      return thrd_success;
    case EBUSY:
      return thrd_busy;
    case ETIMEDOUT:
      return thrd_timedout;
    case ENOMEM:
    case EAGAIN:
      return thrd_nomem;
    default:
      return thrd_error;
  }
}

pthread_mutex_t* native(mtx_t* m) {
  return reinterpret_cast<pthread_mutex_t*>(m);
}
pthread_cond_t* native(cnd_t* c) {
  return reinterpret_cast<pthread_cond_t*>(c);
}

}  // namespace

extern "C" {

int thrd_create(thrd_t* thread, thrd_start_t start, void* arg) {
  // As glibc does: a thrd_start_t runs as a pthread start routine, its int result carried
  // in the void* that thrd_join gives back.
  return result(pthread_create(reinterpret_cast<pthread_t*>(thread), nullptr,
                               reinterpret_cast<void* (*)(void*)>(start), arg));
}

int thrd_join(thrd_t thread, int* res) {
  void* value = nullptr;
  const int rc = pthread_join(static_cast<pthread_t>(thread), &value);
  if (rc == 0 && res != nullptr) *res = static_cast<int>(reinterpret_cast<std::intptr_t>(value));
  return result(rc);
}

int thrd_detach(thrd_t thread) {
  return result(pthread_detach(static_cast<pthread_t>(thread)));
}

int mtx_init(mtx_t* m, int type) {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  if (type & mtx_recursive) pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
  const int rc = pthread_mutex_init(native(m), &attr);
  pthread_mutexattr_destroy(&attr);
  return result(rc);
}

int mtx_lock(mtx_t* m) {
  return result(pthread_mutex_lock(native(m)));
}

int mtx_trylock(mtx_t* m) {
  return result(pthread_mutex_trylock(native(m)));
}

int mtx_timedlock(mtx_t* m, const struct timespec* until) {
  return result(pthread_mutex_timedlock(native(m), until));
}

int mtx_unlock(mtx_t* m) {
  return result(pthread_mutex_unlock(native(m)));
}

void mtx_destroy(mtx_t* m) {
  pthread_mutex_destroy(native(m));
}

int cnd_init(cnd_t* c) {
  return result(pthread_cond_init(native(c), nullptr));
}

int cnd_signal(cnd_t* c) {
  return result(pthread_cond_signal(native(c)));
}

int cnd_broadcast(cnd_t* c) {
  return result(pthread_cond_broadcast(native(c)));
}

int cnd_wait(cnd_t* c, mtx_t* m) {
  return result(pthread_cond_wait(native(c), native(m)));
}

int cnd_timedwait(cnd_t* c, mtx_t* m, const struct timespec* until) {
  return result(pthread_cond_timedwait(native(c), native(m), until));
}

void cnd_destroy(cnd_t* c) {
  pthread_cond_destroy(native(c));
}

void call_once(once_flag* flag, void (*function)()) {
  pthread_once(reinterpret_cast<pthread_once_t*>(flag), function);
}

}  // extern "C"
