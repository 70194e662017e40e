// Name templates (`<Schema> <Tablename>`) and SQL-safe names.
#ifndef DSH_LIB_NAMING_NAME_TEMPLATE_H_
#define DSH_LIB_NAMING_NAME_TEMPLATE_H_

#include <string>
#include <string_view>
#include <vector>

#include "dsh/error.h"
#include "dsh/model.h"

namespace dsh::naming {

// The names a template may refer to, as the remote database stores them.
struct NameParts {
  std::string database;
  std::string schema;
  std::string table;
};

// Expands `<schema>`, `<tablename>`, `<database>` to the stored names and
// `<Schema>`, `<Tablename>`, `<Database>` to their title-cased form with
// underscores as spaces ("army_records" -> "Army Records"). Title case
// raises only an ASCII letter that begins a word and keeps every other
// byte, so "q3_ARR" -> "Q3 ARR", "2024_sales" -> "2024 Sales" and UTF-8 is
// never cut; a run of underscores or spaces becomes one space and none is
// left at either end. Unknown tokens and a stray `<` are copied as written
// (TemplateProblems reports them). See docs/naming.md.
std::string Expand(std::string_view format, const NameParts& parts);

// One problem per unknown `<token>` or unbalanced `<` in the templates of
// `evolution`, pointed at `/schemaEvolution/config/nameTemplate/<field>`.
std::vector<Problem> TemplateProblems(const SchemaEvolution& evolution);

// A SQL-safe name: lower-cased, every character outside [a-z0-9_] replaced
// by `_`, at most 255 bytes. A name that had to be shortened ends in a
// short hash of the whole input, so two long names that share a prefix do
// not collide. A multi-byte UTF-8 character becomes one `_`. The empty
// string becomes "_"; any other valid name comes back unchanged.
std::string SqlName(std::string_view raw);

// True when `name` is at most 255 characters of [a-z0-9_].
bool IsSqlName(std::string_view name);

}  // namespace dsh::naming

#endif  // DSH_LIB_NAMING_NAME_TEMPLATE_H_
