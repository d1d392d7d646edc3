#pragma once
// Market data on the bus: quotes (every tick published; coalesced per symbol in each subscriber's mailbox), closed bars (every one: strategies and the correlation
// guard need them all), ingestion results and data quality reports, and the CSV import command.
#include "core/contract/Message.h"
#include "core/domain/Types.h"

#include <memory>
#include <string>

namespace meridian::marketdata {
struct IngestReport;       // core/marketdata/IngestionService.h
struct DataQualityReport;  // core/marketdata/DataQuality.h
struct CsvImportRequest;   // core/marketdata/IngestionService.h
}  // namespace meridian::marketdata

namespace meridian::contract {

struct QuoteUpdated {
  domain::Quote quote;
  // common::LatencyHistogram::steadyNowNs() when it was published, stamped only while the publisher's latency probe
  // is on (SimulatedMarket::setLatencyStamps; 0 otherwise): the execution thread then records publish -> applied.
  // Process-local (a monotonic clock): not relayed.
  std::int64_t publishedNs = 0;
  friend bool operator==(const QuoteUpdated&, const QuoteUpdated&) = default;
};

struct BarClosed {
  std::string symbol;
  std::string source;  // stored series tag; its suffix names the timeframe ("yahoo", "sim_1m")
  domain::Bar bar;
  friend bool operator==(const BarClosed&, const BarClosed&) = default;
};

// Imports a CSV file on the ingestion service's worker; answered by IngestFinished with the same correlation id.
struct ImportCsv {
  std::string correlationId;
  std::shared_ptr<const marketdata::CsvImportRequest> request;  // file, symbol, source, column map
};

// Completion of an ingestion or CSV import (the command's correlation id echoed back; empty for scheduled jobs).
struct IngestFinished {
  std::string correlationId;
  std::uint64_t jobId = 0;
  std::string symbol;
  bool ok = false;
  std::shared_ptr<const marketdata::IngestReport> report;  // set when ok
  Error error;                                            // set when !ok (message safe to show)
};

// Stored bars of a symbol were added outside the live stream (the simulated feed's first-run history; imports and
// ingest jobs say so with IngestFinished): a chart showing the symbol loads its history again.
struct HistoryStored {
  std::string symbol;
  std::string source;  // the stored series' vendor, e.g. "simulated"
  friend bool operator==(const HistoryStored&, const HistoryStored&) = default;
};

// A data quality report (after every ingest / import and on demand).
struct QualityChecked {
  std::string symbol;
  std::shared_ptr<const marketdata::DataQualityReport> report;
};

template <> struct Spec<QuoteUpdated>
    : Declare<"md.quote", Kind::Event, Lane::Coalescing, UiDelivery::LatestPerKey, Relay::ToAttached, "quote"> {
  static std::string_view key(const QuoteUpdated& m) { return m.quote.symbol; }
  static QJsonObject encode(const QuoteUpdated&);
  static Result<QuoteUpdated> decode(const QJsonObject&);
};
template <> struct Spec<BarClosed>
    : Declare<"md.bar", Kind::Event, Lane::Lossless, UiDelivery::Append, Relay::ToAttached, "bar"> {
  static std::string_view key(const BarClosed& m) { return m.symbol; }
  static QJsonObject encode(const BarClosed&);
  static Result<BarClosed> decode(const QJsonObject&);
};
template <> struct Spec<ImportCsv> : Declare<"cmd.md.import_csv", Kind::Command, Lane::Lossless> {};
template <> struct Spec<IngestFinished> : Declare<"md.ingest", Kind::Event, Lane::Lossless, UiDelivery::Append> {
  static std::string_view key(const IngestFinished& m) { return m.symbol; }
};
template <> struct Spec<HistoryStored> : Declare<"md.history_stored", Kind::Event, Lane::Lossless, UiDelivery::Append> {
  static std::string_view key(const HistoryStored& m) { return m.symbol; }
};
template <> struct Spec<QualityChecked> : Declare<"md.quality", Kind::Event, Lane::Lossless, UiDelivery::Append> {
  static std::string_view key(const QualityChecked& m) { return m.symbol; }
};

}  // namespace meridian::contract
