#include "dsh/model.h"

#include "absl/strings/str_cat.h"

namespace dsh {

std::string_view TechnologyName(Technology technology) {
  switch (technology) {
    case Technology::kRedshift:
      return "redshift";
    case Technology::kPostgresql:
      return "postgresql";
  }
  return "unknown";
}

std::optional<Technology> ParseTechnology(std::string_view name) {
  if (name == "redshift") return Technology::kRedshift;
  if (name == "postgresql") return Technology::kPostgresql;
  return std::nullopt;
}

int DefaultPort(Technology technology) {
  return technology == Technology::kRedshift ? 5439 : 5432;
}

const UserFile* HandlerMetadata::CaBundle() const {
  for (const UserFile& file : user_files) {
    if (file.key_name == "ca") return &file;
  }
  return nullptr;
}

std::string ConnectionString::ToString() const {
  // An IPv6 literal is bracketed so that the port stays unambiguous.
  const bool ipv6 = host.find(':') != std::string::npos;
  return ipv6 ? absl::StrCat("[", host, "]:", port, "/", database)
              : absl::StrCat(host, ":", port, "/", database);
}

}  // namespace dsh
