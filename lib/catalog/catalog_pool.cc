// Connection reuse over any CatalogConnector. Opening a PostgreSQL or
// Redshift connection costs a TCP handshake, often TLS, and a SCRAM
// exchange: several round trips, where a describe costs one. The pool
// keeps connections that went well and hands them out again for exactly
// the same settings.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dsh/catalog.h"

namespace dsh {
namespace {

using Clock = std::chrono::steady_clock;

// Every field of ConnectionSettings. A connection made with one password
// must never serve a request bearing another (that would let a wrong
// password borrow a logged-in session), and the timeouts are fixed when
// the session starts, so nothing may be left out. Add a field here when
// ConnectionSettings gains one.
using PoolKey =
    std::tuple<Technology, std::string, int, std::string, std::string,
               std::string, bool, std::string, int, int>;

PoolKey KeyOf(const ConnectionSettings& settings) {
  return {settings.technology,
          settings.host,
          settings.port,
          settings.database,
          settings.username,
          settings.password,
          settings.ssl,
          settings.ca_bundle_pem,
          settings.connect_timeout_seconds,
          settings.statement_timeout_ms};
}

// What the connector and every catalog it handed out share, so that either
// may outlive the other. Idle catalogs are closed outside the lock: closing
// a connection talks to the server.
class PoolState {
 public:
  PoolState(std::shared_ptr<CatalogConnector> connector,
            CatalogPoolOptions options)
      : connector_(std::move(connector)),
        max_idle_(std::max(0, options.max_idle_per_database)),
        max_age_(std::chrono::seconds(std::max(0, options.max_idle_seconds))) {}

  PoolState(const PoolState&) = delete;
  PoolState& operator=(const PoolState&) = delete;

  CatalogConnector* connector() const { return connector_.get(); }

  // The most recently parked connection for `key` that has not expired,
  // or null.
  std::unique_ptr<Catalog> TakeIdle(const PoolKey& key) {
    std::vector<std::unique_ptr<Catalog>> expired;
    std::unique_ptr<Catalog> taken;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const auto found = idle_.find(key);
      if (found == idle_.end()) return nullptr;
      std::deque<Idle>& parked = found->second;
      DropExpired(parked, Clock::now(), expired);
      if (!parked.empty()) {
        taken = std::move(parked.back().catalog);
        parked.pop_back();
      }
      if (parked.empty()) idle_.erase(found);
    }
    return taken;
  }

  // Parks `catalog` for `key`, or closes it when the pool is full for that
  // key or the connector is gone.
  void GiveBack(const PoolKey& key, std::unique_ptr<Catalog> catalog) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (closed_ || max_idle_ == 0 || max_age_.count() == 0) {
      lock.unlock();
      return;  // `catalog` closes here.
    }
    std::deque<Idle>& parked = idle_[key];
    if (parked.size() >= static_cast<size_t>(max_idle_)) {
      lock.unlock();
      return;
    }
    parked.push_back({std::move(catalog), Clock::now()});
    StartReaper();
    wake_.notify_all();
  }

  // The connector is being destroyed: closes every idle connection, stops
  // the reaper, and closes catalogs handed back later.
  void Shutdown() {
    std::map<PoolKey, std::deque<Idle>> idle;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
      idle.swap(idle_);
    }
    wake_.notify_all();
    if (reaper_.joinable()) reaper_.join();
  }

 private:
  struct Idle {
    std::unique_ptr<Catalog> catalog;
    Clock::time_point since;
  };

  // Moves the connections of `parked` idle since `now - max_age_` or
  // earlier into `expired`. `parked` is oldest first.
  void DropExpired(std::deque<Idle>& parked, Clock::time_point now,
                   std::vector<std::unique_ptr<Catalog>>& expired) const {
    while (!parked.empty() && parked.front().since + max_age_ <= now) {
      expired.push_back(std::move(parked.front().catalog));
      parked.pop_front();
    }
  }

  // Called with the lock held. Without the thread, connections still
  // expire, but only when their key is next asked for.
  void StartReaper() {
    if (reaper_started_) return;
    reaper_started_ = true;
    try {
      reaper_ = std::thread([this] { Reap(); });
    } catch (const std::system_error&) {
      // No thread to be had: expiry stays lazy.
    }
  }

  // Closes idle connections as they expire, so that an unused pool does
  // not hold sessions open on the server.
  void Reap() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!closed_) {
      const Clock::time_point now = Clock::now();
      std::vector<std::unique_ptr<Catalog>> expired;
      std::optional<Clock::time_point> next;
      for (auto it = idle_.begin(); it != idle_.end();) {
        DropExpired(it->second, now, expired);
        if (it->second.empty()) {
          it = idle_.erase(it);
          continue;
        }
        const Clock::time_point due = it->second.front().since + max_age_;
        if (!next || due < *next) next = due;
        ++it;
      }
      if (!expired.empty()) {
        lock.unlock();
        expired.clear();
        lock.lock();
        continue;
      }
      if (next) {
        wake_.wait_until(lock, *next);
      } else {
        wake_.wait(lock);
      }
    }
  }

  const std::shared_ptr<CatalogConnector> connector_;
  const int max_idle_;
  const Clock::duration max_age_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::map<PoolKey, std::deque<Idle>> idle_;
  bool closed_ = false;
  bool reaper_started_ = false;
  std::thread reaper_;
};

// A catalog on loan from the pool. It goes back when destroyed, unless a
// call failed with Unavailable: the connection is then in doubt.
class PooledCatalog : public Catalog {
 public:
  PooledCatalog(std::shared_ptr<PoolState> pool, ConnectionSettings settings,
                std::unique_ptr<Catalog> catalog, bool reused)
      : pool_(std::move(pool)),
        settings_(std::move(settings)),
        catalog_(std::move(catalog)),
        reused_(reused) {}

  ~PooledCatalog() override {
    if (!discard_) pool_->GiveBack(KeyOf(settings_), std::move(catalog_));
  }

  absl::StatusOr<std::vector<TableDescription>> DescribeTables(
      absl::Span<const TableRef> tables) override {
    return Call<std::vector<TableDescription>>(
        [tables](Catalog& catalog) { return catalog.DescribeTables(tables); });
  }

  absl::StatusOr<std::vector<TableRef>> ListTables(
      absl::Span<const std::string> schemas) override {
    return Call<std::vector<TableRef>>(
        [schemas](Catalog& catalog) { return catalog.ListTables(schemas); });
  }

 private:
  template <typename T, typename F>
  absl::StatusOr<T> Call(const F& call) {
    absl::StatusOr<T> result = call(*catalog_);
    const bool first_on_reused = reused_;
    reused_ = false;
    if (result.ok() || !absl::IsUnavailable(result.status())) return result;

    discard_ = true;
    if (!first_on_reused) return result;
    // A parked connection that the server closed meanwhile (a restart, an
    // idle timeout, an administrator): the caller never used it, so a new
    // connection answers in its place. Reads are safe to repeat.
    absl::StatusOr<std::unique_ptr<Catalog>> fresh =
        pool_->connector()->Connect(settings_);
    if (!fresh.ok()) return fresh.status();
    if (*fresh == nullptr) return result;
    catalog_ = *std::move(fresh);
    discard_ = false;
    result = call(*catalog_);
    if (!result.ok() && absl::IsUnavailable(result.status())) discard_ = true;
    return result;
  }

  const std::shared_ptr<PoolState> pool_;
  const ConnectionSettings settings_;
  std::unique_ptr<Catalog> catalog_;
  // Taken from the idle list and not yet called.
  bool reused_;
  bool discard_ = false;
};

class PooledCatalogConnector : public CatalogConnector {
 public:
  PooledCatalogConnector(std::shared_ptr<CatalogConnector> connector,
                         CatalogPoolOptions options)
      : state_(std::make_shared<PoolState>(std::move(connector), options)) {}

  ~PooledCatalogConnector() override { state_->Shutdown(); }

  absl::StatusOr<std::unique_ptr<Catalog>> Connect(
      const ConnectionSettings& settings) override {
    if (state_->connector() == nullptr) {
      return absl::FailedPreconditionError(
          "the pooled catalog connector was made without a connector");
    }
    std::unique_ptr<Catalog> catalog = state_->TakeIdle(KeyOf(settings));
    const bool reused = catalog != nullptr;
    if (!reused) {
      absl::StatusOr<std::unique_ptr<Catalog>> opened =
          state_->connector()->Connect(settings);
      if (!opened.ok()) return opened.status();
      if (*opened == nullptr) {
        return absl::InternalError(
            "a catalog connector returned no catalog and no error");
      }
      catalog = *std::move(opened);
    }
    return std::unique_ptr<Catalog>(
        new PooledCatalog(state_, settings, std::move(catalog), reused));
  }

 private:
  std::shared_ptr<PoolState> state_;
};

}  // namespace

std::shared_ptr<CatalogConnector> NewPooledCatalogConnector(
    std::shared_ptr<CatalogConnector> connector, CatalogPoolOptions options) {
  return std::make_shared<PooledCatalogConnector>(std::move(connector),
                                                  options);
}

}  // namespace dsh
