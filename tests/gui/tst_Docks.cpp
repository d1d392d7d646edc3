// GUI test of the operations side of the main window: Jobs and Ops docks (empty state, fed by a real Scheduler and
// HealthMonitor over the bus, run-now from the dock), notification toasts, light/dark theme, workspaces, keyboard
// reachability of every menu action, and screenshots of each dock (light and dark) in $MERIDIAN_SCREENSHOT_DIR.
// Run: xvfb-run -a -s "-screen 0 1920x1080x24" ./tests/gui/tst_Docks
#include <QtTest>

#include <QMessageBox>
#include <QSettings>
#include <QTableWidget>

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTableView>

#include <cstdlib>
#include <random>

#include "core/bus/EventBus.h"
#include "core/contract/MarketData.h"
#include "core/contract/Orders.h"
#include "core/contract/Strategy.h"
#include "core/contract/System.h"
#include "core/common/Clock.h"
#include "core/common/Config.h"
#include "core/jobs/BuiltinJobs.h"
#include "core/jobs/HealthMonitor.h"
#include "core/jobs/Scheduler.h"
#include "core/time/NyseCalendar.h"
#include "core/time/TimeZones.h"
#include "ui/bridge/UiBridge.h"
#include "ui/docks/ChartDock.h"
#include "ui/docks/JobsDock.h"
#include "ui/mainwindow/SettingsDialog.h"
#include "core/contract/NotificationRules.h"
#include "ui/docks/OpsDock.h"
#include "ui/mainwindow/MainWindow.h"
#include "ui/models/Formatting.h"
#include "ui/models/HealthModel.h"
#include "ui/models/JobsModel.h"
#include "ui/widgets/CandleView.h"
#include "ui/widgets/ToastOverlay.h"
#include "tests/support/GuiFixture.h"

using namespace meridian;
using ui::MainWindow;

namespace {

constexpr int kDeliveryMs = 2000;

QString cell(const QAbstractItemModel* m, int row, int column) { return m->index(row, column).data().toString(); }

domain::Timestamp et(int y, int mo, int d, int h, int mi) { return time::TimeZones::fromExchange(QDate(y, mo, d), QTime(h, mi)); }

std::vector<domain::Bar> sessionBars(int days) {
  std::mt19937 rng(42);
  std::normal_distribution<double> ret(0.0, 0.0012);
  std::uniform_real_distribution<double> wick(0.0, 0.0012);
  std::vector<domain::Bar> out;
  double px = 187.0;
  QDate d(2026, 1, 5);
  const auto& cal = time::NyseCalendar::instance();
  for (int k = 0; k < days; d = cal.nextTradingDay(d)) {
    if (!cal.isTradingDay(d)) continue;
    ++k;
    const auto s = cal.session(d);
    for (domain::Timestamp t = s->open; t < s->close; t += domain::kNanosPerMinute) {
      domain::Bar b;
      b.ts = t;
      b.open = px;
      px *= 1.0 + ret(rng) + 0.00004 * std::sin(static_cast<double>(out.size()) / 300.0);
      b.close = px;
      b.high = std::max(b.open, b.close) * (1.0 + wick(rng));
      b.low = std::min(b.open, b.close) * (1.0 - wick(rng));
      b.volume = std::round(20'000 + 15'000 * std::abs(std::sin(static_cast<double>(out.size()) / 40.0)));
      out.push_back(b);
    }
  }
  return out;
}

}  // namespace

class tst_Docks : public QObject {
  Q_OBJECT

 private:
  ui::UiContext context() {
    ui::UiContext c = test::uiContext(&m_bus, &m_config, m_settingsApp);
    c.logs.reset();  // no Logs feed in this test
    return c;
  }

  void save(QWidget* w, const QString& name) { QVERIFY2(!test::saveScreenshot(w, name).isEmpty(), qPrintable(name)); }
  // Pixels of `img` inside `r` within a small distance of `colour` (anti-aliasing blends the edges).
  static int pixelsNear(const QImage& img, const QRect& r, const QColor& colour) {
    int n = 0;
    const QRect area = r.intersected(img.rect());
    for (int y = area.top(); y <= area.bottom(); ++y)
      for (int x = area.left(); x <= area.right(); ++x) {
        const QColor c = img.pixelColor(x, y);
        if (std::abs(c.red() - colour.red()) + std::abs(c.green() - colour.green()) + std::abs(c.blue() - colour.blue()) < 24) ++n;
      }
    return n;
  }

  QAction* action(const char* name) { return m_window->findChild<QAction*>(QLatin1String(name)); }

  bus::EventBus m_bus;
  common::Config m_config;
  std::unique_ptr<MainWindow> m_window;
  QString m_settingsApp;
  QTemporaryDir m_tmp;

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    time::TimeZones::setDisplayTimeZone("America/Chicago");
    m_settingsApp = test::uniqueSettingsApp(QStringLiteral("tst_Docks"));
    m_window = std::make_unique<MainWindow>(context());
    m_window->resize(1600, 1000);
    QVERIFY(test::showAndActivate(m_window.get()));
  }

  void cleanupTestCase() {
    m_window.reset();
    test::clearSettings(m_settingsApp);
  }

  void newDocksAreRegistered() {
    for (const char* name : {"JobsDock", "OpsDock"}) {
      QDockWidget* d = m_window->dock(QLatin1String(name));
      QVERIFY2(d, name);
      QCOMPARE(d->objectName(), QLatin1String(name));
      QVERIFY(m_window->allDocks().contains(d));
      QVERIFY(!m_window->docks().contains(d));  // docks() stays the six trading panels
    }
    QCOMPARE(m_window->allDocks().size(), 10);  // + FillsDock and AccountDock (tst_Blotters)
    // Tabbed with Logs, Logs in front.
    QVERIFY(m_window->dock(QStringLiteral("LogsDock"))->isVisible());
    QVERIFY(m_window->tabifiedDockWidgets(m_window->dock(QStringLiteral("LogsDock"))).contains(m_window->jobsDock()));
    // View > Go to Panel: Alt+7 shows Jobs and brings it to the front, Alt+8 Ops (the View toggles only show/hide).
    QCOMPARE(m_window->findChild<QAction*>(QStringLiteral("actionGoToJobsDock"))->shortcut(), QKeySequence(Qt::ALT | Qt::Key_7));
    QCOMPARE(m_window->findChild<QAction*>(QStringLiteral("actionGoToOpsDock"))->shortcut(), QKeySequence(Qt::ALT | Qt::Key_8));
    m_window->jobsDock()->toggleViewAction()->trigger();  // hide
    QVERIFY(!m_window->jobsDock()->isVisible());
    QTest::keyClick(m_window.get(), Qt::Key_7, Qt::AltModifier);  // show + raise + focus
    QTRY_VERIFY(m_window->jobsDock()->isVisible());
    // Jobs is the front tab now; Logs sits behind it (Qt parks non-current tabs outside the window).
    QTRY_VERIFY(!m_window->jobsDock()->visibleRegion().isEmpty());
    QVERIFY(m_window->rect().contains(m_window->jobsDock()->geometry()));
    QVERIFY(!m_window->rect().intersects(m_window->dock(QStringLiteral("LogsDock"))->geometry()));
    m_window->dock(QStringLiteral("LogsDock"))->raise();
  }

  void emptyStateSaysNoDataYet() {
    QCOMPARE(m_window->jobsDock()->model()->rowCount(), 0);
    QVERIFY(m_window->jobsDock()->statusLabel()->text().contains(QStringLiteral("No data yet")));
    QVERIFY(!m_window->jobsDock()->runNowButton()->isEnabled());
    QCOMPARE(m_window->opsDock()->healthModel()->rowCount(), 0);
    QVERIFY(m_window->opsDock()->summaryLabel()->text().contains(QStringLiteral("No data yet")));
    m_window->jobsDock()->raise();
    QTest::qWait(50);
    save(m_window->jobsDock(), QStringLiteral("JobsDock-empty"));
    m_window->dock(QStringLiteral("LogsDock"))->raise();
  }

  void schedulerFeedsJobsDockAndRunsNow() {
    common::SimulatedClock clock(et(2026, 1, 6, 11, 10));
    jobs::Scheduler::Options o;
    o.pollInterval = std::chrono::milliseconds(5);
    jobs::Scheduler scheduler(clock, &m_bus, o);
    std::atomic<int> cycles{0};
    common::Config config;
    config.set(QStringLiteral("db.sqlite_path"), m_tmp.filePath(QStringLiteral("none.sqlite")));  // backup fails: no file
    config.set(QStringLiteral("jobs.db_backup.dir"), m_tmp.filePath(QStringLiteral("backups")));
    config.set(QStringLiteral("jobs.db_backup.retries"), QStringLiteral("0"));
    jobs::builtin::Actions actions;
    actions.strategyCycle = [&](const std::atomic<bool>&) {
      ++cycles;
      return Status{};
    };
    for (auto& j : jobs::builtin::definitions(config, actions)) QVERIFY(scheduler.addJob(j).ok());
    scheduler.start();

    ui::JobsDock* dock = m_window->jobsDock();
    dock->raise();
    auto* model = dock->model();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 5, kDeliveryMs);
    const int eod = model->rowOf(QStringLiteral("eod_ingest"));
    const int cycle = model->rowOf(QStringLiteral("strategy_cycle"));
    const int backup = model->rowOf(QStringLiteral("db_backup"));
    QCOMPARE(cell(model, eod, ui::JobsModel::LastStatus), QStringLiteral("Not configured"));
    QCOMPARE(cell(model, eod, ui::JobsModel::NextRun), QStringLiteral("—"));
    QVERIFY(cell(model, eod, ui::JobsModel::Message).contains(QStringLiteral("not wired")));
    QCOMPARE(cell(model, cycle, ui::JobsModel::Schedule), QStringLiteral("Hourly while open (+2 min)"));
    QVERIFY2(cell(model, cycle, ui::JobsModel::NextRun).startsWith(QStringLiteral("Tue 01-06 10:32 CST")),
             qPrintable(cell(model, cycle, ui::JobsModel::NextRun)));  // 12:32 ET shown in the display zone
    QCOMPARE(cell(model, cycle, ui::JobsModel::LastStatus), QStringLiteral("Never run"));

    // A not-configured job cannot be run from the dock.
    dock->selectJob(QStringLiteral("eod_ingest"));
    QVERIFY(!dock->runNowButton()->isEnabled());
    // Run-now: button -> bridge -> RunJobNow on the bus -> scheduler -> snapshot -> dock.
    dock->selectJob(QStringLiteral("strategy_cycle"));
    QVERIFY(dock->runNowButton()->isEnabled());
    QTest::mouseClick(dock->runNowButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(cycles.load(), 1, kDeliveryMs);
    QTRY_COMPARE_WITH_TIMEOUT(cell(model, cycle, ui::JobsModel::LastStatus), QStringLiteral("Succeeded"), kDeliveryMs);
    QCOMPARE(dock->historyModel()->filterJob(), QStringLiteral("strategy_cycle"));
    QTRY_COMPARE_WITH_TIMEOUT(dock->historyModel()->rowCount(), 1, kDeliveryMs);
    // Keyboard: Ctrl+R in the dock runs the selected job too.
    dock->view()->setFocus();
    QTest::keyClick(dock->view(), Qt::Key_R, Qt::ControlModifier);
    QTRY_COMPARE_WITH_TIMEOUT(cycles.load(), 2, kDeliveryMs);

    // Catch-up policy per job and the time zone of every time column.
    QCOMPARE(cell(model, cycle, ui::JobsModel::CatchUp), QStringLiteral("none"));
    QCOMPARE(cell(model, backup, ui::JobsModel::CatchUp), QStringLiteral("once at start"));
    const QString zone = QString::fromLatin1(time::TimeZones::displayTimeZoneId());
    QCOMPARE(model->headerData(ui::JobsModel::NextRun, Qt::Horizontal).toString(), QStringLiteral("Next run (%1)").arg(zone));
    QCOMPARE(model->headerData(ui::JobsModel::LastRun, Qt::Horizontal).toString(), QStringLiteral("Last run (%1)").arg(zone));
    QCOMPARE(dock->historyModel()->headerData(ui::JobHistoryModel::Started, Qt::Horizontal).toString(),
             QStringLiteral("Started (%1)").arg(zone));

    // Run-now on a disabled job asks first: Cancel sends nothing, Yes runs it once.
    QVERIFY(scheduler.setEnabled("db_backup", false).ok());
    QTRY_COMPARE_WITH_TIMEOUT(cell(model, backup, ui::JobsModel::NextRun), QStringLiteral("disabled"), kDeliveryMs);
    dock->selectJob(QStringLiteral("db_backup"));
    QSignalSpy requested(dock, &ui::JobsDock::runNowRequested);
    QString asked;
    const auto answer = [&](QMessageBox::StandardButton button) {
      QTimer::singleShot(0, [&asked, button] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (!box) return;
        asked = box->text();
        box->button(button)->click();
      });
    };
    answer(QMessageBox::Cancel);
    dock->runSelectedNow();
    QVERIFY2(asked.contains(QStringLiteral("'db_backup' is disabled")), qPrintable(asked));
    QCOMPARE(requested.count(), 0);
    asked.clear();
    // The backup fails (no database file): shown as Failed with the reason.
    answer(QMessageBox::Yes);
    dock->runSelectedNow();
    QVERIFY(!asked.isEmpty());
    QCOMPARE(requested.count(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(cell(model, backup, ui::JobsModel::LastStatus), QStringLiteral("Failed"), kDeliveryMs);
    QVERIFY(cell(model, backup, ui::JobsModel::Message).contains(QStringLiteral("does not exist")));
    dock->selectJob(QStringLiteral("strategy_cycle"));
    QTRY_COMPARE_WITH_TIMEOUT(dock->historyModel()->rowCount(), 2, kDeliveryMs);
    QTest::qWait(100);
    save(dock, QStringLiteral("JobsDock"));
    scheduler.stop();
  }

  // A run a restart interrupted during its retry wait (persisted "retrying" at attempt 2) is resumed by the
  // catch-up job: the dock shows it retrying with its attempt count kept and the next attempt, 3 of 4, due after
  // the retry delay; the history lists the one run (its stored id), not a new one.
  void resumedRetryShownInJobsDock() {
    common::SimulatedClock clock(et(2026, 1, 7, 9, 0));
    jobs::Scheduler::Options o;
    o.pollInterval = std::chrono::milliseconds(5);
    jobs::Scheduler scheduler(clock, &m_bus, o);
    common::Config config;
    config.set(QStringLiteral("db.sqlite_path"), m_tmp.filePath(QStringLiteral("none.sqlite")));
    config.set(QStringLiteral("jobs.db_backup.dir"), m_tmp.filePath(QStringLiteral("backups")));
    config.set(QStringLiteral("jobs.db_backup.retries"), QStringLiteral("3"));
    for (auto& j : jobs::builtin::definitions(config, jobs::builtin::Actions{})) QVERIFY(scheduler.addJob(j).ok());
    scheduler.start();
    storage::JobRunRecord interrupted{77, "db_backup", et(2026, 1, 7, 3, 0), std::nullopt, "retrying", 2,
                                      "attempt 2 failed: disk full; retrying in 60 s"};
    scheduler.seedHistory({interrupted});

    ui::JobsDock* dock = m_window->jobsDock();
    dock->raise();
    auto* model = dock->model();
    QTRY_VERIFY_WITH_TIMEOUT(model->rowOf(QStringLiteral("db_backup")) >= 0, kDeliveryMs);
    const int backup = model->rowOf(QStringLiteral("db_backup"));
    QTRY_COMPARE_WITH_TIMEOUT(cell(model, backup, ui::JobsModel::LastStatus), QStringLiteral("Retrying"), kDeliveryMs);
    const QString message = cell(model, backup, ui::JobsModel::Message);
    QVERIFY2(message.startsWith(QStringLiteral("resumed after a restart (attempt 2 had failed")) &&
                 message.contains(QStringLiteral("attempt 3/4 in 60 s")),
             qPrintable(message));
    // The next run is the retry: 09:01 New York, in the display zone.
    QVERIFY2(cell(model, backup, ui::JobsModel::NextRun)
                 .startsWith(ui::format::displayTime(et(2026, 1, 7, 9, 1), "ddd MM-dd HH:mm t")),
             qPrintable(cell(model, backup, ui::JobsModel::NextRun)));
    dock->selectJob(QStringLiteral("db_backup"));
    QTRY_COMPARE_WITH_TIMEOUT(dock->historyModel()->rowCount(), 1, kDeliveryMs);
    QCOMPARE(cell(dock->historyModel(), 0, ui::JobHistoryModel::Attempt), QStringLiteral("2"));
    QCOMPARE(cell(dock->historyModel(), 0, ui::JobHistoryModel::Status), QStringLiteral("Retrying"));
    save(dock, QStringLiteral("JobsDock-resumed-retry"));
    scheduler.stop();
  }

  // "Next run … (in …)" counts down on the clock the model is given (the process's clock), not the wall clock.
  void jobsModelCountsDownOnTheInjectedClock() {
    auto clock = std::make_shared<common::SimulatedClock>(et(2026, 1, 6, 11, 10));
    ui::JobsModel model(clock);
    auto snapshot = std::make_shared<contract::JobsSnapshot>();
    contract::JobState job;
    job.name = "strategy_cycle";
    job.configured = true;
    job.nextRun = et(2026, 1, 6, 12, 32);
    snapshot->jobs.push_back(job);
    model.applySnapshot(snapshot);
    const QString when = ui::format::displayTime(job.nextRun, "ddd MM-dd HH:mm t");
    QCOMPARE(cell(&model, 0, ui::JobsModel::NextRun), when + QStringLiteral("  (in 1 h 22 min)"));
    clock->advance(81 * domain::kNanosPerMinute + 30 * domain::kNanosPerSecond);
    model.refreshTimes();
    QCOMPARE(cell(&model, 0, ui::JobsModel::NextRun), when + QStringLiteral("  (in 30 s)"));
    clock->advance(domain::kNanosPerMinute);  // past due: the time alone
    QCOMPARE(cell(&model, 0, ui::JobsModel::NextRun), when);
  }

  // File > Settings > Notifications: the rule table from the configuration, edited with the keyboard and saved.
  void settingsNotificationRules() {
    common::Config config;
    config.set(QStringLiteral("notify.on_fill"), QStringLiteral("in_app,email"), common::Config::Source::File);
    const QString ini = m_tmp.filePath(QStringLiteral("rules.ini"));
    ui::SettingsDialog dialog(config, nullptr, ini, &config);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QTableWidget* table = dialog.notificationRules();
    QCOMPARE(table->rowCount(), int(contract::NotificationRules::events().size()));
    const auto rowOf = [&](const QString& key) {
      for (int r = 0; r < table->rowCount(); ++r)
        if (table->item(r, 0)->data(Qt::UserRole).toString() == key) return r;
      return -1;
    };
    const int fill = rowOf(QStringLiteral("notify.on_fill"));
    const int kill = rowOf(QStringLiteral("notify.on_kill_switch_engaged"));
    QVERIFY(fill >= 0 && kill >= 0);
    QCOMPARE(table->item(fill, 0)->text(), QStringLiteral("Order filled"));
    QCOMPARE(table->item(fill, 1)->text(), QStringLiteral("success"));
    QCOMPARE(dialog.rulesShown().value(QStringLiteral("notify.on_fill")), QStringLiteral("in_app,email"));
    QCOMPARE(dialog.rulesShown().value(QStringLiteral("notify.on_kill_switch_engaged")), QStringLiteral("in_app,tray,email,webhook"));
    QCOMPARE(dialog.rulesShown().value(QStringLiteral("notify.on_partial_fill")), QStringLiteral("in_app"));
    // Keyboard: Space on the fill's Webhook cell ticks it.
    table->setFocus();
    table->setCurrentCell(fill, 5);
    QTest::keyClick(table, Qt::Key_Space);
    QCOMPARE(table->item(fill, 5)->checkState(), Qt::Checked);
    table->item(kill, 2)->setCheckState(Qt::Unchecked);  // no toast for the kill switch
    QVERIFY(dialog.saveRulesButton()->isEnabled());
    QTest::mouseClick(dialog.saveRulesButton(), Qt::LeftButton);
    QVERIFY2(dialog.rulesResult()->text().startsWith(QStringLiteral("Saved to")), qPrintable(dialog.rulesResult()->text()));
    QSettings saved(ini, QSettings::IniFormat);
    QCOMPARE(saved.value(QStringLiteral("notify/on_fill")).toString(), QStringLiteral("in_app,email,webhook"));
    QCOMPARE(saved.value(QStringLiteral("notify/on_kill_switch_engaged")).toString(), QStringLiteral("tray,email,webhook"));
    QCOMPARE(config.value(QStringLiteral("notify.on_fill")), QStringLiteral("in_app,email,webhook"));
    // What a fresh start reads from that file.
    const common::Config reloaded = common::Config::load(ini, QProcessEnvironment());
    QCOMPARE(int(contract::NotificationRules::fromConfig(reloaded).channels("fill")),
             int(contract::kNotifyInApp | contract::kNotifyEmail | contract::kNotifyWebhook));
    const QImage shot = dialog.grab().toImage();
    QVERIFY(!shot.isNull() && shot.width() > 400);
    save(&dialog, QStringLiteral("SettingsDialog-notifications"));
  }

  void healthMonitorFeedsOpsDock() {
    common::SimulatedClock clock(et(2026, 1, 6, 11, 10));
    jobs::HealthMonitor monitor(clock, m_bus);
    monitor.addProbe("Database (sqlite)", "db", jobs::HealthMonitor::makeProbe([] { return Status{}; }, "meridian.sqlite · schema v7"));
    monitor.addDisabled("Redis", "cache", "redis.url is not set");
    monitor.addProbe("Market data (alpaca)", "marketdata", [] {
      contract::ComponentHealth h;
      h.state = contract::HealthState::Degraded;
      h.detail = "HTTP 429 rate limited; backing off 30 s";
      h.latencyMs = 812;
      return h;
    });
    monitor.addProbe("Broker (paper)", "broker", jobs::HealthMonitor::makeProbe([] {
                       return Status{makeError("broker.down", "connection refused (127.0.0.1:8443)")};
                     }));
    for (const char* sym : {"QQQ", "IWM", "TLT"}) {
      contract::BarClosed b;
      b.symbol = sym;
      b.source = "alpaca";
      b.bar = domain::Bar{et(2026, 1, 6, 11, 9), 100.0, 100.5, 99.5, 100.2, 1000.0, 0.0, 0};
      m_bus.publish(b);
    }
    monitor.runOnce();
    clock.advance(4 * domain::kNanosPerMinute);
    contract::BarClosed fresh;
    fresh.symbol = "GLD";
    fresh.source = "alpaca";
    fresh.bar = domain::Bar{et(2026, 1, 6, 11, 13), 240.0, 240.5, 239.5, 240.2, 1000.0, 0.0, 0};
    m_bus.publish(fresh);
    // A full mailbox refuses a command at the sender; the Ops dock shows the lane and says so.
    auto execution = std::make_shared<bus::Mailbox>("execution", 1);
    m_bus.subscribe<contract::CancelOrder>(execution);
    QVERIFY(m_bus.send(contract::CancelOrder{"C-ops-1", "MRD-1"}).ok());
    QVERIFY(!m_bus.send(contract::CancelOrder{"C-ops-2", "MRD-1"}).ok());
    monitor.runOnce();

    ui::OpsDock* dock = m_window->opsDock();
    dock->raise();
    QTRY_COMPARE_WITH_TIMEOUT(dock->healthModel()->rowCount(), 4, kDeliveryMs);
    auto* h = dock->healthModel();
    QCOMPARE(cell(h, 0, ui::HealthModel::State), QStringLiteral("● OK"));
    QCOMPARE(cell(h, 1, ui::HealthModel::State), QStringLiteral("○ Not configured"));
    QCOMPARE(cell(h, 2, ui::HealthModel::State), QStringLiteral("● Degraded"));
    QCOMPARE(cell(h, 3, ui::HealthModel::State), QStringLiteral("● Down"));
    QCOMPARE(dock->freshnessModel()->rowCount(), 4);
    QCOMPARE(dock->freshnessModel()->staleCount(), 3);
    const QString summary = dock->summaryLabel()->text();
    QVERIFY2(summary.contains(QStringLiteral("1 down")) && summary.contains(QStringLiteral("1 degraded")) &&
                 summary.contains(QStringLiteral("3 stale")) && summary.contains(QStringLiteral("1 command(s) refused")),
             qPrintable(summary));
    QAbstractItemModel* lanes = dock->lanesView()->model();
    int executionRow = -1;
    for (int r = 0; r < lanes->rowCount(); ++r)
      if (cell(lanes, r, ui::LanesModel::Mailbox) == QStringLiteral("execution")) executionRow = r;
    QVERIFY(executionRow >= 0);
    QCOMPARE(cell(lanes, executionRow, ui::LanesModel::Queued), QStringLiteral("1"));
    QCOMPARE(cell(lanes, executionRow, ui::LanesModel::Refused), QStringLiteral("1"));
    QCOMPARE(lanes->data(lanes->index(executionRow, ui::LanesModel::Refused), Qt::ForegroundRole).value<QColor>(),
             ui::format::downColor());
    QTest::qWait(50);
    save(dock, QStringLiteral("OpsDock"));
  }

  void notificationsBecomeToasts() {
    contract::Notification n;
    n.severity = contract::Severity::Error;
    n.title = "Job eod_ingest failed";
    n.body = "failed after 4 attempts: provider returned HTTP 503";
    n.source = "jobs";
    n.paper = true;
    n.ts = QDateTime::currentMSecsSinceEpoch() * domain::kNanosPerMilli;
    m_bus.publish(n);
    contract::Notification ok = n;
    ok.severity = contract::Severity::Success;
    ok.title = "Backup written";
    ok.body = "meridian-20260106T080000Z.sqlite (12.4 MB)";
    m_bus.publish(ok);
    ui::ToastOverlay* toasts = m_window->toastOverlay();
    QTRY_COMPARE_WITH_TIMEOUT(toasts->toasts().size(), 2, kDeliveryMs);
    QCOMPARE(toasts->toasts().first()->title(), QStringLiteral("[PAPER] Job eod_ingest failed"));
    QVERIFY(toasts->isVisible());
    QVERIFY(m_window->rect().contains(toasts->geometry()));
    QVERIFY(QApplication::focusWidget() != toasts->toasts().first());  // never steals focus
    QTest::qWait(50);
    save(m_window.get(), QStringLiteral("MainWindow-toasts"));
    QTest::mouseClick(toasts->toasts().first(), Qt::LeftButton);
    QCOMPARE(toasts->toasts().size(), 1);
    toasts->clearAll();
    QVERIFY(!toasts->isVisible());
  }

  void chartScreenshots() {
    ui::ChartDock* chart = m_window->chartDock();
    chart->setSymbol(QStringLiteral("AAPL"));
    QVector<contract::BarClosed> feed;
    for (const auto& b : sessionBars(25)) feed.push_back(contract::BarClosed{"AAPL", "alpaca", b});
    chart->onBarsAppended(feed);
    chart->setTimeframe(ui::Timeframe::M5);
    chart->view()->setOverlayVisible(ui::CandleView::Overlay::Bollinger, true);
    chart->setRange(ui::CandleView::Range::D5);
    const domain::Bar& b = chart->view()->bars()[chart->view()->bars().size() - 700];
    chart->onFillsAppended({domain::Fill{"F-9", "O-9", "AAPL", domain::Side::Buy, 100, b.low, 0.35, b.ts, "momo"},
                            domain::Fill{"F-10", "O-10", "AAPL", domain::Side::Sell, 100, chart->view()->bars()[chart->view()->bars().size() - 300].high,
                                         0.35, chart->view()->bars()[chart->view()->bars().size() - 300].ts, "momo"}});
    QTest::qWait(50);
    save(chart, QStringLiteral("ChartDock-5m-5D"));
    // What the picture must show: five sessions of 5-minute candles (78 a day), both fills as markers, the
    // Bollinger overlay on, and up and down candles in their colours inside the price plot.
    ui::CandleView* view = chart->view();
    const QImage fiveDays = view->grab().toImage();
    QCOMPARE(view->lastPaintedColumns(), 5 * 78);
    QCOMPARE(int(view->paintedMarkers().size()), 2);
    QVERIFY(view->overlayVisible(ui::CandleView::Overlay::Bollinger));
    const QRect plot = view->pricePlotRect().toRect();
    QVERIFY2(pixelsNear(fiveDays, plot, ui::format::upColor()) > 50, "no up candles drawn");
    QVERIFY2(pixelsNear(fiveDays, plot, ui::format::downColor()) > 50, "no down candles drawn");
    chart->setTimeframe(ui::Timeframe::D1);
    chart->setRange(ui::CandleView::Range::All);
    QTest::qWait(50);
    save(chart, QStringLiteral("ChartDock-1D"));
    (void)view->grab();
    QCOMPARE(view->lastPaintedColumns(), 25);  // every session one daily candle
    chart->setTimeframe(ui::Timeframe::M5);
    chart->setRange(ui::CandleView::Range::D5);
  }

  void themeSwitchesAndPersists() {
    QVERIFY(m_window->theme() == ui::Theme::Light);
    QAction* dark = action("actionThemeDark");
    QVERIFY(dark && dark->isCheckable());
    dark->trigger();
    QVERIFY(m_window->theme() == ui::Theme::Dark);
    QVERIFY(dark->isChecked());
    QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 80);
    QCOMPARE(QSettings(QStringLiteral("MeridianTests"), m_settingsApp).value(QStringLiteral("ui/theme")).toString(),
             QStringLiteral("dark"));
    // The chart follows the palette.
    ui::CandleView* view = m_window->chartDock()->view();
    QImage img(view->size(), QImage::Format_ARGB32);
    view->render(&img);
    QVERIFY(QColor(img.pixel(3, view->height() / 2)).lightness() < 60);
    QTest::qWait(50);
    save(m_window.get(), QStringLiteral("MainWindow-dark"));
    m_window->jobsDock()->raise();
    QTest::qWait(30);
    save(m_window->jobsDock(), QStringLiteral("JobsDock-dark"));
    m_window->opsDock()->raise();
    QTest::qWait(30);
    save(m_window->opsDock(), QStringLiteral("OpsDock-dark"));
    save(m_window->chartDock(), QStringLiteral("ChartDock-dark"));
    m_window->dock(QStringLiteral("LogsDock"))->raise();

    // Help > About follows the theme too: a dark box with light text (it used to stay light).
    int aboutBackground = -1, aboutText = -1;
    QTimer::singleShot(0, this, [&] {
      QTRY_VERIFY(qobject_cast<QMessageBox*>(QApplication::activeModalWidget()));
      auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
      QTest::qWait(30);
      const QImage img = box->grab().toImage();
      aboutBackground = QColor(img.pixel(2, 2)).lightness();
      aboutText = box->palette().color(QPalette::WindowText).lightness();
      save(box, QStringLiteral("About-dark"));
      box->accept();
    });
    action("actionAbout")->trigger();
    QVERIFY2(aboutBackground >= 0 && aboutBackground < 80, qPrintable(QString::number(aboutBackground)));
    QVERIFY2(aboutText > 180, qPrintable(QString::number(aboutText)));

    // Ctrl+Shift+T toggles back.
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    QTest::keyClick(m_window.get(), Qt::Key_T, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(m_window->theme() == ui::Theme::Light);
    QVERIFY(QApplication::palette().color(QPalette::Window).lightness() > 180);
  }

  void workspacesKeepTheirLayouts() {
    QDockWidget* positions = m_window->dock(QStringLiteral("PositionsDock"));
    QVERIFY(m_window->workspaceNames().isEmpty());
    positions->hide();
    QVERIFY(m_window->saveWorkspace(QStringLiteral("  Focus  ")));
    QCOMPARE(m_window->currentWorkspace(), QStringLiteral("Focus"));
    positions->show();
    QVERIFY(m_window->saveWorkspace(QStringLiteral("Full")));
    QCOMPARE(m_window->workspaceNames(), (QStringList{"Focus", "Full"}));
    QVERIFY(!m_window->saveWorkspace(QStringLiteral("   ")));

    QAction* first = action("actionWorkspace_Focus");
    QVERIFY(first);
    QCOMPARE(first->shortcut(), QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_1));
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    QTest::keyClick(m_window.get(), Qt::Key_1, Qt::ControlModifier | Qt::AltModifier);
    QTRY_COMPARE(m_window->currentWorkspace(), QStringLiteral("Focus"));
    QVERIFY(!positions->isVisible());
    QVERIFY(m_window->switchWorkspace(QStringLiteral("Full")));
    QVERIFY(positions->isVisible());
    // Switching saved Focus's layout as it was (still without positions).
    QVERIFY(m_window->switchWorkspace(QStringLiteral("Focus")));
    QVERIFY(!positions->isVisible());
    QVERIFY(m_window->deleteWorkspace(QStringLiteral("Focus")));
    QCOMPARE(m_window->workspaceNames(), QStringList{"Full"});
    QVERIFY(m_window->currentWorkspace().isEmpty());
    QVERIFY(!m_window->switchWorkspace(QStringLiteral("Focus")));
    m_window->resetLayout();
  }

  void newActionsAreKeyboardReachable() {
    // The actions this part of the UI adds: View > Theme, View > Workspaces and the Jobs/Ops toggles. Each has a
    // shortcut, or a mnemonic inside a chain of mnemonics (Alt+V, then the underlined letters).
    QStringList unreachable;
    QMenu* view = nullptr;
    for (QAction* top : m_window->menuBar()->actions())
      if (top->text() == QStringLiteral("&View")) view = top->menu();
    QVERIFY(view);
    for (const char* name : {"menuTheme", "menuWorkspaces"}) {
      QMenu* sub = m_window->findChild<QMenu*>(QLatin1String(name));
      QVERIFY2(sub && view->actions().contains(sub->menuAction()), name);
      QVERIFY2(sub->title().contains(QLatin1Char('&')), name);
      for (QAction* a : sub->actions()) {
        if (a->isSeparator() || !a->isEnabled()) continue;  // the disabled "(no saved workspaces)" placeholder
        if (a->shortcut().isEmpty() && !a->text().contains(QLatin1Char('&'))) unreachable << a->text();
      }
    }
    for (QDockWidget* d : {static_cast<QDockWidget*>(m_window->jobsDock()), static_cast<QDockWidget*>(m_window->opsDock())}) {
      QVERIFY(view->actions().contains(d->toggleViewAction()));
      const auto* go = m_window->findChild<QAction*>(QStringLiteral("actionGoTo") + d->objectName());
      if (!go || go->shortcut().isEmpty()) unreachable << d->windowTitle();
    }
    QVERIFY2(unreachable.isEmpty(), qPrintable(unreachable.join(QStringLiteral(", "))));
    // Dock-local actions.
    QCOMPARE(m_window->findChild<QAction*>(QStringLiteral("actionRunJobNow"))->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_R));
    QCOMPARE(action("actionToggleTheme")->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
    QCOMPARE(action("actionSaveWorkspace")->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
  }

  void screenshotsOfEveryDock() {
    // Each dock, raised: visible at a usable size, a picture that is not blank, every visible table column wide
    // enough to read and with a header (test::pictureProblem).
    for (QDockWidget* d : m_window->allDocks()) {
      d->show();
      d->raise();
      QTest::qWait(20);
      const QString problem = test::pictureProblem(d);
      QVERIFY2(problem.isEmpty(), qPrintable(problem));
      save(d, QStringLiteral("dock-") + d->objectName());
    }
    const QString problem = test::pictureProblem(m_window.get(), {800, 500});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    save(m_window.get(), QStringLiteral("MainWindow-light"));
  }
};

QTEST_MAIN(tst_Docks)
#include "tst_Docks.moc"
