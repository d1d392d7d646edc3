#include "core/strategy/Params.h"

#include <fmt/core.h>

#include <charconv>
#include <cmath>

namespace meridian::strategy {

ParamSet ParamSet::defaults(std::span<const ParamSpec> specs) {
  ParamSet p;
  for (const auto& s : specs) p.set(s.name, s.defaultValue);
  return p;
}

void ParamSet::set(std::string_view name, double value) {
  for (auto& [n, v] : m_values) {
    if (n == name) {
      v = value;
      return;
    }
  }
  m_values.emplace_back(std::string(name), value);
}

bool ParamSet::contains(std::string_view name) const {
  for (const auto& [n, v] : m_values)
    if (n == name) return true;
  return false;
}

double ParamSet::get(std::string_view name, double fallback) const {
  for (const auto& [n, v] : m_values)
    if (n == name) return v;
  return fallback;
}

int ParamSet::getInt(std::string_view name, int fallback) const {
  return static_cast<int>(std::lround(get(name, fallback)));
}

std::string ParamSet::toString() const {
  std::string out;
  for (const auto& [n, v] : m_values) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{}={}", n, v);
  }
  return out;
}

std::string ParamSet::toJson() const {
  std::string out = "{";
  for (const auto& [n, v] : m_values) {
    if (out.size() > 1) out += ',';
    // Parameter names are identifiers ([a-z0-9_]); no escaping needed.
    out += std::isfinite(v) ? fmt::format("\"{}\":{}", n, v) : fmt::format("\"{}\":null", n);
  }
  out += '}';
  return out;
}

Status validate(std::span<const ParamSpec> specs, const ParamSet& params) {
  for (const auto& [name, value] : params.values()) {
    const ParamSpec* spec = nullptr;
    for (const auto& s : specs)
      if (s.name == name) spec = &s;
    if (!spec) {
      std::string known;
      for (const auto& s : specs) known += (known.empty() ? "" : ", ") + s.name;
      return makeError(paramerr::kUnknown,
                       fmt::format("unknown parameter '{}' (known: {})", name, known.empty() ? "none" : known));
    }
    if (!std::isfinite(value) || value < spec->min || value > spec->max)
      return makeError(paramerr::kRange,
                       fmt::format("parameter {}={} is out of range [{}, {}]", name, value, spec->min, spec->max));
    if (spec->integer && value != std::floor(value))
      return makeError(paramerr::kInteger, fmt::format("parameter {}={} must be a whole number", name, value));
  }
  return {};
}

Result<std::pair<std::string, double>> parseAssignment(std::string_view text) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 >= text.size())
    return makeError(paramerr::kSyntax, fmt::format("expected name=value, got '{}'", text));
  const std::string_view name = text.substr(0, eq);
  const std::string_view num = text.substr(eq + 1);
  double v = 0.0;
  const auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
  if (ec != std::errc() || ptr != num.data() + num.size() || !std::isfinite(v))
    return makeError(paramerr::kSyntax, fmt::format("parameter '{}': '{}' is not a number", name, num));
  return std::pair<std::string, double>(std::string(name), v);
}

}  // namespace meridian::strategy
