// Comparing a stored dictionary with the table as the catalog describes it
// now (spec section 6, refresh rules).
#ifndef DSH_LIB_REGISTRY_CHANGE_DETECTION_H_
#define DSH_LIB_REGISTRY_CHANGE_DETECTION_H_

#include <vector>

#include "dsh/model.h"

namespace dsh::registry {

struct DictionaryDiff {
  std::vector<Column> dictionary;  // What the data source keeps now.
  std::vector<ColumnChange> changes;
};

// Columns are matched by exact name. The result is in the table's order:
// a column the stored dictionary lacks, or whose remote type changed, is
// tagged New; other columns keep their stored tags; columns the table lost
// are left out. A renamed column is one removal and one addition.
DictionaryDiff DiffDictionaries(const std::vector<Column>& stored,
                                const std::vector<Column>& current);

}  // namespace dsh::registry

#endif  // DSH_LIB_REGISTRY_CHANGE_DETECTION_H_
