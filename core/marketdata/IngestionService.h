#pragma once
// The ingestion service (the Python stack's Data Ingestion service, natively).
//
// - Incremental loads per (symbol, source) driven by data_ingestion.load_runs: without an explicit `from` a
//   load starts at the last loaded bar (inclusive: the newest bar may have been partial and is re-fetched, so a
//   re-run with nothing new writes 0 rows), else at the default lookback. Bars are fetched by the provider (all
//   pages or nothing), checked by DataQuality (insane bars dropped and reported, duplicates collapsed, gaps vs the
//   NYSE calendar reported), then written by upsertBarsWithLoadRun: bars and load run in one transaction, so the
//   load run never claims bars that are not stored. A failed fetch writes nothing.
// - Large loads can be written in batches (IngestionOptions::maxBatchBars): each batch is its own transaction
//   carrying its own load run, so when the database goes away mid-load the batches already committed stay, and
//   the next (incremental) run resumes after them. A batch that fails because the database is unavailable
//   (errc::kUnavailable: connection refused or lost; PgStorage reconnects on the next call) is retried with
//   backoff (storageAttempts); re-writing a batch whose commit outcome was unknown is harmless (upsert by
//   (symbol, ts, source)). When the attempts run out the run fails with an error naming the batch, how many bars
//   were stored and where the load run stands.
// - CSV import (Yahoo or mapped columns): parse the whole file first (malformed row -> Error with its line, nothing
//   written), then the same write path, source "csv" by default.
// - Symbol universe + fundamentals: refreshFundamentals() stores the provider's SymbolRecord (active / delisted
//   flags), CompanyInfo and a KeyStatistics snapshot (one per exchange date).
// - Data quality: checkStored() over a stored series; staleSeries() across all series; issues are also appended
//   to the logs table (logger "data_quality") when persistQualityIssues.
//
// Threading: storage is reached only through the StorageRunner (in the app: storage::StorageService::call(...)
// .get() on the storage thread; in tests: directStorage()). The synchronous methods block on HTTP and storage:
// call them from a worker thread (or the CLI main thread), never the GUI thread. The submit* methods run the
// same work on the service's own worker thread and report through contract::IngestFinished / QualityChecked events
// on the bus (and an optional callback on the worker thread). With a bus, the service also takes
// contract::ImportCsv commands (the GUI's File > Import CSV) and runs them the same way.
#include "core/bus/EventBus.h"
#include "core/common/Clock.h"
#include "core/common/Result.h"
#include "core/marketdata/DataQuality.h"
#include "core/marketdata/IMarketDataProvider.h"
#include "core/contract/MarketData.h"
#include "core/marketdata/IngestRequests.h"
#include "core/marketdata/csv/CsvImporter.h"
#include "core/storage/IStorage.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace meridian::common {
class Config;
}

namespace meridian::marketdata {

using storage::StorageRunner;
using storage::StorageTask;
// Runner calling the store directly on the caller's thread (tests, single-threaded tools).
StorageRunner directStorage(storage::IStorage& store);

struct IngestionOptions {
  int dailyLookbackDays = 365 * 5;     // first load without `from`
  int intradayLookbackDays = 30;
  bool persistQualityIssues = true;    // append issues to the logs table (logger "data_quality")
  std::size_t maxPersistedIssues = 50;
  int staleAfterSessions = 3;
  std::size_t maxBatchBars = 0;        // 0 = one transaction per load; else at most this many bars per transaction
  int storageAttempts = 3;             // per batch, when storage answers errc::kUnavailable (1 = no retry)
  std::chrono::milliseconds storageRetryBackoff{250};  // doubled per retry, capped at 8x; stop() interrupts it

  // ingest.max_batch_bars, ingest.storage_attempts, ingest.storage_retry_ms (defaults above).
  static IngestionOptions fromConfig(const common::Config& config);
};

class IngestionService {
 public:
  using Callback = std::function<void(const contract::IngestFinished&)>;

  IngestionService(StorageRunner storage, const common::IClock& clock, bus::EventBus* bus = nullptr,
                   IngestionOptions options = {});
  ~IngestionService();  // stop()
  IngestionService(const IngestionService&) = delete;
  IngestionService& operator=(const IngestionService&) = delete;

  // ---- synchronous -------------------------------------------------------------------------------------
  Result<IngestReport> ingest(IMarketDataProvider& provider, const IngestRequest& request);
  Result<IngestReport> importCsv(const CsvImportRequest& request);
  // Fetches and stores symbol record, company info and today's key statistics snapshot.
  Result<Fundamentals> refreshFundamentals(IMarketDataProvider& provider, std::string_view symbol);
  // Upserts the universe (updatedTs stamped now). Symbols absent from the list are left as they are.
  Result<std::size_t> upsertUniverse(std::vector<storage::SymbolRecord> symbols);
  // Sets active = false and delistedTs on an existing (or new) symbol record.
  Status markDelisted(std::string_view symbol, Timestamp delistedTs);
  // Loads the whole stored series and checks it (staleness as of now). Timeframe from the source suffix.
  Result<DataQualityReport> checkStored(std::string_view symbol, std::string_view source);
  // Every stored series (optionally only `source`) whose last bar is more than staleAfterSessions complete
  // sessions old; delisted / inactive symbols are skipped.
  Result<std::vector<QualityIssue>> staleSeries(std::string_view source = {});

  // ---- asynchronous (GUI) -----------------------------------------------------------------------------
  // Queued on the service's worker thread (started on first use); returns the job id. The result is published
  // as contract::IngestFinished and contract::QualityChecked, and passed to
  // `done` (on the worker thread).
  std::uint64_t submitIngest(std::shared_ptr<IMarketDataProvider> provider, IngestRequest request,
                             std::string correlationId = {}, Callback done = {});
  std::uint64_t submitCsvImport(CsvImportRequest request, std::string correlationId = {}, Callback done = {});
  // Finishes the running job, cancels queued ones (IngestFinished with error code "cancelled"), joins. Idempotent.
  void stop();

 private:
  struct Job {
    std::uint64_t id = 0;
    std::string symbol;
    std::string correlationId;
    std::function<Result<IngestReport>()> work;
    Callback done;
  };
  // Quality check, dedup, write bars + load run in one storage task.
  Status store(IngestReport& report, std::span<const domain::Bar> bars, std::optional<Timestamp> previousLast);
  // load_runs.last_loaded_ts of the report's series, retried like a batch write when storage is unavailable.
  Status readLastLoaded(IngestReport& report, std::optional<Timestamp>& last);
  // Waits before a storage retry; false when stop() was called meanwhile.
  bool retryPause(int attempt);
  void persistIssues(const DataQualityReport& report);
  void publishResult(const Job& job, const Result<IngestReport>& result);
  std::uint64_t enqueue(Job job);
  void workerLoop();
  void takeCommands();  // worker thread: queues the ImportCsv commands of the mailbox

  // Shared with the mailbox notifier, which a sender's thread may run while the service is being destroyed.
  struct Wake {
    std::mutex mutex;
    std::condition_variable cv;
    bool commands = false;
  };

  StorageRunner m_storage;
  const common::IClock& m_clock;
  bus::EventBus* m_bus;
  IngestionOptions m_options;

  std::shared_ptr<Wake> m_wake;  // its mutex guards m_jobs, m_stopping, m_nextJobId
  std::shared_ptr<bus::Mailbox> m_commands;
  bus::SubscriptionId m_subscription = 0;
  std::deque<Job> m_jobs;
  std::thread m_worker;
  bool m_stopping = false;
  std::uint64_t m_nextJobId = 1;
};

}  // namespace meridian::marketdata
