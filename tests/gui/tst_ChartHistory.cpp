// Chart history through the real composition root: NVDA daily bars imported from the shared CSV into a temp SQLite,
// a symbol switch asks core for history over the bus (UiBridge -> HistoryService -> its own read connection), the
// GUI thread keeps running while it loads, the series is built off the GUI thread, stale answers are ignored, live
// minute bars are aggregated onto the daily history after the seam (no gap, no duplicate), and signal markers draw.
#include "core/marketdata/IngestionService.h"
#include "core/history/HistoryService.h"
#include "core/runtime/Kernel.h"
#include "core/time/NyseCalendar.h"
#include "core/time/TimeZones.h"
#include "ui/bridge/UiBridge.h"
#include "ui/docks/ChartDock.h"
#include "ui/mainwindow/MainWindow.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTextStream>
#include <QtTest>

using namespace meridian;

namespace {

struct CsvTruth {
  std::size_t rows = 0;
  QDate lastDate;
  double lastClose = 0.0;
};

// Independent reading of the Yahoo file (not the importer under test): data rows with numeric OHLC.
CsvTruth readCsv(const QString& path) {
  CsvTruth t;
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) return t;
  QTextStream in(&f);
  in.readLine();  // header
  while (!in.atEnd()) {
    const QStringList c = in.readLine().split(QLatin1Char(','));
    if (c.size() < 7) continue;
    bool ok = false;
    const double close = c[4].toDouble(&ok);
    if (!ok) continue;
    ++t.rows;
    const QDate d = QDate::fromString(c[0], Qt::ISODate);
    if (!t.lastDate.isValid() || d > t.lastDate) {
      t.lastDate = d;
      t.lastClose = close;
    }
  }
  return t;
}

void saveShot(QWidget* w, const QString& name) {
  const QByteArray dir = qgetenv("MERIDIAN_SCREENSHOT_DIR");
  if (!dir.isEmpty()) QVERIFY(w->grab().save(QString::fromLocal8Bit(dir) + "/" + name));
}

}  // namespace

class tst_ChartHistory : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;

 private Q_SLOTS:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

  void historyLoadsAsynchronouslyAndLiveBarsJoinAtTheSeam() {
    common::initLogging(common::LogOptions{});
    const QString nvdaCsv = QStringLiteral(MERIDIAN_SHARED_DATA) + "/nvda-1999-2014.csv";
    const QString orclCsv = QStringLiteral(MERIDIAN_SHARED_DATA) + "/orcl-1995-2014.csv";
    const CsvTruth nvda = readCsv(nvdaCsv);
    QVERIFY2(nvda.rows > 3000, qPrintable(nvdaCsv));

    common::Config cfg;
    cfg.set("db.sqlite_path", m_dir.filePath("history.sqlite"));
    cfg.set("market.feed", "none");  // live bars come from this test, at known times
    runtime::Kernel kernel(cfg);
    QVERIFY(kernel.start().ok());
    for (const auto& [path, sym] : {std::pair{nvdaCsv, "NVDA"}, std::pair{orclCsv, "ORCL"}}) {
      marketdata::CsvImportRequest req;
      req.path = path;
      req.symbol = sym;
      auto report = kernel.ingestion()->importCsv(req);
      QVERIFY2(report.ok(), report.ok() ? "" : report.error().message.c_str());
    }
    QVERIFY(kernel.history());
    history::HistoryService& history = *kernel.history();  // started by Kernel::start()

    ui::UiContext ctx;
    ctx.bus = &kernel.bus();
    ctx.config = &kernel.config();
    ctx.logs = common::inAppLogs();
    ctx.settingsOrganization = QStringLiteral("MeridianTests");
    ctx.settingsApplication = QStringLiteral("tst_ChartHistory-%1").arg(QCoreApplication::applicationPid());
    auto window = std::make_unique<ui::MainWindow>(ctx);
    ui::ChartDock* chart = window->chartDock();  // history through the window's bridge
    window->resize(1500, 900);
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    chart->setTimeframe(ui::Timeframe::D1);
    QTRY_VERIFY_WITH_TIMEOUT(!chart->isLoading(), 10'000);  // the start-up symbol (nothing stored for it)

    // ---- Symbol switch: asynchronous, the event loop keeps turning ------------------------------------------------
    int ticksWhileLoading = 0;
    QTimer ticker;
    ticker.setInterval(1);
    connect(&ticker, &QTimer::timeout, [&] {
      if (chart->isLoading()) ++ticksWhileLoading;
    });
    QSignalSpy installed(chart, &ui::ChartDock::historyInstalled);
    ticker.start();
    chart->setSymbol(QStringLiteral("NVDA"));
    QVERIFY2(chart->isLoading(), "setSymbol must return before the history is there");
    QVERIFY(chart->view()->isLoading());
    QVERIFY(installed.wait(15'000));
    ticker.stop();
    QVERIFY2(ticksWhileLoading > 0, "the GUI thread processed no timer event while history was loading");
    QCOMPARE(installed.constLast().at(0).toString(), QStringLiteral("NVDA"));
    QVERIFY(!chart->isLoading());
    QVERIFY(!chart->view()->isLoading());
    const auto loaded = chart->currentHistory();
    QVERIFY(loaded);
    QCOMPARE(loaded->source, std::string("csv"));
    QVERIFY(loaded->timeframe == domain::Timeframe::Day1);
    const auto& bars = chart->view()->bars();
    QCOMPARE(bars.size(), nvda.rows);
    QCOMPARE(bars.back().close, nvda.lastClose);
    QCOMPARE(time::TimeZones::toExchange(bars.back().ts).date(), nvda.lastDate);
    QVERIFY(chart->view()->series().effectiveTimeframe() == ui::Timeframe::D1);
    qInfo("NVDA: %zu daily bars installed in %lld ms (%d timer ticks while loading)", bars.size(),
          static_cast<long long>(chart->lastLoadMs()), ticksWhileLoading);
    QVERIFY2(history.readerReads() > 0, "history should be read on the service's own connection, not the storage thread");
    {
      // The same request through the storage thread (the fallback path) gives the same bars.
      contract::RequestHistory req;
      req.symbol = "NVDA";
      req.timeframe = domain::Timeframe::Day1;
      const contract::HistoryLoaded viaStorageThread = history.load(req);
      QVERIFY(viaStorageThread.ok());
      QCOMPARE(viaStorageThread.bars->size(), nvda.rows);
      QCOMPARE(viaStorageThread.bars->back().close, nvda.lastClose);

      // Only minute bars stored: 1h / 1d answers are aggregated over NYSE sessions (ET), outside-session minutes dropped.
      const auto& cal = time::NyseCalendar::instance();
      const auto s1 = cal.session(QDate(2024, 3, 8)), s2 = cal.session(QDate(2024, 3, 11));  // DST starts in between
      QVERIFY(s1 && s2);
      std::vector<domain::Bar> minutes;
      for (const auto& sess : {*s1, *s2})
        for (domain::Timestamp t = sess.open - 30 * domain::kNanosPerMinute; t < sess.close + 30 * domain::kNanosPerMinute;
             t += domain::kNanosPerMinute) {
          domain::Bar b;
          b.ts = t;
          const bool inside = t >= sess.open && t < sess.close;
          b.open = b.close = inside ? 50.0 : 10.0;
          b.high = inside ? 51.0 : 500.0;
          b.low = inside ? 49.0 : 1.0;
          b.volume = 10.0;
          minutes.push_back(b);
        }
      QVERIFY(kernel.storage()
                  .call([&minutes](storage::IStorage& s) { return s.upsertBars("MINI", "polygon_1m", minutes).ok(); })
                  .get());
      req.symbol = "MINI";
      const contract::HistoryLoaded daily = history.load(req);
      QVERIFY(daily.ok());
      QVERIFY(daily.aggregated);
      QCOMPARE(daily.source, std::string("polygon_1m"));
      QCOMPARE(daily.bars->size(), std::size_t(2));
      QCOMPARE((*daily.bars)[0].ts, marketdata::dailyBarTs(QDate(2024, 3, 8)));
      QCOMPARE((*daily.bars)[1].ts, marketdata::dailyBarTs(QDate(2024, 3, 11)));
      QCOMPARE((*daily.bars)[1].high, 51.0);   // the 500.0 pre-market minutes are not in the session
      QCOMPARE((*daily.bars)[1].volume, 3900.0);  // 390 session minutes
      req.timeframe = domain::Timeframe::Hour1;
      const contract::HistoryLoaded hourly = history.load(req);
      QCOMPARE(hourly.bars->size(), std::size_t(14));  // 7 per session: 09:30, 10:30, ..., 15:30 ET
      QCOMPARE(time::TimeZones::toExchange(hourly.bars->front().ts).time(), QTime(9, 30));
      QCOMPARE(time::TimeZones::toExchange((*hourly.bars)[7].ts).time(), QTime(9, 30));  // after the DST change too
    }

    // ---- Switching again before the answer: the older answer is ignored --------------------------------------------
    const auto staleBefore = chart->staleResponses();
    chart->setSymbol(QStringLiteral("ORCL"));
    chart->setSymbol(QStringLiteral("NVDA"));
    QVERIFY(installed.wait(15'000));
    QTRY_VERIFY_WITH_TIMEOUT(chart->staleResponses() > staleBefore, 5'000);
    QTRY_VERIFY_WITH_TIMEOUT(window->bridge()->pendingRequests<contract::HistoryLoaded>() == 0, 5'000);
    QCOMPARE(chart->symbol(), QStringLiteral("NVDA"));
    QCOMPARE(chart->view()->bars().size(), nvda.rows);  // NVDA's bars, not ORCL's
    QCOMPARE(chart->view()->bars().back().close, nvda.lastClose);

    // ---- Live minute bars: before the seam ignored, after it aggregated into the next session's daily bar -----------
    const auto& cal = time::NyseCalendar::instance();
    const QDate next = cal.nextTradingDay(nvda.lastDate);
    const auto lastSession = cal.session(nvda.lastDate);
    const auto nextSession = cal.session(next);
    QVERIFY(lastSession && nextSession);
    const std::size_t before = chart->view()->bars().size();
    const auto publishMinute = [&](domain::Timestamp ts, double o, double h, double l, double c, double v) {
      domain::Bar b;
      b.ts = ts;
      b.open = o;
      b.high = h;
      b.low = l;
      b.close = c;
      b.volume = v;
      kernel.bus().publish(contract::BarClosed{"NVDA", "simulated_1m", b});
    };
    // Inside the last stored session: history covers it.
    publishMinute(lastSession->open + 30 * domain::kNanosPerMinute, 1.0, 999.0, 0.5, 1.0, 5.0);
    // Three minutes of the next session.
    const domain::Timestamp t0 = nextSession->open;
    publishMinute(t0, 20.00, 20.40, 19.90, 20.30, 1000);
    publishMinute(t0 + domain::kNanosPerMinute, 20.30, 20.80, 20.20, 20.70, 1500);
    publishMinute(t0 + 2 * domain::kNanosPerMinute, 20.70, 20.75, 19.80, 20.10, 500);
    QTRY_COMPARE_WITH_TIMEOUT(chart->view()->bars().size(), before + 1, 5'000);
    QTRY_COMPARE_WITH_TIMEOUT(chart->view()->bars().back().close, 20.10, 5'000);
    {
      const auto& b = chart->view()->bars();
      const domain::Bar& seam = b[b.size() - 2];
      const domain::Bar& live = b.back();
      QCOMPARE(seam.close, nvda.lastClose);  // the stored last day is untouched by the earlier minute bar
      QVERIFY(seam.high < 999.0);
      QCOMPARE(live.ts, marketdata::dailyBarTs(next));
      QCOMPARE(live.open, 20.00);
      QCOMPARE(live.high, 20.80);
      QCOMPARE(live.low, 19.80);
      QCOMPARE(live.volume, 3000.0);
      QVERIFY(std::is_sorted(b.begin(), b.end(), [](const domain::Bar& x, const domain::Bar& y) { return x.ts < y.ts; }));
      QVERIFY(std::adjacent_find(b.begin(), b.end(), [](const domain::Bar& x, const domain::Bar& y) { return x.ts == y.ts; }) ==
              b.end());
    }

    // ---- Timeframe switch 1D -> 1W: rebuilt off the GUI thread from the same stored answer ---------------------------
    chart->setTimeframe(ui::Timeframe::W1);
    QVERIFY(chart->isLoading());
    QVERIFY(installed.wait(15'000));
    QVERIFY(chart->view()->timeframe() == ui::Timeframe::W1);
    QVERIFY(chart->view()->series().size() < nvda.rows / 4);
    QCOMPARE(chart->view()->series().bars().back().close, 20.10);  // the live day ends the last week
    chart->setTimeframe(ui::Timeframe::D1);
    QVERIFY(installed.wait(15'000));
    QCOMPARE(chart->view()->bars().size(), before + 1);  // the live day survives the rebuild

    // ---- Signal markers: distinct kind, tooltip text with strategy and reason -----------------------------------------
    chart->setRange(ui::CandleView::Range::M3);
    const auto& b = chart->view()->bars();
    contract::SignalGenerated longSig{"sma_cross", "NVDA", b[b.size() - 20].ts, domain::Side::Buy, b[b.size() - 20].close, 100.0,
                                 "SMA10 crossed above SMA30"};
    contract::SignalGenerated exitSig{"sma_cross", "NVDA", b[b.size() - 8].ts, domain::Side::Sell, b[b.size() - 8].close, 0.0,
                                 "SMA10 crossed below SMA30"};
    chart->onSignals({longSig, exitSig});
    chart->view()->repaint();
    const auto& hits = chart->view()->paintedMarkers();
    QCOMPARE(hits.size(), std::size_t(2));
    QVERIFY(hits[0].kind == ui::ChartMarker::Kind::SignalLong);
    QVERIFY(hits[1].kind == ui::ChartMarker::Kind::SignalExit);
    const QString tip = chart->view()->markerTextAt(hits[0].centre);
    QVERIFY2(tip.contains(QStringLiteral("sma_cross")) && tip.contains(QStringLiteral("SMA10 crossed above SMA30")),
             qPrintable(tip));
    chart->view()->setCrosshair(hits[0].centre);
    chart->view()->repaint();
    QVERIFY2(chart->view()->readoutText().contains(QStringLiteral("SMA10 crossed above SMA30")),
             qPrintable(chart->view()->readoutText()));
    saveShot(window.get(), QStringLiteral("ChartHistory-NVDA-signals.png"));
    saveShot(chart, QStringLiteral("ChartDock-history.png"));

    window.reset();
    kernel.stop();
  }
};

QTEST_MAIN(tst_ChartHistory)
#include "tst_ChartHistory.moc"
