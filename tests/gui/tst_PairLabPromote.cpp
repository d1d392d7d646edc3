// Promote a pair to a live strategy from the Pair Lab, against the real composition root (paper broker, SQLite,
// strategy.trade=true, no strategy.live), from the keyboard: the scan lists AAA/BBB first; Ctrl+Shift+P in the table
// asks first, naming PAPER, the pair and the parameters; accepted, the runner starts pairs:AAA/BBB (warmed up on
// the stored bars) and the Strategy Monitor shows its row (PAPER, z-score, both legs), where Ctrl+P pauses it.
// Promoting it again is refused by the runner and the refusal is shown in the Pair Lab. A restart starts it again:
// same row, still paused. Screenshots of both panels (QWidget::grab) with assertions on what they show.
#include "core/runtime/Kernel.h"
#include "core/storage/StorageService.h"
#include "ui/docks/PairLabDock.h"
#include "ui/docks/StrategyMonitorDock.h"
#include "ui/mainwindow/MainWindow.h"
#include "ui/models/StrategyMonitorModel.h"
#include "tests/support/GuiFixture.h"
#include "tests/support/PairSeries.h"

#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QtTest>

using namespace meridian;

namespace {

constexpr const char* kInstance = "pairs:AAA/BBB";

const std::map<QString, QString> kOverrides = {
    {"strategy.trade", "true"},
    {"strategy.history_days", "4000"},  // the generated bars start in 2024
};

const contract::StrategyInstanceState* rowOf(ui::StrategyMonitorModel* m, const char* instance) {
  const int row = m->rowOf(QString::fromLatin1(instance));
  return row < 0 ? nullptr : m->instanceAt(row);
}

QString cell(ui::StrategyMonitorModel* m, int col) {
  return m->index(m->rowOf(QString::fromLatin1(kInstance)), col).data().toString();
}

}  // namespace

class tst_PairLabPromote : public QObject {
  Q_OBJECT

  // Ctrl+Shift+P in the Pair Lab's table, the confirmation answered with its Promote button; returns the question.
  static QString promoteFromTheKeyboard(QObject* context, ui::PairLabDock* dock, const QString& expectedButton) {
    QString question;
    auto answered = test::whenModal<QMessageBox>(context, [&](QMessageBox* b) {
      question = b->windowTitle() + QLatin1Char('\n') + b->text();
      auto* yes = b->findChild<QPushButton*>(QStringLiteral("confirmPromoteYes"));
      if (!yes) return;
      if (yes->text() != expectedButton) question += QStringLiteral("\nbutton: ") + yes->text();
      yes->click();
    });
    dock->view()->setFocus();
    QTest::keyClick(dock->view(), Qt::Key_P, Qt::ControlModifier | Qt::ShiftModifier);
    if (!QTest::qWaitFor([&] { return *answered; }, 5000)) return QStringLiteral("no confirmation");
    return question;
  }

 private Q_SLOTS:
  void promotePauseRestartFromTheKeyboard() {
    test::KernelWindow fx(QStringLiteral("tst_PairLabPromote"), kOverrides);
    const QString started = fx.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    const test::PairSeries g = test::generatePairSeries(400);
    QVERIFY(test::storePairSeries(fx.kernel().storage(), g));
    ui::MainWindow* window = fx.window();
    ui::PairLabDock* lab = window->pairLabDock();
    ui::StrategyMonitorDock* monitor = window->strategyMonitorDock();

    QTest::keyClick(window, Qt::Key_L, Qt::AltModifier | Qt::ShiftModifier);
    QTRY_VERIFY(lab->isVisible());
    QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget*>(lab->symbolsEdit()));
    QTest::keyClicks(lab->symbolsEdit(), QStringLiteral("aaa bbb ccc"));
    QTest::keyClick(lab->symbolsEdit(), Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(lab->model()->rowCount(), 3, 10'000);
    QCOMPARE(lab->model()->index(0, ui::PairLabModel::Pair).data().toString(), QStringLiteral("AAA/BBB"));
    QTRY_VERIFY_WITH_TIMEOUT(lab->charted() && lab->charted()->stats.first == "AAA", 10'000);
    QVERIFY(lab->promoteButton()->isEnabled());
    // The runner (no strategy.live) has told the window its mode; the monitor says how to start an instance.
    QTRY_COMPARE_WITH_TIMEOUT(lab->runnerMode(), QStringLiteral("PAPER"), 10'000);
    QTRY_VERIFY(monitor->model()->hasData());
    QVERIFY2(monitor->statusLabel()->text().startsWith(QStringLiteral("No live strategy instances: set strategy.live, or "
                                                                      "promote a pair in the Pair Lab")),
             qPrintable(monitor->statusLabel()->text()));

    // What the promotion carries: the pair, the charted timeframe and bands, the mode.
    const contract::StartStrategy planned = lab->promotion();
    QCOMPARE(planned.symbols, (std::vector<std::string>{"AAA", "BBB"}));
    QCOMPARE(planned.timeframe, std::string("1d"));
    QCOMPARE(planned.mode, std::string("PAPER"));
    QCOMPARE(planned.params, (std::vector<contract::StrategyParamValue>{{"entry_z", 2.0}, {"exit_z", 0.5}, {"stop_z", 3.0}, {"max_pvalue", 0.05}}));

    const QString question = promoteFromTheKeyboard(this, lab, QStringLiteral("Promote (PAPER)"));
    QVERIFY2(question.startsWith(QStringLiteral("Promote AAA/BBB to live trading (PAPER)?")) &&
                 question.contains(QStringLiteral("entry_z 2")) && !question.contains(QStringLiteral("button:")),
             qPrintable(question));

    // The Strategy Monitor's row, warmed up on the 400 stored bars.
    ui::StrategyMonitorModel* model = monitor->model();
    QTRY_VERIFY_WITH_TIMEOUT(rowOf(model, kInstance) && rowOf(model, kInstance)->warmupBars == 400, 20'000);
    QTRY_VERIFY2(lab->statusLabel()->text().startsWith(QStringLiteral("pairs:AAA/BBB runs live (PAPER)")),
                 qPrintable(lab->statusLabel()->text()));
    const contract::StrategyInstanceState* row = rowOf(model, kInstance);
    QCOMPARE(row->mode, std::string("PAPER"));
    QVERIFY2(row->state != "error" && row->state != "warming up", row->state.c_str());
    QCOMPARE(cell(model, ui::StrategyMonitorModel::Mode), QStringLiteral("PAPER"));
    QVERIFY2(cell(model, ui::StrategyMonitorModel::Legs).startsWith(QStringLiteral("AAA ")) &&
                 cell(model, ui::StrategyMonitorModel::Legs).contains(QStringLiteral("BBB ")),
             qPrintable(cell(model, ui::StrategyMonitorModel::Legs)));
    QVERIFY2(cell(model, ui::StrategyMonitorModel::Indicators).startsWith(QStringLiteral("z ")),
             qPrintable(cell(model, ui::StrategyMonitorModel::Indicators)));
    QString problem = test::pictureProblem(lab, {400, 300});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(!test::saveScreenshot(lab, QStringLiteral("PairLab-promoted")).isEmpty());

    // Alt+Shift+M, Ctrl+P: paused like any live instance (the window active again after the confirmation box).
    window->activateWindow();
    QTRY_VERIFY(window->isActiveWindow());
    QTest::keyClick(window, Qt::Key_M, Qt::AltModifier | Qt::ShiftModifier);
    QTRY_VERIFY(monitor->isVisible());
    QTRY_VERIFY(monitor->isAncestorOf(QApplication::focusWidget()));
    monitor->selectInstance(QString::fromLatin1(kInstance));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_P, Qt::ControlModifier);
    QTRY_VERIFY_WITH_TIMEOUT(rowOf(model, kInstance) && rowOf(model, kInstance)->state == "paused", 5'000);
    QCOMPARE(cell(model, ui::StrategyMonitorModel::Instance), QString::fromLatin1(kInstance));
    QVERIFY2(cell(model, ui::StrategyMonitorModel::State).startsWith(QStringLiteral("Paused")),
             qPrintable(cell(model, ui::StrategyMonitorModel::State)));
    problem = test::pictureProblem(monitor, {400, 120});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const QImage shot = monitor->grab().toImage();
    QVERIFY(!shot.isNull() && shot.width() >= 400);
    QVERIFY(!test::saveScreenshot(monitor, QStringLiteral("StrategyMonitor-promoted-paused")).isEmpty());

    // The same pair again: the runner refuses, the Pair Lab says why.
    window->activateWindow();
    QTRY_VERIFY(window->isActiveWindow());
    QTest::keyClick(window, Qt::Key_L, Qt::AltModifier | Qt::ShiftModifier);
    QTRY_VERIFY(lab->isAncestorOf(QApplication::focusWidget()));
    const QString again = promoteFromTheKeyboard(this, lab, QStringLiteral("Promote (PAPER)"));
    QVERIFY2(again.startsWith(QStringLiteral("Promote AAA/BBB")), qPrintable(again));
    QTRY_VERIFY2_WITH_TIMEOUT(lab->statusLabel()->text().startsWith(QStringLiteral("Not promoted: pairs:AAA/BBB runs already")),
                              qPrintable(lab->statusLabel()->text()), 5'000);
    QCOMPARE(model->rowCount(), 1);

    // Restart: started again from its saved record, paused as it was.
    const QString restarted = fx.restart();
    QVERIFY2(restarted.isEmpty(), qPrintable(restarted));
    monitor = fx.window()->strategyMonitorDock();
    model = monitor->model();
    QTRY_VERIFY_WITH_TIMEOUT(rowOf(model, kInstance) && rowOf(model, kInstance)->warmupBars == 400 &&
                                 rowOf(model, kInstance)->state == "paused",
                             20'000);
    QCOMPARE(model->rowCount(), 1);
    QCOMPARE(rowOf(model, kInstance)->mode, std::string("PAPER"));
    QVERIFY(!test::saveScreenshot(monitor, QStringLiteral("StrategyMonitor-promoted-restarted")).isEmpty());

    // Delete in the monitor, confirmed with Remove: the (flat) promoted instance stops, and a restart leaves it gone.
    fx.window()->activateWindow();
    QTRY_VERIFY(fx.window()->isActiveWindow());
    QTest::keyClick(fx.window(), Qt::Key_M, Qt::AltModifier | Qt::ShiftModifier);
    QTRY_VERIFY(monitor->isAncestorOf(QApplication::focusWidget()));
    monitor->selectInstance(QString::fromLatin1(kInstance));
    QTRY_VERIFY(monitor->removeButton()->isEnabled());
    QString removeQuestion;
    auto removed = test::whenModal<QMessageBox>(this, [&](QMessageBox* b) {
      removeQuestion = b->windowTitle();
      if (auto* yes = b->findChild<QPushButton*>(QStringLiteral("confirmRemoveYes"))) yes->click();
    });
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Delete);
    QTRY_VERIFY(*removed);
    QCOMPARE(removeQuestion, QStringLiteral("Remove pairs:AAA/BBB (PAPER)?"));
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 0, 5'000);
    const QString again2 = fx.restart();
    QVERIFY2(again2.isEmpty(), qPrintable(again2));
    model = fx.window()->strategyMonitorDock()->model();
    QTRY_VERIFY_WITH_TIMEOUT(model->hasData(), 20'000);
    QCOMPARE(model->rowCount(), 0);
    fx.stop();
  }
};

QTEST_MAIN(tst_PairLabPromote)
#include "tst_PairLabPromote.moc"
