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
  // --config FILE must exist; the default location may not (first run).
  void strictLoadingOfAMissingFile() {
    const QString missing = m_dir.filePath("missing.ini");
    auto required = Config::loadStrict(missing, Config::FileRequirement::Required, QProcessEnvironment());
    QVERIFY(!required.ok());
    QCOMPARE(required.error().code, std::string("config.file"));
    QCOMPARE(QString::fromStdString(required.error().message), missing + ": no such file");
    auto optional = Config::loadStrict(missing, Config::FileRequirement::Optional, QProcessEnvironment());
    QVERIFY(optional.ok());
    QCOMPARE(optional->value("db.backend"), QString("sqlite"));
    QVERIFY(!Config::loadStrict(m_dir.path(), Config::FileRequirement::Optional, QProcessEnvironment()).ok());
  }
  void strictLoadingNamesTheBadLine_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("reason");
    QTest::newRow("no =") << QByteArray("[db]\nbackend=sqlite\n\nthis is junk\n") << 4 << "no '=' on this line";
    QTest::newRow("open section") << QByteArray("; c\n[db\nbackend=x\n") << 2 << "closing ']'";
    QTest::newRow("empty section") << QByteArray("[]\nk=v\n") << 1 << "empty section name";
    QTest::newRow("no key") << QByteArray("[db]\n = x\n") << 2 << "no key before '='";
    QTest::newRow("open quote") << QByteArray("[a]\nk=\"abc\n[b]\nz=1\n") << 2 << "double-quoted value is not closed";
    QTest::newRow("not utf-8") << QByteArray("[a]\nk=\xff\xfe\n") << 0 << "not UTF-8";
  }
  void strictLoadingNamesTheBadLine() {
    QFETCH(QByteArray, text);
    QFETCH(int, line);
    QFETCH(QString, reason);
    const QString ini = writeIni(text);
    auto c = Config::loadStrict(ini, Config::FileRequirement::Required, QProcessEnvironment());
    QVERIFY(!c.ok());
    const QString message = QString::fromStdString(c.error().message);
    QVERIFY2(message.startsWith(line > 0 ? QStringLiteral("%1:%2: ").arg(ini).arg(line) : ini + ": "), qPrintable(message));
    QVERIFY2(message.contains(reason), qPrintable(message));
    // The lenient loader (tests, tools) keeps its defaults and says why.
    const Config lenient = Config::load(ini, QProcessEnvironment());
    QCOMPARE(lenient.value("db.backend"), QString("sqlite"));
    QVERIFY(lenient.warnings().join('\n').contains(reason));
  }
  void strictLoadingAcceptsWhatQSettingsReads() {
    const QString ini = writeIni("\xEF\xBB\xBF; comment\r\n# another\r\n[db]\r\nbackend = postgres\r\n"
                                 "[universe]\nsymbols=\"AAPL,\n MSFT\"\n[notify]\nsmtp_to=a@example.com \\\n  b@example.com\n"
                                 "[display]\ntimezone=\"Europe/London\" ; trailing comment\n");
    auto c = Config::loadStrict(ini, Config::FileRequirement::Required, QProcessEnvironment());
    QVERIFY2(c.ok(), c.ok() ? "" : c.error().message.c_str());
    QCOMPARE(c->value("db.backend"), QString("postgres"));
    QCOMPARE(c->value("display.timezone"), QString("Europe/London"));
    QVERIFY(c->value("notify.smtp_to").contains("b@example.com"));  // a continued value
    QVERIFY(c->value("universe.symbols").contains("MSFT"));           // a quoted value over two lines
  }
  void underscoresInEnvironmentNames() {
    QProcessEnvironment env;
    env.insert("MERIDIAN_STRATEGY_SMA_CROSS__FAST", "7");
    env.insert("MERIDIAN_COMPANY_INFO_PROVIDER", "polygon");
    env.insert("MERIDIAN_JOBS_DB_BACKUP__KEEP", "3");
    env.insert("MERIDIAN_CONFIG", "/somewhere.ini");
    env.insert("MERIDIAN_TEST_PG_URI", "postgresql://x@y/z");
    const Config c = Config::load({}, env);
    QCOMPARE(c.value("strategy.sma_cross.fast"), QString("7"));
    QCOMPARE(c.value("company_info.provider"), QString("polygon"));
    QCOMPARE(c.intValue("jobs.db_backup.keep"), 3);
    QVERIFY(!c.contains("config"));
    QVERIFY(!c.contains("test.pg_uri"));
    QVERIFY2(c.warnings().isEmpty(), qPrintable(c.warnings().join('\n')));
  }
  void unknownEnvironmentKeysAreWarnedAbout() {
    QProcessEnvironment env;
    env.insert("MERIDIAN_STRATEGY_SMA_CROSS_FAST", "5");
    env.insert("MERIDIAN_DB_BACKND", "postgres");
    env.insert("MERIDIAN_FOO", "1");
    env.insert("MERIDIAN_XYZZY_PLUGH", "1");
    const Config c = Config::load({}, env);
    const QStringList w = c.warnings();
    QCOMPARE(w.size(), 4);
    QCOMPARE(w.filter("MERIDIAN_STRATEGY_SMA_CROSS_FAST").size(), 1);
    QVERIFY(w.filter("MERIDIAN_STRATEGY_SMA_CROSS_FAST").front().endsWith(
        "did you mean strategy.sma_cross.fast (MERIDIAN_STRATEGY_SMA_CROSS__FAST)?"));
    QVERIFY(w.filter("MERIDIAN_DB_BACKND").front().contains("did you mean db.backend (MERIDIAN_DB_BACKEND)?"));
    QVERIFY(w.filter("MERIDIAN_FOO").front().contains("names no setting"));
    QVERIFY(w.filter("MERIDIAN_XYZZY_PLUGH").front().endsWith("not a setting Meridian knows"));
    QCOMPARE(c.value("db.backend"), QString("sqlite"));  // the misspelt one did not land on the real key
  }
  void unknownFileKeysAreWarnedAbout() {
    const QString ini = writeIni("[strategy]\nsma_cross_fast=5\nsma_cross.slow=40\n[risk]\nmax_order_qty=10\n");
    const Config c = Config::load(ini, QProcessEnvironment());
    QCOMPARE(c.warnings().size(), 1);
    QVERIFY2(c.warnings().front().contains("'strategy.sma_cross_fast'") &&
                 c.warnings().front().contains("did you mean strategy.sma_cross.fast?"),
             qPrintable(c.warnings().front()));
    QCOMPARE(c.value("strategy.sma_cross.slow"), QString("40"));
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
