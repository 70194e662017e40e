// Debian's Abseil is built with its own string_view and optional types
// (ABSL_OPTION_USE_STD_STRING_VIEW=0), so std::string_view does not convert
// to absl::string_view by itself. dsh speaks std::string_view everywhere and
// crosses over here.
#ifndef DSH_LIB_MODEL_ABSL_COMPAT_H_
#define DSH_LIB_MODEL_ABSL_COMPAT_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace dsh {

inline absl::string_view AsAbsl(std::string_view text) {
  return absl::string_view(text.data(), text.size());
}

inline std::string_view AsStd(absl::string_view text) {
  return std::string_view(text.data(), text.size());
}

}  // namespace dsh

#endif  // DSH_LIB_MODEL_ABSL_COMPAT_H_
