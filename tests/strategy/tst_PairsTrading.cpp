// PairsTrading driven through a scripted StrategyContext: entry on |z| > entry_z with 2 % legs, exit on
// |z| < exit_z, stop, expiry, Half-Kelly sizing after kelly_after trades, hard cap per leg.
#include "core/strategy/builtin/PairsTrading.h"
#include "core/strategy/pairs/Cointegration.h"

#include <QtTest>

#include <cmath>
#include <random>
#include <vector>

using namespace meridian;
using namespace meridian::strategy;

namespace {

struct Placed {
  OrderId id;
  OrderRequest req;
};

class ScriptedContext final : public StrategyContext {
 public:
  double equityValue = 100'000.0;
  double pos[2] = {0, 0};
  std::vector<Placed> placed;
  domain::Timestamp now() const override { return 0; }
  std::size_t instrumentCount() const override { return 2; }
  std::string_view symbol(std::size_t i) const override { return i ? "B" : "A"; }
  double position(std::size_t i) const override { return pos[i]; }
  double cash() const override { return equityValue; }
  double equity() const override { return equityValue; }
  double defaultQuantity(std::size_t, double) const override { return 100; }
  OrderId submit(const OrderRequest& r) override {
    placed.push_back({OrderId(placed.size() + 1), r});
    return placed.back().id;
  }
  bool cancel(OrderId) override { return false; }
  std::size_t openOrders() const override { return 0; }
  void scheduleTimer(domain::Timestamp, std::uint32_t) override {}
};

struct Harness {
  PairsTrading strat;
  ScriptedContext ctx;
  std::size_t index = 0;
  explicit Harness(const PairsTradingConfig& c) : strat(c) {}
  void bar(double pa, double pb) {
    domain::Bar bars[2];
    bars[0].close = pa;
    bars[1].close = pb;
    BarSlice s;
    s.index = index++;
    s.bars = bars;
    strat.onBar(ctx, s);
  }
  // Fills every order placed since `from` at the given prices; returns the number filled.
  std::size_t fill(std::size_t from, double pa, double pb) {
    std::size_t n = 0;
    for (std::size_t k = from; k < ctx.placed.size(); ++k) {
      const auto& o = ctx.placed[k];
      FillEvent f;
      f.orderId = o.id;
      f.instrument = o.req.instrument;
      f.side = o.req.side;
      f.quantity = o.req.quantity;
      f.price = o.req.instrument ? pb : pa;
      f.orderDone = true;
      ctx.pos[o.req.instrument] += domain::sign(o.req.side) * o.req.quantity;
      strat.onFill(ctx, f);
      ++n;
    }
    return n;
  }
};

// Cointegrated pair: log B random walk, log A = 0.1 + log B + AR(1) noise.
struct Pair {
  std::vector<double> a, b;
};
Pair makePair(std::size_t n, unsigned seed, double phi = 0.7) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> e(0, 1);
  Pair p;
  double lb = std::log(50.0), u = 0;
  for (std::size_t i = 0; i < n; ++i) {
    lb += 0.01 * e(rng);
    u = phi * u + 0.005 * e(rng);
    p.b.push_back(std::exp(lb));
    p.a.push_back(std::exp(0.1 + lb + u));
  }
  return p;
}

}  // namespace

class tst_PairsTrading : public QObject {
  Q_OBJECT
  static PairsTradingConfig config() {
    PairsTradingConfig c;
    c.formation = 200;
    c.refit = 0;
    c.stopZ = 100.0;  // the scripted shocks below give large |z|
    c.expiry = 0.0;
    return c;
  }
  // Feeds the formation window; returns the harness ready to trade.
  static void warmUp(Harness& h, const Pair& p) {
    for (std::size_t i = 0; i < p.a.size(); ++i) h.bar(p.a[i], p.b[i]);
  }

 private Q_SLOTS:
  void fitsHedgeRatioAndHalfLifeOnTheFormationWindow() {
    const Pair p = makePair(200, 1);
    Harness h(config());
    warmUp(h, p);
    std::vector<double> la, lb;
    for (std::size_t i = 0; i < p.a.size(); ++i) {
      la.push_back(std::log(p.a[i]));
      lb.push_back(std::log(p.b[i]));
    }
    const CointegrationResult eg = engleGranger(la, lb);
    QCOMPARE(h.strat.hedgeRatio(), eg.hedgeRatio());
    QCOMPARE(h.strat.pValue(), eg.pValue);
    QVERIFY(h.strat.pValue() < 0.05);
    QCOMPARE(h.strat.halfLife(), halfLife(spreadSeries(la, lb, eg.ols.slope, eg.ols.intercept)));
    QVERIFY(h.ctx.placed.empty());
  }
  void entersWithTwoPercentLegsAndExitsNearTheMean() {
    const Pair p = makePair(200, 1);
    Harness h(config());
    warmUp(h, p);
    const double pb = p.b.back();
    const double pa = p.a.back() * 1.08;  // spread jumps up: sell A, buy B
    h.bar(pa, pb);
    QVERIFY2(h.strat.lastZ() > 2.0, qPrintable(QString::number(h.strat.lastZ())));
    QCOMPARE(h.ctx.placed.size(), std::size_t(2));
    const auto& legA = h.ctx.placed[0].req;
    const auto& legB = h.ctx.placed[1].req;
    QCOMPARE(legA.instrument, 0u);
    QVERIFY(legA.side == domain::Side::Sell);
    QCOMPARE(legA.quantity, std::floor(0.02 * 100'000.0 / pa));
    QCOMPARE(legB.instrument, 1u);
    QVERIFY(legB.side == domain::Side::Buy);
    QCOMPARE(legB.quantity, std::floor(std::abs(h.strat.hedgeRatio()) * 0.02 * 100'000.0 / pb));
    QCOMPARE(h.fill(0, pa, pb), std::size_t(2));

    // Back to the pre-shock relationship: |z| drops below exit_z within a few bars -> both legs closed.
    std::size_t exitAt = 0;
    for (int k = 0; k < 5 && exitAt == 0; ++k) {
      h.bar(p.a.back(), pb);
      if (h.ctx.placed.size() > 2) exitAt = h.ctx.placed.size();
    }
    QVERIFY(exitAt == 4);
    QVERIFY(std::abs(h.strat.lastZ()) < 0.5);
    QVERIFY(h.ctx.placed[2].req.side == domain::Side::Buy);  // buy back A
    QCOMPARE(h.ctx.placed[2].req.quantity, legA.quantity);
    QVERIFY(h.ctx.placed[3].req.side == domain::Side::Sell);  // sell B
    QCOMPARE(h.ctx.placed[3].req.quantity, legB.quantity);
  }
  void stopLossClosesWhenZExplodes() {
    // A slower pair (half-life ~13 bars -> z window ~27): with a 10-bar window |z| can never exceed
    // (10 - 1) / sqrt(10) = 2.85, so the stop needs a longer window to be reachable at all.
    PairsTradingConfig c = config();
    c.stopZ = 3.0;
    c.maxPValue = 1.0;
    const Pair p = makePair(200, 1, 0.95);
    Harness h(c);
    warmUp(h, p);
    QVERIFY2(zWindowForHalfLife(h.strat.halfLife()) >= 15, qPrintable(QString::number(h.strat.halfLife())));
    // Find a shock with 2 < z < 3 (copying the strategy to probe).
    double shock = 1.0;
    for (double m = 1.001; m < 1.2; m += 0.001) {
      Harness probe = h;
      probe.bar(p.a.back() * m, p.b.back());
      if (probe.strat.lastZ() > 2.0) {
        shock = m;
        break;
      }
    }
    h.bar(p.a.back() * shock, p.b.back());
    QCOMPARE(h.ctx.placed.size(), std::size_t(2));
    h.fill(0, p.a.back() * shock, p.b.back());
    h.bar(p.a.back() * shock * 1.5, p.b.back());  // spread keeps running away
    QVERIFY(h.strat.lastZ() > 3.0);
    QCOMPARE(h.ctx.placed.size(), std::size_t(4));
  }
  void expiresAfterMultipleOfHalfLife() {
    PairsTradingConfig c = config();
    c.expiry = 1.0;
    c.exitZ = 0.0001;  // never reached by the held shock below
    const Pair p = makePair(200, 1);
    Harness h(c);
    warmUp(h, p);
    const double pa = p.a.back() * 1.08;
    h.bar(pa, p.b.back());
    h.fill(0, pa, p.b.back());
    const double hl = h.strat.halfLife();
    std::size_t bars = 0;
    while (h.ctx.placed.size() == 2 && bars < 100) {
      h.bar(pa, p.b.back());  // spread stays away from the mean
      ++bars;
    }
    QCOMPARE(h.ctx.placed.size(), std::size_t(4));
    QCOMPARE(bars, std::size_t(std::floor(hl)) + 1);  // first bar with holding > 1 x half-life
  }
  void halfKellyAfterKellyAfterTradesAndHardCap() {
    PairsTradingConfig c = config();
    c.kellyAfter = 2;
    c.maxFraction = 0.5;
    const Pair p = makePair(200, 1);
    Harness h(c);
    warmUp(h, p);
    QCOMPARE(h.strat.nextFraction(), 0.02);
    std::vector<double> returns;
    // Trade 1 wins, trade 2 loses; returns computed here from the scripted fill prices.
    const double exitA[2] = {0.97, 1.01};  // A exit price factor (short A: lower is better)
    for (int t = 0; t < 2; ++t) {
      for (int k = 0; k < 70; ++k) h.bar(p.a.back(), p.b.back());  // flush earlier shocks from the z window
      const std::size_t from = h.ctx.placed.size();
      const double pa = p.a.back() * 1.08, pb = p.b.back();
      h.bar(pa, pb);
      QCOMPARE(h.ctx.placed.size(), from + 2);
      const double qa = h.ctx.placed[from].req.quantity, qb = h.ctx.placed[from + 1].req.quantity;
      h.fill(from, pa, pb);
      for (int k = 0; k < 5 && h.ctx.placed.size() == from + 2; ++k) h.bar(p.a.back(), pb);
      QCOMPARE(h.ctx.placed.size(), from + 4);
      h.fill(from + 2, pa * exitA[t], pb);
      const double cash = qa * pa - qb * pb - qa * pa * exitA[t] + qb * pb;
      returns.push_back(cash / (qa * pa + qb * pb));
      h.bar(p.a.back(), pb);  // books the closed trade
      QCOMPARE(h.strat.closedTrades(), std::size_t(t + 1));
    }
    QVERIFY(returns[0] > 0 && returns[1] < 0);
    const double w = 0.5, r = returns[0] / -returns[1];
    const double expected = std::clamp(0.5 * (w - (1 - w) / r), c.minFraction, c.maxFraction);
    QVERIFY2(std::abs(h.strat.nextFraction() - expected) < 1e-12,
             qPrintable(QString("%1 vs %2").arg(h.strat.nextFraction()).arg(expected)));

    // Hard cap: a fixed fraction above max_fraction is capped.
    PairsTradingConfig capped = config();
    capped.fixedFraction = 0.5;
    capped.maxFraction = 0.1;
    Harness hc(capped);
    warmUp(hc, p);
    const double pa = p.a.back() * 1.08;
    hc.bar(pa, p.b.back());
    QCOMPARE(hc.ctx.placed.size(), std::size_t(2));
    QCOMPARE(hc.ctx.placed[0].req.quantity, std::floor(0.1 * 100'000.0 / pa));
    QVERIFY(hc.ctx.placed[1].req.quantity * p.b.back() <= 0.1 * 100'000.0);
  }
  void doesNotTradeAnUncointegratedPair() {
    std::mt19937_64 rng(4);
    std::normal_distribution<double> e(0, 0.02);
    Harness h(config());
    double la = 3.0, lb = 4.0;
    for (int i = 0; i < 200; ++i) {
      la += e(rng);
      lb += e(rng);
      h.bar(std::exp(la), std::exp(lb));
    }
    QVERIFY(h.strat.pValue() > 0.05);
    h.bar(std::exp(la) * 1.3, std::exp(lb));
    QVERIFY(h.ctx.placed.empty());
  }
};

QTEST_APPLESS_MAIN(tst_PairsTrading)
#include "tst_PairsTrading.moc"
