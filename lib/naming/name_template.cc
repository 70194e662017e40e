#include "naming/name_template.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "model/absl_compat.h"

namespace dsh::naming {
namespace {

constexpr std::size_t kMaxSqlName = 255;
constexpr std::size_t kHashDigits = 16;

// What each token of a template stands for.
struct TokenSpec {
  std::string_view text;
  std::string NameParts::*part;
  bool title_case;
};

constexpr TokenSpec kTokens[] = {
    {"<schema>", &NameParts::schema, false},
    {"<tablename>", &NameParts::table, false},
    {"<database>", &NameParts::database, false},
    {"<Schema>", &NameParts::schema, true},
    {"<Tablename>", &NameParts::table, true},
    {"<Database>", &NameParts::database, true},
};

constexpr std::string_view kKnownTokens =
    "<schema>, <tablename>, <database>, <Schema>, <Tablename>, <Database>";

const TokenSpec* FindToken(std::string_view text) {
  for (const TokenSpec& spec : kTokens) {
    if (spec.text == text) return &spec;
  }
  return nullptr;
}

// A stretch of a template. A `<` opens a token only when a `>` follows
// before the next `<`; otherwise it is a stray `<` and copied as text.
struct Piece {
  enum Kind { kText, kToken, kStrayOpen };
  Kind kind;
  std::string_view text;
  std::size_t offset;
};

std::vector<Piece> SplitTemplate(std::string_view format) {
  std::vector<Piece> pieces;
  std::size_t i = 0;
  while (i < format.size()) {
    const std::size_t open = format.find('<', i);
    if (open == std::string_view::npos) {
      pieces.push_back({Piece::kText, format.substr(i), i});
      break;
    }
    if (open > i)
      pieces.push_back({Piece::kText, format.substr(i, open - i), i});

    const std::size_t close = format.find_first_of("<>", open + 1);
    if (close == std::string_view::npos || format[close] == '<') {
      pieces.push_back({Piece::kStrayOpen, format.substr(open, 1), open});
      i = open + 1;
      continue;
    }
    pieces.push_back(
        {Piece::kToken, format.substr(open, close + 1 - open), open});
    i = close + 1;
  }
  return pieces;
}

// Underscores and spaces separate words; a run of them becomes one space
// and none is kept at either end. Only an ASCII letter that begins a word
// is raised: other bytes, including every byte of a multi-byte UTF-8
// character, are copied as they are, so no character is ever cut.
std::string TitleCase(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  bool word_start = true;
  bool pending_space = false;
  for (const char c : name) {
    if (c == '_' || c == ' ') {
      pending_space = !out.empty();
      word_start = true;
      continue;
    }
    if (pending_space) {
      out.push_back(' ');
      pending_space = false;
    }
    const bool lower = c >= 'a' && c <= 'z';
    out.push_back(word_start && lower ? static_cast<char>(c - 'a' + 'A') : c);
    word_start = false;
  }
  return out;
}

// 64-bit FNV-1a over the bytes of `text`. Written out here, rather than
// taken from absl::Hash, because absl seeds its hash per process and a SQL
// name must come out the same on every run and every machine.
std::uint64_t Fnv1a64(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ull;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

std::string Hex(std::uint64_t value) {
  constexpr char kDigits[] = "0123456789abcdef";
  std::string out(kHashDigits, '0');
  for (std::size_t i = kHashDigits; i > 0; --i) {
    out[i - 1] = kDigits[value & 0xf];
    value >>= 4;
  }
  return out;
}

// The number of bytes of the UTF-8 character that starts at `text[at]`, or
// 1 for a byte that does not start a well-formed one.
std::size_t Utf8Length(std::string_view text, std::size_t at) {
  const auto lead = static_cast<unsigned char>(text[at]);
  std::size_t length = 1;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
  }
  if (at + length > text.size()) return 1;
  for (std::size_t i = 1; i < length; ++i) {
    const auto next = static_cast<unsigned char>(text[at + i]);
    if (next < 0x80 || next > 0xbf) return 1;
  }
  return length;
}

// Lower-cases ASCII letters and writes one `_` for every other character
// outside [a-z0-9_], a multi-byte UTF-8 character counting as one.
std::string ReduceToSqlCharacters(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  std::size_t i = 0;
  while (i < raw.size()) {
    const char c = raw[i];
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') {
      out.push_back(c);
      ++i;
    } else if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
      ++i;
    } else {
      out.push_back('_');
      i += Utf8Length(raw, i);
    }
  }
  return out;
}

void AddProblems(std::string_view field, std::string_view format,
                 std::vector<Problem>& problems) {
  const std::string pointer =
      absl::StrCat("/schemaEvolution/config/nameTemplate/", AsAbsl(field));
  for (const Piece& piece : SplitTemplate(format)) {
    if (piece.kind == Piece::kStrayOpen) {
      problems.push_back(
          {pointer, absl::StrCat("stray \"<\" at byte ", piece.offset,
                                 " is not closed by \">\" before the next "
                                 "\"<\" or the end; known tokens are ",
                                 AsAbsl(kKnownTokens))});
    } else if (piece.kind == Piece::kToken &&
               FindToken(piece.text) == nullptr) {
      problems.push_back(
          {pointer, absl::StrCat("unknown token \"", AsAbsl(piece.text),
                                 "\" at byte ", piece.offset,
                                 "; known tokens are ", AsAbsl(kKnownTokens))});
    }
  }
}

}  // namespace

std::string Expand(std::string_view format, const NameParts& parts) {
  std::string out;
  for (const Piece& piece : SplitTemplate(format)) {
    const TokenSpec* spec =
        piece.kind == Piece::kToken ? FindToken(piece.text) : nullptr;
    if (spec == nullptr) {
      // Text, a stray `<` and an unknown token are all copied as written;
      // TemplateProblems is where the last two are refused.
      out.append(piece.text);
      continue;
    }
    const std::string& value = parts.*(spec->part);
    if (spec->title_case) {
      out.append(TitleCase(value));
    } else {
      out.append(value);
    }
  }
  return out;
}

std::vector<Problem> TemplateProblems(const SchemaEvolution& evolution) {
  const NameTemplate& names = evolution.name_template;
  std::vector<Problem> problems;
  AddProblems("nameFormat", names.name_format, problems);
  AddProblems("tableFormat", names.table_format, problems);
  AddProblems("sqlSchemaNameFormat", names.sql_schema_name_format, problems);
  AddProblems("schemaProjectNameFormat", names.schema_project_name_format,
              problems);
  return problems;
}

std::string SqlName(std::string_view raw) {
  std::string name = ReduceToSqlCharacters(raw);
  if (name.empty()) return "_";
  if (name.size() <= kMaxSqlName) return name;

  // The hash covers the whole raw input, so inputs that differ only past
  // the kept prefix, or only in characters that reduce to `_`, still differ.
  name.resize(kMaxSqlName - kHashDigits - 1);
  name.push_back('_');
  name.append(Hex(Fnv1a64(raw)));
  return name;
}

bool IsSqlName(std::string_view name) {
  if (name.size() > kMaxSqlName) return false;
  for (const char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return true;
}

}  // namespace dsh::naming
