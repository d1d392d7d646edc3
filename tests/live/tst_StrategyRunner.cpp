// The live strategy runner against the backtester on real daily bars (MERIDIAN_SHARED_DATA): the same strategy with
// the same parameters must place the same orders live (BarClosed events after a warm-up from storage) as in a
// backtest over the same bars. Also: configuration parsing, the order path (one working order per symbol, target
// reconciled when it ends; a bus refusal decided again on the next bar) and the strategy_cycle over stored bars.
#include "core/backtest/BacktestEngine.h"
#include "core/backtest/BarSeriesLoader.h"
#include "core/contract/MarketData.h"
#include "core/contract/Orders.h"
#include "core/contract/Strategy.h"
#include "core/common/Clock.h"
#include "core/contract/Risk.h"
#include "core/live/LiveStrategyHost.h"
#include "core/storage/StorageService.h"
#include "core/live/StrategyRunner.h"

#include <QTemporaryDir>
#include <QtTest>

#include <atomic>

#include <algorithm>

using namespace meridian;
using live::LiveStrategySpec;
using live::StrategyRunner;
using live::StrategyRunnerOptions;

namespace {

struct PlacedOrder {
  std::size_t bar = 0;
  std::string symbol;
  domain::Side side = domain::Side::Buy;
  double quantity = 0.0;
  bool operator==(const PlacedOrder&) const = default;
};

std::string describe(const std::vector<PlacedOrder>& v, std::size_t from, std::size_t n) {
  std::string s;
  for (std::size_t i = from; i < std::min(v.size(), from + n); ++i)
    s += QStringLiteral("[bar %1 %2 %3 %4] ")
             .arg(v[i].bar)
             .arg(QString::fromStdString(v[i].symbol))
             .arg(v[i].side == domain::Side::Buy ? "buy" : "sell")
             .arg(v[i].quantity)
             .toStdString();
  return s;
}

// Context proxy recording every order the backtest engine accepted (the backtester's decisions, bar by bar).
class RecordingContext final : public strategy::StrategyContext {
 public:
  RecordingContext(strategy::StrategyContext& inner, std::vector<PlacedOrder>& out, std::size_t bar)
      : m_inner(inner), m_out(out), m_bar(bar) {}
  domain::Timestamp now() const override { return m_inner.now(); }
  std::size_t instrumentCount() const override { return m_inner.instrumentCount(); }
  std::string_view symbol(std::size_t i) const override { return m_inner.symbol(i); }
  double position(std::size_t i) const override { return m_inner.position(i); }
  double cash() const override { return m_inner.cash(); }
  double equity() const override { return m_inner.equity(); }
  double defaultQuantity(std::size_t i, double p) const override { return m_inner.defaultQuantity(i, p); }
  strategy::OrderId submit(const strategy::OrderRequest& r) override {
    const auto id = m_inner.submit(r);
    if (id != strategy::kNoOrder)
      m_out.push_back({m_bar, std::string(m_inner.symbol(r.instrument)), r.side, r.quantity});
    return id;
  }
  bool cancel(strategy::OrderId id) override { return m_inner.cancel(id); }
  std::size_t openOrders() const override { return m_inner.openOrders(); }
  void scheduleTimer(domain::Timestamp at, std::uint32_t tag) override { m_inner.scheduleTimer(at, tag); }

 private:
  strategy::StrategyContext& m_inner;
  std::vector<PlacedOrder>& m_out;
  std::size_t m_bar;
};

class RecordingStrategy final : public strategy::IStrategy {
 public:
  RecordingStrategy(std::unique_ptr<strategy::IStrategy> inner, std::vector<PlacedOrder>& out)
      : m_inner(std::move(inner)), m_out(out) {}
  std::string_view name() const override { return m_inner->name(); }
  std::size_t instruments() const override { return m_inner->instruments(); }
  std::size_t warmupBars() const override { return m_inner->warmupBars(); }
  void onStart(strategy::StrategyContext& c) override {
    RecordingContext r(c, m_out, 0);
    m_inner->onStart(r);
  }
  void onBar(strategy::StrategyContext& c, const strategy::BarSlice& s) override {
    m_bar = s.index;
    RecordingContext r(c, m_out, m_bar);
    m_inner->onBar(r, s);
  }
  void onFill(strategy::StrategyContext& c, const strategy::FillEvent& f) override {
    RecordingContext r(c, m_out, m_bar + 1);  // fills happen before onBar of the next bar
    m_inner->onFill(r, f);
  }
  void onOrderUpdate(strategy::StrategyContext& c, const strategy::OrderUpdate& u) override {
    RecordingContext r(c, m_out, m_bar + 1);
    m_inner->onOrderUpdate(r, u);
  }
  void onTimer(strategy::StrategyContext& c, domain::Timestamp t, std::uint32_t tag) override {
    RecordingContext r(c, m_out, m_bar + 1);
    m_inner->onTimer(r, t, tag);
  }
  void onStop(strategy::StrategyContext& c) override {
    RecordingContext r(c, m_out, m_bar);
    m_inner->onStop(r);
  }

 private:
  std::unique_ptr<strategy::IStrategy> m_inner;
  std::vector<PlacedOrder>& m_out;
  std::size_t m_bar = 0;
};

backtest::BarSeries loadCsv(const char* file, const char* symbol) {
  auto s = backtest::loadYahooCsv(std::string(MERIDIAN_SHARED_DATA) + "/" + file, symbol);
  if (!s) qFatal("cannot load %s: %s", file, s.error().message.c_str());
  return std::move(s).value();
}


// What the mailbox holds now (no waiting): use after settle() to see everything that was sent.
std::vector<bus::Envelope> drainNow(bus::Mailbox& mb) {
  std::vector<bus::Envelope> got;
  mb.drain(got);
  return got;
}

// Barrier instead of a quiet period: a strategy cycle request is handled on the runner thread after every message
// queued before it (one mailbox, in order) and, with no new stored bars, steps nothing. When it returns, whatever
// the earlier bars, order updates and rejections made the runner send is on the bus (and in the test's mailboxes).
void settle(StrategyRunner& runner) {
  std::atomic<bool> cancel{false};
  const auto r = runner.runCycle(cancel);
  QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
  QCOMPARE(r->newBars, std::size_t(0));
}

// Waits (up to 10 s) for at least n envelopes; then settles the runner and adds whatever else it sent, so a late
// duplicate is counted, not raced.
std::vector<bus::Envelope> waitFor(bus::Mailbox& mb, std::size_t n, StrategyRunner& runner) {
  std::vector<bus::Envelope> got;
  QElapsedTimer t;
  t.start();
  while (got.size() < n && t.elapsed() < 10000)
    if (mb.waitNonEmpty(std::chrono::milliseconds(50))) mb.drain(got);
  settle(runner);
  mb.drain(got);
  return got;
}

domain::Bar bar(domain::Timestamp ts, double close) {
  domain::Bar b;
  b.ts = ts;
  b.open = close;
  b.high = close + 1;
  b.low = close - 1;
  b.close = close;
  b.volume = 1e6;
  return b;
}

}  // namespace

class tst_StrategyRunner : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void liveOrdersEqualBacktestOrders_data() {
    QTest::addColumn<QString>("strategy");
    QTest::addColumn<QStringList>("symbols");
    QTest::addColumn<QString>("params");  // "name=value,..."
    QTest::newRow("sma_cross 10/30 ORCL") << "sma_cross" << QStringList{"ORCL"} << "fast=10,slow=30";
    QTest::newRow("rsi_reversion NVDA") << "rsi_reversion" << QStringList{"NVDA"} << "period=14,lower=30,upper=70";
    QTest::newRow("bollinger_breakout YHOO") << "bollinger_breakout" << QStringList{"YHOO"} << "";
    QTest::newRow("momentum ORCL") << "momentum" << QStringList{"ORCL"} << "";
    QTest::newRow("pairs ORCL/YHOO") << "pairs" << QStringList{"ORCL", "YHOO"} << "formation=120,refit=20,max_pvalue=1";
  }

  // The key property: the same strategy code decides the same orders live and in the backtester.
  void liveOrdersEqualBacktestOrders() {
    QFETCH(QString, strategy);
    QFETCH(QStringList, symbols);
    QFETCH(QString, params);
    const std::map<QString, const char*> files{
        {"ORCL", "orcl-1995-2014.csv"}, {"NVDA", "nvda-1999-2014.csv"}, {"YHOO", "yhoo-1996-2014.csv"}};
    std::vector<backtest::BarSeries> raw;
    for (const auto& s : symbols) raw.push_back(loadCsv(files.at(s), s.toStdString().c_str()));
    auto aligned = backtest::alignSeries(std::move(raw));
    QVERIFY(aligned.ok());
    const auto& series = *aligned;
    const std::size_t N = series[0].bars.size();
    const std::size_t K = N / 3;  // warm-up from storage: bars [0, K); live: [K, N)
    QVERIFY(N > 1000);

    const auto& registry = strategy::StrategyRegistry::builtin();
    std::vector<std::pair<std::string, double>> overrides;
    for (const QString& kv : params.split(',', Qt::SkipEmptyParts)) {
      auto a = strategy::parseAssignment(kv.toStdString());
      QVERIFY(a.ok());
      overrides.push_back(*a);
    }
    auto ps = registry.resolve(strategy.toStdString(), overrides);
    QVERIFY2(ps.ok(), ps.ok() ? "" : ps.error().message.c_str());

    // Backtest over all bars, orders refused before K (the live warm-up refuses them too).
    std::vector<PlacedOrder> expected;
    {
      auto inner = registry.create(strategy.toStdString(), *ps);
      QVERIFY(inner.ok());
      RecordingStrategy rec(std::move(inner).value(), expected);
      backtest::BacktestConfig cfg;
      cfg.tradeStart = K;
      auto views = backtest::views(series);
      auto r = backtest::BacktestEngine(cfg).run(rec, views);
      QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
      QVERIFY2(r->orders.fills > 2, "the scenario must trade");
    }
    QVERIFY(!expected.empty());
    QVERIFY(std::all_of(expected.begin(), expected.end(), [&](const PlacedOrder& o) { return o.bar >= K; }));

    // Live: history [0, K) in SQLite, the rest as BarClosed events.
    QTemporaryDir dir;
    storage::StorageConfig sc;
    sc.backend = "sqlite";
    sc.sqlitePath = dir.filePath("live.sqlite").toStdString();
    storage::StorageService storage(sc);
    QVERIFY(storage.start().ok());
    for (const auto& s : series) {
      auto n = storage.call([&](storage::IStorage& st) {
        return st.upsertBars(s.symbol, "csv", std::span<const domain::Bar>(s.bars.data(), K));
      }).get();
      QVERIFY2(n.ok(), n.ok() ? "" : n.error().message.c_str());
    }
    common::SimulatedClock clock(series[0].bars[K - 1].ts + domain::kNanosPerDay);
    bus::EventBus bus;
    auto signalBox = std::make_shared<bus::Mailbox>();
    bus.subscribe("strat.signal.>", signalBox);
    LiveStrategySpec spec;
    spec.strategy = strategy.toStdString();
    for (const auto& s : symbols) spec.symbols.push_back(s.toStdString());
    spec.params = *ps;
    StrategyRunnerOptions opt;
    opt.historyDays = 40 * 365;
    StrategyRunner runner(bus, {spec}, opt, &storage, clock);
    QVERIFY(runner.start().ok());
    QVERIFY(runner.waitUntilWarm(std::chrono::seconds(30)));
    QCOMPARE(runner.status().at(0).warmupBars, K);

    for (std::size_t t = K; t < N; ++t)
      for (const auto& s : series) bus.publish(contract::BarClosed{s.symbol, "csv", s.bars[t]});
    QTRY_COMPARE_WITH_TIMEOUT(runner.status().at(0).lastTs, series[0].bars[N - 1].ts, 30000);
    QCOMPARE(runner.status().at(0).liveBars, N - K);

    std::vector<PlacedOrder> live;
    for (const auto& e : drainNow(*signalBox)) {
      const auto* sig = e.as<contract::SignalGenerated>();
      QVERIFY(sig);
      QCOMPARE(sig->strategy, spec.strategy);
      QCOMPARE(sig->instance, spec.id());
      const auto& bars = series[0].bars;
      auto it = std::lower_bound(bars.begin(), bars.end(), sig->ts,
                                 [](const domain::Bar& b, domain::Timestamp ts) { return b.ts < ts; });
      QVERIFY(it != bars.end() && it->ts == sig->ts);
      live.push_back({std::size_t(it - bars.begin()), sig->symbol, sig->side, sig->quantity});
    }
    QVERIFY2(live.size() == expected.size(),
             QStringLiteral("live %1 orders, backtest %2; first live: %3 first backtest: %4")
                 .arg(live.size())
                 .arg(expected.size())
                 .arg(QString::fromStdString(describe(live, 0, 3)), QString::fromStdString(describe(expected, 0, 3)))
                 .toUtf8());
    for (std::size_t i = 0; i < live.size(); ++i)
      QVERIFY2(live[i] == expected[i], (std::to_string(i) + ": live " + describe(live, i, 1) + " backtest " +
                                        describe(expected, i, 1))
                                           .c_str());
    qInfo("%s: %zu warm-up bars, %zu live bars, %zu orders identical live and in the backtest", qPrintable(strategy),
          K, N - K, live.size());
    runner.stop();
    storage.stop();
  }

  void parsesLiveConfiguration() {
    const auto& registry = strategy::StrategyRegistry::builtin();
    common::Config c;
    c.set("strategy.sma_cross.fast", "5");
    auto specs = live::parseLiveStrategies(" sma_cross: aapl, MSFT ; pairs:KO/PEP;", c, registry);
    QVERIFY2(specs.ok(), specs.ok() ? "" : specs.error().message.c_str());
    QCOMPARE(specs->size(), std::size_t(3));
    QCOMPARE(specs->at(0).id(), std::string("sma_cross:AAPL"));
    QCOMPARE(specs->at(1).id(), std::string("sma_cross:MSFT"));
    QCOMPARE(specs->at(0).params.get("fast"), 5.0);
    QCOMPARE(specs->at(0).params.get("slow"), 30.0);  // default
    QCOMPARE(specs->at(2).id(), std::string("pairs:KO/PEP"));
    QCOMPARE(specs->at(2).symbols, (std::vector<std::string>{"KO", "PEP"}));

    const auto error = [&](const char* text, const common::Config& cfg) {
      auto r = live::parseLiveStrategies(text, cfg, registry);
      return r.ok() ? std::string("(ok)") : r.error().message;
    };
    QVERIFY(error("nope:AAPL", c).find("unknown strategy 'nope'") != std::string::npos);
    QVERIFY(error("pairs:KO", c).find("needs 2 symbols") != std::string::npos);
    QVERIFY(error("sma_cross:A/B", c).find("one symbol per instance") != std::string::npos);
    QVERIFY(error("sma_cross:AAPL,AAPL", c).find("listed twice") != std::string::npos);
    QVERIFY(error("sma_cross", c).find("<strategy>:<SYMBOL>") != std::string::npos);
    common::Config bad = c;
    bad.set("strategy.sma_cross.fast", "abc");
    QVERIFY(error("sma_cross:AAPL", bad).find("strategy.sma_cross.fast = 'abc' is not a number") != std::string::npos);
    bad.set("strategy.sma_cross.fast", "50");
    QVERIFY(error("sma_cross:AAPL", bad).find("fast < slow") != std::string::npos);
    bad.set("strategy.sma_cross.fast", "5");
    bad.set("strategy.sma_cross.fats", "5");
    QVERIFY(error("sma_cross:AAPL", bad).find("fats") != std::string::npos);

    common::Config o;
    o.set("strategy.trade", "true");
    o.set("strategy.size_pct", "50");
    o.set("strategy.timeframe", "1h");
    auto opt = StrategyRunnerOptions::fromConfig(o);
    QVERIFY(opt.ok());
    QVERIFY(opt->trade);
    QVERIFY(opt->timeframe == domain::Timeframe::Hour1);
    QVERIFY(opt->sizing.mode == strategy::SizingRule::Mode::PercentOfEquity);
    o.set("strategy.timeframe", "2d");
    QVERIFY(!StrategyRunnerOptions::fromConfig(o).ok());
    for (const char* tf : {"5m", "15min"}) {  // no live feed publishes them: refused by name, not left waiting
      o.set("strategy.timeframe", tf);
      const auto refused = StrategyRunnerOptions::fromConfig(o);
      QVERIFY(!refused.ok());
      QVERIFY2(refused.error().message.find("feeds publish no 5m / 15m bars") != std::string::npos,
               refused.error().message.c_str());
    }
    o.set("strategy.timeframe", "1d");
    o.set("strategy.size_pct", "-1");
    QVERIFY(StrategyRunnerOptions::fromConfig(o).error().message.find("strategy.size_pct") != std::string::npos);
  }

  // strategy.trade: one order per symbol at a time; a newer target waits for the working order to end.
  void neverDoubleOrdersWhileWorking() {
    bus::EventBus bus;
    auto orders = std::make_shared<bus::Mailbox>();
    auto signalBox = std::make_shared<bus::Mailbox>();
    bus.subscribe<contract::SubmitOrder>(orders);
    bus.subscribe("strat.signal.>", signalBox);
    const auto& registry = strategy::StrategyRegistry::builtin();
    const std::pair<std::string, double> fs[] = {{"fast", 2}, {"slow", 3}};
    LiveStrategySpec spec{"sma_cross", {"TEST"}, *registry.resolve("sma_cross", fs)};
    StrategyRunnerOptions opt;
    opt.trade = true;
    common::SimulatedClock clock(0);
    StrategyRunner runner(bus, {spec}, opt, nullptr, clock);
    QVERIFY(runner.start().ok());
    QVERIFY(runner.waitUntilWarm(std::chrono::seconds(5)));

    const domain::Timestamp t0 = domain::fromSeconds(1704205800);  // 2024-01-02 09:30 ET
    const auto feed = [&](std::size_t from, std::initializer_list<double> closes) {
      std::size_t i = from;
      for (double c : closes) {
        const auto b = bar(t0 + domain::Timestamp(i++) * domain::kNanosPerDay, c);
        bus.publish(contract::BarClosed{"TEST", "sim", b});
      }
      QTRY_COMPARE(runner.status().at(0).lastTs, t0 + domain::Timestamp(i - 1) * domain::kNanosPerDay);
    };
    // Intraday-source bars do not count for a daily runner.
    bus.publish(contract::BarClosed{"TEST", "sim_1m", bar(t0, 50)});
    feed(0, {10, 9, 8, 7, 12});  // SMA2 crosses above SMA3 on the 5th bar: buy 100
    settle(runner);
    auto first = drainNow(*orders);
    QCOMPARE(first.size(), std::size_t(1));
    const auto* buy = first[0].as<contract::SubmitOrder>();
    QVERIFY(buy);
    QVERIFY(buy->order.side == domain::Side::Buy);
    QCOMPARE(buy->order.quantity, 100.0);
    QCOMPARE(buy->order.symbol, std::string("TEST"));
    QVERIFY(buy->order.type == domain::OrderType::Market);
    QCOMPARE(buy->order.strategyId, std::string("live:sma_cross:TEST"));
    QVERIFY(!buy->correlationId.empty());
    QVERIFY(!buy->order.clientOrderId.empty());

    feed(5, {13, 3});  // crosses below: the strategy sells 100, but the buy is still working
    settle(runner);
    auto sigs = drainNow(*signalBox);
    QCOMPARE(sigs.size(), std::size_t(2));
    QCOMPARE(sigs[0].as<contract::SignalGenerated>()->correlationId, buy->correlationId);
    QVERIFY(sigs[1].as<contract::SignalGenerated>()->side == domain::Side::Sell);
    QCOMPARE(sigs[1].as<contract::SignalGenerated>()->targetQuantity, 0.0);
    QVERIFY(sigs[1].as<contract::SignalGenerated>()->correlationId.empty());
    settle(runner);
    QCOMPARE(drainNow(*orders).size(), std::size_t(0));  // no second order

    // The buy partially fills, then fills: once it is done the remembered target (flat) is reconciled.
    domain::Order o = buy->order;
    o.status = domain::OrderStatus::PartiallyFilled;
    o.filledQuantity = 40;
    bus.publish(contract::OrderUpdated{o, buy->correlationId});
    settle(runner);
    QCOMPARE(drainNow(*orders).size(), std::size_t(0));
    o.status = domain::OrderStatus::Filled;
    o.filledQuantity = 100;
    bus.publish(contract::OrderUpdated{o, buy->correlationId});
    auto second = waitFor(*orders, 1, runner);
    QCOMPARE(second.size(), std::size_t(1));
    const auto* sell = second[0].as<contract::SubmitOrder>();
    QVERIFY(sell->order.side == domain::Side::Sell);
    QCOMPARE(sell->order.quantity, 100.0);
    QVERIFY(sell->correlationId != buy->correlationId);
    QVERIFY(sell->order.clientOrderId != buy->order.clientOrderId);

    // The venue refuses the sell: it is not retried by itself ...
    bus.publish(contract::CommandRejected{sell->correlationId, "market closed"});
    feed(7, {2});
    settle(runner);
    QCOMPARE(drainNow(*orders).size(), std::size_t(0));
    // ... the next signal (a new up-cross: target 100 again, the position is still 100) needs no order either.
    feed(8, {20, 30});
    settle(runner);
    QCOMPARE(drainNow(*orders).size(), std::size_t(0));
    runner.stop();
  }

  // A command the bus refuses (here: nothing handles SubmitOrder yet) is transient: decided again on the next bar,
  // which needs no new signal.
  void busRefusalIsRetriedOnTheNextBar() {
    bus::EventBus bus;
    const auto& registry = strategy::StrategyRegistry::builtin();
    const std::pair<std::string, double> fs[] = {{"fast", 2}, {"slow", 3}};
    LiveStrategySpec spec{"sma_cross", {"TEST"}, *registry.resolve("sma_cross", fs)};
    StrategyRunnerOptions opt;
    opt.trade = true;
    common::SimulatedClock clock(0);
    StrategyRunner runner(bus, {spec}, opt, nullptr, clock);
    QVERIFY(runner.start().ok());
    QVERIFY(runner.waitUntilWarm(std::chrono::seconds(5)));
    const domain::Timestamp t0 = domain::fromSeconds(1704205800);
    const auto feed = [&](std::size_t i, double close) {
      bus.publish(contract::BarClosed{"TEST", "sim", bar(t0 + domain::Timestamp(i) * domain::kNanosPerDay, close)});
      QTRY_COMPARE(runner.status().at(0).lastTs, t0 + domain::Timestamp(i) * domain::kNanosPerDay);
    };
    std::size_t i = 0;
    for (double c : {10.0, 9.0, 8.0, 7.0, 12.0}) feed(i++, c);  // the buy signal: refused, nobody takes orders
    QCOMPARE(runner.status().at(0).targets.at(0), 100.0);
    QCOMPARE(runner.status().at(0).filled.at(0), 0.0);
    QCOMPARE(runner.status().at(0).workingOrders, std::size_t(0));

    auto orders = std::make_shared<bus::Mailbox>();
    bus.subscribe<contract::SubmitOrder>(orders);
    auto signalBox = std::make_shared<bus::Mailbox>();
    bus.subscribe("strat.signal.>", signalBox);
    feed(i++, 13);  // no new signal on this bar, but the target is still 100 and nothing is working
    const auto got = waitFor(*orders, 1, runner);
    QCOMPARE(got.size(), std::size_t(1));
    const auto* buy = got[0].as<contract::SubmitOrder>();
    QVERIFY(buy->order.side == domain::Side::Buy);
    QCOMPARE(buy->order.quantity, 100.0);
    QCOMPARE(drainNow(*signalBox).size(), std::size_t(0));
    QCOMPARE(runner.status().at(0).workingOrders, std::size_t(1));
    runner.stop();
  }

  // The Strategy Monitor's view and controls: the StrategiesSnapshot after each step (position vs target, last
  // signal, indicators, P&L of the instance's own fills), pause (signals, no orders), flatten (closing orders
  // through SubmitOrder while paused), resume; refusals name the reason.
  void monitorPauseResumeFlatten() {
    bus::EventBus bus;
    auto orders = std::make_shared<bus::Mailbox>();
    auto statusBox = std::make_shared<bus::Mailbox>();
    auto rejects = std::make_shared<bus::Mailbox>();
    auto signalBox = std::make_shared<bus::Mailbox>();
    bus.subscribe<contract::SubmitOrder>(orders);
    bus.subscribe<contract::StrategiesSnapshot>(statusBox);
    bus.subscribe<contract::CommandRejected>(rejects);
    bus.subscribe("strat.signal.>", signalBox);
    const auto& registry = strategy::StrategyRegistry::builtin();
    const std::pair<std::string, double> fs[] = {{"fast", 2}, {"slow", 3}};
    LiveStrategySpec spec{"sma_cross", {"TEST"}, *registry.resolve("sma_cross", fs)};
    StrategyRunnerOptions opt;
    opt.trade = true;
    common::SimulatedClock clock(0);
    StrategyRunner runner(bus, {spec}, opt, nullptr, clock);
    QVERIFY(runner.start().ok());
    QVERIFY(runner.waitUntilWarm(std::chrono::seconds(5)));
    const domain::Timestamp t0 = domain::fromSeconds(1704205800);
    std::size_t day = 0;
    const auto feed = [&](std::initializer_list<double> closes) {
      for (double c : closes)
        bus.publish(contract::BarClosed{"TEST", "sim", bar(t0 + domain::Timestamp(day++) * domain::kNanosPerDay, c)});
      QTRY_COMPARE(runner.status().at(0).lastTs, t0 + domain::Timestamp(day - 1) * domain::kNanosPerDay);
      settle(runner);
    };
    const auto latest = [&]() -> contract::StrategyInstanceState {
      std::vector<bus::Envelope> got;
      statusBox->drain(got);
      std::shared_ptr<const contract::StrategiesSnapshot> last;
      for (const auto& e : got)
        if (const auto* s = e.as<contract::StrategiesSnapshot>()) last = std::make_shared<contract::StrategiesSnapshot>(*s);
      if (!last || last->instances.size() != 1) return {};
      return last->instances.front();
    };
    const auto fill = [&](const contract::SubmitOrder& o, double price, const char* fillId) {
      domain::Fill f;
      f.fillId = fillId;
      f.clientOrderId = o.order.clientOrderId;
      f.symbol = o.order.symbol;
      f.side = o.order.side;
      f.quantity = o.order.quantity;
      f.price = price;
      f.strategyId = o.order.strategyId;
      bus.publish(contract::OrderFilled{f});
      bus.publish(contract::OrderFilled{f});  // a duplicate report is counted once
      domain::Order u = o.order;
      u.status = domain::OrderStatus::Filled;
      u.filledQuantity = o.order.quantity;
      u.avgFillPrice = price;
      bus.publish(contract::OrderUpdated{u, o.correlationId});
      settle(runner);
    };
    const auto control = [&](contract::StrategyAction a, const char* instance = "sma_cross:TEST") {
      QVERIFY(bus.send(contract::ControlStrategy{"C-" + std::string(contract::toString(a)), instance, a}).ok());
      settle(runner);
    };

    feed({10, 9});
    auto st = latest();
    QCOMPARE(st.instance, std::string("sma_cross:TEST"));
    QCOMPARE(st.mode, std::string("PAPER"));
    QCOMPARE(st.state, std::string("warming up"));
    QCOMPARE(st.detail, std::string("2 of 3 bars"));
    feed({8, 7, 12});  // SMA2 crosses above SMA3: buy 100
    auto placed = drainNow(*orders);
    QCOMPARE(placed.size(), std::size_t(1));
    const contract::SubmitOrder buy = *placed[0].as<contract::SubmitOrder>();
    st = latest();
    QCOMPARE(st.state, std::string("flat"));  // nothing filled yet
    QCOMPARE(st.openOrders, 1);
    QCOMPARE(st.legs.at(0).target, 100.0);
    QCOMPARE(st.lastSignal, std::string("buy 100 TEST -> target 100"));
    QCOMPARE(st.lastSignalTs, t0 + 4 * domain::kNanosPerDay);
    QCOMPARE(st.indicators.size(), std::size_t(2));
    QCOMPARE(st.indicators[0].name, std::string("sma_fast"));
    QCOMPARE(st.indicators[0].value, 9.5);  // (7 + 12) / 2
    QCOMPARE(st.indicators[1].value, 9.0);  // (8 + 7 + 12) / 3
    fill(buy, 12.0, "F-1");
    feed({14});
    st = latest();
    QCOMPARE(st.state, std::string("long"));
    QCOMPARE(st.openOrders, 0);
    QCOMPARE(st.legs.at(0).position, 100.0);
    QCOMPARE(st.legs.at(0).avgCost, 12.0);
    QCOMPARE(st.legs.at(0).lastPrice, 14.0);
    QCOMPARE(st.unrealizedPnl, 200.0);  // 100 x (14 - 12)
    QCOMPARE(st.realizedPnl, 0.0);

    // Pause: the down-cross is signalled but not traded; the target stays.
    control(contract::StrategyAction::Pause);
    QCOMPARE(latest().state, std::string("paused"));
    feed({13, 3});
    QCOMPARE(drainNow(*orders).size(), std::size_t(0));
    std::vector<bus::Envelope> sigs;
    signalBox->drain(sigs);
    QVERIFY(!sigs.empty());
    QVERIFY(sigs.back().as<contract::SignalGenerated>()->reason.find("paused: not traded") != std::string::npos);
    st = latest();
    QCOMPARE(st.state, std::string("paused"));
    QCOMPARE(st.detail, std::string("no new orders"));
    QCOMPARE(st.legs.at(0).target, 100.0);
    QCOMPARE(st.legs.at(0).position, 100.0);

    // Refusals: paused twice, an unknown instance.
    control(contract::StrategyAction::Pause);
    control(contract::StrategyAction::Resume, "sma_cross:NOPE");
    std::vector<bus::Envelope> refused;
    rejects->drain(refused);
    QCOMPARE(refused.size(), std::size_t(2));
    QCOMPARE(refused[0].as<contract::CommandRejected>()->correlationId, std::string("C-pause"));
    QCOMPARE(refused[0].as<contract::CommandRejected>()->reason, std::string("sma_cross:TEST is paused already"));
    QCOMPARE(refused[1].as<contract::CommandRejected>()->reason,
             std::string("no live strategy instance 'sma_cross:NOPE'"));

    // Flatten while paused: the closing order goes out through SubmitOrder; filled, the instance is flat, paused.
    control(contract::StrategyAction::Flatten);
    placed = drainNow(*orders);
    QCOMPARE(placed.size(), std::size_t(1));
    const contract::SubmitOrder close = *placed[0].as<contract::SubmitOrder>();
    QVERIFY(close.order.side == domain::Side::Sell);
    QCOMPARE(close.order.quantity, 100.0);
    QCOMPARE(close.order.strategyId, std::string("live:sma_cross:TEST"));
    QCOMPARE(latest().detail, std::string("flattening"));
    fill(close, 3.0, "F-2");
    st = latest();
    QCOMPARE(st.state, std::string("paused"));
    QCOMPARE(st.detail, std::string("flattened"));
    QCOMPARE(st.legs.at(0).position, 0.0);
    QCOMPARE(st.legs.at(0).target, 0.0);
    QCOMPARE(st.realizedPnl, -900.0);  // 100 x (3 - 12)
    QCOMPARE(st.unrealizedPnl, 0.0);
    feed({20, 30});  // an up-cross while paused: still no order
    QCOMPARE(drainNow(*orders).size(), std::size_t(0));

    // Resume: flat, and the next up-cross trades again.
    control(contract::StrategyAction::Resume);
    QCOMPARE(latest().state, std::string("flat"));
    feed({5, 4, 10});
    placed = drainNow(*orders);
    QCOMPARE(placed.size(), std::size_t(1));
    QVERIFY(placed[0].as<contract::SubmitOrder>()->order.side == domain::Side::Buy);
    runner.stop();
  }

  // strategy_cycle: stored bars newer than the last one seen are evaluated, with a report.
  void cycleEvaluatesStoredBars() {
    auto s = loadCsv("orcl-1995-2014.csv", "ORCL");
    const std::size_t K = 400;
    QTemporaryDir dir;
    storage::StorageConfig sc;
    sc.backend = "sqlite";
    sc.sqlitePath = dir.filePath("cycle.sqlite").toStdString();
    storage::StorageService storage(sc);
    QVERIFY(storage.start().ok());
    const auto store = [&](std::size_t from, std::size_t to) {
      auto n = storage.call([&](storage::IStorage& st) {
        return st.upsertBars("ORCL", "yahoo", std::span<const domain::Bar>(s.bars.data() + from, to - from));
      }).get();
      QVERIFY(n.ok());
    };
    store(0, K);
    common::SimulatedClock clock(s.bars[K - 1].ts + domain::kNanosPerHour);
    bus::EventBus bus;
    const auto& registry = strategy::StrategyRegistry::builtin();
    LiveStrategySpec spec{"sma_cross", {"ORCL"}, *registry.resolve("sma_cross", {})};
    LiveStrategySpec missing{"momentum", {"NONE"}, *registry.resolve("momentum", {})};
    StrategyRunnerOptions opt;
    opt.historyDays = 30 * 365;
    StrategyRunner runner(bus, {spec, missing}, opt, &storage, clock);
    QVERIFY(runner.start().ok());
    std::atomic<bool> cancel{false};
    auto r = runner.runCycle(cancel);
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    QCOMPARE(r->newBars, std::size_t(0));
    QVERIFY2(r->summary().find("sma_cross:ORCL: up to date") != std::string::npos, r->summary().c_str());
    QVERIFY2(r->summary().find("momentum:NONE: no stored 1d bars") != std::string::npos, r->summary().c_str());

    store(K, K + 30);
    clock.set(s.bars[K + 29].ts + domain::kNanosPerHour);
    r = runner.runCycle(cancel);
    QVERIFY(r.ok());
    QCOMPARE(r->newBars, std::size_t(30));
    QCOMPARE(runner.status().at(0).liveBars, std::size_t(30));
    QCOMPARE(runner.status().at(0).lastTs, s.bars[K + 29].ts);
    QVERIFY2(r->summary().find("sma_cross:ORCL: 30 new bars to ") != std::string::npos, r->summary().c_str());
    QVERIFY2(r->summary().find("(29 caught up without trading)") != std::string::npos, r->summary().c_str());
    qInfo("cycle report: %s", r->summary().c_str());

    // Catch-up never orders on a stale bar: find the first bar j after a gap whose slice places an order when it
    // is the newest one (oracle: a LiveStrategyHost fed like the runner), store the gap up to j, run one cycle.
    auto signalBox = std::make_shared<bus::Mailbox>();
    bus.subscribe("strat.signal.>", signalBox);
    const std::size_t last = K + 29;
    // j is the SECOND such bar: the first one lies inside the gap and would have ordered had catch-up traded.
    std::size_t j = 0, firstInGap = 0, expectedSignals = 0;
    for (std::size_t cand = last + 2; cand < s.bars.size() && !j; ++cand) {
      live::LiveStrategyHost oracle(std::move(registry.create("sma_cross", spec.params)).value(), {"ORCL"});
      for (std::size_t t = 0; t <= cand; ++t)
        expectedSignals = oracle.step(std::span<const domain::Bar>(&s.bars[t], 1), t == last || t == cand).size();
      if (expectedSignals > 0) (firstInGap ? j : firstInGap) = cand;
    }
    QVERIFY(firstInGap > last && j > firstInGap);
    store(last + 1, j + 1);
    clock.set(s.bars[j].ts + domain::kNanosPerHour);
    r = runner.runCycle(cancel);
    QVERIFY(r.ok());
    QCOMPARE(r->newBars, j - last);
    QCOMPARE(r->signals, expectedSignals);
    const auto sigs = drainNow(*signalBox);
    QCOMPARE(sigs.size(), expectedSignals);
    for (const auto& e : sigs) QCOMPARE(e.as<contract::SignalGenerated>()->ts, s.bars[j].ts);

    cancel = true;  // a cancelled wait returns at once with a clear error
    auto c = runner.runCycle(cancel);
    QVERIFY(!c.ok());
    QCOMPARE(c.error().code, std::string("cancelled"));
    runner.stop();
    std::atomic<bool> no{false};
    QCOMPARE(runner.runCycle(no).error().code, std::string("strategy.stopped"));
    storage.stop();
  }
};

QTEST_GUILESS_MAIN(tst_StrategyRunner)
#include "tst_StrategyRunner.moc"
