// eventbus-bench: the pressure-level comparison of the bus over Kafka, NATS JetStream and the
// in-process transport, with raw nats.c / librdkafka baselines in the same process.
//
//   eventbus-bench --levels standard --transports kafka,nats,memory
//       --nats-url nats://127.0.0.1:4222 --kafka-brokers 127.0.0.1:9092 --out DIR
//
// Prints the report table, writes report.json, report.md and chart.svg into --out, and exits 1
// when a message was lost or reordered or a thread leaked (2 on bad arguments).
//
//   eventbus-bench --soak 10m --rate 2000 --transports nats --nats-url ... --out DIR
//
// instead publishes at a fixed rate for that long per transport and judges memory, threads,
// loss and order over time (soak_main.hpp); DIR/<transport>.json per run.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "bus_runner.hpp"
#include "environment.hpp"
#include "eventbus/config.hpp"
#include "raw_runners.hpp"
#include "report_rows.hpp"
#include "reports.hpp"
#include "soak_main.hpp"

namespace eb = eventbus::bench;

namespace {

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    out.push_back(text.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

// Checks what the options cannot check one by one; returns the complaint or "".
std::string check(eb::Settings& s, const std::string& levels, const std::string& transports) {
  std::string error;
  s.levels = eb::parse_levels(levels, error);
  if (!error.empty()) return error;
  s.transports.clear();
  for (const char* known : {"kafka", "nats", "memory"}) {  // the report's column order
    for (const auto& t : split(transports))
      if (t == known) s.transports.push_back(t);
  }
  for (const auto& t : split(transports)) {
    if (t != "kafka" && t != "nats" && t != "memory") return "unknown transport '" + t + "'";
  }
  if (s.transports.empty()) return "no transports given";
  if (s.wants("nats") && s.nats_url.empty()) {
    return "the nats transport needs --nats-url or EVENTBUS_NATS_URL (scripts/bench.sh starts "
           "a server)";
  }
  if (s.wants("kafka") && s.kafka_brokers.empty()) {
    return "the kafka transport needs --kafka-brokers or EVENTBUS_KAFKA_BROKERS "
           "(scripts/bench.sh starts a broker)";
  }
  return "";
}

void note(const eb::RunMetrics& m) {
  std::fprintf(stderr, "  %-6s %-3s %-8s %8llu msgs  %10s msg/s  %s\n", m.transport.c_str(),
               m.client.c_str(), m.level.c_str(), static_cast<unsigned long long>(m.messages),
               eb::with_commas(m.throughput).c_str(), m.error.empty() ? "" : m.error.c_str());
}

// The process id too: concurrent invocations (soak.sh --parallel) must not share topic names.
std::string next_run_id() {
  static unsigned counter = 0;
  char id[48];
  std::snprintf(id, sizeof id, "%llx-%d-%u", static_cast<unsigned long long>(std::time(nullptr)),
                static_cast<int>(getpid()), counter++);
  return id;
}

// One transport's runs of one level: the raw client first (when baselines are on), then the bus.
void run_transport(eb::Results& results, eb::RunContext context, const std::string& transport,
                   const eb::Level& level, std::size_t repeat) {
  const eb::Settings& settings = context.settings;
  if (settings.baselines && transport != "memory") {
    results.runs.push_back(transport == "nats" ? eb::run_raw_nats(context, level, repeat)
                                               : eb::run_raw_kafka(context, level, repeat));
    note(results.runs.back());
    context.run_id = next_run_id();
  }
  results.runs.push_back(eb::run_bus(context, transport, level, repeat));
  note(results.runs.back());
}

eb::Results run_all(const eb::Settings& settings) {
  eb::ProcessSampler sampler;  // the benchmark's own thread, running for the whole invocation
  sampler.start();
  eb::ThreadLedger ledger;  // idle count taken with the sampler running
  eb::Results results{
      settings, eb::collect_environment(settings), eb::collect_configuration(settings), {}};
  if (settings.prime) {
    // Unmeasured for the tables (a cold broker JVM or file store would weigh on whichever
    // run came first) but kept in the JSON and judged for loss, order and leaks like any run.
    for (const auto& transport : settings.transports)
      run_transport(results, {settings, sampler, ledger, next_run_id()}, transport, {"prime", 500},
                    0);
  }
  for (const auto& level : settings.levels) {
    for (std::size_t repeat = 0; repeat < settings.repeats; ++repeat) {
      for (const auto& transport : settings.transports)
        run_transport(results, {settings, sampler, ledger, next_run_id()}, transport, level,
                      repeat);
    }
  }
  results.environment.emplace_back("load_at_end", eb::load_average());
  sampler.stop();
  return results;
}

bool write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"eventbus-bench: Kafka vs NATS vs memory under four pressure levels"};
  eb::Settings s;
  std::string levels = "standard", transports = "kafka,nats,memory", progress = "auto";
  bool memory_only = false, no_baselines = false, no_prime = false;
  int idle_seconds = 30, warmup_seconds = 60;
  std::vector<std::string> notes;
  s.nats_url = env_or("EVENTBUS_NATS_URL", "");
  s.kafka_brokers = env_or("EVENTBUS_KAFKA_BROKERS", "");
  app.add_option("--levels", levels,
                 "low,medium,high,extreme (= standard), 100k, 1m, or message counts")
      ->capture_default_str();
  app.add_option("--transports", transports, "any of kafka,nats,memory")->capture_default_str();
  app.add_flag("--memory-only", memory_only, "only the memory transport, no brokers");
  app.add_flag("--no-baselines", no_baselines, "skip the raw nats.c / librdkafka runs");
  app.add_flag("--no-prime", no_prime, "skip the unmeasured 500-message pass per transport");
  app.add_option("--repeats", s.repeats, "runs per level and transport (min/median/max)")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  app.add_option("--senders", s.senders, "sender threads")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--topics", s.topics, "topics (aggregate i -> topic i mod n)")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  app.add_option("--envelope-bytes", s.envelope_bytes, "approximate encoded envelope size")
      ->check(CLI::Range(0, 1 << 20))
      ->capture_default_str();
  app.add_option("--max-in-flight", s.max_in_flight, "publishes awaiting their ack, at most")
      ->check(CLI::Range(1, 1 << 20))
      ->capture_default_str();
  app.add_option("--nats-url", s.nats_url, "NATS server (default: $EVENTBUS_NATS_URL)");
  app.add_option("--kafka-brokers", s.kafka_brokers,
                 "Kafka bootstrap servers (default: $EVENTBUS_KAFKA_BROKERS)");
  app.add_option("--out", s.out_dir, "directory for report.json, report.md and chart.svg");
  app.add_option("--env", notes, "KEY=VALUE recorded in the report's environment (repeatable)");
  app.add_option("--idle-timeout", idle_seconds, "seconds without progress before giving up")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  app.add_option("--warmup-timeout", warmup_seconds,
                 "seconds for subscriptions to receive their first message")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  app.add_option("--progress", progress, "auto (when stderr is a terminal), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  std::string soak_duration, soak_warmup = "60s", soak_minute = "60s", soak_drain = "60s";
  app.add_option("--soak", soak_duration,
                 "soak instead of the levels: publish at --rate for this long (10m, 600s, 1h)");
  app.add_option("--rate", s.soak.rate, "soak: messages per second over all topics")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.add_option("--soak-warmup", soak_warmup, "soak: first part not judged for RSS and threads")
      ->capture_default_str();
  app.add_option("--soak-minute", soak_minute, "soak: length of one summary interval")
      ->capture_default_str();
  app.add_option("--soak-drain", soak_drain,
                 "soak: after the last send, give up when nothing moves this long")
      ->capture_default_str();
  app.add_option("--rss-tolerance", s.soak.rss_tolerance,
                 "soak: last measured minute's mean RSS vs the first's, as a fraction")
      ->check(CLI::Range(0.0, 10.0))
      ->capture_default_str();
  app.add_option("--thread-spread", s.soak.thread_spread,
                 "soak: allowed max - min threads over the measured minutes")
      ->capture_default_str();
  std::string config_file;
  app.add_option("--config", config_file,
                 "YAML configuration file the buses' options start from (the run sets transport, "
                 "group, brokers and topics)");
  CLI11_PARSE(app, argc, argv);

  if (!config_file.empty()) {
    try {
      s.base_options = eventbus::load_config_file(config_file).bus;
    } catch (const std::system_error& e) {
      std::fprintf(stderr, "eventbus-bench: --config: %s\n", e.what());
      return 2;
    }
    if (app.count("--max-in-flight") == 0) s.max_in_flight = s.base_options.publish.max_in_flight;
  }
  if (memory_only) transports = "memory";
  s.baselines = !no_baselines;
  s.prime = !no_prime;
  s.idle_timeout = std::chrono::seconds(idle_seconds);
  s.warmup_timeout = std::chrono::seconds(warmup_seconds);
  s.progress = progress == "always" || (progress == "auto" && eb::stderr_is_terminal());
  for (const auto& n : notes) {
    const auto eq = n.find('=');
    s.notes.emplace_back(n.substr(0, eq), eq == std::string::npos ? "" : n.substr(eq + 1));
  }
  if (const std::string error = check(s, levels, transports); !error.empty()) {
    std::fprintf(stderr, "eventbus-bench: %s\n", error.c_str());
    return 2;
  }
  if (!soak_duration.empty()) {
    const auto duration = eb::parse_duration(soak_duration);
    const auto warmup = eb::parse_duration(soak_warmup);
    const auto minute = eb::parse_duration(soak_minute);
    const auto drain = eb::parse_duration(soak_drain);
    if (!duration || !warmup || !minute || !drain) {
      std::fprintf(stderr,
                   "eventbus-bench: --soak, --soak-warmup, --soak-minute and "
                   "--soak-drain take a duration such as 10m, 90s or 1h\n");
      return 2;
    }
    s.soak.duration = *duration;
    s.soak.warmup = *warmup;
    s.soak.minute = *minute;
    s.soak.drain = *drain;
    s.idle_timeout = *drain;  // the bounded drain is the run's wait for its last messages
    return eb::run_soaks(s, next_run_id());
  }

  const eb::Results results = run_all(s);
  std::fputs(eb::terminal_report(results).c_str(), stdout);
  if (!s.out_dir.empty()) {
    const std::filesystem::path dir(s.out_dir);
    std::filesystem::create_directories(dir);
    const bool ok = write_file(dir / "report.json", eb::json_report(results)) &&
                    write_file(dir / "report.md", eb::markdown_report(results, "chart.svg")) &&
                    write_file(dir / "chart.svg", eb::svg_chart(results));
    if (!ok) {
      std::fprintf(stderr, "eventbus-bench: cannot write the report into %s\n", s.out_dir.c_str());
      return 1;
    }
    std::printf("\nreport: %s/{report.md, report.json, chart.svg}\n", s.out_dir.c_str());
  }
  return results.failures().empty() ? 0 : 1;
}
