// JSON Pointers (RFC 6901) naming the fields of a payload in problems and
// warnings.
#ifndef DSH_LIB_PAYLOAD_JSON_POINTER_H_
#define DSH_LIB_PAYLOAD_JSON_POINTER_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace dsh::payload {

// `parent` extended by the member `key`, with `~` written as `~0` and `/`
// as `~1` so that any key can be pointed at.
std::string PointerChild(std::string_view parent, std::string_view key);

// `parent` extended by the array index `index`.
std::string PointerChild(std::string_view parent, std::size_t index);

}  // namespace dsh::payload

#endif  // DSH_LIB_PAYLOAD_JSON_POINTER_H_
