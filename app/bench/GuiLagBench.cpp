// meridian-bench-gui: GUI event-loop lag of the real workstation under the simulated feed.
//
//   meridian-bench-gui [--seconds 10] [--ticks 50000] [--timer-ms 5] [--history-bars 0] [--journaled-fills 0]
//                      [--max-p99-ms X]
//
// Starts a Kernel (SQLite in a temp dir, simulated market at --ticks ticks/s, its HistoryService) and the real
// MainWindow (chart history through its bridge), shows it and measures for --seconds:
//  * timer lateness: a --timer-ms PreciseTimer, each firing's delay beyond the interval (QElapsedTimer);
//  * posted-event latency: every 10 ms a queued call is posted and the time until it runs is recorded;
//  * achieved tick rate (SimulatedMarket::stats), quotes (one per tick) and bars published, GUI-thread CPU share;
//  * quote-to-risk latency: every quote of the measured window is stamped at publication
//    (SimulatedMarket::setLatencyStamps) and the execution thread records when it has applied it
//    (ExecutionService::quoteLatency); p50/p99/max, plus what each lane's coalescing replaced (mailbox stats).
// With --history-bars N, N one-minute bars of symbol HIST are stored first and the chart switches between HIST and
// the first watchlist symbol every 2 s, so the lag includes history loads (and the GUI-thread cost the same bars
// would have on the old synchronous path is printed for comparison). With --journaled-fills N, N fills are in the
// journal before the window opens: the time until the Fills blotter shows them, the read on the history service
// and the merge into the (sorted) blotter on the GUI thread are printed. Prints p50/p95/p99/max; with --max-p99-ms the
// exit code is 1 when the timer-lateness p99 exceeds it. Runs offscreen when there is no display.
#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>
#include <QTimer>

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <vector>

#include "app/shared/Platform.h"
#include "core/execution/ExecutionService.h"
#include "core/marketdata/simulated/SimulatedMarket.h"
#include "core/history/HistoryService.h"
#include "core/runtime/Kernel.h"
#include "core/storage/StorageService.h"
#include "core/time/NyseCalendar.h"
#include "ui/docks/ChartDock.h"
#include "ui/docks/FillsDock.h"
#include "ui/mainwindow/MainWindow.h"
#include "ui/models/FillsModel.h"
#include "ui/widgets/CandleView.h"

using namespace meridian;

namespace {

struct Pct {
  double p50 = 0, p95 = 0, p99 = 0, max = 0, mean = 0;
  std::size_t n = 0;
};

Pct percentiles(std::vector<double> v) {
  Pct p;
  p.n = v.size();
  if (v.empty()) return p;
  std::sort(v.begin(), v.end());
  const auto at = [&](double q) {
    return v[std::min(v.size() - 1, static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size()))) - 1)];
  };
  p.p50 = at(0.50);
  p.p95 = at(0.95);
  p.p99 = at(0.99);
  p.max = v.back();
  double sum = 0;
  for (double x : v) sum += x;
  p.mean = sum / static_cast<double>(v.size());
  return p;
}

std::vector<domain::Bar> minuteBars(std::size_t n) {
  std::vector<domain::Bar> out;
  out.reserve(n);
  std::mt19937 rng(7);
  std::normal_distribution<double> ret(0.0, 0.0009);
  const auto& cal = time::NyseCalendar::instance();
  QDate d = QDate(2025, 1, 2).addDays(-static_cast<qint64>(n / 390 * 7 / 5) - 10);
  double px = 100.0;
  while (out.size() < n) {
    d = cal.nextTradingDay(d);
    const auto s = cal.session(d);
    if (!s) continue;
    for (auto t = s->open; t < s->close && out.size() < n; t += domain::kNanosPerMinute) {
      domain::Bar b;
      b.ts = t;
      b.open = px;
      px = std::max(1.0, px * (1.0 + ret(rng)));
      b.close = px;
      b.high = std::max(b.open, b.close) * 1.0004;
      b.low = std::min(b.open, b.close) * 0.9996;
      b.volume = 1000.0 + static_cast<double>(out.size() % 977);
      out.push_back(b);
    }
  }
  return out;
}

// Journals n orders with one fill each (one storage task: no round trip per row) before the Kernel opens the file.
std::string journalFills(const QString& sqlitePath, std::size_t n) {
  storage::StorageConfig c;
  c.sqlitePath = sqlitePath.toStdString();
  storage::StorageService storage(c);
  if (Status s = storage.start(); !s.ok()) return s.error().message;
  const domain::Timestamp t0 = 1'760'000'000'000'000'000;
  std::string error = storage
                          .call([n, t0](storage::IStorage& st) -> std::string {
                            for (std::size_t i = 0; i < n; ++i) {
                              domain::Order o;
                              o.clientOrderId = "MRD-BENCH-" + std::to_string(i);
                              o.symbol = i % 2 ? "AAPL" : "MSFT";
                              o.side = i % 3 ? domain::Side::Buy : domain::Side::Sell;
                              o.quantity = 10;
                              o.status = domain::OrderStatus::Filled;
                              o.createdTs = o.updatedTs = t0 + static_cast<domain::Timestamp>(i) * domain::kNanosPerSecond;
                              if (Status s = st.journalOrder(o); !s.ok()) return s.error().message;
                              domain::Fill f;
                              f.fillId = "FILL-BENCH-" + std::to_string(i);
                              f.clientOrderId = o.clientOrderId;
                              f.symbol = o.symbol;
                              f.side = o.side;
                              f.quantity = o.quantity;
                              f.price = 100.0 + static_cast<double>(i % 100) * 0.01;
                              f.ts = o.createdTs;
                              if (auto r = st.recordFill(f); !r.ok()) return r.error().message;
                            }
                            return {};
                          })
                          .get();
  storage.stop();
  return error;
}

void printLine(const char* what, const Pct& p) {
  fmt::print("  {:<28} n {:6}  p50 {:7.2f}  p95 {:7.2f}  p99 {:7.2f}  max {:8.2f}  mean {:6.2f} ms\n", what, p.n, p.p50,
             p.p95, p.p99, p.max, p.mean);
}

}  // namespace

int main(int argc, char* argv[]) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY") &&
      qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
    qputenv("QT_QPA_PLATFORM", "offscreen");
  // The window saves its layout on exit: keep that (and the SQLite file) out of the user's real settings.
  QTemporaryDir dir;
  qputenv("XDG_CONFIG_HOME", dir.filePath(QStringLiteral("config")).toLocal8Bit());
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("MeridianBench"));
  QApplication::setApplicationName(QStringLiteral("meridian-bench-gui"));
  QCommandLineParser cli;
  cli.setApplicationDescription("GUI event-loop lag under the simulated feed");
  cli.addHelpOption();
  QCommandLineOption secondsOpt("seconds", "Measurement time.", "s", "10");
  QCommandLineOption ticksOpt("ticks", "Simulated ticks per second (max 50000).", "n", "50000");
  QCommandLineOption timerOpt("timer-ms", "Probe timer interval.", "ms", "5");
  QCommandLineOption historyOpt("history-bars", "Store N minute bars of HIST and switch the chart to it every 2 s.", "n", "0");
  QCommandLineOption switchOpt("switch-ms", "With --history-bars: chart symbol switch interval.", "ms", "5000");
  QCommandLineOption fillsOpt("journaled-fills", "Journal N fills before start; time the Fills blotter's history load.",
                              "n", "0");
  QCommandLineOption maxOpt("max-p99-ms", "Exit 1 when the timer-lateness p99 exceeds this.", "ms");
  cli.addOptions({secondsOpt, ticksOpt, timerOpt, historyOpt, switchOpt, fillsOpt, maxOpt});
  cli.process(app);
  const double seconds = std::max(1.0, cli.value(secondsOpt).toDouble());
  const double ticks = std::clamp(cli.value(ticksOpt).toDouble(), 1.0, 50'000.0);
  const int timerMs = std::max(1, cli.value(timerOpt).toInt());
  const auto historyBars = static_cast<std::size_t>(std::max(0LL, cli.value(historyOpt).toLongLong()));
  const auto journaledFills = static_cast<std::size_t>(std::max(0LL, cli.value(fillsOpt).toLongLong()));

  common::LogOptions logOptions;
  logOptions.level = "warn";
  common::initLogging(logOptions);
  common::Config cfg;
  cfg.set("db.sqlite_path", dir.filePath("bench.sqlite"));
  cfg.set("market.sim_ticks_per_second", QString::number(ticks));
  cfg.set("market.sim_always_open", "true");
  runtime::Kernel kernel(cfg);
  history::HistoryService& history = *kernel.history();  // constructed with the Kernel, started by start()

  ui::UiContext ctx;
  ctx.bus = &kernel.bus();
  ctx.config = &kernel.config();
  ctx.clock = kernel.clock();
  ctx.logs = common::inAppLogs();
  ctx.settingsOrganization = QStringLiteral("MeridianBench");
  ctx.settingsApplication = QStringLiteral("meridian-bench-gui-%1").arg(QCoreApplication::applicationPid());
  double journalMs = 0;
  if (journaledFills > 0) {
    QElapsedTimer t;
    t.start();
    if (const std::string e = journalFills(dir.filePath("bench.sqlite"), journaledFills); !e.empty()) {
      fmt::print(stderr, "bench gui: journaling fills failed: {}\n", e);
      return 1;
    }
    journalMs = static_cast<double>(t.elapsed());
  }
  QElapsedTimer sinceWindow;
  sinceWindow.start();
  ui::MainWindow window(ctx);
  double fillsShownMs = -1;
  int fillsShown = 0;
  QObject::connect(window.fillsDock(), &ui::FillsDock::historyMerged, [&](int added, int) {
    fillsShownMs = static_cast<double>(sinceWindow.nsecsElapsed()) / 1e6;
    fillsShown = added;
  });
  if (Status s = kernel.start(); !s.ok()) {
    fmt::print(stderr, "bench gui: kernel did not start: {}\n", s.error().message);
    return 1;
  }

  double syncSetBarsMs = 0;
  if (historyBars > 0) {
    auto bars = minuteBars(historyBars);
    auto written = kernel.storage()
                       .call([&bars](storage::IStorage& s) { return s.upsertBars("HIST", "simulated_1m", bars); })
                       .get();
    if (!written) {
      fmt::print(stderr, "bench gui: storing HIST bars failed: {}\n", written.error().message);
      return 1;
    }
    // What a symbol switch cost on the GUI thread before (series built there).
    ui::CandleView probe;
    QElapsedTimer t;
    t.start();
    probe.setBars(std::move(bars));
    syncSetBarsMs = static_cast<double>(t.nsecsElapsed()) / 1e6;
  }

  window.resize(1600, 1000);
  window.show();
  const QString homeSymbol = window.chartDock()->symbol();

  // Warm-up: let the window settle and the feed reach its rate.
  QElapsedTimer warm;
  warm.start();
  while (warm.elapsed() < 1500) app.processEvents(QEventLoop::AllEvents, 50);

  std::vector<double> lateness, postDelay;
  lateness.reserve(static_cast<std::size_t>(seconds * 1000 / timerMs) + 16);
  QElapsedTimer clock;
  clock.start();
  qint64 lastFire = -1;
  QTimer probeTimer;
  probeTimer.setTimerType(Qt::PreciseTimer);
  probeTimer.setInterval(timerMs);
  qint64 lastSwitch = 0;
  std::vector<std::pair<double, double>> worst;  // (lateness, ms since the last symbol switch)
  QObject::connect(&probeTimer, &QTimer::timeout, [&] {
    const qint64 now = clock.nsecsElapsed();
    if (lastFire >= 0) {
      const double late = std::max(0.0, static_cast<double>(now - lastFire) / 1e6 - timerMs);
      lateness.push_back(late);
      if (late > 50.0) worst.emplace_back(late, static_cast<double>(lastFire - lastSwitch) / 1e6);
    }
    lastFire = now;
  });
  QTimer poster;
  poster.setInterval(10);
  QObject::connect(&poster, &QTimer::timeout, [&] {
    const qint64 posted = clock.nsecsElapsed();
    QMetaObject::invokeMethod(
        &app, [&, posted] { postDelay.push_back(static_cast<double>(clock.nsecsElapsed() - posted) / 1e6); },
        Qt::QueuedConnection);
  });
  int switches = 0;
  QTimer switcher;
  switcher.setInterval(std::max(100, cli.value(switchOpt).toInt()));
  QObject::connect(&switcher, &QTimer::timeout, [&] {
    lastSwitch = clock.nsecsElapsed();
    window.chartDock()->setSymbol(switches % 2 == 0 ? QStringLiteral("HIST") : homeSymbol);
    ++switches;
  });
  std::vector<double> loadMs, readMs;
  QObject::connect(window.chartDock(), &ui::ChartDock::historyInstalled, [&](const QString& sym, int) {
    if (sym != QLatin1String("HIST")) return;
    loadMs.push_back(static_cast<double>(window.chartDock()->lastLoadMs()));
    if (auto h = window.chartDock()->currentHistory()) readMs.push_back(static_cast<double>(h->elapsedMs));
  });

  auto* market = kernel.simulatedMarket();
  const auto s0 = market ? market->stats() : marketdata::SimulatedMarket::Stats{};
  execution::ExecutionService* exec = kernel.execution();
  std::map<std::string, std::uint64_t> coalesced0;
  for (const auto& m : kernel.bus().mailboxStats()) coalesced0[m.name] = m.coalesced;
  if (market) market->setLatencyStamps(true);
  const double cpu0 = app::currentThreadCpuMs();
  const qint64 wall0 = clock.nsecsElapsed();
  probeTimer.start();
  poster.start();
  if (historyBars > 0) {
    switcher.start();
    lastSwitch = clock.nsecsElapsed();
    window.chartDock()->setSymbol(QStringLiteral("HIST"));
    ++switches;
  }
  QTimer::singleShot(static_cast<int>(seconds * 1000), &app, &QApplication::quit);
  app.exec();
  const double wallMs = static_cast<double>(clock.nsecsElapsed() - wall0) / 1e6;
  const double cpuMs = app::currentThreadCpuMs() - cpu0;
  const auto s1 = market ? market->stats() : marketdata::SimulatedMarket::Stats{};
  if (market) market->setLatencyStamps(false);
  probeTimer.stop();
  poster.stop();
  switcher.stop();

  const Pct late = percentiles(lateness), post = percentiles(postDelay);
  fmt::print("GUI event-loop lag: {:.0f} s, simulated feed at {:.0f} ticks/s requested, real MainWindow {}x{} ({})\n",
             wallMs / 1000.0, ticks, window.width(), window.height(), QApplication::platformName().toStdString());
  fmt::print("  achieved feed: {:.0f} ticks/s, {:.0f} quotes/s, {:.1f} bars/s published\n",
             static_cast<double>(s1.ticks - s0.ticks) / (wallMs / 1000.0),
             static_cast<double>(s1.quotes - s0.quotes) / (wallMs / 1000.0),
             static_cast<double>(s1.bars - s0.bars) / (wallMs / 1000.0));
  printLine(fmt::format("timer lateness ({} ms timer)", timerMs).c_str(), late);
  printLine("posted-event latency", post);
  for (const auto& [late, since] : worst)
    fmt::print("  stall {:.0f} ms, {:.0f} ms after a symbol switch\n", late, since);
  if (cpu0 >= 0) fmt::print("  GUI thread CPU: {:.1f}% of one core\n", 100.0 * cpuMs / wallMs);
  if (exec) {
    const auto& h = exec->quoteLatency();
    fmt::print("  quote-to-risk (publish -> applied on the execution thread) n {:8}  p50 {:7.3f}  p99 {:7.3f}  max {:8.3f}"
               "  mean {:6.3f} ms\n",
               h.count(), static_cast<double>(h.percentileNs(0.50)) / 1e6, static_cast<double>(h.percentileNs(0.99)) / 1e6,
               static_cast<double>(h.maxNs()) / 1e6, h.meanNs() / 1e6);
  }
  for (const auto& m : kernel.bus().mailboxStats())
    if (m.coalesced > coalesced0[m.name])
      fmt::print("  mailbox {:<12} coalesced {:.0f}/s (older quotes replaced before its thread drained them)\n", m.name,
                 static_cast<double>(m.coalesced - coalesced0[m.name]) / (wallMs / 1000.0));
  if (journaledFills > 0) {
    // The same answer again, through the storage thread, and merged into a fresh sorted blotter: the GUI-thread part.
    const auto answer = kernel.history()->loadFills(contract::RequestFillsHistory{"bench", ui::FillsModel::kDefaultCapacity});
    ui::FillsModel model;
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(ui::FillsModel::SortRole);
    proxy.setDynamicSortFilter(true);
    proxy.sort(ui::FillsModel::Time, Qt::DescendingOrder);
    QElapsedTimer t;
    t.start();
    const int merged = model.mergeHistory(*answer.fills);
    const double mergeMs = static_cast<double>(t.nsecsElapsed()) / 1e6;
    fmt::print("  fills history: {} fills journaled ({:.0f} ms); window built -> {} shown in the Fills blotter after "
               "{:.0f} ms (incl. kernel start); read of {} on the history service {} ms; merge into a sorted blotter on "
               "the GUI thread {:.1f} ms ({} rows)\n",
               journaledFills, journalMs, fillsShown, fillsShownMs, answer.fills->size(), answer.elapsedMs, mergeMs,
               merged);
  }
  if (historyBars > 0) {
    const Pct lp = percentiles(loadMs);
    fmt::print("  history: {} switches to HIST ({} 1m bars), {} installed; request -> series installed p50 {:.0f} ms, "
               "max {:.0f} ms (storage read + aggregation + off-thread build)\n",
               (switches + 1) / 2, historyBars, lp.n, lp.p50, lp.max);
    fmt::print("  of which the history read on the service's own connection: p50 {:.0f} ms ({} of {} requests, chart and fills, via that connection)\n",
               percentiles(readMs).p50, history.readerReads(), history.served() + history.fillsServed());
    fmt::print("  (the old synchronous path: CandleView::setBars on the GUI thread {:.0f} ms per switch)\n", syncSetBarsMs);
  }
  kernel.stop();
  if (cli.isSet(maxOpt)) {
    const double limit = cli.value(maxOpt).toDouble();
    fmt::print("  goal timer-lateness p99 <= {:.1f} ms: {}\n", limit, late.p99 <= limit ? "met" : "NOT met");
    return late.p99 <= limit ? 0 : 1;
  }
  return 0;
}
