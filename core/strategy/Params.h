#pragma once
// Typed strategy parameters. A ParamSpec describes one parameter (default and range) so a GUI can build a
// form and the optimizer a grid; a ParamSet is a concrete assignment, ordered like the specs.
#include "core/common/Result.h"

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace meridian::strategy {

struct ParamSpec {
  std::string name;
  double defaultValue = 0.0;
  double min = 0.0;
  double max = 0.0;
  double step = 1.0;     // suggested grid step for the optimizer / spin box
  bool integer = true;   // values must be whole numbers
  std::string help;
};

// Error codes used by parameter validation (Error::code).
namespace paramerr {
inline constexpr const char* kUnknown = "param.unknown";   // name not in the specs
inline constexpr const char* kRange = "param.range";       // outside [min, max]
inline constexpr const char* kInteger = "param.integer";   // fractional value for an integer parameter
inline constexpr const char* kInvalid = "param.invalid";   // combination rejected by the strategy (e.g. fast >= slow)
inline constexpr const char* kSyntax = "param.syntax";     // "name=value" could not be parsed
}  // namespace paramerr

class ParamSet {
 public:
  ParamSet() = default;
  // All defaults of specs, in spec order.
  static ParamSet defaults(std::span<const ParamSpec> specs);

  // Sets (or appends) name. Order of first insertion is kept.
  void set(std::string_view name, double value);
  bool contains(std::string_view name) const;
  // Value of name; fallback when absent.
  double get(std::string_view name, double fallback = 0.0) const;
  int getInt(std::string_view name, int fallback = 0) const;
  const std::vector<std::pair<std::string, double>>& values() const { return m_values; }
  std::size_t size() const { return m_values.size(); }

  // "fast=10, slow=30"
  std::string toString() const;
  // {"fast":10,"slow":30} (numbers in shortest round-trip form)
  std::string toJson() const;

  friend bool operator==(const ParamSet&, const ParamSet&) = default;

 private:
  std::vector<std::pair<std::string, double>> m_values;
};

// Checks every value of params against specs: names known, values finite, in range, integral where required.
Status validate(std::span<const ParamSpec> specs, const ParamSet& params);
// Parses "name=value" (value a finite number).
Result<std::pair<std::string, double>> parseAssignment(std::string_view text);

}  // namespace meridian::strategy
