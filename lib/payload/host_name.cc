#include "payload/host_name.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstddef>

#include "absl/strings/ascii.h"
#include "model/absl_compat.h"

namespace dsh::payload {
namespace {

constexpr char kNotHost[] = "must be a host name or IP address";
constexpr char kNotUrl[] = "must be a host name or IP address, not a URL";
constexpr char kNoPort[] =
    "must be a host name or IP address without a port; give the port in "
    "\"port\"";

constexpr std::size_t kMaxHostName = 253;
constexpr std::size_t kMaxLabel = 63;

std::string_view Trim(std::string_view text) {
  return AsStd(absl::StripAsciiWhitespace(AsAbsl(text)));
}

// inet_pton reads a C string, so text with a NUL byte is refused first
// rather than cut short.
bool IsIpv6(std::string_view text) {
  if (text.find('\0') != std::string_view::npos) return false;
  const std::string copy(text);
  unsigned char address[16];
  return inet_pton(AF_INET6, copy.c_str(), address) == 1;
}

bool IsIpv4(std::string_view text) {
  if (text.find('\0') != std::string_view::npos) return false;
  const std::string copy(text);
  unsigned char address[4];
  return inet_pton(AF_INET, copy.c_str(), address) == 1;
}

bool AllDigits(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool IsLabel(std::string_view label) {
  if (label.empty() || label.size() > kMaxLabel) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  for (const char c : label) {
    const auto u = static_cast<unsigned char>(c);
    if (!absl::ascii_isalnum(u) && c != '-' && c != '_') return false;
  }
  return true;
}

bool IsDnsName(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty() || name.size() > kMaxHostName) return false;
  // A name made only of digits and dots is an IPv4 address or nothing.
  if (name.find_first_not_of("0123456789.") == std::string_view::npos) {
    return IsIpv4(name);
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = name.find('.', start);
    if (!IsLabel(name.substr(start, dot - start))) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// `[addr]:port` or `name:port`, the shapes people paste from URLs and
// connection strings.
bool HasPortSuffix(std::string_view host) {
  const std::size_t colon = host.rfind(':');
  if (colon == std::string_view::npos || !AllDigits(host.substr(colon + 1))) {
    return false;
  }
  const std::string_view before = host.substr(0, colon);
  if (before.size() >= 2 && before.front() == '[' && before.back() == ']') {
    return IsIpv6(before.substr(1, before.size() - 2));
  }
  return IsDnsName(before);
}

}  // namespace

std::optional<std::string> HostnameProblem(std::string_view hostname) {
  const std::string_view host = Trim(hostname);
  if (host.empty()) return "must not be empty";
  if (host.find("://") != std::string_view::npos) return kNotUrl;

  if (host.front() == '[') {
    if (host.back() == ']' && IsIpv6(host.substr(1, host.size() - 2))) {
      return std::nullopt;
    }
    return HasPortSuffix(host) ? kNoPort : kNotHost;
  }
  const std::size_t colons =
      static_cast<std::size_t>(std::count(host.begin(), host.end(), ':'));
  if (colons >= 2) {
    if (IsIpv6(host)) return std::nullopt;
    return kNotHost;
  }
  if (colons == 1) return HasPortSuffix(host) ? kNoPort : kNotHost;
  if (IsDnsName(host)) return std::nullopt;
  return kNotHost;
}

std::string HostComparisonForm(std::string_view hostname) {
  std::string_view host = Trim(hostname);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string copy(host);
  unsigned char address[16];
  if (IsIpv6(host) && inet_pton(AF_INET6, copy.c_str(), address) == 1) {
    char text[INET6_ADDRSTRLEN];
    if (inet_ntop(AF_INET6, address, text, sizeof(text)) != nullptr) {
      return text;
    }
  }
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  return absl::AsciiStrToLower(AsAbsl(host));
}

}  // namespace dsh::payload
