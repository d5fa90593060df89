// SPDX-License-Identifier: Apache-2.0
#include "soak_main.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "environment.hpp"
#include "soak_report.hpp"

namespace eventbus::bench {

int run_soaks(const Settings& settings, const std::string& run_id) {
  ProcessSampler sampler;  // the 10 ms peak sampler, as in a pressure run
  sampler.start();
  ThreadLedger ledger;
  int status = 0;
  for (const auto& transport : settings.transports) {
    Facts environment = collect_environment(settings);
    RunContext context{settings, sampler, ledger, run_id + "-" + transport};
    const SoakRun run = run_soak(context, transport);
    environment.emplace_back("load_at_end", load_average());
    std::printf("%s\n", soak_line(settings, run).c_str());
    std::fflush(stdout);
    if (!run.verdict.ok()) status = 1;
    if (settings.out_dir.empty()) continue;
    const std::filesystem::path dir(settings.out_dir);
    std::filesystem::create_directories(dir);
    std::ofstream out(dir / (transport + ".json"));
    out << soak_json(settings, environment, collect_configuration(settings), run);
    if (!out) {
      std::fprintf(stderr, "eventbus-bench: cannot write %s/%s.json\n", settings.out_dir.c_str(),
                   transport.c_str());
      status = 1;
    }
  }
  sampler.stop();
  return status;
}

}  // namespace eventbus::bench
