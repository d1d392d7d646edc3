// End to end through the real composition root: keystrokes in the order ticket -> SubmitOrder on the bus ->
// risk -> journal -> paper broker on the simulated market -> fill -> orders and positions blotters.
#include "core/runtime/Kernel.h"
#include "ui/docks/OrderTicketDock.h"
#include "ui/docks/OrdersDock.h"
#include "ui/docks/PositionsDock.h"
#include "ui/mainwindow/MainWindow.h"
#include "ui/models/OrdersModel.h"
#include "ui/models/PositionsModel.h"

#include <QComboBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

using namespace meridian;

class tst_TradingE2E : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;

 private Q_SLOTS:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

  void keyboardOrderFillsAgainstTheSimulatedMarket() {
    common::initLogging(common::LogOptions{});
    common::Config cfg;
    cfg.set("db.sqlite_path", m_dir.filePath("e2e.sqlite"));
    cfg.set("market.sim_ticks_per_second", "5000");
    runtime::Kernel kernel(cfg);
    ui::UiContext ctx;
    ctx.bus = &kernel.bus();
    ctx.config = &kernel.config();
    ctx.logs = common::inAppLogs();
    ctx.settingsOrganization = QStringLiteral("MeridianTests");
    ctx.settingsApplication = QStringLiteral("tst_TradingE2E-%1").arg(QCoreApplication::applicationPid());
    ctx.ingestion = kernel.ingestion();
    auto window = std::make_unique<ui::MainWindow>(ctx);
    QVERIFY(kernel.start().ok());
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(window.get()));

    ui::OrderTicketDock* ticket = window->orderTicketDock();
    QTest::keyClick(window.get(), Qt::Key_F2);
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

    const QByteArray dir = qgetenv("MERIDIAN_SCREENSHOT_DIR");
    if (!dir.isEmpty()) QVERIFY(window->grab().save(QString::fromLocal8Bit(dir) + "/MainWindow-e2e-fill.png"));
    window.reset();
    kernel.stop();
    QSettings(ctx.settingsOrganization, ctx.settingsApplication).clear();
  }
};

QTEST_MAIN(tst_TradingE2E)
#include "tst_TradingE2E.moc"
