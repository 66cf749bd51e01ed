// Small pugixml helpers shared by the XML answer parsers: load with a clear error, and find a child by name
// regardless of the XML namespace prefix. Internal to src/aws.
//
// Thread-safety: pure functions.
#pragma once

#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "core/error.h"

namespace devenv::aws::xml {

// Parses `text` into `doc`; the error names the offset, never the content.
result<void> load(pugi::xml_document& doc, std::string_view text, std::string_view what);

// The root element, checked by name ("DescribeInstancesResponse").
result<pugi::xml_node> root(const pugi::xml_document& doc, std::string_view name);

// Text of child `name` ("" when absent).
inline std::string text(pugi::xml_node node, const char* name) {
  return node.child(name).text().as_string();
}

}  // namespace devenv::aws::xml
