// The request and response values exchanged between the HTTP server and route handlers.
// Plain values; a response may instead stream its body (watches, long polls) through a stream_writer.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/net.h"

namespace devenv::http {

// Header names are compared case-insensitively; stored lower-cased.
using header_map = std::multimap<std::string, std::string>;
// Decoded query parameters (percent-decoding and '+' as space applied). Repeated keys keep every value.
using query_map = std::multimap<std::string, std::string>;

struct request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // raw request target, "/api/v1/x?y=z"
  std::string path;    // percent-decoded path without the query
  std::string
      raw_path;  // the path as sent (still percent-encoded): route on this, so "%2F" stays in its segment
  query_map query;
  header_map headers;
  std::string body;            // raw bytes, exactly as received (signatures are computed over this)
  std::string remote_address;  // peer IP
  bool tls = false;

  // First value of a header (name in any case), or "" when absent.
  std::string_view header(std::string_view name) const;
  // First value of a query parameter, or "" when absent.
  std::string_view query_param(std::string_view name) const;
  bool has_query_param(std::string_view name) const;
};

// Writes chunks of a streamed response. Each write completes when the chunk is handed to the socket.
class stream_writer {
 public:
  virtual ~stream_writer() = default;
  // Returns false once the client has gone or the server is shutting down; the stream should then end.
  virtual net::awaitable<bool> write(std::string chunk) = 0;
  // True when the server is draining: long-lived streams should end soon.
  virtual bool stopping() const = 0;
};

struct response {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // Content-Type goes here too
  std::string body;
  // When set, the body is streamed with chunked encoding instead of `body`.
  std::function<net::awaitable<void>(stream_writer&)> stream;

  response& header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  static response text(unsigned status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");
  static response json(unsigned status, std::string body);
};

using handler = std::function<net::awaitable<response>(request&)>;

// Percent-decoding for paths and query strings ("+" is a space only in queries). Invalid escapes are kept
// verbatim.
std::string percent_decode(std::string_view text, bool plus_is_space);
query_map parse_query(std::string_view query);

}  // namespace devenv::http
