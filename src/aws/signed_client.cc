#include "aws/signed_client.h"

#include <fmt/format.h>

#include <algorithm>
#include <random>
#include <thread>

namespace devenv::aws {
namespace {

double thread_random01() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

// Splits "https://host:port/base" into "https://host:port", the Host header ("host" or "host:port" when
// the port is not the scheme's default) and "/base".
void split_url(const std::string& url, std::string& scheme_host, std::string& host_header,
               std::string& base) {
  const auto scheme_end = url.find("://");
  const auto authority_start = scheme_end == std::string::npos ? 0 : scheme_end + 3;
  const auto path_start = url.find('/', authority_start);
  scheme_host = url.substr(0, path_start);
  base = path_start == std::string::npos ? "" : url.substr(path_start);
  std::string authority = url.substr(
      authority_start, path_start == std::string::npos ? std::string::npos : path_start - authority_start);
  std::transform(authority.begin(), authority.end(), authority.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  const bool https = url.starts_with("https://");
  for (const auto* suffix : {https ? ":443" : ":80"}) {
    if (authority.ends_with(suffix)) authority.resize(authority.size() - std::string_view(suffix).size());
  }
  host_header = authority;
}

}  // namespace

std::chrono::milliseconds backoff_delay(const signed_client_options& options, int attempt, double random01) {
  auto ceiling = options.initial_backoff;
  for (int i = 1; i < attempt && ceiling < options.max_backoff; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, options.max_backoff);
  const auto half = ceiling.count() / 2;
  return std::chrono::milliseconds(
      half + static_cast<long long>(random01 * static_cast<double>(ceiling.count() - half)));
}

bool is_retryable(const api_error& error) {
  if (error.http_status == 0) return error.kind == errc::unavailable || error.kind == errc::timeout;
  return error.http_status >= 500 || error.throttling();
}

signed_client::signed_client(const http::curl_client& http, std::shared_ptr<credentials_provider> credentials,
                             service_endpoint endpoint, signed_client_options options,
                             signed_client_effects effects)
    : http_(http),
      credentials_(std::move(credentials)),
      endpoint_(std::move(endpoint)),
      options_(std::move(options)),
      effects_(std::move(effects)) {
  if (!effects_.now) effects_.now = [] { return std::chrono::system_clock::now(); };
  if (!effects_.sleep) effects_.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  if (!effects_.random01) effects_.random01 = thread_random01;
  options_.max_attempts = std::max(options_.max_attempts, 1);
  split_url(endpoint_.url, scheme_host_, host_header_, base_path_);
}

aws_result<aws_response> signed_client::send(const aws_request& request) const {
  const signing_scope scope{endpoint_.region, endpoint_.signing_name};
  signing_request to_sign;
  to_sign.method = request.method;
  to_sign.host = host_header_;
  to_sign.path = base_path_ + (request.path.empty() ? "/" : request.path);
  to_sign.query = request.query;
  to_sign.headers = request.headers;
  to_sign.body = request.body;

  http::client_request out;
  out.method = request.method;
  out.url = scheme_host_ + to_sign.path;
  if (!request.query.empty()) out.url += "?" + canonical_query_string(request.query);
  out.body = request.body;
  out.timeout = options_.timeout;
  out.connect_timeout = options_.connect_timeout;
  out.tls = options_.tls;

  api_error last;
  for (int attempt = 1;; ++attempt) {
    const auto now = effects_.now();
    auto creds = credentials_->get(now);
    if (!creds) {
      api_error e;
      e.kind = creds.error().code;
      e.message = "AWS credentials: " + creds.error().message;
      return fail_aws(std::move(e));
    }
    // Signed per attempt: the time and, after a refresh, the credentials change.
    out.headers = sign(to_sign, *creds, scope, now).headers;
    auto answer = http_.perform(out);
    if (answer && answer->status >= 200 && answer->status < 300) {
      return aws_response{answer->status, std::move(answer->headers), std::move(answer->body), attempt};
    }
    if (answer) {
      std::string request_id(answer->header("x-amzn-requestid"));
      if (request_id.empty()) request_id = std::string(answer->header("x-amz-request-id"));
      last = parse_error_response(answer->status, answer->body, request_id);
    } else {
      last = api_error{};
      last.kind = answer.error().code;
      last.message = answer.error().message;
    }
    if (attempt >= options_.max_attempts || !is_retryable(last)) break;
    effects_.sleep(backoff_delay(options_, attempt, effects_.random01()));
  }
  return fail_aws(std::move(last));
}

aws_result<std::string> signed_client::query(std::string_view action, std::string_view version,
                                             const query_params& params) const {
  query_params form;
  form.reserve(params.size() + 2);
  form.emplace_back("Action", std::string(action));
  form.emplace_back("Version", std::string(version));
  form.insert(form.end(), params.begin(), params.end());
  aws_request request;
  request.method = "POST";
  request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  request.body = canonical_query_string(form);
  auto answer = send(request);
  if (!answer) return fail_aws(std::move(answer.error()));
  return std::move(answer->body);
}

}  // namespace devenv::aws
