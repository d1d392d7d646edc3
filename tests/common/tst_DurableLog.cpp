// DurableLog: records come back in order after a reopen; a crash-torn last line is cut off (and the next append
// follows a clean line); a damaged line before the last is refused with path:line and the file left alone;
// rewrite() replaces everything at once and an empty rewrite removes the file; multi-line payloads are refused.
#include "core/common/DurableLog.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

using namespace meridian;
using common::DurableLog;

namespace {

std::vector<std::string> readBack(const std::string& path) {
  std::vector<std::string> records;
  auto log = DurableLog::open(path, records);
  if (!log.ok()) throw std::runtime_error(log.error().message);
  return records;
}

void appendRaw(const std::string& path, const QByteArray& bytes) {
  QFile f(QString::fromStdString(path));
  QVERIFY(f.open(QIODevice::Append));
  f.write(bytes);
}

}  // namespace

class tst_DurableLog : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  std::string path(const char* name) const { return m_dir.filePath(QString::fromLatin1(name)).toStdString(); }

 private Q_SLOTS:
  void appendsComeBackInOrder() {
    const std::string p = path("a/b/order.log");  // directories are created at the first append
    std::vector<std::string> records;
    {
      auto log = DurableLog::open(p, records);
      QVERIFY(log.ok());
      QVERIFY(records.empty());
      QVERIFY(!QFileInfo::exists(QString::fromStdString(p)));  // nothing written, nothing created
      for (int i = 0; i < 50; ++i) QVERIFY((*log)->append(R"({"n":)" + std::to_string(i) + "}").ok());
      QCOMPARE((*log)->size(), std::size_t(50));
    }
    const auto back = readBack(p);
    QCOMPARE(back.size(), std::size_t(50));
    QCOMPARE(back.front(), std::string(R"({"n":0})"));
    QCOMPARE(back.back(), std::string(R"({"n":49})"));
  }

  void tornLastLineIsCutOffAndAppendingGoesOn() {
    const std::string p = path("torn.log");
    {
      std::vector<std::string> r;
      auto log = DurableLog::open(p, r);
      QVERIFY((*log)->append("first").ok());
      QVERIFY((*log)->append("second").ok());
    }
    // A crash in the middle of the third write: half a line, no newline.
    const std::string third = DurableLog::encodeLine("third record");
    appendRaw(p, QByteArray::fromStdString(third.substr(0, third.size() / 2)));
    const qint64 tornSize = QFileInfo(QString::fromStdString(p)).size();
    auto peek = DurableLog::read(p);  // another process looking: sees the good records, changes nothing
    QVERIFY(peek.ok());
    QCOMPARE(*peek, (std::vector<std::string>{"first", "second"}));
    QCOMPARE(QFileInfo(QString::fromStdString(p)).size(), tornSize);
    std::vector<std::string> r;
    auto log = DurableLog::open(p, r);
    QVERIFY2(log.ok(), log.ok() ? "" : log.error().message.c_str());
    QCOMPARE(r, (std::vector<std::string>{"first", "second"}));
    QVERIFY((*log)->append("fourth").ok());
    QCOMPARE(readBack(p), (std::vector<std::string>{"first", "second", "fourth"}));
  }

  void completeLastLineWithABadChecksumIsCutOffToo() {
    const std::string p = path("badtail.log");
    {
      std::vector<std::string> r;
      QVERIFY((*DurableLog::open(p, r))->append("kept").ok());
    }
    appendRaw(p, "00000000 not what the checksum says\n");
    QCOMPARE(readBack(p), (std::vector<std::string>{"kept"}));
  }

  void damageBeforeTheLastLineIsRefusedWithItsLine() {
    const std::string p = path("damaged.log");
    {
      std::vector<std::string> r;
      auto log = DurableLog::open(p, r);
      for (const char* s : {"one", "two", "three"}) QVERIFY((*log)->append(s).ok());
    }
    QFile f(QString::fromStdString(p));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QByteArray bytes = f.readAll();
    f.close();
    const qsizetype at = bytes.indexOf("two");
    QVERIFY(at > 0);
    bytes[at] = 'T';  // one flipped byte on line 2 of 3
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
    f.close();
    QVERIFY(!DurableLog::read(p).ok());
    std::vector<std::string> r;
    auto log = DurableLog::open(p, r);
    QVERIFY(!log.ok());
    QVERIFY2(log.error().message.find(p + ":2:") != std::string::npos, log.error().message.c_str());
    QCOMPARE(log.error().code, std::string("file.corrupt"));
    QCOMPARE(QFileInfo(QString::fromStdString(p)).size(), qint64(bytes.size()));  // left for inspection
  }

  void rewriteReplacesAndEmptyRemoves() {
    const std::string p = path("rewrite.log");
    std::vector<std::string> r;
    auto log = DurableLog::open(p, r);
    for (const char* s : {"a", "b", "c"}) QVERIFY((*log)->append(s).ok());
    QVERIFY((*log)->rewrite({"c", "d"}).ok());
    QCOMPARE((*log)->size(), std::size_t(2));
    QVERIFY((*log)->append("e").ok());  // appends after a rewrite go to the new file
    QCOMPARE(readBack(p), (std::vector<std::string>{"c", "d", "e"}));
    QVERIFY(!QFileInfo::exists(QString::fromStdString(p + ".tmp")));
    QVERIFY((*log)->rewrite({}).ok());
    QVERIFY(!QFileInfo::exists(QString::fromStdString(p)));
    QVERIFY(readBack(p).empty());
  }

  void multiLinePayloadIsRefused() {
    std::vector<std::string> r;
    auto log = DurableLog::open(path("lines.log"), r);
    const Status s = (*log)->append("one\ntwo");
    QVERIFY(!s.ok());
    QCOMPARE((*log)->size(), std::size_t(0));
    QVERIFY(!(*log)->rewrite({"x\ny"}).ok());
  }
};

QTEST_GUILESS_MAIN(tst_DurableLog)
#include "tst_DurableLog.moc"
