// How fast a create payload becomes a validated CreateRequest, side by side
// with the floor: simdjson parsing the same bytes into a DOM and nothing
// more. Reported in bytes per second and handlers per second.

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "benchmark/benchmark.h"
#include "payload/create_payload.h"
#include "simdjson.h"

namespace {

std::string PayloadWithHandlers(int count) {
  std::vector<std::string> handlers;
  for (int i = 0; i < count; ++i) {
    handlers.push_back(absl::StrCat(
        R"({"metadata": {"ssl": true, "userFiles": [], "port": 5439,)",
        R"( "hostname": "redshift.database.example.io", "database": "test",)",
        R"( "username": "user", "password": "secret", "schema": "army",)",
        R"( "table": "table_)", i, R"(", "bodataSchemaName": "army",)",
        R"( "bodataTableName": "table_)", i, R"(", "dataSourceName": "T )", i,
        R"(", "nativeViewName": "v", "nativeSchemaName": "s"}})"));
  }
  return absl::StrCat(
      R"({"handler": [)", absl::StrJoin(handlers, ","),
      R"(], "dataSource": {"blobHandler": {"scheme": "https", "url": ""},)",
      R"( "blobHandlerType": "Redshift", "recordFormat": "",)",
      R"( "type": "queryable"}})");
}

void BM_SimdjsonDomOnly(benchmark::State& state) {
  const std::string json =
      PayloadWithHandlers(static_cast<int>(state.range(0)));
  simdjson::dom::parser parser;
  for (auto _ : state) {
    simdjson::dom::element root;
    benchmark::DoNotOptimize(parser.parse(json).get(root));
  }
  state.SetBytesProcessed(state.iterations() * json.size());
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_ParseCreateRequest(benchmark::State& state) {
  const std::string json =
      PayloadWithHandlers(static_cast<int>(state.range(0)));
  dsh::payload::ParseOptions options;
  for (auto _ : state) {
    auto parsed = dsh::payload::ParseCreateRequest(json, options);
    if (!parsed.ok() || !parsed->problems.empty()) {
      state.SkipWithError("the benchmark payload does not validate");
      break;
    }
    benchmark::DoNotOptimize(parsed);
  }
  state.SetBytesProcessed(state.iterations() * json.size());
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

BENCHMARK(BM_SimdjsonDomOnly)->Arg(2)->Arg(100)->Arg(1000);
BENCHMARK(BM_ParseCreateRequest)->Arg(2)->Arg(100)->Arg(1000);

}  // namespace

BENCHMARK_MAIN();
