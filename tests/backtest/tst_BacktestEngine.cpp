// BacktestEngine: SMA crossover on real ORCL data against a naive loop written here, no look-ahead, order
// types / time in force / partial fills through the engine, reproducibility, progress and cancellation,
// and no allocation per bar.
#include "core/backtest/BacktestEngine.h"
#include "core/backtest/BarSeriesLoader.h"
#include "core/backtest/ResultJson.h"
#include "core/backtest/SyntheticBars.h"
#include "core/strategy/builtin/SmaCross.h"
#include "core/time/TimeZones.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <new>

#include "tests/support/AllocationCounter.h"

using namespace meridian;
using namespace meridian::backtest;
using namespace meridian::strategy;
using domain::OrderStatus;
using domain::OrderType;
using domain::Side;
using domain::TimeInForce;

namespace {

struct RawCsv {
  std::vector<QString> date;
  std::vector<double> open, close;
};

// Independent CSV read (Qt) of the columns the naive loop needs.
RawCsv readCsv(const char* file) {
  QFile f(QString(MERIDIAN_SHARED_DATA) + "/" + file);
  if (!f.open(QIODevice::ReadOnly)) qFatal("cannot open %s", file);
  RawCsv r;
  f.readLine();
  while (!f.atEnd()) {
    const auto c = f.readLine().trimmed().split(',');
    if (c.size() < 7) continue;
    r.date.push_back(QString::fromLatin1(c[0]));
    r.open.push_back(c[1].toDouble());
    r.close.push_back(c[4].toDouble());
  }
  return r;
}

// Scripted strategy: the test supplies onBar; fills and order updates are recorded.
class Script final : public IStrategy {
 public:
  std::function<void(StrategyContext&, const BarSlice&)> bar;
  std::function<void(StrategyContext&, const FillEvent&)> fillHook;
  std::vector<FillEvent> fills;
  std::vector<std::pair<OrderStatus, std::string>> updates;
  std::vector<std::pair<domain::Timestamp, std::uint32_t>> timers;
  std::size_t instrumentCount = 1;
  std::string_view name() const override { return "script"; }
  std::size_t instruments() const override { return instrumentCount; }
  void onBar(StrategyContext& ctx, const BarSlice& s) override {
    if (bar) bar(ctx, s);
  }
  void onFill(StrategyContext& ctx, const FillEvent& f) override {
    fills.push_back(f);
    if (fillHook) fillHook(ctx, f);
  }
  void onOrderUpdate(StrategyContext&, const OrderUpdate& u) override {
    updates.emplace_back(u.status, std::string(u.reason));
  }
  void onTimer(StrategyContext& ctx, domain::Timestamp, std::uint32_t tag) override {
    timers.emplace_back(ctx.now(), tag);
  }
};

OrderRequest req(Side side, double qty, OrderType type = OrderType::Market, double limit = 0, double stop = 0,
                 TimeInForce tif = TimeInForce::Gtc) {
  OrderRequest r;
  r.side = side;
  r.quantity = qty;
  r.type = type;
  r.limitPrice = limit;
  r.stopPrice = stop;
  r.tif = tif;
  return r;
}

// Five hand-made daily bars.
BarSeries handBars(std::string symbol = std::string("HAND")) {
  BarSeries s;
  s.symbol = std::move(symbol);
  const double ohlc[5][4] = {{100, 101, 99, 100}, {100, 102, 97, 98}, {97, 99, 94, 95}, {90, 92, 88, 91}, {91, 93, 90, 92}};
  for (int i = 0; i < 5; ++i) {
    domain::Bar b;
    b.ts = domain::Timestamp(i + 1) * domain::kNanosPerDay;
    b.open = ohlc[i][0];
    b.high = ohlc[i][1];
    b.low = ohlc[i][2];
    b.close = ohlc[i][3];
    b.volume = 1000;
    s.bars.push_back(b);
  }
  return s;
}

// Runs `script` over the hand bars; at bar `at` it submits each request (returned ids in `ids`).
Result<BacktestResult> runHand(Script& script, const BacktestConfig& cfg = {}) {
  static const BarSeries bars = handBars();
  const SeriesView v[] = {{bars.symbol, bars.bars}};
  return BacktestEngine(cfg).run(script, v);
}

}  // namespace

class tst_BacktestEngine : public QObject {
  Q_OBJECT
  BarSeries m_orcl;

 private Q_SLOTS:
  void initTestCase() {
    auto s = loadYahooCsv(std::string(MERIDIAN_SHARED_DATA) + "/orcl-1995-2014.csv");
    QVERIFY(s.ok());
    m_orcl = std::move(s).value();
  }

  void smaCrossOnOrclMatchesNaiveLoop() {
    const int fast = 10, slow = 30;
    const double size = 100, pct = 0.001;
    BacktestConfig cfg;
    cfg.initialCash = 100'000;
    cfg.fill.commission = CommissionModel::percent(pct);
    cfg.sizing.value = size;
    ParamSet p;
    p.set("fast", fast);
    p.set("slow", slow);
    const SeriesView v[] = {{m_orcl.symbol, m_orcl.bars}};
    auto res = runBacktest(StrategyRegistry::builtin(), "sma_cross", p, v, cfg);
    QVERIFY2(res.ok(), res.ok() ? "" : res.error().message.c_str());

    // Naive: recompute both averages from scratch each day; orders fill at the next day's open.
    const RawCsv raw = readCsv("orcl-1995-2014.csv");
    const std::size_t T = raw.close.size();
    QCOMPARE(T, m_orcl.bars.size());
    struct NaiveTrade {
      QString entryDate, exitDate;
      double entry, exit, pnl;
    };
    std::vector<NaiveTrade> trades;
    std::vector<double> equity;
    double cash = 100'000, pos = 0, entryPrice = 0, entryFee = 0;
    QString entryDate;
    int pending = 0;  // +1 buy, -1 sell at the next open
    double prevDiff = 0;
    bool havePrev = false;
    for (std::size_t t = 0; t < T; ++t) {
      if (pending == 1) {
        entryPrice = raw.open[t];
        entryFee = pct * size * entryPrice;
        cash -= size * entryPrice + entryFee;
        pos = size;
        entryDate = raw.date[t];
      } else if (pending == -1) {
        const double px = raw.open[t], fee = pct * pos * px;
        cash += pos * px - fee;
        trades.push_back({entryDate, raw.date[t], entryPrice, px, (px - entryPrice) * pos - entryFee - fee});
        pos = 0;
      }
      pending = 0;
      if (t + 1 >= std::size_t(slow)) {
        double f = 0, s = 0;
        for (int k = 0; k < fast; ++k) f += raw.close[t - std::size_t(k)];
        for (int k = 0; k < slow; ++k) s += raw.close[t - std::size_t(k)];
        const double diff = f / fast - s / slow;
        if (havePrev) {
          if (prevDiff <= 0 && diff > 0 && pos == 0) pending = 1;
          else if (prevDiff >= 0 && diff < 0 && pos > 0) pending = -1;
        }
        prevDiff = diff;
        havePrev = true;
      }
      equity.push_back(cash + pos * raw.close[t]);
    }
    const double naiveFinal = cash + pos * raw.close[T - 1];

    const BacktestResult& r = *res;
    QVERIFY(trades.size() > 50);
    QCOMPARE(r.trades.size(), trades.size());
    for (std::size_t i = 0; i < trades.size(); ++i) {
      const auto& a = r.trades[i];
      const auto& b = trades[i];
      QCOMPARE(time::TimeZones::exchangeDateText(a.entryTs), b.entryDate);
      QCOMPARE(time::TimeZones::exchangeDateText(a.exitTs), b.exitDate);
      QCOMPARE(a.entryPrice, b.entry);
      QCOMPARE(a.exitPrice, b.exit);
      QVERIFY2(std::abs(a.pnl - b.pnl) < 1e-9, qPrintable(QString("trade %1: %2 vs %3").arg(i).arg(a.pnl).arg(b.pnl)));
      QCOMPARE(a.quantity, size);
    }
    QVERIFY2(std::abs(r.finalValue - naiveFinal) < 1e-6,
             qPrintable(QString("%1 vs %2").arg(r.finalValue, 0, 'f', 6).arg(naiveFinal, 0, 'f', 6)));
    QCOMPARE(r.equity.size(), T);
    for (std::size_t t = 0; t < T; ++t) QVERIFY(std::abs(r.equity[t].equity - equity[t]) < 1e-6);
    // Metrics are those of the curve.
    const auto batch = analytics::computeMetrics(r.initialCash, r.equity, r.trades);
    QCOMPARE(r.metrics.sharpe, batch.sharpe);
    QCOMPARE(r.metrics.maxDrawdown, batch.maxDrawdown);
    QCOMPARE(r.metrics.trades, std::int64_t(trades.size()));
    QCOMPARE(r.params.toString(), std::string("fast=10, slow=30"));
  }

  void marketOrdersFillAtTheNextOpenNeverTheSignalClose() {
    Script s;
    s.bar = [](StrategyContext& ctx, const BarSlice& b) {
      // Peeks at the whole bar (close included) and trades on it: the fill must still be the next open.
      if (b.index % 7 == 0) ctx.marketOrder(0, ctx.position(0) > 0 ? Side::Sell : Side::Buy, 10);
    };
    const SeriesView v[] = {{m_orcl.symbol, m_orcl.bars}};
    auto r = BacktestEngine().run(s, v);
    QVERIFY(r.ok());
    QVERIFY(s.fills.size() > 700);
    std::size_t differ = 0;
    for (const auto& f : s.fills) {
      std::size_t t = 0;
      while (m_orcl.bars[t].ts != f.ts) ++t;
      QCOMPARE(t % 7, std::size_t(1));  // one bar after the signal
      QCOMPARE(f.price, m_orcl.bars[t].open);
      if (f.price != m_orcl.bars[t - 1].close) ++differ;
    }
    QVERIFY(differ > s.fills.size() / 2);
    // An order placed on the last bar never fills.
    Script last;
    last.bar = [&](StrategyContext& ctx, const BarSlice& b) {
      if (b.index + 1 == m_orcl.bars.size()) ctx.marketOrder(0, Side::Buy, 1);
    };
    auto lr = BacktestEngine().run(last, v);
    QVERIFY(last.fills.empty());
    QCOMPARE(lr->orders.cancelled, std::int64_t(1));
  }

  void limitAndStopOrdersThroughTheEngine() {
    Script s;
    s.bar = [](StrategyContext& ctx, const BarSlice& b) {
      if (b.index == 0) ctx.submit(req(Side::Buy, 10, OrderType::Limit, 96));  // touched on bar 2 (low 94)
    };
    s.fillHook = [](StrategyContext& ctx, const FillEvent& f) {
      if (f.side == Side::Buy) ctx.submit(req(Side::Sell, 10, OrderType::Stop, 0, 93));
    };
    auto r = runHand(s);
    QVERIFY(r.ok());
    QCOMPARE(s.fills.size(), std::size_t(2));
    QCOMPARE(s.fills[0].price, 96.0);
    QCOMPARE(s.fills[0].ts, 3 * domain::kNanosPerDay);
    QCOMPARE(s.fills[1].price, 90.0);  // bar 3 gaps down through the 93 stop: filled at the open
    QCOMPARE(s.fills[1].ts, 4 * domain::kNanosPerDay);
    QCOMPARE(r->trades.size(), std::size_t(1));
    QCOMPARE(r->trades[0].pnl, -60.0);
    QCOMPARE(r->trades[0].barsHeld, std::int64_t(1));
    QCOMPARE(r->finalValue, 100'000.0 - 60.0);
  }

  void timeInForceAndRejections() {
    {  // Day order not touched -> expired after its first eligible bar.
      Script s;
      s.bar = [](StrategyContext& ctx, const BarSlice& b) {
        if (b.index == 0) ctx.submit(req(Side::Buy, 10, OrderType::Limit, 50, 0, TimeInForce::Day));
      };
      auto r = runHand(s);
      QCOMPARE(r->orders.expired, std::int64_t(1));
      QCOMPARE(s.updates.size(), std::size_t(1));
      QVERIFY(s.updates[0].first == OrderStatus::Expired);
    }
    {  // Not enough cash.
      Script s;
      s.bar = [](StrategyContext& ctx, const BarSlice& b) {
        if (b.index == 0) ctx.marketOrder(0, Side::Buy, 100);
      };
      BacktestConfig cfg;
      cfg.initialCash = 1000;
      auto r = runHand(s, cfg);
      QVERIFY(s.fills.empty());
      QCOMPARE(s.updates.size(), std::size_t(1));
      QVERIFY(s.updates[0].first == OrderStatus::Rejected);
      QCOMPARE(s.updates[0].second, std::string("insufficient cash"));
      QCOMPARE(r->finalValue, 1000.0);
    }
    {  // Shorting disabled.
      Script s;
      s.bar = [](StrategyContext& ctx, const BarSlice& b) {
        if (b.index == 0) ctx.marketOrder(0, Side::Sell, 1);
      };
      BacktestConfig cfg;
      cfg.allowShort = false;
      QVERIFY(runHand(s, cfg).ok());
      QVERIFY(s.updates.at(0).first == OrderStatus::Rejected);
    }
    {  // Invalid requests are rejected at submit.
      Script s;
      std::vector<OrderId> ids;
      s.bar = [&](StrategyContext& ctx, const BarSlice& b) {
        if (b.index != 0) return;
        ids.push_back(ctx.marketOrder(0, Side::Buy, 0));
        ids.push_back(ctx.submit(req(Side::Buy, 1, OrderType::Limit, 0)));
        ids.push_back(ctx.marketOrder(3, Side::Buy, 1));
        ids.push_back(ctx.marketOrder(0, Side::Buy, 1));
      };
      auto r = runHand(s);
      QCOMPARE(ids, (std::vector<OrderId>{kNoOrder, kNoOrder, kNoOrder, 1}));
      QCOMPARE(r->orders.rejected, std::int64_t(3));
    }
    {  // Cancel a working order.
      Script s;
      OrderId id = 0;
      bool cancelled = false;
      s.bar = [&](StrategyContext& ctx, const BarSlice& b) {
        if (b.index == 0) id = ctx.submit(req(Side::Buy, 1, OrderType::Limit, 10));
        if (b.index == 1) cancelled = ctx.cancel(id);
      };
      auto r = runHand(s);
      QVERIFY(cancelled);
      QCOMPARE(r->orders.cancelled, std::int64_t(1));
      QVERIFY(s.fills.empty());
    }
  }

  void partialFillsByVolumeParticipation() {
    BacktestConfig cfg;
    cfg.fill.maxParticipation = 0.1;  // 100 of the 1000 shares traded per bar
    {
      Script s;
      s.bar = [](StrategyContext& ctx, const BarSlice& b) {
        if (b.index == 0) ctx.marketOrder(0, Side::Buy, 250);
      };
      auto r = runHand(s, cfg);
      QCOMPARE(s.fills.size(), std::size_t(3));
      QCOMPARE(s.fills[0].quantity, 100.0);
      QCOMPARE(s.fills[0].price, 100.0);
      QVERIFY(!s.fills[0].orderDone);
      QCOMPARE(s.fills[1].quantity, 100.0);
      QCOMPARE(s.fills[1].price, 97.0);
      QCOMPARE(s.fills[2].quantity, 50.0);
      QCOMPARE(s.fills[2].price, 90.0);
      QVERIFY(s.fills[2].orderDone);
      QCOMPARE(r->positions[0].quantity, 250.0);
      QCOMPARE(r->orders.fills, std::int64_t(3));
      QCOMPARE(r->orders.filled, std::int64_t(1));
    }
    {  // IOC: one partial fill, remainder cancelled. FOK: nothing.
      Script s;
      s.bar = [](StrategyContext& ctx, const BarSlice& b) {
        if (b.index == 0) {
          ctx.submit(req(Side::Buy, 250, OrderType::Market, 0, 0, TimeInForce::Ioc));
          ctx.submit(req(Side::Buy, 250, OrderType::Market, 0, 0, TimeInForce::Fok));
        }
      };
      auto r = runHand(s, cfg);
      QCOMPARE(s.fills.size(), std::size_t(1));
      QCOMPARE(s.fills[0].quantity, 100.0);
      QCOMPARE(r->orders.cancelled, std::int64_t(2));
    }
  }

  void commissionMinimumAndLiquidationAtEnd() {
    BacktestConfig cfg;
    cfg.fill.commission = CommissionModel::perShare(0.005, 1.0);
    cfg.fill.slippageBps = 10;
    cfg.liquidateAtEnd = true;
    Script s;
    s.bar = [](StrategyContext& ctx, const BarSlice& b) {
      if (b.index == 0) ctx.marketOrder(0, Side::Buy, 10);
    };
    auto r = runHand(s, cfg);
    QCOMPARE(s.fills.size(), std::size_t(2));
    QCOMPARE(s.fills[0].commission, 1.0);  // 0.05 -> minimum
    QVERIFY(qFuzzyCompare(s.fills[0].price, 100.1));
    QVERIFY(qFuzzyCompare(s.fills[1].price, 92.0 * 0.999));  // last close, sold with slippage
    QCOMPARE(r->trades.size(), std::size_t(1));
    QCOMPARE(r->positions[0].quantity, 0.0);
    const double expected = 100'000.0 - 10 * 100.1 - 1.0 + 10 * 92.0 * 0.999 - 1.0;
    QVERIFY(std::abs(r->finalValue - expected) < 1e-9);
    QVERIFY(std::abs(r->trades[0].pnl - (expected - 100'000.0)) < 1e-9);
    QCOMPARE(r->equity.back().equity, r->finalValue);
  }

  void warmUpTimersAndTwoInstruments() {
    BacktestConfig cfg;
    cfg.tradeStart = 2;
    Script s;
    s.instrumentCount = 2;
    std::vector<OrderId> ids;
    std::vector<double> seen;
    s.bar = [&](StrategyContext& ctx, const BarSlice& b) {
      QCOMPARE(b.size(), std::size_t(2));
      seen.push_back(b[1].close);
      if (b.index == 0) ctx.scheduleTimer(3 * domain::kNanosPerDay, 7);
      if (b.index <= 2) ids.push_back(ctx.marketOrder(1, Side::Buy, 1));
    };
    BarSeries a = handBars(), b = handBars(std::string(1, 'B'));
    for (auto& bar : b.bars) {
      bar.close *= 2;
      bar.high *= 2;
      bar.open *= 2;
      bar.low *= 2;
    }
    const SeriesView v[] = {{a.symbol, a.bars}, {b.symbol, b.bars}};
    auto r = BacktestEngine(cfg).run(s, v);
    QVERIFY(r.ok());
    QCOMPARE(ids, (std::vector<OrderId>{kNoOrder, kNoOrder, 1}));  // warm-up bars reject orders
    QCOMPARE(r->equity.size(), std::size_t(3));
    QCOMPARE(r->startTs, 3 * domain::kNanosPerDay);
    QCOMPARE(seen, (std::vector<double>{200, 196, 190, 182, 184}));
    QCOMPARE(s.timers.size(), std::size_t(1));
    QCOMPARE(s.timers[0], (std::pair<domain::Timestamp, std::uint32_t>(3 * domain::kNanosPerDay, 7)));
    QCOMPARE(s.fills.at(0).instrument, 1u);
    QCOMPARE(s.fills.at(0).price, 180.0);
    // Misaligned input is refused.
    BarSeries shorter = handBars();
    shorter.bars.pop_back();
    const SeriesView bad[] = {{a.symbol, a.bars}, {shorter.symbol, shorter.bars}};
    QVERIFY(!BacktestEngine().run(s, bad).ok());
  }

  void reproducibleByteForByte() {
    BacktestConfig cfg;
    cfg.fill.commission = CommissionModel::percent(0.001);
    cfg.fill.slippageBps = 5;
    ParamSet p;
    p.set("fast", 20);
    p.set("slow", 50);
    const SeriesView v[] = {{m_orcl.symbol, m_orcl.bars}};
    JsonOptions all;
    all.equity = all.fills = all.monthly = true;
    const auto a = runBacktest(StrategyRegistry::builtin(), "sma_cross", p, v, cfg);
    const auto b = runBacktest(StrategyRegistry::builtin(), "sma_cross", p, v, cfg);
    const std::string ja = toJson(*a, all), jb = toJson(*b, all);
    QVERIFY(ja.size() > 100'000);
    QVERIFY(ja == jb);
    QVERIFY(ja.find("\"final_value\":") != std::string::npos);
    p.set("slow", 51);
    QVERIFY(toJson(*runBacktest(StrategyRegistry::builtin(), "sma_cross", p, v, cfg), all) != ja);
  }

  // The equity curve's JSON carries each point's drawdown, from peaks that start at the initial cash; its lowest
  // is the metrics' max drawdown.
  void equityJsonCarriesTheDrawdown() {
    BacktestConfig cfg;
    cfg.initialCash = 100'000;
    ParamSet p;
    p.set("fast", 20);
    p.set("slow", 50);
    const SeriesView v[] = {{m_orcl.symbol, m_orcl.bars}};
    const auto r = runBacktest(StrategyRegistry::builtin(), "sma_cross", p, v, cfg);
    QVERIFY(r);
    QJsonParseError error;
    const QJsonArray points = QJsonDocument::fromJson(QByteArray::fromStdString(equityJson(*r)), &error).array();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(std::size_t(points.size()), r->equity.size());
    double peak = r->initialCash, lowest = 0;
    for (qsizetype i = 0; i < points.size(); ++i) {
      const QJsonObject o = points[i].toObject();
      const double equity = r->equity[std::size_t(i)].equity, drawdown = o["drawdown"].toDouble();
      QVERIFY(std::abs(o["equity"].toDouble() - equity) < 1e-9);
      peak = std::max(peak, equity);
      QVERIFY(std::abs(drawdown - (equity / peak - 1.0)) < 1e-12);
      lowest = std::min(lowest, drawdown);
    }
    QVERIFY2(lowest < -0.01, qPrintable(QString::number(lowest)));  // a drawdown worth checking (3.4% here)
    QVERIFY(std::abs(lowest + r->metrics.maxDrawdown) < 1e-9);
  }

  void progressAndCancellation() {
    const SeriesView v[] = {{m_orcl.symbol, m_orcl.bars}};
    std::vector<std::size_t> seen;
    RunControl ctl;
    ctl.progress = [&](std::size_t done, std::size_t total) {
      QCOMPARE(total, m_orcl.bars.size());
      seen.push_back(done);
    };
    SmaCross s1(10, 30);
    QVERIFY(BacktestEngine().run(s1, v, ctl).ok());
    QVERIFY(seen.size() >= 99 && seen.size() <= 101);
    QVERIFY(std::is_sorted(seen.begin(), seen.end()));
    QCOMPARE(seen.back(), m_orcl.bars.size());

    std::atomic<bool> cancel{true};
    RunControl c2;
    c2.cancel = &cancel;
    SmaCross s2(10, 30);
    auto r = BacktestEngine().run(s2, v, c2);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, std::string(kCancelledCode));

    std::stop_source src;
    RunControl c3;
    c3.stop = src.get_token();
    std::size_t last = 0;
    c3.progress = [&](std::size_t done, std::size_t total) {
      last = done;
      if (done * 2 > total) src.request_stop();
    };
    SmaCross s3(10, 30);
    auto r3 = BacktestEngine().run(s3, v, c3);
    QCOMPARE(r3.error().code, std::string(kCancelledCode));
    QVERIFY(last < m_orcl.bars.size() * 3 / 4);
  }

  void noAllocationPerBar() {
    if (!meridian::test::kCountsAllocations) QSKIP("ThreadSanitizer replaces operator new: allocations are counted in the other builds");
    auto count = [](std::size_t bars) {
      const BarSeries s = randomWalkBars("SYN", bars, 42);
      BacktestConfig cfg;
      cfg.recordFills = false;
      const SeriesView v[] = {{s.symbol, s.bars}};
      SmaCross strat(10, 30);
      const BacktestEngine engine(cfg);
      const long before = meridian::test::allocations();
      auto r = engine.run(strat, v);
      const long used = meridian::test::allocations() - before;
      if (!r.ok() || r->trades.size() < bars / 200) qFatal("unexpected run");
      return used;
    };
    const long small = count(50'000), large = count(200'000);
    QVERIFY2(large - small < 64, qPrintable(QString("%1 vs %2 allocations").arg(small).arg(large)));
  }
};

QTEST_APPLESS_MAIN(tst_BacktestEngine)
#include "tst_BacktestEngine.moc"
