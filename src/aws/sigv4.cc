#include "aws/sigv4.h"

#include <date/date.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>

namespace devenv::aws {
namespace {

constexpr std::string_view hex_digits = "0123456789abcdef";

std::string to_hex(const unsigned char* data, std::size_t size) {
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += hex_digits[data[i] >> 4];
    out += hex_digits[data[i] & 0x0f];
  }
  return out;
}

std::string hmac(std::string_view key, std::string_view message) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), out.data(), &len);
  return std::string(reinterpret_cast<const char*>(out.data()), len);
}

bool unreserved(unsigned char c) {
  return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~';
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Trimall: leading/trailing whitespace dropped, inner runs collapsed to one space (Python's '
// '.join(split())).
std::string trim_all(std::string_view v) {
  std::string out;
  bool pending_space = false;
  for (unsigned char c : v) {
    if (std::isspace(c) != 0) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += static_cast<char>(c);
  }
  return out;
}

// Headers that proxies may change or that botocore never signs.
bool never_signed(std::string_view lower_name) {
  static constexpr std::array<std::string_view, 11> names = {"connection",
                                                             "expect",
                                                             "keep-alive",
                                                             "proxy-authenticate",
                                                             "proxy-authorization",
                                                             "te",
                                                             "trailer",
                                                             "transfer-encoding",
                                                             "upgrade",
                                                             "user-agent",
                                                             "x-amzn-trace-id"};
  return std::find(names.begin(), names.end(), lower_name) != names.end();
}

std::string date_stamp(time_point t) {
  return amz_date(t).substr(0, 8);
}

std::string credential_scope(time_point t, const signing_scope& scope) {
  return fmt::format("{}/{}/{}/aws4_request", date_stamp(t), scope.region, scope.service);
}

// name → values in order, names lower-cased and sorted.
std::map<std::string, std::vector<std::string>> signable(const header_list& headers) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& [name, value] : headers) {
    auto key = lower(trim_all(name));
    if (!never_signed(key)) out[key].push_back(value);
  }
  return out;
}

std::string signed_header_names(const std::map<std::string, std::vector<std::string>>& headers) {
  std::string out;
  for (const auto& [name, values] : headers) {
    if (!out.empty()) out += ';';
    out += name;
  }
  return out;
}

}  // namespace

std::string amz_date(time_point t) {
  return date::format("%Y%m%dT%H%M%SZ", date::floor<std::chrono::seconds>(t));
}

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr);
  return to_hex(out.data(), len);
}

std::string uri_encode(std::string_view s, bool keep_slash) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (unreserved(c) || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += static_cast<char>(std::toupper(hex_digits[c >> 4]));
      out += static_cast<char>(std::toupper(hex_digits[c & 0x0f]));
    }
  }
  return out;
}

std::string canonical_query_string(const std::vector<std::pair<std::string, std::string>>& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [k, v] : query) encoded.emplace_back(uri_encode(k, false), uri_encode(v, false));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [k, v] : encoded) {
    if (!out.empty()) out += '&';
    out += k;
    out += '=';
    out += v;
  }
  return out;
}

std::string normalize_path(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto end = std::min(path.find('/', start), path.size());
    const auto segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string out = path.front() == '/' ? "/" : "";
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out += '/';
    out += segments[i];
  }
  if (path.back() == '/' && !segments.empty()) out += '/';
  return out;
}

std::string canonical_request(const signing_request& request, std::string_view payload_hash,
                              const header_list& headers_to_sign) {
  const auto headers = signable(headers_to_sign);
  std::string out = lower(request.method);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
  out += '\n';
  out += uri_encode(normalize_path(request.path), true);
  out += '\n';
  out += canonical_query_string(request.query);
  out += '\n';
  for (const auto& [name, values] : headers) {
    out += name;
    out += ':';
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out += ',';
      out += trim_all(values[i]);
    }
    out += '\n';
  }
  out += '\n';
  out += signed_header_names(headers);
  out += '\n';
  out += payload_hash;
  return out;
}

std::string string_to_sign(time_point t, const signing_scope& scope, std::string_view canonical) {
  return fmt::format("AWS4-HMAC-SHA256\n{}\n{}\n{}", amz_date(t), credential_scope(t, scope),
                     sha256_hex(canonical));
}

std::string signing_key(std::string_view secret_access_key, time_point t, const signing_scope& scope) {
  const auto k_date = hmac("AWS4" + std::string(secret_access_key), date_stamp(t));
  const auto k_region = hmac(k_date, scope.region);
  const auto k_service = hmac(k_region, scope.service);
  return hmac(k_service, "aws4_request");
}

signed_headers sign(const signing_request& request, const credentials& creds, const signing_scope& scope,
                    time_point t) {
  signed_headers out;
  bool has_host = false;
  std::string payload_hash;
  for (const auto& [name, value] : request.headers) {
    const auto key = lower(name);
    // A caller's Authorization, X-Amz-Date or token from an earlier attempt is replaced, as botocore does.
    if (key == "authorization" || key == "x-amz-date" || key == "x-amz-security-token") continue;
    if (key == "host") has_host = true;
    if (key == "x-amz-content-sha256") payload_hash = value;
    out.headers.emplace_back(name, value);
  }
  if (!has_host) out.headers.emplace_back("host", request.host);
  out.headers.emplace_back("X-Amz-Date", amz_date(t));
  if (!creds.session_token.empty()) out.headers.emplace_back("X-Amz-Security-Token", creds.session_token);
  if (payload_hash.empty()) payload_hash = sha256_hex(request.body);

  out.canonical_request = canonical_request(request, payload_hash, out.headers);
  out.string_to_sign = string_to_sign(t, scope, out.canonical_request);
  const auto key = signing_key(creds.secret_access_key, t, scope);
  const auto signature = hmac(key, out.string_to_sign);
  out.authorization =
      fmt::format("AWS4-HMAC-SHA256 Credential={}/{}, SignedHeaders={}, Signature={}", creds.access_key_id,
                  credential_scope(t, scope), signed_header_names(signable(out.headers)),
                  to_hex(reinterpret_cast<const unsigned char*>(signature.data()), signature.size()));
  out.headers.emplace_back("Authorization", out.authorization);
  return out;
}

}  // namespace devenv::aws
