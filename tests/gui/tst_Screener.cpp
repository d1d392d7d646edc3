// Screener dock in a real window (xcb under Xvfb): the four real daily series and some fundamentals in a temporary
// SQLite store behind storage::StorageService, a real ScreenerService on the bus, and the dock driven by keyboard:
// type filters, Enter runs, results appear, header click sorts, presets save / load (keyboard) / delete, CSV export
// read back, double-click and Enter emit symbolActivated, bad input is refused. Screenshot via QWidget::grab into
// $MERIDIAN_SCREENSHOT_DIR (default <temp>/meridian-screenshots).
#include "core/backtest/BarSeriesLoader.h"
#include "core/storage/StorageService.h"
#include "core/research/ScreenerService.h"
#include "ui/bridge/UiBridge.h"
#include "ui/docks/ScreenerDock.h"
#include "ui/models/CsvExport.h"
#include "ui/models/ScreenerModel.h"

#include <QAction>
#include <QComboBox>

#include <algorithm>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMainWindow>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextStream>
#include <QtTest>

#include "tests/support/GuiFixture.h"
#include "tests/support/ScreenerLinearFixture.h"

using namespace meridian;

class tst_Screener : public QObject {
  Q_OBJECT

  QTemporaryDir m_dir;
  QDir m_shotDir;
  QString m_settingsApp;
  bus::EventBus m_bus;
  std::unique_ptr<storage::StorageService> m_storage;
  std::unique_ptr<research::ScreenerService> m_service;
  common::Config m_config;
  std::unique_ptr<QMainWindow> m_window;
  ui::UiBridge* m_bridge = nullptr;
  ui::ScreenerDock* m_dock = nullptr;

  template <class T>
  T* child(const char* name) {
    return m_dock->findChild<T*>(QString::fromLatin1(name));
  }
  QWidget* focused() { return QApplication::focusWidget(); }

  // Runs the screen with Enter in the focused form field and waits for the rows.
  bool enterAndWait() {
    QSignalSpy shown(m_dock, &ui::ScreenerDock::resultShown);
    QTest::keyClick(focused(), Qt::Key_Return);
    return shown.wait(20000) || shown.count() > 0;
  }
  QStringList symbolsShown() {
    QStringList s;
    for (int r = 0; r < m_dock->model()->rowCount(); ++r) s << m_dock->model()->symbolAt(r);
    return s;
  }

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    m_settingsApp = QStringLiteral("tst_Screener-%1-%2").arg(QCoreApplication::applicationPid()).arg(QDateTime::currentMSecsSinceEpoch());
    QSettings(QStringLiteral("MeridianTests"), m_settingsApp).clear();
    const QByteArray env = qgetenv("MERIDIAN_SCREENSHOT_DIR");
    m_shotDir = QDir(env.isEmpty() ? QDir::temp().filePath(QStringLiteral("meridian-screenshots")) : QString::fromLocal8Bit(env));
    QVERIFY(m_shotDir.mkpath(QStringLiteral(".")));

    storage::StorageConfig cfg;
    cfg.sqlitePath = m_dir.filePath(QStringLiteral("screener.sqlite")).toStdString();
    m_storage = std::make_unique<storage::StorageService>(cfg);
    QVERIFY(m_storage->start().ok());
    const Status st = m_storage->call([](storage::IStorage& s) -> Status {
      for (const auto& [sym, file] : std::vector<std::pair<std::string, std::string>>{
               {"NVDA", "nvda-1999-2014.csv"}, {"ORCL", "orcl-1995-2014.csv"}, {"YHOO", "yhoo-1996-2014.csv"},
               {"IDX", "2006-day-001.csv"}}) {
        auto series = backtest::loadYahooCsv(std::string(MERIDIAN_SHARED_DATA "/") + file, sym);
        if (!series) return series.error();
        if (auto r = s.upsertBars(sym, "yahoo", series->bars); !r) return r.error();
      }
      for (const auto& [sym, cap] : {std::pair{"NVDA", 8e9}, std::pair{"ORCL", 2e11}}) {
        storage::CompanyInfo ci;
        ci.symbol = sym;
        ci.sector = "Technology";
        if (Status x = s.upsertCompanyInfo(ci); !x) return x;
        storage::KeyStatistics ks;
        ks.symbol = sym;
        ks.asOfTs = 1;
        ks.marketCap = cap;
        if (Status x = s.upsertKeyStatistics(ks); !x) return x;
      }
      return {};
    }).get();
    QVERIFY2(st.ok(), st.ok() ? "" : st.error().message.c_str());
    auto svc = research::startScreenerService(m_bus, [this](const storage::StorageTask& task) {
      m_storage->call([&task](storage::IStorage& s) { task(s); }).get();
    });
    QVERIFY(svc.ok());
    m_service = std::move(svc).value();

    m_window = std::make_unique<QMainWindow>();
    m_window->setObjectName(QStringLiteral("ScreenerTestWindow"));
    m_window->resize(1400, 800);
    m_window->setCentralWidget(new QWidget);
    ui::UiContext ctx;
    ctx.bus = &m_bus;
    ctx.config = &m_config;
    m_bridge = new ui::UiBridge(ctx, m_window.get());
    m_dock = new ui::ScreenerDock(m_bridge, QStringLiteral("MeridianTests"), m_settingsApp, m_window.get());
    m_window->addDockWidget(Qt::TopDockWidgetArea, m_dock);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
  }

  void cleanupTestCase() {
    m_window.reset();
    m_service.reset();
    if (m_storage) m_storage->stop();
    QSettings(QStringLiteral("MeridianTests"), m_settingsApp).clear();
  }

  void keyboardFiltersAndRun() {
    auto* sectors = child<QLineEdit>("screenerSectors");
    QVERIFY(sectors);
    sectors->setFocus();
    QTRY_COMPARE(focused(), static_cast<QWidget*>(sectors));
    // Tab order follows the form: sectors, price min, price max, min volume, min avg volume, min market cap.
    const char* order[] = {"screenerPriceMin", "screenerPriceMax", "screenerMinVolume", "screenerMinAvgVolume",
                           "screenerMinMarketCap"};
    for (const char* name : order) {
      QTest::keyClick(focused(), Qt::Key_Tab);
      QTRY_COMPARE(focused()->objectName(), QString::fromLatin1(name));
    }
    QTest::keyClicks(focused(), QStringLiteral("10B"));
    QVERIFY(enterAndWait());
    QCOMPARE(symbolsShown(), QStringList{QStringLiteral("ORCL")});
    // NVDA has a smaller cap; YHOO and IDX have none stored: excluded and said so.
    QVERIFY2(m_dock->statusLabel()->text().contains(QStringLiteral("2 excluded")), qPrintable(m_dock->statusLabel()->text()));
    QVERIFY(m_dock->statusLabel()->toolTip().contains(QStringLiteral("YHOO: no market cap stored")));

    // A sector plus an RSI range, typed: Shift+Tab back to sectors.
    for (int i = 0; i < 5; ++i) QTest::keyClick(focused(), Qt::Key_Backtab);
    QTRY_COMPARE(focused()->objectName(), QStringLiteral("screenerSectors"));
    QTest::keyClicks(focused(), QStringLiteral("technology"));
    QVERIFY(enterAndWait());
    QCOMPARE(symbolsShown(), QStringList{QStringLiteral("ORCL")});
  }

  void badInputIsRefused() {
    auto* rsiMin = child<QLineEdit>("screenerRsiMin");
    rsiMin->setFocus();
    QTest::keyClicks(rsiMin, QStringLiteral("abc"));
    const QString before = m_dock->lastCorrelationId();
    QTest::keyClick(rsiMin, Qt::Key_Return);
    QCOMPARE(m_dock->lastCorrelationId(), before);  // nothing sent
    QVERIFY2(m_dock->statusLabel()->text().contains(QStringLiteral("RSI min: 'abc' is not a number")),
             qPrintable(m_dock->statusLabel()->text()));
    rsiMin->clear();
    QTest::keyClicks(child<QLineEdit>("screenerRsiMax"), QStringLiteral("20"));
    QTest::keyClicks(rsiMin, QStringLiteral("70"));
    QVERIFY(!m_dock->run());
    QVERIFY(m_dock->statusLabel()->text().contains(QStringLiteral("min 70 is greater than max 20")));
    rsiMin->clear();
    child<QLineEdit>("screenerRsiMax")->clear();
  }

  void runAllAndSort() {
    m_dock->resetForm();
    child<QLineEdit>("screenerPriceMin")->setFocus();
    QVERIFY(enterAndWait());
    QCOMPARE(m_dock->model()->rowCount(), 4);
    QCOMPARE(symbolsShown(), (QStringList{"IDX", "NVDA", "ORCL", "YHOO"}));

    // Click the RSI header: ascending; again: descending. Compare with the numbers in the rows.
    QHeaderView* header = m_dock->view()->horizontalHeader();
    const int col = int(screener::Column::Rsi);
    auto clickHeader = [&] {
      const QPoint p(header->sectionViewportPosition(col) + header->sectionSize(col) / 2, header->height() / 2);
      QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, p);
    };
    auto rsiAt = [&](int r) { return *m_dock->model()->rowAt(r).rsi; };
    clickHeader();
    QVERIFY(m_dock->model()->sortColumn() == screener::Column::Rsi);
    for (int r = 0; r + 1 < 4; ++r) QVERIFY(rsiAt(r) <= rsiAt(r + 1));
    const QString lowest = m_dock->model()->symbolAt(0);
    clickHeader();
    QVERIFY(m_dock->model()->sortDescending());
    for (int r = 0; r + 1 < 4; ++r) QVERIFY(rsiAt(r) >= rsiAt(r + 1));
    QCOMPARE(m_dock->model()->symbolAt(3), lowest);
    // The sort is part of the criteria (saved with presets).
    auto c = m_dock->criteria();
    QVERIFY(c.ok() && c->sortBy == screener::Column::Rsi && c->descending);
  }

  void activateSymbol() {
    QSignalSpy spy(m_dock, &ui::ScreenerDock::symbolActivated);
    QTableView* view = m_dock->view();
    const QRect cell = view->visualRect(m_dock->model()->index(1, 0));
    // A real double-click is press, release, press (double-click event), release: the view acts only when the
    // double-click lands on the row the preceding press selected.
    QTest::mousePress(view->viewport(), Qt::LeftButton, {}, cell.center());
    QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, cell.center());
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, cell.center());
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toString(), m_dock->model()->symbolAt(1));
    view->setFocus();
    view->setCurrentIndex(m_dock->model()->index(2, 0));
    QTest::keyClick(view, Qt::Key_Return);
    QCOMPARE(spy.count(), 2);
    QCOMPARE(spy.at(1).at(0).toString(), m_dock->model()->symbolAt(2));
  }

  void exportCsvAndReadBack() {
    const QString path = m_dir.filePath(QStringLiteral("screen.csv"));
    QString error;
    QVERIFY2(m_dock->exportCsv(path, &error), qPrintable(error));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly | QIODevice::Text));
    QTextStream in(&f);
    const QStringList header = ui::csv::splitRow(in.readLine());
    QCOMPARE(header.size(), screener::kColumnCount);
    // Named for what the columns hold (the keys of `meridian-cli screen --csv`), hidden columns included.
    QCOMPARE(header.first(), QStringLiteral("symbol"));
    QCOMPARE(header[int(screener::Column::Rsi)], QStringLiteral("rsi"));
    QCOMPARE(header[int(screener::Column::Sma50)], QStringLiteral("sma50"));
    QVERIFY(!m_dock->isColumnShown(screener::Column::Sma50));
    int rows = 0;
    while (!in.atEnd()) {
      const QStringList fields = ui::csv::splitRow(in.readLine());
      const auto& m = m_dock->model()->rowAt(rows);  // in the order shown
      QCOMPARE(fields.size(), screener::kColumnCount);
      QCOMPARE(fields[0], QString::fromStdString(m.symbol));
      QCOMPARE(fields[int(screener::Column::Rsi)].toDouble(), *m.rsi);  // full precision, not the 2 decimals shown
      QCOMPARE(fields[int(screener::Column::Price)].toDouble(), m.last);
      QCOMPARE(fields[int(screener::Column::LastDate)], QString::fromStdString(screener::cellText(m, screener::Column::LastDate)));
      ++rows;
    }
    QCOMPARE(rows, m_dock->model()->rowCount());
  }

  void presetsSaveLoadDelete() {
    // Built-ins are listed first and cannot be deleted.
    const QStringList names = m_dock->presetNames();
    QVERIFY(names.contains(QStringLiteral("Oversold large caps")));
    QVERIFY(names.contains(QStringLiteral("Golden cross")));
    QVERIFY(names.contains(QStringLiteral("Momentum")));
    QVERIFY(!m_dock->deletePreset(QStringLiteral("Momentum")));

    m_dock->resetForm();
    QTest::keyClicks(child<QLineEdit>("screenerMinMarketCap"), QStringLiteral("10B"));
    QTest::keyClicks(child<QLineEdit>("screenerChange30dMin"), QStringLiteral("-50"));
    child<QComboBox>("screenerMacd")->setCurrentIndex(1);
    QString error;
    QVERIFY2(m_dock->savePreset(QStringLiteral("My large caps"), &error), qPrintable(error));
    QVERIFY(!m_dock->savePreset(QStringLiteral("Golden cross")));  // a built-in's name
    {
      QSettings settings(QStringLiteral("MeridianTests"), m_settingsApp);
      const QString json = settings.value(QStringLiteral("screener/presets/My large caps")).toString();
      auto c = screener::criteriaFromJson(json.toStdString());
      QVERIFY2(c.ok(), json.toUtf8().constData());
      QCOMPARE(c->minMarketCap, std::optional<double>(1e10));
      QCOMPARE(c->change30d.min, std::optional<double>(-50.0));
      QVERIFY(c->macd == screener::MacdFilter::Bullish);
    }
    m_dock->resetForm();
    QVERIFY(child<QLineEdit>("screenerMinMarketCap")->text().isEmpty());

    // Load it by keyboard: the combo is the first field; Down moves to the next preset and loads it.
    QComboBox* combo = m_dock->presetCombo();
    const int target = combo->findData(QStringLiteral("My large caps"));
    QVERIFY(target > 0);
    combo->setCurrentIndex(target - 1);
    combo->setFocus();
    QTest::keyClick(combo, Qt::Key_Down);
    QCOMPARE(combo->currentIndex(), target);
    QCOMPARE(child<QLineEdit>("screenerMinMarketCap")->text(), QStringLiteral("10B"));
    QCOMPARE(child<QLineEdit>("screenerChange30dMin")->text(), QStringLiteral("-50"));
    QCOMPARE(child<QComboBox>("screenerMacd")->currentIndex(), 1);

    // A built-in one: the form and the sort follow it; run it.
    QVERIFY(m_dock->loadPreset(QStringLiteral("Oversold large caps")));
    QCOMPARE(child<QLineEdit>("screenerRsiMax")->text(), QStringLiteral("30"));
    QVERIFY(m_dock->model()->sortColumn() == screener::Column::Rsi);
    child<QLineEdit>("screenerRsiMax")->setFocus();
    QVERIFY(enterAndWait());
    for (int r = 0; r < m_dock->model()->rowCount(); ++r) QVERIFY(*m_dock->model()->rowAt(r).rsi <= 30.0);

    QVERIFY(m_dock->deletePreset(QStringLiteral("My large caps")));
    QVERIFY(!m_dock->presetNames().contains(QStringLiteral("My large caps")));
    QCOMPARE(combo->findData(QStringLiteral("My large caps")), -1);
    QVERIFY(!m_dock->loadPreset(QStringLiteral("My large caps")));
  }

  // The query language typed in the dock's Query field: the rows are those the query passes, and a bad query is
  // refused with the offending token named before anything is sent.
  void queryTypedInTheDock() {
    m_dock->resetForm();
    child<QLineEdit>("screenerPriceMin")->setFocus();
    QVERIFY(enterAndWait());
    QCOMPARE(m_dock->model()->rowCount(), 4);
    std::vector<std::pair<double, QString>> byRsi;
    for (int r = 0; r < 4; ++r) byRsi.emplace_back(*m_dock->model()->rowAt(r).rsi, m_dock->model()->symbolAt(r));
    std::sort(byRsi.begin(), byRsi.end());
    const double cut = (byRsi[1].first + byRsi[2].first) / 2;  // two below, two above
    QLineEdit* query = m_dock->queryEdit();
    QVERIFY(query);
    query->setFocus();
    QTest::keyClicks(query, QStringLiteral("rsi14 < %1 and bars > 20").arg(cut, 0, 'f', 6));
    QVERIFY(enterAndWait());
    QStringList expected{byRsi[0].second, byRsi[1].second};
    QStringList shown = symbolsShown();
    std::sort(expected.begin(), expected.end());
    std::sort(shown.begin(), shown.end());
    QCOMPARE(shown, expected);
    QVERIFY2(m_dock->statusLabel()->text().startsWith(QStringLiteral("2 matches of 4 symbols")),
             qPrintable(m_dock->statusLabel()->text()));
    // A typo: refused, nothing sent, the token underlined.
    query->clear();
    QTest::keyClicks(query, QStringLiteral("rsi14 < 30 and pricee > 3"));
    const QString before = m_dock->lastCorrelationId();
    QTest::keyClick(query, Qt::Key_Return);
    QCOMPARE(m_dock->lastCorrelationId(), before);
    const QString status = m_dock->statusLabel()->text();
    QVERIFY2(status.contains(QStringLiteral("unknown metric 'pricee' (did you mean price?) at column 16")), qPrintable(status));
    QVERIFY2(m_dock->statusLabel()->toolTip().contains(QStringLiteral("^^^^^^")), qPrintable(m_dock->statusLabel()->toolTip()));
    // The offending token is selected in the field, ready to be retyped.
    QCOMPARE(query->selectedText(), QStringLiteral("pricee"));
    QCOMPARE(focused(), static_cast<QWidget*>(query));
    QVERIFY(m_dock->grab().save(m_shotDir.filePath(QStringLiteral("screener-query-error.png")), "PNG"));
    m_dock->resetForm();
    QVERIFY(query->text().isEmpty());
  }

  // The trend, range and liquidity columns: titled in the header, the absolute values hidden by default and shown
  // from the header's context menu (remembered), their cells on a series whose values are known by hand
  // (tests/support/ScreenerLinearFixture.h), and the dock's CSV export at full precision under the column keys.
  void trendRangeAndLiquidityColumns() {
    using screener::Column;
    QHeaderView* header = m_dock->view()->horizontalHeader();
    const std::pair<Column, const char*> titles[] = {
        {Column::Sma50, "SMA50"}, {Column::VsSma50, "vs SMA50 %"}, {Column::Sma200, "SMA200"},
        {Column::VsSma200, "vs SMA200 %"}, {Column::High52w, "52w high"}, {Column::FromHigh52w, "From 52w high %"},
        {Column::Low52w, "52w low"}, {Column::FromLow52w, "From 52w low %"}, {Column::AvgDollarVolume, "Avg $ vol 20d"},
        {Column::AtrPct, "ATR14 %"}, {Column::GapPct, "Gap %"}, {Column::RelVolume, "Rel vol 20d"}};
    for (const auto& [col, title] : titles)
      QCOMPARE(m_dock->model()->headerData(int(col), Qt::Horizontal).toString(), QString::fromUtf8(title));
    for (Column hidden : {Column::Sma50, Column::Sma200, Column::High52w, Column::Low52w}) QVERIFY(header->isSectionHidden(int(hidden)));
    for (Column shown : {Column::VsSma50, Column::VsSma200, Column::FromHigh52w, Column::AvgDollarVolume, Column::AtrPct,
                         Column::GapPct, Column::RelVolume})
      QVERIFY(!header->isSectionHidden(int(shown)));
    // The header's context menu: one checkable action per column but Symbol.
    QCOMPARE(header->contextMenuPolicy(), Qt::ActionsContextMenu);
    QCOMPARE(header->actions().size(), screener::kColumnCount - 1);
    QAction* sma50 = header->findChild<QAction*>(QStringLiteral("screenerColumn_sma50"));
    QVERIFY(sma50 && sma50->isCheckable() && !sma50->isChecked());
    sma50->trigger();
    QVERIFY(!header->isSectionHidden(int(Column::Sma50)));
    QVERIFY(header->sectionSize(int(Column::Sma50)) >= 30);
    const QStringList saved =
        QSettings(QStringLiteral("MeridianTests"), m_settingsApp).value(ui::ScreenerDock::kHiddenColumnsKey).toStringList();
    QCOMPARE(saved, (QStringList{"sma200", "high_52w", "low_52w"}));
    // A dock created on the same settings shows the same columns.
    {
      ui::ScreenerDock again(m_bridge, QStringLiteral("MeridianTests"), m_settingsApp);
      QVERIFY(again.isColumnShown(Column::Sma50));
      QVERIFY(!again.isColumnShown(Column::Sma200));
    }

    // The hand-computed series, alone in its price range.
    const Status st = m_storage->call([](storage::IStorage& s) -> Status {
      if (auto r = s.upsertBars("LIN", "yahoo", testfixture::linearBars()); !r) return r.error();
      return {};
    }).get();
    QVERIFY2(st.ok(), st.ok() ? "" : st.error().message.c_str());
    m_dock->resetForm();
    auto* priceMin = child<QLineEdit>("screenerPriceMin");
    priceMin->setFocus();
    QTest::keyClicks(priceMin, QStringLiteral("300"));
    QTest::keyClick(priceMin, Qt::Key_Tab);
    QTest::keyClicks(focused(), QStringLiteral("400"));
    QVERIFY(enterAndWait());
    QCOMPARE(symbolsShown(), QStringList{QStringLiteral("LIN")});
    auto cell = [&](Column c) { return m_dock->model()->index(0, int(c)).data().toString(); };
    QCOMPARE(cell(Column::VsSma50), QStringLiteral("+7.32"));     // (359 / 334.5 - 1) * 100
    QCOMPARE(cell(Column::VsSma200), QStringLiteral("+38.34"));   // (359 / 259.5 - 1) * 100
    QCOMPARE(cell(Column::FromHigh52w), QStringLiteral("-1.64")); // (359 / 365 - 1) * 100
    QCOMPARE(cell(Column::FromLow52w), QStringLiteral("+235.51"));// (359 / 107 - 1) * 100
    QCOMPARE(cell(Column::GapPct), QStringLiteral("+0.56"));      // (360 / 358 - 1) * 100
    QCOMPARE(cell(Column::AtrPct), QStringLiteral("0.66"));       // 2.357142857 / 359 * 100
    QCOMPARE(cell(Column::RelVolume), QStringLiteral("3.00"));
    QCOMPARE(cell(Column::AvgDollarVolume), QStringLiteral("385.4K"));
    QVERIFY2(cell(Column::Sma50).contains(QStringLiteral("334.5")), qPrintable(cell(Column::Sma50)));
    // Sorting by a new column from its header.
    const int atr = int(Column::AtrPct);
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {},
                      QPoint(header->sectionViewportPosition(atr) + header->sectionSize(atr) / 2, header->height() / 2));
    QVERIFY(m_dock->model()->sortColumn() == Column::AtrPct);

    const QString path = m_dir.filePath(QStringLiteral("lin.csv"));
    QString error;
    QVERIFY2(m_dock->exportCsv(path, &error), qPrintable(error));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly | QIODevice::Text));
    QTextStream in(&f);
    const QStringList head = ui::csv::splitRow(in.readLine());
    const QStringList row = ui::csv::splitRow(in.readLine());
    const testfixture::LinearExpected e;
    const std::pair<const char*, double> values[] = {
        {"sma50", e.sma50}, {"price_vs_sma50_pct", e.vsSma50}, {"sma200", e.sma200}, {"price_vs_sma200_pct", e.vsSma200},
        {"high_52w", e.high52w}, {"pct_from_52w_high", e.fromHigh52w}, {"low_52w", e.low52w},
        {"pct_from_52w_low", e.fromLow52w}, {"avg_dollar_volume_20d", e.avgDollarVolume}, {"atr14_pct", e.atrPct},
        {"gap_pct", e.gapPct}, {"rel_volume_20d", e.relVolume}};
    for (const auto& [key, want] : values) {
      const int c = head.indexOf(QString::fromLatin1(key));
      QVERIFY2(c >= 0, key);
      QVERIFY2(std::abs(row[c].toDouble() - want) <= 1e-9 * std::max(1.0, std::abs(want)), qPrintable(QStringLiteral("%1: %2").arg(key, row[c])));
    }
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    const QString problem = test::pictureProblem(m_dock);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(m_dock->grab().save(m_shotDir.filePath(QStringLiteral("screener-trend-columns.png")), "PNG"));
  }

  void screenshot() {
    m_dock->resetForm();
    child<QLineEdit>("screenerPriceMin")->setFocus();
    QVERIFY(enterAndWait());
    // What the picture must show: the results of the screen in readable columns.
    auto* results = m_dock->findChild<QTableView*>();
    QVERIFY(results && results->model());
    QVERIFY2(results->model()->rowCount() > 0, "the screen shows no rows");
    const QString problem = test::pictureProblem(m_dock);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const QPixmap pm = m_dock->grab();
    QVERIFY(!pm.isNull());
    const QString path = m_shotDir.filePath(QStringLiteral("screener-dock.png"));
    QFile::remove(path);
    QVERIFY2(pm.save(path, "PNG"), qPrintable(path));
    qInfo("screenshot: %s (%dx%d)", qPrintable(path), pm.width(), pm.height());
  }
};

QTEST_MAIN(tst_Screener)
#include "tst_Screener.moc"
