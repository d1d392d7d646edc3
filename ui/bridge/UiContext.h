#pragma once
// Everything the UI is given by the composition root (app/). The UI talks to core only through the bus:
// it subscribes to events/snapshots and publishes commands. It never touches storage or broker objects.
#include "core/bus/EventBus.h"
#include "core/common/Config.h"
#include "core/common/Logging.h"

#include <memory>

namespace meridian::marketdata {
class IngestionService;
}

namespace meridian::ui {

struct UiContext {
  bus::EventBus* bus = nullptr;                       // required, outlives the UI
  common::Config* config = nullptr;                   // required, outlives the UI
  std::shared_ptr<common::InAppLogBuffer> logs;       // may be null (no Logs feed)
  QString settingsOrganization = QStringLiteral("Meridian");
  QString settingsApplication = QStringLiteral("Meridian");  // tests use a throw-away name
  bool paperTrading = true;                           // PAPER/LIVE badge
  // Optional: CSV import / ingestion (File > Import CSV…). Its submit* methods are asynchronous and answer on the
  // bus (IngestFinished on "md.ingest.<SYM>", QualityChecked on "md.quality.<SYM>"). Null: the action is disabled.
  marketdata::IngestionService* ingestion = nullptr;  // outlives the UI
};

}  // namespace meridian::ui
