#pragma once
// Minimal expected-style result (std::expected is C++23; g++ 12 lacks it).
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace meridian {

struct Error {
  std::string message;   // human-readable, safe to show in the UI and logs (never contains secrets)
  std::string code;      // short machine code, e.g. "db.unavailable", "http.429", "parse"
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : m_v(std::move(value)) {}            // NOLINT(google-explicit-constructor)
  Result(Error error) : m_v(std::move(error)) {}        // NOLINT(google-explicit-constructor)
  bool ok() const { return m_v.index() == 0; }
  explicit operator bool() const { return ok(); }
  const T& value() const& { check(); return std::get<0>(m_v); }
  T& value() & { check(); return std::get<0>(m_v); }
  T&& value() && { check(); return std::get<0>(std::move(m_v)); }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(m_v); }
  T valueOr(T fallback) const { return ok() ? std::get<0>(m_v) : std::move(fallback); }

 private:
  void check() const {
    if (!ok()) throw std::logic_error("Result::value() on error: " + std::get<1>(m_v).message);
  }
  std::variant<T, Error> m_v;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : m_error(std::move(error)), m_ok(false) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return m_ok; }
  explicit operator bool() const { return m_ok; }
  const Error& error() const { return m_error; }

 private:
  Error m_error;
  bool m_ok = true;
};

using Status = Result<void>;

inline Error makeError(std::string code, std::string message) { return Error{std::move(message), std::move(code)}; }

}  // namespace meridian
