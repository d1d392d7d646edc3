#include "core/common/Config.h"

#include <QTemporaryDir>
#include <QtTest>

using meridian::common::Config;

class tst_Config : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  QString writeIni(const QByteArray& text) {
    const QString path = m_dir.filePath(QStringLiteral("meridian-%1.ini").arg(++m_n));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) qFatal("cannot write ini");
    f.write(text);
    return path;
  }
  int m_n = 0;

 private Q_SLOTS:
  void defaults() {
    Config c;
    QCOMPARE(c.value("db.backend"), QString("sqlite"));
    QCOMPARE(c.value("display.timezone"), QString("America/Chicago"));
    QCOMPARE(c.intValue("log.max_file_mb"), 10);
    QVERIFY(c.value("db.sqlite_path").endsWith("/meridian.sqlite"));
    QCOMPARE(c.sourceOf("db.backend"), Config::Source::Default);
  }
  void fileOverridesDefaultsAndEnvOverridesFile() {
    const QString ini = writeIni("[db]\nbackend=postgres\npg_uri=postgresql://u@h/db\n[display]\ntimezone=Europe/London\n");
    QProcessEnvironment env;
    env.insert("MERIDIAN_DISPLAY_TIMEZONE", "Asia/Tokyo");
    env.insert("MERIDIAN_LOG_MAX_FILES", "9");
    env.insert("UNRELATED", "x");
    Config c = Config::load(ini, env);
    QCOMPARE(c.value("db.backend"), QString("postgres"));
    QCOMPARE(c.sourceOf("db.backend"), Config::Source::File);
    QCOMPARE(c.value("display.timezone"), QString("Asia/Tokyo"));
    QCOMPARE(c.sourceOf("display.timezone"), Config::Source::Environment);
    QCOMPARE(c.intValue("log.max_files"), 9);
    QCOMPARE(c.value("log.level"), QString("info"));  // untouched default
  }
  void commaListsInTheFileKeepTheirText() {
    // QSettings parses an unquoted a,b as a string list; it used to reach Config as "" (a symbol list vanished).
    const QString ini = writeIni("[universe]\nsymbols=AAPL,MSFT,GOOG\n[market]\nsymbols=\"SPY,QQQ\"\n");
    Config c = Config::load(ini, QProcessEnvironment());
    QCOMPARE(c.value("universe.symbols"), QString("AAPL,MSFT,GOOG"));
    QCOMPARE(c.sourceOf("universe.symbols"), Config::Source::File);
    QCOMPARE(c.value("market.symbols"), QString("SPY,QQQ"));
  }
  void missingFileIsNotAnError() {
    Config c = Config::load(m_dir.filePath("nope.ini"), QProcessEnvironment());
    QCOMPARE(c.value("db.backend"), QString("sqlite"));
    QVERIFY(c.warnings().isEmpty());
  }
  void secretsInFilesAreIgnored() {
    const QString ini = writeIni("[alpaca]\nsecret_key=SHOULD_NOT_LOAD\nkey_id=NOPE\n[polygon]\napi_key=NOPE2\n");
    QProcessEnvironment env;
    env.insert("APCA_API_SECRET_KEY", "env-secret-1234");
    Config c = Config::load(ini, env);
    QCOMPARE(c.value("alpaca.secret_key"), QString("env-secret-1234"));
    QVERIFY(!c.contains("alpaca.key_id"));
    QVERIFY(!c.contains("polygon.api_key"));
    QCOMPARE(c.warnings().size(), 3);
    for (const QString& w : c.warnings()) QVERIFY2(!w.contains("NOPE") && !w.contains("SHOULD"), qPrintable(w));
  }
  void typedAccessors() {
    Config c;
    c.set("x.flag", "yes");
    c.set("x.num", "2.5");
    c.set("x.bad", "abc");
    QVERIFY(c.boolValue("x.flag"));
    QCOMPARE(c.doubleValue("x.num"), 2.5);
    QCOMPARE(c.intValue("x.bad", 7), 7);
    QCOMPARE(c.boolValue("x.bad", true), true);
    QCOMPARE(c.sourceOf("x.flag"), Config::Source::Runtime);
  }
  void dumpIsRedacted() {
    QProcessEnvironment env;
    env.insert("POLYGON_API_KEY", "pk_live_abcdef123456");
    env.insert("MERIDIAN_DB_PG_URI", "postgresql://trader:hunter22@127.0.0.1:5432/meridian");
    Config c = Config::load({}, env);
    const QString dump = c.dumpRedacted().join('\n');
    QVERIFY(!dump.contains("pk_live_abcdef123456"));
    QVERIFY(!dump.contains("hunter22"));
    QVERIFY(dump.contains("polygon.api_key=***"));
    QVERIFY(dump.contains("postgresql://trader:***@127.0.0.1:5432/meridian"));
  }
  void secretKeyDetection() {
    QVERIFY(Config::isSecretKey("alpaca.secret_key"));
    QVERIFY(Config::isSecretKey("smtp.password"));
    QVERIFY(Config::isSecretKey("webhook.token"));
    QVERIFY(!Config::isSecretKey("db.backend"));
  }
};

QTEST_GUILESS_MAIN(tst_Config)
#include "tst_Config.moc"
