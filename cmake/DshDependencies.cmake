# Every dependency comes from the operating system's packages. libpqxx 6.4
# ships no CMake package, so it is found through pkg-config.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(absl REQUIRED)
find_package(simdjson REQUIRED)
find_package(SQLite3 REQUIRED)
pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx>=6.4)

if(DSH_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(DSH_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()
