// Grid optimizer (deterministic across thread counts, best = argmax of independent single runs) and
// walk-forward (window arithmetic, capital chaining, stitched curve).
#include "core/backtest/BarSeriesLoader.h"
#include "core/backtest/Optimizer.h"

#include <QtTest>

#include <cmath>
#include <limits>

using namespace meridian;
using namespace meridian::backtest;
using namespace meridian::strategy;

class tst_Optimizer : public QObject {
  Q_OBJECT
  BarSeries m_orcl;
  ParamGrid grid() const {
    ParamGrid g;
    g.add(*ParamGrid::parseAxis("fast=5:20:5"));
    g.add(*ParamGrid::parseAxis("slow=20,40,60"));
    return g;
  }
  BacktestConfig config() const {
    BacktestConfig c;
    c.fill.commission = CommissionModel::percent(0.001);
    return c;
  }

 private Q_SLOTS:
  // The best point among its grid neighbours, on a hand-made 3 x 3 grid (row-major: b varies fastest).
  void bestPointStability() {
    backtest::ParamGrid grid;
    grid.add({"a", {1, 2, 3}});
    grid.add({"b", {10, 20, 30}});
    const auto resultWith = [](std::vector<double> scores, std::size_t best, std::vector<std::size_t> invalid = {}) {
      backtest::OptimizationResult r;
      for (double s : scores) {
        backtest::OptimizationRun run;
        run.valid = true;
        run.score = s;
        r.runs.push_back(run);
      }
      for (std::size_t i : invalid) r.runs[i].valid = false;
      r.best = best;
      return r;
    };
    // Centre (a=2, b=20) = index 4; neighbours 1 (a=1), 7 (a=3), 3 (b=10), 5 (b=30).
    auto st = backtest::bestPointStability(resultWith({0, 0.3, 0, 0.4, 2.0, 0.2, 0, 0.5, 0}, 4), grid);
    QCOMPARE(st.neighbours, std::size_t(4));
    QCOMPARE(st.bestScore, 2.0);
    QCOMPARE(st.neighbourMean, (0.3 + 0.4 + 0.2 + 0.5) / 4);
    QVERIFY(st.isolatedSpike);
    // A plateau is not a spike.
    st = backtest::bestPointStability(resultWith({0, 1.5, 0, 1.8, 2.0, 1.2, 0, 1.9, 0}, 4), grid);
    QVERIFY(!st.isolatedSpike);
    // Exactly half is not "less than half"; an invalid neighbour does not count.
    st = backtest::bestPointStability(resultWith({0, 1.0, 0, 1.0, 2.0, 1.0, 0, -9.0, 0}, 4, {7}), grid);
    QCOMPARE(st.neighbours, std::size_t(3));
    QCOMPARE(st.neighbourMean, 1.0);
    QVERIFY(!st.isolatedSpike);
    // A corner has two neighbours: index 0 (a=1, b=10) -> 1 (b=20) and 3 (a=2).
    st = backtest::bestPointStability(resultWith({1.0, 0.1, 9, 0.3, 9, 9, 9, 9, 9}, 0), grid);
    QCOMPARE(st.neighbours, std::size_t(2));
    QCOMPARE(st.neighbourMean, 0.2);
    QVERIFY(st.isolatedSpike);
    // A best score <= 0 is never flagged: there is nothing good to be isolated.
    st = backtest::bestPointStability(resultWith({-1, -5, -5, -5, -0.5, -5, -5, -5, -5}, 4), grid);
    QVERIFY(!st.isolatedSpike);
  }

  void initTestCase() {
    auto s = loadYahooCsv(std::string(MERIDIAN_SHARED_DATA) + "/orcl-1995-2014.csv");
    QVERIFY(s.ok());
    m_orcl = std::move(s).value();
  }
  void parsesAxes() {
    auto a = ParamGrid::parseAxis("fast=5:20:5");
    QVERIFY(a.ok());
    QCOMPARE(a->name, std::string("fast"));
    QCOMPARE(a->values, (std::vector<double>{5, 10, 15, 20}));
    QCOMPARE(ParamGrid::parseAxis("k=1:2:0.25")->values, (std::vector<double>{1, 1.25, 1.5, 1.75, 2}));
    QCOMPARE(ParamGrid::parseAxis("slow=30,50")->values, (std::vector<double>{30, 50}));
    QCOMPARE(ParamGrid::parseAxis("x=3:3")->values, (std::vector<double>{3}));
    QVERIFY(!ParamGrid::parseAxis("fast").ok());
    QVERIFY(!ParamGrid::parseAxis("fast=5:1:1").ok());
    QVERIFY(!ParamGrid::parseAxis("fast=1:5:0").ok());
    QVERIFY(!ParamGrid::parseAxis("fast=a,b").ok());
    const ParamGrid g = grid();
    QCOMPARE(g.size(), std::size_t(12));
    ParamSet base;
    base.set("fast", 1);
    base.set("slow", 2);
    QCOMPARE(g.at(0, base).toString(), std::string("fast=5, slow=20"));
    QCOMPARE(g.at(1, base).toString(), std::string("fast=5, slow=40"));
    QCOMPARE(g.at(11, base).toString(), std::string("fast=20, slow=60"));
  }
  void objectives() {
    QVERIFY(*objectiveFromString("total_return") == Objective::TotalReturn);
    QVERIFY(!objectiveFromString("alpha").ok());
    analytics::Metrics m;
    m.maxDrawdown = 0.3;
    QCOMPARE(score(m, Objective::MaxDrawdown), -0.3);
    m.sharpe = std::nan("");
    QVERIFY(std::isinf(score(m, Objective::Sharpe)));
  }
  void sameResultOnOneAndManyThreadsAndBestIsTheArgmax() {
    const SeriesView v[] = {{m_orcl.symbol, m_orcl.bars}};
    const auto& reg = StrategyRegistry::builtin();
    OptimizerConfig one;
    one.threads = 1;
    OptimizerConfig many;
    many.threads = 4;
    std::vector<std::size_t> progress;
    RunControl ctl;
    ctl.progress = [&](std::size_t done, std::size_t total) {
      QCOMPARE(total, std::size_t(12));
      progress.push_back(done);
    };
    auto a = optimize(reg, "sma_cross", {}, grid(), v, config(), one);
    auto b = optimize(reg, "sma_cross", {}, grid(), v, config(), many, ctl);
    QVERIFY(a.ok() && b.ok());
    QCOMPARE(b->threads, 4u);
    QCOMPARE(a->runs.size(), std::size_t(12));
    QVERIFY(!progress.empty());
    QCOMPARE(progress.back(), std::size_t(12));
    for (std::size_t i = 0; i < 12; ++i) {
      QCOMPARE(a->runs[i].params, b->runs[i].params);
      QCOMPARE(a->runs[i].valid, b->runs[i].valid);
      QCOMPARE(a->runs[i].finalValue, b->runs[i].finalValue);
    }
    QVERIFY(a->best.has_value());
    QCOMPARE(a->best, b->best);
    // fast=20, slow=20 is rejected by the strategy (fast < slow).
    QVERIFY(!a->runs[9].valid);
    QVERIFY(a->runs[9].error.find("fast < slow") != std::string::npos);
    // Independent single runs: the best grid point has the highest Sharpe.
    double bestSharpe = -1e300;
    ParamSet bestParams;
    for (double f : {5.0, 10.0, 15.0, 20.0}) {
      for (double s : {20.0, 40.0, 60.0}) {
        ParamSet p;
        p.set("fast", f);
        p.set("slow", s);
        auto r = runBacktest(reg, "sma_cross", p, v, config());
        if (!r) continue;
        QCOMPARE(r->metrics.sharpe, a->runs[std::size_t((f / 5 - 1) * 3 + (s / 20 - 1))].metrics.sharpe);
        if (r->metrics.sharpe > bestSharpe) {
          bestSharpe = r->metrics.sharpe;
          bestParams = r->params;
        }
      }
    }
    QCOMPARE(a->runs[*a->best].params, bestParams);
    QCOMPARE(a->barsProcessed, std::int64_t(11 * m_orcl.bars.size()));
  }
  void cancellationAndErrors() {
    const SeriesView v[] = {{m_orcl.symbol, m_orcl.bars}};
    std::atomic<bool> stop{true};
    RunControl ctl;
    ctl.cancel = &stop;
    auto r = optimize(StrategyRegistry::builtin(), "sma_cross", {}, grid(), v, config(), {}, ctl);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, std::string(kCancelledCode));
    ParamGrid bad;
    bad.add({"nope", {1, 2}});
    QCOMPARE(optimize(StrategyRegistry::builtin(), "sma_cross", {}, bad, v, config()).error().code,
             std::string(paramerr::kUnknown));
  }
  void walkForwardWindowArithmetic() {
    WalkForwardConfig c;
    c.inSampleBars = 50;
    c.outOfSampleBars = 20;
    auto w = walkForwardWindows(100, c);
    QVERIFY(w.ok());
    QCOMPARE(*w, (std::vector<WalkForwardWindow>{{0, 50, 50, 70}, {20, 70, 70, 90}, {40, 90, 90, 100}}));
    c.anchored = true;
    QCOMPARE(*walkForwardWindows(100, c),
             (std::vector<WalkForwardWindow>{{0, 50, 50, 70}, {0, 70, 70, 90}, {0, 90, 90, 100}}));
    c.anchored = false;
    c.outOfSampleBars = 30;
    auto s = walkForwardWindows(111, c);
    QCOMPARE(s->size(), std::size_t(3));  // out-of-sample starts 50, 80, 110 (one bar)
    QCOMPARE(s->back(), (WalkForwardWindow{60, 110, 110, 111}));
    QCOMPARE(*walkForwardWindows(70, WalkForwardConfig{50, 20, false}),
             (std::vector<WalkForwardWindow>{{0, 50, 50, 70}}));
    QVERIFY(!walkForwardWindows(50, WalkForwardConfig{50, 20, false}).ok());
    QVERIFY(!walkForwardWindows(100, WalkForwardConfig{0, 20, false}).ok());
  }
  void walkForwardOnOrcl() {
    const SeriesView v[] = {{m_orcl.symbol, m_orcl.bars}};
    WalkForwardConfig wf;
    wf.inSampleBars = 1000;
    wf.outOfSampleBars = 500;
    const auto& reg = StrategyRegistry::builtin();
    auto r = walkForward(reg, "sma_cross", {}, grid(), v, config(), wf);
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    const auto windows = *walkForwardWindows(m_orcl.bars.size(), wf);
    QCOMPARE(r->segments.size(), windows.size());
    std::size_t oosBars = 0;
    double capital = 100'000;
    for (std::size_t k = 0; k < windows.size(); ++k) {
      const auto& seg = r->segments[k];
      QCOMPARE(seg.window, windows[k]);
      QCOMPARE(seg.startValue, capital);
      capital = seg.endValue;
      oosBars += windows[k].outEnd - windows[k].outBegin;
      // Parameters are the in-sample optimum.
      auto opt = optimize(reg, "sma_cross", {}, grid(), slice(v, windows[k].inBegin, windows[k].inEnd), config());
      QCOMPARE(seg.params, opt->runs[*opt->best].params);
    }
    QCOMPARE(r->equity.size(), oosBars);
    QCOMPARE(r->equity.front().ts, m_orcl.bars[1000].ts);
    QCOMPARE(r->equity.back().ts, m_orcl.bars.back().ts);
    QCOMPARE(r->finalValue, capital);
    QCOMPARE(r->metrics.finalValue, capital);
    QCOMPARE(r->equity.back().equity, capital);
    QCOMPARE(r->metrics.bars, std::int64_t(oosBars));
    std::int64_t trades = 0;
    for (const auto& s : r->segments) trades += s.trades;
    QCOMPARE(std::int64_t(r->trades.size()), trades);
    for (const auto& t : r->trades) QVERIFY(t.entryTs >= m_orcl.bars[1000].ts);  // no in-sample trades

    // Efficiency: each window's in-sample metrics are the chosen point's on the in-sample bars.
    for (std::size_t k = 0; k < windows.size(); ++k) {
      const auto& seg = r->segments[k];
      auto opt = optimize(reg, "sma_cross", {}, grid(), slice(v, windows[k].inBegin, windows[k].inEnd), config());
      QCOMPARE(seg.inSample.totalReturn, opt->runs[*opt->best].metrics.totalReturn);
      QCOMPARE(seg.inSample.bars, std::int64_t(windows[k].inEnd - windows[k].inBegin));
      QCOMPARE(seg.inSampleAnnualReturn, seg.inSample.totalReturn / (double(seg.inSample.bars) / 252.0));
      QCOMPARE(seg.outOfSampleAnnualReturn, seg.outOfSample.totalReturn / seg.outOfSample.years);
      if (seg.inSampleAnnualReturn > 0) QCOMPARE(seg.efficiency, seg.outOfSampleAnnualReturn / seg.inSampleAnnualReturn);
      else QVERIFY(std::isnan(seg.efficiency));
    }
    QCOMPARE(r->outOfSampleAnnualReturn, r->metrics.totalReturn / r->metrics.years);
    QVERIFY(std::isfinite(r->inSampleAnnualReturn));
  }

  void walkForwardEfficiencyHandComputed() {
    analytics::Metrics m;
    m.totalReturn = 0.10;
    m.years = 126.0 / 252.0;  // half a year
    QCOMPARE(annualisedReturn(m), 0.20);
    m.years = 0.0;
    QVERIFY(std::isnan(annualisedReturn(m)));
    QCOMPARE(walkForwardEfficiency(0.20, 0.15), 0.20 / 0.15);
    QVERIFY(std::isnan(walkForwardEfficiency(0.20, 0.0)));   // no in-sample gain: no ratio
    QVERIFY(std::isnan(walkForwardEfficiency(0.20, -0.1)));
    QCOMPARE(walkForwardEfficiency(-0.05, 0.25), -0.2);

    // Three windows: IS +30 % over 2 years (15 %/y) and OOS +10 % over half a year (20 %/y): WFE 1.3333;
    // IS +10 % over 2 years (5 %/y), OOS -1 % over half a year (-2 %/y): WFE -0.4;
    // nothing chosen in-sample (score -inf, flat out of sample): n/a, and not in the overall mean.
    // Overall: stitched OOS +8.9 % over 1.5 years = 5.9333 %/y against the mean IS (15 + 5) / 2 = 10 %/y: 0.59333.
    WalkForwardResult r;
    auto seg = [](double isRet, double isYears, double oosRet, double oosYears, double score) {
      WalkForwardSegment s;
      s.inSample.totalReturn = isRet;
      s.inSample.years = isYears;
      s.outOfSample.totalReturn = oosRet;
      s.outOfSample.years = oosYears;
      s.inSampleScore = score;
      return s;
    };
    r.segments = {seg(0.30, 2.0, 0.10, 0.5, 1.0), seg(0.10, 2.0, -0.01, 0.5, 0.2),
                  seg(0.0, 0.0, 0.0, 0.5, -std::numeric_limits<double>::infinity())};
    r.metrics.totalReturn = 0.089;
    r.metrics.years = 1.5;
    applyEfficiency(r);
    QVERIFY(qFuzzyCompare(r.segments[0].inSampleAnnualReturn, 0.15));
    QVERIFY(qFuzzyCompare(r.segments[0].outOfSampleAnnualReturn, 0.20));
    QVERIFY(qFuzzyCompare(r.segments[0].efficiency, 4.0 / 3.0));
    QVERIFY(qFuzzyCompare(r.segments[1].efficiency, -0.4));
    QVERIFY(std::isnan(r.segments[2].inSampleAnnualReturn));
    QVERIFY(std::isnan(r.segments[2].efficiency));
    QCOMPARE(r.segments[2].outOfSampleAnnualReturn, 0.0);
    QVERIFY(qFuzzyCompare(r.inSampleAnnualReturn, 0.10));
    QVERIFY(qFuzzyCompare(r.outOfSampleAnnualReturn, 0.089 / 1.5));
    QVERIFY(qFuzzyCompare(r.efficiency, 0.089 / 1.5 / 0.10));
  }
};

QTEST_APPLESS_MAIN(tst_Optimizer)
#include "tst_Optimizer.moc"
