#include "app/cli/ScreenCommands.h"

#include "core/backtest/BarSeriesLoader.h"
#include "core/backtest/SyntheticBars.h"
#include "core/runtime/Kernel.h"
#include "core/storage/StorageService.h"
#include "core/research/ScreenerService.h"
#include "core/screener/ExportText.h"
#include "core/screener/Query.h"
#include "ui/models/CsvExport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <map>

namespace meridian::cli {
namespace {

using screener::Column;
using screener::Criteria;

constexpr const char* kHelp = R"(Usage: meridian-cli screen [--preset FILE.json] [filters] [data] [output]

Filters (override the preset; percent values in %, e.g. --change-30d-min 10; amounts accept k/M/B/T):
  --sector NAME            any of (repeat or comma-separate); excludes symbols without a stored sector
  --price-min X / --price-max X
  --min-volume N           latest bar's volume
  --min-avg-volume N       20-bar average volume
  --min-market-cap N       excludes symbols without a stored market cap
  --rsi-min X / --rsi-max X                       RSI 14 (Wilder)
  --change-1d-min X / --change-1d-max X           also --change-5d-*, --change-30d-*
  --max-volatility X       annualised, 20-day stdev of log returns x sqrt(252), percent
  --sma20 above|below      close vs SMA20
  --cross golden|death     SMA50 crossed SMA200 within the last --cross-lookback N bars (default 5)
  --macd bullish|bearish   MACD 12/26/9 line vs signal
  --bollinger-min X / --bollinger-max X           Bollinger 20/2 %B (0 = lower band, 1 = upper band)
  --sort COLUMN [--asc|--desc]  e.g. rsi, change_30d, market_cap (default symbol)
  --limit N                at most N rows
  --query "TEXT"           a filter in the query language, after the flags above, e.g.
                           "rsi14 < 30 and price > sma200 and avg_dollar_volume > 10M" (metrics below)
Data:
  --input [SYM=]FILE.csv   screen daily CSV files instead of the database (repeatable)
  --symbol SYM             only these stored symbols (repeatable)
  --source SRC             only series of this storage source (default: per symbol the newest daily series)
  --history N              bars per symbol the metrics use (default 300)
Output:
  --csv OUT.csv            also write the rows (column keys as header)
  --rows-json              print the result as JSON instead of the table: {"matched", "scanned", "failed",
                           "rows": [{column key: value, ...}], "excluded": [{"symbol", "reason"}]}; numbers at
                           full precision, null when unknown (the same keys and values as --csv)
  --json                   print the effective criteria JSON and exit (to save as a preset)
A filter on a field a symbol lacks (no fundamentals stored, too little history) excludes the symbol; the
exclusions are listed after the table.
Query language: comparisons (< <= > >= = !=) of metrics and numbers (suffix K M B T; % is ignored), joined by
and / or / not and parentheses. Metrics:
)";

Result<double> parseNumber(const QString& flag, const QString& value, bool amount) {
  QString t = value.trimmed();
  t.remove(',');
  double scale = 1.0;
  if (amount && !t.isEmpty()) {
    const QChar s = t.back().toUpper();
    scale = s == 'K' ? 1e3 : s == 'M' ? 1e6 : s == 'B' ? 1e9 : s == 'T' ? 1e12 : 1.0;
    if (scale != 1.0) t.chop(1);
  }
  bool ok = false;
  const double v = t.toDouble(&ok);
  if (!ok || !std::isfinite(v))
    return makeError("usage", fmt::format("{}: '{}' is not a {}", flag.toStdString(), value.toStdString(),
                                          amount ? "number or amount (e.g. 10B)" : "number"));
  return v * scale;
}

struct Options {
  Criteria criteria;
  std::vector<std::string> inputs;
  std::vector<std::string> symbols;
  std::string source;
  std::size_t history = screener::kDefaultHistoryBars;
  QString csvPath;
  std::optional<screener::Query> query;
  bool json = false;
  bool rowsJson = false;  // --rows-json: the result as JSON instead of the table
  bool help = false;
};

Result<Options> parseArgs(const QStringList& args) {
  Options o;
  // The preset first, so that flags override it whatever their position.
  for (int i = 0; i < args.size(); ++i) {
    if (args[i] != "--preset") continue;
    if (i + 1 >= args.size()) return makeError("usage", "--preset needs a file");
    QFile f(args[i + 1]);
    if (!f.open(QIODevice::ReadOnly))
      return makeError("usage", fmt::format("cannot read preset {}: {}", args[i + 1].toStdString(), f.errorString().toStdString()));
    auto c = screener::criteriaFromJson(f.readAll().toStdString());
    if (!c) return makeError("usage", fmt::format("preset {}: {}", args[i + 1].toStdString(), c.error().message));
    o.criteria = *c;
  }
  Criteria& c = o.criteria;
  auto number = [](std::optional<double>& out, bool amount) -> std::function<Status(const QString&, const QString&)> {
    return [&out, amount](const QString& flag, const QString& v) -> Status {
      auto n = parseNumber(flag, v, amount);
      if (!n) return n.error();
      out = *n;
      return {};
    };
  };
  const std::map<QString, std::function<Status(const QString&, const QString&)>> valued = {
      {"--price-min", number(c.price.min, false)},        {"--price-max", number(c.price.max, false)},
      {"--min-volume", number(c.minVolume, true)},        {"--min-avg-volume", number(c.minAvgVolume, true)},
      {"--min-market-cap", number(c.minMarketCap, true)}, {"--rsi-min", number(c.rsi.min, false)},
      {"--rsi-max", number(c.rsi.max, false)},            {"--change-1d-min", number(c.change1d.min, false)},
      {"--change-1d-max", number(c.change1d.max, false)}, {"--change-5d-min", number(c.change5d.min, false)},
      {"--change-5d-max", number(c.change5d.max, false)}, {"--change-30d-min", number(c.change30d.min, false)},
      {"--change-30d-max", number(c.change30d.max, false)}, {"--max-volatility", number(c.maxVolatility, false)},
      {"--bollinger-min", number(c.bollinger.min, false)}, {"--bollinger-max", number(c.bollinger.max, false)},
  };
  for (int i = 0; i < args.size(); ++i) {
    const QString& a = args[i];
    auto value = [&]() -> Result<QString> {
      if (i + 1 >= args.size()) return makeError("usage", fmt::format("{} needs a value", a.toStdString()));
      return args[++i];
    };
    auto count = [&](std::size_t& out) -> Status {
      auto v = value();
      if (!v) return v.error();
      bool ok = false;
      const int n = v->toInt(&ok);
      if (!ok || n < 0) return makeError("usage", fmt::format("{}: '{}' is not a whole number >= 0", a.toStdString(), v->toStdString()));
      out = static_cast<std::size_t>(n);
      return {};
    };
    Status st;
    if (a == "-h" || a == "--help") {
      o.help = true;
    } else if (a == "--preset") {
      ++i;  // read above
    } else if (auto it = valued.find(a); it != valued.end()) {
      auto v = value();
      if (!v) return v.error();
      st = it->second(a, *v);
    } else if (a == "--sector") {
      auto v = value();
      if (!v) return v.error();
      for (const QString& s : v->split(',', Qt::SkipEmptyParts)) c.sectors.push_back(s.trimmed().toStdString());
    } else if (a == "--sma20" || a == "--cross" || a == "--macd") {
      auto v = value();
      if (!v) return v.error();
      const QString x = v->trimmed().toLower();
      if (a == "--sma20" && (x == "above" || x == "below" || x == "any"))
        c.sma20 = x == "above" ? screener::Sma20Filter::Above : x == "below" ? screener::Sma20Filter::Below : screener::Sma20Filter::Any;
      else if (a == "--cross" && (x == "golden" || x == "death" || x == "any"))
        c.cross = x == "golden" ? screener::CrossFilter::Golden : x == "death" ? screener::CrossFilter::Death : screener::CrossFilter::Any;
      else if (a == "--macd" && (x == "bullish" || x == "bearish" || x == "any"))
        c.macd = x == "bullish" ? screener::MacdFilter::Bullish : x == "bearish" ? screener::MacdFilter::Bearish : screener::MacdFilter::Any;
      else
        return makeError("usage", fmt::format("{}: unknown value '{}'", a.toStdString(), v->toStdString()));
    } else if (a == "--cross-lookback") {
      st = count(c.crossLookback);
    } else if (a == "--limit") {
      st = count(c.limit);
    } else if (a == "--history") {
      st = count(o.history);
    } else if (a == "--sort") {
      auto v = value();
      if (!v) return v.error();
      const auto col = screener::columnFromKey(v->trimmed().toLower().toStdString());
      if (!col) return makeError("usage", fmt::format("--sort: unknown column '{}'", v->toStdString()));
      c.sortBy = *col;
      c.descending = screener::defaultDescending(*col);
    } else if (a == "--asc" || a == "--desc") {
      c.descending = a == "--desc";
    } else if (a == "--input") {
      auto v = value();
      if (!v) return v.error();
      o.inputs.push_back(v->toStdString());
    } else if (a == "--symbol") {
      auto v = value();
      if (!v) return v.error();
      o.symbols.push_back(v->trimmed().toUpper().toStdString());
    } else if (a == "--source") {
      auto v = value();
      if (!v) return v.error();
      o.source = v->trimmed().toStdString();
    } else if (a == "--csv") {
      auto v = value();
      if (!v) return v.error();
      o.csvPath = *v;
    } else if (a == "--query") {
      auto v = value();
      if (!v) return v.error();
      auto q = screener::Query::parse(v->toStdString());
      if (!q) return makeError("usage", q.error().message);
      o.query = std::move(*q);
    } else if (a == "--json") {
      o.json = true;
    } else if (a == "--rows-json") {
      o.rowsJson = true;
    } else {
      return makeError("usage", fmt::format("unknown option '{}' (see screen --help)", a.toStdString()));
    }
    if (!st) return st.error();
  }
  if (Status v = screener::validate(c); !v) return makeError("usage", v.error().message);
  return o;
}

void printTable(const screener::ScreenerResult& r) {
  const Column cols[] = {Column::Symbol,   Column::Sector,    Column::MarketCap, Column::Price,      Column::AvgVolume,
                         Column::Change1d, Column::Change5d,  Column::Change30d, Column::Volatility, Column::Rsi,
                         Column::VsSma20,  Column::VsSma50,   Column::VsSma200,  Column::FromHigh52w, Column::AvgDollarVolume,
                         Column::AtrPct,   Column::GapPct,    Column::RelVolume, Column::Cross,      Column::Macd,
                         Column::Bollinger, Column::LastDate};
  std::vector<std::size_t> width;
  for (Column c : cols) {
    std::size_t w = screener::columnKey(c).size();
    for (const auto& m : r.rows) w = std::max(w, screener::cellText(m, c).size());
    width.push_back(std::min<std::size_t>(w, 24));
  }
  std::string line;
  for (std::size_t i = 0; i < std::size(cols); ++i) line += fmt::format("{:<{}} ", screener::columnKey(cols[i]), width[i]);
  fmt::print("{}\n", line);
  for (const auto& m : r.rows) {
    line.clear();
    for (std::size_t i = 0; i < std::size(cols); ++i) {
      std::string cell = screener::cellText(m, cols[i]);
      if (cell.size() > width[i]) cell = cell.substr(0, width[i]);
      line += i < 2 ? fmt::format("{:<{}} ", cell, width[i]) : fmt::format("{:>{}} ", cell, width[i]);
    }
    fmt::print("{}\n", line);
  }
}

bool writeCsv(const QString& path, const screener::ScreenerResult& r, QString* error) {
  QStringList header;
  for (int c = 0; c < screener::kColumnCount; ++c) header << QString::fromUtf8(screener::columnKey(Column(c)).data());
  return ui::csv::writeRows(path, header, static_cast<int>(r.rows.size()), [&](int row) {
    QStringList fields;
    for (int c = 0; c < screener::kColumnCount; ++c)
      fields << QString::fromStdString(screener::exportText(r.rows[std::size_t(row)], Column(c)));  // full precision
    return fields;
  }, error);
}

void printSummary(const screener::ScreenerResult& r, double seconds) {
  fmt::print("\n{} match{} of {} symbols{}; {} failed a filter; {} excluded (filtered field unknown); {:.3f} s\n",
             r.matched, r.matched == 1 ? "" : "es", r.scanned,
             r.rows.size() < r.matched ? fmt::format(" (showing {})", r.rows.size()) : std::string(), r.failed,
             r.excluded.size(), seconds);
  for (const auto& e : r.excluded) fmt::print("  excluded {}: {}\n", e.symbol, e.reason);
}

// The result as JSON: every column of every row under its column key (numbers at full precision, null = unknown).
void printRowsJson(const screener::ScreenerResult& r) {
  QJsonArray rows;
  for (const auto& m : r.rows) {
    QJsonObject row;
    for (int c = 0; c < screener::kColumnCount; ++c) {
      const auto col = Column(c);
      const QString key = QString::fromUtf8(screener::columnKey(col).data());
      if (col == Column::Symbol || col == Column::Sector || col == Column::Cross || col == Column::LastDate) {
        const std::string text = screener::cellText(m, col);
        row.insert(key, text.empty() ? QJsonValue() : QJsonValue(QString::fromStdString(text)));
      } else {
        const auto v = screener::columnValue(m, col);
        row.insert(key, v ? QJsonValue(*v) : QJsonValue());
      }
    }
    rows.append(row);
  }
  QJsonArray excluded;
  for (const auto& e : r.excluded)
    excluded.append(QJsonObject{{"symbol", QString::fromStdString(e.symbol)}, {"reason", QString::fromStdString(e.reason)}});
  const QJsonObject doc{{"scanned", double(r.scanned)}, {"matched", double(r.matched)}, {"failed", double(r.failed)},
                        {"rows", rows}, {"excluded", excluded}};
  fmt::print("{}\n", QJsonDocument(doc).toJson(QJsonDocument::Indented).toStdString());
}

}  // namespace

int runScreen(const QStringList& args, const common::Config& config) {
  auto parsed = parseArgs(args);
  if (!parsed) {
    fmt::print(stderr, "screen: {}\n", parsed.error().message);
    return 2;
  }
  const Options& o = *parsed;
  if (o.help) {
    fmt::print("{}", kHelp);
    for (const auto& [name, meaning] : screener::Query::metrics()) fmt::print("  {:<18} {}\n", name, meaning);
    return 0;
  }
  // With a query the limit applies to the rows that pass it.
  Options run = o;
  if (run.query) run.criteria.limit = 0;
  if (o.json) {
    fmt::print("{}\n", screener::toJson(o.criteria));
    return 0;
  }

  std::shared_ptr<const screener::ScreenerResult> result;
  double seconds = 0.0;
  if (!o.inputs.empty()) {
    const auto started = std::chrono::steady_clock::now();
    // One file at a time: a file with a bad row excludes its symbol (with the file, line and reason), not the
    // whole screen; a file that cannot be opened, or a symbol given twice, is still an error.
    std::vector<screener::SymbolMetrics> metrics;
    for (const std::string& text : o.inputs) {
      backtest::CsvSpec spec = backtest::parseCsvSpec(text);
      const std::string symbol = spec.symbol.empty() ? backtest::symbolFromPath(spec.path) : spec.symbol;
      if (std::any_of(metrics.begin(), metrics.end(), [&](const auto& m) { return m.symbol == symbol; })) {
        fmt::print(stderr, "screen: symbol {} given twice (name the inputs SYM=FILE)\n", symbol);
        return 1;
      }
      backtest::CsvOptions complete;
      complete.requireComplete = true;  // a null row or a blank volume excludes the symbol (its metrics would be wrong)
      auto s = backtest::loadYahooCsv(spec.path, symbol, complete);
      if (!s && s.error().code != "csv.parse") {
        fmt::print(stderr, "screen: {}\n", s.error().message);
        return 1;
      }
      if (!s) {
        screener::SymbolMetrics bad;
        bad.symbol = symbol;
        bad.bars = 1;
        bad.dataProblem = s.error().message;
        metrics.push_back(std::move(bad));
        continue;
      }
      metrics.push_back(screener::computeMetrics(s->symbol, s->bars, run.criteria.crossLookback, o.history));
    }
    result = std::make_shared<const screener::ScreenerResult>(screener::screen(run.criteria, std::move(metrics)));
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  } else {
    storage::StorageService storage(runtime::storageConfigFrom(config));
    if (Status s = storage.start(); !s.ok()) {
      fmt::print(stderr, "screen: {} ({})\n", s.error().message, s.error().code);
      return 1;
    }
    bus::EventBus bus;
    research::ScreenerService service(bus, [&storage](const storage::StorageTask& task) {
      storage.call([&task](storage::IStorage& s) { task(s); }).get();
    });
    contract::RunScreener cmd;
    cmd.correlationId = "cli";
    cmd.criteria = run.criteria;
    cmd.source = o.source;
    cmd.symbols = o.symbols;
    cmd.historyBars = o.history;
    const contract::ScreenerFinished done = service.run(cmd);  // synchronous on this thread
    storage.stop();
    if (!done.ok()) {
      fmt::print(stderr, "screen: {} ({})\n", done.error, done.errorCode);
      return 1;
    }
    result = done.result;
    seconds = done.elapsedSeconds;
  }
  if (o.query) {
    auto filtered = std::make_shared<screener::ScreenerResult>(*result);
    screener::applyQuery(*filtered, *o.query, o.criteria.limit);
    result = std::move(filtered);
  }
  const auto& r = *result;
  if (r.scanned == 0) {
    fmt::print(stderr, "screen: no daily series to screen (import or ingest bars first, or use --input FILE.csv)\n");
  }
  if (o.rowsJson) {
    printRowsJson(r);
  } else {
    printTable(r);
    printSummary(r, seconds);
  }
  if (!o.csvPath.isEmpty()) {
    QString error;
    if (!writeCsv(o.csvPath, r, &error)) {
      fmt::print(stderr, "screen: {}\n", error.toStdString());
      return 1;
    }
    fmt::print(o.rowsJson ? stderr : stdout, "wrote {} rows to {}\n", r.rows.size(), o.csvPath.toStdString());
  }
  return 0;
}

int runBenchScreener(const QStringList& args, const common::Config&) {
  std::size_t symbols = 3000, bars = 1300, history = screener::kDefaultHistoryBars;
  bool viaStorage = false;
  QStringList rest;
  for (const QString& a : args) {
    if (a == "--storage") viaStorage = true;
    else rest << a;
  }
  for (int i = 0; i < rest.size(); i += 2) {
    if (i + 1 >= rest.size()) {
      fmt::print(stderr, "bench screener: {} needs a value\n", rest[i].toStdString());
      return 2;
    }
    bool ok = false;
    const std::size_t v = rest[i + 1].toULongLong(&ok);
    if (!ok || v == 0) {
      fmt::print(stderr, "bench screener: {} needs a positive number\n", rest[i].toStdString());
      return 2;
    }
    if (rest[i] == "--symbols") symbols = v;
    else if (rest[i] == "--bars") bars = v;
    else if (rest[i] == "--history") history = v;
    else {
      fmt::print(stderr, "bench screener: unknown option {} (--symbols N --bars N --history N --storage)\n",
                 rest[i].toStdString());
      return 2;
    }
  }
  fmt::print("screener: {} symbols x {} daily bars (synthetic, seeded)\n", symbols, bars);
  std::vector<backtest::BarSeries> data;
  data.reserve(symbols);
  for (std::size_t s = 0; s < symbols; ++s) data.push_back(backtest::randomWalkBars(fmt::format("S{:04}", s), bars, 1000 + s));

  Criteria c;
  c.rsi.max = 45;
  c.sma20 = screener::Sma20Filter::Below;
  c.sortBy = Column::Rsi;
  for (const std::size_t h : {history, std::size_t(0)}) {
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<screener::SymbolMetrics> metrics;
    metrics.reserve(symbols);
    std::size_t used = 0;
    for (const auto& s : data) {
      metrics.push_back(screener::computeMetrics(s.symbol, s.bars, c.crossLookback, h));
      used += metrics.back().bars;
    }
    const auto t1 = std::chrono::steady_clock::now();
    const auto r = screener::screen(c, std::move(metrics));
    const auto t2 = std::chrono::steady_clock::now();
    const double tm = std::chrono::duration<double>(t1 - t0).count();
    const double ts = std::chrono::duration<double>(t2 - t1).count();
    fmt::print("  window {:>5}: metrics {:8.1f} ms ({:.0f} symbols/s, {:.1f} M bars/s), filter+sort {:6.2f} ms, "
               "{} matches\n",
               h ? fmt::format("{}", screener::effectiveHistory(c.crossLookback, h)) : std::string("all"), tm * 1e3,
               double(symbols) / tm, double(used) / tm / 1e6, ts * 1e3, r.matched);
  }
  if (!viaStorage) return 0;

  // The service path: the same universe in a temporary SQLite file behind StorageService, read in chunks.
  QTemporaryDir dir;
  storage::StorageConfig cfg;
  cfg.sqlitePath = dir.filePath("bench-screener.sqlite").toStdString();
  storage::StorageService storage(cfg);
  if (Status s = storage.start(); !s.ok()) {
    fmt::print(stderr, "bench screener: {}\n", s.error().message);
    return 1;
  }
  const std::size_t stored = screener::effectiveHistory(c.crossLookback, history);
  const auto w0 = std::chrono::steady_clock::now();
  const Status written = storage.call([&](storage::IStorage& s) -> Status {
    for (const auto& series : data) {
      const std::span<const domain::Bar> all(series.bars);
      auto r = s.upsertBars(series.symbol, "bench", all.last(std::min(stored, all.size())));
      if (!r) return r.error();
    }
    return {};
  }).get();
  if (!written.ok()) {
    fmt::print(stderr, "bench screener: writing bars failed: {}\n", written.error().message);
    return 1;
  }
  const double tw = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
  bus::EventBus bus;
  research::ScreenerService service(bus, [&storage](const storage::StorageTask& task) {
    storage.call([&task](storage::IStorage& s) { task(s); }).get();
  });
  contract::RunScreener cmd;
  cmd.correlationId = "bench";
  cmd.criteria = c;
  cmd.historyBars = history;
  const auto done = service.run(cmd);
  storage.stop();
  if (!done.ok()) {
    fmt::print(stderr, "bench screener: {}\n", done.error);
    return 1;
  }
  fmt::print("  SQLite service run: {} series x {} bars (written in {:.1f} s), screen {:.1f} ms ({:.0f} symbols/s, "
             "{} storage tasks), {} matches\n",
             done.seriesRead, stored, tw, done.elapsedSeconds * 1e3, double(done.seriesRead) / done.elapsedSeconds,
             service.stats().storageTasks, done.result->matched);
  return 0;
}

}  // namespace meridian::cli
