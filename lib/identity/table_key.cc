#include "identity/table_key.h"

#include <arpa/inet.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "model/absl_compat.h"

namespace dsh::identity {
namespace {

// RFC 5952 text for a parsed IPv6 address. inet_pton parses, but the text
// is written here because the C libraries' inet_ntop disagree on embedded
// IPv4 (glibc writes "::1.2.3.4" where musl writes "::102:304"), and a key
// kept in a shared store must read the same on every machine.
std::string FormatIpv6(const unsigned char (&bytes)[16]) {
  unsigned groups[8];
  for (int i = 0; i < 8; ++i) {
    groups[i] = (static_cast<unsigned>(bytes[2 * i]) << 8) | bytes[2 * i + 1];
  }

  // An IPv4-mapped address ends in dotted decimal (RFC 5952 section 5).
  const bool mapped = groups[0] == 0 && groups[1] == 0 && groups[2] == 0 &&
                      groups[3] == 0 && groups[4] == 0 && groups[5] == 0xffff;
  if (mapped) {
    return absl::StrCat("::ffff:", int{bytes[12]}, ".", int{bytes[13]}, ".",
                        int{bytes[14]}, ".", int{bytes[15]});
  }

  // The longest run of two or more zero groups becomes "::"; the first such
  // run wins a tie.
  int best_start = -1;
  int best_length = 1;
  for (int i = 0; i < 8;) {
    if (groups[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && groups[j] == 0) ++j;
    if (j - i > best_length) {
      best_start = i;
      best_length = j - i;
    }
    i = j;
  }

  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == best_start) {
      out.append("::");
      i += best_length - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out.push_back(':');
    absl::StrAppend(&out, absl::Hex(groups[i]));
  }
  return out;
}

// The RFC 5952 form of an IPv6 literal, with an optional `%zone` kept as
// written; nullopt when `text` is not one.
std::optional<std::string> CanonicalIpv6(std::string_view text) {
  if (text.find(':') == std::string_view::npos) return std::nullopt;
  const std::size_t percent = text.find('%');
  const std::string address(text.substr(0, percent));
  // inet_pton reads up to the first NUL; the rest must not be dropped.
  if (address.find('\0') != std::string::npos) return std::nullopt;
  unsigned char bytes[16];
  if (inet_pton(AF_INET6, address.c_str(), bytes) != 1) return std::nullopt;

  std::string out = FormatIpv6(bytes);
  if (percent != std::string_view::npos) {
    const std::string_view zone = text.substr(percent + 1);
    if (zone.empty()) return std::nullopt;
    absl::StrAppend(&out, "%", AsAbsl(zone));
  }
  return out;
}

// Every step of CanonicalHost except the alias table.
std::string CanonicalSpelling(std::string_view host) {
  std::string_view text = AsStd(absl::StripAsciiWhitespace(AsAbsl(host)));
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    if (std::optional<std::string> ipv6 =
            CanonicalIpv6(text.substr(1, text.size() - 2))) {
      return *std::move(ipv6);
    }
  }
  if (std::optional<std::string> ipv6 = CanonicalIpv6(text)) {
    return *std::move(ipv6);
  }

  // A host name or an IPv4 literal. An IPv4 literal keeps its spelling:
  // "010.0.0.1" is 8.0.0.1 to inet_aton (which libpq's resolver follows)
  // and invalid to inet_pton, so rewriting it could change the host.
  std::string name = absl::AsciiStrToLower(AsAbsl(text));
  if (!name.empty() && name.back() == '.') name.pop_back();
  return name;
}

bool FoldsNames(Technology technology, const IdentityOptions& options) {
  return technology == Technology::kRedshift &&
         !options.case_sensitive_identifiers;
}

// Redshift folds only ASCII letters, so only those are lowered here.
std::string FoldName(Technology technology, const IdentityOptions& options,
                     std::string_view name) {
  if (!FoldsNames(technology, options)) return std::string(name);
  return absl::AsciiStrToLower(AsAbsl(name));
}

int PortOrDefault(Technology technology, int port) {
  return port == 0 ? DefaultPort(technology) : port;
}

}  // namespace

std::string CanonicalHost(std::string_view host,
                          const IdentityOptions& options) {
  std::string canonical = CanonicalSpelling(host);
  for (const auto& [alias, target] : options.host_aliases) {
    // One step only: an alias names the host it stands for, not another
    // alias, so a cycle in the table cannot loop.
    if (CanonicalSpelling(alias) == canonical) return CanonicalSpelling(target);
  }
  return canonical;
}

TableKey KeyFromPayload(Technology technology, const HandlerMetadata& handler,
                        const IdentityOptions& options) {
  TableKey key;
  key.family = technology;
  key.host = CanonicalHost(handler.hostname, options);
  key.port = PortOrDefault(technology, handler.port);
  key.database = FoldName(technology, options, handler.database);
  key.schema = FoldName(technology, options, handler.schema);
  key.table = FoldName(technology, options, handler.table);
  return key;
}

TableKey KeyFromCatalog(Technology technology, const HandlerMetadata& handler,
                        std::string_view schema, std::string_view table,
                        const IdentityOptions& options) {
  TableKey key;
  key.family = technology;
  key.host = CanonicalHost(handler.hostname, options);
  key.port = PortOrDefault(technology, handler.port);
  // The catalog names schema and table but not the database, which is
  // treated as the payload's key treats it so that both keys agree.
  key.database = FoldName(technology, options, handler.database);
  key.schema = std::string(schema);
  key.table = std::string(table);
  return key;
}

ConnectionString ConnectionOf(Technology technology,
                              const HandlerMetadata& handler,
                              const IdentityOptions& options) {
  ConnectionString connection;
  connection.host = CanonicalHost(handler.hostname, options);
  connection.port = PortOrDefault(technology, handler.port);
  connection.database = FoldName(technology, options, handler.database);
  return connection;
}

std::vector<Repeat> FindRepeats(absl::Span<const TableKey> keys) {
  std::vector<Repeat> repeats;
  absl::flat_hash_map<TableKey, std::size_t> first_seen;
  first_seen.reserve(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto [it, inserted] = first_seen.try_emplace(keys[i], i);
    if (!inserted) repeats.push_back({i, it->second});
  }
  return repeats;
}

}  // namespace dsh::identity
