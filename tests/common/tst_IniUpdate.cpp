// updateIniValues: a setting replaces its line in its section, a new one joins the end of its section, a new section
// goes at the end; comments, order and other keys stay; values QSettings would misread are quoted; the file reads
// back through Config with the new values and passes the strict syntax check.
#include "core/common/Config.h"
#include "core/common/IniUpdate.h"

#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QtTest>

using namespace meridian;

namespace {

QString readAll(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

void write(const QString& path, const QString& text) {
  QFile f(path);
  QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
  f.write(text.toUtf8());
}

}  // namespace

class tst_IniUpdate : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void replacesAddsAndKeepsTheRest() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("meridian.ini"));
    write(path, QStringLiteral("; my settings\n[risk]\n# tighter than default\nmax_order_qty=500\nprice_band_pct=0.05\n\n"
                               "[display]\ntimezone=America/Chicago\n"));
    const Status s = common::updateIniValues(path, {{QStringLiteral("risk.max_order_qty"), QStringLiteral("750")},
                                                    {QStringLiteral("risk.max_order_notional"), QStringLiteral("100000")},
                                                    {QStringLiteral("yahoo.base_url"), QStringLiteral("http://127.0.0.1:8080")},
                                                    {QStringLiteral("universe.symbols"), QStringLiteral("AAPL,MSFT")}});
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
    QCOMPARE(readAll(path), QStringLiteral("; my settings\n[risk]\n# tighter than default\nmax_order_qty=750\n"
                                           "price_band_pct=0.05\nmax_order_notional=100000\n\n"
                                           "[display]\ntimezone=America/Chicago\n\n"
                                           "[yahoo]\nbase_url=http://127.0.0.1:8080\n\n"
                                           "[universe]\nsymbols=\"AAPL,MSFT\"\n"));
    const common::Config c = common::Config::load(path, QProcessEnvironment());
    QCOMPARE(c.value(QStringLiteral("risk.max_order_qty")), QStringLiteral("750"));
    QCOMPARE(c.value(QStringLiteral("risk.max_order_notional")), QStringLiteral("100000"));
    QCOMPARE(c.value(QStringLiteral("yahoo.base_url")), QStringLiteral("http://127.0.0.1:8080"));
    QCOMPARE(c.value(QStringLiteral("universe.symbols")), QStringLiteral("AAPL,MSFT"));
    QCOMPARE(c.value(QStringLiteral("display.timezone")), QStringLiteral("America/Chicago"));
    QVERIFY(common::Config::checkIniSyntax(path).ok());
  }

  void createsAMissingFileAndRefusesBadKeys() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("sub/meridian.ini"));
    QVERIFY(common::updateIniValues(path, {{QStringLiteral("display.timezone"), QStringLiteral("Europe/Paris")}}).ok());
    QCOMPARE(readAll(path), QStringLiteral("[display]\ntimezone=Europe/Paris\n"));
    const Status bad = common::updateIniValues(path, {{QStringLiteral("nodot"), QStringLiteral("1")}});
    QVERIFY(!bad.ok());
    QVERIFY(QString::fromStdString(bad.error().message).contains(QStringLiteral("nodot")));
    QCOMPARE(readAll(path), QStringLiteral("[display]\ntimezone=Europe/Paris\n"));  // untouched
  }
};

QTEST_MAIN(tst_IniUpdate)
#include "tst_IniUpdate.moc"
