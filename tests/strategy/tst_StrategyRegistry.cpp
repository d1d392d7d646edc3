#include "core/strategy/StrategyRegistry.h"

#include <QtTest>

using namespace meridian::strategy;

class tst_StrategyRegistry : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void builtinsAreRegisteredWithSaneSpecs() {
    const auto& r = StrategyRegistry::builtin();
    QStringList names;
    for (const auto& i : r.all()) {
      names << QString::fromStdString(i.name);
      QVERIFY(!i.params.empty());
      for (const auto& s : i.params) {
        QVERIFY2(s.min <= s.defaultValue && s.defaultValue <= s.max, s.name.c_str());
        QVERIFY(s.step > 0);
      }
      // Defaults build a strategy.
      auto strat = r.create(i.name, ParamSet::defaults(i.params));
      QVERIFY2(strat.ok(), i.name.c_str());
      QCOMPARE((*strat)->name(), std::string_view(i.name));
      QCOMPARE((*strat)->instruments(), i.instruments);
    }
    QCOMPARE(names, (QStringList{"sma_cross", "rsi_reversion", "bollinger_breakout", "momentum", "pairs"}));
    QCOMPARE(r.find("pairs")->instruments, std::size_t(2));
  }
  void resolveAppliesOverridesInSpecOrder() {
    const std::pair<std::string, double> o[] = {{"slow", 50}, {"fast", 5}};
    auto p = StrategyRegistry::builtin().resolve("sma_cross", o);
    QVERIFY(p.ok());
    QCOMPARE(p->toString(), std::string("fast=5, slow=50"));
    QCOMPARE(p->toJson(), std::string("{\"fast\":5,\"slow\":50}"));
    auto d = StrategyRegistry::builtin().resolve("rsi_reversion", {});
    QCOMPARE(d->get("period"), 14.0);
    QCOMPARE(d->get("lower"), 30.0);
    QCOMPARE(d->get("upper"), 70.0);
    auto pairs = StrategyRegistry::builtin().resolve("pairs", {});
    QCOMPARE(pairs->get("entry_z"), 2.0);
    QCOMPARE(pairs->get("exit_z"), 0.5);
    QCOMPARE(pairs->get("stop_z"), 3.0);
    QCOMPARE(pairs->get("max_fraction"), 0.10);
    QCOMPARE(pairs->get("fixed_fraction"), 0.02);
    QCOMPARE(pairs->get("kelly_after"), 20.0);
  }
  void errorsAreSpecific() {
    const auto& r = StrategyRegistry::builtin();
    const std::pair<std::string, double> unknown[] = {{"fastt", 5}};
    auto e1 = r.resolve("sma_cross", unknown);
    QVERIFY(!e1.ok());
    QCOMPARE(e1.error().code, std::string(paramerr::kUnknown));
    QVERIFY(e1.error().message.find("fastt") != std::string::npos);
    const std::pair<std::string, double> range[] = {{"fast", 0}};
    QCOMPARE(r.resolve("sma_cross", range).error().code, std::string(paramerr::kRange));
    const std::pair<std::string, double> frac[] = {{"fast", 2.5}};
    QCOMPARE(r.resolve("sma_cross", frac).error().code, std::string(paramerr::kInteger));
    const std::pair<std::string, double> order[] = {{"fast", 30}, {"slow", 10}};
    auto p = r.resolve("sma_cross", order);
    QVERIFY(p.ok());  // each value is in range ...
    auto s = r.create("sma_cross", *p);
    QVERIFY(!s.ok());  // ... but the combination is rejected
    QCOMPARE(s.error().code, std::string(paramerr::kInvalid));
    auto u = r.resolve("nope", {});
    QCOMPARE(u.error().code, std::string("strategy.unknown"));
    QVERIFY(u.error().message.find("sma_cross") != std::string::npos);
  }
  void parseAssignment() {
    auto a = meridian::strategy::parseAssignment("fast=10");
    QVERIFY(a.ok());
    QCOMPARE(a->first, std::string("fast"));
    QCOMPARE(a->second, 10.0);
    QCOMPARE(meridian::strategy::parseAssignment("k=2.5")->second, 2.5);
    QVERIFY(!meridian::strategy::parseAssignment("fast").ok());
    QVERIFY(!meridian::strategy::parseAssignment("fast=ten").ok());
    QVERIFY(!meridian::strategy::parseAssignment("=3").ok());
    QVERIFY(!meridian::strategy::parseAssignment("fast=10x").ok());
  }
};

QTEST_APPLESS_MAIN(tst_StrategyRegistry)
#include "tst_StrategyRegistry.moc"
