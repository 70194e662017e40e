// The governed type family of each remote type. docs/type-mapping.md is the
// same table in prose; keep the two in step.
#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "dsh/catalog.h"

namespace dsh {
namespace {

// Which technology prints a type name. A name printed by only one of them
// is, on the other, a user-defined type that happens to share the name.
enum class Where { kBoth, kRedshift, kPostgresql };

struct Entry {
  std::string_view name;  // Lower case, modifiers removed.
  std::string_view family;
  Where where;
};

// Names as pg_catalog.format_type prints them, their SQL spellings, and
// the names Redshift Spectrum uses for external columns.
constexpr Entry kTypes[] = {
    // Character types.
    {"character varying", "text", Where::kBoth},
    {"varchar", "text", Where::kBoth},
    {"character", "text", Where::kBoth},
    {"char", "text", Where::kBoth},
    {"bpchar", "text", Where::kBoth},
    {"text", "text", Where::kBoth},
    {"nvarchar", "text", Where::kRedshift},
    {"nchar", "text", Where::kRedshift},
    {"string", "text", Where::kRedshift},  // Spectrum.
    {"\"char\"", "text", Where::kPostgresql},
    {"name", "text", Where::kPostgresql},
    {"citext", "text", Where::kPostgresql},  // Extension.
    // Integers: 16 and 32 bits apart from 64 bits, which some consumers
    // cannot hold in a double.
    {"smallint", "integer", Where::kBoth},
    {"integer", "integer", Where::kBoth},
    {"int", "integer", Where::kBoth},
    {"int2", "integer", Where::kBoth},
    {"int4", "integer", Where::kBoth},
    {"tinyint", "integer", Where::kRedshift},  // Spectrum.
    {"bigint", "bigint", Where::kBoth},
    {"int8", "bigint", Where::kBoth},
    {"oid", "bigint", Where::kPostgresql},
    // Exact and approximate numbers.
    {"numeric", "decimal", Where::kBoth},
    {"decimal", "decimal", Where::kBoth},
    {"money", "decimal", Where::kPostgresql},
    {"real", "float", Where::kBoth},
    {"float4", "float", Where::kBoth},
    {"double precision", "float", Where::kBoth},
    {"float8", "float", Where::kBoth},
    {"float", "float", Where::kBoth},
    {"double", "float", Where::kRedshift},  // Spectrum.
    {"boolean", "boolean", Where::kBoth},
    {"bool", "boolean", Where::kBoth},
    // Dates and times.
    {"date", "date", Where::kBoth},
    {"time without time zone", "time", Where::kBoth},
    {"time", "time", Where::kBoth},
    {"time with time zone", "timetz", Where::kBoth},
    {"timetz", "timetz", Where::kBoth},
    {"timestamp without time zone", "timestamp", Where::kBoth},
    {"timestamp", "timestamp", Where::kBoth},
    {"timestamp with time zone", "timestamptz", Where::kBoth},
    {"timestamptz", "timestamptz", Where::kBoth},
    // Documents and binary data.
    {"json", "json", Where::kPostgresql},
    {"jsonb", "json", Where::kPostgresql},
    {"hstore", "json", Where::kPostgresql},  // Extension.
    {"super", "json", Where::kRedshift},
    {"bytea", "bytea", Where::kPostgresql},
    {"varbyte", "bytea", Where::kRedshift},
    {"varbinary", "bytea", Where::kRedshift},
    {"binary varying", "bytea", Where::kRedshift},
    {"uuid", "uuid", Where::kPostgresql},
    // Spatial types: PostGIS and Redshift share the names; the geometric
    // types built into PostgreSQL are planar shapes too.
    {"geometry", "geometry", Where::kBoth},
    {"geography", "geography", Where::kBoth},
    {"point", "geometry", Where::kPostgresql},
    {"line", "geometry", Where::kPostgresql},
    {"lseg", "geometry", Where::kPostgresql},
    {"box", "geometry", Where::kPostgresql},
    {"path", "geometry", Where::kPostgresql},
    {"polygon", "geometry", Where::kPostgresql},
    {"circle", "geometry", Where::kPostgresql},
    // Types read as their text form.
    {"hllsketch", "text", Where::kRedshift},
    {"xml", "text", Where::kPostgresql},
    {"inet", "text", Where::kPostgresql},
    {"cidr", "text", Where::kPostgresql},
    {"macaddr", "text", Where::kPostgresql},
    {"macaddr8", "text", Where::kPostgresql},
    {"bit", "text", Where::kPostgresql},
    {"bit varying", "text", Where::kPostgresql},
    {"varbit", "text", Where::kPostgresql},
    {"tsvector", "text", Where::kPostgresql},
    {"tsquery", "text", Where::kPostgresql},
    {"pg_lsn", "text", Where::kPostgresql},
    {"pg_snapshot", "text", Where::kPostgresql},
    {"txid_snapshot", "text", Where::kPostgresql},
    {"jsonpath", "text", Where::kPostgresql},
    {"int4range", "text", Where::kPostgresql},
    {"int8range", "text", Where::kPostgresql},
    {"numrange", "text", Where::kPostgresql},
    {"tsrange", "text", Where::kPostgresql},
    {"tstzrange", "text", Where::kPostgresql},
    {"daterange", "text", Where::kPostgresql},
    {"int4multirange", "text", Where::kPostgresql},
    {"int8multirange", "text", Where::kPostgresql},
    {"nummultirange", "text", Where::kPostgresql},
    {"tsmultirange", "text", Where::kPostgresql},
    {"tstzmultirange", "text", Where::kPostgresql},
    {"datemultirange", "text", Where::kPostgresql},
};

// Extension types, which PostgreSQL prints schema-qualified when their
// schema is not on the search path (the catalog reads with an empty one).
constexpr std::string_view kExtensionTypes[] = {"citext", "hstore", "geometry",
                                                "geography"};

bool AppliesTo(Where where, Technology technology) {
  switch (where) {
    case Where::kBoth:
      return true;
    case Where::kRedshift:
      return technology == Technology::kRedshift;
    case Where::kPostgresql:
      return technology == Technology::kPostgresql;
  }
  return false;
}

// The type name with modifiers removed, ASCII lower case, single spaces:
// "Timestamp(3) With  Time Zone" reads "timestamp with time zone".
std::string BaseName(std::string_view remote_type) {
  std::string name;
  int depth = 0;
  bool space = false;
  for (char c : remote_type) {
    if (c == '(') {
      ++depth;
    } else if (c == ')') {
      if (depth > 0) --depth;
    } else if (depth > 0) {
      continue;
    } else if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      space = !name.empty();
    } else {
      if (space) name += ' ';
      space = false;
      name += absl::ascii_tolower(static_cast<unsigned char>(c));
    }
  }
  return name;
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.substr(text.size() - suffix.size()) == suffix;
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

const Entry* Find(std::string_view name, Technology technology) {
  for (const Entry& entry : kTypes) {
    if (entry.name == name && AppliesTo(entry.where, technology)) {
      return &entry;
    }
  }
  return nullptr;
}

}  // namespace

TypeMapping MapRemoteType(Technology technology, std::string_view remote_type) {
  const std::string name = BaseName(remote_type);

  // "integer[]", "character varying(20)[]", "public.mood[][]".
  if (EndsWith(name, "[]")) return {"array", true};
  // Spectrum's nested types: array<int>, struct<a:int>, map<string,int>.
  if (technology == Technology::kRedshift) {
    if (StartsWith(name, "array<")) return {"array", true};
    if (StartsWith(name, "struct<") || StartsWith(name, "map<")) {
      return {"json", true};
    }
  }
  // "interval", "interval year to month", "interval day to second(3)".
  if (name == "interval" || StartsWith(name, "interval ")) {
    return {"interval", true};
  }

  if (const Entry* entry = Find(name, technology)) {
    return {std::string(entry->family), true};
  }

  const size_t dot = name.rfind('.');
  if (technology == Technology::kPostgresql && dot != std::string::npos &&
      name.find('"') == std::string::npos) {
    const std::string_view unqualified = std::string_view(name).substr(dot + 1);
    for (std::string_view extension : kExtensionTypes) {
      if (unqualified == extension) {
        return {std::string(Find(extension, technology)->family), true};
      }
    }
  }
  return {"text", false};
}

}  // namespace dsh
