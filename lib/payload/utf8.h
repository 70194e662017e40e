// UTF-8 validation shared by the JSON syntax scanner and the JSON writer.
#ifndef DSH_LIB_PAYLOAD_UTF8_H_
#define DSH_LIB_PAYLOAD_UTF8_H_

#include <cstddef>
#include <string_view>

namespace dsh::payload {

// The length (1 to 4) of the well-formed UTF-8 sequence that starts at
// `text[pos]`, or 0 when the bytes there are not one (a stray continuation
// byte, an overlong form, a surrogate, a code point above U+10FFFF, or a
// sequence cut short). `pos` must be less than `text.size()`.
inline std::size_t Utf8SequenceLength(std::string_view text, std::size_t pos) {
  const auto byte = [&](std::size_t i) {
    return static_cast<unsigned char>(text[i]);
  };
  const unsigned char lead = byte(pos);
  if (lead < 0x80) return 1;

  // The allowed range of the second byte depends on the lead byte; the
  // narrower ranges exclude overlong forms, surrogates and > U+10FFFF.
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (text.size() - pos < length) return 0;
  if (byte(pos + 1) < low || byte(pos + 1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (byte(pos + i) < 0x80 || byte(pos + i) > 0xBF) return 0;
  }
  return length;
}

}  // namespace dsh::payload

#endif  // DSH_LIB_PAYLOAD_UTF8_H_
