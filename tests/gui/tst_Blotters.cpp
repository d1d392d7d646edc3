// Blotters and keyboard order entry under a real window (xcb under Xvfb), through the real composition root
// (runtime::Kernel: simulated market + paper broker on a temporary SQLite file, see tests/support/GuiFixture.h):
// keystrokes -> order -> fill in the Fills blotter -> account update; double-click / Enter prefill from the
// watchlist and positions; order-type cycling; confirm mode answered by keyboard; Delete cancels the selected working
// order; CSV export read back. Plus model/bridge checks that need no kernel. Screenshots of the new docks go to
// $MERIDIAN_SCREENSHOT_DIR.
#include <QtTest>

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTableView>
#include <QTextBrowser>

#include <cmath>
#include <functional>
#include <memory>

#include "core/bus/EventBus.h"
#include "core/contract/MarketData.h"
#include "core/contract/Orders.h"
#include "core/contract/Strategy.h"
#include "core/contract/Risk.h"
#include "core/runtime/Kernel.h"
#include "tests/support/GuiFixture.h"
#include "ui/bridge/UiBridge.h"
#include "ui/docks/AccountDock.h"
#include "ui/docks/FillsDock.h"
#include "ui/docks/OrderTicketDock.h"
#include "ui/docks/OrdersDock.h"
#include "ui/docks/PositionsDock.h"
#include "ui/docks/TableViews.h"
#include "ui/docks/WatchlistDock.h"
#include "ui/mainwindow/MainWindow.h"
#include "ui/mainwindow/ShortcutsDialog.h"
#include "ui/models/AccountModel.h"
#include "ui/models/CsvExport.h"
#include "ui/models/FillsModel.h"
#include "ui/models/Formatting.h"
#include "ui/models/OrdersModel.h"
#include "ui/models/PositionsModel.h"
#include "ui/models/WatchlistModel.h"

using namespace meridian;

namespace {

QString cell(const QAbstractItemModel* m, int row, int column) { return m->index(row, column).data().toString(); }

int findRow(const QAbstractItemModel* m, int column, const QString& text) {
  for (int r = 0; r < m->rowCount(); ++r)
    if (cell(m, r, column) == text) return r;
  return -1;
}

// Types `path` into the (Qt widget) file dialog's name field and presses Enter, as a user would.
std::shared_ptr<bool> answerFileDialog(QObject* context, const QString& path) {
  return test::whenModal<QFileDialog>(context, [path](QFileDialog* fd) {
    auto* name = fd->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"));
    if (!name) {
      fd->reject();
      return;
    }
    name->setText(path);
    QTest::keyClick(name, Qt::Key_Return);
  });
}

QStringList readLines(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) return {};
  return QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

domain::Fill makeFill(const std::string& id, const std::string& symbol, domain::Side side, double qty, double price,
                      domain::Timestamp ts) {
  domain::Fill f;
  f.fillId = id;
  f.clientOrderId = "O-" + id;
  f.symbol = symbol;
  f.side = side;
  f.quantity = qty;
  f.price = price;
  f.ts = ts;
  f.strategyId = "manual";
  return f;
}

}  // namespace

class tst_Blotters : public QObject {
  Q_OBJECT

  std::unique_ptr<test::KernelWindow> m_fx;
  QTemporaryDir m_tmp;

  ui::MainWindow* window() const { return m_fx->window(); }
  ui::OrderTicketDock* ticket() const { return window()->orderTicketDock(); }
  QWidget* focus() const { return QApplication::focusWidget(); }

  QModelIndex proxyIndexOf(QSortFilterProxyModel* proxy, int sourceRow) const {
    return proxy->mapFromSource(proxy->sourceModel()->index(sourceRow, 0));
  }

  // A user's double-click: Qt 6 item views need the press of a first click before the double-click event.
  static void doubleClick(QTableView* view, const QModelIndex& proxyIndex) {
    const QPoint pos = view->visualRect(proxyIndex).center();
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, pos);
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, pos);
  }

  // Xvfb has no window manager to give the activation back when a modal dialog closes.
  void reactivate() {
    window()->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(window()));
  }

  void raiseAndFocus(QDockWidget* dock, QWidget* view) {
    if (!window()->isActiveWindow()) reactivate();
    dock->show();
    dock->raise();
    QTRY_VERIFY(view->isVisible());
    view->setFocus(Qt::OtherFocusReason);
    QTRY_COMPARE(focus(), view);
  }

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    // The export tests answer Qt's own file dialog; a platform dialog could not be driven.
    QCoreApplication::setAttribute(Qt::AA_DontUseNativeDialogs);
    QVERIFY(m_tmp.isValid());
    // A wide price band lets a resting limit order sit far from the market (it must not fill during the test).
    m_fx = std::make_unique<test::KernelWindow>(QStringLiteral("tst_Blotters"),
                                                std::map<QString, QString>{{QStringLiteral("risk.price_band_pct"),
                                                                            QStringLiteral("0.6")}});
    const QString started = m_fx->start(/*paperTrading=*/true);
    QVERIFY2(started.isEmpty(), qPrintable(started));
  }

  void cleanupTestCase() { m_fx.reset(); }

  // ---- Docks and actions ----------------------------------------------------------------------------------------

  void newDocksAreWiredIntoTheWindow() {
    for (const QString& name : {QStringLiteral("FillsDock"), QStringLiteral("AccountDock")}) {
      QDockWidget* d = window()->dock(name);
      QVERIFY2(d, qPrintable(name));
      QVERIFY(window()->allDocks().contains(d));
      QVERIFY(window()->dockWidgetArea(d) != Qt::NoDockWidgetArea);
      QAction* toggle = window()->findChild<QAction*>(QStringLiteral("toggle") + name);
      QVERIFY2(toggle == d->toggleViewAction(), qPrintable(name));
      QVERIFY(toggle->shortcut().isEmpty());  // no key hides a panel
      QAction* go = window()->findChild<QAction*>(QStringLiteral("actionGoTo") + name);
      QVERIFY2(go, qPrintable(name));
      QCOMPARE(go->shortcut(), QKeySequence(Qt::ALT | Qt::SHIFT | (name == QLatin1String("FillsDock") ? Qt::Key_F : Qt::Key_A)));
    }
    // Alt+Shift+F goes to the Fills blotter (shown, keyboard in it) and never hides it; again: back to the ticket.
    QDockWidget* fills = window()->fillsDock();
    fills->hide();
    QTest::keyClick(window(), Qt::Key_F, Qt::AltModifier | Qt::ShiftModifier);
    QTRY_VERIFY(fills->isVisible());
    QTRY_VERIFY(fills->isAncestorOf(QApplication::focusWidget()));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_F, Qt::AltModifier | Qt::ShiftModifier);
    QTRY_VERIFY(!fills->isAncestorOf(QApplication::focusWidget()));
    QVERIFY(fills->isVisible());
    QVERIFY(window()->orderTicketDock()->isAncestorOf(QApplication::focusWidget()));
    // The screener's Alt+Shift+S goes to it the same way.
    QCOMPARE(window()->findChild<QAction*>(QStringLiteral("actionGoToScreenerDock"))->shortcut(),
             QKeySequence(Qt::ALT | Qt::SHIFT | Qt::Key_S));
    // The numbered panels kept their keys (View > Go to Panel: show and focus).
    QCOMPARE(window()->findChild<QAction*>(QStringLiteral("actionGoToOrdersDock"))->shortcut(), QKeySequence(Qt::ALT | Qt::Key_4));
    QCOMPARE(window()->findChild<QAction*>(QStringLiteral("actionGoToOpsDock"))->shortcut(), QKeySequence(Qt::ALT | Qt::Key_8));
  }

  void newActionsAreKeyboardReachableAndListed() {
    QList<QAction*> all;
    for (QAction* top : window()->menuBar()->actions())
      if (QMenu* m = top->menu())
        for (QAction* a : m->actions()) {
          all << a;
          if (a->menu()) all << a->menu()->actions();
        }
    for (const char* name : {"actionCancelSelectedOrders", "actionConfirmOrders", "actionExportOrders",
                             "actionExportFills", "actionExportPositions", "actionExportAccount"}) {
      QAction* a = window()->findChild<QAction*>(QString::fromLatin1(name));
      QVERIFY2(a, name);
      QVERIFY2(all.contains(a), name);
      QVERIFY2(!a->shortcut().isEmpty() || a->text().contains(QLatin1Char('&')), name);  // key or mnemonic chain
    }
    ui::ShortcutsDialog dialog(all, window());
    const QString text = dialog.findChild<QTextBrowser*>()->toPlainText();
    for (const QString& needle : {QStringLiteral("Fills"), QStringLiteral("Account"), QStringLiteral("Ctrl+T"),
                                  QStringLiteral("Ctrl+E"), QStringLiteral("Esc"), QStringLiteral("Positions"),
                                  QStringLiteral("Delete (Orders)")})
      QVERIFY2(text.contains(needle), qPrintable(needle));
  }

  // ---- Keyboard order -> fill -> blotters -------------------------------------------------------------------------

  void keyboardOrderShowsInFillsAndAccount() {
    ui::AccountModel* account = window()->accountDock()->model();
    QTRY_VERIFY_WITH_TIMEOUT(account->snapshot() != nullptr, 5000);  // published on start and every second
    QCOMPARE(account->snapshot()->broker, std::string("paper"));
    const double exposureBefore = account->snapshot()->grossExposure;

    QTest::keyClick(window(), Qt::Key_F2);
    QTRY_COMPARE(focus(), static_cast<QWidget*>(ticket()->symbolEdit()));
    QTest::keyClicks(focus(), QStringLiteral("aapl"));  // replaces the selected symbol
    QCOMPARE(ticket()->symbolEdit()->text(), QStringLiteral("AAPL"));
    QTest::keyClick(focus(), Qt::Key_Tab);
    QCOMPARE(focus(), static_cast<QWidget*>(ticket()->quantitySpin()));
    ticket()->quantitySpin()->selectAll();
    QTest::keyClicks(focus(), QStringLiteral("10"));
    QCOMPARE(ticket()->quantitySpin()->value(), 10);
    QTest::keyClick(focus(), Qt::Key_S);  // side hotkeys work in the quantity field
    QCOMPARE(ticket()->sideCombo()->currentText(), QStringLiteral("Sell"));
    QTest::keyClick(focus(), Qt::Key_B);
    QCOMPARE(ticket()->sideCombo()->currentText(), QStringLiteral("Buy"));
    QCOMPARE(ticket()->quantitySpin()->value(), 10);  // the letters did not reach the spin box
    QTest::keyClick(focus(), Qt::Key_Return);         // Enter submits from any field

    ui::FillsModel* fills = window()->fillsDock()->model();
    QTRY_VERIFY_WITH_TIMEOUT(fills->rowCount() == 1, 10'000);
    QCOMPARE(cell(fills, 0, ui::FillsModel::Symbol), QStringLiteral("AAPL"));
    QCOMPARE(cell(fills, 0, ui::FillsModel::Side), QStringLiteral("BUY"));
    QCOMPARE(cell(fills, 0, ui::FillsModel::Qty), QStringLiteral("10"));
    const domain::Fill fill = fills->fillAt(0);
    QVERIFY(fill.price > 0.0);
    ui::OrdersModel* orders = window()->ordersDock()->model();
    const int orderRow = orders->rowOf(fill.clientOrderId);
    QVERIFY(orderRow >= 0);
    QTRY_COMPARE(cell(orders, orderRow, ui::OrdersModel::Status), QStringLiteral("Filled"));
    QTRY_VERIFY(window()->fillsDock()->summaryLabel()->text().startsWith(QStringLiteral("1 fills")));

    // The account follows: 10 shares of exposure more than before (marked at the moving market, so approximately).
    QTRY_VERIFY_WITH_TIMEOUT(account->snapshot()->grossExposure - exposureBefore > 10 * fill.price * 0.9, 5000);
    const QAbstractItemModel* view = window()->accountDock()->view()->model();
    const int equityRow = findRow(view, ui::AccountModel::Field, QStringLiteral("Equity"));
    QVERIFY(equityRow >= 0);
    QCOMPARE(cell(view, equityRow, ui::AccountModel::Value), ui::format::money(account->snapshot()->equity));
    QVERIFY(window()->accountDock()->headline()->text().contains(QStringLiteral("Equity")));

    window()->fillsDock()->raise();
    window()->accountDock()->raise();
    QTRY_VERIFY(window()->fillsDock()->view()->isVisible() && window()->accountDock()->view()->isVisible());
    QVERIFY(!test::saveScreenshot(window()->fillsDock(), QStringLiteral("FillsDock")).isEmpty());
    QVERIFY(!test::saveScreenshot(window()->accountDock(), QStringLiteral("AccountDock")).isEmpty());
    window()->ordersDock()->raise();
    window()->positionsDock()->raise();
  }

  void symbolFieldKeepsLettersAndTypeCycles() {
    ticket()->focusTicket();
    QTRY_COMPARE(focus(), static_cast<QWidget*>(ticket()->symbolEdit()));
    QTest::keyClicks(focus(), QStringLiteral("bst"));  // B, S and T are letters here
    QCOMPARE(ticket()->symbolEdit()->text(), QStringLiteral("BST"));
    QCOMPARE(ticket()->sideCombo()->currentText(), QStringLiteral("Buy"));
    QCOMPARE(ticket()->typeCombo()->currentText(), QStringLiteral("Market"));
    QTest::keyClick(focus(), Qt::Key_T, Qt::ControlModifier);  // Ctrl+T cycles even from the symbol field
    QCOMPARE(ticket()->typeCombo()->currentText(), QStringLiteral("Limit"));
    QCOMPARE(ticket()->symbolEdit()->text(), QStringLiteral("BST"));

    QTest::keyClick(focus(), Qt::Key_Tab);  // quantity
    QTest::keyClick(focus(), Qt::Key_T);
    QCOMPARE(ticket()->typeCombo()->currentText(), QStringLiteral("Stop"));
    QTest::keyClick(focus(), Qt::Key_T);
    QCOMPARE(ticket()->typeCombo()->currentText(), QStringLiteral("Stop Limit"));
    QVERIFY(ticket()->limitSpin()->isEnabled() && ticket()->stopSpin()->isEnabled());
    QTest::keyClick(focus(), Qt::Key_T);  // wraps
    QCOMPARE(ticket()->typeCombo()->currentText(), QStringLiteral("Market"));
    QVERIFY(!ticket()->limitSpin()->isEnabled() && !ticket()->stopSpin()->isEnabled());
    QTest::keyClick(focus(), Qt::Key_T, Qt::ShiftModifier);  // backwards
    QCOMPARE(ticket()->typeCombo()->currentText(), QStringLiteral("Stop Limit"));

    // In the Type combo itself, S is Sell (not a search for "Stop").
    ticket()->typeCombo()->setFocus();
    QTRY_COMPARE(focus(), static_cast<QWidget*>(ticket()->typeCombo()));
    QTest::keyClick(focus(), Qt::Key_S);
    QCOMPARE(ticket()->sideCombo()->currentText(), QStringLiteral("Sell"));
    QCOMPARE(ticket()->typeCombo()->currentText(), QStringLiteral("Stop Limit"));

    // Esc clears the entry (the symbol stays) and leaves the ticket.
    ticket()->quantitySpin()->setValue(7);
    QTest::keyClick(focus(), Qt::Key_Escape);
    QCOMPARE(ticket()->typeCombo()->currentText(), QStringLiteral("Market"));
    QCOMPARE(ticket()->sideCombo()->currentText(), QStringLiteral("Buy"));
    QCOMPARE(ticket()->quantitySpin()->value(), ui::OrderTicketDock::kDefaultQuantity);
    QCOMPARE(ticket()->symbolEdit()->text(), QStringLiteral("BST"));
    QVERIFY(!ticket()->isAncestorOf(focus()));
  }

  void watchlistDoubleClickAndEnterPrefillTheTicket() {
    ui::WatchlistDock* wl = window()->watchlistDock();
    QTableView* view = wl->view();
    const QModelIndex msft = proxyIndexOf(wl->proxy(), wl->model()->rowOf(QStringLiteral("MSFT")));
    QVERIFY(msft.isValid());
    view->scrollTo(msft);
    doubleClick(view, msft);
    QTRY_COMPARE(ticket()->symbolEdit()->text(), QStringLiteral("MSFT"));

    const QModelIndex nvda = proxyIndexOf(wl->proxy(), wl->model()->rowOf(QStringLiteral("NVDA")));
    QVERIFY(nvda.isValid());
    view->setFocus();
    view->setCurrentIndex(nvda);
    QTest::keyClick(view, Qt::Key_Return);
    QTRY_COMPARE(ticket()->symbolEdit()->text(), QStringLiteral("NVDA"));
  }

  void positionsDoubleClickAndEnterPrefillTheClosingOrder() {
    ui::PositionsDock* pd = window()->positionsDock();
    ui::PositionsModel* positions = pd->model();
    int row = -1;
    QTRY_VERIFY_WITH_TIMEOUT((row = findRow(positions, ui::PositionsModel::Symbol, QStringLiteral("AAPL"))) >= 0 &&
                                 positions->positionAt(row).quantity == 10.0,
                             5000);
    QTableView* view = pd->view();
    raiseAndFocus(pd, view);
    const QModelIndex idx = proxyIndexOf(pd->proxy(), row);
    doubleClick(view, idx);
    QTRY_COMPARE(ticket()->symbolEdit()->text(), QStringLiteral("AAPL"));
    QCOMPARE(ticket()->sideCombo()->currentText(), QStringLiteral("Sell"));  // closes the long
    QCOMPARE(ticket()->quantitySpin()->value(), 10);
    QTRY_COMPARE(focus(), static_cast<QWidget*>(ticket()->quantitySpin()));

    // Esc gives the focus back to the positions table.
    QTest::keyClick(focus(), Qt::Key_Escape);
    QTRY_COMPARE(focus(), static_cast<QWidget*>(view));
    QCOMPARE(ticket()->sideCombo()->currentText(), QStringLiteral("Buy"));

    // Enter on the row prefills again; Enter in the ticket sends the closing order.
    view->setCurrentIndex(proxyIndexOf(pd->proxy(), findRow(positions, ui::PositionsModel::Symbol, QStringLiteral("AAPL"))));
    QTest::keyClick(view, Qt::Key_Return);
    QTRY_COMPARE(focus(), static_cast<QWidget*>(ticket()->quantitySpin()));
    QCOMPARE(ticket()->sideCombo()->currentText(), QStringLiteral("Sell"));
    QTest::keyClick(focus(), Qt::Key_Return);

    ui::FillsModel* fills = window()->fillsDock()->model();
    QTRY_VERIFY_WITH_TIMEOUT(fills->rowCount() == 2, 10'000);
    QCOMPARE(cell(fills, 0, ui::FillsModel::Side), QStringLiteral("SELL"));  // newest first
    QCOMPARE(cell(fills, 1, ui::FillsModel::Side), QStringLiteral("BUY"));
    QTRY_VERIFY_WITH_TIMEOUT(positions->positionAt(findRow(positions, ui::PositionsModel::Symbol,
                                                           QStringLiteral("AAPL"))).quantity == 0.0,
                             5000);
  }

  void confirmModeIsAnsweredByKeyboard() {
    QVERIFY(!ticket()->confirmMode());  // PAPER: off by default
    QAction* menuToggle = window()->findChild<QAction*>(QStringLiteral("actionConfirmOrders"));
    QVERIFY(menuToggle && !menuToggle->isChecked());
    ticket()->focusTicket();
    QTest::keyClick(window(), Qt::Key_C, Qt::AltModifier);  // &Confirm before sending
    QTRY_VERIFY(ticket()->confirmMode());
    QVERIFY(menuToggle->isChecked());  // the Trading menu follows

    // BUY 5 AAPL LMT far below the market: stays working (used by the Delete test next).
    ticket()->focusTicket();
    QTRY_COMPARE(focus(), static_cast<QWidget*>(ticket()->symbolEdit()));
    QTest::keyClicks(focus(), QStringLiteral("AAPL"));
    QTest::keyClick(focus(), Qt::Key_T, Qt::ControlModifier);
    QCOMPARE(ticket()->typeCombo()->currentText(), QStringLiteral("Limit"));
    QTRY_VERIFY_WITH_TIMEOUT(ticket()->limitSpin()->value() > 0.0, 5000);  // prefilled from the live quote
    const double limit = std::round(ticket()->limitSpin()->value() * 0.6 * 100.0) / 100.0;
    QTest::keyClick(focus(), Qt::Key_Tab);
    ticket()->quantitySpin()->selectAll();
    QTest::keyClicks(focus(), QStringLiteral("5"));
    QTest::keyClick(focus(), Qt::Key_B);  // the positions prefill left Sell
    QCOMPARE(ticket()->sideCombo()->currentText(), QStringLiteral("Buy"));
    ticket()->limitSpin()->setFocus();
    QTRY_COMPARE(focus(), static_cast<QWidget*>(ticket()->limitSpin()));
    ticket()->limitSpin()->selectAll();
    QTest::keyClicks(focus(), QString::number(limit, 'f', 2));
    QCOMPARE(ticket()->limitSpin()->value(), limit);

    ui::UiBridge* bridge = window()->bridge();
    const auto published = bridge->counters().commandsPublished;
    const int ordersBefore = window()->ordersDock()->model()->rowCount();

    // Esc in the confirmation: nothing is sent.
    QString boxText;
    auto seen = test::whenModal<QMessageBox>(this, [&boxText](QMessageBox* box) {
      boxText = box->windowTitle() + QLatin1Char('\n') + box->text();
      QTest::keyClick(box, Qt::Key_Escape);
    });
    QTest::keyClick(focus(), Qt::Key_Return);
    QVERIFY(*seen);
    QVERIFY2(boxText.contains(QStringLiteral("[PAPER]")), qPrintable(boxText));
    QVERIFY2(boxText.contains(QStringLiteral("BUY 5 AAPL LMT @ %1").arg(ui::format::price(limit))), qPrintable(boxText));
    QCOMPARE(bridge->counters().commandsPublished, published);
    QVERIFY(ticket()->messageLabel()->text().startsWith(QStringLiteral("Not sent")));

    // Enter in the confirmation: sent.
    seen = test::whenModal<QMessageBox>(this, [](QMessageBox* box) { QTest::keyClick(box, Qt::Key_Return); });
    reactivate();
    ticket()->limitSpin()->setFocus();
    QTRY_COMPARE(focus(), static_cast<QWidget*>(ticket()->limitSpin()));
    QTest::keyClick(focus(), Qt::Key_Return);
    QVERIFY(*seen);
    QCOMPARE(bridge->counters().commandsPublished, published + 1);
    ui::OrdersModel* orders = window()->ordersDock()->model();
    QTRY_VERIFY_WITH_TIMEOUT(orders->rowCount() == ordersBefore + 1 &&
                                 cell(orders, ordersBefore, ui::OrdersModel::Status) == QStringLiteral("Accepted"),
                             5000);
    QCOMPARE(orders->orderAt(ordersBefore).limitPrice, limit);

    reactivate();
    // The Trading menu turns it off again.
    menuToggle->trigger();
    QVERIFY(!ticket()->confirmMode());
    QVERIFY(!ticket()->confirmCheck()->isChecked());
  }

  void deleteCancelsTheSelectedWorkingOrder() {
    ui::OrdersDock* od = window()->ordersDock();
    ui::OrdersModel* orders = od->model();
    int row = -1;
    for (int r = 0; r < orders->rowCount(); ++r)
      if (!orders->index(r, 0).data(ui::OrdersModel::TerminalRole).toBool()) row = r;
    QVERIFY2(row >= 0, "no working order left by the previous test");
    const std::string id = orders->orderAt(row).clientOrderId;

    // Trading > Cancel Selected with nothing selected does nothing.
    QTableView* view = od->view();
    raiseAndFocus(od, view);
    view->clearSelection();
    window()->findChild<QAction*>(QStringLiteral("actionCancelSelectedOrders"))->trigger();
    QTest::qWait(200);
    QCOMPARE(cell(orders, row, ui::OrdersModel::Status), QStringLiteral("Accepted"));

    const QModelIndex idx = proxyIndexOf(od->proxy(), row);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(idx).center());
    QCOMPARE(od->selectedWorkingOrders(), QStringList{QString::fromStdString(id)});
    QTest::keyClick(view, Qt::Key_Delete);
    QTRY_COMPARE_WITH_TIMEOUT(cell(orders, orders->rowOf(id), ui::OrdersModel::Status), QStringLiteral("Cancelled"), 5000);
    QVERIFY(!test::saveScreenshot(od, QStringLiteral("OrdersDock-cancelled")).isEmpty());
  }

  // ---- CSV export -------------------------------------------------------------------------------------------------

  void csvExportWritesTheRowsShown() {
    // Fills: Ctrl+E while the blotter has focus, answering the file dialog by keyboard.
    ui::FillsDock* fd = window()->fillsDock();
    raiseAndFocus(fd, fd->view());
    const QString fillsPath = m_tmp.filePath(QStringLiteral("fills.csv"));
    auto seen = answerFileDialog(this, fillsPath);
    QTest::keyClick(fd->view(), Qt::Key_E, Qt::ControlModifier);
    QVERIFY(*seen);
    reactivate();
    QStringList lines = readLines(fillsPath);
    QCOMPARE(lines.size(), 1 + fd->model()->rowCount());
    QCOMPARE(lines[0], ui::format::timeHeader() + QStringLiteral(",Symbol,Side,Qty,Price,Notional,Commission,Order Id,Fill Id,Strategy"));
    QVERIFY2(lines[0].startsWith(QStringLiteral("Time (")), qPrintable(lines[0]));  // the time zone is named
    const domain::Fill newest = fd->model()->fillAt(0);
    QStringList f = ui::csv::splitRow(lines[1]);
    QCOMPARE(f.size(), int(ui::FillsModel::ColumnCount));
    QCOMPARE(f[ui::FillsModel::Symbol], QStringLiteral("AAPL"));
    QCOMPARE(f[ui::FillsModel::Side], QStringLiteral("SELL"));
    QCOMPARE(f[ui::FillsModel::Qty], QStringLiteral("10"));
    QCOMPARE(f[ui::FillsModel::Price].toDouble(), newest.price);  // plain number, full precision
    QCOMPARE(f[ui::FillsModel::OrderId], QString::fromStdString(newest.clientOrderId));
    QVERIFY(f[ui::FillsModel::Time].endsWith(QLatin1Char('Z')));  // ISO-8601 UTC

    // Sorted by Side ascending in the view: the export follows the view's order (BUY before SELL).
    fd->view()->sortByColumn(ui::FillsModel::Side, Qt::AscendingOrder);
    QString error;
    QVERIFY2(ui::exportViewCsv(fd->view(), fillsPath, &error), qPrintable(error));
    lines = readLines(fillsPath);
    QCOMPARE(ui::csv::splitRow(lines[1])[ui::FillsModel::Side], QStringLiteral("BUY"));
    fd->view()->sortByColumn(ui::FillsModel::Time, Qt::DescendingOrder);

    // Orders: File > Export to CSV > Orders…
    const QString ordersPath = m_tmp.filePath(QStringLiteral("orders.csv"));
    seen = answerFileDialog(this, ordersPath);
    window()->findChild<QAction*>(QStringLiteral("actionExportOrders"))->trigger();
    QVERIFY(*seen);
    reactivate();
    lines = readLines(ordersPath);
    ui::OrdersModel* orders = window()->ordersDock()->model();
    QCOMPARE(lines.size(), 1 + orders->rowCount());
    QVERIFY(lines[0].startsWith(ui::format::timeHeader() + QStringLiteral(",Id,Symbol,Side,Type,Qty,Filled,Limit,Stop,Avg Px,Status")));
    int cancelled = 0;
    for (int i = 1; i < lines.size(); ++i) {
      const QStringList o = ui::csv::splitRow(lines[i]);
      QCOMPARE(o.size(), int(ui::OrdersModel::ColumnCount));
      if (o[ui::OrdersModel::Status] == QStringLiteral("Cancelled")) {
        ++cancelled;
        QCOMPARE(o[ui::OrdersModel::Qty], QStringLiteral("5"));
        QVERIFY(o[ui::OrdersModel::Limit].toDouble() > 0.0);
        QVERIFY(!o[ui::OrdersModel::Limit].contains(QLatin1Char(',')));
      }
    }
    QCOMPARE(cancelled, 1);

    // Positions and account without a dialog (same writer).
    const QString accountPath = m_tmp.filePath(QStringLiteral("account.csv"));
    QVERIFY2(ui::exportViewCsv(window()->accountDock()->view(), accountPath, &error), qPrintable(error));
    lines = readLines(accountPath);
    QCOMPARE(lines.size(), 1 + int(ui::AccountModel::RowCount));
    QCOMPARE(lines[0], QStringLiteral("Field,Value"));
    QCOMPARE(lines[1], QStringLiteral("Broker,paper"));
    QVERIFY(ui::csv::splitRow(lines[1 + ui::AccountModel::Equity])[1].toDouble() > 0.0);
    const QString positionsPath = m_tmp.filePath(QStringLiteral("positions.csv"));
    QVERIFY2(ui::exportViewCsv(window()->positionsDock()->view(), positionsPath, &error), qPrintable(error));
    QCOMPARE(readLines(positionsPath).size(), 1 + window()->positionsDock()->model()->rowCount());

    // An unwritable path fails with a message naming it, and leaves nothing behind.
    const QString bad = m_tmp.filePath(QStringLiteral("no-such-dir/x.csv"));
    QVERIFY(!ui::exportViewCsv(fd->view(), bad, &error));
    QVERIFY2(error.contains(bad), qPrintable(error));
    QVERIFY(!QFile::exists(bad));
  }

  void csvFieldsAreQuoted() {
    QCOMPARE(ui::csv::quoteField(QStringLiteral("plain")), QStringLiteral("plain"));
    QCOMPARE(ui::csv::quoteField(QStringLiteral("a,b")), QStringLiteral("\"a,b\""));
    QCOMPARE(ui::csv::quoteField(QStringLiteral("say \"hi\"")), QStringLiteral("\"say \"\"hi\"\"\""));
    QCOMPARE(ui::csv::quoteField(QStringLiteral("two\nlines")), QStringLiteral("\"two\nlines\""));
    QCOMPARE(ui::csv::quoteField(QStringLiteral(" pad")), QStringLiteral("\" pad\""));
    QCOMPARE(ui::csv::quoteField(QString()), QString());

    QStandardItemModel model(2, 3);
    model.setHorizontalHeaderLabels({QStringLiteral("Name"), QStringLiteral("Note, quoted"), QStringLiteral("N")});
    const QStringList r0 = {QStringLiteral("ACME, Inc."), QStringLiteral("he said \"buy\""), QStringLiteral("1,234.50")};
    const QStringList r1 = {QStringLiteral("X"), QString(), QStringLiteral("7")};
    for (int c = 0; c < 3; ++c) {
      model.setItem(0, c, new QStandardItem(r0[c]));
      model.setItem(1, c, new QStandardItem(r1[c]));
    }
    model.item(0, 2)->setData(QStringLiteral("1234.5"), ui::csv::ExportRole);  // export value beats display text
    const QString path = m_tmp.filePath(QStringLiteral("quoted.csv"));
    QString error;
    QVERIFY2(ui::csv::writeModel(path, model, &error), qPrintable(error));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(f.readAll()),
             QStringLiteral("Name,\"Note, quoted\",N\n\"ACME, Inc.\",\"he said \"\"buy\"\"\",1234.5\nX,,7\n"));
    QCOMPARE(ui::csv::splitRow(QStringLiteral("\"ACME, Inc.\",\"he said \"\"buy\"\"\",1234.5")),
             (QStringList{r0[0], r0[1], QStringLiteral("1234.5")}));
  }

  // ---- Models and bridge (no kernel) ------------------------------------------------------------------------------

  void fillsModelIsBoundedNewestFirstAndDeduplicated() {
    ui::FillsModel model(3);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    model.appendFills({makeFill("a", "AAPL", domain::Side::Buy, 1, 10, 1), makeFill("b", "MSFT", domain::Side::Sell, 2, 20, 2)});
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.fillAt(0).fillId, std::string("b"));  // newest first
    QCOMPARE(inserted.size(), 1);                           // one insert per batch
    model.appendFills({makeFill("b", "MSFT", domain::Side::Sell, 2, 20, 2)});  // replayed: ignored
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(inserted.size(), 1);
    model.appendFills({makeFill("c", "NVDA", domain::Side::Buy, 3, 30, 3), makeFill("d", "SPY", domain::Side::Buy, 4, 40, 4)});
    QCOMPARE(model.rowCount(), 3);  // bounded
    QCOMPARE(removed.size(), 1);
    QCOMPARE(model.fillAt(0).fillId, std::string("d"));
    QCOMPARE(model.fillAt(1).fillId, std::string("c"));
    QCOMPARE(model.fillAt(2).fillId, std::string("b"));
    QCOMPARE(model.dropped(), std::uint64_t(1));
    QCOMPARE(cell(&model, 0, ui::FillsModel::Notional), ui::format::money(160.0));
    // A batch larger than the bound keeps only its newest fills.
    QVector<domain::Fill> big;
    for (int i = 0; i < 10; ++i) big << makeFill("z" + std::to_string(i), "QQQ", domain::Side::Buy, 1, 1, 100 + i);
    model.appendFills(big);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.fillAt(0).fillId, std::string("z9"));
    QCOMPARE(model.fillAt(2).fillId, std::string("z7"));
  }

  void accountModelShowsTheLatestSnapshot() {
    ui::AccountModel model;
    QCOMPARE(cell(&model, ui::AccountModel::Equity, ui::AccountModel::Value), QStringLiteral("—"));
    auto a = std::make_shared<contract::AccountSnapshot>();
    a->broker = "paper";
    a->equity = 100'000;
    a->cash = 90'000;
    a->grossExposure = 10'000;
    a->peakEquity = 104'000;
    a->dayPnl = -250.5;
    model.applySnapshot(a);
    QCOMPARE(cell(&model, ui::AccountModel::Equity, ui::AccountModel::Value), ui::format::money(100'000));
    QCOMPARE(cell(&model, ui::AccountModel::Leverage, ui::AccountModel::Value), QStringLiteral("0.10×"));
    QCOMPARE(model.index(ui::AccountModel::Drawdown, ui::AccountModel::Value).data(ui::AccountModel::SortRole).toDouble(),
             (100'000.0 - 104'000.0) / 104'000.0 * 100.0);
    QCOMPARE(model.index(ui::AccountModel::DayPnl, ui::AccountModel::Value).data(Qt::ForegroundRole).value<QBrush>().color(),
             ui::format::downColor());

    // Only changed figures are repainted.
    auto b = std::make_shared<contract::AccountSnapshot>(*a);
    b->cash = 80'000;
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.applySnapshot(b);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed[0][0].value<QModelIndex>().row(), int(ui::AccountModel::Cash));
    QCOMPARE(changed[0][1].value<QModelIndex>().row(), int(ui::AccountModel::Cash));
    QCOMPARE(model.snapshot()->cash, 80'000.0);
  }

  void bridgeCoalescesAccountAndSignals() {
    bus::EventBus bus;
    common::Config config;
    ui::UiBridge bridge(test::uiContext(&bus, &config, m_fx->settingsApp()));
    std::vector<ui::Batch<contract::AccountSnapshot>> account;
    std::vector<ui::Batch<contract::SignalGenerated>> signalsSpy;
    bridge.on<contract::AccountSnapshot>(&bridge, [&](const auto& b) { account.push_back(b); });
    bridge.on<contract::SignalGenerated>(&bridge, [&](const auto& b) { signalsSpy.push_back(b); });
    for (double equity : {1.0, 2.0, 3.0}) {
      contract::AccountSnapshot a;
      a.broker = "paper";
      a.equity = equity;
      bus.publish(std::move(a));
    }
    for (int i = 0; i < 3; ++i) {
      contract::SignalGenerated s;
      s.strategy = "sma_cross";
      s.symbol = "SPY";
      s.ts = i + 1;
      s.side = i % 2 ? domain::Side::Sell : domain::Side::Buy;
      bus.publish(std::move(s));
    }
    bridge.onTick();
    QCOMPARE(account.size(), std::size_t(1));  // latest wins
    QCOMPARE(account[0].size(), std::size_t(1));
    QCOMPARE(account[0][0]->equity, 3.0);
    QCOMPARE(signalsSpy.size(), std::size_t(1));  // one batch, arrival order
    const auto& batch = signalsSpy[0];
    QCOMPARE(batch.size(), std::size_t(3));
    QCOMPARE(batch[0]->ts, domain::Timestamp(1));
    QCOMPARE(batch[2]->ts, domain::Timestamp(3));
    QCOMPARE(bridge.batchesOf<contract::AccountSnapshot>(), std::uint64_t(1));
    QCOMPARE(bridge.batchesOf<contract::SignalGenerated>(), std::uint64_t(1));
    bridge.onTick();  // nothing new: nothing delivered
    QCOMPARE(account.size(), std::size_t(1));
    QCOMPARE(signalsSpy.size(), std::size_t(1));
  }

  void layoutSavedBeforeTheBlottersStillRestores() {
    // A state saved without the Fills and Account docks (as by an older version) restores, and the blotters stay
    // reachable in their default area.
    ui::MainWindow* w = window();
    w->resetLayout();
    w->removeDockWidget(w->fillsDock());
    w->removeDockWidget(w->accountDock());
    const QByteArray oldState = w->saveState(ui::MainWindow::kLayoutVersion);
    w->resetLayout();
    QVERIFY(w->restoreState(oldState, ui::MainWindow::kLayoutVersion));
    for (QDockWidget* d : {static_cast<QDockWidget*>(w->fillsDock()), static_cast<QDockWidget*>(w->accountDock())}) {
      QVERIFY2(w->dockWidgetArea(d) != Qt::NoDockWidgetArea, qPrintable(d->objectName()));
      d->show();
      d->raise();
      QTRY_VERIFY2(d->isVisible(), qPrintable(d->objectName()));
    }
    QVERIFY(w->dock(QStringLiteral("OrdersDock"))->isVisible());
    w->resetLayout();
  }
};

QTEST_MAIN(tst_Blotters)
#include "tst_Blotters.moc"
