#pragma once
// Events published by marketdata/ on the EventBus (in addition to bus::QuoteUpdated / bus::BarClosed).
// Payloads are immutable; reports are shared as shared_ptr<const ...> so the UI can keep them without copying.
#include "core/common/Result.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace meridian::marketdata {

struct IngestReport;
struct DataQualityReport;

namespace topics {
// Result of an ingestion / CSV import job for a symbol.
inline std::string ingest(std::string_view symbol) { return "md.ingest." + std::string(symbol); }
// A data quality report (after every ingest / import and on demand).
inline std::string quality(std::string_view symbol) { return "md.quality." + std::string(symbol); }
inline constexpr const char* kAllIngest = "md.ingest.>";
inline constexpr const char* kAllQuality = "md.quality.>";
}  // namespace topics

// Completion of IngestionService::submitIngest / submitCsvImport (the command's correlation id echoed back).
struct IngestFinished {
  std::string correlationId;
  std::uint64_t jobId = 0;
  std::string symbol;
  bool ok = false;
  std::shared_ptr<const IngestReport> report;  // set when ok
  Error error;                                 // set when !ok (message safe to show)
};

struct QualityChecked {
  std::shared_ptr<const DataQualityReport> report;
};

}  // namespace meridian::marketdata
