// GUI test of the market data front end: File > Import CSV… (Ctrl+I) submits a CSV import to a real
// IngestionService (SQLite file in a temp dir behind storage::StorageService, real EventBus); the result comes back
// through the UiBridge (IngestFinished, matched by correlation id) and the DataQualityDock shows the QualityChecked
// summary. A malformed file reports its line and stores nothing.
// Run: xvfb-run -a -s "-screen 0 1920x1080x24" ./tests/gui/tst_DataUi
// Screenshots go to $MERIDIAN_SCREENSHOT_DIR (default <temp>/meridian-screenshots).
#include <QtTest>

#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>

#include <limits>
#include <memory>

#include "core/bus/EventBus.h"
#include "core/common/Clock.h"
#include "core/common/Config.h"
#include "core/marketdata/IngestionService.h"
#include "core/storage/StorageService.h"
#include "ui/bridge/UiBridge.h"
#include "ui/dialogs/ImportCsvDialog.h"
#include "ui/docks/DataQualityDock.h"
#include "ui/mainwindow/MainWindow.h"
#include "ui/models/DataQualityModel.h"

using namespace meridian;
using meridian::ui::MainWindow;

namespace {

constexpr int kImportTimeoutMs = 60'000;

// Data rows of a CSV file: non-blank lines after the header.
int countDataLines(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return -1;
  int lines = 0;
  bool header = true;
  while (!f.atEnd()) {
    const QByteArray line = f.readLine().trimmed();
    if (line.isEmpty()) continue;
    if (header) {
      header = false;
      continue;
    }
    ++lines;
  }
  return lines;
}

}  // namespace

class tst_DataUi : public QObject {
  Q_OBJECT

  QTemporaryDir m_dir;
  bus::EventBus m_bus;
  common::Config m_config;
  common::RealClock m_clock;
  std::unique_ptr<storage::StorageService> m_storage;
  std::unique_ptr<marketdata::IngestionService> m_ingestion;
  std::unique_ptr<MainWindow> m_window;
  QString m_settingsApp;
  QDir m_shotDir;

  std::size_t storedBars(const std::string& symbol, const std::string& source = "csv") {
    return m_storage
        ->call([&](storage::IStorage& s) {
          auto r = s.loadBars(symbol, source, std::numeric_limits<domain::Timestamp>::min(),
                              std::numeric_limits<domain::Timestamp>::max());
          return r.ok() ? r->size() : std::size_t(0);
        })
        .get();
  }

  ui::ImportCsvDialog* openDialogWithShortcut() {
    m_window->activateWindow();
    if (!QTest::qWaitForWindowActive(m_window.get())) return nullptr;
    QTest::keyClick(m_window.get(), Qt::Key_I, Qt::ControlModifier);
    ui::ImportCsvDialog* dlg = m_window->importCsvDialog();
    if (!dlg || !QTest::qWaitForWindowExposed(dlg)) return nullptr;
    return dlg;
  }

  void fill(ui::ImportCsvDialog* dlg, const QString& path, const QString& symbol) {
    dlg->pathEdit()->clear();
    dlg->pathEdit()->setFocus();
    QTest::keyClicks(dlg->pathEdit(), path);
    dlg->symbolEdit()->setFocus();
    dlg->symbolEdit()->selectAll();
    QTest::keyClicks(dlg->symbolEdit(), symbol);
  }

  void save(QWidget* w, const QString& name) {
    const QString path = m_shotDir.filePath(name + QStringLiteral(".png"));
    QFile::remove(path);
    const QPixmap pm = w->grab();
    QVERIFY2(!pm.isNull(), qPrintable(name));
    QVERIFY2(pm.save(path, "PNG"), qPrintable(path));
    QVERIFY(QImage(path).size() == pm.size());
    qInfo("screenshot: %s (%dx%d)", qPrintable(path), pm.width(), pm.height());
  }

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    m_settingsApp = QStringLiteral("tst_DataUi-%1-%2")
                        .arg(QCoreApplication::applicationPid())
                        .arg(QDateTime::currentMSecsSinceEpoch());
    QSettings(QStringLiteral("MeridianTests"), m_settingsApp).clear();
    const QByteArray env = qgetenv("MERIDIAN_SCREENSHOT_DIR");
    m_shotDir = QDir(env.isEmpty() ? QDir::temp().filePath(QStringLiteral("meridian-screenshots"))
                                   : QString::fromLocal8Bit(env));
    QVERIFY(m_shotDir.mkpath(QStringLiteral(".")));

    storage::StorageConfig c;
    c.backend = "sqlite";
    c.sqlitePath = m_dir.filePath(QStringLiteral("dataui.sqlite")).toStdString();
    m_storage = std::make_unique<storage::StorageService>(c);
    const Status started = m_storage->start();
    QVERIFY2(started.ok(), started.ok() ? "" : started.error().message.c_str());
    storage::StorageRunner runner = [this](const storage::StorageTask& task) {
      m_storage->call([&task](storage::IStorage& s) { task(s); }).get();
    };
    m_ingestion = std::make_unique<marketdata::IngestionService>(runner, m_clock, &m_bus);

    ui::UiContext context;
    context.bus = &m_bus;
    context.config = &m_config;
    context.settingsOrganization = QStringLiteral("MeridianTests");
    context.settingsApplication = m_settingsApp;
    m_window = std::make_unique<MainWindow>(context);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
  }

  void cleanupTestCase() {
    m_window.reset();
    if (m_ingestion) m_ingestion->stop();
    m_ingestion.reset();
    if (m_storage) m_storage->stop();
    m_storage.reset();
    QSettings(QStringLiteral("MeridianTests"), m_settingsApp).clear();
  }

  void actionsAndDockExist() {
    QAction* import = m_window->importCsvAction();
    QVERIFY(import && import->isEnabled());
    QCOMPARE(import->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_I));
    ui::DataQualityDock* dock = m_window->dataQualityDock();
    QVERIFY(dock);
    QCOMPARE(dock->objectName(), QStringLiteral("DataQualityDock"));
    QVERIFY(!dock->isVisible());
    QCOMPARE(m_window->findChild<QDockWidget*>(QStringLiteral("DataQualityDock")), dock);
    QCOMPARE(ui::ImportCsvDialog::symbolForFile(QStringLiteral("/x/orcl-1995-2014.csv")), QStringLiteral("ORCL"));
    QCOMPARE(ui::ImportCsvDialog::symbolForFile(QStringLiteral("aapl.csv")), QStringLiteral("AAPL"));
  }

  void withoutIngestionTheActionIsDisabled() {
    ui::UiContext context;
    context.bus = &m_bus;
    context.config = &m_config;
    context.settingsOrganization = QStringLiteral("MeridianTests");
    context.settingsApplication = m_settingsApp + QStringLiteral("-noingest");
    context.canImport = false;
    MainWindow w(context);
    QVERIFY(!w.importCsvAction()->isEnabled());
    QCOMPARE(w.importCsvAction()->toolTip(), QStringLiteral("no ingestion service"));
    QSettings(QStringLiteral("MeridianTests"), context.settingsApplication).clear();
  }

  void importOrclThroughTheDialog() {
    const QString path = QStringLiteral(MERIDIAN_SHARED_DATA "/orcl-1995-2014.csv");
    QVERIFY2(QFileInfo::exists(path), qPrintable(path));
    const int dataLines = countDataLines(path);
    QVERIFY(dataLines > 4000);

    ui::ImportCsvDialog* dlg = openDialogWithShortcut();
    QVERIFY(dlg);
    QVERIFY(dlg->isVisible());
    QCOMPARE(dlg->sourceEdit()->text(), QStringLiteral("csv"));
    dlg->pathEdit()->setFocus();
    QTest::keyClicks(dlg->pathEdit(), path);
    QCOMPARE(dlg->symbolEdit()->text(), QStringLiteral("ORCL"));  // from the file name
    fill(dlg, path, QStringLiteral("ORCL"));
    QCOMPARE(dlg->formatCombo()->currentIndex(), 0);  // Yahoo
    QTest::keyClick(dlg->symbolEdit(), Qt::Key_Return);
    QVERIFY(!dlg->pendingCorrelationId().isEmpty());

    const QString expected = QStringLiteral("%1 inserted").arg(dataLines);
    QTRY_VERIFY_WITH_TIMEOUT(!dlg->busy(), kImportTimeoutMs);
    QVERIFY2(dlg->resultLabel()->text().contains(expected), qPrintable(dlg->resultLabel()->text()));
    QVERIFY2(dlg->resultLabel()->text().contains(QStringLiteral("Imported ORCL (csv)")),
             qPrintable(dlg->resultLabel()->text()));
    QVERIFY2(dlg->qualityLabel()->text().startsWith(QStringLiteral("Quality: ORCL")),
             qPrintable(dlg->qualityLabel()->text()));
    QCOMPARE(storedBars("ORCL"), std::size_t(dataLines));

    // The quality report reached the dock (coalesced through the bridge).
    ui::DataQualityDock* dock = m_window->dataQualityDock();
    QTRY_VERIFY_WITH_TIMEOUT(!dock->model()->summaries(QStringLiteral("ORCL")).isEmpty(), 2000);
    const QString summary = dock->model()->summaries(QStringLiteral("ORCL")).first();
    QVERIFY2(summary.startsWith(QStringLiteral("ORCL csv")), qPrintable(summary));
    auto report = dock->model()->report(QStringLiteral("ORCL"));
    QVERIFY(report);
    QCOMPARE(report->barsChecked, std::size_t(dataLines));
    QCOMPARE(dock->summaryList()->count(), 1);
    QCOMPARE(dock->summaryList()->item(0)->text(), summary);
    QCOMPARE(dock->model()->rowCount(), int(report->issues.size()));
    save(dlg, QStringLiteral("ImportCsvDialog"));

    // "Show Quality" opens the dock filtered on the symbol.
    QVERIFY(dlg->findChild<QPushButton*>(QStringLiteral("showQualityButton"))->isEnabled());
    QTest::mouseClick(dlg->findChild<QPushButton*>(QStringLiteral("showQualityButton")), Qt::LeftButton);
    QTRY_VERIFY(dock->isVisible());
    QCOMPARE(dock->symbolFilter()->text(), QStringLiteral("ORCL"));
    QVERIFY(dock->toggleViewAction()->isChecked());
    QCOMPARE(dock->proxy()->rowCount(), dock->model()->rowCount());
    dock->setSymbolFilter(QStringLiteral("NOPE"));
    QCOMPARE(dock->proxy()->rowCount(), 0);
    QCOMPARE(dock->summaryList()->count(), 0);
    dock->setSymbolFilter(QStringLiteral("orcl"));
    QCOMPARE(dock->summaryList()->count(), 1);
    dlg->close();
    dock->setFloating(true);
    dock->resize(1100, 420);
    QTest::qWait(100);
    save(dock, QStringLiteral("DataQualityDock"));
    dock->setFloating(false);

    // Re-import: nothing new.
    dlg = openDialogWithShortcut();
    QVERIFY(dlg);
    QTest::keyClick(dlg->symbolEdit(), Qt::Key_Return);
    QVERIFY(dlg->busy());
    QTRY_VERIFY_WITH_TIMEOUT(!dlg->busy(), kImportTimeoutMs);
    QVERIFY2(dlg->resultLabel()->text().contains(QStringLiteral("0 inserted, 0 updated, %1 unchanged").arg(dataLines)),
             qPrintable(dlg->resultLabel()->text()));
    QCOMPARE(storedBars("ORCL"), std::size_t(dataLines));
  }

  void malformedCsvShowsTheLineAndStoresNothing() {
    const QString path = m_dir.filePath(QStringLiteral("badx-2020.csv"));
    {
      QFile f(path);
      QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
      f.write("Date,Open,High,Low,Close,Adj Close,Volume\n"
              "2020-01-02,10.0,10.5,9.8,10.2,10.2,1000\n"
              "2020-01-03,10.2,10.6,10.0,10.4,10.4,1100\n"
              "2020-01-06,10.4,abc,10.1,10.3,10.3,1200\n"
              "2020-01-07,10.3,10.7,10.2,10.6,10.6,1300\n");
    }
    ui::ImportCsvDialog* dlg = openDialogWithShortcut();
    QVERIFY(dlg);
    fill(dlg, path, QStringLiteral("BADX"));
    QTest::keyClick(dlg->symbolEdit(), Qt::Key_Enter);
    QVERIFY(dlg->busy());
    QTRY_VERIFY_WITH_TIMEOUT(!dlg->busy(), kImportTimeoutMs);
    QVERIFY2(dlg->resultLabel()->text().contains(QStringLiteral("failed")), qPrintable(dlg->resultLabel()->text()));
    const QString text = dlg->resultLabel()->text();
    QVERIFY2(text.contains(QStringLiteral("badx-2020.csv:4")), qPrintable(text));
    QVERIFY(dlg->qualityLabel()->text().isEmpty());
    QCOMPARE(storedBars("BADX"), std::size_t(0));
    QVERIFY(!m_window->dataQualityDock()->model()->report(QStringLiteral("BADX")));
    save(dlg, QStringLiteral("ImportCsvDialog-error"));
    dlg->close();
  }
};

QTEST_MAIN(tst_DataUi)
#include "tst_DataUi.moc"
