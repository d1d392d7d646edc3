// The Strategy Monitor against the real composition root: a live sma_cross instance (strategy.live, trading) on
// the simulated feed's 1-minute bars, its orders through risk, the journal and the paper broker. From the keyboard:
// Alt+Shift+M shows and focuses the monitor; Ctrl+P pauses (signals go on, no order is sent); Ctrl+Shift+F flattens
// after a confirmation that names the mode (the position goes to 0 through a real sell fill); a restart shows the
// same row (paused, flat, the same realized P&L rebuilt from the journal); Ctrl+R resumes; Enter opens the chart.
#include "core/runtime/Kernel.h"
#include "core/bus/EventBus.h"
#include "core/contract/Orders.h"
#include "core/contract/Strategy.h"
#include "ui/docks/ChartDock.h"
#include "ui/docks/StrategyMonitorDock.h"
#include "ui/mainwindow/MainWindow.h"
#include "ui/models/StrategyMonitorModel.h"
#include "tests/support/GuiFixture.h"

#include <QAbstractButton>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QtTest>

#include <cmath>

using namespace meridian;

namespace {

constexpr const char* kSymbol = "AAPL";
constexpr const char* kInstance = "sma_cross:AAPL";
constexpr const char* kStrategyId = "live:sma_cross:AAPL";

const std::map<QString, QString> kOverrides = {
    {"strategy.live", "sma_cross:AAPL"},
    {"strategy.sma_cross.fast", "2"},
    {"strategy.sma_cross.slow", "3"},
    {"strategy.trade", "true"},
    {"strategy.timeframe", "1m"},
    {"strategy.size", "100"},
    {"market.sim_speed", "1200"},  // 20 one-minute bars per second
};

QString cell(QAbstractItemModel* m, int row, int col) { return m->index(row, col).data().toString(); }

const contract::StrategyInstanceState* row0(ui::StrategyMonitorModel* m) {
  return m->rowCount() == 1 ? m->instanceAt(0) : nullptr;
}

}  // namespace

class tst_StrategyMonitor : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void pauseFlattenRestartResumeFromTheKeyboard() {
    test::KernelWindow fx(QStringLiteral("tst_StrategyMonitor"), kOverrides);
    const QString started = fx.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    ui::MainWindow* window = fx.window();
    ui::StrategyMonitorDock* dock = window->strategyMonitorDock();
    QVERIFY(dock);
    QVERIFY(!dock->isVisible());  // opened on demand

    // What the runner sends and signals, in its own order (one mailbox: SubmitOrder is sent and SignalGenerated
    // published from the runner thread), and the journal's fills.
    auto box = std::make_shared<bus::Mailbox>("test");
    fx.kernel().bus().subscribe<contract::SubmitOrder>(box);
    fx.kernel().bus().subscribe<contract::SignalGenerated>(box, kSymbol);
    auto fills = std::make_shared<bus::Mailbox>("test-fills");
    fx.kernel().bus().subscribe<contract::OrderFilled>(fills);
    std::vector<bus::Envelope> seen;

    QTest::keyClick(window, Qt::Key_M, Qt::AltModifier | Qt::ShiftModifier);
    QTRY_VERIFY(dock->isVisible());
    QTRY_VERIFY(dock->isAncestorOf(QApplication::focusWidget()));
    ui::StrategyMonitorModel* model = dock->model();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1, 10'000);
    QCOMPARE(cell(model, 0, ui::StrategyMonitorModel::Instance), QString::fromLatin1(kInstance));
    QCOMPARE(cell(model, 0, ui::StrategyMonitorModel::Mode), QStringLiteral("PAPER"));

    // The strategy buys on an up-cross; the paper broker fills it: the row is long 100 / 100 with the fill's cost.
    QTRY_VERIFY_WITH_TIMEOUT(row0(model) && row0(model)->state == "long" && row0(model)->openOrders == 0, 30'000);
    QCOMPARE(row0(model)->legs.at(0).position, 100.0);
    QCOMPARE(row0(model)->legs.at(0).target, 100.0);
    QVERIFY(row0(model)->legs.at(0).avgCost > 0.0);
    QCOMPARE(cell(model, 0, ui::StrategyMonitorModel::Legs), QStringLiteral("AAPL 100 / 100"));
    QVERIFY2(cell(model, 0, ui::StrategyMonitorModel::LastSignal).contains(QStringLiteral("buy 100 AAPL -> target 100")),
             qPrintable(cell(model, 0, ui::StrategyMonitorModel::LastSignal)));
    QVERIFY2(cell(model, 0, ui::StrategyMonitorModel::Indicators).startsWith(QStringLiteral("sma_fast ")),
             qPrintable(cell(model, 0, ui::StrategyMonitorModel::Indicators)));
    QVERIFY(dock->pauseButton()->isEnabled());
    QVERIFY(!dock->resumeButton()->isEnabled());

    // Ctrl+P: paused. Two signals later, none of them was traded and nothing was sent after the first of them.
    QVERIFY(dock->isAncestorOf(QApplication::focusWidget()));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_P, Qt::ControlModifier);
    // Pausing leaves a working order alone (the strategy may have sent one on the bar before): what is held while
    // paused is read once none is left.
    QTRY_VERIFY_WITH_TIMEOUT(row0(model) && row0(model)->state == "paused" && row0(model)->openOrders == 0, 5'000);
    QVERIFY(dock->resumeButton()->isEnabled());
    const double heldWhilePaused = row0(model)->legs.at(0).position;
    std::size_t pausedSignals = 0, submitsAfterPause = 0;
    QTRY_VERIFY_WITH_TIMEOUT(([&] {
                               box->drain(seen);
                               pausedSignals = submitsAfterPause = 0;
                               bool after = false;
                               for (const auto& e : seen) {
                                 if (const auto* s = e.as<contract::SignalGenerated>();
                                     s && s->reason.find("paused: not traded") != std::string::npos) {
                                   after = true;
                                   ++pausedSignals;
                                   if (!s->correlationId.empty()) ++submitsAfterPause;
                                 } else if (after && e.as<contract::SubmitOrder>()) {
                                   ++submitsAfterPause;
                                 }
                               }
                               return pausedSignals >= 2;
                             }()),
                             30'000);
    QCOMPARE(submitsAfterPause, std::size_t(0));
    QTRY_VERIFY(row0(model)->signals >= 2);
    QCOMPARE(row0(model)->state, std::string("paused"));
    QCOMPARE(row0(model)->openOrders, 0);
    QCOMPARE(row0(model)->legs.at(0).position, heldWhilePaused);
    QVERIFY2(row0(model)->lastSignalReason.find("paused: not traded") != std::string::npos,
             row0(model)->lastSignalReason.c_str());

    // Ctrl+Shift+F: the confirmation names the mode; accepted, the sell goes through the order path and fills.
    QString question;
    auto answered = test::whenModal<QMessageBox>(this, [&](QMessageBox* b) {
      question = b->windowTitle() + QLatin1Char('\n') + b->text();
      auto* yes = b->findChild<QPushButton*>(QStringLiteral("confirmFlattenYes"));
      QVERIFY(yes);
      QCOMPARE(yes->text(), QStringLiteral("Flatten (PAPER)"));
      yes->click();
    });
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_F, Qt::ControlModifier | Qt::ShiftModifier);
    QTRY_VERIFY(*answered);
    QVERIFY2(question.contains(QStringLiteral("PAPER")) && question.contains(QString::fromLatin1(kInstance)),
             qPrintable(question));
    // "flattened" too: the strategy may have been flat already when it was paused.
    QTRY_VERIFY_WITH_TIMEOUT(row0(model) && row0(model)->detail == "flattened" &&
                                 row0(model)->legs.at(0).position == 0.0 && row0(model)->openOrders == 0,
                             15'000);
    QCOMPARE(row0(model)->state, std::string("paused"));
    QCOMPARE(row0(model)->legs.at(0).target, 0.0);
    // A real sell fill of the strategy closed it.
    std::vector<bus::Envelope> got;
    double sold = 0.0, bought = 0.0, cash = 0.0;  // flat again: realized P&L is the cash of the round trips
    QTRY_VERIFY_WITH_TIMEOUT(([&] {
                               fills->drain(got);
                               sold = bought = cash = 0.0;
                               for (const auto& e : got)
                                 if (const auto* f = e.as<contract::OrderFilled>(); f && f->fill.strategyId == kStrategyId) {
                                   const bool sell = f->fill.side == domain::Side::Sell;
                                   (sell ? sold : bought) += f->fill.quantity;
                                   cash += (sell ? 1.0 : -1.0) * f->fill.quantity * f->fill.price - f->fill.commission;
                                 }
                               return sold > 0.0 && sold == bought;
                             }()),
                             5'000);
    const double realized = row0(model)->realizedPnl;
    QVERIFY2(std::abs(realized - cash) < 1e-6,
             qPrintable(QStringLiteral("realized %1, the fills' cash %2").arg(realized, 0, 'f', 6).arg(cash, 0, 'f', 6)));
    QCOMPARE(row0(model)->unrealizedPnl, 0.0);
    QCOMPARE(cell(model, 0, ui::StrategyMonitorModel::State), QStringLiteral("Paused — flattened"));
    QCOMPARE(cell(model, 0, ui::StrategyMonitorModel::Legs), QStringLiteral("AAPL 0 / 0"));
    QVERIFY(dock->statusLabel()->text().contains(QStringLiteral("1 paused")));
    const QString problem = test::pictureProblem(dock, {400, 120});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(!test::saveScreenshot(dock, QStringLiteral("StrategyMonitor-flattened")).isEmpty());

    // Restart: the same row, rebuilt from the saved state and the journal.
    const QString restarted = fx.restart();
    QVERIFY2(restarted.isEmpty(), qPrintable(restarted));
    window = fx.window();
    dock = window->strategyMonitorDock();
    model = dock->model();
    QVERIFY(dock->isVisible());  // the layout came back with it
    QTRY_VERIFY_WITH_TIMEOUT(row0(model) && row0(model)->state == "paused" && row0(model)->warmupBars > 0, 15'000);
    QCOMPARE(row0(model)->detail, std::string("flattened"));
    QCOMPARE(row0(model)->legs.at(0).position, 0.0);
    QCOMPARE(row0(model)->legs.at(0).target, 0.0);
    QVERIFY2(std::abs(row0(model)->realizedPnl - realized) < 1e-6,
             qPrintable(QStringLiteral("%1 vs %2").arg(row0(model)->realizedPnl).arg(realized)));
    QCOMPARE(cell(model, 0, ui::StrategyMonitorModel::State), QStringLiteral("Paused — flattened"));
    QVERIFY(!test::saveScreenshot(dock, QStringLiteral("StrategyMonitor-restarted")).isEmpty());

    // Ctrl+R resumes; Enter on the row opens its symbol in the chart.
    QTest::keyClick(window, Qt::Key_M, Qt::AltModifier | Qt::ShiftModifier);
    QTRY_VERIFY(dock->isAncestorOf(QApplication::focusWidget()));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_R, Qt::ControlModifier);
    QTRY_VERIFY_WITH_TIMEOUT(row0(model) && !row0(model)->paused && row0(model)->state != "paused", 5'000);
    QVERIFY(dock->pauseButton()->isEnabled());
    window->chartDock()->setSymbol(QStringLiteral("MSFT"));
    QVERIFY(dock->isAncestorOf(QApplication::focusWidget()));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
    QTRY_COMPARE(window->chartDock()->symbol(), QString::fromLatin1(kSymbol));
    fx.stop();
  }
};

QTEST_MAIN(tst_StrategyMonitor)
#include "tst_StrategyMonitor.moc"
