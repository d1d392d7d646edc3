// PairsTrading driven through a scripted StrategyContext: entry on |z| > entry_z with 2 % legs, exit on
// |z| < exit_z, stop, expiry, Half-Kelly sizing after kelly_after trades, hard cap per leg. Entry, exit and stop
// boundaries (strict: exactly at a threshold is not beyond it) against z values computed here by plain formulas.
#include "core/strategy/builtin/PairsTrading.h"
#include "core/strategy/pairs/Cointegration.h"

#include <QtTest>

#include <cmath>
#include <deque>
#include <map>
#include <random>
#include <vector>

using namespace meridian;
using namespace meridian::strategy;

namespace PairsTrading_test {  // named: the test class uses its types (-Wsubobject-linkage)

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


// Independent reference for the signal (plain formulas, no library code): hedge ratio by OLS with intercept,
// half-life by the AR(1) regression of the spread's changes on its level, z window min(max(10, 2 hl), 60), and
// the z-score of the newest spread over that window with the sample standard deviation.
double olsSlope(const std::vector<double>& y, const std::vector<double>& x) {
  const double n = double(y.size());
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    mx += x[i] / n;
    my += y[i] / n;
  }
  double sxy = 0, sxx = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
  }
  return sxy / sxx;
}

struct ZReference {
  double hedge = 0;
  double halfLife = 0;
  std::size_t window = 0;
  std::deque<double> spreads;  // the last `window` spreads

  explicit ZReference(const Pair& formation) {
    std::vector<double> la, lb;
    for (std::size_t i = 0; i < formation.a.size(); ++i) {
      la.push_back(std::log(formation.a[i]));
      lb.push_back(std::log(formation.b[i]));
    }
    hedge = olsSlope(la, lb);
    std::vector<double> s, lag, delta;
    for (std::size_t i = 0; i < la.size(); ++i) s.push_back(la[i] - hedge * lb[i]);
    for (std::size_t i = 1; i < s.size(); ++i) {
      lag.push_back(s[i - 1]);
      delta.push_back(s[i] - s[i - 1]);
    }
    halfLife = -std::log(2.0) / olsSlope(delta, lag);
    window = std::size_t(std::lround(std::min(std::max(2.0 * halfLife, 10.0), 60.0)));
    spreads.assign(s.end() - std::ptrdiff_t(window), s.end());
  }
  static double z(const std::deque<double>& w) {
    double mean = 0;
    for (double v : w) mean += v / double(w.size());
    double ss = 0;
    for (double v : w) ss += (v - mean) * (v - mean);
    return (w.back() - mean) / std::sqrt(ss / double(w.size() - 1));
  }
  // The price of A that puts the z of the next bar (B at pb) at `target`: with the other n - 1 values of the
  // window (mean m, sum of squared deviations V), a new value at m + d has z^2 = (n-1)^3 d^2 / (n^2 (V + d^2 (n-1)/n)),
  // so d^2 = z^2 n^2 V / ((n-1) ((n-1)^2 - n z^2)).
  double priceForZ(double target, double pb) const {
    const double n = double(window);
    double m = 0;
    for (std::size_t i = 1; i < spreads.size(); ++i) m += spreads[i] / (n - 1);
    double v = 0;
    for (std::size_t i = 1; i < spreads.size(); ++i) v += (spreads[i] - m) * (spreads[i] - m);
    const double d = std::sqrt(target * target * n * n * v / ((n - 1) * ((n - 1) * (n - 1) - n * target * target)));
    return std::exp(m + (target < 0 ? -d : d) + hedge * std::log(pb));
  }
  // Books a bar; returns its z.
  double push(double pa, double pb) {
    spreads.pop_front();
    spreads.push_back(std::log(pa) - hedge * std::log(pb));
    return z(spreads);
  }
};

}  // namespace PairsTrading_test
using namespace PairsTrading_test;

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
  // ---- Boundaries against hand-computed z (ZReference): entry 2, exit 0.5, stop 3 ---------------------------------
  static PairsTradingConfig boundaryConfig() {
    PairsTradingConfig c = config();
    c.entryZ = 2.0;
    c.exitZ = 0.5;
    c.stopZ = 3.0;
    c.maxPValue = 1.0;  // the slow pair below: the thresholds, not the p-value, decide
    return c;
  }
  static Pair slowPair() { return makePair(200, 1, 0.95); }
  // A harness after warm-up, checked against the reference (same hedge, half-life, no trade yet).
  static Harness warmed(const PairsTradingConfig& c, const Pair& p, const ZReference& ref) {
    Harness h(c);
    warmUp(h, p);
    if (std::abs(h.strat.hedgeRatio() - ref.hedge) > 1e-9 || std::abs(h.strat.halfLife() - ref.halfLife) > 1e-6 ||
        !h.ctx.placed.empty())
      qFatal("warm-up differs from the reference: hedge %.12f vs %.12f, half-life %.9f vs %.9f", h.strat.hedgeRatio(),
             ref.hedge, h.strat.halfLife(), ref.halfLife);
    return h;
  }

  void entryOnlyBeyondTheEntryThresholdAndBelowTheStop() {
    const Pair p = slowPair();
    const ZReference ref(p);
    QVERIFY2(ref.window >= 20, qPrintable(QString::number(ref.window)));  // |z| up to (n-1)/sqrt(n) > 4 reachable
    const Harness base = warmed(boundaryConfig(), p, ref);
    const double pb = p.b.back();
    struct Case {
      double z;
      int legs;           // orders placed by this bar
      domain::Side sideA;  // of leg A when placed
    };
    const Case cases[] = {
        {1.5, 0, {}},                    // 1 < |z| <= entry: no entry (catches a halved threshold)
        {1.99, 0, {}},  {-1.99, 0, {}},
        {2.01, 2, domain::Side::Sell},   // just beyond entry: sell the spread (catches entry x 1.25)
        {-2.01, 2, domain::Side::Buy},   // below -entry: buy the spread
        {2.5, 2, domain::Side::Sell},   {2.99, 2, domain::Side::Sell},
        {3.01, 0, {}},  {-3.01, 0, {}},  // beyond the stop: never entered
    };
    for (const Case& c : cases) {
      Harness h = base;
      ZReference r = ref;
      const double pa = ref.priceForZ(c.z, pb);
      const double expectedZ = r.push(pa, pb);
      QVERIFY2(std::abs(expectedZ - c.z) < 1e-9, qPrintable(QString("%1 vs %2").arg(expectedZ).arg(c.z)));
      h.bar(pa, pb);
      QVERIFY2(std::abs(h.strat.lastZ() - expectedZ) < 1e-6,
               qPrintable(QString("strategy z %1, reference %2").arg(h.strat.lastZ(), 0, 'g', 12).arg(expectedZ, 0, 'g', 12)));
      QVERIFY2(h.ctx.placed.size() == std::size_t(c.legs), qPrintable(QString("z = %1: %2 order(s)").arg(c.z).arg(h.ctx.placed.size())));
      if (c.legs) {
        QVERIFY(h.ctx.placed[0].req.side == c.sideA);
        QVERIFY(h.ctx.placed[1].req.side != c.sideA);  // hedge ratio > 0: B on the other side
      }
    }
  }

  void exactlyAtAThresholdIsNotBeyondIt() {
    // The thresholds are strict: |z| == entry_z does not enter, |z| == stop_z does not stop, |z| == exit_z does not
    // exit. The strategy's own z of a bar is reused as the threshold of a second run over the same bars (bitwise the
    // same z), and the threshold one ulp closer to zero flips each decision.
    const Pair p = slowPair();
    const ZReference ref(p);
    const double pb = p.b.back();
    const double entryBar = ref.priceForZ(2.0, pb);
    auto entryZ = [&] {
      Harness h = warmed(boundaryConfig(), p, ref);
      h.bar(entryBar, pb);
      return h.strat.lastZ();
    }();
    QVERIFY(std::abs(entryZ - 2.0) < 1e-6);
    auto ordersAtEntry = [&](double threshold) {
      PairsTradingConfig c = boundaryConfig();
      c.entryZ = threshold;
      Harness h = warmed(c, p, ref);
      h.bar(entryBar, pb);
      return h.ctx.placed.size();
    };
    QCOMPARE(ordersAtEntry(entryZ), std::size_t(0));
    QCOMPARE(ordersAtEntry(std::nextafter(entryZ, 0.0)), std::size_t(2));

    // In a trade entered at z = 2.5: a bar exactly at exit_z (0.5) holds, a bar exactly at stop_z (3) holds.
    ZReference inTrade = ref;
    const double enterAt = ref.priceForZ(2.5, pb);
    inTrade.push(enterAt, pb);
    for (const double target : {0.5, 3.0}) {
      const double probeBar = inTrade.priceForZ(target, pb);
      auto run = [&](double exitZ, double stopZ, double* z) {
        PairsTradingConfig c = boundaryConfig();
        c.exitZ = exitZ;
        c.stopZ = stopZ;
        Harness h = warmed(c, p, ref);
        h.bar(enterAt, pb);
        if (h.ctx.placed.size() != 2) qFatal("no entry at z = 2.5");
        h.fill(0, enterAt, pb);
        h.bar(probeBar, pb);
        if (z) *z = h.strat.lastZ();
        return h.ctx.placed.size();
      };
      double z = 0;
      run(0.5, 3.0, &z);
      QVERIFY2(std::abs(z - target) < 1e-6, qPrintable(QString::number(z, 'g', 12)));
      if (target < 1.0) {
        QCOMPARE(run(z, 3.0, nullptr), std::size_t(2));                            // at exit_z: holds
        QCOMPARE(run(std::nextafter(z, 10.0), 3.0, nullptr), std::size_t(4));     // just above: exits
      } else {
        QCOMPARE(run(0.5, z, nullptr), std::size_t(2));                            // at stop_z: holds
        QCOMPARE(run(0.5, std::nextafter(z, 0.0), nullptr), std::size_t(4));      // just below: stops out
      }
    }
  }

  void exitAndStopBoundariesInATrade() {
    const Pair p = slowPair();
    const ZReference ref(p);
    const double pb = p.b.back();
    Harness base = warmed(boundaryConfig(), p, ref);
    ZReference r0 = ref;
    const double enterAt = ref.priceForZ(2.5, pb);
    r0.push(enterAt, pb);
    base.bar(enterAt, pb);
    QCOMPARE(base.ctx.placed.size(), std::size_t(2));
    base.fill(0, enterAt, pb);
    struct Case {
      double z;
      bool exits;
    };
    // In the trade: |z| < 0.5 exits, 0.5 <= |z| <= 3 holds, |z| > 3 stops out; either sign.
    const Case cases[] = {{0.55, false}, {-0.55, false}, {1.0, false}, {2.99, false}, {-2.99, false},
                          {0.45, true},  {-0.45, true},  {0.0, true},  {3.01, true},  {-3.01, true}};
    for (const Case& c : cases) {
      Harness h = base;
      ZReference r = r0;
      const double pa = r0.priceForZ(c.z, pb);
      const double expectedZ = r.push(pa, pb);
      h.bar(pa, pb);
      QVERIFY2(std::abs(h.strat.lastZ() - expectedZ) < 1e-6 && std::abs(expectedZ - c.z) < 1e-9,
               qPrintable(QString("strategy z %1, reference %2, target %3").arg(h.strat.lastZ()).arg(expectedZ).arg(c.z)));
      QVERIFY2(h.ctx.placed.size() == (c.exits ? 4u : 2u),
               qPrintable(QString("z = %1: %2 order(s)").arg(c.z).arg(h.ctx.placed.size())));
      if (c.exits) {
        QVERIFY(h.ctx.placed[2].req.side == domain::Side::Buy);  // buys back A (the spread was sold)
        QCOMPARE(h.ctx.placed[2].req.quantity, base.ctx.placed[0].req.quantity);
        QVERIFY(h.ctx.placed[3].req.side == domain::Side::Sell);
        QCOMPARE(h.ctx.placed[3].req.quantity, base.ctx.placed[1].req.quantity);
      }
    }
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

  // indicators() (what the Strategy Monitor shows) on data built so that every value is known by hand. Formation 30
  // bars; log B steps by 0.01 every second bar (x_2k = x_2k+1 = 3.9 + 0.01 k) and log A = 0.2 + 2 log B + e with
  // e_i = d (-1)^i, d = 0.003. Then:
  //   hedge:     e sums to 0 and sum e_i x_i = d sum_k (x_2k - x_2k+1) = 0, so OLS gives slope 2, intercept 0.2;
  //   half-life: the spread's change is exactly -2 x its previous level (e_i - e_i-1 = -2 e_i-1): slope -2,
  //              half-life ln 2 / 2 = 0.34657 bars -> z window max(10, 2 x 0.35) = 10;
  //   z:         the last 10 spreads are 0.2 + d, 0.2 - d alternately: mean 0.2, sample sd d sqrt(10 / 9); the newest
  //              (bar 29, odd) is 0.2 - d: z = -d / (d sqrt(10/9)) = -sqrt(0.9) = -0.948683; one bar later (e = +d,
  //              the window still 5 and 5) z = +sqrt(0.9).
  // Before the formation window is full nothing is fitted: every value is NaN.
  void indicatorsReportHandComputedValues() {
    PairsTradingConfig c = config();
    c.formation = 30;
    Harness h(c);
    constexpr double d = 0.003;
    const auto logB = [](int i) { return 3.9 + 0.01 * (i / 2); };
    const auto e = [](int i) { return i % 2 ? -d : d; };
    const auto bar = [&](int i) { h.bar(std::exp(0.2 + 2.0 * logB(i) + e(i)), std::exp(logB(i))); };
    const auto values = [&] {
      std::vector<std::pair<std::string, double>> out;
      h.strat.indicators(out);
      std::map<std::string, double> m(out.begin(), out.end());
      return m;
    };
    for (int i = 0; i < 29; ++i) bar(i);
    auto v = values();
    QCOMPARE(v.size(), std::size_t(4));
    for (const char* name : {"z", "hedge", "p_value", "half_life"}) QVERIFY2(std::isnan(v.at(name)), name);

    bar(29);  // the 30th bar: fitted
    v = values();
    QVERIFY2(std::abs(v.at("hedge") - 2.0) < 1e-9, qPrintable(QString::number(v.at("hedge"), 'g', 17)));
    QVERIFY2(std::abs(v.at("half_life") - std::log(2.0) / 2.0) < 1e-9, qPrintable(QString::number(v.at("half_life"), 'g', 17)));
    QVERIFY2(std::abs(v.at("z") + std::sqrt(0.9)) < 1e-6, qPrintable(QString::number(v.at("z"), 'g', 17)));
    QVERIFY(v.at("p_value") >= 0.0 && v.at("p_value") <= 1.0);
    bar(30);
    v = values();
    QVERIFY2(std::abs(v.at("z") - std::sqrt(0.9)) < 1e-6, qPrintable(QString::number(v.at("z"), 'g', 17)));
    QVERIFY2(std::abs(v.at("hedge") - 2.0) < 1e-9, "refit 0: fitted once");
  }
};

QTEST_APPLESS_MAIN(tst_PairsTrading)
#include "tst_PairsTrading.moc"
