#pragma once
// Everything the UI is given by the composition root (app/). The UI talks to core only through the bus:
// it subscribes to events/snapshots and publishes commands. It never touches storage or broker objects.
#include "core/bus/EventBus.h"
#include "core/common/Config.h"
#include "core/common/Logging.h"

#include <memory>

namespace meridian::ui {

struct UiContext {
  bus::EventBus* bus = nullptr;                       // required, outlives the UI
  common::Config* config = nullptr;                   // required, outlives the UI
  std::shared_ptr<common::InAppLogBuffer> logs;       // may be null (no Logs feed)
  QString settingsOrganization = QStringLiteral("Meridian");
  QString settingsApplication = QStringLiteral("Meridian");  // tests use a throw-away name
  bool paperTrading = true;                           // PAPER/LIVE badge
};

}  // namespace meridian::ui
