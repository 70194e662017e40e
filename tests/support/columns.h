// Dictionaries for tests, written as (name, remote type) pairs.
#ifndef DSH_TESTS_SUPPORT_COLUMNS_H_
#define DSH_TESTS_SUPPORT_COLUMNS_H_

#include <string>
#include <utility>
#include <vector>

#include "dsh/model.h"

namespace dsh::testing {

inline std::vector<Column> Columns(
    std::vector<std::pair<std::string, std::string>> names_and_types) {
  std::vector<Column> columns;
  for (auto& [name, type] : names_and_types) {
    Column column;
    column.name = std::move(name);
    column.remote_type = std::move(type);
    columns.push_back(std::move(column));
  }
  return columns;
}

}  // namespace dsh::testing

#endif  // DSH_TESTS_SUPPORT_COLUMNS_H_
