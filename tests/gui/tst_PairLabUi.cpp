// The Pair Lab against the real composition root, from the keyboard: two cointegrated generated series and an
// independent one stored; Alt+Shift+L, the symbols typed, Enter: the scan lists the three pairs with the known
// statistics (AAA/BBB first, hedge 1.5, p < 0.01; the pairs with CCC flagged stale); the selected pair's z-score is
// charted with the entry / exit / stop bands; Ctrl+Enter backtests it with the pairs strategy (result in the panel).
#include "core/domain/Timeframe.h"
#include "core/runtime/Kernel.h"
#include "core/storage/StorageService.h"
#include "ui/dialogs/BacktestController.h"
#include "ui/docks/PairLabDock.h"
#include "ui/docks/ChartDock.h"
#include "ui/docks/OrderTicketDock.h"
#include "ui/mainwindow/MainWindow.h"
#include "tests/support/GuiFixture.h"
#include "tests/support/PairSeries.h"

#include <QChart>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QSpinBox>
#include <QLineEdit>
#include <QLineSeries>
#include <QScatterSeries>
#include <QStatusBar>
#include <QPushButton>
#include <QTableView>
#include <QtTest>

#include <cmath>

using namespace meridian;

class tst_PairLabUi : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void scanChartAndBacktestFromTheKeyboard() {
    test::KernelWindow fx(QStringLiteral("tst_PairLabUi"));
    const QString started = fx.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    const test::PairSeries g = test::generatePairSeries(400);
    QVERIFY(test::storePairSeries(fx.kernel().storage(), g));
    ui::MainWindow* window = fx.window();
    ui::PairLabDock* dock = window->pairLabDock();
    QVERIFY(dock && !dock->isVisible());

    QTest::keyClick(window, Qt::Key_L, Qt::AltModifier | Qt::ShiftModifier);
    QTRY_VERIFY(dock->isVisible());
    QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget*>(dock->symbolsEdit()));
    QTest::keyClicks(dock->symbolsEdit(), QStringLiteral("aaa, bbb, ccc"));
    QTest::keyClick(dock->symbolsEdit(), Qt::Key_Return);

    ui::PairLabModel* model = dock->model();
    const auto cell = [&](int row, int col) { return model->index(row, col).data().toString(); };
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 3, 10'000);
    QCOMPARE(cell(0, ui::PairLabModel::Pair), QStringLiteral("AAA/BBB"));
    QVERIFY2(std::abs(cell(0, ui::PairLabModel::Hedge).toDouble() - 1.5) < 0.05, qPrintable(cell(0, ui::PairLabModel::Hedge)));
    QVERIFY2(cell(0, ui::PairLabModel::PValue).toDouble() < 0.01, qPrintable(cell(0, ui::PairLabModel::PValue)));
    QVERIFY(cell(0, ui::PairLabModel::Flag).isEmpty());
    for (int r = 1; r < 3; ++r) {
      QVERIFY(cell(r, ui::PairLabModel::Pair).contains(QStringLiteral("CCC")));
      QVERIFY2(cell(r, ui::PairLabModel::Flag).startsWith(QStringLiteral("stale: p ")), qPrintable(cell(r, ui::PairLabModel::Flag)));
    }
    QVERIFY(dock->statusLabel()->text().startsWith(QStringLiteral("3 pair(s), 2 flagged")));

    // The first row is selected: its z-score and the six band lines (entry, exit, stop, both signs).
    QTRY_VERIFY_WITH_TIMEOUT(dock->charted() && dock->charted()->stats.first == "AAA", 10'000);
    // The Pair Lab is in the link groups (Red, like the chart and the ticket): a pair moves them to its first leg.
    QTRY_COMPARE(window->chartDock()->symbol(), QStringLiteral("AAA"));
    QCOMPARE(window->orderTicketDock()->symbolEdit()->text(), QStringLiteral("AAA"));
    // z-score, six band lines, entries, exits, spread.
    QCOMPARE(dock->chart()->series().size(), 10);
    auto* z = qobject_cast<QLineSeries*>(dock->chart()->series().front());
    QVERIFY(z);
    QCOMPARE(z->name(), QStringLiteral("z-score"));
    QCOMPARE(z->count(), 400 - dock->charted()->zWindow + 1);
    QCOMPARE(z->at(z->count() - 1).y(), dock->charted()->z.back());
    QStringList bands;
    QLineSeries* spread = nullptr;
    QScatterSeries *entries = nullptr, *exits = nullptr;
    for (QAbstractSeries* s : dock->chart()->series()) {
      if (auto* scatter = qobject_cast<QScatterSeries*>(s)) {
        (scatter->name().startsWith(QStringLiteral("entries")) ? entries : exits) = scatter;
        continue;
      }
      auto* line = qobject_cast<QLineSeries*>(s);
      if (line && line->name() == QStringLiteral("spread")) spread = line;
      else if (line && line != z) bands << QString::number(line->at(0).y());
    }
    bands.sort();
    QCOMPARE(bands, (QStringList{"-0.5", "-2", "-3", "0.5", "2", "3"}));
    // The spread over every charted bar, on its own axis.
    QVERIFY(spread);
    QCOMPARE(spread->count(), 400);
    QCOMPARE(spread->at(399).y(), dock->charted()->spread.back());
    // The pairs strategy's trades on these bars: one marker per pair trade (its first leg's fill), entries and exits
    // alternating, each on the z line at its bar.
    const auto& trades = dock->charted()->trades;
    QVERIFY2(trades.size() >= 4, qPrintable(QString::number(trades.size())));
    QVERIFY(entries && exits);
    int firstLeg = 0, entered = 0;
    for (const auto& t : trades)
      if (t.symbol == "AAA") {
        ++firstLeg;
        entered += t.entry ? 1 : 0;
      }
    QCOMPARE(entries->count(), entered);
    QCOMPARE(exits->count(), firstLeg - entered);
    QVERIFY(entered >= 1 && firstLeg - entered >= entered - 1);
    QCOMPARE(entries->name(), QStringLiteral("entries (%1)").arg(entered));
    const auto& ts = dock->charted()->ts;
    const qint64 t0 = trades.front().ts / domain::kNanosPerMilli;
    QCOMPARE(qint64(entries->at(0).x()), t0);
    const auto at = std::lower_bound(ts.begin(), ts.end(), trades.front().ts) - ts.begin();
    QCOMPARE(entries->at(0).y(), dock->charted()->z[std::size_t(at)]);
    QVERIFY2(dock->chart()->title().contains(QStringLiteral("pairs strategy: %1 fills").arg(trades.size())),
             qPrintable(dock->chart()->title()));
    QVERIFY(!dock->chart()->title().contains(QStringLiteral("STALE")));
    QCoreApplication::processEvents();  // the chart's scene is laid out and painted on the next events
    const QString problem = test::pictureProblem(dock, {400, 300});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(!test::saveScreenshot(dock, QStringLiteral("PairLab-scan")).isEmpty());

    // Ctrl+Enter in the table: the pairs strategy on the two stored series; the run lands in the session's results.
    dock->view()->setFocus();
    QTest::keyClick(dock->view(), Qt::Key_Return, Qt::ControlModifier);
    QVERIFY2(dock->statusLabel()->text().startsWith(QStringLiteral("Backtest of AAA/BBB sent")),
             qPrintable(dock->statusLabel()->text()));
    QTRY_VERIFY2_WITH_TIMEOUT(window->backtest()->sessionRuns().size() == 1,
                              qPrintable(window->statusBar()->currentMessage()), 30'000);
    fx.stop();
  }

  // The scan's parameters come from the dock: the universe (every stored symbol of the chosen timeframe, here 1h;
  // the daily-only ones are left out), the lookback and the p-value threshold; the selected pair is charted on
  // that lookback and promoting it names 1h and the threshold as the strategy's max_pvalue.
  void scanParametersFromTheDock() {
    test::KernelWindow fx(QStringLiteral("tst_PairLabUi-params"));
    const QString started = fx.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    const test::PairSeries g = test::generatePairSeries(300);
    QVERIFY(test::storePairSeries(fx.kernel().storage(), g, {.source = "csv_1h", .step = domain::kNanosPerHour}));
    const auto daily = test::pairBars(g.c);
    QVERIFY(fx.kernel().storage().call([&](storage::IStorage& s) { return s.upsertBars("DLY", "csv", daily); }).get().ok());
    ui::MainWindow* window = fx.window();
    ui::PairLabDock* dock = window->pairLabDock();
    QTest::keyClick(window, Qt::Key_L, Qt::AltModifier | Qt::ShiftModifier);
    QTRY_VERIFY(dock->isVisible());

    // Every timeframe is offered, coarsest first; the item data is the domain value.
    QStringList offered;
    for (int i = 0; i < dock->timeframeCombo()->count(); ++i) {
      offered << dock->timeframeCombo()->itemText(i);
      const auto tf = domain::Timeframe(dock->timeframeCombo()->itemData(i).toInt());
      QCOMPARE(QString::fromLatin1(domain::toString(tf).data()), offered.back());
    }
    QCOMPARE(offered, (QStringList{"1d", "1h", "15m", "5m", "1m"}));
    dock->timeframeCombo()->setCurrentIndex(dock->timeframeCombo()->findText(QStringLiteral("1h")));
    // Lookback and threshold typed into their fields.
    for (auto [spin, text] : {std::pair<QAbstractSpinBox*, QString>{dock->lookbackSpin(), QStringLiteral("200")},
                              std::pair<QAbstractSpinBox*, QString>{dock->maxPValueSpin(), QStringLiteral("0.01")}}) {
      spin->setFocus();
      spin->selectAll();
      QTest::keyClicks(spin, text);
      QTest::keyClick(spin, Qt::Key_Tab);
    }
    QCOMPARE(dock->lookbackSpin()->value(), 200);
    QCOMPARE(dock->maxPValueSpin()->value(), 0.01);
    QTest::mouseClick(dock->universeButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(dock->symbolsEdit()->text(), QStringLiteral("AAA BBB CCC"), 10'000);
    QVERIFY2(dock->statusLabel()->text().startsWith(QStringLiteral("3 stored 1h symbols (3 pairs)")),
             qPrintable(dock->statusLabel()->text()));

    QTest::keyClick(dock->symbolsEdit(), Qt::Key_Return);
    ui::PairLabModel* model = dock->model();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 3, 10'000);
    QCOMPARE(model->index(0, ui::PairLabModel::Pair).data().toString(), QStringLiteral("AAA/BBB"));
    QCOMPARE(model->index(0, ui::PairLabModel::Pair).data(Qt::ToolTipRole).toString(),
             QStringLiteral("200 common bars of csv_1h"));
    QVERIFY2(dock->statusLabel()->text().contains(QStringLiteral("p-value above 0.01")), qPrintable(dock->statusLabel()->text()));
    for (int r = 1; r < 3; ++r)
      QVERIFY2(model->index(r, ui::PairLabModel::Flag).data().toString().contains(QStringLiteral("> 0.01")),
               qPrintable(model->index(r, ui::PairLabModel::Flag).data().toString()));
    QTRY_VERIFY_WITH_TIMEOUT(dock->charted() && dock->charted()->stats.first == "AAA", 10'000);
    QCOMPARE(dock->charted()->ts.size(), std::size_t(200));
    QCOMPARE(dock->charted()->stats.source, std::string("csv_1h"));
    // 200 bars do not cover the strategy's formation window: no trades, and the chart says why.
    QVERIFY(dock->charted()->trades.empty());
    QVERIFY2(dock->chart()->title().contains(QStringLiteral("(backtest: 200 common bars, not more than the strategy's "
                                                            "formation window (252 bars)")),
             qPrintable(dock->chart()->title()));
    const contract::StartStrategy planned = dock->promotion();
    QCOMPARE(planned.timeframe, std::string("1h"));
    QCOMPARE(planned.params.back().name, std::string("max_pvalue"));
    QCOMPARE(planned.params.back().value, 0.01);
    QCoreApplication::processEvents();
    const QString problem = test::pictureProblem(dock, {400, 300});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(!test::saveScreenshot(dock, QStringLiteral("PairLab-1h-params")).isEmpty());
    fx.stop();
  }
};

QTEST_MAIN(tst_PairLabUi)
#include "tst_PairLabUi.moc"
