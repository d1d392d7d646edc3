// The registry of known settings: the environment mapping both ways, what counts as known, the suggestions for a
// misspelt key, and that the names it mirrors (built-in strategies and jobs) are the real ones.
#include "core/common/Config.h"
#include "core/common/ConfigKeys.h"
#include "core/jobs/BuiltinJobs.h"
#include "core/strategy/StrategyRegistry.h"

#include <QSet>
#include <QtTest>

using meridian::common::Config;
using meridian::common::ConfigKeys;

class tst_ConfigKeys : public QObject {
  Q_OBJECT

  // Every documented key with its pattern parts filled by real names.
  static QStringList concreteKeys() {
    QStringList out;
    for (const auto& k : ConfigKeys::all()) {
      QString key = QString::fromLatin1(k.key);
      key.replace("<strategy>", "sma_cross").replace("<param>", "fast").replace("<job>", "db_backup");
      key.replace("<name>", "max_order_qty");
      out << key;
    }
    return out;
  }

 private Q_SLOTS:
  void environmentNamesRoundTrip() {
    QSet<QString> names;
    for (const QString& key : concreteKeys()) {
      QVERIFY2(ConfigKeys::isKnown(key), qPrintable(key));
      const QString env = ConfigKeys::envName(key);
      QCOMPARE(ConfigKeys::keyForEnv(env), key);
      QVERIFY2(!names.contains(env), qPrintable("two keys share " + env));
      names.insert(env);
    }
  }
  void environmentMapping() {
    QCOMPARE(ConfigKeys::envName("db.pg_uri"), QString("MERIDIAN_DB_PG_URI"));
    QCOMPARE(ConfigKeys::envName("strategy.sma_cross.fast"), QString("MERIDIAN_STRATEGY_SMA_CROSS__FAST"));
    QCOMPARE(ConfigKeys::envName("jobs.db_backup.keep"), QString("MERIDIAN_JOBS_DB_BACKUP__KEEP"));
    // The section is the longest known one: company_info, not company.
    QCOMPARE(ConfigKeys::keyForEnv("MERIDIAN_COMPANY_INFO_PROVIDER"), QString("company_info.provider"));
    QCOMPARE(ConfigKeys::keyForEnv("MERIDIAN_STRATEGY_SMA_CROSS__FAST"), QString("strategy.sma_cross.fast"));
    QCOMPARE(ConfigKeys::keyForEnv("MERIDIAN_STRATEGY__PAIRS__ENTRY_Z"), QString("strategy.pairs.entry_z"));
    // A single '_' never makes a third level: this is the mistake the warning is for.
    QCOMPARE(ConfigKeys::keyForEnv("MERIDIAN_STRATEGY_SMA_CROSS_FAST"), QString("strategy.sma_cross_fast"));
    QCOMPARE(ConfigKeys::keyForEnv("MERIDIAN_NEWSECTION_SOME_KEY"), QString("newsection.some_key"));
    QCOMPARE(ConfigKeys::keyForEnv("MERIDIAN_FOO"), QString());
    QCOMPARE(ConfigKeys::keyForEnv("MERIDIAN_DB_"), QString());
    QCOMPARE(ConfigKeys::keyForEnv("PATH"), QString());
    QCOMPARE(ConfigKeys::keyForEnv("MERIDIAN_CONFIG"), QString());
    QCOMPARE(ConfigKeys::keyForEnv("MERIDIAN_TEST_PG_URI"), QString());
  }
  void patternsAndKnownKeys() {
    QVERIFY(ConfigKeys::isKnown("risk.max_order_qty"));
    QVERIFY(ConfigKeys::isKnown("risk.anything_new"));  // risk.* by pattern
    QVERIFY(ConfigKeys::isKnown("strategy.pairs.entry_z"));
    QVERIFY(ConfigKeys::isKnown("jobs.eod_ingest.schedule"));
    QVERIFY(!ConfigKeys::isKnown("jobs.eod_ingest.colour"));
    QVERIFY(!ConfigKeys::isKnown("jobs.nightly.schedule"));  // not a built-in job
    QVERIFY(!ConfigKeys::isKnown("strategy.sma_cross_fast"));
    QVERIFY(!ConfigKeys::isKnown("strategy.smacross.fast"));
    QVERIFY(!ConfigKeys::isKnown("db.backnd"));
    QVERIFY(!ConfigKeys::isKnown("risk"));
    QVERIFY(!ConfigKeys::isKnown("risk.a.b"));
  }
  void closestKnownKey() {
    QCOMPARE(ConfigKeys::closest("strategy.sma_cross_fast"), QString("strategy.sma_cross.fast"));
    QCOMPARE(ConfigKeys::closest("strategy.pairs_entry_z"), QString("strategy.pairs.entry_z"));
    QCOMPARE(ConfigKeys::closest("jobs.db_backup_keep"), QString("jobs.db_backup.keep"));
    QCOMPARE(ConfigKeys::closest("strategy.sma_crss.fast"), QString("strategy.sma_cross.fast"));
    QCOMPARE(ConfigKeys::closest("db.backnd"), QString("db.backend"));
    QCOMPARE(ConfigKeys::closest("log.levle"), QString("log.level"));
    QCOMPARE(ConfigKeys::closest("display.timezone"), QString("display.timezone"));  // known: itself
    QCOMPARE(ConfigKeys::closest("completely.unrelated_thing"), QString());
  }
  void defaultsComeFromTheRegistry() {
    const Config c;
    for (const auto& k : ConfigKeys::all())
      if (k.defaultValue) QVERIFY2(c.contains(QString::fromLatin1(k.key)), k.key);
    for (const QString& key : c.keys()) QVERIFY2(ConfigKeys::isKnown(key), qPrintable(key));
  }
  // The pattern parts list the real built-in strategies and jobs, so a new one is not warned about as unknown.
  void mirroredNamesMatchTheirRegistries() {
    QStringList strategies;
    for (const auto& info : meridian::strategy::StrategyRegistry::builtin().all())
      strategies << QString::fromStdString(info.name);
    QCOMPARE(ConfigKeys::strategyNames(), strategies);
    QStringList jobs;
    for (const auto& job : meridian::jobs::builtin::definitions(Config())) jobs << QString::fromStdString(job.name);
    QCOMPARE(ConfigKeys::jobNames(), jobs);
    for (const auto& info : meridian::strategy::StrategyRegistry::builtin().all())
      for (const auto& param : info.params) {
        const QString key = QString::fromStdString("strategy." + info.name + "." + param.name);
        QVERIFY2(ConfigKeys::isKnown(key), qPrintable(key));
        QCOMPARE(ConfigKeys::keyForEnv(ConfigKeys::envName(key)), key);
      }
  }
};

QTEST_GUILESS_MAIN(tst_ConfigKeys)
#include "tst_ConfigKeys.moc"
