// Near-miss suggestions for typed words ("stpo" → "stop") by Damerau–Levenshtein distance. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace devenv::slack {

// Optimal-string-alignment distance (insertions, deletions, substitutions, adjacent transpositions),
// ASCII case-insensitive.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The first candidate (table order breaks ties) within `max_distance` of `word`, and closer than the word is
// long, so "x" is not "corrected" into an unrelated two-letter word; nullopt when nothing is that close.
std::optional<std::string_view> nearest(std::string_view word, std::span<const std::string_view> candidates,
                                        std::size_t max_distance = 2);

}  // namespace devenv::slack
