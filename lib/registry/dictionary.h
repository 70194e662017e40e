// Turning a catalog description into a data dictionary: type mapping, the
// payload's column restriction, and the warnings they raise.
#ifndef DSH_LIB_REGISTRY_DICTIONARY_H_
#define DSH_LIB_REGISTRY_DICTIONARY_H_

#include <optional>
#include <string>
#include <vector>

#include "dsh/catalog.h"
#include "dsh/error.h"
#include "dsh/model.h"

namespace dsh::registry {

// A dictionary built from one table description.
struct BuiltDictionary {
  std::vector<Column> columns;
  std::vector<Warning> warnings;  // One per column of an unknown type.
  std::vector<Problem> problems;  // One per requested column not found.
};

// Maps each column the catalog could not type to its governed type and, when
// `wanted` is set, keeps only those columns (in table order). `pointer` is
// the JSON Pointer of the handler's metadata, for problems and warnings.
BuiltDictionary BuildDictionary(
    Technology technology, const TableDescription& table,
    const std::optional<std::vector<std::string>>& wanted,
    const std::string& pointer);

// `"schema"."table"`, quoted as SQL would, for messages.
std::string QuotedTableName(std::string_view schema, std::string_view table);

}  // namespace dsh::registry

#endif  // DSH_LIB_REGISTRY_DICTIONARY_H_
