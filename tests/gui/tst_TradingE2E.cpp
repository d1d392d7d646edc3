// End to end through the real composition root: keystrokes in the order ticket -> SubmitOrder on the bus ->
// risk -> journal -> paper broker on the simulated market -> fill -> orders, fills, positions and account blotters.
// The kill switch from the keyboard: Ctrl+Shift+K -> engaged (status bar) -> working order cancelled -> the ticket's
// next order refused -> reset from the Trading menu -> orders go through again.
#include "core/runtime/Kernel.h"
#include "core/bus/EventBus.h"
#include "core/contract/MarketData.h"
#include "core/contract/Orders.h"
#include "ui/docks/AccountDock.h"
#include "ui/docks/FillsDock.h"
#include "ui/docks/OrderTicketDock.h"
#include "ui/docks/OrdersDock.h"
#include "ui/docks/PositionsDock.h"
#include "ui/mainwindow/MainWindow.h"
#include "ui/models/AccountModel.h"
#include "ui/models/FillsModel.h"
#include "ui/models/OrdersModel.h"
#include "ui/models/PositionsModel.h"
#include "tests/support/GuiFixture.h"

#include <QAction>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QtTest>

#include <cmath>

using namespace meridian;

class tst_TradingE2E : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

  void keyboardOrderFillsAgainstTheSimulatedMarket() {
    test::KernelWindow fx(QStringLiteral("tst_TradingE2E"));
    const QString started = fx.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    runtime::Kernel& kernel = fx.kernel();
    ui::MainWindow* window = fx.window();

    ui::OrderTicketDock* ticket = window->orderTicketDock();
    QTest::keyClick(window, Qt::Key_F2);
    QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget*>(ticket->symbolEdit()));
    ticket->symbolEdit()->clear();
    QTest::keyClicks(QApplication::focusWidget(), QStringLiteral("nvda"));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    ticket->quantitySpin()->selectAll();
    QTest::keyClicks(QApplication::focusWidget(), QStringLiteral("30"));
    QCOMPARE(ticket->quantitySpin()->value(), 30);
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_B);  // "Buy"
    QCOMPARE(ticket->sideCombo()->currentText(), QStringLiteral("Buy"));
    for (int i = 0; i < 8 && QApplication::focusWidget() != ticket->submitButton(); ++i)
      QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    QCOMPARE(QApplication::focusWidget(), static_cast<QWidget*>(ticket->submitButton()));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);

    ui::OrdersModel* orders = window->ordersDock()->model();
    auto cell = [](QAbstractItemModel* m, int row, int col) { return m->index(row, col).data().toString(); };
    QTRY_VERIFY_WITH_TIMEOUT(orders->rowCount() == 1 && cell(orders, 0, ui::OrdersModel::Status) == "Filled", 10'000);
    QCOMPARE(cell(orders, 0, ui::OrdersModel::Symbol), QStringLiteral("NVDA"));
    QCOMPARE(cell(orders, 0, ui::OrdersModel::Filled).remove(','), QStringLiteral("30"));
    const double avgPx = cell(orders, 0, ui::OrdersModel::AvgPx).remove(',').toDouble();
    QVERIFY2(avgPx > 0.0, qPrintable(cell(orders, 0, ui::OrdersModel::AvgPx)));

    // The same execution in the Fills blotter, and the account marks the new exposure.
    ui::FillsModel* fillsModel = window->fillsDock()->model();
    QTRY_COMPARE_WITH_TIMEOUT(fillsModel->rowCount(), 1, 5000);
    QCOMPARE(cell(fillsModel, 0, ui::FillsModel::Symbol), QStringLiteral("NVDA"));
    QCOMPARE(cell(fillsModel, 0, ui::FillsModel::Side), QStringLiteral("BUY"));
    QCOMPARE(cell(fillsModel, 0, ui::FillsModel::Price), cell(orders, 0, ui::OrdersModel::AvgPx));
    ui::AccountModel* account = window->accountDock()->model();
    QTRY_VERIFY_WITH_TIMEOUT(account->snapshot() && account->snapshot()->grossExposure > 0.0, 5000);

    ui::PositionsModel* positions = window->positionsDock()->model();
    QTRY_VERIFY_WITH_TIMEOUT(positions->rowCount() >= 1, 5000);
    int row = -1;
    for (int r = 0; r < positions->rowCount(); ++r)
      if (cell(positions, r, ui::PositionsModel::Symbol) == "NVDA") row = r;
    QVERIFY(row >= 0);
    QCOMPARE(cell(positions, row, ui::PositionsModel::Qty).remove(','), QStringLiteral("30"));

    // The fill is in the journal, not only on screen.
    auto fills = kernel.storage().call([](storage::IStorage& s) { return s.loadFills("", 10); }).get();
    QVERIFY(fills.ok());
    QCOMPARE(fills.value().size(), std::size_t(1));
    QCOMPARE(fills.value().front().quantity, 30.0);

    QVERIFY(!test::saveScreenshot(window, QStringLiteral("MainWindow-e2e-fill")).isEmpty());
    fx.stop();
  }

  void killSwitchFromTheKeyboardBlocksTheTicketUntilReset() {
    test::KernelWindow fx(QStringLiteral("tst_TradingE2E-kill"));
    auto quotes = std::make_shared<bus::Mailbox>();
    const QString started = fx.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    runtime::Kernel& kernel = fx.kernel();
    kernel.bus().subscribe("md.quote.NVDA", quotes);
    ui::MainWindow* window = fx.window();
    ui::OrderTicketDock* ticket = window->orderTicketDock();
    ui::OrdersModel* orders = window->ordersDock()->model();
    auto* riskLabel = window->findChild<QLabel*>(QStringLiteral("riskStateLabel"));
    QVERIFY(riskLabel);
    QCOMPARE(riskLabel->text(), QStringLiteral("RISK OK"));
    auto status = [orders](int row) { return orders->index(row, ui::OrdersModel::Status).data().toString(); };

    QVERIFY(quotes->waitNonEmpty(std::chrono::seconds(5)));
    std::vector<bus::Envelope> got;
    quotes->drain(got);
    const double last = got.back().as<contract::QuoteUpdated>()->quote.last;
    QVERIFY(last > 0.0);

    auto submit = [&](const QString& type, int qty, double limit) {
      ticket->symbolEdit()->setText(QStringLiteral("NVDA"));
      ticket->quantitySpin()->setValue(qty);
      ticket->sideCombo()->setCurrentText(QStringLiteral("Buy"));
      ticket->typeCombo()->setCurrentText(type);
      if (limit > 0.0) ticket->limitSpin()->setValue(limit);
      QTest::mouseClick(ticket->submitButton(), Qt::LeftButton);
    };
    // A buy limit 4 % under the market: it works at the venue.
    submit(QStringLiteral("Limit"), 10, std::floor(last * 0.96 * 100.0) / 100.0);
    QTRY_VERIFY_WITH_TIMEOUT(orders->rowCount() == 1 && status(0) == QStringLiteral("Accepted"), 10'000);

    // The kill switch asks first (ui.confirm_risk_actions, on by default); Enter confirms.
    auto asked = test::whenModal<QMessageBox>(window, [](QMessageBox* box) { QTest::keyClick(box, Qt::Key_Return); });
    QTest::keyClick(window, Qt::Key_K, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(*asked);
    QTRY_COMPARE_WITH_TIMEOUT(riskLabel->text(), QStringLiteral("KILL SWITCH"), 5000);
    QVERIFY2(riskLabel->toolTip().contains(QStringLiteral("Ctrl+Shift+K")), qPrintable(riskLabel->toolTip()));
    QTRY_COMPARE_WITH_TIMEOUT(status(0), QStringLiteral("Cancelled"), 5000);

    // The ticket is disabled under its red banner; an order sent anyway (another client on the bus) is refused by
    // the risk engine and never reaches the venue.
    QVERIFY(!ticket->submitButton()->isEnabled());
    domain::Order anyway;
    anyway.clientOrderId = "MRD-e2e-kill";
    anyway.symbol = "NVDA";
    anyway.side = domain::Side::Buy;
    anyway.quantity = 5;
    anyway.type = domain::OrderType::Market;
    QVERIFY(kernel.bus().send(contract::SubmitOrder{"C-kill", anyway}).ok());
    QTRY_VERIFY_WITH_TIMEOUT(orders->rowCount() == 2, 5000);
    int refused = -1;
    for (int r = 0; r < orders->rowCount(); ++r)
      if (status(r) == QStringLiteral("Rejected")) refused = r;
    QVERIFY(refused >= 0);
    auto journal = kernel.storage().call([](storage::IStorage& s) { return s.loadOrders(10); }).get();
    QVERIFY(journal.ok());
    int rejectedInJournal = 0;
    for (const auto& o : journal.value())
      if (o.status == domain::OrderStatus::Rejected) {
        ++rejectedInJournal;
        QVERIFY2(o.rejectReason.find("kill switch") != std::string::npos, o.rejectReason.c_str());
      }
    QCOMPARE(rejectedInJournal, 1);
    QVERIFY(!test::saveScreenshot(window, QStringLiteral("MainWindow-kill-switch")).isEmpty());

    // Reset from the Trading menu: the label clears and the same ticket order fills.
    auto* reset = window->findChild<QAction*>(QStringLiteral("actionResetKillSwitch"));
    QVERIFY(reset);
    reset->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(riskLabel->text(), QStringLiteral("RISK OK"), 5000);
    submit(QStringLiteral("Market"), 5, 0.0);
    QTRY_VERIFY_WITH_TIMEOUT(orders->rowCount() == 3, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
          for (int r = 0; r < orders->rowCount(); ++r)
            if (status(r) == QStringLiteral("Filled")) return true;
          return false;
        }(),
        10'000);
    fx.stop();
  }
};

QTEST_MAIN(tst_TradingE2E)
#include "tst_TradingE2E.moc"
