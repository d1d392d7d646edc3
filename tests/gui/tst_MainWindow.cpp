// GUI test of the Meridian main window: a real window (xcb under Xvfb), real EventBus, real spdlog set-up.
// Run: xvfb-run -a -s "-screen 0 1920x1080x24" ./tests/gui/tst_MainWindow
// Screenshots go to $MERIDIAN_SCREENSHOT_DIR (default <temp>/meridian-screenshots).
#include <QtTest>

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTextBrowser>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>

#include <cmath>
#include <memory>
#include <random>

#include "core/bus/EventBus.h"
#include "core/contract/MarketData.h"
#include "core/contract/Orders.h"
#include "core/contract/Strategy.h"
#include "core/common/Config.h"
#include "core/common/Logging.h"
#include "core/time/TimeZones.h"
#include "ui/bridge/UiBridge.h"
#include "ui/docks/ChartDock.h"
#include "ui/docks/LogsDock.h"
#include "ui/docks/OrderTicketDock.h"
#include "ui/docks/OrdersDock.h"
#include "ui/docks/PositionsDock.h"
#include "ui/docks/WatchlistDock.h"
#include "ui/mainwindow/MainWindow.h"
#include "ui/mainwindow/MarketStatus.h"
#include "ui/models/LogsModel.h"
#include "ui/models/OrdersModel.h"
#include "ui/models/PositionsModel.h"
#include "ui/models/WatchlistModel.h"
#include "ui/widgets/CandleView.h"
#include "ui/widgets/ModeBadge.h"
#include "core/contract/System.h"
#include "tests/support/GuiFixture.h"

using namespace meridian;
using meridian::ui::MainWindow;

namespace {

constexpr int kDeliveryMs = 500;  // "within a few hundred ms"
const QStringList kDockNames = {QStringLiteral("ChartDock"),  QStringLiteral("WatchlistDock"),
                                QStringLiteral("OrderTicketDock"), QStringLiteral("OrdersDock"),
                                QStringLiteral("PositionsDock"), QStringLiteral("LogsDock")};

domain::Timestamp nowNs() { return QDateTime::currentMSecsSinceEpoch() * domain::kNanosPerMilli; }

QString cell(const QAbstractItemModel* m, int row, int column) { return m->index(row, column).data().toString(); }

int findRow(const QAbstractItemModel* m, int column, const QString& text) {
  for (int r = 0; r < m->rowCount(); ++r)
    if (cell(m, r, column) == text) return r;
  return -1;
}

domain::Order makeOrder(const std::string& id, const std::string& symbol, domain::Side side, domain::OrderType type,
                        double qty, double limit, domain::OrderStatus status) {
  domain::Order o;
  o.clientOrderId = id;
  o.symbol = symbol;
  o.side = side;
  o.type = type;
  o.quantity = qty;
  o.limitPrice = limit;
  o.status = status;
  o.strategyId = "manual";
  o.createdTs = nowNs();
  o.updatedTs = o.createdTs;
  return o;
}

bool isPng(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return false;
  const QByteArray head = f.read(8);
  return f.size() > 100 && head == QByteArray("\x89PNG\r\n\x1a\n", 8);
}

}  // namespace

class tst_MainWindow : public QObject {
  Q_OBJECT

 private:
  ui::UiContext context() {
    ui::UiContext c = test::uiContext(&m_bus, &m_config, m_settingsApp);
    c.logs = m_logs;  // the buffer of this test's logging set-up (debug level)
    return c;
  }

  template <class T>
  std::vector<T> drainCommands(std::vector<std::string>* topics = nullptr) {
    std::vector<bus::Envelope> envs;
    m_commands->drain(envs);
    std::vector<T> out;
    for (const auto& e : envs) {
      if (const T* t = e.as<T>()) {
        out.push_back(*t);
        if (topics) topics->push_back(e.topic);
      }
    }
    return out;
  }

  void publishBars(const std::string& symbol, double start, int count, std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> step(0.0, 0.0025);
    std::uniform_real_distribution<double> wick(0.0, 0.0015);
    std::uniform_real_distribution<double> vol(0.6, 1.6);
    // 5-minute bars ending at the last whole 5 minutes.
    const domain::Timestamp fiveMin = 5 * domain::kNanosPerMinute;
    const domain::Timestamp end = (nowNs() / fiveMin) * fiveMin;
    double px = start;
    for (int i = 0; i < count; ++i) {
      contract::BarClosed b;
      b.symbol = symbol;
      b.source = "test";
      b.bar.ts = end - static_cast<domain::Timestamp>(count - i) * fiveMin;
      b.bar.open = px;
      px *= 1.0 + step(rng) + 0.0002 * std::sin(i / 12.0);
      b.bar.close = px;
      b.bar.high = std::max(b.bar.open, b.bar.close) * (1.0 + wick(rng));
      b.bar.low = std::min(b.bar.open, b.bar.close) * (1.0 - wick(rng));
      b.bar.volume = std::round(250'000.0 * vol(rng) * (1.0 + 0.8 * std::abs(std::cos(i / 15.0))));
      m_bus.publish(b);
    }
  }

  void publishQuote(const std::string& symbol, double last, domain::Timestamp ts) {
    contract::QuoteUpdated q;
    q.quote.symbol = symbol;
    q.quote.ts = ts;
    q.quote.last = last;
    q.quote.bid = last - 0.01;
    q.quote.ask = last + 0.01;
    q.quote.bidSize = 300;
    q.quote.askSize = 200;
    m_bus.publish(q);
  }

  bus::EventBus m_bus;
  common::Config m_config;
  std::shared_ptr<common::InAppLogBuffer> m_logs;
  std::shared_ptr<bus::Mailbox> m_commands = std::make_shared<bus::Mailbox>();
  std::unique_ptr<MainWindow> m_window;
  QString m_settingsApp;
  QDir m_shotDir;

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    m_settingsApp = test::uniqueSettingsApp(QStringLiteral("tst_MainWindow"));

    common::LogOptions opts;
    opts.level = "debug";
    m_logs = common::initLogging(opts);
    QVERIFY(m_logs);

    m_bus.subscribe("cmd.>", m_commands);
    m_config.set(QStringLiteral("market.feed"), QStringLiteral("none"));  // no kernel here: the status bar shows NYSE hours

    m_shotDir = test::screenshotDir();

    m_window = std::make_unique<MainWindow>(context());
    QVERIFY(test::showAndActivate(m_window.get()));
  }

  void cleanupTestCase() {
    m_window.reset();
    QSettings(QStringLiteral("MeridianTests"), m_settingsApp).clear();
    common::shutdownLogging();
  }

  void bridgeRefreshRateIsClamped() {
    QCOMPARE(ui::UiBridge::intervalForHz(60), 17);
    QCOMPARE(ui::UiBridge::intervalForHz(1000), 17);
    QCOMPARE(ui::UiBridge::intervalForHz(30), 34);
    QCOMPARE(ui::UiBridge::intervalForHz(0), 1000);
    QCOMPARE(ui::UiBridge::intervalForHz(-5), 1000);
    QCOMPARE(m_window->bridge()->refreshIntervalMs(), 17);  // default ui.refresh_hz = 60

    common::Config config;
    config.set(QStringLiteral("ui.refresh_hz"), QStringLiteral("10"));
    ui::UiContext c = context();
    c.config = &config;
    ui::UiBridge bridge(c);
    QCOMPARE(bridge.refreshIntervalMs(), 100);
    // The window's bridge is ticking.
    const auto ticks = m_window->bridge()->ticks();
    QTRY_VERIFY_WITH_TIMEOUT(m_window->bridge()->ticks() > ticks + 2, kDeliveryMs);
  }

  void allDocksExistAndAreVisible() {
    QCOMPARE(m_window->objectName(), QStringLiteral("MainWindow"));
    QCOMPARE(m_window->docks().size(), kDockNames.size());
    for (const QString& name : kDockNames) {
      QDockWidget* d = m_window->dock(name);
      QVERIFY2(d, qPrintable(name));
      QCOMPARE(d->objectName(), name);
      QVERIFY2(d->isVisible(), qPrintable(name + " not visible"));
      QVERIFY2(!d->isFloating(), qPrintable(name));
      QVERIFY2(d->width() > 100 && d->height() > 80, qPrintable(name + " is too small"));
    }
    QVERIFY(!m_window->dock(QStringLiteral("NoSuchDock")));
    // Menus reachable by keyboard.
    QStringList menus;
    for (QAction* a : m_window->menuBar()->actions()) menus << a->text();
    QCOMPARE(menus, (QStringList{"&File", "&View", "&Backtest", "&Trading", "&Help"}));
  }

  void ordersAndPositionsReachModels() {
    auto* orders = m_window->ordersDock()->model();
    auto* positions = m_window->positionsDock()->model();
    QCOMPARE(orders->rowCount(), 0);

    m_bus.publish(contract::OrderUpdated{makeOrder("T-1", "AAPL", domain::Side::Buy, domain::OrderType::Limit, 100, 189.5,
                                    domain::OrderStatus::Accepted),
                          "C-1"});
    m_bus.publish(contract::OrderUpdated{makeOrder("T-2", "MSFT", domain::Side::Sell, domain::OrderType::Market, 50, 0,
                                    domain::OrderStatus::New),
                          "C-2"});
    QTRY_COMPARE_WITH_TIMEOUT(orders->rowCount(), 2, kDeliveryMs);
    const int r1 = findRow(orders, ui::OrdersModel::Id, QStringLiteral("T-1"));
    const int r2 = findRow(orders, ui::OrdersModel::Id, QStringLiteral("T-2"));
    QVERIFY(r1 >= 0 && r2 >= 0);
    QCOMPARE(cell(orders, r1, ui::OrdersModel::Symbol), QStringLiteral("AAPL"));
    QCOMPARE(cell(orders, r1, ui::OrdersModel::Side), QStringLiteral("BUY"));
    QCOMPARE(cell(orders, r1, ui::OrdersModel::Type), QStringLiteral("LMT"));
    QCOMPARE(cell(orders, r1, ui::OrdersModel::Qty), QStringLiteral("100"));
    QCOMPARE(cell(orders, r1, ui::OrdersModel::Limit), QStringLiteral("189.50"));
    QCOMPARE(cell(orders, r1, ui::OrdersModel::Status), QStringLiteral("Accepted"));
    QCOMPARE(cell(orders, r2, ui::OrdersModel::Side), QStringLiteral("SELL"));
    QVERIFY(!cell(orders, r1, ui::OrdersModel::Time).isEmpty());

    // A later update of the same order replaces the row (no new row).
    auto filled = makeOrder("T-1", "AAPL", domain::Side::Buy, domain::OrderType::Limit, 100, 189.5,
                            domain::OrderStatus::Filled);
    filled.filledQuantity = 100;
    filled.avgFillPrice = 189.47;
    m_bus.publish(contract::OrderUpdated{filled, "C-1"});
    QTRY_COMPARE_WITH_TIMEOUT(cell(orders, r1, ui::OrdersModel::Status), QStringLiteral("Filled"), kDeliveryMs);
    QCOMPARE(orders->rowCount(), 2);
    QCOMPARE(cell(orders, r1, ui::OrdersModel::AvgPx), QStringLiteral("189.47"));
    // The view shows them through the sort proxy.
    QCOMPARE(m_window->ordersDock()->view()->model()->rowCount(), 2);

    auto snap = std::make_shared<contract::PositionsSnapshot>();
    domain::Position aapl;
    aapl.symbol = "AAPL";
    aapl.quantity = 100;
    aapl.avgCost = 180.0;
    aapl.lastPrice = 190.0;
    aapl.realizedPnl = 12.5;
    aapl.updatedTs = nowNs();
    domain::Position msft;
    msft.symbol = "MSFT";
    msft.quantity = -50;
    msft.avgCost = 420.0;
    msft.lastPrice = 415.0;
    msft.updatedTs = aapl.updatedTs;
    snap->positions = {aapl, msft};
    snap->asOf = aapl.updatedTs;
    m_bus.publish(std::shared_ptr<const contract::PositionsSnapshot>(snap));
    QTRY_COMPARE_WITH_TIMEOUT(positions->rowCount(), 2, kDeliveryMs);
    const int pa = findRow(positions, ui::PositionsModel::Symbol, QStringLiteral("AAPL"));
    const int pm = findRow(positions, ui::PositionsModel::Symbol, QStringLiteral("MSFT"));
    QVERIFY(pa >= 0 && pm >= 0);
    QCOMPARE(cell(positions, pa, ui::PositionsModel::Qty), QStringLiteral("100"));
    QCOMPARE(cell(positions, pa, ui::PositionsModel::AvgCost), QStringLiteral("180.00"));
    QCOMPARE(cell(positions, pa, ui::PositionsModel::MktValue), QStringLiteral("19,000.00"));
    QCOMPARE(cell(positions, pa, ui::PositionsModel::Unrealized), QStringLiteral("1,000.00"));
    QCOMPARE(cell(positions, pa, ui::PositionsModel::Realized), QStringLiteral("12.50"));
    QCOMPARE(cell(positions, pm, ui::PositionsModel::Qty), QStringLiteral("-50"));
    QCOMPARE(cell(positions, pm, ui::PositionsModel::Unrealized), QStringLiteral("250.00"));
  }

  void quotesAreCoalesced() {
    ui::UiBridge* bridge = m_window->bridge();
    auto* watch = m_window->watchlistDock()->model();
    const int row = watch->rowOf(QStringLiteral("AAPL"));
    QVERIFY(row >= 0);
    std::vector<ui::Batch<contract::QuoteUpdated>> spy;
    QObject receiver;
    bridge->on<contract::QuoteUpdated>(&receiver, [&](const auto& b) { spy.push_back(b); });
    const auto seenBefore = bridge->envelopesDrained() + bridge->mailboxStats().coalesced;
    const auto ticksBefore = bridge->ticks();

    // Two symbols interleaved, as the feed publishes them (one quote per tick).
    const domain::Timestamp t0 = nowNs();
    double last = 0.0;
    for (int i = 0; i < 1000; ++i) {
      last = 190.0 + i * 0.01;
      publishQuote("AAPL", last, t0 + i);
      publishQuote("MSFT", 400.0 + i * 0.01, t0 + i);
    }
    QTRY_COMPARE_WITH_TIMEOUT(cell(watch, row, ui::WatchlistModel::Last), QStringLiteral("199.99"), kDeliveryMs);
    QCOMPARE(cell(watch, row, ui::WatchlistModel::Bid), QStringLiteral("199.98"));
    QCOMPARE(cell(watch, row, ui::WatchlistModel::Ask), QStringLiteral("200.00"));
    // Every quote reached the bridge's mailbox: drained, or replaced there by a newer one (its coalescing lane).
    QTRY_VERIFY_WITH_TIMEOUT(bridge->envelopesDrained() + bridge->mailboxStats().coalesced >= seenBefore + 2000,
                             kDeliveryMs);

    // 2000 events, a handful of batches, at most one per bridge tick (frame); each batch carries at most one (the
    // latest) quote per symbol.
    QVERIFY2(!spy.empty() && spy.size() <= 10, qPrintable(QString::number(spy.size())));
    QVERIFY(spy.size() <= bridge->ticks() - ticksBefore);
    for (const auto& batch : spy) {
      QVERIFY(batch.size() <= 2);
      if (batch.size() == 2) QVERIFY(batch[0]->quote.symbol != batch[1]->quote.symbol);
    }
    const auto latestOf = [&](const char* symbol) -> const contract::QuoteUpdated* {
      for (auto b = spy.rbegin(); b != spy.rend(); ++b)
        for (const auto& q : *b)
          if (q->quote.symbol == symbol) return q.get();
      return nullptr;
    };
    QVERIFY(latestOf("AAPL") && latestOf("MSFT"));
    QCOMPARE(latestOf("AAPL")->quote.last, last);
    QCOMPARE(latestOf("MSFT")->quote.last, 400.0 + 999 * 0.01);
    // Quotes also mark positions to market and reach the ticket.
    auto* positions = m_window->positionsDock()->model();
    const int pa = findRow(positions, ui::PositionsModel::Symbol, QStringLiteral("AAPL"));
    QCOMPARE(cell(positions, pa, ui::PositionsModel::Last), QStringLiteral("199.99"));
  }

  void barsReachChart() {
    ui::ChartDock* chart = m_window->chartDock();
    QCOMPARE(chart->symbol(), QStringLiteral("AAPL"));
    QVERIFY(chart->view()->bars().empty());
    publishBars("AAPL", 188.0, 160, 7);
    publishBars("MSFT", 418.0, 40, 11);  // not the selected symbol: kept in history only
    QTRY_COMPARE_WITH_TIMEOUT(chart->view()->bars().size(), std::size_t(160), kDeliveryMs);
    QTRY_COMPARE_WITH_TIMEOUT(chart->barCount(QStringLiteral("MSFT")), std::size_t(40), kDeliveryMs);
    QVERIFY(std::is_sorted(chart->view()->bars().begin(), chart->view()->bars().end(),
                           [](const domain::Bar& a, const domain::Bar& b) { return a.ts < b.ts; }));
    chart->view()->repaint();
    QVERIFY(chart->view()->lastPaintedColumns() > 50);

    // Watchlist volume comes from the bars.
    auto* watch = m_window->watchlistDock()->model();
    QVERIFY(!cell(watch, watch->rowOf(QStringLiteral("AAPL")), ui::WatchlistModel::Volume).isEmpty());

    // Switching symbol shows that symbol's history; an unknown symbol shows no data.
    chart->setSymbol(QStringLiteral("MSFT"));
    QCOMPARE(chart->view()->bars().size(), std::size_t(40));
    chart->setSymbol(QStringLiteral("ZZZZ"));
    QVERIFY(chart->view()->bars().empty());
    chart->view()->repaint();
    QCOMPARE(chart->view()->lastPaintedColumns(), 0);

    // Double-click in the watchlist selects the chart symbol.
    QTableView* wv = m_window->watchlistDock()->view();
    QSignalSpy activated(m_window->watchlistDock(), &ui::WatchlistDock::symbolActivated);
    const QModelIndex idx = wv->model()->index(findRow(wv->model(), ui::WatchlistModel::Symbol, QStringLiteral("AAPL")), 0);
    const QPoint pos = wv->visualRect(idx).center();
    // Qt 6 item views need the press of the first click before the double-click event.
    QTest::mouseClick(wv->viewport(), Qt::LeftButton, Qt::NoModifier, pos);
    QTest::mouseDClick(wv->viewport(), Qt::LeftButton, Qt::NoModifier, pos);
    QTRY_COMPARE(activated.count(), 1);
    QCOMPARE(activated.at(0).at(0).toString(), QStringLiteral("AAPL"));
    QCOMPARE(chart->symbol(), QStringLiteral("AAPL"));
    QCOMPARE(chart->view()->bars().size(), std::size_t(160));

    // Many sub-pixel bars aggregate to at most one candle per pixel column.
    ui::CandleView big;
    std::vector<domain::Bar> many(50'000);
    for (std::size_t i = 0; i < many.size(); ++i) {
      const double p = 100.0 + std::sin(static_cast<double>(i) / 500.0);
      many[i] = domain::Bar{static_cast<domain::Timestamp>(i) * domain::kNanosPerMinute, p, p + 0.5, p - 0.5, p, 10.0};
    }
    big.setSymbol(QStringLiteral("BIG"));
    big.setBars(std::move(many));
    big.resize(800, 400);
    big.fitAll();
    QImage img(big.size(), QImage::Format_ARGB32);
    big.render(&img);
    QVERIFY(big.lastPaintedColumns() > 0);
    QVERIFY(big.lastPaintedColumns() <= 800);
  }

  void logsReachLogsDock() {
    auto* logs = m_window->logsDock()->model();
    const int before = logs->rowCount();
    spdlog::info("gui test hello {}", 42);
    common::logger("marketdata")->warn("feed lagging by {} ms", 250);
    QTRY_VERIFY_WITH_TIMEOUT(logs->rowCount() >= before + 2, kDeliveryMs);
    const int hello = findRow(logs, ui::LogsModel::Message, QStringLiteral("gui test hello 42"));
    QVERIFY(hello >= 0);
    QCOMPARE(cell(logs, hello, ui::LogsModel::Level), QStringLiteral("INFO"));
    QCOMPARE(cell(logs, hello, ui::LogsModel::Logger), QStringLiteral("meridian"));
    QVERIFY(!cell(logs, hello, ui::LogsModel::Time).isEmpty());
    const int warn = findRow(logs, ui::LogsModel::Message, QStringLiteral("feed lagging by 250 ms"));
    QVERIFY(warn >= 0);
    QCOMPARE(cell(logs, warn, ui::LogsModel::Logger), QStringLiteral("marketdata"));

    // Level filter: Warn+ hides the info line.
    ui::LogsDock* dock = m_window->logsDock();
    QAbstractItemModel* shown = dock->view()->model();
    dock->levelCombo()->setCurrentIndex(dock->levelCombo()->findText(QStringLiteral("Warn+")));
    QVERIFY(findRow(shown, ui::LogsModel::Message, QStringLiteral("gui test hello 42")) < 0);
    QVERIFY(findRow(shown, ui::LogsModel::Message, QStringLiteral("feed lagging by 250 ms")) >= 0);
    dock->levelCombo()->setCurrentIndex(0);
    QVERIFY(findRow(shown, ui::LogsModel::Message, QStringLiteral("gui test hello 42")) >= 0);

    // Bounded model drops the oldest rows in one batch.
    ui::LogsModel small(10);
    QSignalSpy removed(&small, &QAbstractItemModel::rowsRemoved);
    std::vector<common::LogRecord> batch(7);
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i].message = "m" + std::to_string(i);
    small.appendRecords(batch);
    small.appendRecords(batch);
    QCOMPARE(small.rowCount(), 10);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(cell(&small, 0, ui::LogsModel::Message), QStringLiteral("m4"));
  }

  void orderTicketSubmitsFromKeyboard() {
    ui::OrderTicketDock* ticket = m_window->orderTicketDock();
    drainCommands<contract::SubmitOrder>();  // discard anything earlier
    ticket->quantitySpin()->setValue(5);  // so that typing 100 is what sets the quantity

    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    QTest::keyClick(m_window.get(), Qt::Key_F2);  // Trading > Focus Order Ticket
    QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget*>(ticket->symbolEdit()));

    QTest::keyClicks(QApplication::focusWidget(), QStringLiteral("msft"));
    QCOMPARE(ticket->symbolEdit()->text(), QStringLiteral("MSFT"));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    QCOMPARE(QApplication::focusWidget(), static_cast<QWidget*>(ticket->quantitySpin()));
    QTest::keyClicks(QApplication::focusWidget(), QStringLiteral("100"));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    QCOMPARE(QApplication::focusWidget(), static_cast<QWidget*>(ticket->sideCombo()));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_S);  // side hotkey: "Sell"
    QCOMPARE(ticket->sideCombo()->currentText(), QStringLiteral("Sell"));
    for (int i = 0; i < 8 && QApplication::focusWidget() != ticket->submitButton(); ++i)
      QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    QCOMPARE(QApplication::focusWidget(), static_cast<QWidget*>(ticket->submitButton()));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);

    std::vector<contract::SubmitOrder> cmds;
    std::vector<std::string> topics;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
          auto more = drainCommands<contract::SubmitOrder>(&topics);
          cmds.insert(cmds.end(), more.begin(), more.end());
          return !cmds.empty();
        }(),
        kDeliveryMs);
    QCOMPARE(cmds.size(), std::size_t(1));
    QCOMPARE(topics.front(), contract::topicOf(contract::SubmitOrder{}));
    const contract::SubmitOrder& cmd = cmds.front();
    QCOMPARE(cmd.order.symbol, std::string("MSFT"));
    QCOMPARE(cmd.order.quantity, 100.0);
    QVERIFY(cmd.order.side == domain::Side::Sell);
    QVERIFY(cmd.order.type == domain::OrderType::Market);
    QVERIFY(cmd.order.tif == domain::TimeInForce::Day);
    QVERIFY(!cmd.order.clientOrderId.empty());
    QVERIFY(!cmd.correlationId.empty());
    QCOMPARE(QString::fromStdString(cmd.correlationId), ticket->lastCorrelationId());
    QVERIFY(ticket->messageLabel()->text().startsWith(QStringLiteral("Sent SELL 100 MSFT")));
  }

  void orderTicketValidationRejectsWithoutPublishing() {
    ui::OrderTicketDock* ticket = m_window->orderTicketDock();
    drainCommands<contract::SubmitOrder>();

    // Quantity 0, typed.
    ticket->quantitySpin()->setFocus();
    ticket->quantitySpin()->selectAll();
    QTest::keyClicks(ticket->quantitySpin(), QStringLiteral("0"));
    QCOMPARE(ticket->quantitySpin()->value(), 0);
    ticket->submitButton()->setFocus();
    QTest::keyClick(ticket->submitButton(), Qt::Key_Return);
    QVERIFY(ticket->messageLabel()->text().contains(QStringLiteral("Quantity")));
    QCOMPARE(ticket->messageLabel()->property("error").toBool(), true);
    QCOMPARE(QApplication::focusWidget(), static_cast<QWidget*>(ticket->quantitySpin()));

    // Empty symbol.
    ticket->quantitySpin()->setValue(10);
    ticket->symbolEdit()->clear();
    ticket->submit();
    QVERIFY(ticket->messageLabel()->text().contains(QStringLiteral("symbol")));

    // Limit order without a price (no quote for this symbol, so nothing is pre-filled).
    ticket->setSymbol(QStringLiteral("IBM"));
    ticket->limitSpin()->setValue(0.0);
    ticket->typeCombo()->setCurrentIndex(ticket->typeCombo()->findText(QStringLiteral("Limit")));
    QVERIFY(ticket->limitSpin()->isEnabled());
    QVERIFY(!ticket->stopSpin()->isEnabled());
    ticket->submit();
    QVERIFY(ticket->messageLabel()->text().contains(QStringLiteral("limit price")));

    QTest::qWait(3 * m_window->bridge()->refreshIntervalMs());
    QVERIFY(drainCommands<contract::SubmitOrder>().empty());

    // A valid limit order goes through, with the price.
    ticket->limitSpin()->setValue(123.45);
    ticket->submit();
    const auto cmds = drainCommands<contract::SubmitOrder>();
    QCOMPARE(cmds.size(), std::size_t(1));
    QVERIFY(cmds.front().order.type == domain::OrderType::Limit);
    QCOMPARE(cmds.front().order.limitPrice, 123.45);
    QCOMPARE(cmds.front().order.quantity, 10.0);
    ticket->typeCombo()->setCurrentIndex(0);  // Market: the now unused limit price is cleared
    QCOMPARE(ticket->limitSpin()->value(), 0.0);
    QVERIFY(!ticket->limitSpin()->isEnabled());
    ticket->sideCombo()->setCurrentIndex(0);
    ticket->setSymbol(QStringLiteral("AAPL"));
    ticket->quantitySpin()->setValue(100);
  }

  void cancelAllShortcutPublishesCancelOrder() {
    drainCommands<contract::CancelOrder>();
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    // Cancel All asks first (ui.confirm_risk_actions defaults to on); Enter confirms.
    auto asked = test::whenModal<QMessageBox>(m_window.get(), [](QMessageBox* box) {
      QCOMPARE(box->objectName(), QStringLiteral("riskActionConfirmBox"));
      QTest::keyClick(box, Qt::Key_Return);
    });
    QTest::keyClick(m_window.get(), Qt::Key_X, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(*asked);
    std::vector<std::string> topics;
    const auto cmds = drainCommands<contract::CancelOrder>(&topics);
    QCOMPARE(cmds.size(), std::size_t(1));
    QCOMPARE(cmds.front().clientOrderId, std::string("*"));
    QCOMPARE(topics.front(), contract::topicOf(contract::CancelOrder{}));
    QVERIFY(!cmds.front().correlationId.empty());
  }

  void statusBarShowsMarketStateAndClock() {
    QLabel* market = m_window->marketStatusLabel();
    QLabel* clock = m_window->clockLabel();
    QVERIFY(market && clock);
    QVERIFY(market->isVisible() && clock->isVisible());
    QVERIFY2(market->text().startsWith(QStringLiteral("NYSE OPEN")) || market->text().startsWith(QStringLiteral("NYSE CLOSED")),
             qPrintable(market->text()));
    static const QRegularExpression clockRe(QStringLiteral("^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} \\S+$"));
    QVERIFY2(clockRe.match(clock->text()).hasMatch(), qPrintable(clock->text()));
    const QString before = clock->text();
    QTRY_VERIFY_WITH_TIMEOUT(clock->text() != before, 2000);  // ticks every second
    QCOMPARE(m_window->modeBadge()->text(), QStringLiteral("PAPER"));
    QCOMPARE(ui::ModeBadge(false).text(), QStringLiteral("LIVE"));

    // Known instants (exchange time).
    const auto at = [](int y, int mo, int d, int h, int mi) {
      return time::TimeZones::fromExchange(QDate(y, mo, d), QTime(h, mi));
    };
    QCOMPARE(ui::marketStatusText(at(2026, 1, 6, 10, 0)), QStringLiteral("NYSE OPEN · closes 16:00 ET"));
    QCOMPARE(ui::marketStatusText(at(2026, 1, 3, 12, 0)), QStringLiteral("NYSE CLOSED · opens Mon 09:30 ET"));
    QCOMPARE(ui::marketStatusText(at(2025, 11, 28, 12, 0)), QStringLiteral("NYSE OPEN · closes 13:00 ET"));
    QCOMPARE(ui::marketStatusText(at(2025, 12, 24, 18, 0)), QStringLiteral("NYSE CLOSED · opens Fri 09:30 ET"));
  }

  void menuActionsOpenRealDialogs() {
    const auto findAction = [&](const char* name) { return m_window->findChild<QAction*>(QLatin1String(name)); };
    // Settings... shows the effective, redacted configuration.
    m_config.set(QStringLiteral("alpaca.secret_key"), QStringLiteral("s3cr3t-value"));
    QString settingsText;
    auto seen = test::whenModal<QWidget>(this, [&](QWidget* dlg) {
      if (auto* text = dlg->findChild<QPlainTextEdit*>(QStringLiteral("settingsText"))) settingsText = text->toPlainText();
      dlg->close();
    });
    QAction* settings = findAction("actionSettings");
    QVERIFY(settings && settings->isEnabled());
    settings->trigger();  // modal; closed by the timer above
    QVERIFY(*seen);
    QVERIFY2(settingsText.contains(QStringLiteral("ui.refresh_hz=60")), qPrintable(settingsText));
    QVERIFY(settingsText.contains(QStringLiteral("display.timezone=America/Chicago")));
    QVERIFY(!settingsText.contains(QStringLiteral("s3cr3t-value")));

    QString shortcutsHtml;
    seen = test::whenModal<QWidget>(this, [&](QWidget* dlg) {
      if (auto* text = dlg->findChild<QTextBrowser*>()) shortcutsHtml = text->toPlainText();
      dlg->close();
    });
    findAction("actionKeyboardShortcuts")->trigger();
    QVERIFY(*seen);
    QVERIFY2(shortcutsHtml.contains(QStringLiteral("F2")) && shortcutsHtml.contains(QStringLiteral("Ctrl+Shift+X")),
             qPrintable(shortcutsHtml));

    // Backtest menu: enabled actions with shortcuts (the dialogs themselves are tested in tst_BacktestUi).
    for (const char* name : {"actionRunBacktest", "actionOptimize", "actionWalkForward", "actionBacktestHistory"}) {
      QAction* a = findAction(name);
      QVERIFY2(a, name);
      QVERIFY(a->isEnabled());
      QVERIFY(!a->statusTip().isEmpty());
    }
    QCOMPARE(findAction("actionRunBacktest")->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_B));
    QCOMPARE(findAction("actionOptimize")->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_B));
    QCOMPARE(findAction("actionQuit")->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_Q));
    QCOMPARE(findAction("actionFocusOrderTicket")->shortcut(), QKeySequence(Qt::Key_F2));
  }

  void screenshots() {
    // Fill the rest of the workstation so the screenshots show a realistic session.
    const domain::Timestamp t = nowNs();
    publishBars("NVDA", 131.0, 80, 3);
    publishBars("ORCL", 171.0, 80, 5);
    publishBars("SPY", 598.0, 80, 9);
    publishQuote("AAPL", 185.52, t);
    publishQuote("MSFT", 421.37, t);
    publishQuote("NVDA", 132.18, t);
    publishQuote("ORCL", 169.92, t);
    publishQuote("SPY", 601.05, t);
    m_bus.publish(contract::OrderUpdated{makeOrder("T-3", "NVDA", domain::Side::Buy, domain::OrderType::StopLimit, 200, 133.0,
                                    domain::OrderStatus::PartiallyFilled),
                          ""});
    contract::OrderFilled fill;
    fill.fill = domain::Fill{"F-1", "T-1", "AAPL", domain::Side::Buy, 100, 189.47, 0.35, t, "manual"};
    m_bus.publish(fill);
    spdlog::info("strategy 'momo' armed on 5 symbols");
    QTRY_COMPARE_WITH_TIMEOUT(m_window->ordersDock()->model()->rowCount(), 3, kDeliveryMs);
    QTest::qWait(100);

    const auto save = [&](QWidget* w, const QString& name) {
      const QString path = m_shotDir.filePath(name + QStringLiteral(".png"));
      QFile::remove(path);
      const QPixmap pm = w->grab();
      QVERIFY2(!pm.isNull(), qPrintable(name));
      QVERIFY2(pm.save(path, "PNG"), qPrintable(path));
      QVERIFY2(isPng(path), qPrintable(path));
      QImage back(path);
      QCOMPARE(back.size(), pm.size());
      qInfo("screenshot: %s (%dx%d)", qPrintable(path), pm.width(), pm.height());
      // What the picture must show: the widget at a usable size, not blank, readable table columns.
      const QString problem = test::pictureProblem(w, {80, 40});
      QVERIFY2(problem.isEmpty(), qPrintable(problem));
    };
    save(m_window.get(), QStringLiteral("MainWindow"));
    for (const QString& name : kDockNames) save(m_window->dock(name), name);
    // And the session the docks were fed: five quoted symbols, three orders, the AAPL fill as a position.
    const auto rowsOf = [this](const QString& dock) {
      auto* view = m_window->dock(dock)->findChild<QTableView*>();
      return view && view->model() ? view->model()->rowCount() : -1;
    };
    QVERIFY2(rowsOf(QStringLiteral("WatchlistDock")) >= 5, qPrintable(QString::number(rowsOf(QStringLiteral("WatchlistDock")))));
    QCOMPARE(rowsOf(QStringLiteral("OrdersDock")), 3);
    QVERIFY2(rowsOf(QStringLiteral("PositionsDock")) >= 1, qPrintable(QString::number(rowsOf(QStringLiteral("PositionsDock")))));
  }

  void toggleViewActionHidesAndShowsDock() {
    QDockWidget* logs = m_window->dock(QStringLiteral("LogsDock"));
    QAction* toggle = logs->toggleViewAction();
    QVERIFY(toggle->isCheckable() && toggle->isChecked());
    bool inViewMenu = false;
    for (QAction* top : m_window->menuBar()->actions())
      if (top->text() == QStringLiteral("&View")) inViewMenu = top->menu()->actions().contains(toggle);
    QVERIFY(inViewMenu);
    toggle->trigger();
    QVERIFY(!logs->isVisible());
    QVERIFY(!toggle->isChecked());
    toggle->trigger();
    QVERIFY(logs->isVisible());
  }

  void layoutIsRestoredAfterRecreate() {
    QDockWidget* positions = m_window->dock(QStringLiteral("PositionsDock"));
    positions->toggleViewAction()->trigger();
    QVERIFY(!positions->isVisible());
    m_window->resize(1500, 900);
    QTRY_COMPARE(m_window->size(), QSize(1500, 900));
    QVERIFY(m_window->watchlistDock()->model()->addSymbol(QStringLiteral("amd")));
    QVERIFY(m_window->close());
    m_window.reset();

    m_window = std::make_unique<MainWindow>(context());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QVERIFY(!m_window->dock(QStringLiteral("PositionsDock"))->isVisible());
    QVERIFY(!m_window->dock(QStringLiteral("PositionsDock"))->toggleViewAction()->isChecked());
    for (const QString& name : kDockNames)
      if (name != QStringLiteral("PositionsDock")) QVERIFY2(m_window->dock(name)->isVisible(), qPrintable(name));
    QCOMPARE(m_window->size(), QSize(1500, 900));
    QVERIFY(m_window->watchlistDock()->model()->symbols().contains(QStringLiteral("AMD")));

    // Reset Layout brings every dock back.
    m_window->resetLayout();
    for (const QString& name : kDockNames) QTRY_VERIFY2(m_window->dock(name)->isVisible(), qPrintable(name));
  }

  // Last: it flips the ticket's confirm mode. An attached GUI starts PAPER and learns the server's LIVE from its
  // heartbeat, which the relay announces as "sys.trading_mode".
  void tradingModeFollowsTheTradingProcess() {
    QVERIFY(m_window->modeBadge()->isPaper());
    QSignalSpy spy(m_window->bridge(), &ui::UiBridge::tradingModeChanged);
    m_bus.publish(contract::TradingMode{true, true, "alpaca", "srv:1:2"});
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->modeBadge()->isPaper(), kDeliveryMs);
    QCOMPARE(spy.count(), 1);
    QVERIFY(!m_window->bridge()->paperTrading());
    QCOMPARE(m_window->bridge()->brokerName(), QStringLiteral("alpaca"));
    QVERIFY(!m_window->orderTicketDock()->paperTrading());
    QVERIFY(m_window->orderTicketDock()->confirmMode());  // on for LIVE
    QVERIFY(m_window->windowTitle().contains(QStringLiteral("LIVE")));
    // Not known (no server heartbeat yet) changes nothing.
    m_bus.publish(contract::TradingMode{});
    const auto ticks = m_window->bridge()->ticks();
    QTRY_VERIFY_WITH_TIMEOUT(m_window->bridge()->ticks() > ticks + 2, kDeliveryMs);
    QCOMPARE(spy.count(), 1);
    QVERIFY(!m_window->modeBadge()->isPaper());
    m_bus.publish(contract::TradingMode{true, false, "paper", ""});
    QTRY_VERIFY_WITH_TIMEOUT(m_window->modeBadge()->isPaper(), kDeliveryMs);
    QVERIFY(!m_window->orderTicketDock()->confirmMode());
    QVERIFY(m_window->windowTitle().contains(QStringLiteral("PAPER")));
  }
};

QTEST_MAIN(tst_MainWindow)
#include "tst_MainWindow.moc"
