// Logging. The library never writes to stdout or stderr; a host that wants
// to see what dsh does installs a sink. A log line names the handler or
// table it is about and never holds a secret.
#ifndef DSH_LOG_H_
#define DSH_LOG_H_

#include <functional>
#include <string_view>
#include <utility>

#include "dsh/export.h"

namespace dsh {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

DSH_EXPORT std::string_view LogLevelName(LogLevel level);

using LogSink = std::function<void(LogLevel, std::string_view message)>;

// A sink with a threshold. Copyable; an empty Logger drops everything.
class DSH_EXPORT Logger {
 public:
  Logger() = default;
  Logger(LogSink sink, LogLevel min_level)
      : sink_(std::move(sink)), min_level_(min_level) {}

  bool Enabled(LogLevel level) const { return sink_ && level >= min_level_; }
  void Log(LogLevel level, std::string_view message) const {
    if (Enabled(level)) sink_(level, message);
  }

 private:
  LogSink sink_;
  LogLevel min_level_ = LogLevel::kWarning;
};

}  // namespace dsh

#endif  // DSH_LOG_H_
