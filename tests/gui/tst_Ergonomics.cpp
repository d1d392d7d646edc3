// Trader ergonomics against the real composition root (simulated market + paper broker + risk engine):
//  - the order ticket shows its order's outcome itself ("Filled ...", "Rejected: <reason>" for each risk rule),
//    pre-checks the risk limits as you type, never rewrites a quantity and sends nothing for an invalid one;
//  - the kill switch and Cancel All ask first; the ticket is disabled under a red banner while the kill switch is on;
//  - Alt+N shows and focuses panel N (again: back to the ticket), Ctrl+Tab cycles the panels;
//  - with every panel open the watchlist keeps Bid/Ask/Last/Chg% readable, and Reset Layout fits the screen
//    (maximized on the Xvfb screen, and a 1366x768 window);
//  - the status bar says "SIM · always open" for the always-open simulator.
// Screenshots of each state go to $MERIDIAN_SCREENSHOT_DIR (GuiFixture.h).
#include "core/runtime/Kernel.h"
#include "ui/docks/ChartDock.h"
#include "ui/docks/DataQualityDock.h"
#include "ui/docks/FillsDock.h"
#include "ui/docks/ScreenerDock.h"
#include "ui/docks/OrderTicketDock.h"
#include "ui/docks/OrdersDock.h"
#include "ui/docks/WatchlistDock.h"
#include "ui/docks/PositionsDock.h"
#include "ui/docks/TableViews.h"
#include "ui/mainwindow/LinkGroups.h"
#include "ui/mainwindow/MainWindow.h"
#include "ui/mainwindow/SettingsEditor.h"
#include "core/common/Config.h"
#include "core/contract/MarketData.h"
#include "core/marketdata/simulated/HistorySeed.h"
#include "core/storage/StorageService.h"
#include "core/time/TimeZones.h"
#include "ui/models/OrdersModel.h"
#include "ui/models/WatchlistModel.h"
#include "tests/support/GuiFixture.h"

#include <QAbstractItemView>
#include <QAction>
#include <QCheckBox>
#include <QDialog>
#include <QFile>
#include <QProcessEnvironment>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QScreen>
#include <QSpinBox>
#include <QScrollArea>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableView>
#include <QToolButton>
#include <QtTest>

#include <cmath>
#include <memory>

using namespace meridian;
using ui::OrderTicketDock;

namespace {

QString cell(const QAbstractItemModel* m, int row, int column) { return m->index(row, column).data().toString(); }

}  // namespace

class tst_Ergonomics : public QObject {
  Q_OBJECT

 private:
  // Types `text` into the quantity field as a user would (select all, type).
  static void typeQuantity(OrderTicketDock* t, const QString& text) {
    t->quantitySpin()->setFocus(Qt::OtherFocusReason);
    t->quantitySpin()->selectAll();
    QTest::keyClick(t->quantitySpin(), Qt::Key_Delete);
    QTest::keyClicks(t->quantitySpin(), text);
  }

  // Waits until the ticket has a last price for its symbol (the quote line shows "Last ...").
  static bool waitForQuote(OrderTicketDock* t) {
    return QTest::qWaitFor([t] { return t->findChild<QLabel*>(QStringLiteral("ticketQuote"))->text().contains("Last"); },
                           10'000);
  }

  static double lastPrice(OrderTicketDock* t) {
    const QString html = t->findChild<QLabel*>(QStringLiteral("ticketQuote"))->text();
    static const QRegularExpression re(QStringLiteral("Last ([0-9,.]+)"));
    return re.match(html).captured(1).remove(',').toDouble();
  }

  static void setOrder(OrderTicketDock* t, const QString& symbol, domain::OrderType type) {
    t->setSymbol(symbol);
    t->typeCombo()->setCurrentIndex(t->typeCombo()->findData(static_cast<int>(type)));
  }

 private Q_SLOTS:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

  void ticketShowsEachOutcomeInItself() {
    test::KernelWindow fx(QStringLiteral("tst_Ergonomics-outcome"), {{"risk.max_order_qty", "1000"}});
    const QString started = fx.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    ui::MainWindow* w = fx.window();
    OrderTicketDock* t = w->orderTicketDock();
    ui::OrdersModel* orders = w->ordersDock()->model();

    // Filled: the ticket says it, with the price.
    setOrder(t, QStringLiteral("NVDA"), domain::OrderType::Market);
    QVERIFY(waitForQuote(t));
    typeQuantity(t, QStringLiteral("10"));
    QTest::keyClick(t->quantitySpin(), Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(t->outcomeKind() == OrderTicketDock::Outcome::Filled, 10'000);
    QVERIFY2(t->outcomeLabel()->text().startsWith(QStringLiteral("Filled BUY 10 NVDA @ ")), qPrintable(t->outcomeLabel()->text()));
    QVERIFY(t->outcomeLabel()->isVisible());
    QVERIFY(!test::saveScreenshot(t, QStringLiteral("Ergonomics-ticket-filled")).isEmpty());

    // Max quantity: flagged next to the field as you type, then the risk engine's verdict in the ticket.
    typeQuantity(t, QStringLiteral("5000"));
    QVERIFY(t->quantityHint()->isVisible());
    QVERIFY2(t->quantityHint()->text().contains(QStringLiteral("max order quantity is 1,000")),
             qPrintable(t->quantityHint()->text()));
    QTest::keyClick(t->quantitySpin(), Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(t->outcomeKind() == OrderTicketDock::Outcome::Rejected, 10'000);
    QVERIFY2(t->outcomeLabel()->text().startsWith(QStringLiteral("Rejected: quantity 5000 exceeds the max order quantity")),
             qPrintable(t->outcomeLabel()->text()));
    QVERIFY(!test::saveScreenshot(t, QStringLiteral("Ergonomics-ticket-rejected-max-qty")).isEmpty());

    // Price band: a limit 20 % above the last price.
    typeQuantity(t, QStringLiteral("10"));
    QVERIFY(!t->quantityHint()->isVisible());
    setOrder(t, QStringLiteral("NVDA"), domain::OrderType::Limit);
    QVERIFY(waitForQuote(t));
    const double last = lastPrice(t);
    QVERIFY(last > 0.0);
    t->limitSpin()->setValue(std::round(last * 120.0) / 100.0);
    QVERIFY(t->priceHint()->isVisible());
    QVERIFY2(t->priceHint()->text().contains(QStringLiteral("from last")), qPrintable(t->priceHint()->text()));
    t->submit();
    QTRY_VERIFY_WITH_TIMEOUT(t->outcomeKind() == OrderTicketDock::Outcome::Rejected &&
                                 t->outcomeLabel()->text().contains(QStringLiteral("away from last")),
                             10'000);
    QVERIFY2(t->outcomeLabel()->text().startsWith(QStringLiteral("Rejected: price ")), qPrintable(t->outcomeLabel()->text()));
    QVERIFY(!test::saveScreenshot(t, QStringLiteral("Ergonomics-ticket-rejected-price-band")).isEmpty());

    // Unknown symbol: no reference price.
    setOrder(t, QStringLiteral("ZZZZ"), domain::OrderType::Market);
    t->submit();
    QTRY_VERIFY_WITH_TIMEOUT(t->outcomeKind() == OrderTicketDock::Outcome::Rejected &&
                                 t->outcomeLabel()->text().contains(QStringLiteral("ZZZZ")),
                             10'000);
    QVERIFY2(t->outcomeLabel()->text().startsWith(QStringLiteral("Rejected: no last price for ZZZZ")),
             qPrintable(t->outcomeLabel()->text()));
    QVERIFY(!test::saveScreenshot(t, QStringLiteral("Ergonomics-ticket-rejected-unknown-symbol")).isEmpty());
    // The blotter agrees with the ticket.
    QTRY_COMPARE_WITH_TIMEOUT(orders->rowCount(), 4, 5000);

    // Kill switch: asked first; declined = nothing; confirmed = the ticket is disabled under a red banner.
    auto declined = test::whenModal<QMessageBox>(w, [](QMessageBox* box) { box->reject(); });
    w->engageKillSwitch();
    QVERIFY(*declined);
    QVERIFY(!t->riskBanner()->isVisible());
    auto confirmed = test::whenModal<QMessageBox>(w, [](QMessageBox* box) {
      QCOMPARE(box->objectName(), QStringLiteral("riskActionConfirmBox"));
      QTest::keyClick(box, Qt::Key_Return);  // the default button engages
    });
    w->engageKillSwitch();
    QVERIFY(*confirmed);
    QTRY_VERIFY_WITH_TIMEOUT(t->tradingBlocked(), 5000);
    QVERIFY(t->riskBanner()->isVisible());
    QVERIFY(t->riskBanner()->text().startsWith(QStringLiteral("KILL SWITCH ON")));
    QVERIFY(!t->submitButton()->isEnabled());
    QVERIFY(!t->quantitySpin()->isEnabled());
    setOrder(t, QStringLiteral("NVDA"), domain::OrderType::Market);
    const QString lastId = t->lastCorrelationId();
    t->submit();  // even programmatically: nothing is sent
    QCOMPARE(t->lastCorrelationId(), lastId);
    QVERIFY(t->messageLabel()->text().contains(QStringLiteral("kill switch")));
    QVERIFY(!test::saveScreenshot(w, QStringLiteral("Ergonomics-kill-switch")).isEmpty());
    w->resetKillSwitch();
    QTRY_VERIFY_WITH_TIMEOUT(!t->tradingBlocked(), 5000);
    QVERIFY(t->submitButton()->isEnabled());
    QVERIFY(!t->riskBanner()->isVisible());
    fx.stop();
  }

  void invalidQuantityIsKeptFlaggedAndNothingIsSent() {
    test::KernelWindow fx(QStringLiteral("tst_Ergonomics-quantity"));
    const QString started = fx.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    ui::MainWindow* w = fx.window();
    OrderTicketDock* t = w->orderTicketDock();
    setOrder(t, QStringLiteral("AAPL"), domain::OrderType::Market);
    QVERIFY(waitForQuote(t));
    const QString before = t->lastCorrelationId();
    const struct {
      QString typed;
      QString error;
    } cases[] = {
        {QStringLiteral("1e12"), QStringLiteral("not a whole number")},
        {QStringLiteral("-5"), QStringLiteral("negative")},
        {QStringLiteral("1000000000000"), QStringLiteral("more than the ticket takes")},
        {QStringLiteral("12.5"), QStringLiteral("not a whole number")},
    };
    for (const auto& c : cases) {
      typeQuantity(t, c.typed);
      QCOMPARE(t->quantitySpin()->text(), c.typed);  // kept as typed, not rewritten
      QVERIFY2(t->quantityHint()->isVisible() && t->quantityHint()->text().contains(c.error),
               qPrintable(c.typed + QStringLiteral(" -> ") + t->quantityHint()->text()));
      QTest::keyClick(t->quantitySpin(), Qt::Key_Return);
      QVERIFY2(t->messageLabel()->property("error").toBool() && t->messageLabel()->text().contains(c.error),
               qPrintable(t->messageLabel()->text()));
      QCOMPARE(t->lastCorrelationId(), before);  // nothing sent
      // Leaving the field keeps the text too.
      t->symbolEdit()->setFocus(Qt::OtherFocusReason);
      QCOMPARE(t->quantitySpin()->text(), c.typed);
      QVERIFY(!test::saveScreenshot(t, QStringLiteral("Ergonomics-ticket-quantity-%1").arg(&c - cases)).isEmpty());
    }
    // Barrier: a valid order afterwards is the only one the blotter ever shows.
    typeQuantity(t, QStringLiteral("3"));
    QVERIFY(!t->quantityHint()->isVisible());
    QTest::keyClick(t->quantitySpin(), Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(t->outcomeKind() == OrderTicketDock::Outcome::Filled, 10'000);
    ui::OrdersModel* orders = w->ordersDock()->model();
    QCOMPARE(orders->rowCount(), 1);
    QCOMPARE(cell(orders, 0, ui::OrdersModel::Qty).remove(','), QStringLiteral("3"));
    fx.stop();
  }

  void cancelAllAsksFirstUnlessTurnedOff() {
    test::KernelWindow fx(QStringLiteral("tst_Ergonomics-cancelall"), {{"ui.confirm_risk_actions", "false"}});
    const QString started = fx.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    ui::MainWindow* w = fx.window();
    auto* toggle = w->findChild<QAction*>(QStringLiteral("actionConfirmRiskActions"));
    QVERIFY(toggle && !toggle->isChecked());  // ui.confirm_risk_actions=false
    // Off: Cancel All acts at once (no dialog shows up; one would block here until the watcher answered it).
    auto watcher = std::make_unique<QObject>();
    auto asked = test::whenModal<QMessageBox>(watcher.get(), [](QMessageBox* box) { box->reject(); });
    w->cancelAllOrders();
    QVERIFY(!*asked);
    watcher.reset();  // stops watching
    QVERIFY(w->statusBar()->currentMessage().contains(QStringLiteral("CANCEL ALL")));
    // On again from the Trading menu: it asks, and declining sends nothing.
    toggle->trigger();
    QVERIFY(toggle->isChecked());
    w->statusBar()->clearMessage();
    auto declined = test::whenModal<QMessageBox>(w, [](QMessageBox* box) { box->reject(); });
    w->cancelAllOrders();
    QVERIFY(*declined);
    QVERIFY2(w->statusBar()->currentMessage().contains(QStringLiteral("not confirmed")),
             qPrintable(w->statusBar()->currentMessage()));
    fx.stop();
  }

  void altNShowsAndFocusesAPanelAndCtrlTabCycles() {
    test::KernelWindow fx(QStringLiteral("tst_Ergonomics-keys"));
    const QString started = fx.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    ui::MainWindow* w = fx.window();
    QDockWidget* ordersDock = w->dock(QStringLiteral("OrdersDock"));
    QAction* goOrders = w->findChild<QAction*>(QStringLiteral("actionGoToOrdersDock"));
    QVERIFY(goOrders);
    QCOMPARE(goOrders->shortcut(), QKeySequence(Qt::ALT | Qt::Key_4));
    w->fillsDock()->raise();  // Orders behind Fills: Alt+4 brings it to the front
    QTest::keyClick(w, Qt::Key_4, Qt::AltModifier);
    QTRY_VERIFY(ordersDock->isAncestorOf(QApplication::focusWidget()));
    QVERIFY(ordersDock->isVisible() && !ordersDock->visibleRegion().isEmpty());
    QVERIFY(qobject_cast<QAbstractItemView*>(QApplication::focusWidget()));
    // Pressed again: Orders stays open, the keyboard goes back to the ticket.
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_4, Qt::AltModifier);
    QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget*>(w->orderTicketDock()->symbolEdit()));
    QVERIFY(ordersDock->isVisible());
    // A hidden panel is shown by its key, never hidden.
    ordersDock->toggleViewAction()->trigger();
    QVERIFY(!ordersDock->isVisible());
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_4, Qt::AltModifier);
    QTRY_VERIFY(ordersDock->isVisible() && ordersDock->isAncestorOf(QApplication::focusWidget()));
    // Ctrl+Tab: the keyboard moves to another open panel each time, never staying in the same one.
    QSet<QDockWidget*> visited;
    for (int i = 0; i < 4; ++i) {
      QWidget* before = QApplication::focusWidget();
      QTest::keyClick(before, Qt::Key_Tab, Qt::ControlModifier);
      QWidget* now = QApplication::focusWidget();
      QVERIFY(now && now != before);
      for (QDockWidget* d : w->panelDocks())
        if (d->isAncestorOf(now)) visited.insert(d);
    }
    QVERIFY2(visited.size() >= 3, qPrintable(QString::number(visited.size())));
    // Every menu action can be reached by the keyboard (a shortcut or a mnemonic).
    QVERIFY(w->findChild<QAction*>(QStringLiteral("actionResetLayout"))->shortcut() == QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    fx.stop();
  }

  void everyPanelOpenKeepsTheWatchlistReadable_data() {
    QTest::addColumn<bool>("maximized");
    QTest::newRow("maximized") << true;
    QTest::newRow("1366x768") << false;
  }
  void everyPanelOpenKeepsTheWatchlistReadable() {
    QFETCH(bool, maximized);
    test::KernelWindow fx(QStringLiteral("tst_Ergonomics-layout"));
    const QString started = fx.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    ui::MainWindow* w = fx.window();
    const QRect avail = w->screen()->availableGeometry();
    const QSize small = QSize(1366, 768).boundedTo(avail.size());
    if (maximized) {
      w->showMaximized();
      // Xvfb has no window manager to maximize: give the window the whole available screen as one would.
      if (!QTest::qWaitFor([&] { return w->geometry().size() == avail.size(); }, 500)) w->setGeometry(avail);
    } else {
      w->showNormal();
      w->resize(small);
      QTRY_COMPARE(w->size(), small);
    }
    // Every panel open, Screener and Data Quality included; a watchlist double-click and a timeframe switch.
    for (QDockWidget* d : w->panelDocks()) {
      d->show();
      d->raise();
    }
    w->showDataQuality(QStringLiteral("AAPL"));
    ui::WatchlistDock* wl = w->watchlistDock();
    auto* view = wl->findChild<QTableView*>(QStringLiteral("watchlistView"));
    QVERIFY(view);
    QTRY_VERIFY_WITH_TIMEOUT(!cell(view->model(), 0, ui::WatchlistModel::Last).isEmpty(), 10'000);
    view->setFocus();
    const QModelIndex second = view->model()->index(1, ui::WatchlistModel::Symbol);
    view->setCurrentIndex(second);
    QTest::keyClick(view, Qt::Key_Return);  // activated: the chart and the ticket follow
    w->chartDock()->setTimeframe(ui::Timeframe::D1);
    QTest::qWait(300);  // let the dock layout settle after the content changes
    const QFontMetrics fm(view->font());
    const int need = fm.horizontalAdvance(QStringLiteral("12,345.67"));
    for (int col : {int(ui::WatchlistModel::Bid), int(ui::WatchlistModel::Ask), int(ui::WatchlistModel::Last),
                    int(ui::WatchlistModel::ChgPct)}) {
      QVERIFY2(view->horizontalHeader()->sectionSize(col) >= need,
               qPrintable(QStringLiteral("column %1 is %2 px, needs %3").arg(col).arg(view->horizontalHeader()->sectionSize(col)).arg(need)));
      // Not elided on screen: the price fits its cell.
      const QString text = cell(view->model(), 0, col);
      QVERIFY2(fm.horizontalAdvance(text) < view->horizontalHeader()->sectionSize(col), qPrintable(text));
    }
    QVERIFY(!wl->visibleRegion().isEmpty());
    // The ticket keeps the width of its form (it used to be squeezed to ~70 px at 1366x768): every field and the
    // Send button whole, nothing cut at the side.
    OrderTicketDock* ticket = w->orderTicketDock();
    auto* ticketScroll = ticket->findChild<QScrollArea*>(QStringLiteral("ticketScroll"));
    QVERIFY(ticketScroll && ticketScroll->widget());
    QVERIFY2(ticketScroll->viewport()->width() >= ticketScroll->widget()->minimumSizeHint().width(),
             qPrintable(QStringLiteral("ticket viewport %1 px, its form needs %2 px")
                            .arg(ticketScroll->viewport()->width()).arg(ticketScroll->widget()->minimumSizeHint().width())));
    for (QWidget* field : {static_cast<QWidget*>(ticket->symbolEdit()), static_cast<QWidget*>(ticket->quantitySpin()),
                           static_cast<QWidget*>(ticket->limitSpin())}) {
      const QRect inViewport(field->mapTo(ticketScroll->viewport(), QPoint(0, 0)), field->size());
      QVERIFY2(inViewport.left() >= 0 && inViewport.right() < ticketScroll->viewport()->width(),
               qPrintable(field->objectName()));
    }
    // The chart's tool row wraps instead of asking ~800 px (that pushed the ticket out at 1366x768).
    QVERIFY2(w->chartDock()->minimumSizeHint().width() < 480,
             qPrintable(QString::number(w->chartDock()->minimumSizeHint().width())));
    // The window never outgrows the screen, status bar (risk state) included.
    QVERIFY2(avail.contains(w->frameGeometry()) || w->isMaximized(),
             qPrintable(QStringLiteral("%1x%2 window on a %3x%4 screen").arg(w->frameGeometry().width()).arg(w->frameGeometry().height()).arg(avail.width()).arg(avail.height())));
    QVERIFY(!test::saveScreenshot(w, QStringLiteral("Ergonomics-all-panels-%1").arg(maximized ? "maximized" : "1366x768")).isEmpty());
    for (QDockWidget* d : w->panelDocks())
      if (d->isVisible() && d->minimumSizeHint().height() > 250)
        qInfo("tall panel: %s min %dx%d", qPrintable(d->objectName()), d->minimumSizeHint().width(), d->minimumSizeHint().height());
    if (!maximized)  // nothing made the window grow
      QVERIFY2(w->width() <= small.width() && w->height() <= small.height(),
               qPrintable(QStringLiteral("%1x%2").arg(w->width()).arg(w->height())));
    QVERIFY(w->riskStateLabel()->isVisible());
    QVERIFY(w->rect().contains(w->statusBar()->geometry()));
    QVERIFY(!test::saveScreenshot(w, QStringLiteral("Ergonomics-all-panels-%1").arg(maximized ? "maximized" : "1366x768")).isEmpty());

    // Reset Layout: the first-run arrangement, inside the screen.
    w->showNormal();
    w->resize(avail.width() + 300, avail.height() + 200);  // e.g. a layout saved on a bigger screen
    w->resetLayout();
    QTest::qWait(300);
    QVERIFY2(avail.contains(w->geometry()),
             qPrintable(QStringLiteral("%1,%2 %3x%4").arg(w->x()).arg(w->y()).arg(w->width()).arg(w->height())));
    QVERIFY(!w->screenerDock()->isVisible());
    QVERIFY(!w->dataQualityDock()->isVisible());
    for (QDockWidget* d : w->docks()) QVERIFY2(d->isVisible(), qPrintable(d->objectName()));
    QVERIFY(w->rect().contains(w->statusBar()->geometry()));
    QVERIFY(!test::saveScreenshot(w, QStringLiteral("Ergonomics-reset-layout-%1").arg(maximized ? "maximized" : "1366x768")).isEmpty());
    fx.stop();
  }

  void restartRestoresTodaysOrdersAndTheChart() {
    test::KernelWindow fx(QStringLiteral("tst_Ergonomics-restart"), {{"risk.max_order_qty", "1000"}});
    QString started = fx.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    OrderTicketDock* t = fx.window()->orderTicketDock();
    setOrder(t, QStringLiteral("MSFT"), domain::OrderType::Market);
    QVERIFY(waitForQuote(t));
    typeQuantity(t, QStringLiteral("7"));
    t->submit();
    QTRY_VERIFY_WITH_TIMEOUT(t->outcomeKind() == OrderTicketDock::Outcome::Filled, 10'000);
    typeQuantity(t, QStringLiteral("2000"));  // rejected: max order quantity
    t->submit();
    QTRY_VERIFY_WITH_TIMEOUT(t->outcomeKind() == OrderTicketDock::Outcome::Rejected, 10'000);
    fx.window()->chartDock()->setSymbol(QStringLiteral("NVDA"));
    fx.window()->chartDock()->setTimeframe(ui::Timeframe::H1);
    // The chart leaves the default (Red) link group for Blue; the restart must keep it there.
    const int blue = 3;
    QCOMPARE(ui::LinkGroups::groupName(blue), QStringLiteral("Blue"));
    fx.window()->linkGroups()->setGroup(fx.window()->chartDock(), blue);

    started = fx.restart();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    ui::OrdersModel* orders = fx.window()->ordersDock()->model();
    QTRY_COMPARE_WITH_TIMEOUT(orders->rowCount(), 2, 10'000);
    QStringList statuses;
    for (int r = 0; r < orders->rowCount(); ++r) statuses << cell(orders, r, ui::OrdersModel::Status);
    statuses.sort();
    QCOMPARE(statuses, (QStringList{QStringLiteral("Filled"), QStringLiteral("Rejected")}));
    QCOMPARE(fx.window()->chartDock()->symbol(), QStringLiteral("NVDA"));
    QVERIFY(fx.window()->chartDock()->timeframeButton(ui::Timeframe::H1)->isChecked() ||
            fx.window()->chartDock()->view()->timeframe() == ui::Timeframe::H1);
    QCOMPARE(fx.window()->linkGroups()->group(fx.window()->chartDock()), blue);
    QVERIFY(fx.window()->linkGroups()->group(fx.window()->orderTicketDock()) != blue);  // the others kept theirs
    QVERIFY(!test::saveScreenshot(fx.window(), QStringLiteral("Ergonomics-after-restart")).isEmpty());
    fx.stop();
  }

  void firstRunSeedsHistoryForTheChart() {
    test::KernelWindow fx(QStringLiteral("tst_Ergonomics-seed"),
                          {{"market.sim_history_days", "40"}, {"market.sim_history_minute_days", "2"}});
    const QString started = fx.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    ui::ChartDock* chart = fx.window()->chartDock();
    chart->setSymbol(QStringLiteral("AAPL"));
    chart->setTimeframe(ui::Timeframe::D1);
    // Daily bars at once (not one per simulated day of waiting): the 40 seeded sessions.
    QTRY_VERIFY_WITH_TIMEOUT(chart->view()->bars().size() >= 40, 10'000);
    QVERIFY(!test::saveScreenshot(chart, QStringLiteral("Ergonomics-seeded-daily")).isEmpty());
    chart->setTimeframe(ui::Timeframe::M1);
    // Minute bars of the seeded sessions (at least the newest whole session).
    QTRY_VERIFY2_WITH_TIMEOUT(chart->view()->bars().size() >= 390,
                              qPrintable(QStringLiteral("%1 minute bars").arg(chart->view()->bars().size())), 20'000);
    fx.stop();
  }

  // The history service reads on its own connection: a chart that asked before bars were stored (the first-run
  // seeding runs behind it on the storage thread, slower on a busy machine) must not stay with what it got.
  void aChartReloadsWhenItsSymbolsHistoryIsStoredLater() {
    test::KernelWindow fx(QStringLiteral("tst_Ergonomics-stored-later"),
                          {{"market.sim_history_days", "0"}, {"market.sim_store_bars", "false"}});
    const QString started = fx.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    ui::ChartDock* chart = fx.window()->chartDock();
    chart->setSymbol(QStringLiteral("AAPL"));
    chart->setTimeframe(ui::Timeframe::M1);
    QTRY_VERIFY_WITH_TIMEOUT(!chart->isLoading(), 10'000);
    const int before = int(chart->view()->bars().size());
    QVERIFY2(before < 390, qPrintable(QString::number(before)));  // nothing stored: live minutes at most
    marketdata::SimulatedSymbol aapl;
    aapl.symbol = "AAPL";
    aapl.startPrice = 190.0;
    const auto seeded = marketdata::seedHistory(aapl, fx.kernel().clock()->now(), 2, 2, 7);
    QVERIFY(seeded.minutes.size() >= 390);
    const auto stored = fx.kernel().storage().call([&](storage::IStorage& s) {
      return s.upsertBars("AAPL", "simulated_1m", std::span<const domain::Bar>(seeded.minutes));
    }).get();
    QVERIFY(stored.ok());
    fx.kernel().bus().publish(contract::HistoryStored{"AAPL", "simulated"});
    QTRY_VERIFY2_WITH_TIMEOUT(chart->view()->bars().size() >= 390,
                              qPrintable(QStringLiteral("%1 minute bars").arg(chart->view()->bars().size())), 10'000);
    fx.stop();
  }

  // A working limit order is a line on the chart; dragging it with the mouse moves the order's price (a replace
  // through the normal order path), and the line follows the order.
  void draggingAnOrderLineOnTheChartModifiesTheOrder() {
    test::KernelWindow fx(QStringLiteral("tst_Ergonomics-drag"),
                          {{"market.sim_history_days", "30"}, {"market.sim_history_minute_days", "0"}});
    const QString started = fx.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    ui::MainWindow* w = fx.window();
    OrderTicketDock* t = w->orderTicketDock();
    ui::OrdersModel* orders = w->ordersDock()->model();
    ui::ChartDock* chart = w->chartDock();
    chart->setSymbol(QStringLiteral("NVDA"));
    chart->setTimeframe(ui::Timeframe::D1);  // months of seeded history: the range holds a price 1.5 % off
    chart->raise();
    QTRY_VERIFY_WITH_TIMEOUT(!chart->isLoading() && chart->view()->bars().size() >= 20, 10'000);

    setOrder(t, QStringLiteral("NVDA"), domain::OrderType::Limit);
    QVERIFY(waitForQuote(t));
    const double limit = std::round(lastPrice(t) * 98.5) / 100.0;  // below the market: it stays working
    t->limitSpin()->setValue(limit);
    typeQuantity(t, QStringLiteral("10"));
    t->submit();
    QTRY_VERIFY_WITH_TIMEOUT(t->outcomeKind() == OrderTicketDock::Outcome::Working, 10'000);
    QCOMPARE(orders->rowCount(), 1);
    const QString id = QString::fromStdString(orders->orderAt(0).clientOrderId);
    ui::CandleView* view = chart->view();
    QTRY_VERIFY_WITH_TIMEOUT(view->orderLineY(id, false) > 0, 10'000);
    QCOMPARE(int(view->orderLines().size()), 1);
    QVERIFY(view->orderLines()[0].label.startsWith(QStringLiteral("BUY 10 LMT")));
    QVERIFY(!test::saveScreenshot(chart, QStringLiteral("Ergonomics-order-line")).isEmpty());

    // Drag it 1 % lower.
    QSignalSpy moved(view, &ui::CandleView::orderLineMoved);
    const int x = int(view->pricePlotRect().center().x());
    const int y0 = int(std::lround(view->orderLineY(id, false)));
    const int y1 = int(std::lround(view->yOfPrice(limit * 0.99)));
    QVERIFY(y1 > y0 + 3);
    QTest::mousePress(view, Qt::LeftButton, {}, QPoint(x, y0));
    QTest::mouseMove(view, QPoint(x, (y0 + y1) / 2));
    QTest::mouseMove(view, QPoint(x, y1));
    QVERIFY(!test::saveScreenshot(chart, QStringLiteral("Ergonomics-order-line-dragging")).isEmpty());
    QTest::mouseRelease(view, Qt::LeftButton, {}, QPoint(x, y1));
    QCOMPARE(moved.count(), 1);
    const double target = moved.at(0).at(2).toDouble();
    QCOMPARE(target, view->priceAtY(y1));
    QVERIFY2(std::abs(target - limit * 0.99) < limit * 0.004, qPrintable(QString::number(target)));
    // The order works at the new price; the line sits there.
    const auto workingAt = [&](double price) {
      for (int r = 0; r < orders->rowCount(); ++r) {
        const domain::Order& o = orders->orderAt(r);
        if (!domain::isTerminal(o.status) && std::abs(o.limitPrice - price) < 1e-9) return QString::fromStdString(o.clientOrderId);
      }
      return QString();
    };
    QTRY_VERIFY_WITH_TIMEOUT(!workingAt(target).isEmpty(), 10'000);
    QCOMPARE(orders->workingCount(), 1);
    QTRY_COMPARE(int(view->orderLines().size()), 1);
    QCOMPARE(view->orderLines()[0].price, target);
    // A drag dropped with Esc changes nothing.
    const int y2 = int(std::lround(view->orderLineY(view->orderLines()[0].id, false)));
    QTest::mousePress(view, Qt::LeftButton, {}, QPoint(x, y2));
    QTest::mouseMove(view, QPoint(x, y2 + 20));
    QTest::keyClick(view, Qt::Key_Escape);
    QTest::mouseRelease(view, Qt::LeftButton, {}, QPoint(x, y2 + 20));
    QCOMPARE(moved.count(), 1);
    fx.stop();
  }

  void linkGroupsMoveChartAndTicketTogether() {
    test::KernelWindow fx(QStringLiteral("tst_Ergonomics-links"));
    const QString started = fx.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    ui::MainWindow* w = fx.window();
    ui::LinkGroups* links = w->linkGroups();
    auto* wlView = w->watchlistDock()->findChild<QTableView*>(QStringLiteral("watchlistView"));
    const auto activate = [&](const QString& symbol) {
      for (int r = 0; r < wlView->model()->rowCount(); ++r)
        if (cell(wlView->model(), r, ui::WatchlistModel::Symbol) == symbol) {
          wlView->setFocus();
          wlView->setCurrentIndex(wlView->model()->index(r, 0));
          QTest::keyClick(wlView, Qt::Key_Return);
          return true;
        }
      return false;
    };
    // Everyone in Red: the watchlist moves the chart and the ticket.
    QCOMPARE(links->group(w->chartDock()), 1);
    QVERIFY(activate(QStringLiteral("MSFT")));
    QCOMPARE(w->chartDock()->symbol(), QStringLiteral("MSFT"));
    QCOMPARE(w->orderTicketDock()->symbolEdit()->text(), QStringLiteral("MSFT"));
    // The ticket and the chart in Green: the watchlist (Red) no longer moves them; the ticket moves the chart.
    w->findChild<QAction*>(QStringLiteral("actionLinkOrderTicketDock_Green"))->trigger();
    w->findChild<QAction*>(QStringLiteral("actionLinkChartDock_Green"))->trigger();
    QCOMPARE(links->group(w->orderTicketDock()), 2);
    QVERIFY(activate(QStringLiteral("NVDA")));
    QCOMPARE(w->chartDock()->symbol(), QStringLiteral("MSFT"));
    QCOMPARE(w->orderTicketDock()->symbolEdit()->text(), QStringLiteral("MSFT"));
    QLineEdit* sym = w->orderTicketDock()->symbolEdit();
    sym->setFocus();
    sym->selectAll();
    QTest::keyClicks(sym, QStringLiteral("amzn"));
    QTest::keyClick(sym, Qt::Key_Tab);  // editing finished
    QCOMPARE(w->chartDock()->symbol(), QStringLiteral("AMZN"));
    // The chart's own symbol field moves the ticket back.
    w->chartDock()->setSymbol(QStringLiteral("JPM"));
    QCOMPARE(sym->text(), QStringLiteral("JPM"));
    QVERIFY(!test::saveScreenshot(w, QStringLiteral("Ergonomics-link-groups")).isEmpty());
    // Saved with the layout.
    QCOMPARE(links->save().value(QStringLiteral("ChartDock")).toInt(), 2);
    fx.stop();
  }

  void rowContextMenusActOnTheRow() {
    test::KernelWindow fx(QStringLiteral("tst_Ergonomics-rows"));
    const QString started = fx.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    ui::MainWindow* w = fx.window();
    OrderTicketDock* t = w->orderTicketDock();
    setOrder(t, QStringLiteral("AAPL"), domain::OrderType::Market);
    QVERIFY(waitForQuote(t));
    typeQuantity(t, QStringLiteral("10"));
    t->submit();
    QTRY_VERIFY_WITH_TIMEOUT(t->outcomeKind() == OrderTicketDock::Outcome::Filled, 10'000);
    // A working limit 2 % under the last price (inside the price band).
    setOrder(t, QStringLiteral("AAPL"), domain::OrderType::Limit);
    t->limitSpin()->setValue(std::floor(lastPrice(t) * 98.0) / 100.0);
    typeQuantity(t, QStringLiteral("5"));
    t->submit();
    QTRY_VERIFY_WITH_TIMEOUT(t->outcomeKind() == OrderTicketDock::Outcome::Working, 10'000);

    const auto menuOf = [w](QTableView* view, const QString& symbol) -> std::unique_ptr<QMenu> {
      for (int r = 0; r < view->model()->rowCount(); ++r)
        for (int c = 0; c < view->model()->columnCount(); ++c)
          if (view->model()->headerData(c, Qt::Horizontal).toString() == QLatin1String("Symbol") &&
              cell(view->model(), r, c) == symbol)
            return std::unique_ptr<QMenu>(w->rowMenu(view, view->model()->index(r, c)));
      return nullptr;
    };
    const auto action = [](QMenu* m, const char* name) { return m->findChild<QAction*>(QLatin1String(name)); };

    // Positions: Close Position prefills the closing order.
    QTableView* positions = w->positionsDock()->view();
    QTRY_VERIFY_WITH_TIMEOUT(positions->model()->rowCount() >= 1, 5000);
    auto menu = menuOf(positions, QStringLiteral("AAPL"));
    QVERIFY(menu);
    QVERIFY(action(menu.get(), "actionRowBuy") && action(menu.get(), "actionRowSell") && action(menu.get(), "actionRowChart"));
    QAction* close = action(menu.get(), "actionRowClosePosition");
    QVERIFY(close);
    QVERIFY2(close->text().contains(QStringLiteral("10")), qPrintable(close->text()));
    close->trigger();
    QCOMPARE(t->sideCombo()->currentText(), QStringLiteral("Sell"));
    QCOMPARE(t->quantitySpin()->value(), 10);

    // Orders: the working order can be cancelled (the ticket follows it: Cancelled), a filled one cannot.
    QTableView* orders = w->ordersDock()->view();
    ui::OrdersModel* model = w->ordersDock()->model();
    int working = -1, filled = -1;
    for (int r = 0; r < orders->model()->rowCount(); ++r) {
      const QString status = cell(orders->model(), r, ui::OrdersModel::Status);
      if (status == QStringLiteral("Filled")) filled = r;
      else working = r;
    }
    QVERIFY(working >= 0 && filled >= 0);
    menu.reset(w->rowMenu(orders, orders->model()->index(filled, ui::OrdersModel::Symbol)));
    QVERIFY(!action(menu.get(), "actionRowCancelOrder"));
    menu.reset(w->rowMenu(orders, orders->model()->index(working, ui::OrdersModel::Symbol)));
    QVERIFY(action(menu.get(), "actionRowModifyOrder"));
    QVERIFY(!test::saveScreenshot(menu.get(), QStringLiteral("Ergonomics-orders-row-menu")).isEmpty());
    action(menu.get(), "actionRowCancelOrder")->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(t->outcomeKind() == OrderTicketDock::Outcome::Cancelled, 10'000);
    QCOMPARE(model->workingCount(), 0);

    // Watchlist row: Sell sets the ticket; Chart shows the symbol; a fills row offers Add to Watchlist when missing.
    auto* wlView = w->watchlistDock()->findChild<QTableView*>(QStringLiteral("watchlistView"));
    menu = menuOf(wlView, QStringLiteral("MSFT"));
    QVERIFY(menu);
    QVERIFY(!action(menu.get(), "actionRowAddToWatchlist"));
    QVERIFY(action(menu.get(), "actionRowCancelOrder") == nullptr);
    action(menu.get(), "actionRowSell")->trigger();
    QCOMPARE(t->symbolEdit()->text(), QStringLiteral("MSFT"));
    QCOMPARE(t->sideCombo()->currentText(), QStringLiteral("Sell"));
    QCOMPARE(QApplication::focusWidget(), static_cast<QWidget*>(t->quantitySpin()));
    menu.reset();  // a child of the view: deleted before the window is
    fx.stop();
  }

  void settingsAreEditableWithValidation() {
    test::KernelWindow fx(QStringLiteral("tst_Ergonomics-settings"));
    const QString started = fx.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    ui::MainWindow* w = fx.window();
    const QString ini = fx.iniPath();
    bool checked = false;
    auto seen = test::whenModal<QDialog>(w, [&](QDialog* dialog) {
      auto* editor = dialog->findChild<ui::SettingsEditor*>(QStringLiteral("settingsEditor"));
      QVERIFY(editor);
      QLineEdit* qty = editor->edit(QStringLiteral("risk.max_order_qty"));
      QLineEdit* zone = editor->edit(QStringLiteral("display.timezone"));
      QLineEdit* url = editor->edit(QStringLiteral("polygon.base_url"));
      QLineEdit* theme = editor->edit(QStringLiteral("ui.theme"));
      QLineEdit* feed = editor->edit(QStringLiteral("alpaca.feed"));
      QVERIFY(qty && zone && url && theme && feed);
      QTest::keyClicks(theme, QStringLiteral("purple"));
      QCOMPARE(editor->errorLabel(QStringLiteral("ui.theme"))->text(), QStringLiteral("one of: light, dark"));
      QTest::keyClicks(feed, QStringLiteral("sip"));
      QVERIFY(editor->errorLabel(QStringLiteral("alpaca.feed"))->text().isEmpty());
      QTest::keyClicks(qty, QStringLiteral("lots"));
      QCOMPARE(editor->errorLabel(QStringLiteral("risk.max_order_qty"))->text(), QStringLiteral("not a number"));
      QTest::keyClicks(zone, QStringLiteral("Mars/Olympus"));
      QVERIFY(editor->errorLabel(QStringLiteral("display.timezone"))->text().contains(QStringLiteral("unknown time zone")));
      QTest::keyClicks(url, QStringLiteral("ftp://x"));
      QVERIFY(editor->errorLabel(QStringLiteral("polygon.base_url"))->text().contains(QStringLiteral("http")));
      QVERIFY(!test::saveScreenshot(dialog, QStringLiteral("Ergonomics-settings-invalid")).isEmpty());
      QVERIFY(!editor->save());
      QVERIFY(!QFile::exists(ini));  // nothing written
      qty->setText(QStringLiteral("250"));
      zone->setText(QStringLiteral("Europe/London"));
      url->setText(QStringLiteral("http://127.0.0.1:9"));
      theme->setText(QStringLiteral("Dark"));
      QVERIFY(editor->save());
      QVERIFY(!test::saveScreenshot(dialog, QStringLiteral("Ergonomics-settings-saved")).isEmpty());
      checked = true;
      dialog->reject();
    });
    w->showSettings();
    QVERIFY(*seen && checked);
    // Written to the INI file, applied at once where safe: the ticket's pre-check and the display zone.
    const common::Config reread = common::Config::load(ini, QProcessEnvironment());
    QCOMPARE(reread.value(QStringLiteral("risk.max_order_qty")), QStringLiteral("250"));
    QCOMPARE(reread.value(QStringLiteral("polygon.base_url")), QStringLiteral("http://127.0.0.1:9"));
    QCOMPARE(reread.value(QStringLiteral("alpaca.feed")), QStringLiteral("sip"));
    QCOMPARE(reread.value(QStringLiteral("ui.theme")), QStringLiteral("dark"));
    QVERIFY(w->theme() == ui::Theme::Dark);  // at once
    QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 80);
    QCOMPARE(QString::fromLatin1(time::TimeZones::displayTimeZoneId()), QStringLiteral("Europe/London"));
    OrderTicketDock* t = w->orderTicketDock();
    typeQuantity(t, QStringLiteral("300"));
    QVERIFY2(t->quantityHint()->text().contains(QStringLiteral("max order quantity is 250")), qPrintable(t->quantityHint()->text()));
    // ... and the running risk engine's limit, without a restart: 300 shares are refused by the engine itself
    // (its default would take them), and the status bar says which limits are in force.
    QTRY_VERIFY_WITH_TIMEOUT(w->statusBar()->currentMessage().contains(QStringLiteral("Risk limits in force now: risk.max_order_qty=250")),
                             10'000);
    setOrder(t, QStringLiteral("NVDA"), domain::OrderType::Market);
    QVERIFY(waitForQuote(t));
    typeQuantity(t, QStringLiteral("300"));
    QTest::keyClick(t->quantitySpin(), Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(t->outcomeKind() == OrderTicketDock::Outcome::Rejected, 10'000);
    QVERIFY2(t->outcomeLabel()->text().startsWith(QStringLiteral("Rejected: quantity 300 exceeds the max order quantity 250")),
             qPrintable(t->outcomeLabel()->text()));
    time::TimeZones::setDisplayTimeZone("America/Chicago");
    w->setTheme(ui::Theme::Light);
    fx.stop();
  }

  void numbersAreCompactedNotElided() {
    const QFontMetrics fm(QApplication::font());
    using D = ui::CompactNumberDelegate;
    QCOMPARE(D::fitted(QStringLiteral("10,000,000"), fm, 1000), QStringLiteral("10,000,000"));  // fits: as is
    QCOMPARE(D::fitted(QStringLiteral("10,000,000"), fm, fm.horizontalAdvance(QStringLiteral("10.00M")) + 1),
             QStringLiteral("10.00M"));
    QCOMPARE(D::fitted(QStringLiteral("-25,000"), fm, 10), QStringLiteral("-25.0K"));
    QCOMPARE(D::fitted(QStringLiteral("$1,234,567.89"), fm, 10), QStringLiteral("$1.23M"));
    QCOMPARE(D::fitted(QStringLiteral("NVDA"), fm, 5), QStringLiteral("NVDA"));      // text: the usual elision
    QCOMPARE(D::fitted(QStringLiteral("12.50%"), fm, 5), QStringLiteral("12.50%"));  // percentages too
  }

  void statusBarSaysSimAlwaysOpen() {
    test::KernelWindow fx(QStringLiteral("tst_Ergonomics-status"));
    const QString started = fx.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    QCOMPARE(fx.window()->marketStatusLabel()->text(), QStringLiteral("SIM · always open"));
    fx.stop();
  }
};

QTEST_MAIN(tst_Ergonomics)
#include "tst_Ergonomics.moc"
