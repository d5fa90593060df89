// SPDX-License-Identifier: Apache-2.0
#include "transport/nats/jetstream_api.hpp"

#include "eventbus/error.hpp"
#include "transport/nats/nats_handles.hpp"

namespace eventbus::nats {

std::error_code ApiAnswer::error() const {
  if (status != NATS_OK) return make_error_code(errc::transport_error);
  if (err_code == 0) return {};
  // 503 "JetStream not enabled / temporarily unavailable" is the server's trouble, not ours.
  const int code = body.contains("error") ? body["error"].value("code", 0) : 0;
  return make_error_code(code == 503 ? errc::transport_error : errc::rejected);
}

JetStreamApi::JetStreamApi(const NatsConnection& connection, const std::string& domain)
    : connection_(connection), prefix_(domain.empty() ? "$JS.API." : "$JS." + domain + ".API.") {}

ApiAnswer JetStreamApi::request(std::string_view operation, const nlohmann::json& body,
                                std::chrono::milliseconds timeout) const {
  ApiAnswer answer;
  const std::string subject = this->subject(operation);
  const std::string payload = body.is_null() ? std::string() : body.dump();
  if (connection_.get() == nullptr) {
    answer.status = NATS_NOT_YET_CONNECTED;
    answer.text = "not connected to a server yet";
    return answer;
  }
  MessagePtr owned;
  // A request that close() cuts short returns at once: closing the connection wakes it.
  answer.status = connection_.request(subject, payload, timeout, owned);
  if (answer.status != NATS_OK) {
    answer.text = std::string(natsStatus_GetText(answer.status));
    if (answer.status == NATS_TIMEOUT) answer.text += " (no answer within the API timeout)";
    if (answer.status == NATS_NO_RESPONDERS) answer.text += " (JetStream is not enabled there)";
    return answer;
  }
  const char* data = natsMsg_GetData(owned.get());
  answer.body = nlohmann::json::parse(data, data + natsMsg_GetDataLength(owned.get()), nullptr,
                                      /*allow_exceptions=*/false);
  if (!answer.body.is_object()) {
    answer.err_code = -1;
    answer.text = "the server's answer is not a JSON object";
    return answer;
  }
  if (const auto error = answer.body.find("error"); error != answer.body.end()) {
    answer.err_code = error->value("err_code", -1);
    answer.text = error->value("description", std::string("JetStream error"));
    answer.text += " (JetStream error " + std::to_string(answer.err_code) + ")";
  }
  return answer;
}

}  // namespace eventbus::nats
