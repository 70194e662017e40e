// The decision UpdateHandlers makes before it writes anything, written once
// for every store: each store answers a few questions about what it holds
// (inside the transaction that will apply the updates), and this code
// decides whether the whole call may go ahead, so that the stores cannot
// disagree on which calls they refuse and with what words.
#ifndef DSH_LIB_STORE_UPDATE_CHECK_H_
#define DSH_LIB_STORE_UPDATE_CHECK_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "dsh/model.h"
#include "dsh/store.h"

namespace dsh::store {

// What a store holds for a handler that an update replaces.
struct StoredHandler {
  HandlerId id = 0;
  DataSourceId data_source_id = 0;
  std::string connection_string;
};

// The questions CheckHandlerUpdates asks. Every answer is about the store
// as it is before the call; an error ends the check with that error.
class UpdateLookups {
 public:
  virtual ~UpdateLookups() = default;

  // nullopt when there is no such handler.
  virtual absl::StatusOr<std::optional<StoredHandler>> Handler(
      HandlerId id) = 0;

  // The handlers whose connection string is `connection_string`, any order.
  virtual absl::StatusOr<std::vector<HandlerId>> HandlersOf(
      const std::string& connection_string) = 0;

  // The handler registered for `key`, if any.
  virtual absl::StatusOr<std::optional<HandlerId>> KeyHolder(
      const TableKey& key) = 0;

  // The data source called `name`, if any.
  virtual absl::StatusOr<std::optional<DataSourceId>> NameHolder(
      std::string_view name) = 0;

  // The data source with this SQL schema and table name, if any.
  virtual absl::StatusOr<std::optional<DataSourceId>> SqlNameHolder(
      std::string_view sql_schema_name, std::string_view sql_table_name) = 0;
};

// Decides whether `updates` may be applied, judging the state the store
// would be in afterwards: a table key or name is refused only when a
// handler or data source that keeps it, or another update of the call,
// would hold it too. So a handler may keep its own key and names, and two
// updates may swap keys or names.
//
// Returns what is stored for each update, in the order of `updates`, or:
// - InvalidArgument when a handler appears twice, or an id the update
//   carries (other than 0, which means "as stored") contradicts the
//   stored link between the handler and its data source;
// - Aborted when `whole_connection` is set and the updates do not cover
//   exactly the handlers whose connection string it is (a gone handler
//   counts as not covered, so a bulk change never says NotFound);
// - NotFound when, without `whole_connection`, a handler is gone;
// - AlreadyExists when a key or name would be held twice.
absl::StatusOr<std::vector<StoredHandler>> CheckHandlerUpdates(
    absl::Span<const HandlerUpdate> updates,
    const std::optional<std::string>& whole_connection, UpdateLookups& lookups);

}  // namespace dsh::store

#endif  // DSH_LIB_STORE_UPDATE_CHECK_H_
