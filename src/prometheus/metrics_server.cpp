// SPDX-License-Identifier: Apache-2.0
// MetricsServer on cpp-httplib: bind on the caller's thread (so a bad address throws there),
// serve from one listener thread and a fixed pool of workers.
#include "eventbus/metrics_server.hpp"

#include <httplib.h>
#include <sys/socket.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include "eventbus/error.hpp"

namespace eventbus {
namespace {

constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";
constexpr time_t kTimeoutSeconds = 1;  // keep-alive, read and write: bounds stop()

std::string host_port(const std::string& address, int port) {
  const bool v6 = address.find(':') != std::string::npos;
  return (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

}  // namespace

class MetricsServer::Impl {
 public:
  Impl(const MetricsRegistry& registry, MetricsServerOptions options)
      : registry_(registry), options_(std::move(options)) {
    std::string detail;
    if (std::error_code ec = options_.validate(&detail)) throw std::system_error(ec, detail);
    configure();
    errno = 0;
    const int port =
        options_.port == 0
            ? server_.bind_to_any_port(options_.address)
            : (server_.bind_to_port(options_.address, options_.port) ? options_.port : -1);
    if (port < 0) throw bind_error();
    port_ = static_cast<std::uint16_t>(port);
    listener_ = std::thread([this] { listen(); });
    // httplib's stop() does nothing before the listener runs, so wait for it to run.
    std::unique_lock lock(mutex_);
    state_changed_.wait(lock, [&] { return serving_ || listen_returned_; });
    if (!serving_) {
      lock.unlock();
      listener_.join();
      throw std::system_error(make_error_code(errc::transport_error),
                              "metrics server: listening on " + where() + " failed");
    }
  }

  ~Impl() { stop(); }

  void stop() {
    std::lock_guard stop_lock(stop_mutex_);  // concurrent stops: one joins, others wait
    server_.stop();
    if (listener_.joinable()) listener_.join();
  }

  std::uint16_t port() const noexcept { return port_; }
  std::string url() const { return "http://" + host_port(options_.address, port_) + options_.path; }

 private:
  std::string where() const {
    return host_port(options_.address, options_.port == 0 ? port_ : options_.port);
  }

  std::system_error bind_error() const {
    // httplib reports only failure; errno still holds bind()'s reason. Other values may be
    // left over from the resolver's file reads, so only bind's own reasons are trusted.
    const int error = errno;
    std::string what = "metrics server: cannot listen on " + where();
    if (error == EADDRINUSE || error == EACCES || error == EADDRNOTAVAIL) {
      return std::system_error(error, std::generic_category(), what);
    }
    return std::system_error(make_error_code(errc::invalid_option),
                             what + ": the host does not resolve to an address of this machine");
  }

  void configure() {
    // httplib's default adds SO_REUSEPORT, with which a second server (in this process or
    // another) binds the same port silently and scrapes land on either. SO_REUSEADDR alone
    // still allows a restart while old connections linger in TIME_WAIT.
    server_.set_socket_options([](socket_t sock) {
      int yes = 1;
      ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    server_.set_keep_alive_timeout(kTimeoutSeconds);
    server_.set_read_timeout(kTimeoutSeconds, 0);
    server_.set_write_timeout(kTimeoutSeconds, 0);
    // httplib calls this when its listener starts, after it counts as running.
    server_.new_task_queue = [this] {
      {
        std::lock_guard lock(mutex_);
        serving_ = true;
      }
      state_changed_.notify_all();
      return new httplib::ThreadPool(kWorkerThreads);
    };
    // One handler for every GET path: httplib matches patterns as regular expressions, and a
    // configured path is text, not a pattern.
    server_.Get(".*", [this](const httplib::Request& request, httplib::Response& response) {
      if (request.path != options_.path) {
        response.status = 404;
        response.set_content("not found; metrics are at " + options_.path + "\n", "text/plain");
        return;
      }
      response.set_content(registry_.text(), std::string(kContentType));
    });
  }

  void listen() {
    server_.listen_after_bind();
    {
      std::lock_guard lock(mutex_);
      listen_returned_ = true;
    }
    state_changed_.notify_all();
  }

  MetricsRegistry registry_;
  const MetricsServerOptions options_;
  httplib::Server server_;
  std::uint16_t port_ = 0;
  std::thread listener_;
  std::mutex mutex_;
  std::condition_variable state_changed_;
  bool serving_ = false;
  bool listen_returned_ = false;
  std::mutex stop_mutex_;
};

MetricsServer::MetricsServer(const MetricsRegistry& registry, MetricsServerOptions options)
    : impl_(std::make_unique<Impl>(registry, std::move(options))) {}
MetricsServer::~MetricsServer() = default;

std::uint16_t MetricsServer::port() const noexcept {
  return impl_->port();
}
std::string MetricsServer::url() const {
  return impl_->url();
}
void MetricsServer::stop() {
  impl_->stop();
}

}  // namespace eventbus
