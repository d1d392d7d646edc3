// The bar writer: market bars stored on a connection of their own, never behind the journal's storage thread.
#include "core/storage/BarWriter.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <future>
#include <limits>

using namespace meridian;
using namespace meridian::storage;

namespace {

domain::Bar bar(int i) {
  domain::Bar b;
  b.ts = (1'700'000'000LL + i * 60LL) * domain::kNanosPerSecond;
  b.open = 100 + i;
  b.high = 101 + i;
  b.low = 99 + i;
  b.close = 100.5 + i;
  b.volume = 1000;
  return b;
}

std::size_t storedBars(StorageService& svc, const std::string& symbol) {
  auto r = svc.call([symbol](IStorage& s) {
                 return s.loadBars(symbol, "simulated_1m", 0, std::numeric_limits<domain::Timestamp>::max());
               }).get();
  return r.ok() ? r.value().size() : 0;
}

}  // namespace

class tst_BarWriter : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  StorageConfig sqliteFile(const QString& name) {
    StorageConfig c;
    c.backend = "sqlite";
    c.sqlitePath = m_dir.filePath(name).toStdString();
    return c;
  }

 private Q_SLOTS:
  // The journal's storage thread is held busy (a barrier nobody releases until the end): bars are still stored.
  void barsAreStoredWhileTheJournalThreadIsBusy() {
    StorageService journal(sqliteFile("busy.sqlite"));
    QVERIFY(journal.start().ok());
    BarWriter writer(journal);
    QVERIFY(writer.start().ok());

    std::promise<void> release;
    std::promise<void> held;
    journal.post([&release, &held](IStorage&) {
      held.set_value();
      release.get_future().wait();
    });
    held.get_future().wait();

    for (int i = 0; i < 300; ++i) writer.write("AAPL", "simulated_1m", bar(i));
    QTRY_COMPARE_WITH_TIMEOUT(writer.barsWritten(), std::uint64_t(300), 10'000);
    QCOMPARE(writer.barsDropped(), std::uint64_t(0));

    // A second reader sees them on disk while the journal thread is still held.
    StorageService reader(sqliteFile("busy.sqlite"));
    QVERIFY(reader.start().ok());
    QCOMPARE(storedBars(reader, "AAPL"), std::size_t(300));
    release.set_value();
    writer.stop();
    QCOMPARE(storedBars(journal, "AAPL"), std::size_t(300));
  }

  void stopWritesWhatIsQueuedAndDropsLaterBars() {
    const auto cfg = sqliteFile("stop.sqlite");
    StorageService journal(cfg);
    QVERIFY(journal.start().ok());
    {
      BarWriter writer(journal);
      QVERIFY(writer.start().ok());
      for (int i = 0; i < 500; ++i) {
        writer.write("MSFT", "simulated_1m", bar(i));
        writer.write("KO", "simulated_1m", bar(i));
      }
      writer.stop();
      QCOMPARE(writer.barsWritten(), std::uint64_t(1000));
      writer.write("MSFT", "simulated_1m", bar(600));  // after stop: counted, not stored
      QCOMPARE(writer.barsDropped(), std::uint64_t(1));
    }
    QCOMPARE(storedBars(journal, "MSFT"), std::size_t(500));
    QCOMPARE(storedBars(journal, "KO"), std::size_t(500));
  }

  // A bar the database refuses is counted as dropped; the series' later bars are stored.
  void aRefusedBatchIsCountedAndTheFeedGoesOn() {
    StorageService journal(sqliteFile("refused.sqlite"));
    QVERIFY(journal.start().ok());
    BarWriter writer(journal);
    QVERIFY(writer.start().ok());
    domain::Bar bad = bar(0);
    bad.high = bad.low - 1;  // violates the OHLC rule
    writer.write("PEP", "simulated_1m", bad);
    QTRY_COMPARE(writer.barsDropped(), std::uint64_t(1));
    writer.write("PEP", "simulated_1m", bar(1));
    QTRY_COMPARE(writer.barsWritten(), std::uint64_t(1));
    writer.stop();
    QCOMPARE(storedBars(journal, "PEP"), std::size_t(1));
  }

  // One flush of a series longer than a transaction, refused in its third chunk: the two chunks that committed are
  // written (and stored), the refused chunk and the ones after it are dropped, nothing is counted twice.
  void aFlushRefusedMidwayCountsTheChunksThatCommitted() {
    StorageService journal(sqliteFile("partial.sqlite"));
    QVERIFY(journal.start().ok());
    BarWriter writer(journal);
    QVERIFY(writer.start().ok());
    constexpr std::size_t kChunk = BarWriter::kMaxBarsPerTransaction;
    const int total = int(3 * kChunk + 100);
    const int badAt = int(2 * kChunk + 7);  // in the third transaction

    // Hold the writer's storage thread so that every bar lands in one flush.
    std::promise<void> release, held;
    writer.post([&release, &held](IStorage&) {
      held.set_value();
      release.get_future().wait();
    });
    held.get_future().wait();
    for (int i = 0; i < total; ++i) {
      domain::Bar b = bar(i);
      if (i == badAt) b.high = b.low - 1;  // violates the OHLC rule
      writer.write("XOM", "simulated_1m", b);
    }
    release.set_value();
    writer.stop();
    QCOMPARE(writer.barsWritten(), std::uint64_t(2 * kChunk));
    QCOMPARE(writer.barsDropped(), std::uint64_t(total) - 2 * kChunk);
    QCOMPARE(storedBars(journal, "XOM"), 2 * kChunk);
  }

  // The writer's own connection cannot be opened (here a directory now stands at the journal's path): start()
  // names the failure and leaves the writer off, and bars written to it are counted as dropped, not queued.
  void aWriterWithoutItsOwnConnectionStaysOffAndCountsDrops() {
    const auto cfg = sqliteFile("moved.sqlite");
    StorageService journal(cfg);
    QVERIFY(journal.start().ok());
    QVERIFY(QFile::rename(m_dir.filePath("moved.sqlite"), m_dir.filePath("moved-away.sqlite")));
    QVERIFY(QDir(m_dir.path()).mkdir("moved.sqlite"));
    BarWriter writer(journal);
    const Status s = writer.start();
    QVERIFY(!s.ok());
    QVERIFY2(!s.error().message.empty(), s.error().message.c_str());
    for (int i = 0; i < 5; ++i) writer.write("GE", "simulated_1m", bar(i));
    QCOMPARE(writer.barsDropped(), std::uint64_t(5));
    QCOMPARE(writer.barsWritten(), std::uint64_t(0));
    writer.stop();
    auto stored = journal.call([](IStorage& st) {  // the journal's connection (to the moved file) still works
                           return st.loadBars("GE", "simulated_1m", 0, std::numeric_limits<domain::Timestamp>::max());
                         }).get();
    QVERIFY(stored.ok());
    QVERIFY(stored.value().empty());
  }

  // An in-memory database cannot be opened twice: the writer uses the shared service, and stop() waits for what it
  // posted there (the tasks hold the writer).
  void anInMemoryDatabaseIsWrittenThroughTheSharedService() {
    StorageConfig mem;
    mem.backend = "sqlite";
    mem.sqlitePath = ":memory:";
    QVERIFY(!opensSharedDatabase(mem));
    QVERIFY(opensSharedDatabase(sqliteFile("x.sqlite")));
    StorageService journal(mem);
    QVERIFY(journal.start().ok());
    {
      BarWriter writer(journal);
      QVERIFY(writer.start().ok());
      for (int i = 0; i < 50; ++i) writer.write("IBM", "simulated_1m", bar(i));
    }  // destroyed at once: its queued flush has run
    QCOMPARE(storedBars(journal, "IBM"), std::size_t(50));
  }
};

QTEST_GUILESS_MAIN(tst_BarWriter)
#include "tst_BarWriter.moc"
