// AWS Signature Version 4 (header form), as a pure function of the request, the credentials, the scope and
// the signing time. It follows botocore's SigV4Auth exactly (tests/aws compares byte for byte):
// - canonical URI: the path as sent on the wire, dot segments and empty segments removed, then every byte
//   except unreserved characters and '/' percent-encoded (so an already-encoded path is encoded twice, as
//   every service except S3 expects);
// - canonical query: the decoded parameters, each key and value percent-encoded (RFC 3986 unreserved kept),
//   sorted by encoded key then value;
// - signed headers: every given header except hop-by-hop ones and user-agent/expect/x-amzn-trace-id, names
//   lower-cased, values trimmed with inner whitespace runs collapsed, repeated names joined with ',';
//   host, x-amz-date and (with a session token) x-amz-security-token are added by sign();
// - payload: hex SHA-256 of the body, or the caller's x-amz-content-sha256 header when present.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/credentials.h"

namespace devenv::aws {

using header_list = std::vector<std::pair<std::string, std::string>>;

struct signing_request {
  std::string method = "GET";
  std::string host;        // Host header value: lower-case host, ":port" only when not the scheme's default
  std::string path = "/";  // as sent, percent-encoded
  std::vector<std::pair<std::string, std::string>> query;  // decoded names and values
  header_list headers;                                     // extra headers to sign and send
  std::string body;
};

struct signing_scope {
  std::string region;   // "eu-west-1"
  std::string service;  // signing name: "ec2", "rds", "dynamodb", "sts"
};

struct signed_headers {
  header_list headers;            // what to send: the request's headers plus host, x-amz-date,
                                  // x-amz-security-token and authorization
  std::string authorization;      // the Authorization header value
  std::string canonical_request;  // for diagnostics and tests (contains no secret)
  std::string string_to_sign;
};

// "20150830T123600Z".
std::string amz_date(time_point t);
// Lower-case hex SHA-256.
std::string sha256_hex(std::string_view data);
// RFC 3986 percent-encoding keeping A-Z a-z 0-9 - _ . ~ (and '/' when keep_slash).
std::string uri_encode(std::string_view s, bool keep_slash);
// Query string of decoded pairs in canonical (sorted, encoded) form; also the form body of Query requests.
std::string canonical_query_string(const std::vector<std::pair<std::string, std::string>>& query);
// Path with dot segments and repeated slashes removed (botocore's normalize_url_path).
std::string normalize_path(std::string_view path);

std::string canonical_request(const signing_request& request, std::string_view payload_hash,
                              const header_list& headers_to_sign);
std::string string_to_sign(time_point t, const signing_scope& scope, std::string_view canonical_request);
// kSigning = HMAC chain over "AWS4"+secret, date, region, service, "aws4_request" (raw 32 bytes).
std::string signing_key(std::string_view secret_access_key, time_point t, const signing_scope& scope);

// Signs `request` at time `t`.
signed_headers sign(const signing_request& request, const credentials& creds, const signing_scope& scope,
                    time_point t);

}  // namespace devenv::aws
