#include "support/support_service.h"

#include <fmt/format.h>

#include <algorithm>

#include "support/support_name.h"

namespace devenv::support {

namespace {

bool is_support_pod(const nlohmann::json& object) {
  const auto labels =
      object.value("metadata", nlohmann::json::object()).value("labels", nlohmann::json::object());
  return labels.value(std::string(managed_by_label), "") == "devenv-scaler" &&
         labels.value(std::string(component_label), "") == component_value;
}

}  // namespace

support_service::support_service(support_store& store, support_settings settings, clock now)
    : store_(store), settings_(std::move(settings)), now_(std::move(now)) {}

result<support_pod> support_service::start(std::string_view owner, std::string_view name,
                                           std::string_view size) {
  if (auto valid = validate_name(name); !valid) return tl::unexpected(valid.error());
  auto resolved = settings_.resolve_size(size);
  if (!resolved) return tl::unexpected(resolved.error());
  if (owner.empty()) return fail(errc::invalid_argument, "a support pod needs an owner");
  const std::string& ns = settings_.ns;

  if (auto existing = store_.get_pod(ns, name)) {
    auto pod = read_support_pod(*existing);
    if (!is_support_pod(*existing) || !pod) {
      return fail(errc::conflict,
                  fmt::format("a pod named '{}' already exists in {} and is not a support pod", name, ns));
    }
    if (!pod->finished()) {
      return fail(errc::conflict, fmt::format("support pod '{}' already exists (owner {}, size {})", name,
                                              pod->owner, pod->size));
    }
    // Its lifetime is over; the Pod object only keeps the name taken.
    if (auto removed = store_.delete_pod(ns, name); !removed && removed.error().code != errc::not_found) {
      return tl::unexpected(removed.error());
    }
  } else if (existing.error().code != errc::not_found) {
    return tl::unexpected(existing.error());
  }

  if (settings_.per_user_limit > 0) {
    auto mine = store_.list_pods(ns, owner_selector(owner));
    if (!mine) return tl::unexpected(mine.error());
    std::vector<std::string> live;
    for (const auto& object : *mine) {
      auto pod = read_support_pod(object);
      if (pod && pod->owner == owner && !pod->finished()) live.push_back(pod->name);
    }
    if (static_cast<int>(live.size()) >= settings_.per_user_limit) {
      std::sort(live.begin(), live.end());
      return fail(errc::forbidden,
                  fmt::format("you already have {} support pod{} ({}), the limit per person; stop one first",
                              live.size(), live.size() == 1 ? "" : "s", fmt::join(live, ", ")));
    }
  }

  auto created = store_.create_pod(ns, build_pod_manifest(settings_, name, *resolved, owner, now_()));
  if (!created) {
    if (created.error().code == errc::conflict) {
      return fail(errc::conflict, fmt::format("a pod named '{}' already exists in {}", name, ns));
    }
    return tl::unexpected(created.error());
  }
  return read_support_pod(*created);
}

result<support_pod> support_service::stop(std::string_view actor, std::string_view name) {
  if (auto valid = validate_name(name); !valid) return tl::unexpected(valid.error());
  const std::string& ns = settings_.ns;
  auto existing = store_.get_pod(ns, name);
  const auto missing = [&] {
    return fail(errc::not_found, fmt::format("support pod '{}' does not exist", name));
  };
  if (!existing) {
    if (existing.error().code == errc::not_found) return missing();
    return tl::unexpected(existing.error());
  }
  // Other pods of the namespace are not ours to delete, whoever asks.
  if (!is_support_pod(*existing)) return missing();
  auto pod = read_support_pod(*existing);
  if (!pod) return tl::unexpected(pod.error());
  if (pod->owner != actor && !settings_.is_admin(actor)) {
    return fail(errc::forbidden, fmt::format("support pod '{}' belongs to {}; only its owner or an admin may "
                                             "stop it",
                                             name, pod->owner.empty() ? "nobody known" : pod->owner));
  }
  if (auto removed = store_.delete_pod(ns, name); !removed) {
    if (removed.error().code == errc::not_found) return missing();
    return tl::unexpected(removed.error());
  }
  return pod;
}

result<std::vector<support_pod>> support_service::list() {
  auto objects = store_.list_pods(settings_.ns, support_selector());
  if (!objects) return tl::unexpected(objects.error());
  std::vector<support_pod> out;
  for (const auto& object : *objects) {
    if (auto pod = read_support_pod(object)) out.push_back(std::move(*pod));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

}  // namespace devenv::support
