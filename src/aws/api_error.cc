#include "aws/api_error.h"

#include <fmt/format.h>

#include <array>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

namespace devenv::aws {
namespace {

// The first element named `name` anywhere below `node` (EC2 and RDS nest <Error> differently).
pugi::xml_node find_descendant(pugi::xml_node node, const char* name) {
  return node.find_node([name](pugi::xml_node n) { return std::string_view(n.name()) == name; });
}

}  // namespace

bool is_throttling_code(std::string_view code) {
  static constexpr std::array<std::string_view, 13> codes = {"Throttling",
                                                             "ThrottlingException",
                                                             "ThrottledException",
                                                             "RequestThrottledException",
                                                             "TooManyRequestsException",
                                                             "ProvisionedThroughputExceededException",
                                                             "TransactionInProgressException",
                                                             "RequestLimitExceeded",
                                                             "BandwidthLimitExceeded",
                                                             "LimitExceededException",
                                                             "RequestThrottled",
                                                             "SlowDown",
                                                             "PriorRequestNotComplete"};
  for (const auto c : codes) {
    if (code == c) return true;
  }
  return code == "EC2ThrottledException";
}

errc classify(long http_status, std::string_view code) {
  if (is_throttling_code(code) || http_status == 429) return errc::too_many_requests;
  if (http_status >= 500 || http_status == 0) return errc::unavailable;
  if (code == "AuthFailure" || code == "SignatureDoesNotMatch" || code == "InvalidClientTokenId" ||
      code == "ExpiredToken" || code == "ExpiredTokenException" || code == "IncompleteSignature" ||
      code == "MissingAuthenticationToken" || code == "UnrecognizedClientException" ||
      code == "InvalidIdentityToken" || http_status == 401)
    return errc::unauthorized;
  if (code.starts_with("AccessDenied") || code == "UnauthorizedOperation" || http_status == 403)
    return errc::forbidden;
  if (code.ends_with("NotFound") || code.ends_with("NotFoundFault") || code == "ResourceNotFoundException" ||
      http_status == 404)
    return errc::not_found;
  if (code.starts_with("IncorrectInstanceState") || code.starts_with("InvalidDBInstanceState") ||
      code.starts_with("InvalidDBClusterState") || code == "ConditionalCheckFailedException" ||
      http_status == 409)
    return errc::conflict;
  return errc::invalid_argument;
}

bool api_error::throttling() const {
  return is_throttling_code(code) || http_status == 429;
}

std::string api_error::describe() const {
  std::string out;
  if (!code.empty()) out = code + ": ";
  out += message.empty() ? fmt::format("HTTP {}", http_status) : message;
  if (!request_id.empty()) out += fmt::format(" (request id {})", request_id);
  return out;
}

api_error parse_error_response(long http_status, std::string_view body, std::string_view request_id_header) {
  api_error out;
  out.http_status = http_status;
  out.request_id = std::string(request_id_header);
  const auto first = body.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && body[first] == '<') {
    pugi::xml_document doc;
    if (doc.load_buffer(body.data(), body.size())) {
      const auto error = find_descendant(doc, "Error");
      out.code = error.child("Code").text().as_string();
      out.message = error.child("Message").text().as_string();
      // EC2: <Response><RequestID>; RDS/STS: <ErrorResponse><RequestId>.
      for (const char* name : {"RequestID", "RequestId"}) {
        if (const auto id = find_descendant(doc, name); id && out.request_id.empty())
          out.request_id = id.text().as_string();
      }
    }
  } else if (first != std::string_view::npos && body[first] == '{') {
    try {
      const auto json = nlohmann::json::parse(body);
      if (json.is_object()) {
        auto type = json.value("__type", std::string());
        // JSON 1.0 types look like "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException".
        if (const auto hash = type.rfind('#'); hash != std::string::npos) type = type.substr(hash + 1);
        out.code = type;
        out.message = json.contains("message") ? json.value("message", std::string())
                                               : json.value("Message", std::string());
      }
    } catch (const nlohmann::json::exception&) {
      // not JSON after all: reported by status below
    }
  }
  if (out.message.empty() && out.code.empty()) out.message = fmt::format("HTTP {}", http_status);
  out.kind = classify(http_status, out.code);
  return out;
}

}  // namespace devenv::aws
