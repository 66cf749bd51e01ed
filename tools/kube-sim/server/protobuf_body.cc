#include "server/protobuf_body.h"

#include <cstdint>
#include <optional>
#include <string>

namespace kubesim {

using nlohmann::json;

namespace {

// A protobuf message read field by field: (number, wire type) then the value. Only the wire types the
// Kubernetes types use appear: varint (0), 64-bit (1), length-delimited (2), 32-bit (5).
class reader {
 public:
  explicit reader(std::string_view data) : data_(data) {}
  bool done() const { return position_ >= data_.size(); }

  std::optional<std::uint64_t> varint() {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (position_ >= data_.size()) return std::nullopt;
      const auto byte = static_cast<unsigned char>(data_[position_++]);
      value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    return std::nullopt;
  }

  struct field {
    std::uint32_t number = 0;
    unsigned wire = 0;
    std::string_view bytes;  // for length-delimited fields
  };

  // The next field, or nullopt when the data is malformed.
  std::optional<field> next() {
    const auto key = varint();
    if (!key) return std::nullopt;
    field f;
    f.number = static_cast<std::uint32_t>(*key >> 3);
    f.wire = static_cast<unsigned>(*key & 7);
    if (f.number == 0) return std::nullopt;
    switch (f.wire) {
      case 0:
        if (!varint()) return std::nullopt;
        return f;
      case 1:
        return skip(8) ? std::optional<field>(f) : std::nullopt;
      case 5:
        return skip(4) ? std::optional<field>(f) : std::nullopt;
      case 2: {
        const auto length = varint();
        if (!length || *length > data_.size() - position_) return std::nullopt;
        f.bytes = data_.substr(position_, static_cast<std::size_t>(*length));
        position_ += static_cast<std::size_t>(*length);
        return f;
      }
      default:
        return std::nullopt;
    }
  }

 private:
  bool skip(std::size_t n) {
    if (n > data_.size() - position_) return false;
    position_ += n;
    return true;
  }
  std::string_view data_;
  std::size_t position_ = 0;
};

api_error garbled(std::string_view what) {
  return api_error::bad_request("the body of the request was not a valid protobuf object: " +
                                std::string(what));
}

// map<string,string> entries are messages {key = 1, value = 2}.
result<std::pair<std::string, std::string>> map_entry(std::string_view bytes) {
  reader in(bytes);
  std::pair<std::string, std::string> entry;
  while (!in.done()) {
    const auto f = in.next();
    if (!f) return tl::unexpected(garbled("map entry"));
    if (f->wire != 2) continue;
    if (f->number == 1) entry.first = std::string(f->bytes);
    if (f->number == 2) entry.second = std::string(f->bytes);
  }
  return entry;
}

// k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta: name 1, generateName 2, namespace 3, labels 11,
// annotations 12, finalizers 14. Server-owned fields (uid, resourceVersion, timestamps) are ignored on
// create.
result<json> object_meta(std::string_view bytes) {
  json meta = json::object();
  reader in(bytes);
  while (!in.done()) {
    const auto f = in.next();
    if (!f) return tl::unexpected(garbled("metadata"));
    if (f->wire != 2) continue;
    switch (f->number) {
      case 1:
        meta["name"] = std::string(f->bytes);
        break;
      case 2:
        meta["generateName"] = std::string(f->bytes);
        break;
      case 3:
        meta["namespace"] = std::string(f->bytes);
        break;
      case 11:
      case 12: {
        auto entry = map_entry(f->bytes);
        if (!entry) return tl::unexpected(entry.error());
        meta[f->number == 11 ? "labels" : "annotations"][entry->first] = entry->second;
        break;
      }
      case 14:
        meta["finalizers"].push_back(std::string(f->bytes));
        break;
      default:
        break;
    }
  }
  return meta;
}

// k8s.io.api.core.v1.Namespace: metadata 1, spec 2 (NamespaceSpec: finalizers 1), status 3 (ignored on
// create, as the apiserver resets it).
result<json> namespace_object(std::string_view bytes) {
  json object = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", json::object()}};
  reader in(bytes);
  while (!in.done()) {
    const auto f = in.next();
    if (!f) return tl::unexpected(garbled("Namespace"));
    if (f->wire != 2) continue;
    if (f->number == 1) {
      auto meta = object_meta(f->bytes);
      if (!meta) return tl::unexpected(meta.error());
      object["metadata"] = std::move(*meta);
    } else if (f->number == 2) {
      json spec = json::object();
      reader spec_in(f->bytes);
      while (!spec_in.done()) {
        const auto sf = spec_in.next();
        if (!sf) return tl::unexpected(garbled("NamespaceSpec"));
        if (sf->wire == 2 && sf->number == 1) spec["finalizers"].push_back(std::string(sf->bytes));
      }
      if (!spec.empty()) object["spec"] = std::move(spec);
    }
  }
  return object;
}

}  // namespace

bool is_protobuf_content_type(std::string_view content_type) {
  return content_type.substr(0, content_type.find(';')).starts_with("application/vnd.kubernetes.protobuf");
}

result<json> decode_protobuf_object(std::string_view body) {
  constexpr std::string_view magic("k8s\0", 4);
  if (!body.starts_with(magic)) return tl::unexpected(garbled("missing the k8s envelope"));
  // runtime.Unknown: typeMeta 1 {apiVersion 1, kind 2}, raw 2, contentEncoding 3, contentType 4.
  reader in(body.substr(magic.size()));
  std::string api_version, kind, encoding;
  std::string_view raw;
  while (!in.done()) {
    const auto f = in.next();
    if (!f) return tl::unexpected(garbled("envelope"));
    if (f->wire != 2) continue;
    if (f->number == 1) {
      reader type_meta(f->bytes);
      while (!type_meta.done()) {
        const auto t = type_meta.next();
        if (!t) return tl::unexpected(garbled("typeMeta"));
        if (t->wire == 2 && t->number == 1) api_version = std::string(t->bytes);
        if (t->wire == 2 && t->number == 2) kind = std::string(t->bytes);
      }
    } else if (f->number == 2) {
      raw = f->bytes;
    } else if (f->number == 3) {
      encoding = std::string(f->bytes);
    }
  }
  if (!encoding.empty())
    return tl::unexpected(api_error::unsupported_media_type("contentEncoding " + encoding));
  if (api_version == "v1" && kind == "Namespace") return namespace_object(raw);
  return tl::unexpected(api_error::unsupported_media_type(
      "application/vnd.kubernetes.protobuf (" + (api_version.empty() ? "?" : api_version) + ", Kind=" + kind +
      "; kube-sim decodes only v1 Namespace)"));
}

}  // namespace kubesim
