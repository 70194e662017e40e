// Checking the `hostname` of a handler: a host name or an IP literal, never
// a URL and never `host:port`.
#ifndef DSH_LIB_PAYLOAD_HOST_NAME_H_
#define DSH_LIB_PAYLOAD_HOST_NAME_H_

#include <optional>
#include <string>
#include <string_view>

namespace dsh::payload {

// What is wrong with `hostname`, as a problem message, or nullopt when it
// is acceptable: a DNS name (labels of letters, digits, `-` and `_`, one
// trailing dot allowed), a dotted-quad IPv4 address, or an IPv6 address
// with or without brackets. Surrounding white space is tolerated here; the
// registry trims it when it canonicalises the host.
std::optional<std::string> HostnameProblem(std::string_view hostname);

// A form of `hostname` under which two spellings of one host compare equal
// inside a request: trimmed, lower-cased, one trailing dot and IPv6
// brackets removed, an IPv6 address in a single form.
std::string HostComparisonForm(std::string_view hostname);

}  // namespace dsh::payload

#endif  // DSH_LIB_PAYLOAD_HOST_NAME_H_
