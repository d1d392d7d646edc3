// bench load: how fast bars get into memory. The bar reader (core/bars) on a daily and an intraday CSV file it
// writes first (warm page cache, best of --runs), and loadBars of a stored series from SQLite and, with --pg or
// MERIDIAN_TEST_PG_URI / db.pg_uri, PostgreSQL. Figures in rows/s and as a ratio to the goals (10M rows/s CSV,
// 5M bars/s SQLite).
#include "app/cli/LoadBenchCommands.h"

#include "app/cli/Commands.h"
#include "core/bars/BarCsvReader.h"
#include "core/storage/sqlite/SqliteStorage.h"
#include "core/time/CivilTime.h"
#if MERIDIAN_HAVE_POSTGRES
#include "core/storage/postgres/PgStorage.h"
#endif

#include <QCommandLineParser>
#include <QDate>
#include <QFile>
#include <QTemporaryDir>

#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <functional>

namespace meridian::cli {
namespace {

using Clock = std::chrono::steady_clock;

// Best wall time of `runs` calls of f, in seconds; `cpu` gets the process CPU seconds of that run (on a shared
// machine the wall time includes waiting for a core, the CPU time does not).
double best(int runs, const std::function<bool()>& f, double* cpu = nullptr) {
  double b = 1e300;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = Clock::now();
    const std::clock_t c0 = std::clock();
    if (!f()) return -1;
    const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
    if (wall < b) {
      b = wall;
      if (cpu) *cpu = double(std::clock() - c0) / CLOCKS_PER_SEC;
    }
  }
  return b;
}

// A sane OHLCV row from a seeded walk (two decimals, like vendor files).
struct Walk {
  double px = 100.0;
  std::uint64_t state = 42;
  double next() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return double(state >> 11) / double(1ULL << 53);
  }
  void row(fmt::memory_buffer& out, int volume) {
    const double o = px;
    px = std::max(1.0, px * (1.0 + (next() - 0.5) * 0.01));
    const double hi = std::max(o, px) * (1.0 + next() * 0.003), lo = std::min(o, px) * (1.0 - next() * 0.003);
    fmt::format_to(std::back_inserter(out), ",{:.2f},{:.2f},{:.2f},{:.2f},{}\n", o, std::ceil(hi * 100) / 100,
                   std::floor(lo * 100) / 100, px, volume);
  }
};

bool writeFile(const QString& path, const fmt::memory_buffer& b) {
  QFile f(path);
  return f.open(QIODevice::WriteOnly) && f.write(b.data(), qint64(b.size())) == qint64(b.size());
}

}  // namespace

int runBenchLoad(const QStringList& args, const common::Config& config) {
  QCommandLineParser p;
  p.addOption({"rows", "Intraday CSV rows (default 5000000).", "n", "5000000"});
  p.addOption({"stored", "Bars of the stored series (default 1000000).", "n", "1000000"});
  p.addOption({"runs", "Repetitions; the best is reported (default 3).", "n", "3"});
  p.addOption({"pg", "PostgreSQL URI for the stored-series read (default: MERIDIAN_TEST_PG_URI, db.pg_uri).", "uri"});
  const QCommandLineOption help = p.addHelpOption();
  const bool parsed = p.parse(QStringList{"bench-load"} + args);
  if (parsed && p.isSet(help)) return printHelp(p, "bench load");
  if (!parsed) {
    fmt::print(stderr, "bench load: {}\n", p.errorText().toStdString());
    return 2;
  }
  const long rows = std::max(1000L, p.value("rows").toLong());
  const int runs = std::max(1, p.value("runs").toInt());
  QTemporaryDir dir;
  if (!dir.isValid()) {
    fmt::print(stderr, "bench load: no temporary directory\n");
    return 1;
  }

  // Daily: every calendar day the int64 nanosecond range holds whole (1678-01-01 .. 2261-12-31), Yahoo layout.
  fmt::memory_buffer daily;
  fmt::format_to(std::back_inserter(daily), "Date,Open,High,Low,Close,Volume\n");
  std::size_t dailyRows = 0;
  Walk walk;
  for (QDate d(1678, 1, 1); d <= QDate(2261, 12, 31); d = d.addDays(1), ++dailyRows) {
    fmt::format_to(std::back_inserter(daily), "{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
    walk.row(daily, 100000 + int(dailyRows % 1000));
  }
  // Intraday: 1-minute bars of regular sessions (09:30-15:59 New York wall time, weekdays) from 2000-01-03.
  fmt::memory_buffer intraday;
  fmt::format_to(std::back_inserter(intraday), "Date,Open,High,Low,Close,Volume\n");
  long written = 0;
  for (QDate d(2000, 1, 3); written < rows; d = d.addDays(1)) {
    if (d.dayOfWeek() > 5) continue;
    for (int m = 0; m < 390 && written < rows; ++m, ++written) {
      const int minute = 9 * 60 + 30 + m;
      fmt::format_to(std::back_inserter(intraday), "{:04}-{:02}-{:02} {:02}:{:02}:00", d.year(), d.month(), d.day(),
                     minute / 60, minute % 60);
      walk.row(intraday, 100 + int(written % 1000));
    }
  }
  const QString dailyPath = dir.filePath("daily.csv"), intradayPath = dir.filePath("intraday.csv");
  if (!writeFile(dailyPath, daily) || !writeFile(intradayPath, intraday)) {
    fmt::print(stderr, "bench load: cannot write the CSV files\n");
    return 1;
  }

  std::vector<domain::Bar> intradayBars;
  int rc = 0;
  auto csv = [&](const char* label, const QString& path, std::size_t expected, double mb,
                 std::vector<domain::Bar>* keep) {
    Result<bars::BarCsv> last = makeError("", "");
    double cpu = 0;
    const double s = best(
        runs,
        [&] {
          last = bars::readBarCsvFile(path.toStdString());
          return last.ok() && last->bars.size() == expected;
        },
        &cpu);
    if (s < 0) {
      fmt::print(stderr, "bench load: {}: {}\n", label, last.ok() ? "wrong row count" : last.error().message);
      rc = 1;
      return;
    }
    const double rate = double(expected) / s;
    const double cpuRate = cpu > 0 ? double(expected) / cpu : 0.0;
    fmt::print("csv {:<9} {:>9} rows {:>7.1f} MB  {:>8.1f} ms  {:>6.2f}M rows/s  {:>6.0f} MB/s  (goal 10M: {:.2f}x)"
               "  cpu {:.1f} ms = {:.2f}M rows/cpu-s\n",
               label, expected, mb, s * 1e3, rate / 1e6, mb / s, rate / 10e6, cpu * 1e3, cpuRate / 1e6);
    if (keep) *keep = std::move(last.value().bars);
  };
  csv("daily", dailyPath, dailyRows, double(daily.size()) / 1e6, nullptr);
  csv("intraday", intradayPath, std::size_t(rows), double(intraday.size()) / 1e6, &intradayBars);
  if (rc) return rc;
  intradayBars.resize(std::min(intradayBars.size(), std::size_t(std::max(1000L, p.value("stored").toLong()))));

  auto stored = [&](const char* label, storage::IBarStore& store) {
    const auto t0 = Clock::now();
    auto up = store.upsertBars("BENCHLOAD", "bench_1m", intradayBars);
    if (!up) {
      fmt::print(stderr, "bench load: {}: {}\n", label, up.error().message);
      rc = 1;
      return;
    }
    const double writeS = std::chrono::duration<double>(Clock::now() - t0).count();
    std::string error;
    auto read = [&] {
      auto r = store.loadBars("BENCHLOAD", "bench_1m", std::numeric_limits<domain::Timestamp>::min() + 1,
                              std::numeric_limits<domain::Timestamp>::max());
      if (!r) error = r.error().message;
      else if (*r != intradayBars) error = fmt::format("read {} bars that differ from the {} written", r->size(), intradayBars.size());
      return r.ok() && error.empty();
    };
    // The first read after a write is timed on its own: on SQLite it reads the rows and packs the series into
    // blocks (sql/sqlite/V004), which the later reads use.
    const double first = best(1, read);
    const double s = first < 0 ? first : best(runs, read);
    (void)store.deleteSeries("BENCHLOAD", "bench_1m");
    if (s < 0) {
      fmt::print(stderr, "bench load: {}: {}\n", label, error);
      rc = 1;
      return;
    }
    const double rate = double(intradayBars.size()) / s;
    fmt::print("{:<13} {:>9} bars  read {:>8.1f} ms  {:>6.2f}M bars/s  (goal 5M: {:.2f}x; written in {:.1f} s; "
               "first read after the write {:.1f} ms = {:.2f}M bars/s)\n",
               label, intradayBars.size(), s * 1e3, rate / 1e6, rate / 5e6, writeS, first * 1e3,
               double(intradayBars.size()) / first / 1e6);
  };
  {
    storage::SqliteStorage sqlite(dir.filePath("bench.sqlite").toStdString());
    if (Status s = sqlite.open(); !s.ok() || !(s = sqlite.migrate()).ok()) {
      fmt::print(stderr, "bench load: sqlite: {}\n", s.error().message);
      return 1;
    }
    stored("sqlite", sqlite);
  }
  QString pg = p.value("pg");
  if (pg.isEmpty()) pg = qEnvironmentVariable("MERIDIAN_TEST_PG_URI");
  if (pg.isEmpty()) pg = config.value("db.pg_uri");
#if MERIDIAN_HAVE_POSTGRES
  if (!pg.trimmed().isEmpty()) {
    storage::PgStorage store(pg.trimmed().toStdString());
    if (Status s = store.open(); !s.ok() || !(s = store.migrate()).ok()) {
      fmt::print(stderr, "bench load: postgres: {}\n", s.error().message);
      return 1;
    }
    stored("postgres", store);
  } else {
    fmt::print("postgres      skipped (no --pg, MERIDIAN_TEST_PG_URI or db.pg_uri)\n");
  }
#else
  fmt::print("postgres      skipped (built without PostgreSQL)\n");
#endif
  return rc;
}

}  // namespace meridian::cli
