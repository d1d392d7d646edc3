#include "app/cli/BacktestCommands.h"
#include "app/cli/Commands.h"

#include "core/backtest/BacktestEngine.h"
#include "core/backtest/BarSeriesLoader.h"
#include "core/bus/EventBus.h"
#include "core/contract/Backtest.h"
#include "core/history/HistoryService.h"
#include "core/research/BacktestService.h"
#include "core/research/PnlReport.h"
#include "core/research/StoredSeries.h"
#include "core/storage/StorageService.h"
#include "core/backtest/JsonWriter.h"
#include "core/backtest/Optimizer.h"
#include "core/backtest/ResultJson.h"
#include "core/backtest/RunRecord.h"
#include "core/backtest/SyntheticBars.h"
#include "core/common/Clock.h"
#include "core/runtime/Kernel.h"
#include "core/runtime/LiveComparison.h"
#include "core/strategy/builtin/SmaCross.h"
#include "core/strategy/pairs/PairScanner.h"
#include "core/time/TimeZones.h"

#include <QCommandLineParser>
#include <QDate>
#include <QFile>

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <limits>
#include <optional>
#include <thread>

namespace meridian::cli {
namespace {

constexpr int kUsage = 2;
constexpr int kFailure = 1;

std::string text(const QString& s) { return s.toStdString(); }

// Exchange (America/New_York) date, "yyyy-MM-dd", as printed and in --json output.
std::string dateText(domain::Timestamp ts) { return text(time::TimeZones::exchangeDateText(ts)); }

int usageError(const char* cmd, const std::string& message) {
  fmt::print(stderr, "{}: {}\n", cmd, message);
  return kUsage;
}

int failure(const char* cmd, const std::string& message) {
  fmt::print(stderr, "{}: {}\n", cmd, message);
  return kFailure;
}

bool toDouble(const QString& s, double& out) {
  bool ok = false;
  out = s.toDouble(&ok);
  return ok && std::isfinite(out);
}

// --csv [SYM=]FILE values -> loaded series (backtest::loadCsvSpecs). Returns an exit code on error (0 = ok).
int loadSeries(const char* cmd, const QStringList& specs, const backtest::CsvOptions& opt,
               std::vector<backtest::BarSeries>& out) {
  std::vector<std::string> files;
  for (const QString& spec : specs) files.push_back(text(spec));
  auto loaded = backtest::loadCsvSpecs(files, opt);
  if (!loaded) {
    return loaded.error().code == backtest::kDuplicateSymbolCode ? usageError(cmd, loaded.error().message)
                                                                 : failure(cmd, loaded.error().message);
  }
  for (auto& s : loaded.value()) out.push_back(std::move(s));
  return 0;
}

// --dedupe takes 'last' only (the one lenient policy the bar reader has).
int checkLenientCsv(const char* cmd, const QCommandLineParser& p) {
  if (p.isSet("dedupe") && p.value("dedupe") != "last")
    return usageError(cmd, "--dedupe takes 'last' (the last row of a duplicated time wins)");
  return 0;
}

int filterDates(const char* cmd, const QCommandLineParser& p, std::vector<backtest::BarSeries>& series) {
  QDate from, to;
  if (p.isSet("from") && !(from = QDate::fromString(p.value("from"), Qt::ISODate)).isValid())
    return usageError(cmd, "--from needs a YYYY-MM-DD date");
  if (p.isSet("to") && !(to = QDate::fromString(p.value("to"), Qt::ISODate)).isValid())
    return usageError(cmd, "--to needs a YYYY-MM-DD date");
  if (!from.isValid() && !to.isValid()) return 0;
  for (auto& s : series) {
    std::erase_if(s.bars, [&](const domain::Bar& b) {
      const QDate d = time::TimeZones::exchangeDate(b.ts);
      return (from.isValid() && d < from) || (to.isValid() && d > to);
    });
    if (s.bars.empty()) return failure(cmd, fmt::format("no {} bars between the given dates", s.symbol));
  }
  return 0;
}

// A usage error when --from / --to are not dates (the service filters by the same exchange dates).
int checkDates(const char* cmd, const QCommandLineParser& p) {
  if (p.isSet("from") && !QDate::fromString(p.value("from"), Qt::ISODate).isValid())
    return usageError(cmd, "--from needs a YYYY-MM-DD date");
  if (p.isSet("to") && !QDate::fromString(p.value("to"), Qt::ISODate).isValid())
    return usageError(cmd, "--to needs a YYYY-MM-DD date");
  return 0;
}

// Runs one command through research::BacktestService on a private bus (the service the GUI's dialogs use) and
// returns its answer; null when the service could not take it (the reason is printed).
template <class Cmd>
std::shared_ptr<const contract::BacktestFinished> runThroughService(const char* cmd, bus::EventBus& bus, Cmd command,
                                                                    research::BacktestService::Options options) {
  research::BacktestService service(bus, std::move(options));
  if (Status s = service.start(); !s.ok()) {
    fmt::print(stderr, "{}: {}\n", cmd, s.error().message);
    return nullptr;
  }
  auto answers = std::make_shared<bus::Mailbox>("cli");
  command.correlationId = "cli";
  bus.subscribe<contract::BacktestFinished>(answers, command.correlationId);
  if (Status s = bus.send(std::move(command)); !s.ok()) {
    fmt::print(stderr, "{}: {}\n", cmd, s.error().message);
    return nullptr;
  }
  std::vector<bus::Envelope> got;
  while (true) {
    answers->waitNonEmpty(std::chrono::milliseconds(100));
    answers->drain(got);
    for (const auto& e : got)
      if (auto f = e.share<contract::BacktestFinished>()) return f;
  }
}

// --symbol inputs: the configured store (db.*) read by a HistoryService on the command's bus, as the GUI reads it.
class StoredSource {
 public:
  explicit StoredSource(bus::EventBus& bus) : m_bus(bus) {}
  ~StoredSource() {
    if (m_history) m_history->stop();
    if (m_storage) m_storage->stop();
  }
  // Opens storage and starts the history service (no-op when already open). Returns an exit code (0 = ok).
  int open(const char* cmd, const common::Config& config) {
    if (m_history) return 0;
    m_storage = std::make_unique<storage::StorageService>(runtime::storageConfigFrom(config));
    if (Status s = m_storage->start(); !s.ok())
      return failure(cmd, fmt::format("cannot open storage: {} ({})", s.error().message, s.error().code));
    m_history = history::makeHistoryService(m_bus, *m_storage);  // as the application reads it
    m_history->start();
    return 0;
  }
  storage::StorageService* storage() const { return m_storage.get(); }

 private:
  bus::EventBus& m_bus;
  std::unique_ptr<storage::StorageService> m_storage;
  std::unique_ptr<history::HistoryService> m_history;
};

// --symbol / --timeframe / --source / --adjusted -> stored series requests. Returns an exit code (0 = ok).
int storedRequests(const char* cmd, const QCommandLineParser& p, std::vector<contract::SeriesRequest>& out) {
  if (p.values("symbol").isEmpty()) {
    if (p.isSet("source") || p.isSet("timeframe"))
      return usageError(cmd, "--source and --timeframe apply to --symbol series (CSV files are daily)");
    return 0;
  }
  const auto tf = domain::timeframeFromString(text(p.value("timeframe")));
  if (!tf)
    return usageError(cmd, fmt::format("--timeframe: '{}' is not 1m, 5m, 15m, 1h or 1d", text(p.value("timeframe"))));
  for (const QString& symbol : p.values("symbol")) {
    contract::SeriesRequest r;
    r.symbol = text(symbol.trimmed().toUpper());
    if (r.symbol.empty()) return usageError(cmd, "--symbol needs a symbol");
    r.source = text(p.value("source").trimmed());
    r.timeframe = *tf;
    r.adjusted = p.isSet("adjusted");
    out.push_back(std::move(r));
  }
  return 0;
}

// Exit code of a failed run: 2 when the input given was wrong (a symbol twice), else 1.
int finishedError(const char* cmd, const contract::BacktestFinished& f) {
  return f.errorCode == backtest::kDuplicateSymbolCode ? usageError(cmd, f.error) : failure(cmd, f.error);
}

std::string fmtPct(double v) { return std::isfinite(v) ? fmt::format("{:.2f}%", v * 100.0) : "n/a"; }
std::string fmtNum(double v, int prec = 2) { return std::isfinite(v) ? fmt::format("{:.{}f}", v, prec) : "n/a"; }

void printMetricsText(const analytics::Metrics& m) {
  fmt::print("  total return     {}\n", fmtPct(m.totalReturn));
  fmt::print("  CAGR             {}\n", fmtPct(m.cagr));
  fmt::print("  volatility       {}\n", fmtPct(m.annualVolatility));
  fmt::print("  Sharpe           {}\n", fmtNum(m.sharpe, 3));
  fmt::print("  Sortino          {}\n", fmtNum(m.sortino, 3));
  fmt::print("  Calmar           {}\n", fmtNum(m.calmar, 3));
  fmt::print("  max drawdown     {} ({} bars underwater)\n", fmtPct(m.maxDrawdown), m.maxDrawdownDuration);
  fmt::print("  exposure         {}\n", fmtPct(m.exposure));
  fmt::print("  trades           {} (won {}, lost {}, win rate {})\n", m.trades, m.wins, m.losses, fmtPct(m.winRate));
  fmt::print("  profit factor    {}\n", fmtNum(m.profitFactor, 3));
  fmt::print("  avg win / loss   {} / {}\n", fmtNum(m.avgWin), fmtNum(m.avgLoss));
}

void printResultText(const backtest::BacktestResult& r) {
  std::string symbols;
  for (const auto& s : r.symbols) symbols += (symbols.empty() ? "" : ",") + s;
  fmt::print("{} ({}) on {} {}..{} ({} bars)\n", r.strategy, r.params.toString(), symbols,
             dateText(r.startTs), dateText(r.endTs), r.bars);
  fmt::print("  initial cash     {:.2f}\n", r.initialCash);
  fmt::print("  final value      {:.2f}\n", r.finalValue);
  fmt::print("  pnl              {:.2f}\n", r.finalValue - r.initialCash);
  printMetricsText(r.metrics);
  if (!r.benchmarkSymbol.empty()) {
    const analytics::BenchmarkStats& b = r.benchmarkStats;
    fmt::print("  buy & hold       {} {} (final value {:.2f})\n", r.benchmarkSymbol, fmtPct(b.totalReturn), b.finalValue);
    fmt::print("  alpha (ann.)     {}\n", fmtPct(b.alpha));
    fmt::print("  beta             {} (correlation {}, {} daily returns)\n", fmtNum(b.beta, 3), fmtNum(b.correlation, 3),
               b.days);
  }
  for (const auto& p : r.positions)
    if (p.quantity != 0.0)
      fmt::print("  open position    {} {} @ {:.4f} (last {:.4f})\n", p.symbol, p.quantity, p.avgCost, p.lastPrice);
  if (r.trades.empty()) return;
  fmt::print("\n  {:<6} {:<5} {:>8} {:<10} {:>10} {:<10} {:>10} {:>12}\n", "symbol", "side", "qty", "entry", "price",
             "exit", "price", "pnl");
  for (const auto& t : r.trades)
    fmt::print("  {:<6} {:<5} {:>8} {:<10} {:>10.4f} {:<10} {:>10.4f} {:>12.2f}\n", t.symbol,
               t.side == domain::Side::Buy ? "long" : "short", t.quantity, dateText(t.entryTs),
               t.entryPrice, dateText(t.exitTs), t.exitPrice, t.pnl);
}

void printComparison(const research::PnlComparison& c) {
  std::string symbols;
  for (const auto& s : c.symbols) symbols += (symbols.empty() ? "" : ",") + s;
  fmt::print("live vs backtest: {} ({} {} on {}) {}..{}\n", c.strategyId, c.strategy, c.params, symbols,
             text(c.from.toString(Qt::ISODate)), text(c.to.toString(Qt::ISODate)));
  fmt::print("  {:<16} {:>14} {:>14}\n", "", "live", "backtest");
  const auto row = [](const char* name, const std::string& a, const std::string& b) {
    fmt::print("  {:<16} {:>14} {:>14}\n", name, a, b);
  };
  const auto money = [](double v) { return fmt::format("{:+.2f}", v); };
  row("P&L", money(c.live.pnl), money(c.backtest.pnl));
  row("fees", fmtNum(c.live.fees), fmtNum(c.backtest.fees));
  row("fills", std::to_string(c.live.fills), std::to_string(c.backtest.fills));
  row("closed trades", std::to_string(c.live.trades), std::to_string(c.backtest.trades));
  row("total return", fmtPct(c.live.metrics.totalReturn), fmtPct(c.backtest.metrics.totalReturn));
  row("Sharpe", fmtNum(c.live.metrics.sharpe, 3), fmtNum(c.backtest.metrics.sharpe, 3));
  row("Sortino", fmtNum(c.live.metrics.sortino, 3), fmtNum(c.backtest.metrics.sortino, 3));
  row("max drawdown", fmtPct(c.live.metrics.maxDrawdown), fmtPct(c.backtest.metrics.maxDrawdown));
  row("win rate", fmtPct(c.live.metrics.winRate), fmtPct(c.backtest.metrics.winRate));
  row("profit factor", fmtNum(c.live.metrics.profitFactor, 3), fmtNum(c.backtest.metrics.profitFactor, 3));
  fmt::print("  live - backtest P&L: {:+.2f}\n\n", c.pnlDifference);
}

void printStrategies() {
  for (const auto& s : strategy::StrategyRegistry::builtin().all()) {
    fmt::print("{}  ({} series) {}\n", s.name, s.instruments, s.description);
    for (const auto& p : s.params)
      fmt::print("    {:<16} default {:<8} range [{}, {}]{}  {}\n", p.name, p.defaultValue, p.min, p.max,
                 p.integer ? " integer" : "", p.help);
  }
}

}  // namespace

int runBacktestCommand(const QStringList& args, const common::Config& config) {
  const char* cmd = "backtest";
  QCommandLineParser p;
  p.addOptions({
      {"strategy", "Strategy name (see --list).", "name", "sma_cross"},
      {"param", "Strategy parameter name=value (repeatable).", "k=v"},
      {"csv", "Daily Yahoo CSV file, optionally SYM=FILE (repeat for multi-series strategies).", "file"},
      {"symbol", "A series stored in the configured database (ingested or imported; repeat for multi-series "
                 "strategies).", "symbol"},
      {"timeframe",
       "Bars of --symbol series: 1m, 5m, 15m, 1h or 1d (a finer stored series is aggregated on NYSE sessions).", "tf",
       "1d"},
      {"source", "Vendor of --symbol series (yahoo, polygon, alpaca, csv, or a stored source tag); default: any.",
       "vendor"},
      {"adjusted", "Use Adj Close-adjusted prices (CSV), or the adjusted stored series (--symbol)."},
      {"sort", "Accept CSV rows out of time order and sort them (default: an error naming the line)."},
      {"dedupe", "'last': accept duplicated CSV timestamps, the last row wins (default: an error).", "last"},
      {"from", "First date (YYYY-MM-DD).", "date"},
      {"to", "Last date (YYYY-MM-DD).", "date"},
      {"cash", "Initial cash.", "amount", "100000"},
      {"size", "Shares per entry for single-series strategies.", "shares", "100"},
      {"size-pct", "Size entries as this percent of equity instead of --size.", "percent"},
      {"commission-pct", "Commission in percent of notional (0.1 = 0.1 %).", "percent"},
      {"commission-share", "Commission in $ per share.", "dollars"},
      {"commission-fixed", "Commission in $ per fill.", "dollars"},
      {"commission-min", "Minimum commission per fill.", "dollars"},
      {"slippage-bps", "Slippage in basis points.", "bps", "0"},
      {"participation", "Max fraction of a bar's volume filled per bar (partial fills).", "fraction"},
      {"no-short", "Reject sells beyond the long position."},
      {"margin", "Allow buys beyond the available cash."},
      {"risk-free", "Annual risk-free rate for Sharpe/Sortino (0.02 = 2 %).", "rate", "0"},
      {"json", "Print JSON."},
      {"equity", "Include the equity curve in the JSON output."},
      {"monthly", "Include the monthly returns table in the JSON output."},
      {"save", "Save the run to the configured database (backtest_runs)."},
      {"grid", "Optimize over name=start:stop:step or name=v1,v2 (repeatable).", "axis"},
      {"objective", "Optimizer objective (sharpe, sortino, total_return, cagr, calmar, final_value, profit_factor, "
                    "max_drawdown).", "name", "sharpe"},
      {"threads", "Optimizer threads (0 = all cores).", "n", "0"},
      {"walk-forward", "Walk-forward: optimize on IS bars, test on the next OOS bars, roll by OOS (needs --grid).",
       "IS:OOS"},
      {"anchored", "Walk-forward in-sample windows all start at the first bar."},
      {"list", "List strategies and their parameters."},
  });
  const QCommandLineOption help = p.addHelpOption();
  if (!p.parse(QStringList{"backtest"} + args)) return usageError(cmd, text(p.errorText()));
  if (p.isSet(help)) return printHelp(p, cmd);
  if (!p.positionalArguments().isEmpty())
    return usageError(cmd, fmt::format("unexpected argument '{}'", text(p.positionalArguments().first())));
  if (p.isSet("list")) {
    printStrategies();
    return 0;
  }

  const auto& registry = strategy::StrategyRegistry::builtin();
  const std::string name = text(p.value("strategy"));
  const strategy::StrategyInfo* info = registry.find(name);
  if (!info) return usageError(cmd, registry.resolve(name, {}).error().message);
  std::vector<std::pair<std::string, double>> overrides;
  for (const QString& a : p.values("param")) {
    auto kv = strategy::parseAssignment(text(a));
    if (!kv) return usageError(cmd, kv.error().message);
    overrides.push_back(*kv);
  }
  auto params = registry.resolve(name, overrides);
  if (!params) return usageError(cmd, params.error().message);
  if (auto probe = registry.create(name, *params); !probe) return usageError(cmd, probe.error().message);

  backtest::BacktestConfig cfg;
  double v = 0.0;
  if (!toDouble(p.value("cash"), cfg.initialCash) || !(cfg.initialCash > 0))
    return usageError(cmd, "--cash needs a positive number");
  if (p.isSet("size-pct")) {
    if (!toDouble(p.value("size-pct"), v) || !(v > 0) || v > 1000)
      return usageError(cmd, "--size-pct needs a percentage > 0");
    cfg.sizing = {strategy::SizingRule::Mode::PercentOfEquity, v};
  } else {
    if (!toDouble(p.value("size"), v) || !(v > 0)) return usageError(cmd, "--size needs a positive number of shares");
    cfg.sizing = {strategy::SizingRule::Mode::FixedQuantity, v};
  }
  const int commissionKinds = int(p.isSet("commission-pct")) + int(p.isSet("commission-share")) +
                              int(p.isSet("commission-fixed"));
  if (commissionKinds > 1) return usageError(cmd, "choose one of --commission-pct, --commission-share, --commission-fixed");
  auto commissionValue = [&](const char* opt, double& out) {
    return toDouble(p.value(opt), out) && out >= 0.0;
  };
  if (p.isSet("commission-pct")) {
    if (!commissionValue("commission-pct", v)) return usageError(cmd, "--commission-pct needs a number >= 0");
    cfg.fill.commission = backtest::CommissionModel::percent(v / 100.0);
  } else if (p.isSet("commission-share")) {
    if (!commissionValue("commission-share", v)) return usageError(cmd, "--commission-share needs a number >= 0");
    cfg.fill.commission = backtest::CommissionModel::perShare(v);
  } else if (p.isSet("commission-fixed")) {
    if (!commissionValue("commission-fixed", v)) return usageError(cmd, "--commission-fixed needs a number >= 0");
    cfg.fill.commission = backtest::CommissionModel::fixed(v);
  }
  if (p.isSet("commission-min")) {
    if (!commissionValue("commission-min", v)) return usageError(cmd, "--commission-min needs a number >= 0");
    cfg.fill.commission.minimum = v;
  }
  if (!toDouble(p.value("slippage-bps"), cfg.fill.slippageBps) || cfg.fill.slippageBps < 0)
    return usageError(cmd, "--slippage-bps needs a number >= 0");
  if (p.isSet("participation") &&
      (!toDouble(p.value("participation"), cfg.fill.maxParticipation) || !(cfg.fill.maxParticipation > 0) ||
       cfg.fill.maxParticipation > 1))
    return usageError(cmd, "--participation needs a fraction in (0, 1]");
  if (!toDouble(p.value("risk-free"), cfg.metrics.riskFreeRate))
    return usageError(cmd, "--risk-free needs a number");
  cfg.allowShort = !p.isSet("no-short");
  cfg.allowMargin = p.isSet("margin");

  const QStringList csvs = p.values("csv");
  contract::DataSpec data;
  if (int rc = storedRequests(cmd, p, data.stored)) return rc;
  if (csvs.isEmpty() && data.stored.empty()) return usageError(cmd, "give --csv FILE or --symbol SYM (a stored series)");
  if (std::size_t(csvs.size()) + data.stored.size() < info->instruments)
    return usageError(cmd, fmt::format("strategy {} needs {} series (--csv files or --symbol)", name, info->instruments));
  if (int rc = checkDates(cmd, p)) return rc;
  for (const QString& spec : csvs) data.csvFiles.push_back(text(spec));
  data.adjusted = p.isSet("adjusted");
  if (int rc = checkLenientCsv(cmd, p)) return rc;
  data.csvSort = p.isSet("sort");
  data.csvDedupeLast = p.isSet("dedupe");
  data.fromDate = text(p.value("from"));
  data.toDate = text(p.value("to"));
  bus::EventBus bus;
  StoredSource stored(bus);
  research::BacktestService::Options base;
  if (!data.stored.empty()) {
    if (int rc = stored.open(cmd, config)) return rc;
    base.loader = [&bus](const contract::SeriesRequest& r) { return research::loadStoredSeries(bus, r); };
  }

  // ---- Optimization / walk-forward ----
  if (p.isSet("grid") || p.isSet("walk-forward")) {
    std::vector<backtest::ParamAxis> grid;
    for (const QString& g : p.values("grid")) {
      auto axis = backtest::ParamGrid::parseAxis(text(g));
      if (!axis) return usageError(cmd, axis.error().message);
      grid.push_back(std::move(axis).value());
    }
    if (grid.empty()) return usageError(cmd, "--walk-forward needs at least one --grid axis");
    auto objective = backtest::objectiveFromString(text(p.value("objective")));
    if (!objective) return usageError(cmd, objective.error().message);
    const unsigned threads = p.value("threads").toUInt();
    if (p.isSet("walk-forward")) {
      const QStringList parts = p.value("walk-forward").split(':');
      backtest::WalkForwardConfig wf;
      bool ok1 = false, ok2 = false;
      if (parts.size() != 2) return usageError(cmd, "--walk-forward needs IS:OOS bar counts");
      wf.inSampleBars = parts[0].toULong(&ok1);
      wf.outOfSampleBars = parts[1].toULong(&ok2);
      wf.anchored = p.isSet("anchored");
      if (!ok1 || !ok2) return usageError(cmd, "--walk-forward needs IS:OOS bar counts");
      auto f = runThroughService(cmd, bus, contract::RunWalkForward{{}, name, *params, data, cfg, grid, *objective, threads, wf},
                                 base);
      if (!f) return kFailure;
      if (!f->ok()) return finishedError(cmd, *f);
      const backtest::WalkForwardResult& r = f->walkForward->result;
      const auto& dates = f->walkForward->dates;
      if (p.isSet("json")) {
        backtest::JsonWriter w;
        w.beginObject().field("strategy", name).field("objective", backtest::toString(*objective));
        w.field("initial_cash", r.initialCash).field("final_value", r.finalValue);
        w.key("metrics");
        backtest::writeMetrics(w, r.metrics);
        w.key("windows").beginArray();
        for (std::size_t i = 0; i < r.segments.size(); ++i) {
          const auto& s = r.segments[i];
          w.beginObject();
          w.field("in_start", dateText(dates[i].inStart));
          w.field("out_start", dateText(dates[i].outStart));
          w.field("out_end", dateText(dates[i].outEnd));
          w.key("params").raw(s.params.toJson());
          w.field("in_sample_score", s.inSampleScore).field("start_value", s.startValue);
          w.field("end_value", s.endValue).field("trades", s.trades);
          w.field("in_sample_annual_return", s.inSampleAnnualReturn);
          w.field("out_of_sample_annual_return", s.outOfSampleAnnualReturn).field("efficiency", s.efficiency);
          w.endObject();
        }
        w.endArray();
        w.key("efficiency").beginObject();
        w.field("in_sample_annual_return", r.inSampleAnnualReturn);
        w.field("out_of_sample_annual_return", r.outOfSampleAnnualReturn).field("efficiency", r.efficiency);
        w.endObject().endObject();
        fmt::print("{}\n", w.str());
      } else {
        fmt::print("walk-forward {} ({} windows, objective {})\n", name, r.segments.size(),
                   backtest::toString(*objective));
        for (std::size_t i = 0; i < r.segments.size(); ++i) {
          const auto& s = r.segments[i];
          fmt::print("  OOS {}..{}  {:<28} value {:.2f} -> {:.2f}  trades {}  IS {}/y OOS {}/y WFE {}\n",
                     dateText(dates[i].outStart), dateText(dates[i].outEnd), s.params.toString(), s.startValue,
                     s.endValue, s.trades, fmtPct(s.inSampleAnnualReturn), fmtPct(s.outOfSampleAnnualReturn),
                     fmtNum(s.efficiency));
        }
        fmt::print("combined out-of-sample: final value {:.2f}\n", r.finalValue);
        fmt::print("walk-forward efficiency {} (out-of-sample {}/y against in-sample {}/y on average)\n",
                   fmtNum(r.efficiency), fmtPct(r.outOfSampleAnnualReturn), fmtPct(r.inSampleAnnualReturn));
        printMetricsText(r.metrics);
      }
      return 0;
    }
    auto f = runThroughService(cmd, bus, contract::RunOptimization{{}, name, *params, data, cfg, grid, *objective, threads},
                               base);
    if (!f) return kFailure;
    if (!f->ok()) return finishedError(cmd, *f);
    const backtest::OptimizationResult& r = f->optimization->result;
    if (p.isSet("json")) {
      backtest::JsonWriter w;
      w.beginObject().field("strategy", name).field("objective", backtest::toString(*objective));
      w.field("threads", std::int64_t(r.threads));
      if (r.best) w.key("best").raw(r.runs[*r.best].params.toJson());
      else w.key("best").null();
      const backtest::BestPointStability& st = f->optimization->stability;
      w.key("best_stability").beginObject();
      w.field("neighbours", st.neighbours).field("best_score", st.bestScore).field("neighbour_mean", st.neighbourMean);
      w.field("isolated_spike", st.isolatedSpike).endObject();
      w.key("runs").beginArray();
      for (const auto& run : r.runs) {
        w.beginObject();
        w.key("params").raw(run.params.toJson());
        w.field("valid", run.valid);
        if (run.valid) {
          w.field("score", run.score).field("final_value", run.finalValue);
          w.key("metrics");
          backtest::writeMetrics(w, run.metrics);
        } else {
          w.field("error", run.error);
        }
        w.endObject();
      }
      w.endArray().endObject();
      fmt::print("{}\n", w.str());
    } else {
      fmt::print("optimized {} over {} points on {} threads in {:.2f} s (objective {})\n", name, r.runs.size(),
                 r.threads, f->elapsedSeconds, backtest::toString(*objective));
      for (const auto& run : r.runs)
        fmt::print("  {:<34} {}\n", run.params.toString(),
                   run.valid ? fmt::format("score {:>9.4f}  final {:.2f}", run.score, run.finalValue)
                             : "invalid: " + run.error);
      if (r.best) fmt::print("best: {}\n", r.runs[*r.best].params.toString());
      const backtest::BestPointStability& st = f->optimization->stability;
      if (st.isolatedSpike)
        fmt::print("warning: the best point is an isolated spike: its {} grid neighbours score {:.4f} on average "
                   "against {:.4f}; it is unlikely to hold out of sample\n",
                   st.neighbours, st.neighbourMean, st.bestScore);
    }
    return 0;
  }

  // ---- Single run (saved to the configured database with --save, as the GUI saves its runs) ----
  research::BacktestService::Options options = base;
  storage::StorageService* storage = nullptr;
  if (p.isSet("save")) {
    if (int rc = stored.open(cmd, config)) return rc;
    storage = stored.storage();
    options.saver = [storage](const storage::BacktestRunRecord& r) {
      return storage->call([r](storage::IStorage& st) { return st.saveBacktestRun(r); }).get();
    };
  }
  auto f = runThroughService(cmd, bus, contract::RunBacktest{{}, name, *params, data, cfg, p.isSet("save")},
                             std::move(options));
  if (!f) return kFailure;
  if (!f->ok()) return finishedError(cmd, *f);
  if (p.isSet("json")) {
    backtest::JsonOptions jo;
    jo.equity = p.isSet("equity");
    jo.monthly = p.isSet("monthly");
    fmt::print("{}\n", backtest::toJson(*f->result, jo));
  } else {
    printResultText(*f->result);
  }
  if (storage) {
    const std::string backend = storage->config().backend;
    if (!f->saveError.empty()) return failure(cmd, fmt::format("saving the run failed: {}", f->saveError));
    fmt::print(p.isSet("json") ? stderr : stdout, "saved backtest run #{} ({} storage)\n", f->savedRunId, backend);
  }
  return 0;
}

int runPairsScan(const QStringList& args, const common::Config& config) {
  const char* cmd = "pairs-scan";
  QCommandLineParser p;
  p.addOptions({
      {"csv", "Daily Yahoo CSV file, optionally SYM=FILE (with --symbol: at least two series).", "file"},
      {"symbol", "A series stored in the configured database (repeatable).", "symbol"},
      {"timeframe", "Bars of --symbol series: 1m, 5m, 15m, 1h or 1d (a finer stored series is aggregated).", "tf",
       "1d"},
      {"source", "Vendor of --symbol series (yahoo, polygon, alpaca, csv, or a stored source tag).", "vendor"},
      {"adjusted", "Use Adj Close-adjusted prices (CSV), or the adjusted stored series (--symbol)."},
      {"sort", "Accept CSV rows out of time order and sort them (default: an error naming the line)."},
      {"dedupe", "'last': accept duplicated CSV timestamps, the last row wins (default: an error).", "last"},
      {"from", "First date (YYYY-MM-DD).", "date"},
      {"to", "Last date (YYYY-MM-DD).", "date"},
      {"min-obs", "Skip pairs with fewer common bars.", "n", "100"},
      {"max-lag", "ADF maximum lag (-1 = automatic).", "n", "-1"},
      {"table", "Print a table instead of JSON."},
  });
  const QCommandLineOption help = p.addHelpOption();
  if (!p.parse(QStringList{"pairs-scan"} + args)) return usageError(cmd, text(p.errorText()));
  if (p.isSet(help)) return printHelp(p, cmd);
  if (!p.positionalArguments().isEmpty())
    return usageError(cmd, fmt::format("unexpected argument '{}'", text(p.positionalArguments().first())));
  std::vector<contract::SeriesRequest> requests;
  if (int rc = storedRequests(cmd, p, requests)) return rc;
  if (p.values("csv").size() + requests.size() < 2) return usageError(cmd, "give at least two series (--csv or --symbol)");
  bool ok1 = false, ok2 = false;
  strategy::PairScanOptions opt;
  const int minObs = p.value("min-obs").toInt(&ok1);
  opt.maxLag = p.value("max-lag").toInt(&ok2);
  if (!ok1 || minObs < 20 || !ok2) return usageError(cmd, "--min-obs needs an integer >= 20, --max-lag an integer");
  opt.minObservations = std::size_t(minObs);
  std::vector<backtest::BarSeries> loaded;
  if (int rc = checkLenientCsv(cmd, p)) return rc;
  backtest::CsvOptions csvOptions;
  csvOptions.adjust = p.isSet("adjusted");
  csvOptions.sort = p.isSet("sort");
  csvOptions.dedupeLast = p.isSet("dedupe");
  if (int rc = loadSeries(cmd, p.values("csv"), csvOptions, loaded)) return rc;
  if (!requests.empty()) {
    bus::EventBus bus;
    StoredSource stored(bus);
    if (int rc = stored.open(cmd, config)) return rc;
    for (const auto& r : requests) {
      auto s = research::loadStoredSeries(bus, r);
      if (!s) return failure(cmd, s.error().message);
      for (const auto& other : loaded)
        if (other.symbol == s->symbol) return usageError(cmd, fmt::format("symbol {} given twice", s->symbol));
      loaded.push_back(std::move(s).value());
    }
  }
  if (int rc = filterDates(cmd, p, loaded)) return rc;
  std::vector<strategy::PairScanInput> in;
  for (const auto& s : loaded) in.push_back({s.symbol, s.bars});
  auto pairs = strategy::scanPairs(in, opt);
  if (!pairs) return usageError(cmd, pairs.error().message);
  if (p.isSet("table")) {
    fmt::print("{:<8} {:<8} {:>6} {:>9} {:>9} {:>8} {:>9} {:>7} {:>8}\n", "first", "second", "obs", "hedge", "adf",
               "p", "halflife", "corr", "score");
    for (const auto& s : *pairs)
      fmt::print("{:<8} {:<8} {:>6} {:>9.4f} {:>9.4f} {:>8.4f} {:>9.2f} {:>7.4f} {:>8.4f}\n", s.first, s.second,
                 s.observations, s.hedgeRatio, s.adfStatistic, s.pValue, s.halfLife, s.correlation, s.score);
    return 0;
  }
  backtest::JsonWriter w;
  w.beginArray();
  for (const auto& s : *pairs) {
    w.beginObject();
    w.field("first", s.first).field("second", s.second).field("observations", s.observations);
    w.field("hedge_ratio", s.hedgeRatio).field("intercept", s.intercept);
    w.field("adf_stat", s.adfStatistic).field("adf_lags", s.adfLags).field("p_value", s.pValue);
    w.field("crit_5pct", s.crit5).field("half_life", s.halfLife).field("z_window", s.zWindow);
    w.field("correlation", s.correlation).field("mean_abs_z", s.meanAbsZ).field("score", s.score);
    w.endObject();
  }
  w.endArray();
  fmt::print("{}\n", w.str());
  return 0;
}

int runBenchBacktest(const QStringList& args, const common::Config&) {
  QCommandLineParser p;
  p.addOption({"threads", "Optimizer threads (0 = all cores).", "n", "0"});
  p.addOption({"runs", "Single-thread runs per mode; the first is shown apart, the median of the rest is the figure "
                       "(default 5).", "n", "5"});
  p.addPositionalArgument("bars", "Synthetic bars (default 10000000).");
  if (!p.parse(QStringList{"backtest"} + args)) return usageError("bench backtest", text(p.errorText()));
  const long requested = p.positionalArguments().value(0).toLong();
  const std::size_t n = requested > 0 ? std::size_t(requested) : 10'000'000;
  unsigned threads = p.value("threads").toUInt();
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  const int runs = std::max(1, p.value("runs").toInt());

  using clock = std::chrono::steady_clock;
  auto t0 = clock::now();
  const backtest::BarSeries bars = backtest::randomWalkBars("SYN", n, 42);
  const double genSecs = std::chrono::duration<double>(clock::now() - t0).count();
  const backtest::SeriesView v[] = {{bars.symbol, bars.bars}};
  fmt::print("backtest bench: SMA crossover (10/30) on {} synthetic bars (mean-reverting geometric random walk, "
             "seed 42; generated in {:.2f} s)\n", n, genSecs);

  // Issue "data you can trust": a backtest recording the equity curve at >= 20M bars/s (10M+ bars); set against
  // the per-CPU-second rate, which other load on the machine does not change. Each mode runs `runs` times in this
  // process, and each run allocates, fills and frees its curve anew. The first run is shown on its own: it is the
  // first to take the curve's 240 MB from the kernel, and on a virtual machine whose host backs guest memory on
  // first touch that run times the host as much as the engine (measured on a fresh 2-core VM: 0.55-1.1 s for the
  // first 10M-bar curve run, 0.33-0.35 s for each later one; once the guest's free memory had been touched, 16 GB
  // in 37 s of system time and then 0.1 s/GB, the first run took 0.33-0.39 s too). The figure set against the
  // goal is the median of the other runs.
  constexpr double kCurveGoal = 20e6;
  struct Timing {
    double secs = 0, perCpu = 0;
    std::size_t trades = 0;
  };
  auto once = [&](bool curve) -> Result<Timing> {
    backtest::BacktestConfig cfg;
    cfg.initialCash = 10'000'000;
    cfg.recordEquityCurve = curve;
    cfg.recordFills = false;
    cfg.fill.commission = backtest::CommissionModel::perShare(0.005, 1.0);
    strategy::SmaCross strat(10, 30);
    const auto start = clock::now();
    const std::clock_t cpu0 = std::clock();
    auto r = backtest::BacktestEngine(cfg).run(strat, v);
    const double cpu = double(std::clock() - cpu0) / CLOCKS_PER_SEC;
    const double secs = std::chrono::duration<double>(clock::now() - start).count();
    if (!r) return r.error();
    if (curve && r->equity.size() != n)
      return makeError("bench", fmt::format("{} curve points for {} bars", r->equity.size(), n));
    return Timing{secs, cpu > 0 ? double(n) / cpu : 0.0, r->trades.size()};
  };
  double metricsOnlyPerCpu = 0.0;
  auto single = [&](bool curve, const char* label) {
    std::vector<Timing> t;
    for (int i = 0; i < runs; ++i) {
      auto r = once(curve);
      if (!r) {
        fmt::print(stderr, "bench backtest: {}\n", r.error().message);
        return false;
      }
      t.push_back(*r);
    }
    const Timing first = t.front();
    std::vector<Timing> rest(t.begin() + (t.size() > 1 ? 1 : 0), t.end());
    std::sort(rest.begin(), rest.end(), [](const Timing& a, const Timing& b) { return a.secs < b.secs; });
    const Timing med = rest[rest.size() / 2];
    if (!curve) metricsOnlyPerCpu = med.perCpu;
    fmt::print("  single thread, {:<20} {:7.3f} s  {:7.2f} M bars/s wall, {:7.2f} M bars/s per CPU-second  "
               "({} trades; median of {} run{} after the first, which took {:.3f} s: {:.2f} M bars/s per "
               "CPU-second){}\n",
               label, med.secs, double(n) / med.secs / 1e6, med.perCpu / 1e6, med.trades, rest.size(),
               rest.size() == 1 ? "" : "s", first.secs,
               first.perCpu / 1e6,
               curve ? fmt::format("  (goal {:.0f}M per CPU-second: {:.2f}x; {:.2f} of the metrics-only rate)",
                                   kCurveGoal / 1e6, med.perCpu / kCurveGoal,
                                   metricsOnlyPerCpu > 0 ? med.perCpu / metricsOnlyPerCpu : 0.0)
                     : std::string());
    return true;
  };
  if (!single(false, "metrics only:")) return kFailure;
  if (!single(true, "with equity curve:")) return kFailure;

  backtest::ParamGrid grid;
  const std::size_t combos = std::max<std::size_t>(2 * threads, 8);
  backtest::ParamAxis fast{"fast", {}};
  for (std::size_t i = 0; i < combos; ++i) fast.values.push_back(double(5 + i));
  grid.add(fast);
  grid.add({"slow", {40}});
  backtest::BacktestConfig cfg;
  cfg.initialCash = 10'000'000;
  cfg.fill.commission = backtest::CommissionModel::perShare(0.005, 1.0);
  backtest::OptimizerConfig oc;
  oc.threads = threads;
  const auto start = clock::now();
  const std::clock_t cpu0 = std::clock();
  auto r = backtest::optimize(strategy::StrategyRegistry::builtin(), "sma_cross", {}, grid, v, cfg, oc);
  const double cpu = double(std::clock() - cpu0) / CLOCKS_PER_SEC;
  const double secs = std::chrono::duration<double>(clock::now() - start).count();
  if (!r) {
    fmt::print(stderr, "bench backtest: {}\n", r.error().message);
    return kFailure;
  }
  const double total = double(r->barsProcessed) / secs;
  fmt::print("  grid optimizer, {} runs on {} threads: {:7.3f} s  {:7.2f} M bars/s wall total, "
             "{:.2f} M bars/s per CPU-second\n",
             r->runs.size(), r->threads, secs, total / 1e6, double(r->barsProcessed) / cpu / 1e6);
  fmt::print("  (per CPU-second = bars / process CPU time: the per-core rate, independent of other load)\n");
  return 0;
}

int runReport(const QStringList& args, const common::Config& config) {
  const char* cmd = "report";
  QCommandLineParser p;
  p.addOptions({
      {"from", "First exchange date (YYYY-MM-DD); default: the first journaled fill's.", "date"},
      {"to", "Last exchange date (YYYY-MM-DD); default: the last journaled fill's.", "date"},
      {"strategy", "Only this strategy id (e.g. live:sma_cross:AAPL; 'manual' = orders without one).", "id"},
      {"initial-equity", "Account equity before the first journaled fill (default: paper.initial_cash).", "amount"},
      {"json", "Print the whole report as JSON."},
      {"csv", "Also write the daily, weekly and monthly rows to this CSV file (full precision).", "file"},
      {"compare-backtest", "With --strategy live:<instance>: also backtest that live strategy (its parameters, size "
                           "and capital from the configuration) over the same dates on the stored series and show "
                           "both side by side."},
  });
  const QCommandLineOption help = p.addHelpOption();
  if (!p.parse(QStringList{"report"} + args)) return usageError(cmd, text(p.errorText()));
  if (p.isSet(help)) return printHelp(p, cmd);
  if (!p.positionalArguments().isEmpty())
    return usageError(cmd, fmt::format("unexpected argument '{}'", text(p.positionalArguments().first())));
  if (int rc = checkDates(cmd, p)) return rc;
  research::PnlReportOptions o;
  o.from = QDate::fromString(p.value("from"), Qt::ISODate);
  o.to = QDate::fromString(p.value("to"), Qt::ISODate);
  if (o.from.isValid() && o.to.isValid() && o.to < o.from) return usageError(cmd, "--to is before --from");
  o.strategy = text(p.value("strategy"));
  o.initialEquity = config.doubleValue("paper.initial_cash", o.initialEquity);
  if (p.isSet("initial-equity") && (!toDouble(p.value("initial-equity"), o.initialEquity) || !(o.initialEquity > 0)))
    return usageError(cmd, "--initial-equity needs a positive amount");

  // --compare-backtest: the live strategy's configuration, checked before anything is read.
  contract::CompareLiveStrategy compare{"cli", o.strategy, "", ""};
  if (p.isSet("compare-backtest")) {
    if (!o.strategy.starts_with("live:"))
      return usageError(cmd, "--compare-backtest needs --strategy live:<instance> (e.g. live:sma_cross:AAPL)");
    compare.fromDate = compare.toDate = "2000-01-03";  // dates come from the report; the configuration is checked now
    if (auto run = runtime::liveComparisonRun(config, compare); !run) return usageError(cmd, run.error().message);
  }

  // The journal's fills, read through the storage service (the same store the server and the GUI write).
  storage::StorageService storage(runtime::storageConfigFrom(config));
  if (Status s = storage.start(); !s.ok())
    return failure(cmd, fmt::format("cannot open storage: {} ({})", s.error().message, s.error().code));
  auto fills = storage.call([](storage::IStorage& st) {
                         return st.loadFills({}, std::numeric_limits<std::size_t>::max());
                       }).get();
  storage.stop();
  if (!fills) return failure(cmd, fmt::format("cannot read the journal's fills: {}", fills.error().message));
  const research::PnlReport r = research::buildPnlReport(*fills, o);

  if (p.isSet("csv")) {
    QFile out(p.value("csv"));
    const std::string csv = research::pnlReportCsv(r);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        out.write(csv.data(), static_cast<qint64>(csv.size())) != static_cast<qint64>(csv.size()))
      return failure(cmd, fmt::format("cannot write {}: {}", text(p.value("csv")), text(out.errorString())));
  }
  std::optional<research::PnlComparison> comparison;
  if (p.isSet("compare-backtest")) {
    if (!r.from.isValid() || !r.to.isValid())
      return usageError(cmd, fmt::format("no fills of {} to compare: give --from and --to", o.strategy));
    compare.fromDate = text(r.from.toString(Qt::ISODate));
    compare.toDate = text(r.to.toString(Qt::ISODate));
    auto run = runtime::liveComparisonRun(config, compare);
    if (!run) return usageError(cmd, run.error().message);
    bus::EventBus bus;
    StoredSource stored(bus);
    if (int rc = stored.open(cmd, config)) return rc;
    research::BacktestService::Options options;
    options.loader = [&bus](const contract::SeriesRequest& req) { return research::loadStoredSeries(bus, req); };
    auto f = runThroughService(cmd, bus, std::move(run).value(), std::move(options));
    if (!f) return kFailure;
    if (!f->ok()) return failure(cmd, fmt::format("the backtest of {} failed: {}", o.strategy, f->error));
    comparison = research::comparePnl(r, *f->result, o.strategy);
  }
  if (p.isSet("json")) {
    std::string json = research::pnlReportJson(r);
    if (comparison) {  // one more key in the report's object
      json.pop_back();
      json += ",\"backtest_comparison\":" + research::pnlComparisonJson(*comparison) + "}";
    }
    fmt::print("{}\n", json);
    return 0;
  }
  if (comparison) printComparison(*comparison);
  if (r.fills == 0) {
    fmt::print("no fills{} between {} and {}\n", o.strategy.empty() ? "" : " of " + o.strategy,
               r.from.isValid() ? text(r.from.toString(Qt::ISODate)) : "the start",
               r.to.isValid() ? text(r.to.toString(Qt::ISODate)) : "the end");
    return 0;
  }
  fmt::print("P&L {}..{} ({}): {:+.2f} on {} fills, fees {:.2f}; equity {:.2f} -> {:.2f}\n",
             text(r.from.toString(Qt::ISODate)), text(r.to.toString(Qt::ISODate)),
             o.strategy.empty() ? "all strategies" : o.strategy, r.pnl, r.fills, r.fees, r.startEquity, r.endEquity);
  fmt::print("\n  {:<8} {:<28} {:<8} {:>12} {:>12} {:>9} {:>6}\n", "month", "strategy", "symbol", "pnl", "realized",
             "fees", "fills");
  for (const auto& row : r.monthly)
    fmt::print("  {:<8} {:<28} {:<8} {:>12.2f} {:>12.2f} {:>9.2f} {:>6}\n", row.period, row.strategy, row.symbol,
               row.pnl, row.realized, row.fees, row.fills);
  fmt::print("\n");
  printMetricsText(r.metrics);
  return 0;
}

}  // namespace meridian::cli
