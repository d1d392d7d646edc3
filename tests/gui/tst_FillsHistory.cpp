// Fills history in the blotter: fills journaled by one session show in the Fills blotter after a restart (a new
// Kernel + MainWindow on the same SQLite file), newest first, loaded over the bus (UiBridge -> HistoryService on
// its own read connection) while the window is already up. A fill that arrives live while the history is still
// loading, and one that arrives after it, is shown once even when the history holds the same fill id.
// FillsModel::mergeHistory is also tested on its own: ordering against live rows, de-duplication, the capacity; and a
// failed history load is said in the blotter's summary line (with the reason as its tool tip), not silently dropped.
#include "core/contract/MarketData.h"
#include "core/contract/Orders.h"
#include "core/contract/Strategy.h"
#include "core/history/HistoryService.h"
#include "core/runtime/Kernel.h"
#include "tests/support/GuiFixture.h"
#include "ui/docks/FillsDock.h"
#include "ui/mainwindow/MainWindow.h"
#include "ui/models/FillsModel.h"

#include <QLabel>
#include <QSignalSpy>
#include <QTableView>
#include <QtTest>

using namespace meridian;

namespace {

constexpr domain::Timestamp kT0 = 1'760'000'000'000'000'000;  // 2025-10-09, ns
constexpr int kJournaled = 12;

domain::Fill makeFill(const std::string& id, domain::Timestamp ts, domain::Side side = domain::Side::Buy) {
  domain::Fill f;
  f.fillId = id;
  f.clientOrderId = "MRD-" + id;
  f.symbol = "AAPL";
  f.side = side;
  f.quantity = 10;
  f.price = 190.0;
  f.ts = ts;
  f.strategyId = "manual";
  return f;
}

// Fill i of the journal, minute i.
domain::Fill journaled(int i) {
  domain::Fill f = makeFill("H-" + std::to_string(100 + i), kT0 + i * domain::kNanosPerMinute,
                            i % 2 ? domain::Side::Sell : domain::Side::Buy);
  f.price = 180.0 + i;
  return f;
}

std::vector<std::string> idsOf(const ui::FillsModel* m) {
  std::vector<std::string> ids;
  for (int r = 0; r < m->rowCount(); ++r) ids.push_back(m->fillAt(r).fillId);
  return ids;
}

// The fill ids in the blotter's view (through its sort proxy), top row first.
QStringList viewIds(ui::FillsDock* dock) {
  QStringList ids;
  const QAbstractItemModel* m = dock->view()->model();
  for (int r = 0; r < m->rowCount(); ++r) ids << m->index(r, ui::FillsModel::FillId).data().toString();
  return ids;
}

void publishFill(bus::EventBus& bus, const domain::Fill& f) {
  bus.publish(contract::OrderFilled{f});
}

}  // namespace

class tst_FillsHistory : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

  void mergeHistoryOrdersDeduplicatesAndCaps() {
    // Empty blotter: the history goes in as it is, newest first.
    ui::FillsModel model(5);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    const std::vector<domain::Fill> history{journaled(6), journaled(5), journaled(4), journaled(3),
                                            journaled(2), journaled(1), journaled(0)};
    QCOMPARE(model.mergeHistory(history), 5);  // capacity 5: the two oldest left out
    QCOMPARE(idsOf(&model), (std::vector<std::string>{"H-106", "H-105", "H-104", "H-103", "H-102"}));
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(reset.size(), 0);
    QCOMPARE(model.mergeHistory(history), 0);  // the same answer twice changes nothing
    // A left-out fill is not remembered as shown: it can still come in later (here: live).
    model.appendFills({journaled(0)});
    QCOMPARE(model.fillAt(0).fillId, std::string("H-100"));

    // Live rows first, then a history that interleaves with them: merged by time, one reset, no duplicate.
    ui::FillsModel live(100);
    live.appendFills({journaled(3), makeFill("LIVE-NEW", kT0 + 60 * domain::kNanosPerMinute)});
    QSignalSpy liveReset(&live, &QAbstractItemModel::modelReset);
    QCOMPARE(live.mergeHistory(history), 6);  // H-103 is shown already
    QCOMPARE(liveReset.size(), 1);
    QCOMPARE(idsOf(&live), (std::vector<std::string>{"LIVE-NEW", "H-106", "H-105", "H-104", "H-103", "H-102", "H-101",
                                                      "H-100"}));
    live.appendFills({journaled(5), journaled(1)});  // replayed live after the history: still once
    QCOMPARE(live.rowCount(), 8);

    // History older than every live row: appended below them, no reset.
    ui::FillsModel below(100);
    below.appendFills({makeFill("LIVE-A", kT0 + 100 * domain::kNanosPerMinute)});
    QSignalSpy belowReset(&below, &QAbstractItemModel::modelReset);
    QSignalSpy belowInserted(&below, &QAbstractItemModel::rowsInserted);
    QCOMPARE(below.mergeHistory(history), 7);
    QCOMPARE(belowReset.size(), 0);
    QCOMPARE(belowInserted.size(), 1);
    QCOMPARE(belowInserted.front().at(1).toInt(), 1);  // first new row, under the live one
    QCOMPARE(below.fillAt(0).fillId, std::string("LIVE-A"));
    QCOMPARE(below.fillAt(7).fillId, std::string("H-100"));

    // Interleaved and over capacity: the oldest rows go, live or not, and their ids are forgotten.
    ui::FillsModel full(4);
    full.appendFills({journaled(0), makeFill("LIVE-B", kT0 + 90 * domain::kNanosPerMinute)});
    QCOMPARE(full.mergeHistory(history), 3);
    QCOMPARE(idsOf(&full), (std::vector<std::string>{"LIVE-B", "H-106", "H-105", "H-104"}));
    QCOMPARE(full.dropped(), std::uint64_t(1));  // the live H-100 row was pushed out
    full.appendFills({journaled(0)});            // so it may show again when it arrives again
    QCOMPARE(full.fillAt(0).fillId, std::string("H-100"));
  }

  void failedHistoryIsSaidNotHidden() {
    // No kernel: the test plays the history service, answering the blotter's request with an error.
    common::initLogging(common::LogOptions{});
    bus::EventBus bus;
    common::Config cfg;
    auto requests = std::make_shared<bus::Mailbox>();
    bus.subscribe<contract::RequestFillsHistory>(requests);
    const QString settingsApp = test::uniqueSettingsApp(QStringLiteral("tst_FillsHistory-error"));
    ui::MainWindow window(test::uiContext(&bus, &cfg, settingsApp));
    ui::FillsDock* dock = window.fillsDock();
    std::vector<bus::Envelope> got;
    requests->drain(got);
    QCOMPARE(got.size(), std::size_t(1));  // one request, at start-up
    const auto* request = got.front().as<contract::RequestFillsHistory>();
    QVERIFY(request);
    QCOMPARE(request->limit, std::size_t(ui::FillsModel::kDefaultCapacity));  // as many as the blotter can hold
    QVERIFY(dock->isHistoryLoading());

    contract::FillsHistoryLoaded failed;
    failed.correlationId = request->correlationId;
    failed.limit = request->limit;
    failed.error = "cannot read fills history: database is locked";
    QSignalSpy merged(dock, &ui::FillsDock::historyMerged);
    bus.publish(failed);
    QVERIFY(merged.wait(5'000));
    QCOMPARE(merged.front().at(0).toInt(), 0);
    QVERIFY(!dock->isHistoryLoading());
    QCOMPARE(dock->historyError(), QString::fromStdString(failed.error));
    QTRY_VERIFY(dock->summaryLabel()->text().endsWith(QStringLiteral("earlier fills not loaded")));
    QCOMPARE(dock->summaryLabel()->toolTip(), QString::fromStdString(failed.error));
    QCOMPARE(dock->model()->rowCount(), 0);
    test::clearSettings(settingsApp);
  }

  void restartShowsJournaledFillsOnce() {
    test::KernelWindow fx(QStringLiteral("tst_FillsHistory"), {{QStringLiteral("market.feed"), QStringLiteral("none")}});

    // ---- Session 1: fills are journaled (order first: the journal's foreign key) --------------------------------
    {
      const QString started = fx.start();
      QVERIFY2(started.isEmpty(), qPrintable(started));
      QTRY_VERIFY(!fx.window()->fillsDock()->isHistoryLoading());
      QCOMPARE(fx.window()->fillsDock()->model()->rowCount(), 0);  // nothing journaled yet
      for (int i = 0; i < kJournaled; ++i) {
        const domain::Fill f = journaled(i);
        domain::Order o;
        o.clientOrderId = f.clientOrderId;
        o.symbol = f.symbol;
        o.side = f.side;
        o.quantity = f.quantity;
        o.status = domain::OrderStatus::Filled;
        o.filledQuantity = f.quantity;
        o.avgFillPrice = f.price;
        o.createdTs = o.updatedTs = f.ts;
        const bool ok = fx.kernel()
                            .storage()
                            .call([o, f](storage::IStorage& s) { return s.journalOrder(o).ok() && s.recordFill(f).valueOr(false); })
                            .get();
        QVERIFY(ok);
      }
      fx.stop();
    }

    // ---- Session 2 ("restart"): new Kernel and MainWindow on the same SQLite file ---------------------------------
    // Built like the app (window first, then the kernel), by hand so live fills can arrive before the kernel starts
    // answering the history request.
    common::Config cfg = fx.config();
    runtime::Kernel kernel(cfg);
    const QString settingsApp = test::uniqueSettingsApp(QStringLiteral("tst_FillsHistory-2"));
    auto window = std::make_unique<ui::MainWindow>(test::uiContext(&kernel.bus(), &kernel.config(), settingsApp));
    ui::FillsDock* dock = window->fillsDock();
    ui::FillsModel* model = dock->model();
    QVERIFY(dock->isHistoryLoading());
    window->resize(1400, 900);
    QVERIFY(test::showAndActivate(window.get()));
    QVERIFY(dock->summaryLabel()->text().contains(QStringLiteral("loading earlier fills")));

    // Live while loading: a fill the history also holds (H-105, from the middle of it) and a new one.
    const domain::Fill liveNew = makeFill("LIVE-1", kT0 + 100 * domain::kNanosPerMinute, domain::Side::Sell);
    publishFill(kernel.bus(), journaled(5));
    publishFill(kernel.bus(), liveNew);
    QTRY_COMPARE(model->rowCount(), 2);
    QVERIFY2(dock->isHistoryLoading(), "the history cannot be there before the kernel started");

    QSignalSpy merged(dock, &ui::FillsDock::historyMerged);
    QVERIFY(kernel.start().ok());
    QVERIFY(merged.wait(10'000));
    QCOMPARE(merged.front().at(0).toInt(), kJournaled - 1);  // rows added: every journaled fill but H-105
    QCOMPARE(merged.front().at(1).toInt(), kJournaled);      // fills in the answer
    QVERIFY(dock->historyError().isEmpty());
    QVERIFY2(kernel.history()->readerReads() > 0, "the fills history should be read on the service's own connection");

    QStringList expected{QStringLiteral("LIVE-1")};
    for (int i = kJournaled - 1; i >= 0; --i) expected << QString::fromStdString(journaled(i).fillId);
    QCOMPARE(viewIds(dock), expected);  // newest first, H-105 once
    QCOMPARE(model->rowCount(), kJournaled + 1);
    QCOMPARE(model->fillAt(kJournaled).price, journaled(0).price);  // the stored values, not just the ids
    QCOMPARE(model->fillAt(kJournaled).ts, journaled(0).ts);
    QTRY_VERIFY(dock->summaryLabel()->text().startsWith(QStringLiteral("%1 fills").arg(kJournaled + 1)));
    QVERIFY(!dock->summaryLabel()->text().contains(QStringLiteral("loading")));

    // Live after the history: a replay of a journaled fill (the newest and the oldest) stays one row; the new fill
    // published after them proves they were delivered to the blotter.
    publishFill(kernel.bus(), journaled(kJournaled - 1));
    publishFill(kernel.bus(), journaled(0));
    publishFill(kernel.bus(), makeFill("LIVE-2", kT0 + 101 * domain::kNanosPerMinute));
    QTRY_COMPARE(model->fillAt(0).fillId, std::string("LIVE-2"));
    QCOMPARE(model->rowCount(), kJournaled + 2);
    const QStringList ids = viewIds(dock);
    QCOMPARE(ids.size(), QSet<QString>(ids.begin(), ids.end()).size());  // no fill id twice
    QTRY_VERIFY(dock->summaryLabel()->text().startsWith(QStringLiteral("%1 fills").arg(kJournaled + 2)));

    dock->show();
    dock->raise();
    QTRY_VERIFY(dock->view()->isVisible());
    QVERIFY(!test::saveScreenshot(dock, QStringLiteral("FillsDock-after-restart")).isEmpty());
    QVERIFY(!test::saveScreenshot(window.get(), QStringLiteral("FillsHistory-MainWindow")).isEmpty());

    window.reset();
    kernel.stop();
    test::clearSettings(settingsApp);
  }
};

QTEST_MAIN(tst_FillsHistory)
#include "tst_FillsHistory.moc"
