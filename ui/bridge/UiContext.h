#pragma once
// Everything the UI is given by the composition root (app/). The UI talks to core only through ui/bridge/UiBridge:
// it receives contract events and sends contract commands. It never touches storage, broker or service objects.
#include "core/bus/EventBus.h"
#include "core/common/Clock.h"
#include "core/common/Config.h"
#include "core/common/Logging.h"

#include <memory>

namespace meridian::ui {

struct UiContext {
  bus::EventBus* bus = nullptr;                       // required, outlives the UI
  common::Config* config = nullptr;                   // required, outlives the UI
  QString configPath;                                 // the INI file settings are saved to (empty: none)
  std::shared_ptr<const common::IClock> clock;        // the process's one clock (null = real time)
  std::shared_ptr<common::InAppLogBuffer> logs;       // may be null (no Logs feed)
  QString settingsOrganization = QStringLiteral("Meridian");
  QString settingsApplication = QStringLiteral("Meridian");  // tests use a throw-away name
  bool paperTrading = true;                           // PAPER/LIVE badge
  bool canImport = true;                              // File > Import CSV (an ingestion service takes the command)
  bool attached = false;  // orders execute in a serving process (meridian --attach): no local risk engine to change

  // The clock for components that keep it: they may outlive this context while the window is torn down.
  std::shared_ptr<const common::IClock> sharedClock() const {
    static const auto real = std::make_shared<const common::RealClock>();
    return clock ? clock : real;
  }
  const common::IClock& clockRef() const { return *sharedClock(); }
};

}  // namespace meridian::ui
