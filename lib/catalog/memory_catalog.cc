#include "dsh/memory_catalog.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <tuple>
#include <utility>

#include "catalog/password_guard.h"
#include "catalog/resolution.h"

namespace dsh {

namespace {

// What every connector and catalog made from one MemoryCatalogConnector
// share. Outside the connector's private State so that the catalog, which
// is no member of the connector, may name it.
struct Shared {
  struct Relation {
    TableRef name;
    std::vector<Column> columns;
    RelationKind kind;
  };
  using DatabaseKey = std::tuple<std::string, int, std::string>;

  static DatabaseKey KeyOf(const ConnectionString& database) {
    return {database.host, database.port, database.database};
  }

  std::mutex mutex;
  std::map<DatabaseKey, std::vector<Relation>> databases;
  absl::Status connect_failure;
  absl::Status describe_failure;
  absl::Status list_failure;
  int connect_calls = 0;
  int describe_calls = 0;
  int list_calls = 0;
  int open_catalogs = 0;
};

}  // namespace

struct MemoryCatalogConnector::State {
  Shared shared;
};

namespace {

class MemoryCatalog : public Catalog {
 public:
  using State = Shared;

  // Counts itself open; the caller holds the state's lock.
  MemoryCatalog(std::shared_ptr<State> state,
                const ConnectionSettings& settings)
      : state_(std::move(state)),
        database_{settings.host, settings.port, settings.database},
        guard_(settings) {
    ++state_->open_catalogs;
  }

  ~MemoryCatalog() override {
    std::lock_guard<std::mutex> lock(state_->mutex);
    --state_->open_catalogs;
  }

  absl::StatusOr<std::vector<TableDescription>> DescribeTables(
      absl::Span<const TableRef> tables) override {
    std::lock_guard<std::mutex> lock(state_->mutex);
    ++state_->describe_calls;
    if (!state_->describe_failure.ok()) return state_->describe_failure;

    static const std::vector<State::Relation> kNone;
    const auto found = state_->databases.find(State::KeyOf(database_));
    const std::vector<State::Relation>& relations =
        found == state_->databases.end() ? kNone : found->second;
    const std::string where = database_.ToString();

    std::vector<TableDescription> out;
    out.reserve(tables.size());
    for (const TableRef& requested : tables) {
      TableDescription description;
      description.requested = requested;
      std::vector<const State::Relation*> matches;
      std::vector<TableRef> names;
      for (const State::Relation& relation : relations) {
        if (catalog_internal::MatchesIgnoringAsciiCase(requested,
                                                       relation.name)) {
          matches.push_back(&relation);
          names.push_back(relation.name);
        }
      }
      absl::StatusOr<size_t> pick =
          catalog_internal::ResolveTable(requested, names, where);
      if (pick.ok()) {
        const State::Relation& relation = *matches[*pick];
        description.resolved = relation.name;
        description.kind = relation.kind;
        description.columns = relation.columns;
      } else {
        // A name the payload gave may equal the password.
        description.status = guard_.ScreenRead(pick.status());
      }
      out.push_back(std::move(description));
    }
    return out;
  }

  absl::StatusOr<std::vector<TableRef>> ListTables(
      absl::Span<const std::string> schemas) override {
    std::lock_guard<std::mutex> lock(state_->mutex);
    ++state_->list_calls;
    if (!state_->list_failure.ok()) return state_->list_failure;

    std::vector<TableRef> out;
    const auto found = state_->databases.find(State::KeyOf(database_));
    if (found == state_->databases.end()) return out;
    const std::set<std::string> wanted(schemas.begin(), schemas.end());
    for (const State::Relation& relation : found->second) {
      if (wanted.count(relation.name.schema) > 0) {
        out.push_back(relation.name);
      }
    }
    std::sort(out.begin(), out.end(), [](const TableRef& a, const TableRef& b) {
      return std::tie(a.schema, a.table) < std::tie(b.schema, b.table);
    });
    return out;
  }

 private:
  std::shared_ptr<State> state_;
  ConnectionString database_;
  const catalog_internal::PasswordGuard guard_;
};

}  // namespace

MemoryCatalogConnector::MemoryCatalogConnector()
    : state_(std::make_shared<State>()) {}

MemoryCatalogConnector::~MemoryCatalogConnector() = default;

void MemoryCatalogConnector::PutTable(const ConnectionString& database,
                                      const TableRef& name,
                                      std::vector<Column> columns,
                                      RelationKind kind) {
  std::lock_guard<std::mutex> lock(state_->shared.mutex);
  std::vector<Shared::Relation>& relations =
      state_->shared.databases[Shared::KeyOf(database)];
  for (Shared::Relation& relation : relations) {
    if (relation.name == name) {
      relation.columns = std::move(columns);
      relation.kind = kind;
      return;
    }
  }
  relations.push_back({name, std::move(columns), kind});
}

void MemoryCatalogConnector::DropTable(const ConnectionString& database,
                                       const TableRef& name) {
  std::lock_guard<std::mutex> lock(state_->shared.mutex);
  const auto found = state_->shared.databases.find(Shared::KeyOf(database));
  if (found == state_->shared.databases.end()) return;
  std::vector<Shared::Relation>& relations = found->second;
  for (auto it = relations.begin(); it != relations.end(); ++it) {
    if (it->name == name) {
      relations.erase(it);
      return;
    }
  }
}

void MemoryCatalogConnector::FailConnect(absl::Status status) {
  std::lock_guard<std::mutex> lock(state_->shared.mutex);
  state_->shared.connect_failure = std::move(status);
}

void MemoryCatalogConnector::FailDescribe(absl::Status status) {
  std::lock_guard<std::mutex> lock(state_->shared.mutex);
  state_->shared.describe_failure = std::move(status);
}

void MemoryCatalogConnector::FailList(absl::Status status) {
  std::lock_guard<std::mutex> lock(state_->shared.mutex);
  state_->shared.list_failure = std::move(status);
}

int MemoryCatalogConnector::connect_calls() const {
  std::lock_guard<std::mutex> lock(state_->shared.mutex);
  return state_->shared.connect_calls;
}

int MemoryCatalogConnector::describe_calls() const {
  std::lock_guard<std::mutex> lock(state_->shared.mutex);
  return state_->shared.describe_calls;
}

int MemoryCatalogConnector::list_calls() const {
  std::lock_guard<std::mutex> lock(state_->shared.mutex);
  return state_->shared.list_calls;
}

int MemoryCatalogConnector::open_catalogs() const {
  std::lock_guard<std::mutex> lock(state_->shared.mutex);
  return state_->shared.open_catalogs;
}

absl::StatusOr<std::unique_ptr<Catalog>> MemoryCatalogConnector::Connect(
    const ConnectionSettings& settings) {
  std::lock_guard<std::mutex> lock(state_->shared.mutex);
  ++state_->shared.connect_calls;
  if (!state_->shared.connect_failure.ok()) {
    return state_->shared.connect_failure;
  }
  // Shares ownership of the whole State while pointing at its shared part.
  std::shared_ptr<Shared> shared(state_, &state_->shared);
  return std::unique_ptr<Catalog>(
      new MemoryCatalog(std::move(shared), settings));
}

}  // namespace dsh
