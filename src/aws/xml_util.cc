#include "aws/xml_util.h"

#include <fmt/format.h>

namespace devenv::aws::xml {

result<void> load(pugi::xml_document& doc, std::string_view text, std::string_view what) {
  const auto parsed = doc.load_buffer(text.data(), text.size());
  if (!parsed)
    return fail(errc::unavailable,
                fmt::format("{}: malformed XML at offset {}: {}", what, parsed.offset, parsed.description()));
  return {};
}

result<pugi::xml_node> root(const pugi::xml_document& doc, std::string_view name) {
  const auto node = doc.document_element();
  if (!node || std::string_view(node.name()) != name)
    return fail(errc::unavailable,
                fmt::format("expected a {} document, got <{}>", name, node ? node.name() : ""));
  return node;
}

}  // namespace devenv::aws::xml
