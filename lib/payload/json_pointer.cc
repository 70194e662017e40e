#include "payload/json_pointer.h"

#include "absl/strings/str_cat.h"
#include "model/absl_compat.h"

namespace dsh::payload {

std::string PointerChild(std::string_view parent, std::string_view key) {
  std::string out(parent);
  out.reserve(parent.size() + key.size() + 1);
  out.push_back('/');
  for (const char c : key) {
    if (c == '~') {
      out.append("~0");
    } else if (c == '/') {
      out.append("~1");
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string PointerChild(std::string_view parent, std::size_t index) {
  return absl::StrCat(AsAbsl(parent), "/", index);
}

}  // namespace dsh::payload
