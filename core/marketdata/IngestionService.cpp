#include "core/marketdata/IngestionService.h"

#include "core/common/Config.h"
#include "core/common/Logging.h"
#include "core/common/Redact.h"
#include "core/storage/Records.h"
#include "core/time/TimeZones.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <unordered_set>

namespace meridian::marketdata {
namespace {

std::string day(Timestamp t) { return time::TimeZones::formatExchange(t, QStringLiteral("yyyy-MM-dd")).toStdString(); }

}  // namespace

IngestionOptions IngestionOptions::fromConfig(const common::Config& c) {
  IngestionOptions o;
  o.maxBatchBars = static_cast<std::size_t>(std::max(0, c.intValue("ingest.max_batch_bars", 0)));
  o.storageAttempts = std::clamp(c.intValue("ingest.storage_attempts", o.storageAttempts), 1, 100);
  o.storageRetryBackoff = std::chrono::milliseconds(
      std::clamp(c.intValue("ingest.storage_retry_ms", int(o.storageRetryBackoff.count())), 0, 60'000));
  return o;
}

StorageRunner directStorage(storage::IStorage& store) {
  return [&store](const StorageTask& task) { task(store); };
}

std::string IngestReport::summary() const {
  std::string s = fmt::format("{} {} {}: ", symbol, source, toString(timeframe));
  if (upToDate && fetched == 0) {
    s += "up to date";
  } else {
    s += fmt::format("fetched {}, inserted {}, updated {}, unchanged {}, rejected {}", fetched, inserted, updated,
                     unchanged, rejected);
    if (duplicates > 0) s += fmt::format(", duplicates {}", duplicates);
  }
  if (lastLoadedTs) s += fmt::format("; last {}", day(*lastLoadedTs));
  if (!quality.clean()) s += fmt::format("; {} quality issue(s)", quality.totalIssues());
  return s + fmt::format(" ({} ms)", elapsedMs);
}

IngestionService::IngestionService(StorageRunner storage, const common::IClock& clock, bus::EventBus* bus,
                                   IngestionOptions options)
    : m_storage(std::move(storage)), m_clock(clock), m_bus(bus), m_options(options), m_wake(std::make_shared<Wake>()) {
  if (!m_bus) return;
  // File > Import CSV arrives as a command; the notifier (on the sender's thread) only wakes the worker.
  m_commands = std::make_shared<bus::Mailbox>("ingestion", 256);
  m_commands->setNotifier([wake = m_wake] {
    {
      std::lock_guard lock(wake->mutex);
      wake->commands = true;
    }
    wake->cv.notify_one();
  });
  m_subscription = m_bus->subscribe<contract::ImportCsv>(m_commands);
  m_worker = std::thread(&IngestionService::workerLoop, this);
}

IngestionService::~IngestionService() { stop(); }

// --- synchronous -------------------------------------------------------------------------------------------

Status IngestionService::store(IngestReport& report, std::span<const domain::Bar> bars,
                               std::optional<Timestamp> previousLast) {
  QualityOptions qo;
  qo.timeframe = report.timeframe;
  report.quality = DataQuality::check(report.symbol, report.source, bars, qo);
  report.rejected = report.quality.count(IssueKind::InsaneBar);
  const std::vector<domain::Bar> clean = DataQuality::normalized(bars);
  report.duplicates = bars.size() - report.rejected - clean.size();
  report.lastLoadedTs = previousLast;
  if (m_options.persistQualityIssues && !report.quality.clean()) persistIssues(report.quality);
  if (clean.empty()) return {};

  const Timestamp now = m_clock.now();
  auto log = common::logger("marketdata");
  const std::size_t batchSize = m_options.maxBatchBars > 0 ? m_options.maxBatchBars : clean.size();
  const std::size_t batchCount = (clean.size() + batchSize - 1) / batchSize;
  std::size_t inserted = 0, changed = 0, stored = 0;
  for (std::size_t first = 0; first < clean.size(); first += batchSize) {
    const std::span<const domain::Bar> batch(clean.data() + first, std::min(batchSize, clean.size() - first));
    const storage::LoadRun run{report.symbol, report.source,
                               std::max(previousLast.value_or(batch.back().ts), batch.back().ts), now};
    Status status;
    std::size_t batchInserted = 0, batchChanged = 0;
    const int attempts = std::max(1, m_options.storageAttempts);
    for (int attempt = 1; attempt <= attempts; ++attempt) {
      status = Status{};
      batchInserted = 0;
      m_storage([&](storage::IStorage& s) {
        // Existing keys in the range, to split "changed" into inserted / updated.
        auto existing = s.loadBars(report.symbol, report.source, batch.front().ts, batch.back().ts + 1);
        if (!existing) {
          status = existing.error();
          return;
        }
        std::unordered_set<Timestamp> have;
        have.reserve(existing->size());
        for (const auto& b : *existing) have.insert(b.ts);
        for (const auto& b : batch) batchInserted += have.count(b.ts) ? 0 : 1;
        auto written = s.upsertBarsWithLoadRun(report.symbol, report.source, batch, run);  // one transaction
        if (!written) {
          status = written.error();
          return;
        }
        batchChanged = *written;
      });
      if (status.ok() || status.error().code != storage::errc::kUnavailable || attempt == attempts) break;
      log->warn("ingest {} {}: batch {}/{} not stored, the database is unavailable ({}); retry {}/{}", report.symbol,
                report.source, first / batchSize + 1, batchCount, status.error().message, attempt, attempts - 1);
      ++report.storageRetries;
      if (!retryPause(attempt)) break;
    }
    if (!status.ok()) {
      Error e = status.error();
      e.message = fmt::format(
          "{} {}: storing bars {}-{} of {} ({} .. {}, batch {}/{}) failed{}: {}; {} bar(s) stored before, load run {}",
          report.symbol, report.source, first + 1, first + batch.size(), clean.size(), day(batch.front().ts),
          day(batch.back().ts), first / batchSize + 1, batchCount,
          e.code == storage::errc::kUnavailable ? fmt::format(" after {} attempt(s)", attempts) : std::string(),
          e.message, stored,
          report.lastLoadedTs ? "at " + day(*report.lastLoadedTs) + " (an incremental re-run resumes there)" : std::string("unchanged"));
      return e;
    }
    inserted += batchInserted;
    changed += batchChanged;
    stored += batch.size();
    ++report.batches;
    report.lastLoadedTs = run.lastLoadedTs;
  }
  report.inserted = inserted;
  report.updated = changed >= inserted ? changed - inserted : 0;
  report.unchanged = clean.size() - std::min(clean.size(), changed);
  return {};
}

Status IngestionService::readLastLoaded(IngestReport& report, std::optional<Timestamp>& last) {
  const int attempts = std::max(1, m_options.storageAttempts);
  Status status;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    status = Status{};
    m_storage([&](storage::IStorage& s) {
      auto r = s.lastLoadedTs(report.symbol, report.source);
      if (!r) status = r.error();
      else last = *r;
    });
    if (status.ok() || status.error().code != storage::errc::kUnavailable || attempt == attempts) break;
    common::logger("marketdata")->warn("ingest {} {}: the database is unavailable ({}); retry {}/{}", report.symbol,
                                       report.source, status.error().message, attempt, attempts - 1);
    ++report.storageRetries;
    if (!retryPause(attempt)) break;
  }
  if (status.ok()) return status;
  Error e = status.error();
  e.message = fmt::format("{} {}: cannot read the load run{}: {}; nothing stored", report.symbol, report.source,
                          e.code == storage::errc::kUnavailable ? fmt::format(" after {} attempt(s)", attempts)
                                                                 : std::string(),
                          e.message);
  return e;
}

bool IngestionService::retryPause(int attempt) {
  const auto base = m_options.storageRetryBackoff;
  const auto wait = base * std::min(8, 1 << std::min(attempt - 1, 3));
  std::unique_lock lock(m_wake->mutex);
  return !m_wake->cv.wait_for(lock, wait, [this] { return m_stopping; });
}

void IngestionService::persistIssues(const DataQualityReport& q) {
  const Timestamp now = m_clock.now();
  std::vector<storage::LogRow> rows;
  rows.push_back(storage::LogRow{0, now, "warning", "data_quality", common::redact(q.summary())});
  for (const auto& i : q.issues) {
    if (rows.size() > m_options.maxPersistedIssues) break;
    rows.push_back(storage::LogRow{0, now, "warning", "data_quality",
                                   common::redact(fmt::format("{} {} {}: {}", i.symbol, i.source, toString(i.kind),
                                                              i.detail))});
  }
  m_storage([&](storage::IStorage& s) {
    auto r = s.appendLogs(rows);
    if (!r) common::logger("marketdata")->warn("data quality issues not persisted: {}", r.error().message);
  });
}

Result<IngestReport> IngestionService::ingest(IMarketDataProvider& provider, const IngestRequest& request) {
  const common::Stopwatch watch;
  auto log = common::logger("marketdata");
  if (request.symbol.empty()) return makeError("usage", "ingest: no symbol");
  if (!provider.supports(request.timeframe))
    return makeError("unsupported", fmt::format("{}: {} bars are not supported", provider.name(),
                                                toString(request.timeframe)));
  IngestReport report;
  report.symbol = request.symbol;
  report.provider = std::string(provider.name());
  report.timeframe = request.timeframe;
  report.source = provider.source(request.timeframe);
  report.to = request.to.value_or(m_clock.now());

  std::optional<Timestamp> last;
  if (Status status = readLastLoaded(report, last); !status.ok()) return status.error();

  if (request.from) {
    report.from = *request.from;
  } else if (last && !request.full) {
    report.from = *last;  // inclusive: re-fetch the newest bar (it may have been partial)
    report.incremental = true;
  } else {
    const int days = request.timeframe == Timeframe::Day1 ? m_options.dailyLookbackDays : m_options.intradayLookbackDays;
    report.from = report.to - Timestamp(days) * domain::kNanosPerDay;
  }
  report.lastLoadedTs = last;
  if (report.from >= report.to) {
    report.upToDate = true;
  } else {
    auto bars = provider.fetchBars(report.symbol, report.from, report.to, request.timeframe);
    if (!bars) {
      log->warn("ingest {} {} failed, nothing stored: {}", report.symbol, report.source, bars.error().message);
      return bars.error();
    }
    report.fetched = bars->size();
    if (Status s = store(report, *bars, last); !s.ok()) {
      log->warn("ingest {} {}: storing failed: {}", report.symbol, report.source, s.error().message);
      return s.error();
    }
    report.upToDate = report.fetched == 0 || (report.inserted == 0 && report.updated == 0);
  }
  if (request.fundamentals) {
    auto f = refreshFundamentals(provider, report.symbol);
    report.fundamentalsStored = f.ok();
    if (!f) report.fundamentalsError = f.error().message;
  }
  report.elapsedMs = watch.elapsedMs();
  log->info("ingest {}", report.summary());
  return report;
}

Result<IngestReport> IngestionService::importCsv(const CsvImportRequest& request) {
  const common::Stopwatch watch;
  auto data = CsvImporter::readFile(request.path, request.options);
  if (!data) return data.error();  // nothing written
  IngestReport report;
  report.symbol = request.symbol.empty() ? CsvImporter::symbolFromFileName(request.path).toStdString() : request.symbol;
  if (report.symbol.empty()) return makeError("usage", "import-csv: cannot derive a symbol from the file name");
  report.provider = "csv";
  report.timeframe = data->timeframe;
  report.source = request.source.empty() ? sourceName("csv", request.options.adjust, data->timeframe) : request.source;
  // An intraday file under a tag without a timeframe ("csv", the default) gets the detected one ("csv_5m"): stored
  // untagged, its bars would be read back as daily.
  if (data->timeframe != Timeframe::Day1 && timeframeOfSource(report.source) == Timeframe::Day1)
    (report.source += '_') += toString(data->timeframe);
  report.fetched = data->bars.size();
  report.skippedRows = data->skippedNullRows;
  if (!data->bars.empty()) {
    auto [lo, hi] = std::minmax_element(data->bars.begin(), data->bars.end(),
                                        [](const domain::Bar& a, const domain::Bar& b) { return a.ts < b.ts; });
    report.from = lo->ts;
    report.to = hi->ts + 1;
  }
  std::optional<Timestamp> last;
  if (Status status = readLastLoaded(report, last); !status.ok()) return status.error();
  if (Status s = store(report, data->bars, last); !s.ok()) return s.error();
  report.upToDate = report.inserted == 0 && report.updated == 0;
  report.elapsedMs = watch.elapsedMs();
  common::logger("marketdata")->info("import {} from {}: {}", report.symbol,
                                     common::redact(request.path.toStdString()), report.summary());
  return report;
}

Result<Fundamentals> IngestionService::refreshFundamentals(IMarketDataProvider& provider, std::string_view symbol) {
  auto f = provider.fetchFundamentals(symbol);
  if (!f) return f.error();
  Fundamentals out = std::move(f).value();
  const Timestamp now = m_clock.now();
  out.symbol.updatedTs = now;
  out.company.updatedTs = now;
  out.statistics.asOfTs = dailyBarTsOf(now);  // one snapshot per exchange date
  if (out.symbol.instrument.symbol.empty()) out.symbol.instrument.symbol = std::string(symbol);
  if (out.company.symbol.empty()) out.company.symbol = out.symbol.instrument.symbol;
  if (out.statistics.symbol.empty()) out.statistics.symbol = out.symbol.instrument.symbol;
  Status status;
  m_storage([&](storage::IStorage& s) {
    const storage::SymbolRecord recs[] = {out.symbol};
    if (auto r = s.upsertSymbols(recs); !r) {
      status = r.error();
      return;
    }
    if (Status st = s.upsertCompanyInfo(out.company); !st.ok()) {
      status = st;
      return;
    }
    status = s.upsertKeyStatistics(out.statistics);
  });
  if (!status.ok()) return status.error();
  return out;
}

Result<std::size_t> IngestionService::upsertUniverse(std::vector<storage::SymbolRecord> symbols) {
  const Timestamp now = m_clock.now();
  for (auto& s : symbols) {
    s.updatedTs = now;
    if (s.delistedTs) s.instrument.active = false;
  }
  Result<std::size_t> out = std::size_t{0};
  m_storage([&](storage::IStorage& s) { out = s.upsertSymbols(symbols); });
  return out;
}

Status IngestionService::markDelisted(std::string_view symbol, Timestamp delistedTs) {
  Status status;
  const Timestamp now = m_clock.now();
  m_storage([&](storage::IStorage& s) {
    auto existing = s.getSymbol(symbol);
    if (!existing) {
      status = existing.error();
      return;
    }
    storage::SymbolRecord rec;
    if (*existing) rec = **existing;
    rec.instrument.symbol = std::string(symbol);
    rec.instrument.active = false;
    rec.delistedTs = delistedTs;
    rec.updatedTs = now;
    const storage::SymbolRecord recs[] = {rec};
    if (auto r = s.upsertSymbols(recs); !r) status = r.error();
  });
  return status;
}

Result<DataQualityReport> IngestionService::checkStored(std::string_view symbol, std::string_view source) {
  Result<std::vector<domain::Bar>> bars = std::vector<domain::Bar>{};
  m_storage([&](storage::IStorage& s) {
    bars = s.loadBars(symbol, source, std::numeric_limits<Timestamp>::min(), std::numeric_limits<Timestamp>::max());
  });
  if (!bars) return bars.error();
  QualityOptions qo;
  qo.timeframe = timeframeOfSource(source);
  qo.asOf = m_clock.now();
  qo.staleAfterSessions = m_options.staleAfterSessions;
  DataQualityReport report = DataQuality::check(symbol, source, *bars, qo);
  if (m_bus) m_bus->publish(contract::QualityChecked{std::string(symbol), std::make_shared<const DataQualityReport>(report)});
  return report;
}

Result<std::vector<QualityIssue>> IngestionService::staleSeries(std::string_view source) {
  Result<std::vector<storage::SeriesInfo>> series = std::vector<storage::SeriesInfo>{};
  Result<std::vector<storage::SymbolRecord>> symbols = std::vector<storage::SymbolRecord>{};
  m_storage([&](storage::IStorage& s) {
    series = s.listSeries();
    if (series) symbols = s.listSymbols(false);
  });
  if (!series) return series.error();
  if (!symbols) return symbols.error();
  std::unordered_set<std::string> inactive;
  for (const auto& s : *symbols)
    if (!s.instrument.active || s.delistedTs) inactive.insert(s.instrument.symbol);
  std::vector<QualityIssue> out;
  const Timestamp now = m_clock.now();
  for (const auto& info : *series) {
    if (!source.empty() && info.source != source) continue;
    if (inactive.count(info.symbol)) continue;
    QualityOptions qo;
    qo.timeframe = timeframeOfSource(info.source);
    qo.checkGaps = false;
    qo.asOf = now;
    qo.staleAfterSessions = m_options.staleAfterSessions;
    const domain::Bar last{info.lastTs, 1, 1, 1, 1, 0, 0, 0};
    const DataQualityReport r = DataQuality::check(info.symbol, info.source, std::span(&last, 1), qo);
    for (const auto& i : r.issues)
      if (i.kind == IssueKind::StaleSeries) out.push_back(i);
  }
  return out;
}

// --- asynchronous ------------------------------------------------------------------------------------------

std::uint64_t IngestionService::submitIngest(std::shared_ptr<IMarketDataProvider> provider, IngestRequest request,
                                             std::string correlationId, Callback done) {
  Job job;
  job.symbol = request.symbol;
  job.correlationId = std::move(correlationId);
  job.done = std::move(done);
  job.work = [this, provider = std::move(provider), request = std::move(request)]() -> Result<IngestReport> {
    if (!provider) return makeError("usage", "ingest: no provider");
    return ingest(*provider, request);
  };
  return enqueue(std::move(job));
}

std::uint64_t IngestionService::submitCsvImport(CsvImportRequest request, std::string correlationId, Callback done) {
  Job job;
  job.symbol = request.symbol.empty() ? CsvImporter::symbolFromFileName(request.path).toStdString() : request.symbol;
  job.correlationId = std::move(correlationId);
  job.done = std::move(done);
  job.work = [this, request = std::move(request)]() { return importCsv(request); };
  return enqueue(std::move(job));
}

std::uint64_t IngestionService::enqueue(Job job) {
  std::unique_lock lock(m_wake->mutex);
  job.id = m_nextJobId++;
  const std::uint64_t id = job.id;
  if (m_stopping) {
    lock.unlock();
    publishResult(job, makeError("cancelled", "ingestion service is stopped"));
    return id;
  }
  m_jobs.push_back(std::move(job));
  if (!m_worker.joinable()) m_worker = std::thread(&IngestionService::workerLoop, this);
  lock.unlock();
  m_wake->cv.notify_one();
  return id;
}

void IngestionService::publishResult(const Job& job, const Result<IngestReport>& result) {
  contract::IngestFinished ev;
  ev.correlationId = job.correlationId;
  ev.jobId = job.id;
  ev.symbol = job.symbol;
  ev.ok = result.ok();
  if (result.ok())
    ev.report = std::make_shared<const IngestReport>(result.value());
  else
    ev.error = result.error();
  if (m_bus) {
    if (ev.report)
      m_bus->publish(contract::QualityChecked{job.symbol, std::make_shared<const DataQualityReport>(ev.report->quality)});
    m_bus->publish(ev);
  }
  if (job.done) job.done(ev);
}

void IngestionService::workerLoop() {
  while (true) {
    Job job;
    {
      std::unique_lock lock(m_wake->mutex);
      m_wake->cv.wait(lock, [this] { return m_stopping || !m_jobs.empty() || m_wake->commands; });
      if (m_stopping) break;
      if (m_wake->commands) {
        m_wake->commands = false;
        lock.unlock();
        takeCommands();
        continue;
      }
      job = std::move(m_jobs.front());
      m_jobs.pop_front();
    }
    Result<IngestReport> result = makeError("internal", "job did not run");
    try {
      result = job.work();
    } catch (const std::exception& e) {
      result = makeError("internal", fmt::format("ingest job failed: {}", e.what()));
    }
    publishResult(job, result);
  }
}

void IngestionService::takeCommands() {
  std::vector<bus::Envelope> batch;
  m_commands->drain(batch);
  for (const auto& e : batch)
    if (const auto* cmd = e.as<contract::ImportCsv>()) {
      if (cmd->request) {
        submitCsvImport(*cmd->request, cmd->correlationId);
      } else {
        Job job;
        job.correlationId = cmd->correlationId;
        publishResult(job, makeError("usage", "import: no file given"));
      }
    }
}

void IngestionService::stop() {
  std::deque<Job> cancelled;
  if (m_commands) {
    m_bus->unsubscribe(m_subscription);
    m_commands->close();
  }
  {
    std::lock_guard lock(m_wake->mutex);
    m_stopping = true;
    cancelled.swap(m_jobs);
  }
  m_wake->cv.notify_all();
  if (m_worker.joinable()) m_worker.join();
  for (const auto& job : cancelled) publishResult(job, makeError("cancelled", "ingestion service stopped"));
}

}  // namespace meridian::marketdata
