#include "payload/json_syntax.h"

#include <charconv>
#include <cstdint>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "model/absl_compat.h"
#include "payload/json_pointer.h"
#include "payload/json_writer.h"
#include "payload/utf8.h"

namespace dsh::payload {
namespace {

// Keys quoted in a duplicate-key message are cut to this many bytes so that
// a huge key cannot blow up an error body.
constexpr std::size_t kMaxQuotedKey = 100;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(std::string& out, std::uint32_t code_point) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

// True when the integer digits (no sign) exceed `limit`, both without
// leading zeros.
bool DigitsExceed(std::string_view digits, std::string_view limit) {
  if (digits.size() != limit.size()) return digits.size() > limit.size();
  return digits > limit;
}

// True when the decimal number `token` (valid JSON number syntax, with a
// fraction or exponent) is too large for a double. Called only when
// std::from_chars reports it out of range, which also happens on underflow;
// underflow reads as zero and is accepted, as simdjson does.
bool Overflows(std::string_view token) {
  std::size_t i = token[0] == '-' ? 1 : 0;
  // Decimal exponent of the first significant digit, before the explicit
  // exponent is added.
  std::int64_t magnitude = 0;
  const std::size_t int_start = i;
  while (i < token.size() && IsDigit(token[i])) ++i;
  const bool int_is_zero = token.substr(int_start, i - int_start) == "0";
  magnitude = static_cast<std::int64_t>(i - int_start) - 1;
  if (i < token.size() && token[i] == '.') {
    ++i;
    std::int64_t leading_zeros = 0;
    while (i < token.size() && token[i] == '0') {
      ++leading_zeros;
      ++i;
    }
    if (int_is_zero) magnitude = -(leading_zeros + 1);
    while (i < token.size() && IsDigit(token[i])) ++i;
  }
  std::int64_t exponent = 0;
  if (i < token.size() && (token[i] == 'e' || token[i] == 'E')) {
    ++i;
    bool negative = false;
    if (token[i] == '+' || token[i] == '-') negative = token[i++] == '-';
    for (; i < token.size(); ++i) {
      // Saturate: anything beyond this is far outside a double anyway.
      if (exponent < 1'000'000'000) exponent = exponent * 10 + (token[i] - '0');
    }
    if (negative) exponent = -exponent;
  }
  return magnitude + exponent >= 0;
}

class SyntaxScanner {
 public:
  explicit SyntaxScanner(std::string_view text) : text_(text) {}

  std::optional<JsonSyntaxError> Run() {
    SkipSpace();
    if (!Value(0)) return std::move(error_);
    SkipSpace();
    if (pos_ < text_.size()) {
      Fail(pos_, "unexpected data after the JSON value");
      return std::move(error_);
    }
    return std::nullopt;
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }

  void SkipSpace() {
    while (!AtEnd() && IsSpace(text_[pos_])) ++pos_;
  }

  bool Fail(std::size_t offset, std::string message) {
    error_ = JsonSyntaxError{offset, std::move(message)};
    return false;
  }

  // "expected <what>" at the current byte, or the end of input.
  bool Expected(std::string_view what) {
    if (AtEnd()) {
      return Fail(pos_, absl::StrCat("unexpected end of input; expected ",
                                     AsAbsl(what)));
    }
    return Fail(pos_, absl::StrCat("expected ", AsAbsl(what)));
  }

  bool Value(std::size_t level) {
    if (AtEnd()) return Expected("a value");
    if (level >= kMaxJsonDepth) {
      return Fail(
          pos_, absl::StrCat("nesting deeper than ", kMaxJsonDepth, " levels"));
    }
    switch (text_[pos_]) {
      case '{':
        return Object(level);
      case '[':
        return Array(level);
      case '"':
        return String(nullptr);
      case 't':
        return Literal("true");
      case 'f':
        return Literal("false");
      case 'n':
        return Literal("null");
      default:
        if (text_[pos_] == '-' || IsDigit(text_[pos_])) return Number();
        return Expected("a value");
    }
  }

  bool Object(std::size_t level) {
    ++pos_;  // '{'
    SkipSpace();
    if (!AtEnd() && text_[pos_] == '}') {
      ++pos_;
      return true;
    }
    absl::flat_hash_set<std::string> keys;
    while (true) {
      if (AtEnd() || text_[pos_] != '"') return Expected("a string key");
      const std::size_t key_offset = pos_;
      std::string key;
      if (!String(&key)) return false;
      if (!keys.insert(key).second) return DuplicateKey(key_offset, key);
      SkipSpace();
      if (AtEnd() || text_[pos_] != ':') return Expected("':' after a key");
      ++pos_;
      SkipSpace();
      path_.push_back(std::move(key));
      if (!Value(level + 1)) return false;
      path_.pop_back();
      SkipSpace();
      if (AtEnd()) return Expected("',' or '}'");
      if (text_[pos_] == '}') {
        ++pos_;
        return true;
      }
      if (text_[pos_] != ',') return Expected("',' or '}'");
      ++pos_;
      SkipSpace();
    }
  }

  bool Array(std::size_t level) {
    ++pos_;  // '['
    SkipSpace();
    if (!AtEnd() && text_[pos_] == ']') {
      ++pos_;
      return true;
    }
    for (std::size_t index = 0;; ++index) {
      path_.push_back(absl::StrCat(index));
      if (!Value(level + 1)) return false;
      path_.pop_back();
      SkipSpace();
      if (AtEnd()) return Expected("',' or ']'");
      if (text_[pos_] == ']') {
        ++pos_;
        return true;
      }
      if (text_[pos_] != ',') return Expected("',' or ']'");
      ++pos_;
      SkipSpace();
    }
  }

  bool DuplicateKey(std::size_t offset, std::string_view key) {
    std::string quoted;
    AppendJsonString(quoted, key.substr(0, kMaxQuotedKey));
    if (key.size() > kMaxQuotedKey) quoted.insert(quoted.size() - 1, "...");
    std::string where = "the top-level object";
    if (!path_.empty()) {
      std::string pointer;
      for (const std::string& token : path_) {
        pointer = PointerChild(pointer, token);
      }
      where = absl::StrCat("the object at ", pointer);
    }
    return Fail(offset, absl::StrCat("duplicate key ", quoted, " in ", where));
  }

  // Reads a string starting at the opening quote. `decoded`, when given,
  // receives its value with escapes resolved.
  bool String(std::string* decoded) {
    const std::size_t start = pos_;
    ++pos_;
    while (true) {
      if (AtEnd()) {
        return Fail(
            pos_, absl::StrCat("unterminated string starting at byte ", start));
      }
      const unsigned char c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c == '\\') {
        if (!Escape(decoded)) return false;
        continue;
      }
      if (c < 0x20) {
        return Fail(pos_,
                    absl::StrFormat("control character U+%04X in a string "
                                    "must be escaped",
                                    c));
      }
      const std::size_t length = Utf8SequenceLength(text_, pos_);
      if (length == 0) return Fail(pos_, "invalid UTF-8 in a string");
      if (decoded != nullptr) decoded->append(text_.substr(pos_, length));
      pos_ += length;
    }
  }

  // Reads the four hex digits after "\u" at `pos_`.
  bool HexQuad(std::size_t escape_offset, std::uint32_t* value) {
    *value = 0;
    for (int i = 0; i < 4; ++i, ++pos_) {
      const int digit = AtEnd() ? -1 : HexValue(text_[pos_]);
      if (digit < 0) {
        return AtEnd()
                   ? Fail(pos_, "unexpected end of input in a \\u escape")
                   : Fail(escape_offset, "a \\u escape needs four hex digits");
      }
      *value = *value * 16 + static_cast<std::uint32_t>(digit);
    }
    return true;
  }

  bool Escape(std::string* decoded) {
    const std::size_t escape_offset = pos_;
    ++pos_;
    if (AtEnd()) return Fail(pos_, "unexpected end of input in an escape");
    const char kind = text_[pos_++];
    char simple = 0;
    switch (kind) {
      case '"':
      case '\\':
      case '/':
        simple = kind;
        break;
      case 'b':
        simple = '\b';
        break;
      case 'f':
        simple = '\f';
        break;
      case 'n':
        simple = '\n';
        break;
      case 'r':
        simple = '\r';
        break;
      case 't':
        simple = '\t';
        break;
      case 'u':
        return UnicodeEscape(escape_offset, decoded);
      default:
        return Fail(escape_offset, "invalid escape sequence");
    }
    if (decoded != nullptr) decoded->push_back(simple);
    return true;
  }

  bool UnicodeEscape(std::size_t escape_offset, std::string* decoded) {
    std::uint32_t unit = 0;
    if (!HexQuad(escape_offset, &unit)) return false;
    if (unit >= 0xDC00 && unit <= 0xDFFF) {
      return Fail(escape_offset, "unpaired surrogate in a \\u escape");
    }
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      if (text_.substr(pos_, 2) != "\\u") {
        return Fail(escape_offset, "unpaired surrogate in a \\u escape");
      }
      const std::size_t low_offset = pos_;
      pos_ += 2;
      std::uint32_t low = 0;
      if (!HexQuad(low_offset, &low)) return false;
      if (low < 0xDC00 || low > 0xDFFF) {
        return Fail(escape_offset, "unpaired surrogate in a \\u escape");
      }
      unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
    }
    if (decoded != nullptr) AppendUtf8(*decoded, unit);
    return true;
  }

  bool Literal(std::string_view word) {
    for (const char expected : word) {
      if (AtEnd() || text_[pos_] != expected) {
        return Expected(absl::StrCat("the literal ", AsAbsl(word)));
      }
      ++pos_;
    }
    return true;
  }

  bool Digits(std::string_view where) {
    if (AtEnd() || !IsDigit(text_[pos_])) {
      return Expected(absl::StrCat("a digit ", AsAbsl(where)));
    }
    while (!AtEnd() && IsDigit(text_[pos_])) ++pos_;
    return true;
  }

  bool Number() {
    const std::size_t start = pos_;
    const bool negative = text_[pos_] == '-';
    if (negative) ++pos_;
    if (!AtEnd() && text_[pos_] == '0') {
      ++pos_;
      if (!AtEnd() && IsDigit(text_[pos_])) {
        return Fail(pos_, "a number must not have a leading zero");
      }
    } else if (!Digits(negative ? "after '-'" : "")) {
      return false;
    }
    bool integer = true;
    if (!AtEnd() && text_[pos_] == '.') {
      integer = false;
      ++pos_;
      if (!Digits("after '.'")) return false;
    }
    if (!AtEnd() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      integer = false;
      ++pos_;
      if (!AtEnd() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (!Digits("in the exponent")) return false;
    }
    return InRange(start, integer);
  }

  bool InRange(std::size_t start, bool integer) {
    const std::string_view token = text_.substr(start, pos_ - start);
    if (integer) {
      const bool negative = token[0] == '-';
      const std::string_view digits = negative ? token.substr(1) : token;
      const bool out_of_range =
          negative ? DigitsExceed(digits, "9223372036854775808")
                   : DigitsExceed(digits, "18446744073709551615");
      if (out_of_range) {
        return Fail(start, "integer out of the 64-bit range");
      }
      return true;
    }
    double value = 0;
    const auto result =
        std::from_chars(token.data(), token.data() + token.size(), value);
    if (result.ec == std::errc::result_out_of_range && Overflows(token)) {
      return Fail(start, "number too large for a double");
    }
    return true;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  // Pointer tokens of the containers around the current value, for
  // naming the object in a duplicate-key message.
  std::vector<std::string> path_;
  std::optional<JsonSyntaxError> error_;
};

}  // namespace

std::optional<JsonSyntaxError> FindJsonSyntaxError(std::string_view text) {
  return SyntaxScanner(text).Run();
}

}  // namespace dsh::payload
