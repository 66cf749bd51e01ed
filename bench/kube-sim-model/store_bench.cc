// Throughput and memory of kube-sim's object store: creating 10,000 Deployments and LISTing 2,000 with and
// without a label selector, as a JSON tree (list) and as response text (list_serialized). RSS comes from
// /proc/self/status (VmRSS) and is reported as counters.
// Goals (issue): 10,000 objects in well under 100 MiB (aim 30 MiB); a LIST of 2,000 in milliseconds (aim 5
// ms).
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <string>

#include "model/store.h"

namespace kubesim {
namespace {

double rss_mib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;  // kB
  }
  return 0;
}

const resource_kind& kind(std::string_view resource) {
  for (const auto& k : builtin_kinds()) {
    if (k.resource == resource) return k;
  }
  std::abort();
}

// A Deployment shaped like the ones our environments run (labels, annotations, a realistic template).
json deployment(int i) {
  const std::string name = "app-" + std::to_string(i);
  const std::string tier = i % 2 ? "back" : "front";
  return {
      {"metadata",
       {{"name", name},
        {"labels", {{"app.kubernetes.io/name", name}, {"tier", tier}, {"team", "t" + std::to_string(i % 7)}}},
        {"annotations", {{"deployment.kubernetes.io/revision", "1"}, {"owner", "U0123456"}}}}},
      {"spec",
       {{"replicas", i % 4},
        {"selector", {{"matchLabels", {{"app.kubernetes.io/name", name}}}}},
        {"template",
         {{"metadata", {{"labels", {{"app.kubernetes.io/name", name}, {"tier", tier}}}}},
          {"spec",
           {{"containers",
             json::array({{{"name", "main"},
                           {"image", "ghcr.io/example/" + name + ":1.2.3"},
                           {"ports", json::array({{{"containerPort", 8080}, {"protocol", "TCP"}}})},
                           {"env", json::array({{{"name", "MODE"}, {"value", "dev"}}})},
                           {"resources", {{"requests", {{"cpu", "50m"}, {"memory", "64Mi"}}}}}}})}}}}}}}};
}

std::unique_ptr<store> make_store(int namespaces) {
  auto s = std::make_unique<store>(store_options{}, [] { return std::chrono::system_clock::time_point{}; });
  for (int n = 0; n < namespaces; ++n) {
    s->create(kind("namespaces"), "", json{{"metadata", {{"name", "dev" + std::to_string(n)}}}}, false)
        .value();
  }
  return s;
}

// Memory held by 10,000 live Deployments plus the watch history that references them: the VmRSS delta
// across creating them. Freed heap from earlier work would hide the growth, so it is handed back first.
void BM_HoldTenThousand(benchmark::State& state) {
  malloc_trim(0);
  const double before = rss_mib();
  auto s = make_store(10);
  for (int i = 0; i < 10000; ++i)
    s->create(kind("deployments"), "dev" + std::to_string(i % 10), deployment(i), false).value();
  const double held = rss_mib() - before;
  for (auto _ : state) benchmark::DoNotOptimize(s->object_count());
  state.counters["held_mib"] = held;
  state.counters["bytes_per_object"] = held * 1024 * 1024 / 10000;
  state.counters["json_bytes_per_object"] =
      static_cast<double>(s->get(kind("deployments"), "dev0", "app-0").value().dump().size());
  state.counters["rss_mib"] = rss_mib();
}
BENCHMARK(BM_HoldTenThousand)->Iterations(1);

void BM_Create10000(benchmark::State& state) {
  const auto& deployments = kind("deployments");
  double grown = 0;
  for (auto _ : state) {
    state.PauseTiming();
    malloc_trim(0);
    const double before = rss_mib();
    auto s = make_store(10);
    state.ResumeTiming();
    for (int i = 0; i < 10000; ++i) {
      auto r = s->create(deployments, "dev" + std::to_string(i % 10), deployment(i), false);
      benchmark::DoNotOptimize(r);
    }
    state.PauseTiming();
    grown = std::max(grown, rss_mib() - before);
    s.reset();
    state.ResumeTiming();
  }
  state.counters["objects_per_s"] =
      benchmark::Counter(10000.0 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["rss_growth_mib"] = grown;
  state.counters["rss_mib"] = rss_mib();
}
BENCHMARK(BM_Create10000)->Unit(benchmark::kMillisecond)->Iterations(3);

// 2,000 Deployments in dev0 (and 1,000 elsewhere): LIST dev0, with state.range(0) selecting a label
// selector, state.range(1) the form: 0 = list() (JSON tree, then dump() as the server does today),
// 1 = list_serialized() (response text directly).
void BM_List2000(benchmark::State& state) {
  const auto& deployments = kind("deployments");
  auto s = make_store(2);
  for (int i = 0; i < 2000; ++i) s->create(deployments, "dev0", deployment(i), false).value();
  for (int i = 2000; i < 3000; ++i)
    s->create(deployments, "dev1", deployment(i), false).value();  // other namespace
  list_options options;
  if (state.range(0) == 1) options.label_selector = "tier=front,team notin (t1,t2)";
  const bool serialized = state.range(1) == 1;
  std::size_t bytes = 0;
  for (auto _ : state) {
    if (serialized) {
      auto text = s->list_serialized(deployments, "dev0", options);
      bytes = text->size();
      benchmark::DoNotOptimize(text);
    } else {
      auto list = s->list(deployments, "dev0", options);
      auto text = list->dump();
      bytes = text.size();
      benchmark::DoNotOptimize(text);
    }
  }
  auto items = s->list(deployments, "dev0", options)->at("items").size();
  state.counters["items"] = static_cast<double>(items);
  state.counters["body_bytes"] = static_cast<double>(bytes);
  state.counters["rss_mib"] = rss_mib();
}
BENCHMARK(BM_List2000)
    ->ArgsProduct({{0, 1}, {0, 1}})
    ->ArgNames({"selector", "serialized"})
    ->Unit(benchmark::kMillisecond);

// The tree alone, without dump(): what callers of list() that need trees pay.
void BM_List2000Tree(benchmark::State& state) {
  const auto& deployments = kind("deployments");
  auto s = make_store(1);
  for (int i = 0; i < 2000; ++i) s->create(deployments, "dev0", deployment(i), false).value();
  for (auto _ : state) {
    auto list = s->list(deployments, "dev0", {});
    benchmark::DoNotOptimize(list);
  }
}
BENCHMARK(BM_List2000Tree)->Unit(benchmark::kMillisecond);

void BM_ListPage500(benchmark::State& state) {
  const auto& deployments = kind("deployments");
  auto s = make_store(1);
  for (int i = 0; i < 2000; ++i) s->create(deployments, "dev0", deployment(i), false).value();
  list_options options;
  options.limit = 500;
  const bool serialized = state.range(0) == 1;
  for (auto _ : state) {
    if (serialized) {
      auto text = s->list_serialized(deployments, "dev0", options);
      benchmark::DoNotOptimize(text);
    } else {
      auto text = s->list(deployments, "dev0", options)->dump();
      benchmark::DoNotOptimize(text);
    }
  }
}
BENCHMARK(BM_ListPage500)->Arg(0)->Arg(1)->ArgName("serialized")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace kubesim

BENCHMARK_MAIN();
