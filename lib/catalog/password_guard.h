// Keeps a connection's password out of the catalog's error messages.
//
// Masking the password where it occurs is not enough: a password equal to
// the user or database name still shows beside its masked copy, and a
// short one ("e") turns every sentence into nonsense. So a message that
// could show the password is not edited but replaced whole by a fixed
// sentence of dsh's own, followed by the most precise place that cannot
// show it. Whatever decides the kind of a failure must look at the
// original text, before this.
#ifndef DSH_LIB_CATALOG_PASSWORD_GUARD_H_
#define DSH_LIB_CATALOG_PASSWORD_GUARD_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "dsh/catalog.h"

namespace dsh {
namespace catalog_internal {

class PasswordGuard {
 public:
  // Guards `settings.password`; an empty password guards nothing. The
  // place is host:port/database, else host:port, else nothing, whichever
  // is the first that cannot show the password.
  explicit PasswordGuard(const ConnectionSettings& settings);

  // True when `text` may show the password: it holds it ignoring ASCII
  // case, as given or as libpq's connection strings, SQL literals, SQL
  // identifiers or C escapes spell it.
  bool Shows(std::string_view text) const;

  // `fixed` followed by the place in parentheses.
  std::string Fixed(std::string_view fixed) const;

  // `status` when its message cannot show the password; otherwise a
  // status of the same code whose message is Fixed(fixed). Payloads are
  // dropped with the message.
  absl::Status Screen(const absl::Status& status, std::string_view fixed) const;

  // Screen with the fixed sentence of `status`'s code for a failed catalog
  // read or a table's answer.
  absl::Status ScreenRead(const absl::Status& status) const;

 private:
  std::vector<std::string> spellings_;  // Lower case.
  std::string place_;
};

// The fixed sentence for a failed connection attempt of `code`.
std::string_view FixedConnectMessage(absl::StatusCode code);

// The fixed sentence for a failed catalog read, or a table's answer, of
// `code`.
std::string_view FixedReadMessage(absl::StatusCode code);

}  // namespace catalog_internal
}  // namespace dsh

#endif  // DSH_LIB_CATALOG_PASSWORD_GUARD_H_
