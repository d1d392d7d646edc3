// GUI test of the Backtest menu: a real main window (xcb under Xvfb), the real EventBus and a real BacktestService
// running the real engine on the ORCL file from MERIDIAN_SHARED_DATA.
// Run: xvfb-run -a -s "-screen 0 1920x1080x24" ./tests/gui/tst_BacktestUi
// Screenshots go to $MERIDIAN_SCREENSHOT_DIR (default <temp>/meridian-screenshots).
#include <QtTest>

#include "tests/support/GuiFixture.h"

#include <QAbstractSpinBox>
#include <QAction>
#include <QApplication>
#include <QAreaSeries>
#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QMenu>
#include <QMenuBar>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>

#include <algorithm>
#include <memory>
#include <mutex>
#include <vector>

#include "core/backtest/BacktestEngine.h"
#include "core/research/BacktestService.h"
#include "core/backtest/BarSeriesLoader.h"
#include "core/backtest/Optimizer.h"
#include "core/bus/EventBus.h"
#include "core/common/Clock.h"
#include "core/common/Config.h"
#include "core/common/Logging.h"
#include "core/history/HistoryService.h"
#include "core/research/PnlReport.h"
#include "core/research/StoredSeries.h"
#include "core/storage/StorageService.h"
#include "ui/bridge/UiBridge.h"
#include "ui/dialogs/BacktestController.h"
#include "ui/dialogs/BacktestDialog.h"
#include "ui/dialogs/BacktestHistoryDialog.h"
#include "ui/dialogs/PnlReportDialog.h"
#include "ui/docks/BacktestResultsDock.h"
#include "ui/docks/ChartDock.h"
#include "ui/mainwindow/MainWindow.h"
#include "ui/models/BacktestHistoryModel.h"
#include "ui/models/BacktestMetricsModel.h"
#include "ui/models/BacktestTradesModel.h"
#include "ui/models/Formatting.h"

#include <QLocale>

#include <cmath>
#include "ui/models/OptimizationRunsModel.h"
#include "ui/models/WalkForwardModel.h"
#include "ui/widgets/EquityChartView.h"
#include "ui/widgets/ParamHeatmap.h"
#include "ui/widgets/MonthlyReturnsHeatmap.h"
#include "ui/widgets/StoredSeriesPicker.h"

#include <QTableWidget>

#include "../support/LiveFillsFixture.h"
#include "../support/PnlFixture.h"

using namespace meridian;
using meridian::ui::BacktestDialog;
using meridian::ui::MainWindow;

namespace {

constexpr int kRunTimeoutMs = 60'000;
QString orclPath() { return QStringLiteral(MERIDIAN_SHARED_DATA) + QStringLiteral("/orcl-1995-2014.csv"); }

bool isPng(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return false;
  return f.size() > 100 && f.read(8) == QByteArray("\x89PNG\r\n\x1a\n", 8);
}

// Selects `value` in a combo box with the keyboard (Home, then Down until it is current).
bool chooseWithKeyboard(QComboBox* combo, const QString& data) {
  combo->setFocus(Qt::TabFocusReason);
  QTest::keyClick(combo, Qt::Key_Home);
  for (int i = 0; i < combo->count() && combo->currentData().toString() != data; ++i) QTest::keyClick(combo, Qt::Key_Down);
  return combo->currentData().toString() == data;
}

// Replaces a spin box's text by typing, as a user would.
void typeInto(QAbstractSpinBox* spin, const QString& text) {
  spin->setFocus(Qt::TabFocusReason);
  QTest::keyClick(spin, Qt::Key_A, Qt::ControlModifier);
  QTest::keyClicks(spin, text);
}

double spinValue(QAbstractSpinBox* w) {
  if (auto* i = qobject_cast<QSpinBox*>(w)) return i->value();
  if (auto* d = qobject_cast<QDoubleSpinBox*>(w)) return d->value();
  return -1;
}

// The points a chart draws: its line (equity) or the upper edge of its area (drawdown).
QList<QPointF> plotted(ui::EquityChartView* chart) {
  for (QAbstractSeries* series : chart->chart()->series()) {
    if (auto* area = qobject_cast<QAreaSeries*>(series)) return area->upperSeries()->points();
    if (auto* line = qobject_cast<QLineSeries*>(series)) return line->points();
  }
  return {};
}

QPointF lowest(const QList<QPointF>& points) {
  const auto byY = [](const QPointF& a, const QPointF& b) { return a.y() < b.y(); };
  return *std::min_element(points.begin(), points.end(), byY);
}

// Point i of the curve as a chart draws it (x in ms since the epoch) with the given y.
QPointF pointAt(const std::vector<analytics::EquityPoint>& curve, std::size_t i, double y) {
  return QPointF(qreal(curve[i].ts / domain::kNanosPerMilli), y);
}

}  // namespace

class tst_BacktestUi : public QObject {
  Q_OBJECT

 private:
  ui::UiContext context() {
    ui::UiContext c;
    c.bus = &m_bus;
    c.config = &m_config;
    c.logs = m_logs;
    c.settingsOrganization = QStringLiteral("MeridianTests");
    c.settingsApplication = m_settingsApp;
    c.clock = m_clock;
    return c;
  }
  ui::BacktestController* controller() const { return m_window->backtest(); }
  ui::BacktestResultsDock* dock() const { return controller()->resultsDock(); }

  void activateMain() {
    m_window->activateWindow();
    m_window->raise();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
  }

  BacktestDialog* openWithShortcut(QKeyCombination keys, BacktestDialog::Mode mode) {
    activateMain();
    QTest::keyClick(m_window.get(), keys.key(), keys.keyboardModifiers());
    BacktestDialog* d = controller()->existingDialog(mode);
    if (!d) return nullptr;
    if (!QTest::qWaitForWindowExposed(d)) return nullptr;
    return d;
  }

  backtest::BacktestConfig formConfig() const {
    backtest::BacktestConfig c;
    c.initialCash = 100'000;
    c.sizing = {strategy::SizingRule::Mode::FixedQuantity, 100};
    c.fill.commission = backtest::CommissionModel::percent(0.001);  // the form's "0.1 % of notional"
    return c;
  }

  void save(QWidget* w, const QString& name) {
    const QString path = m_shotDir.filePath(name + QStringLiteral(".png"));
    QFile::remove(path);
    QTest::qWait(100);  // let pending resizes (window system round trips) and repaints land
    const QPixmap pm = w->grab();
    QVERIFY2(!pm.isNull(), qPrintable(name));
    QVERIFY2(pm.save(path, "PNG"), qPrintable(path));
    QVERIFY2(isPng(path), qPrintable(path));
    qInfo("screenshot: %s (%dx%d)", qPrintable(path), pm.width(), pm.height());
    // What the picture must show: the widget at a usable size, not blank, readable table columns.
    const QString problem = test::pictureProblem(w);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
  }

  bus::EventBus m_bus;
  common::Config m_config;
  std::shared_ptr<common::InAppLogBuffer> m_logs;
  // The window's clock: a minute further at each test function, so session runs get distinct, known stamps.
  static constexpr domain::Timestamp kClockStart = 1'767'700'800'000'000'000;  // 2026-01-06 12:00 UTC
  std::shared_ptr<common::SimulatedClock> m_clock = std::make_shared<common::SimulatedClock>(kClockStart);
  std::unique_ptr<storage::StorageService> m_storage;  // a SQLite file with ORCL and YHOO stored ("csv")
  std::unique_ptr<history::HistoryService> m_history;
  std::unique_ptr<research::BacktestService> m_service;
  std::mutex m_savedMutex;
  std::vector<storage::BacktestRunRecord> m_saved;  // the service's RunSaver / RunHistory (service thread)
  std::unique_ptr<MainWindow> m_window;
  QString m_settingsApp;
  QDir m_shotDir;
  QTemporaryDir m_tmp;
  std::vector<backtest::BarSeries> m_orcl;

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    m_settingsApp = QStringLiteral("tst_BacktestUi-%1-%2")
                        .arg(QCoreApplication::applicationPid())
                        .arg(QDateTime::currentMSecsSinceEpoch());
    QSettings(QStringLiteral("MeridianTests"), m_settingsApp).clear();
    common::LogOptions opts;
    opts.level = "info";
    m_logs = common::initLogging(opts);

    const QByteArray env = qgetenv("MERIDIAN_SCREENSHOT_DIR");
    m_shotDir = QDir(env.isEmpty() ? QDir::temp().filePath(QStringLiteral("meridian-screenshots")) : QString::fromLocal8Bit(env));
    QVERIFY(m_shotDir.mkpath(QStringLiteral(".")));
    QVERIFY(m_tmp.isValid());

    auto s = backtest::loadYahooCsv(orclPath().toStdString());
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
    m_orcl.push_back(std::move(s).value());

    // Stored series, read by the history service as in the application.
    storage::StorageConfig sc;
    sc.backend = "sqlite";
    sc.sqlitePath = m_tmp.filePath(QStringLiteral("stored.sqlite")).toStdString();
    m_storage = std::make_unique<storage::StorageService>(sc);
    QVERIFY(m_storage->start().ok());
    auto yhoo = backtest::loadYahooCsv(QStringLiteral(MERIDIAN_SHARED_DATA "/yhoo-1996-2014.csv").toStdString());
    QVERIFY(yhoo.ok());
    const auto orclBars = m_orcl.front().bars;
    const auto yhooBars = yhoo->bars;
    QVERIFY(m_storage->call([&](storage::IStorage& st) {
                        if (!st.upsertBars("ORCL", "csv", orclBars).ok()) return false;
                        return st.upsertBars("YHOO", "csv", yhooBars).ok();
                      }).get());
    history::HistoryService::Options ho;
    ho.reader = sc;
    m_history = std::make_unique<history::HistoryService>(
        m_bus,
        [this](const storage::StorageTask& task) { m_storage->call([&task](storage::IStorage& st) { task(st); }).get(); },
        ho);
    m_history->start();

    research::BacktestService::Options opt;
    opt.loader = [this](const contract::SeriesRequest& r) { return research::loadStoredSeries(m_bus, r); };
    opt.saver = [this](storage::BacktestRunRecord rec) -> Result<std::int64_t> {
      std::lock_guard lock(m_savedMutex);
      rec.id = static_cast<std::int64_t>(m_saved.size()) + 1;
      rec.equityCurveJson = rec.tradesJson = "[]";
      m_saved.push_back(rec);
      return rec.id;
    };
    opt.history = [this](std::size_t) -> Result<std::vector<storage::BacktestRunRecord>> {
      std::lock_guard lock(m_savedMutex);
      return std::vector<storage::BacktestRunRecord>(m_saved.rbegin(), m_saved.rend());
    };
    // The live strategy of the P&L report's comparison: sma_cross(10, 30) on the stored ORCL bars, 100 shares.
    opt.liveComparison = [](const contract::CompareLiveStrategy& c) -> Result<contract::RunBacktest> {
      if (c.strategyId != "live:sma_cross:ORCL") return makeError("strategy.not_live", c.strategyId + " is not live");
      research::LiveStrategyBacktest spec;
      spec.strategyId = c.strategyId;
      spec.strategy = "sma_cross";
      spec.params.set("fast", 10);
      spec.params.set("slow", 30);
      spec.symbols = {"ORCL"};
      spec.source = "csv";
      spec.sizing = {strategy::SizingRule::Mode::FixedQuantity, 100};
      spec.warmupDays = 365;
      return research::comparisonRun(spec, QDate::fromString(QString::fromStdString(c.fromDate), Qt::ISODate),
                                     QDate::fromString(QString::fromStdString(c.toDate), Qt::ISODate));
    };
    m_service = std::make_unique<research::BacktestService>(m_bus, opt);
    QVERIFY(m_service->start().ok());

    m_window = std::make_unique<MainWindow>(context());
    m_window->resize(1600, 1000);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    activateMain();
  }

  void init() { m_clock->advance(domain::kNanosPerMinute); }

  void cleanupTestCase() {
    m_window.reset();
    m_service->stop();
    m_history->stop();
    m_storage->stop();
    QSettings(QStringLiteral("MeridianTests"), m_settingsApp).clear();
    common::shutdownLogging();
  }

  void bridgeCoalescesBacktestProgress() {
    ui::UiBridge* bridge = m_window->bridge();
    std::vector<ui::Batch<contract::BacktestProgress>> progress;
    std::vector<ui::Batch<contract::BacktestFinished>> finished;
    bridge->onTick();  // flush whatever is pending
    QObject receiver;
    bridge->on<contract::BacktestProgress>(&receiver, [&](const auto& b) { progress.push_back(b); });
    bridge->on<contract::BacktestFinished>(&receiver, [&](const auto& b) { finished.push_back(b); });
    using contract::BacktestKind;
    for (std::size_t i = 1; i <= 5; ++i)
      m_bus.publish(contract::BacktestProgress{"T-a", BacktestKind::Backtest, i, 5, "running"});
    m_bus.publish(contract::BacktestProgress{"T-b", BacktestKind::Optimization, 1, 9, "optimizing"});
    m_bus.publish(contract::BacktestProgress{"T-c", BacktestKind::Backtest, 1, 2, "running"});
    contract::BacktestFinished done;
    done.correlationId = "T-c";
    done.error = "test";
    m_bus.publish(done);
    bridge->onTick();
    QCOMPARE(progress.size(), std::size_t(1));  // one batch per tick
    const auto& batch = progress.front();
    QCOMPARE(batch.size(), std::size_t(3));     // latest per id, in first-arrival order
    QCOMPARE(batch[0]->correlationId, std::string("T-a"));
    QCOMPARE(batch[0]->done, std::size_t(5));
    QCOMPARE(batch[1]->correlationId, std::string("T-b"));
    QCOMPARE(batch[2]->correlationId, std::string("T-c"));
    QCOMPARE(finished.size(), std::size_t(1));  // progress first, then the result (catalogue order)
    QCOMPARE(finished.front().size(), std::size_t(1));
    QCOMPARE(finished.front().front()->correlationId, std::string("T-c"));
  }

  void resultsDockStartsHidden() {
    QVERIFY(dock());
    QCOMPARE(dock()->objectName(), QStringLiteral("BacktestResultsDock"));
    QVERIFY(!dock()->isVisible());
    QVERIFY(!dock()->hasResults());
    QAction* toggle = m_window->findChild<QAction*>(QStringLiteral("toggleBacktestResultsDock"));
    QVERIFY(toggle);
    bool inViewMenu = false;
    for (QAction* top : m_window->menuBar()->actions())
      if (top->text() == QStringLiteral("&View")) inViewMenu = top->menu()->actions().contains(toggle);
    QVERIFY(inViewMenu);
  }

  void runBacktestFromTheKeyboard() {
    BacktestDialog* d = openWithShortcut(Qt::CTRL | Qt::Key_B, BacktestDialog::Mode::Backtest);
    QVERIFY(d);
    QVERIFY(d->isVisible());
    QCOMPARE(d->windowTitle(), QStringLiteral("Run Backtest"));
    QVERIFY(chooseWithKeyboard(d->strategyCombo(), QStringLiteral("sma_cross")));
    QVERIFY(d->paramEditor(QStringLiteral("fast")));
    QVERIFY(d->paramEditor(QStringLiteral("slow")));
    QVERIFY(!d->paramEditor(QStringLiteral("fast"), 1));  // no ranges in Backtest mode

    typeInto(d->paramEditor(QStringLiteral("fast")), QStringLiteral("12"));
    typeInto(d->paramEditor(QStringLiteral("slow")), QStringLiteral("45"));
    QCOMPARE(spinValue(d->paramEditor(QStringLiteral("fast"))), 12.0);
    QCOMPARE(spinValue(d->paramEditor(QStringLiteral("slow"))), 45.0);
    d->csvFilesEdit()->setText(orclPath());  // the file picker is a native dialog: set the field directly
    QVERIFY(chooseWithKeyboard(d->commissionCombo(), QString::number(2)));  // "% of notional"
    QCOMPARE(d->commissionCombo()->currentText(), QStringLiteral("% of notional"));
    auto* commission = d->findChild<QDoubleSpinBox*>(QStringLiteral("commissionValueSpin"));
    QVERIFY(commission && commission->isEnabled());
    typeInto(commission, QStringLiteral("0.1"));
    QCOMPARE(commission->value(), 0.1);

    // Enter in the form runs (Run is the default button).
    typeInto(d->paramEditor(QStringLiteral("slow")), QStringLiteral("45"));
    QTest::keyClick(d->paramEditor(QStringLiteral("slow")), Qt::Key_Return);
    QVERIFY(d->isVisible());  // Run keeps the dialog open

    strategy::ParamSet p;
    p.set("fast", 12);
    p.set("slow", 45);
    const auto v = backtest::views(m_orcl);
    auto direct = backtest::runBacktest(strategy::StrategyRegistry::builtin(), "sma_cross", p, v, formConfig());
    QVERIFY(direct.ok());
    const QString expected = ui::format::money(direct->finalValue);

    QTRY_VERIFY_WITH_TIMEOUT(dock()->isVisible(), kRunTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(dock()->finalValueText(), expected, kRunTimeoutMs);
    QVERIFY(dock()->result());
    QCOMPARE(dock()->result()->finalValue, direct->finalValue);  // the same engine on the same data, bit for bit
    QCOMPARE(dock()->result()->params, p);
    QVERIFY(!d->isRunning());
    QVERIFY(!d->errorLabel()->isVisible());
    QCOMPARE(d->progressBar()->value(), d->progressBar()->maximum());
    QVERIFY2(d->statusLabel()->text().contains(expected), qPrintable(d->statusLabel()->text()));

    // Trades table: one row per round trip, sortable.
    QCOMPARE(dock()->tradesModel()->rowCount(), int(direct->trades.size()));
    QVERIFY(direct->trades.size() > 10);
    QTableView* trades = dock()->tradesView();
    QCOMPARE(trades->model()->rowCount(), int(direct->trades.size()));
    trades->sortByColumn(ui::BacktestTradesModel::Pnl, Qt::DescendingOrder);
    double prev = 1e300;
    for (int r = 0; r < trades->model()->rowCount(); ++r) {
      const double pnl = trades->model()->index(r, ui::BacktestTradesModel::Pnl).data(ui::BacktestTradesModel::SortRole).toDouble();
      QVERIFY(pnl <= prev);
      prev = pnl;
    }
    // Charts and heatmap are filled; metrics carry the engine's numbers.
    QCOMPARE(dock()->equityChart()->pointCount(), int(direct->equity.size()));
    QCOMPARE(dock()->drawdownChart()->pointCount(), int(direct->equity.size()));
    QVERIFY(std::abs(lowest(plotted(dock()->drawdownChart())).y() + direct->metrics.maxDrawdown * 100.0) < 1e-9);
    // The buy-and-hold benchmark: a second line on the equity chart, its return, alpha and beta in the metrics.
    QCOMPARE(dock()->equityChart()->benchmarkPointCount(), int(direct->equity.size()));
    const auto& res = *dock()->result();
    QCOMPARE(res.benchmarkSymbol, std::string("ORCL"));
    QVERIFY(dock()->metricsModel()->rowOf(QStringLiteral("Alpha (ann.)")) >= 0);
    QCOMPARE(dock()->metricsModel()->valueText(QStringLiteral("Beta")), QLocale().toString(res.benchmarkStats.beta, 'f', 3));
    QCOMPARE(dock()->metricsModel()->valueText(QStringLiteral("Buy & hold return")),
             ui::format::percent(res.benchmarkStats.totalReturn * 100.0));
    QVERIFY(dock()->heatmap()->yearCount() >= 19);
    QCOMPARE(dock()->metricsModel()->valueText(QStringLiteral("Trades")), QString::number(direct->trades.size()));
    QVERIFY(dock()->summaryLabel()->text().contains(QStringLiteral("saved as run #1")));
    std::lock_guard lock(m_savedMutex);
    QCOMPARE(m_saved.size(), std::size_t(1));
    QCOMPARE(m_saved[0].finalValue, direct->finalValue);
  }

  // A long curve is reduced to at most kMaxPoints (+ the last), read point by point without a copy of it, and
  // keeps its first and last points and its extremes; the drawdown's peaks start at the initial value.
  void chartsReduceLongCurvesAndKeepTheirExtremes() {
    constexpr std::size_t kN = 200'000;
    std::vector<analytics::EquityPoint> curve(kN);
    for (std::size_t i = 0; i < kN; ++i)
      curve[i] = {domain::Timestamp(i + 1) * domain::kNanosPerMinute, 1000.0 + 50.0 * std::sin(double(i) * 0.001), 0.0};
    curve[123'457].equity = 5000.0;  // the top, in the middle of a bucket
    curve[170'001].equity = 10.0;    // the bottom, later: the drawdown from 5000 is -99.8%
    ui::EquityChartView equity(ui::EquityChartView::Style::Equity);
    equity.setCurve(curve);
    const QList<QPointF> e = plotted(&equity);
    QVERIFY(e.size() <= ui::EquityChartView::kMaxPoints + 1 && e.size() >= ui::EquityChartView::kMaxPoints / 2);
    QCOMPARE(e.front(), pointAt(curve, 0, curve[0].equity));
    QCOMPARE(e.back(), pointAt(curve, kN - 1, curve[kN - 1].equity));
    QVERIFY(e.contains(pointAt(curve, 123'457, 5000.0)));
    QCOMPARE(lowest(e), pointAt(curve, 170'001, 10.0));
    for (qsizetype i = 1; i < e.size(); ++i) QVERIFY(e[i - 1].x() < e[i].x());  // in time order

    ui::EquityChartView drawdown(ui::EquityChartView::Style::Drawdown);
    drawdown.setCurve(curve, 2000.0);  // the initial value is above the whole start of the curve
    const QList<QPointF> d = plotted(&drawdown);
    QVERIFY(d.size() <= ui::EquityChartView::kMaxPoints + 1);
    QCOMPARE(d.front(), pointAt(curve, 0, (curve[0].equity / 2000.0 - 1.0) * 100.0));
    QCOMPARE(lowest(d), pointAt(curve, 170'001, (10.0 / 5000.0 - 1.0) * 100.0));
    QVERIFY(d.contains(pointAt(curve, 123'457, 0.0)));  // the new peak

    // A short curve is drawn point for point.
    const std::vector<analytics::EquityPoint> few(curve.begin(), curve.begin() + 10);
    equity.setCurve(few);
    QCOMPARE(equity.pointCount(), 10);
    drawdown.setCurve(few, 0.0);  // no initial value: the first point is the first peak
    QCOMPARE(plotted(&drawdown).front().y(), 0.0);
  }

  // Show on Chart (Ctrl+Shift+G): the keyboard run's trades and fills as markers on the ORCL chart, daily bars.
  void showBacktestOnChart() {
    if (BacktestDialog* d = controller()->existingDialog(BacktestDialog::Mode::Backtest)) d->close();
    activateMain();
    QTRY_COMPARE(QApplication::activeWindow(), static_cast<QWidget*>(m_window.get()));
    const backtest::BacktestResultPtr res = dock()->result();
    QVERIFY(res);
    QCOMPARE(res->symbols, std::vector<std::string>{"ORCL"});
    QVERIFY(dock()->showOnChartButton()->isEnabled());
    ui::ChartDock* chart = m_window->chartDock();
    QTest::keyClick(m_window.get(), Qt::Key_G, Qt::ControlModifier | Qt::ShiftModifier);
    QTRY_COMPARE(chart->symbol(), QStringLiteral("ORCL"));
    QVERIFY(chart->isVisible());
    QCOMPARE(chart->backtestLabel(), QStringLiteral("sma_cross (%1)").arg(QString::fromStdString(res->params.toString())));
    const auto markers = chart->backtestMarkers(QStringLiteral("ORCL"));
    QCOMPARE(markers.size(), 2 * res->trades.size() + res->fills.size());
    // Trade 1's entry and exit at its dates and prices, then its fills.
    const auto& t1 = res->trades.front();
    QCOMPARE(markers[0].ts, t1.entryTs);
    QCOMPARE(markers[0].price, t1.entryPrice);
    QVERIFY(markers[0].kind == (t1.side == domain::Side::Buy ? ui::ChartMarker::Kind::SignalLong
                                                             : ui::ChartMarker::Kind::SignalShort));
    QVERIFY2(markers[0].text.startsWith(QStringLiteral("Backtest sma_cross trade 1: ")), qPrintable(markers[0].text));
    QCOMPARE(markers[1].ts, t1.exitTs);
    QVERIFY(markers[1].kind == ui::ChartMarker::Kind::SignalExit);
    QVERIFY2(markers[1].text.contains(ui::format::money(t1.pnl)), qPrintable(markers[1].text));
    // The stored ORCL series is loaded at the run's timeframe (1D) and every marker is on the chart.
    QTRY_VERIFY_WITH_TIMEOUT(!chart->isLoading() && chart->view()->bars().size() == m_orcl.front().bars.size(), 20'000);
    QCOMPARE(chart->view()->timeframe(), ui::Timeframe::D1);
    QVERIFY(chart->view()->markers().size() >= markers.size());
    chart->setRange(ui::CandleView::Range::All);
    QImage with = chart->view()->grab().toImage();
    const auto hits = chart->view()->paintedMarkers();
    const auto entry = std::find_if(hits.begin(), hits.end(), [](const ui::CandleView::MarkerHit& h) {
      return h.text.startsWith(QStringLiteral("Backtest sma_cross trade")) && h.kind != ui::ChartMarker::Kind::SignalExit;
    });
    QVERIFY(entry != hits.end());
    QVERIFY(!chart->view()->markerTextAt(entry->centre).isEmpty());
    std::size_t painted = 0;
    for (const auto& h : hits) painted += h.text.startsWith(QStringLiteral("Backtest")) ? 1 : 0;
    QCOMPARE(painted, markers.size());  // all in view (Range All)
    // The pixels: the diamond is drawn there, and gone once the backtest's markers are cleared.
    const QPoint probe = ((entry->centre + QPointF(0, -4)) * with.devicePixelRatio()).toPoint();
    const QColor drawn = with.pixelColor(probe);
    chart->clearBacktestMarkers();
    QVERIFY(chart->backtestMarkers(QStringLiteral("ORCL")).empty());
    const QImage without = chart->view()->grab().toImage();
    QVERIFY(without.pixelColor(probe) != drawn);
    // The button again (one symbol: no menu), and a screenshot with the markers.
    QVERIFY(!dock()->showOnChartButton()->menu());
    QTest::mouseClick(dock()->showOnChartButton(), Qt::LeftButton);
    QCOMPARE(chart->backtestMarkers(QStringLiteral("ORCL")).size(), markers.size());
    QVERIFY(chart->view()->grab().toImage().pixelColor(probe) == drawn);
    save(chart, QStringLiteral("ChartDock-backtest"));
  }

  void exportTradesToCsv() {
    QVERIFY(dock()->isVisible());
    dock()->tabs()->setCurrentIndex(ui::BacktestResultsDock::TradesTab);
    const QString path = m_tmp.filePath(QStringLiteral("trades.csv"));
    bool dialogSeen = false;
    // The Export button asks for a file name: answer the (Qt widget) file dialog like a user would.
    QTimer::singleShot(300, this, [&] {
      auto* fd = qobject_cast<QFileDialog*>(QApplication::activeModalWidget());
      if (!fd) return;
      dialogSeen = true;
      // Type the absolute path into the file name field and press Enter, as a user would.
      auto* name = fd->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"));
      if (!name) {
        static_cast<QDialog*>(fd)->reject();
        return;
      }
      name->setText(path);
      QTest::keyClick(name, Qt::Key_Return);
    });
    QTest::mouseClick(dock()->exportTradesButton(), Qt::LeftButton);
    if (!dialogSeen) {
      // A platform (native) file dialog cannot be driven from the test: export through the same code path.
      QVERIFY(dock()->exportTradesCsv(path));
    }
    QVERIFY2(QFile::exists(path), qPrintable(path));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly | QIODevice::Text));
    const QStringList lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size() - 1, dock()->tradesModel()->rowCount());
    QVERIFY(lines.front().startsWith(QStringLiteral("symbol,side,quantity,entry_date")));
    QVERIFY(lines[1].startsWith(QStringLiteral("ORCL,")));
  }

  void errorsAreShownInTheDialog() {
    BacktestDialog* d = controller()->existingDialog(BacktestDialog::Mode::Backtest);
    QVERIFY(d);
    d->show();
    d->activateWindow();
    const QString bad = m_tmp.filePath(QStringLiteral("bad.csv"));
    {
      QFile f(bad);
      QVERIFY(f.open(QIODevice::WriteOnly));
      f.write("Date,Open,High,Low,Close,Adj Close,Volume\n2014-01-02,10,11,9,10.5,10.5,1000\n"
              "2014-01-03,10.5,11,10,10.8,10.8,1200\n2014-01-06,10.8,oops,10,10.9,10.9,900\n");
    }
    d->csvFilesEdit()->setText(bad);
    QTest::mouseClick(d->runButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(d->errorLabel()->isVisible(), kRunTimeoutMs);
    QVERIFY2(d->errorLabel()->text().contains(QStringLiteral("bad.csv:4:")), qPrintable(d->errorLabel()->text()));
    QVERIFY(!d->isRunning());
    QVERIFY(d->runButton()->isEnabled());
    save(d, QStringLiteral("BacktestDialog-error"));

    // A rejected parameter combination (fast must be below slow).
    d->csvFilesEdit()->setText(orclPath());
    typeInto(d->paramEditor(QStringLiteral("fast")), QStringLiteral("50"));
    typeInto(d->paramEditor(QStringLiteral("slow")), QStringLiteral("30"));
    QTest::keyClick(d->paramEditor(QStringLiteral("slow")), Qt::Key_Enter);
    QTRY_VERIFY_WITH_TIMEOUT(!d->isRunning(), kRunTimeoutMs);
    QVERIFY(d->errorLabel()->isVisible());
    QVERIFY2(d->errorLabel()->text().contains(QStringLiteral("fast < slow")), qPrintable(d->errorLabel()->text()));

    // A missing file is caught before anything is sent.
    d->csvFilesEdit()->setText(m_tmp.filePath(QStringLiteral("nope.csv")));
    QTest::mouseClick(d->runButton(), Qt::LeftButton);
    QVERIFY(!d->isRunning());
    QVERIFY(d->errorLabel()->text().contains(QStringLiteral("not found")));

    // The results of the good run are still shown.
    QVERIFY(dock()->result());
    typeInto(d->paramEditor(QStringLiteral("fast")), QStringLiteral("12"));
    typeInto(d->paramEditor(QStringLiteral("slow")), QStringLiteral("45"));
    d->csvFilesEdit()->setText(orclPath());
    save(d, QStringLiteral("BacktestDialog"));

    // Esc closes the dialog.
    QTest::keyClick(d, Qt::Key_Escape);
    QTRY_VERIFY(!d->isVisible());
  }

  void optimizationTwoByTwo() {
    BacktestDialog* d = openWithShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_B, BacktestDialog::Mode::Optimize);
    QVERIFY(d);
    QVERIFY(chooseWithKeyboard(d->strategyCombo(), QStringLiteral("sma_cross")));
    QVERIFY(d->paramEditor(QStringLiteral("fast"), 1) && d->paramEditor(QStringLiteral("fast"), 2));
    typeInto(d->paramEditor(QStringLiteral("fast"), 0), QStringLiteral("5"));
    typeInto(d->paramEditor(QStringLiteral("fast"), 1), QStringLiteral("10"));
    typeInto(d->paramEditor(QStringLiteral("fast"), 2), QStringLiteral("5"));
    typeInto(d->paramEditor(QStringLiteral("slow"), 0), QStringLiteral("30"));
    typeInto(d->paramEditor(QStringLiteral("slow"), 1), QStringLiteral("60"));
    typeInto(d->paramEditor(QStringLiteral("slow"), 2), QStringLiteral("30"));
    QCOMPARE(d->gridSize(), std::size_t(4));
    QVERIFY2(d->gridSizeLabel()->text().startsWith(QStringLiteral("4 combinations")), qPrintable(d->gridSizeLabel()->text()));
    d->csvFilesEdit()->setText(orclPath());
    QTest::keyClick(d->paramEditor(QStringLiteral("slow"), 2), Qt::Key_Return);

    QTRY_COMPARE_WITH_TIMEOUT(dock()->optimizationModel()->rowCount(), 4, kRunTimeoutMs);
    QCOMPARE(dock()->tabs()->currentIndex(), int(ui::BacktestResultsDock::OptimizationTab));
    QTableView* view = dock()->optimizationView();
    QCOMPARE(view->model()->rowCount(), 4);
    // Sorted by the objective, best first.
    const int objCol = dock()->optimizationModel()->objectiveColumn();
    QVERIFY(view->model()->index(0, objCol).data(ui::OptimizationRunsModel::SortRole).toDouble() >=
            view->model()->index(3, objCol).data(ui::OptimizationRunsModel::SortRole).toDouble());
    QVERIFY(view->model()->index(0, 0).data(ui::OptimizationRunsModel::BestRole).toBool());

    // The 2-D heatmap: fast down, slow across, each cell the score of its run, the best one outlined.
    ui::ParamHeatmap* hm = dock()->paramHeatmap();
    QTRY_VERIFY(hm->isVisible());
    QVERIFY(hm->hasGrid());
    QCOMPARE(hm->rowAxis(), QStringLiteral("fast"));
    QCOMPARE(hm->columnAxis(), QStringLiteral("slow"));
    QCOMPARE(hm->rows(), 2);
    QCOMPARE(hm->columns(), 2);
    QCOMPARE(hm->rowValue(0), 5.0);
    QCOMPARE(hm->rowValue(1), 10.0);
    QCOMPARE(hm->columnValue(0), 30.0);
    QCOMPARE(hm->columnValue(1), 60.0);
    const auto& opt = dock()->optimizationModel()->report()->result;
    QPoint worst(-1, -1);
    double worstScore = 1e300;
    for (int r = 0; r < 2; ++r)
      for (int c = 0; c < 2; ++c) {
        const auto run = hm->runAt(r, c);
        QVERIFY(run);
        QCOMPARE(opt.runs[*run].params.get("fast"), hm->rowValue(r));
        QCOMPARE(opt.runs[*run].params.get("slow"), hm->columnValue(c));
        QCOMPARE(hm->score(r, c), opt.runs[*run].score);
        if (hm->score(r, c) < worstScore) {
          worstScore = hm->score(r, c);
          worst = QPoint(c, r);
        }
      }
    const QPoint best = hm->bestCell();
    QVERIFY(best.x() >= 0);
    QCOMPARE(hm->runAt(best.y(), best.x()), opt.best);
    QVERIFY(worst != best);
    QTest::qWait(50);
    const QImage img = hm->grab().toImage();
    const qreal dpr = img.devicePixelRatio();
    auto pixel = [&](QPointF at) { return img.pixelColor((at * dpr).toPoint()); };
    const QRectF bestRect = hm->cellRect(best.y(), best.x());
    const QRectF worstRect = hm->cellRect(worst.y(), worst.x());
    QVERIFY2(bestRect.width() > 40 && bestRect.height() > 20, "heatmap cells too small to read");
    // Inside the cells (clear of the outline and the centred text): each cell's colour; best and worst differ.
    QCOMPARE(pixel(bestRect.topLeft() + QPointF(9, 9)), hm->cellColor(hm->score(best.y(), best.x())));
    QCOMPARE(pixel(worstRect.topLeft() + QPointF(9, 9)), hm->cellColor(worstScore));
    QVERIFY(pixel(bestRect.topLeft() + QPointF(9, 9)) != pixel(worstRect.topLeft() + QPointF(9, 9)));
    QVERIFY(pixel(bestRect.topLeft() + QPointF(9, 9)).green() > pixel(bestRect.topLeft() + QPointF(9, 9)).red());
    QVERIFY(pixel(worstRect.topLeft() + QPointF(9, 9)).red() > pixel(worstRect.topLeft() + QPointF(9, 9)).green());
    // The outline of the best cell is drawn in the text colour; the worst cell has none.
    const QColor textColor = hm->palette().color(QPalette::Text);
    QCOMPARE(pixel(bestRect.topLeft() + QPointF(3, 3)), textColor);
    QVERIFY(pixel(worstRect.topLeft() + QPointF(3, 3)) != textColor);
    // Labels: the axis names and values are painted (text-coloured pixels in the label areas).
    auto hasInk = [&](const QRectF& area) {
      const QColor bg = hm->palette().color(QPalette::Base);
      for (int y = int(area.top()) + 1; y < int(area.bottom()); ++y)
        for (int x = int(area.left()) + 1; x < int(area.right()); ++x)
          if (pixel(QPointF(x, y)) != bg) return true;
      return false;
    };
    QVERIFY(hasInk(hm->cellRect(-2, 0).united(hm->cellRect(-2, 1))));  // "slow"
    QVERIFY(hasInk(hm->cellRect(-2, -1)));                              // "fast ↓"
    QVERIFY(hasInk(hm->cellRect(-1, 0)) && hasInk(hm->cellRect(-1, 1)));  // 30, 60
    QVERIFY(hasInk(hm->cellRect(0, -1)) && hasInk(hm->cellRect(1, -1)));  // fast = 5, fast = 10
    save(dock(), QStringLiteral("BacktestResultsDock-heatmap"));
    save(d, QStringLiteral("OptimizeDialog"));
    d->close();

    // Double-click a combination: it runs as a backtest with the same data and costs.
    const int row = 2;
    const auto* src = static_cast<QSortFilterProxyModel*>(view->model());
    const backtest::OptimizationRun* run =
        dock()->optimizationModel()->runAt(src->mapToSource(src->index(row, 0)).row());
    QVERIFY(run);
    const strategy::ParamSet combo = run->params;
    const QRect rect = view->visualRect(view->model()->index(row, 1));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rect.center());
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, rect.center());
    QTRY_VERIFY_WITH_TIMEOUT(dock()->result() && dock()->result()->params == combo, kRunTimeoutMs);
    QCOMPARE(dock()->tabs()->currentIndex(), int(ui::BacktestResultsDock::SummaryTab));
    QCOMPARE(dock()->result()->finalValue, run->finalValue);
    QCOMPARE(dock()->optimizationModel()->rowCount(), 4);  // the optimization stays available
  }

  void cancelALongOptimization() {
    BacktestDialog* d = openWithShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_B, BacktestDialog::Mode::Optimize);
    QVERIFY(d);
    typeInto(d->paramEditor(QStringLiteral("fast"), 0), QStringLiteral("2"));
    typeInto(d->paramEditor(QStringLiteral("fast"), 1), QStringLiteral("60"));
    typeInto(d->paramEditor(QStringLiteral("fast"), 2), QStringLiteral("1"));
    typeInto(d->paramEditor(QStringLiteral("slow"), 0), QStringLiteral("61"));
    typeInto(d->paramEditor(QStringLiteral("slow"), 1), QStringLiteral("460"));
    typeInto(d->paramEditor(QStringLiteral("slow"), 2), QStringLiteral("1"));
    QCOMPARE(d->gridSize(), std::size_t(59 * 400));  // several seconds on one thread
    auto* threads = d->findChild<QSpinBox*>(QStringLiteral("threadsSpin"));
    QVERIFY(threads);
    typeInto(threads, QStringLiteral("1"));
    QTest::mouseClick(d->runButton(), Qt::LeftButton);
    QVERIFY(d->isRunning());
    QVERIFY(d->cancelButton()->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(d->statusLabel()->text().startsWith(QStringLiteral("Optimizing")), kRunTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(d->progressBar()->value() > 0, kRunTimeoutMs);
    save(d, QStringLiteral("OptimizeDialog-running"));
    QElapsedTimer t;
    t.start();
    QTest::keyClick(d, Qt::Key_C, Qt::AltModifier);  // &Cancel Run
    QTRY_VERIFY_WITH_TIMEOUT(!d->isRunning(), 5000);
    qInfo("cancelled in %lld ms", static_cast<long long>(t.elapsed()));
    QVERIFY2(d->statusLabel()->text().startsWith(QStringLiteral("Cancelled")), qPrintable(d->statusLabel()->text()));
    QVERIFY(!d->errorLabel()->isVisible());
    QVERIFY(d->runButton()->isEnabled());
    QCOMPARE(dock()->optimizationModel()->rowCount(), 4);  // a cancelled run replaces nothing
    // Restore a small grid for later runs and close.
    typeInto(d->paramEditor(QStringLiteral("fast"), 1), QStringLiteral("2"));
    typeInto(d->paramEditor(QStringLiteral("slow"), 1), QStringLiteral("61"));
    d->close();
  }

  void walkForward() {
    BacktestDialog* d = openWithShortcut(Qt::CTRL | Qt::ALT | Qt::Key_B, BacktestDialog::Mode::WalkForward);
    QVERIFY(d);
    QVERIFY(chooseWithKeyboard(d->strategyCombo(), QStringLiteral("sma_cross")));
    typeInto(d->paramEditor(QStringLiteral("fast"), 0), QStringLiteral("5"));
    typeInto(d->paramEditor(QStringLiteral("fast"), 1), QStringLiteral("20"));
    typeInto(d->paramEditor(QStringLiteral("fast"), 2), QStringLiteral("5"));
    typeInto(d->paramEditor(QStringLiteral("slow"), 0), QStringLiteral("30"));
    typeInto(d->paramEditor(QStringLiteral("slow"), 1), QStringLiteral("90"));
    typeInto(d->paramEditor(QStringLiteral("slow"), 2), QStringLiteral("30"));
    typeInto(d->findChild<QSpinBox*>(QStringLiteral("inSampleSpin")), QStringLiteral("756"));
    typeInto(d->findChild<QSpinBox*>(QStringLiteral("outOfSampleSpin")), QStringLiteral("252"));
    d->csvFilesEdit()->setText(orclPath());
    QTest::keyClick(d->csvFilesEdit(), Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(dock()->walkForwardModel()->rowCount() > 0, kRunTimeoutMs);
    QCOMPARE(dock()->tabs()->currentIndex(), int(ui::BacktestResultsDock::WalkForwardTab));
    const auto* rep = dock()->walkForwardModel()->report();
    QVERIFY(rep);
    QCOMPARE(dock()->walkForwardModel()->rowCount(), int(rep->result.segments.size()));
    QVERIFY(rep->result.segments.size() >= 10);
    d->close();
  }

  void historyListsSavedAndSessionRuns() {
    activateMain();
    QAction* history = m_window->findChild<QAction*>(QStringLiteral("actionBacktestHistory"));
    QVERIFY(history && history->isEnabled());
    history->trigger();
    ui::BacktestHistoryDialog* h = controller()->historyDialog();
    QVERIFY(h);
    QVERIFY(QTest::qWaitForWindowExposed(h));
    QTRY_VERIFY_WITH_TIMEOUT(!h->waitingForSavedRuns(), 5000);
    std::size_t saved = 0;
    {
      std::lock_guard lock(m_savedMutex);
      saved = m_saved.size();
    }
    QCOMPARE(saved, std::size_t(2));  // the keyboard run and the double-clicked combination
    // Session: 2 backtests + 1 optimization + 1 walk-forward; the saved ones are the session's backtests.
    QCOMPARE(h->model()->sessionCount(), 4);
    QCOMPARE(h->model()->savedCount(), 0);
    QCOMPARE(h->model()->rowCount(), 4);
    // Session runs are stamped by the window's clock, not the wall clock: oldest first, within the simulated time.
    const auto& runs = controller()->sessionRuns();
    QCOMPARE(runs.size(), 4);
    for (qsizetype i = 0; i < runs.size(); ++i) {
      QVERIFY(runs[i].createdTs > kClockStart && runs[i].createdTs <= m_clock->now());
      if (i > 0) QVERIFY(runs[i].createdTs >= runs[i - 1].createdTs);
    }
    QVERIFY2(h->statusLabel()->text().contains(QStringLiteral("4 run(s)")), qPrintable(h->statusLabel()->text()));
    QVERIFY2(h->statusLabel()->text().contains(QStringLiteral("2 saved run(s), 2 of them from this session")),
             qPrintable(h->statusLabel()->text()));
    save(h, QStringLiteral("BacktestHistoryDialog"));

    // Double-click the oldest session backtest: it is shown again.
    QTableView* v = h->view();
    int oldest = -1;
    for (int r = 0; r < v->model()->rowCount(); ++r)
      if (v->model()->index(r, ui::BacktestHistoryModel::Kind).data().toString() == QStringLiteral("Backtest")) oldest = r;
    QVERIFY(oldest >= 0);
    const QRect rect = v->visualRect(v->model()->index(oldest, ui::BacktestHistoryModel::Strategy));
    QTest::mouseClick(v->viewport(), Qt::LeftButton, {}, rect.center());
    QTest::mouseDClick(v->viewport(), Qt::LeftButton, {}, rect.center());
    QTRY_COMPARE(dock()->result()->params.get("fast"), 12.0);
    h->close();
  }

  void screenshots() {
    activateMain();
    ui::BacktestResultsDock* dk = dock();
    QVERIFY(dk->isVisible());
    dk->tabs()->setCurrentIndex(ui::BacktestResultsDock::SummaryTab);
    QTest::qWait(200);
    save(m_window.get(), QStringLiteral("MainWindow-backtest"));
    save(dk, QStringLiteral("BacktestResultsDock"));
    const struct {
      int tab;
      const char* name;
    } tabs[] = {{ui::BacktestResultsDock::TradesTab, "BacktestResultsDock-trades"},
                {ui::BacktestResultsDock::MonthlyTab, "BacktestResultsDock-monthly"},
                {ui::BacktestResultsDock::OptimizationTab, "BacktestResultsDock-optimization"},
                {ui::BacktestResultsDock::WalkForwardTab, "BacktestResultsDock-walkforward"}};
    for (const auto& t : tabs) {
      dk->tabs()->setCurrentIndex(t.tab);
      QTest::qWait(100);
      save(dk, QString::fromLatin1(t.name));
    }
    dk->tabs()->setCurrentIndex(ui::BacktestResultsDock::SummaryTab);
  }

  // The Data box lists the stored series; one is chosen from the keyboard and backtested, and the choice is shared
  // by the Optimize dialog.
  void runOnAStoredSeries() {
    BacktestDialog* d = openWithShortcut(Qt::CTRL | Qt::Key_B, BacktestDialog::Mode::Backtest);
    QVERIFY(d);
    ui::StoredSeriesPicker* picker = d->storedSeries();
    QTRY_COMPARE_WITH_TIMEOUT(picker->seriesCount(), 2, 10'000);
    QTableWidget* table = picker->table();
    QCOMPARE(table->item(0, 0)->text(), QStringLiteral("ORCL"));
    QCOMPARE(table->item(0, 1)->text(), QStringLiteral("csv"));
    QCOMPARE(table->item(0, 2)->text(), QStringLiteral("1d"));
    QCOMPARE(table->item(0, 3)->text(), QStringLiteral("1995-01-03"));
    QCOMPARE(table->item(0, 4)->text(), QStringLiteral("2014-12-31"));
    QCOMPARE(table->item(0, 5)->text(), QLocale().toString(5036));
    d->csvFilesEdit()->clear();
    QVERIFY(chooseWithKeyboard(d->strategyCombo(), QStringLiteral("sma_cross")));
    typeInto(d->paramEditor(QStringLiteral("fast")), QStringLiteral("10"));
    typeInto(d->paramEditor(QStringLiteral("slow")), QStringLiteral("30"));

    // Search, Down into the list, Space checks the one row left.
    picker->searchEdit()->setFocus();
    QTest::keyClicks(picker->searchEdit(), QStringLiteral("orc"));
    QVERIFY(!table->isRowHidden(0));
    QVERIFY(table->isRowHidden(1));
    QTest::keyClick(picker->searchEdit(), Qt::Key_Down);
    QCOMPARE(table->currentRow(), 0);
    QTest::keyClick(table, Qt::Key_Space);
    QCOMPARE(picker->selectedKeys(), QStringList{QStringLiteral("ORCL|csv")});
    save(d, QStringLiteral("backtest-stored-series"));

    ui::BacktestCommand cmd;
    QString error;
    QVERIFY2(d->buildCommand(cmd, &error), qPrintable(error));
    const auto& run = std::get<contract::RunBacktest>(cmd);
    QVERIFY(run.data.csvFiles.empty());
    QCOMPARE(run.data.stored.size(), std::size_t(1));
    QCOMPARE(run.data.stored[0].symbol, std::string("ORCL"));
    QCOMPARE(run.data.stored[0].source, std::string("csv"));
    d->onRun();

    strategy::ParamSet p;
    p.set("fast", 10);
    p.set("slow", 30);
    auto direct = backtest::runBacktest(strategy::StrategyRegistry::builtin(), "sma_cross", p,
                                        backtest::views(m_orcl), formConfig());
    QVERIFY(direct.ok());
    QTRY_COMPARE_WITH_TIMEOUT(dock()->finalValueText(), ui::format::money(direct->finalValue), kRunTimeoutMs);
    QCOMPARE(dock()->result()->finalValue, direct->finalValue);  // the stored bars are the file's, bit for bit
    QCOMPARE(dock()->result()->bars, direct->bars);

    // One data selection: the Optimize dialog opens with ORCL chosen and no CSV file.
    controller()->showOptimizeDialog();
    BacktestDialog* opt = controller()->existingDialog(BacktestDialog::Mode::Optimize);
    QVERIFY(opt);
    QVERIFY(QTest::qWaitForWindowExposed(opt));
    QTRY_COMPARE_WITH_TIMEOUT(opt->storedSeries()->seriesCount(), 2, 10'000);
    QCOMPARE(opt->storedSeries()->selectedKeys(), QStringList{QStringLiteral("ORCL|csv")});
    QVERIFY(opt->csvFilesEdit()->text().isEmpty());
    QVERIFY(opt->storedSeries()->setChecked(QStringLiteral("ORCL|csv"), false));  // leave no choice behind
    QVERIFY(opt->storedSeries()->selectedKeys().isEmpty());
    opt->close();
    d->close();
  }

  // Backtest > Trading P&L Report… from the keyboard: the journal's fills (four of them, P&L worked out by hand in
  // tst_PnlReport) as a report, by month and by day, with its equity curve, exported to CSV and PDF.
  void pnlReportFromTheJournal() {
    const std::string error =
        m_storage->call([](storage::IStorage& st) { return testsupport::journalPnlFixture(st); }).get();
    QVERIFY2(error.empty(), error.c_str());
    activateMain();
    QTest::keyClick(m_window.get(), Qt::Key_R, Qt::ControlModifier | Qt::AltModifier);
    ui::PnlReportDialog* d = controller()->pnlReportDialog();
    QVERIFY(d);
    QVERIFY(QTest::qWaitForWindowExposed(d));
    QTRY_VERIFY_WITH_TIMEOUT(d->report() != nullptr, 10'000);
    QVERIFY2(d->summaryLabel()->text().contains(QStringLiteral("P&L 2026-12-01 … 2026-12-04 (all strategies): -3.00 "
                                                               "on 4 fills")),
             qPrintable(d->summaryLabel()->text()));
    QVERIFY2(d->metricsLabel()->text().contains(QStringLiteral("trades 1 · win rate 0.00%")),
             qPrintable(d->metricsLabel()->text()));
    QCOMPARE(d->granularityCombo()->currentIndex(), 2);  // by month
    QTableWidget* t = d->table();
    QCOMPARE(t->rowCount(), 2);
    QStringList months;
    for (int r = 0; r < t->rowCount(); ++r) months << t->item(r, 1)->text() + " " + t->item(r, 2)->text() + " " + t->item(r, 3)->text();
    months.sort();
    QCOMPARE(months, (QStringList{"manual MSFT 0.00", "s1 AAPL -3.00"}));
    d->granularityCombo()->setFocus();
    QTest::keyClick(d->granularityCombo(), Qt::Key_Home);  // by day
    QCOMPARE(t->rowCount(), 4);
    QCOMPARE(d->equityChart()->pointCount(), 4);
    save(d, QStringLiteral("pnl-report"));

    // Only s1, from Wednesday: Tuesday's position carried in, -2 left.
    d->strategyCombo()->setCurrentText(QStringLiteral("s1"));
    d->fromEdit()->setText(QStringLiteral("2026-12-02"));
    const auto before = d->report();
    QTest::keyClick(d->fromEdit(), Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(d->report() != before, 10'000);
    QCOMPARE(d->report()->pnl, -2.0);
    QCOMPARE(d->report()->startEquity, 99'999.0);

    QString why;
    const QString csv = m_tmp.filePath(QStringLiteral("pnl.csv"));
    QVERIFY2(d->exportCsv(csv, &why), qPrintable(why));
    QFile c(csv);
    QVERIFY(c.open(QIODevice::ReadOnly));
    QVERIFY(c.readAll().contains("day,2026-12-04,s1,AAPL,-101,-51,1,1,0\n"));
    const QString pdf = m_tmp.filePath(QStringLiteral("pnl.pdf"));
    QVERIFY2(d->exportPdf(pdf, &why), qPrintable(why));
    QFile p(pdf);
    QVERIFY(p.open(QIODevice::ReadOnly));
    QVERIFY(p.read(5) == "%PDF-");
    QVERIFY(p.size() > 2000);
    QVERIFY(!d->compareButton()->isEnabled());  // s1 is not a live strategy

    // Live vs backtest: a live strategy whose journal holds the backtester's own fills over 2010; the report of it
    // and Compare with Backtest show the same P&L, fills and trades in both columns.
    testsupport::LiveFills lf;
    m_storage->call([&](storage::IStorage& st) {
      lf = testsupport::journalBacktestFills(st, m_orcl.front().bars, QDate(2010, 1, 4), QDate(2010, 12, 31), "ORCL",
                                             "live:sma_cross:ORCL");
    }).get();
    QVERIFY2(lf.error.empty(), lf.error.c_str());
    d->strategyCombo()->setCurrentText(QStringLiteral("live:sma_cross:ORCL"));
    d->fromEdit()->setText(QStringLiteral("2010-01-04"));
    d->toEdit()->setText(lf.end.toString(Qt::ISODate));
    const auto previous = d->report();
    QTest::keyClick(d->fromEdit(), Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(d->report() != previous, 10'000);
    QCOMPARE(d->report()->fills, lf.fills);
    QVERIFY(d->compareButton()->isEnabled());
    QVERIFY(d->compareTable()->isHidden());
    QTest::keyClick(d, Qt::Key_B, Qt::AltModifier);  // Compare with &Backtest
    QTRY_VERIFY_WITH_TIMEOUT(d->comparison() != nullptr, kRunTimeoutMs);
    const auto& cmp = *d->comparison();
    QCOMPARE(cmp.strategy, std::string("sma_cross"));
    QCOMPARE(cmp.backtest.fills, lf.fills);
    QCOMPARE(cmp.backtest.trades, lf.closed);
    QVERIFY(std::abs(cmp.live.pnl - lf.closedPnl) < 1e-6);
    QVERIFY(std::abs(cmp.backtest.pnl - lf.closedPnl) < 1e-6);
    QTableWidget* ct = d->compareTable();
    QVERIFY(ct->isVisible());
    QCOMPARE(ct->item(0, 0)->text(), QStringLiteral("P&L"));
    QCOMPARE(ct->item(0, 1)->text(), ui::format::money(lf.closedPnl));
    QCOMPARE(ct->item(0, 2)->text(), ui::format::money(lf.closedPnl));
    QCOMPARE(ct->item(2, 1)->text(), QString::number(lf.fills));
    QCOMPARE(ct->item(2, 2)->text(), QString::number(lf.fills));
    QVERIFY2(d->compareLabel()->text().contains(QStringLiteral("live:sma_cross:ORCL (sma_cross fast=10, slow=30 on ORCL)")),
             qPrintable(d->compareLabel()->text()));
    save(d, QStringLiteral("pnl-report-compare"));
    d->close();
  }

  void toggleHidesAndShowsResults() {
    QAction* toggle = dock()->toggleViewAction();
    QVERIFY(toggle->isChecked());
    toggle->trigger();
    QVERIFY(!dock()->isVisible());
    activateMain();
    // Its View > Go to Panel key (Alt+9) shows it again.
    QAction* go = m_window->findChild<QAction*>(QStringLiteral("actionGoToBacktestResultsDock"));
    QVERIFY(go && !go->shortcut().isEmpty());
    QTest::keyClick(m_window.get(), go->shortcut()[0].key(), go->shortcut()[0].keyboardModifiers());
    QTRY_VERIFY(dock()->isVisible());
  }
};

QTEST_MAIN(tst_BacktestUi)
#include "tst_BacktestUi.moc"
