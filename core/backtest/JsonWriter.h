#pragma once
// Minimal streaming JSON writer with deterministic output: numbers in shortest round-trip form, non-finite
// numbers as null, keys in insertion order. Used for CLI output and the JSON columns of backtest_runs.
#include <fmt/core.h>

#include <cmath>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace meridian::backtest {

class JsonWriter {
 public:
  JsonWriter& beginObject() { return open('{'); }
  JsonWriter& endObject() { return close('}'); }
  JsonWriter& beginArray() { return open('['); }
  JsonWriter& endArray() { return close(']'); }
  JsonWriter& key(std::string_view k) {
    comma();
    string(k);
    m_out += ':';
    m_afterKey = true;
    return *this;
  }
  JsonWriter& value(double v) {
    comma();
    if (std::isfinite(v)) fmt::format_to(std::back_inserter(m_out), "{}", v);
    else m_out += "null";
    return *this;
  }
  JsonWriter& value(std::int64_t v) {
    comma();
    fmt::format_to(std::back_inserter(m_out), "{}", v);
    return *this;
  }
  JsonWriter& value(int v) { return value(std::int64_t(v)); }
  JsonWriter& value(std::size_t v) { return value(std::int64_t(v)); }
  JsonWriter& value(bool v) {
    comma();
    m_out += v ? "true" : "false";
    return *this;
  }
  JsonWriter& value(std::string_view v) {
    comma();
    string(v);
    return *this;
  }
  JsonWriter& value(const char* v) { return value(std::string_view(v)); }
  JsonWriter& null() {
    comma();
    m_out += "null";
    return *this;
  }
  // Inserts already-serialised JSON.
  JsonWriter& raw(std::string_view json) {
    comma();
    m_out += json;
    return *this;
  }
  template <class T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }
  const std::string& str() const { return m_out; }
  std::string take() { return std::move(m_out); }

 private:
  JsonWriter& open(char c) {
    comma();
    m_out += c;
    m_first.push_back(true);
    return *this;
  }
  JsonWriter& close(char c) {
    m_out += c;
    if (!m_first.empty()) m_first.pop_back();
    return *this;
  }
  void comma() {
    if (m_afterKey) {
      m_afterKey = false;
      return;
    }
    if (!m_first.empty()) {
      if (!m_first.back()) m_out += ',';
      m_first.back() = false;
    }
  }
  void string(std::string_view s) {
    m_out += '"';
    for (char ch : s) {
      const auto c = static_cast<unsigned char>(ch);
      switch (ch) {
        case '"': m_out += "\\\""; break;
        case '\\': m_out += "\\\\"; break;
        case '\n': m_out += "\\n"; break;
        case '\r': m_out += "\\r"; break;
        case '\t': m_out += "\\t"; break;
        default:
          if (c < 0x20) fmt::format_to(std::back_inserter(m_out), "\\u{:04x}", unsigned(c));
          else m_out += ch;
      }
    }
    m_out += '"';
  }
  std::string m_out;
  std::vector<bool> m_first;
  bool m_afterKey = false;
};

}  // namespace meridian::backtest
