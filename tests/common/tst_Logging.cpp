#include "core/common/Logging.h"
#include "core/common/Redact.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <thread>

using namespace meridian::common;

class tst_Logging : public QObject {
  Q_OBJECT
  static QByteArray readAll(const QString& dirPath) {
    QByteArray all;
    for (const QString& name : QDir(dirPath).entryList(QDir::Files)) {
      QFile f(dirPath + '/' + name);
      if (f.open(QIODevice::ReadOnly)) all += f.readAll();
    }
    return all;
  }

 private Q_SLOTS:
  void cleanup() {
    shutdownLogging();
    clearRegisteredSecrets();
  }

  void fileAndInAppSinkReceiveRedactedRecords() {
    QTemporaryDir dir;
    LogOptions o;
    o.directory = dir.path().toStdString();
    auto buffer = initLogging(o);
    registerSecret("SUPERSECRETKEY42");
    logger("broker")->info("auth with SUPERSECRETKEY42 to https://u:pw@paper-api/v2");
    spdlog::warn("plain warning {}", 7);
    spdlog::default_logger()->flush();
    logger("broker")->flush();

    std::vector<LogRecord> recs;
    const auto last = buffer->recordsSince(0, recs);
    QCOMPARE(recs.size(), std::size_t(2));
    QCOMPARE(last, recs.back().seq);
    QCOMPARE(recs[0].logger, std::string("broker"));
    QCOMPARE(recs[0].message, std::string("auth with *** to https://u:***@paper-api/v2"));
    QCOMPARE(recs[1].level, spdlog::level::warn);
    QCOMPARE(recs[1].message, std::string("plain warning 7"));
    QVERIFY(recs[0].ts > 1'600'000'000'000'000'000LL);

    const QByteArray file = readAll(dir.path());
    QVERIFY(file.contains("plain warning 7"));
    QVERIFY(file.contains("auth with ***"));
    QVERIFY(!file.contains("SUPERSECRETKEY42"));
    QVERIFY(!file.contains(":pw@"));
  }

  void levelFilter() {
    LogOptions o;
    o.level = "warn";
    auto buffer = initLogging(o);
    spdlog::info("hidden");
    spdlog::error("shown");
    std::vector<LogRecord> recs;
    buffer->recordsSince(0, recs);
    QCOMPARE(recs.size(), std::size_t(1));
    QCOMPARE(recs[0].message, std::string("shown"));
  }

  void rotatesAtConfiguredSize() {
    QTemporaryDir dir;
    LogOptions o;
    o.directory = dir.path().toStdString();
    o.maxFileBytes = 16 * 1024;
    o.maxFiles = 3;
    initLogging(o);
    const std::string line(200, 'x');
    for (int i = 0; i < 1000; ++i) spdlog::info("{} {}", i, line);
    spdlog::default_logger()->flush();
    const QStringList files = QDir(dir.path()).entryList(QDir::Files);
    QCOMPARE(files.size(), 4);  // meridian.log + 3 rotated
    for (const QString& f : files) QVERIFY2(QFileInfo(dir.filePath(f)).size() <= 16 * 1024 + 512, qPrintable(f));
  }

  void bufferIsBoundedAndReportsDrops() {
    InAppLogBuffer b(100);
    for (int i = 0; i < 250; ++i) b.append(LogRecord{0, i, spdlog::level::info, "t", std::to_string(i)});
    std::vector<LogRecord> out;
    std::uint64_t dropped = 0;
    const auto last = b.recordsSince(0, out, &dropped);
    QCOMPARE(out.size(), std::size_t(100));
    QCOMPARE(dropped, std::uint64_t(150));
    QCOMPARE(out.front().message, std::string("150"));
    QCOMPARE(out.back().message, std::string("249"));
    QCOMPARE(last, std::uint64_t(250));
    out.clear();
    b.append(LogRecord{0, 0, spdlog::level::info, "t", "next"});
    QCOMPARE(b.recordsSince(last, out, &dropped), std::uint64_t(251));
    QCOMPARE(out.size(), std::size_t(1));
    QCOMPARE(dropped, std::uint64_t(0));
  }

  void concurrentWritersLoseNothingWithinCapacity() {
    LogOptions o;
    o.inAppCapacity = 50'000;
    auto buffer = initLogging(o);
    std::vector<std::thread> ts;
    for (int t = 0; t < 4; ++t)
      ts.emplace_back([t] {
        auto l = logger("w" + std::to_string(t));
        for (int i = 0; i < 2000; ++i) l->info("{}", i);
      });
    for (auto& t : ts) t.join();
    std::vector<LogRecord> recs;
    buffer->recordsSince(0, recs);
    QCOMPARE(recs.size(), std::size_t(8000));
    for (std::size_t i = 1; i < recs.size(); ++i) QCOMPARE(recs[i].seq, recs[i - 1].seq + 1);
  }
};

QTEST_GUILESS_MAIN(tst_Logging)
#include "tst_Logging.moc"
