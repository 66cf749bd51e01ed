#include "model/continue_token.h"

#include <nlohmann/json.hpp>
#include <optional>

namespace kubesim {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_encode(std::string_view in) {
  std::string out;
  std::uint32_t buf = 0;
  int bits = 0;
  for (unsigned char c : in) {
    buf = (buf << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buf >> bits) & 0x3F];
    }
  }
  if (bits > 0) out += kAlphabet[(buf << (6 - bits)) & 0x3F];
  while (out.size() % 4 != 0) out += '=';
  return out;
}

std::optional<std::string> base64_decode(std::string_view in) {
  std::string out;
  std::uint32_t buf = 0;
  int bits = 0;
  std::size_t i = 0;
  for (; i < in.size() && in[i] != '='; ++i) {
    const char* p = std::char_traits<char>::find(kAlphabet, 64, in[i]);
    if (!p) return std::nullopt;
    buf = (buf << 6) | static_cast<std::uint32_t>(p - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buf >> bits) & 0xFF);
    }
  }
  for (; i < in.size(); ++i) {
    if (in[i] != '=') return std::nullopt;
  }
  return out;
}

}  // namespace

std::string encode_continue(const continue_position& position) {
  const nlohmann::json token = {{"v", "meta.k8s.io/v1"},
                                {"rv", position.resource_version},
                                {"start", {position.after.first, position.after.second}}};
  return base64_encode(token.dump());
}

result<continue_position> decode_continue(std::string_view token) {
  const auto invalid = [](std::string_view why) {
    return tl::unexpected(
        api_error::bad_request(std::string("continue key is not valid: ") + std::string(why)));
  };
  const auto raw = base64_decode(token);
  if (!raw) return invalid("illegal base64 data");
  try {
    const auto j = nlohmann::json::parse(*raw);
    if (!j.is_object() || j.value("v", "") != "meta.k8s.io/v1")
      return invalid("incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
    const auto& rv = j.at("rv");
    const auto& start = j.at("start");
    if (!rv.is_number_unsigned() || !start.is_array() || start.size() != 2 || !start[0].is_string() ||
        !start[1].is_string()) {
      return invalid("malformed token");
    }
    return continue_position{rv.get<std::uint64_t>(),
                             {start[0].get<std::string>(), start[1].get<std::string>()}};
  } catch (const nlohmann::json::exception& e) {
    return invalid(e.what());
  }
}

}  // namespace kubesim
