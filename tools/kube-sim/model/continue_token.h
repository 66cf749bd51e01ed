// The opaque `continue` token of paginated LISTs: base64 of {"v":"meta.k8s.io/v1","rv":N,"start":[ns,name]},
// like kube-apiserver's (which holds the etcd key to resume after and the revision of the snapshot). Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "model/api_error.h"

namespace kubesim {

struct continue_position {
  std::uint64_t resource_version = 0;         // the snapshot the list pages through
  std::pair<std::string, std::string> after;  // (namespace, name) of the last item returned
};

std::string encode_continue(const continue_position& position);
// Anything that is not a token we wrote → 400 BadRequest "continue key is not valid: ...".
result<continue_position> decode_continue(std::string_view token);

}  // namespace kubesim
