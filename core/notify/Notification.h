#pragma once
// Notification: one message for the user, delivered in-app (toast), to the system tray, by email and by webhook.
// Published on "sys.notify" for the UI (toasts + tray); immutable once published.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/domain/Types.h"

namespace meridian::notify {

namespace topics {
inline constexpr const char* kNotify = "sys.notify";
}  // namespace topics

enum class Severity : std::uint8_t { Info, Success, Warning, Error };

constexpr std::string_view toString(Severity s) {
  switch (s) {
    case Severity::Info: return "info";
    case Severity::Success: return "success";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
  }
  return "info";
}

struct Notification {
  Severity severity = Severity::Info;
  std::string title;    // short, one line (email subject after the [PAPER]/[LIVE] tag)
  std::string body;     // plain text, may be multi-line
  std::string source;   // e.g. "jobs", "risk", "execution"
  bool paper = true;    // trading mode of the process that raised it
  domain::Timestamp ts = 0;

  // "[PAPER] title" / "[LIVE] title"
  std::string taggedTitle() const { return std::string(paper ? "[PAPER] " : "[LIVE] ") + title; }
};

}  // namespace meridian::notify
