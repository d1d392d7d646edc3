// Screener engine: metrics computed on the real daily CSVs (MERIDIAN_SHARED_DATA) checked against values the
// test derives itself from the CSV rows with plain reference loops (full recomputation, no shared indicator
// code), every filter kind (including unknown fundamentals / insufficient history exclusion), sorting, limit,
// and the criteria JSON round trip with its errors.
#include "core/backtest/BarSeriesLoader.h"
#include "core/screener/Criteria.h"
#include "core/screener/Query.h"
#include "core/screener/Screener.h"
#include "core/screener/SymbolMetrics.h"
#include "core/time/TimeZones.h"

#include "../support/ScreenerLinearFixture.h"

#include <QFile>
#include <QStringList>
#include <QTextStream>
#include <QtTest>

#include <cmath>
#include <limits>
#include <map>
#include <optional>

using namespace meridian;
using namespace meridian::screener;

namespace Screener_test {  // named: the test class uses its types (-Wsubobject-linkage)

struct Row {
  QString date;
  double close = 0.0;
  double volume = 0.0;
};

// Independent CSV reading: Date + Close + Volume columns by header name.
std::vector<Row> readRows(const QString& file) {
  QFile f(QStringLiteral(MERIDIAN_SHARED_DATA "/") + file);
  if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) qFatal("cannot open %s", qPrintable(file));
  QTextStream in(&f);
  const QStringList header = in.readLine().split(',');
  const int iDate = header.indexOf("Date"), iClose = header.indexOf("Close"), iVol = header.indexOf("Volume");
  std::vector<Row> rows;
  while (!in.atEnd()) {
    const QStringList p = in.readLine().split(',');
    if (p.size() < header.size()) continue;
    rows.push_back({p[iDate], p[iClose].toDouble(), p[iVol].toDouble()});
  }
  return rows;
}

std::vector<domain::Bar> loadBars(const QString& file) {
  auto s = backtest::loadYahooCsv((QStringLiteral(MERIDIAN_SHARED_DATA "/") + file).toStdString());
  if (!s.ok()) qFatal("%s", s.error().message.c_str());
  return s.value().bars;
}

std::size_t indexOfDate(const std::vector<Row>& rows, const QString& date) {
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (rows[i].date == date) return i;
  qFatal("date %s not in file", qPrintable(date));
  return 0;
}

// ---- Reference implementations (straight from the definitions, O(n * window), recomputed from scratch) -----------

double mean(const std::vector<double>& v, std::size_t end, std::size_t n) {
  double s = 0.0;
  for (std::size_t i = end - n; i < end; ++i) s += v[i];
  return s / double(n);
}

// Wilder RSI over c[0..n): first averages = simple mean of the first `p` changes, then Wilder smoothing.
double refRsi(const std::vector<double>& c, std::size_t p = 14) {
  double g = 0.0, l = 0.0;
  for (std::size_t i = 1; i <= p; ++i) {
    const double d = c[i] - c[i - 1];
    (d > 0 ? g : l) += std::abs(d);
  }
  g /= double(p);
  l /= double(p);
  for (std::size_t i = p + 1; i < c.size(); ++i) {
    const double d = c[i] - c[i - 1];
    g = (g * double(p - 1) + (d > 0 ? d : 0.0)) / double(p);
    l = (l * double(p - 1) + (d < 0 ? -d : 0.0)) / double(p);
  }
  if (l == 0.0) return g == 0.0 ? 50.0 : 100.0;
  return 100.0 - 100.0 / (1.0 + g / l);
}

// EMA series (SMA seed of the first p values), NaN before.
std::vector<double> refEma(const std::vector<double>& x, std::size_t p) {
  std::vector<double> out(x.size(), std::nan(""));
  if (x.size() < p) return out;
  double e = mean(x, p, p);
  out[p - 1] = e;
  const double a = 2.0 / (double(p) + 1.0);
  for (std::size_t i = p; i < x.size(); ++i) out[i] = e = a * x[i] + (1 - a) * e;
  return out;
}

struct RefMacd {
  double line, signal;
};
RefMacd refMacd(const std::vector<double>& c) {
  const auto f = refEma(c, 12), s = refEma(c, 26);
  std::vector<double> line;
  for (std::size_t i = 25; i < c.size(); ++i) line.push_back(f[i] - s[i]);
  const auto sig = refEma(line, 9);
  return {line.back(), sig.back()};
}

double refPercentB(const std::vector<double>& c) {
  const std::size_t n = c.size();
  const double m = mean(c, n, 20);
  double ss = 0.0;
  for (std::size_t i = n - 20; i < n; ++i) ss += (c[i] - m) * (c[i] - m);
  const double sd = std::sqrt(ss / 20.0);
  return (c.back() - (m - 2 * sd)) / (4 * sd);
}

double refVolatility(const std::vector<double>& c) {
  const std::size_t n = c.size();
  std::vector<double> r;
  for (std::size_t i = n - 20; i < n; ++i) r.push_back(std::log(c[i] / c[i - 1]));
  const double m = mean(r, r.size(), r.size());
  double ss = 0.0;
  for (double x : r) ss += (x - m) * (x - m);
  return std::sqrt(ss / 19.0) * std::sqrt(252.0) * 100.0;
}

// Newest SMA50/SMA200 sign change within the last `lookback` bars: {Cross, barsAgo}.
std::pair<Cross, std::size_t> refCross(const std::vector<double>& c, std::size_t lookback) {
  const std::size_t n = c.size();
  int prev = 0;
  std::optional<std::size_t> at;
  Cross kind = Cross::None;
  for (std::size_t i = 199; i < n; ++i) {
    const double d = mean(c, i + 1, 50) - mean(c, i + 1, 200);
    const int s = d > 0 ? 1 : d < 0 ? -1 : prev;
    if (prev != 0 && s != prev) {
      at = i;
      kind = s > 0 ? Cross::Golden : Cross::Death;
    }
    prev = s;
  }
  if (at && *at + lookback >= n) return {kind, n - 1 - *at};
  return {Cross::None, 0};
}

std::vector<double> closesOf(const std::vector<Row>& rows, std::size_t end, std::size_t window) {
  std::vector<double> c;
  const std::size_t begin = window && end > window ? end - window : 0;
  for (std::size_t i = begin; i < end; ++i) c.push_back(rows[i].close);
  return c;
}

SymbolMetrics synthetic(std::string symbol) {
  SymbolMetrics m;
  m.symbol = std::move(symbol);
  m.bars = 300;
  m.last = 50.0;
  m.volume = 2e6;
  m.avgVolume = 1.5e6;
  m.sector = "Technology";
  m.marketCap = 5e10;
  m.rsi = 45.0;
  m.change1d = 1.0;
  m.change5d = -2.0;
  m.change30d = 8.0;
  m.volatility = 30.0;
  m.sma20 = 48.0;
  m.vsSma20 = (50.0 / 48.0 - 1) * 100;
  m.cross = Cross::None;
  m.macd = 0.5;
  m.macdSignal = 0.3;
  m.macdHist = 0.2;
  m.bollinger = 0.7;
  return m;
}

}  // namespace Screener_test
using namespace Screener_test;

class tst_Screener : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void metricsMatchReferenceOnRealData_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("date");
    QTest::addColumn<int>("history");  // 0 = every bar up to the date
    QTest::newRow("nvda 2008-10-10 full") << "nvda-1999-2014.csv" << "2008-10-10" << 0;
    QTest::newRow("nvda 2008-10-10 300") << "nvda-1999-2014.csv" << "2008-10-10" << 300;
    QTest::newRow("orcl 2010-06-30 300") << "orcl-1995-2014.csv" << "2010-06-30" << 300;
    QTest::newRow("yhoo 2000-01-03 full") << "yhoo-1996-2014.csv" << "2000-01-03" << 0;
    QTest::newRow("yhoo last 300") << "yhoo-1996-2014.csv" << "" << 300;
    QTest::newRow("index 2006-12-29 full") << "2006-day-001.csv" << "2006-12-29" << 0;
  }
  void metricsMatchReferenceOnRealData() {
    QFETCH(QString, file);
    QFETCH(QString, date);
    QFETCH(int, history);
    const auto rows = readRows(file);
    const auto bars = loadBars(file);
    QCOMPARE(bars.size(), rows.size());
    const std::size_t end = date.isEmpty() ? rows.size() : indexOfDate(rows, date) + 1;
    const std::size_t lookback = 5;
    const SymbolMetrics m = computeMetrics("X", std::span(bars).first(end), lookback, std::size_t(history));
    const std::size_t window = effectiveHistory(lookback, std::size_t(history));
    const auto c = closesOf(rows, end, window);
    QCOMPARE(m.bars, c.size());
    QCOMPARE(m.last, rows[end - 1].close);
    QCOMPARE(m.volume, rows[end - 1].volume);
    QCOMPARE(QString::fromStdString(cellText(m, Column::LastDate)), rows[end - 1].date);

    // % changes, by hand from the CSV rows.
    auto pct = [&](std::size_t k) { return (rows[end - 1].close / rows[end - 1 - k].close - 1.0) * 100.0; };
    QVERIFY(m.change1d && m.change5d && m.change30d);
    QVERIFY(qFuzzyCompare(*m.change1d, pct(1)));
    QVERIFY(qFuzzyCompare(*m.change5d, pct(5)));
    QVERIFY(qFuzzyCompare(*m.change30d, pct(30)));

    // RSI is warmed on every bar given (Wilder smoothing never forgets its seed completely): the window does not
    // change it.
    const auto everything = closesOf(rows, end, 0);
    QVERIFY(m.rsi);
    QVERIFY2(std::abs(*m.rsi - refRsi(everything)) < 1e-9,
             qPrintable(QString("rsi %1 vs %2").arg(*m.rsi).arg(refRsi(everything))));
    QCOMPARE(*computeMetrics("X", std::span(bars).first(end), lookback, 0).rsi, *m.rsi);
    QVERIFY(m.sma20);
    QVERIFY(std::abs(*m.sma20 - mean(c, c.size(), 20)) < 1e-9 * *m.sma20);
    QVERIFY(std::abs(*m.vsSma20 - (c.back() / mean(c, c.size(), 20) - 1) * 100) < 1e-7);
    QVERIFY(std::abs(*m.volatility - refVolatility(c)) < 1e-8);
    const RefMacd macd = refMacd(c);
    QVERIFY(m.macd && m.macdSignal && m.macdHist);
    QVERIFY(std::abs(*m.macd - macd.line) < 1e-9 * std::max(1.0, c.back()));
    QVERIFY(std::abs(*m.macdSignal - macd.signal) < 1e-9 * std::max(1.0, c.back()));
    QVERIFY(m.bollinger);
    QVERIFY(std::abs(*m.bollinger - refPercentB(c)) < 1e-7);
    double vol = 0.0;
    for (std::size_t i = end - 20; i < end; ++i) vol += rows[i].volume;
    QVERIFY(m.avgVolume && std::abs(*m.avgVolume - vol / 20.0) <= 1e-9 * std::max(1.0, vol));

    const auto [kind, ago] = refCross(c, lookback);
    QVERIFY(m.cross);
    QCOMPARE(int(*m.cross), int(kind));
    if (kind != Cross::None) QCOMPARE(*m.crossBarsAgo, ago);
  }

  // Walks NVDA and checks the golden / death cross flag bar by bar against the brute-force reference, and that
  // both kinds actually occur (so the check cannot pass vacuously).
  void crossesOnRealData() {
    const auto rows = readRows("nvda-1999-2014.csv");
    const auto bars = loadBars("nvda-1999-2014.csv");
    std::size_t golden = 0, death = 0;
    for (std::size_t end = 205; end <= rows.size(); end += 7) {
      const auto m = computeMetrics("NVDA", std::span(bars).first(end), 5, 0);
      const auto [kind, ago] = refCross(closesOf(rows, end, 0), 5);
      QVERIFY(m.cross);
      QCOMPARE(int(*m.cross), int(kind));
      if (kind != Cross::None) QCOMPARE(*m.crossBarsAgo, ago);
      golden += kind == Cross::Golden;
      death += kind == Cross::Death;
    }
    QVERIFY(golden > 0);
    QVERIFY(death > 0);
  }

  // Each metric is unknown with one bar too few and known with exactly enough.
  void insufficientHistoryIsExplicit() {
    const auto bars = loadBars("orcl-1995-2014.csv");
    const std::size_t lookback = 5;
    for (Metric metric : {Metric::Change1d, Metric::Change5d, Metric::Change30d, Metric::Volatility, Metric::Rsi,
                          Metric::Sma20, Metric::Cross, Metric::Macd, Metric::Bollinger, Metric::AvgVolume}) {
      const std::size_t need = requiredBars(metric, lookback);
      const auto before = computeMetrics("ORCL", std::span(bars).first(need - 1), lookback, 0);
      const auto enough = computeMetrics("ORCL", std::span(bars).first(need), lookback, 0);
      QVERIFY2(!before.has(metric), std::string(metricName(metric)).c_str());
      QVERIFY2(enough.has(metric), std::string(metricName(metric)).c_str());
    }
    const auto empty = computeMetrics("NONE", {}, lookback);
    QCOMPARE(empty.bars, std::size_t(0));
    Exclusion why;
    QCOMPARE(int(evaluate(empty, Criteria{}, &why)), int(Verdict::Unknown));
    QCOMPARE(int(why.kind), int(Exclusion::Kind::NoData));

    // A filter on RSI excludes a 10-bar symbol with the reason, and only when the filter is set.
    const auto young = computeMetrics("YOUNG", std::span(bars).first(10), lookback);
    Criteria c;
    QCOMPARE(int(evaluate(young, c)), int(Verdict::Pass));
    c.rsi.max = 30;
    QCOMPARE(int(evaluate(young, c, &why)), int(Verdict::Unknown));
    QCOMPARE(int(why.kind), int(Exclusion::Kind::InsufficientHistory));
    QCOMPARE(QString::fromStdString(why.reason), QString("insufficient history for RSI 14: 10 bars, needs 15"));
  }

  void everyFilterKind() {
    const SymbolMetrics base = synthetic("BASE");
    QCOMPARE(int(evaluate(base, Criteria{})), int(Verdict::Pass));
    struct Case {
      const char* name;
      std::function<void(Criteria&)> pass;
      std::function<void(Criteria&)> fail;
      std::function<void(SymbolMetrics&)> unknown;  // null: the field is always known
    };
    const std::vector<Case> cases = {
        {"sector", [](Criteria& c) { c.sectors = {"energy", "TECHNOLOGY"}; },
         [](Criteria& c) { c.sectors = {"Energy"}; }, [](SymbolMetrics& m) { m.sector.clear(); }},
        {"price", [](Criteria& c) { c.price = {40.0, 50.0}; }, [](Criteria& c) { c.price.min = 50.01; }, nullptr},
        {"minVolume", [](Criteria& c) { c.minVolume = 2e6; }, [](Criteria& c) { c.minVolume = 2e6 + 1; }, nullptr},
        {"minAvgVolume", [](Criteria& c) { c.minAvgVolume = 1e6; }, [](Criteria& c) { c.minAvgVolume = 2e6; },
         [](SymbolMetrics& m) { m.avgVolume.reset(); }},
        {"minMarketCap", [](Criteria& c) { c.minMarketCap = 5e10; }, [](Criteria& c) { c.minMarketCap = 6e10; },
         [](SymbolMetrics& m) { m.marketCap.reset(); }},
        {"rsi", [](Criteria& c) { c.rsi = {40.0, 50.0}; }, [](Criteria& c) { c.rsi.max = 30.0; },
         [](SymbolMetrics& m) { m.rsi.reset(); }},
        {"change1d", [](Criteria& c) { c.change1d.min = 1.0; }, [](Criteria& c) { c.change1d.max = 0.5; },
         [](SymbolMetrics& m) { m.change1d.reset(); }},
        {"change5d", [](Criteria& c) { c.change5d.max = -2.0; }, [](Criteria& c) { c.change5d.min = 0.0; },
         [](SymbolMetrics& m) { m.change5d.reset(); }},
        {"change30d", [](Criteria& c) { c.change30d = {5.0, 10.0}; }, [](Criteria& c) { c.change30d.min = 9.0; },
         [](SymbolMetrics& m) { m.change30d.reset(); }},
        {"maxVolatility", [](Criteria& c) { c.maxVolatility = 30.0; }, [](Criteria& c) { c.maxVolatility = 29.9; },
         [](SymbolMetrics& m) { m.volatility.reset(); }},
        {"sma20", [](Criteria& c) { c.sma20 = Sma20Filter::Above; }, [](Criteria& c) { c.sma20 = Sma20Filter::Below; },
         [](SymbolMetrics& m) { m.sma20.reset(); }},
        {"cross", [](Criteria& c) { c.cross = CrossFilter::Any; }, [](Criteria& c) { c.cross = CrossFilter::Golden; },
         nullptr},
        {"macd", [](Criteria& c) { c.macd = MacdFilter::Bullish; }, [](Criteria& c) { c.macd = MacdFilter::Bearish; },
         [](SymbolMetrics& m) { m.macdHist.reset(); }},
        {"bollinger", [](Criteria& c) { c.bollinger = {0.5, 0.8}; }, [](Criteria& c) { c.bollinger.max = 0.2; },
         [](SymbolMetrics& m) { m.bollinger.reset(); }},
    };
    for (const Case& k : cases) {
      Criteria pass, fail;
      k.pass(pass);
      k.fail(fail);
      QVERIFY2(evaluate(base, pass) == Verdict::Pass, k.name);
      QVERIFY2(evaluate(base, fail) == Verdict::Fail, k.name);
      if (k.unknown) {
        SymbolMetrics m = base;
        k.unknown(m);
        Exclusion why;
        QVERIFY2(evaluate(m, fail, &why) == Verdict::Unknown, k.name);
        QVERIFY2(evaluate(m, pass) == Verdict::Unknown, k.name);
        QVERIFY2(evaluate(m, Criteria{}) == Verdict::Pass, k.name);  // no filter on the field: not excluded
        QCOMPARE(why.symbol, std::string("BASE"));
        QVERIFY(!why.reason.empty());
      }
    }
    // Golden / death cross filters against crossed symbols; unknown cross (too little history).
    SymbolMetrics g = base, d = base, u = base;
    g.cross = Cross::Golden;
    g.crossBarsAgo = 1;
    d.cross = Cross::Death;
    d.crossBarsAgo = 0;
    u.cross.reset();
    Criteria golden, death;
    golden.cross = CrossFilter::Golden;
    death.cross = CrossFilter::Death;
    QVERIFY(evaluate(g, golden) == Verdict::Pass && evaluate(g, death) == Verdict::Fail);
    QVERIFY(evaluate(d, death) == Verdict::Pass && evaluate(d, golden) == Verdict::Fail);
    QVERIFY(evaluate(u, golden) == Verdict::Unknown);
    // Unknown fundamentals: documented reasons.
    SymbolMetrics noCap = base;
    noCap.marketCap.reset();
    Criteria cap;
    cap.minMarketCap = 1.0;
    Exclusion why;
    QVERIFY(evaluate(noCap, cap, &why) == Verdict::Unknown);
    QCOMPARE(int(why.kind), int(Exclusion::Kind::UnknownFundamental));
    QCOMPARE(why.reason, std::string("no market cap stored"));
  }

  // The engine over the four real series with fundamentals known for some of them.
  void screensRealSeries() {
    std::vector<SymbolMetrics> all;
    const std::map<std::string, QString> files = {
        {"NVDA", "nvda-1999-2014.csv"}, {"ORCL", "orcl-1995-2014.csv"}, {"YHOO", "yhoo-1996-2014.csv"},
        {"IDX", "2006-day-001.csv"}};
    for (const auto& [sym, file] : files) {
      const auto bars = loadBars(file);
      all.push_back(computeMetrics(sym, bars, 5));
    }
    all[1].sector = "Technology";  // NVDA (map order: IDX, NVDA, ORCL, YHOO)
    all[1].marketCap = 8e9;
    all[2].sector = "Technology";  // ORCL
    all[2].marketCap = 2e11;
    // YHOO: no fundamentals stored.
    Criteria c;
    c.minMarketCap = 1e10;
    auto r = screen(c, all);
    QCOMPARE(r.scanned, std::size_t(4));
    QCOMPARE(r.rows.size(), std::size_t(1));
    QCOMPARE(r.rows[0].symbol, std::string("ORCL"));
    QCOMPARE(r.failed, std::size_t(1));  // NVDA: known and too small
    QCOMPARE(r.excluded.size(), std::size_t(2));
    QCOMPARE(r.excluded[0].symbol, std::string("IDX"));
    QCOMPARE(r.excluded[1].symbol, std::string("YHOO"));
    QCOMPARE(r.excluded[1].reason, std::string("no market cap stored"));

    // Technical filters over the real values: each symbol passes a band around its own RSI and fails outside.
    for (const auto& m : all) {
      Criteria around;
      around.rsi = {*m.rsi - 0.01, *m.rsi + 0.01};
      auto hit = screen(around, all);
      QVERIFY(std::any_of(hit.rows.begin(), hit.rows.end(), [&](const auto& x) { return x.symbol == m.symbol; }));
    }
    Criteria none;
    none.rsi = {100.0, 100.0};
    QVERIFY(screen(none, all).rows.empty());
  }

  void sortsAndLimits() {
    std::vector<SymbolMetrics> rows;
    const double rsis[] = {70, 20, 45};
    const char* names[] = {"CCC", "AAA", "BBB"};
    for (int i = 0; i < 3; ++i) {
      rows.push_back(synthetic(names[i]));
      rows.back().rsi = rsis[i];
      rows.back().marketCap = 1e9 * (i + 1);
    }
    rows.push_back(synthetic("DDD"));
    rows.back().rsi.reset();  // unknown: last in both directions
    rows.back().marketCap.reset();
    rows.back().sector.clear();
    auto order = [](const std::vector<SymbolMetrics>& v) {
      QStringList s;
      for (const auto& m : v) s << QString::fromStdString(m.symbol);
      return s.join(',');
    };
    auto sorted = rows;
    sortRows(sorted, Column::Rsi, false);
    QCOMPARE(order(sorted), QString("AAA,BBB,CCC,DDD"));
    sortRows(sorted, Column::Rsi, true);
    QCOMPARE(order(sorted), QString("CCC,BBB,AAA,DDD"));
    sortRows(sorted, Column::Symbol, true);
    QCOMPARE(order(sorted), QString("DDD,CCC,BBB,AAA"));
    sortRows(sorted, Column::MarketCap, true);
    QCOMPARE(order(sorted), QString("BBB,AAA,CCC,DDD"));
    sortRows(sorted, Column::Sector, false);  // equal sectors: by symbol; unknown last
    QCOMPARE(order(sorted), QString("AAA,BBB,CCC,DDD"));
    // Every column sorts without breaking strict weak ordering (std::sort would misbehave otherwise).
    for (int col = 0; col < kColumnCount; ++col)
      for (bool desc : {false, true}) {
        auto v = rows;
        sortRows(v, Column(col), desc);
        for (std::size_t i = 0; i + 1 < v.size(); ++i) QVERIFY(!rowLess(v[i + 1], v[i], Column(col), desc));
      }
    Criteria c;
    c.sortBy = Column::Rsi;
    c.descending = true;
    c.limit = 2;
    const auto r = screen(c, rows);
    QCOMPARE(order(r.rows), QString("CCC,BBB"));
    QCOMPARE(r.matched, std::size_t(4));
  }

  void jsonRoundTrip() {
    Criteria c;
    c.sectors = {"Technology", "Health Care"};
    c.price = {5.0, 500.0};
    c.minVolume = 1e6;
    c.minAvgVolume = 5e5;
    c.minMarketCap = 1e10;
    c.rsi = {std::nullopt, 30.0};
    c.change1d = {-2.5, std::nullopt};
    c.change5d = {-10.0, 10.0};
    c.change30d = {0.0, std::nullopt};
    c.maxVolatility = 45.5;
    c.sma20 = Sma20Filter::Below;
    c.cross = CrossFilter::Death;
    c.crossLookback = 10;
    c.macd = MacdFilter::Bearish;
    c.bollinger = {std::nullopt, 0.2};
    c.sortBy = Column::Change30d;
    c.descending = true;
    c.limit = 25;
    const std::string json = toJson(c);
    auto back = criteriaFromJson(json);
    QVERIFY2(back.ok(), back.ok() ? "" : back.error().message.c_str());
    QVERIFY(*back == c);
    auto empty = criteriaFromJson(toJson(Criteria{}));
    QVERIFY(empty.ok() && *empty == Criteria{} && empty->empty());
    // Sorting by a column alone takes its natural direction.
    auto byRsi = criteriaFromJson(R"({"sort": {"by": "rsi"}})");
    QVERIFY(byRsi.ok() && byRsi->sortBy == Column::Rsi && !byRsi->descending);
    auto byCap = criteriaFromJson(R"({"sort": {"by": "market_cap"}})");
    QVERIFY(byCap.ok() && byCap->descending);
  }

  void jsonErrors_data() {
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");
    QTest::newRow("truncated") << R"({"rsi": {"max": 30})" << kJsonErrorCode << "malformed JSON at offset";
    QTest::newRow("garbage") << "not json" << kJsonErrorCode << "malformed JSON";
    QTest::newRow("array") << "[1, 2]" << kJsonErrorCode << "must be a JSON object";
    QTest::newRow("unknown key") << R"({"rsii": {"max": 30}})" << kJsonErrorCode << "unknown key 'rsii'";
    QTest::newRow("wrong type") << R"({"minVolume": "lots"})" << kJsonErrorCode << "'minVolume' must be a number";
    QTest::newRow("range type") << R"({"rsi": 30})" << kJsonErrorCode << "'rsi' must be an object";
    QTest::newRow("range key") << R"({"rsi": {"maximum": 30}})" << kJsonErrorCode << "unknown key 'maximum'";
    QTest::newRow("bound type") << R"({"price": {"min": "5"}})" << kJsonErrorCode << "'price.min' must be a number";
    QTest::newRow("enum") << R"({"cross": "silver"})" << kJsonErrorCode << "unknown value 'silver'";
    QTest::newRow("sort col") << R"({"sort": {"by": "pe"}})" << kJsonErrorCode << "unknown column 'pe'";
    QTest::newRow("sort order") << R"({"sort": {"order": "up"}})" << kJsonErrorCode << "'sort.order'";
    QTest::newRow("sectors") << R"({"sectors": "Tech"})" << kJsonErrorCode << "'sectors' must be an array";
    QTest::newRow("lookback") << R"({"crossLookback": 2.5})" << kJsonErrorCode << "'crossLookback' must be a whole";
    QTest::newRow("version") << R"({"version": 2})" << kJsonErrorCode << "unsupported criteria version";
    QTest::newRow("min>max") << R"({"rsi": {"min": 70, "max": 30}})" << kInvalidCriteriaCode
                             << "rsi: min 70 is greater than max 30";
    QTest::newRow("negative") << R"({"minMarketCap": -1})" << kInvalidCriteriaCode << "minMarketCap";
    QTest::newRow("rsi>100") << R"({"rsi": {"max": 130}})" << kInvalidCriteriaCode << "0..100";
    QTest::newRow("lookback 0") << R"({"crossLookback": 0})" << kInvalidCriteriaCode << "crossLookback";
  }
  void jsonErrors() {
    QFETCH(QString, json);
    QFETCH(QString, code);
    QFETCH(QString, message);
    auto r = criteriaFromJson(json.toStdString());
    QVERIFY(!r.ok());
    QCOMPARE(QString::fromStdString(r.error().code), code);
    QVERIFY2(QString::fromStdString(r.error().message).contains(message), r.error().message.c_str());
  }

  // The added metrics on a hand-built series whose values are known by construction.
  void rangeVolumeAtrAndGapMetrics() {
    std::vector<domain::Bar> bars;
    for (int i = 0; i < 260; ++i) {
      domain::Bar b;
      b.ts = domain::Timestamp(i + 1) * 86'400'000'000'000;
      b.close = 100.0 + (i % 10);        // 100 .. 109
      b.open = b.close;
      b.high = b.close + 1.0;            // a 2-point range every bar
      b.low = b.close - 1.0;
      b.volume = 1000.0;
      bars.push_back(b);
    }
    bars[5].high = 500.0;    // outside the last 252 bars: not the 52-week high
    bars[20].high = 130.0;   // inside
    bars[30].low = 80.0;
    bars.back().open = bars[bars.size() - 2].close * 1.05;  // a 5 % gap up
    bars.back().volume = 3000.0;                            // three times the 20 bars before it
    const SymbolMetrics m = computeMetrics("SYN", bars, 5, 0);
    QCOMPARE(*m.high52w, 130.0);
    QCOMPARE(*m.low52w, 80.0);
    const double last = bars.back().close;  // 259 % 10 = 9 -> 109
    QCOMPARE(last, 109.0);
    QVERIFY(std::abs(*m.fromHigh52w - (109.0 / 130.0 - 1.0) * 100.0) < 1e-12);
    QVERIFY(std::abs(*m.fromLow52w - (109.0 / 80.0 - 1.0) * 100.0) < 1e-12);
    QVERIFY(std::abs(*m.gapPct - 5.0) < 1e-9);
    QVERIFY(std::abs(*m.relVolume - 3.0) < 1e-12);
    // Last 20 closes: two cycles of 100..109 (sum 2090), volume 1000 except 3000 on the last (close 109).
    QVERIFY(std::abs(*m.avgDollarVolume - (2090.0 * 1000.0 + 2000.0 * 109.0) / 20.0) < 1e-9);
    // True range: max(h - l, |h - prev close|, |l - prev close|) = 2 except where the close jumps 109 -> 100 (10)
    // and the hand-set highs / lows; ATR (Wilder 14) is therefore between 2 and 10, computed independently here.
    double atr = 0;
    for (std::size_t i = 1; i < bars.size(); ++i) {
      const double tr = std::max({bars[i].high - bars[i].low, std::abs(bars[i].high - bars[i - 1].close),
                                  std::abs(bars[i].low - bars[i - 1].close)});
      atr = i <= 14 ? atr + tr / 14.0 : atr + (tr - atr) / 14.0;
    }
    QVERIFY(std::abs(*m.atrPct - atr / 109.0 * 100.0) < 1e-9);
    QVERIFY(*m.atrPct > 2.0 / 109.0 * 100.0 && *m.atrPct < 10.0 / 109.0 * 100.0);
    QVERIFY(std::abs(*m.vsSma50 - (109.0 / *m.sma50 - 1.0) * 100.0) < 1e-12);
    QVERIFY(std::abs(*m.vsSma200 - (109.0 / *m.sma200 - 1.0) * 100.0) < 1e-12);

    // Too short for 52 weeks: the stored key statistics stand in.
    const std::vector<domain::Bar> shortBars(bars.end() - 30, bars.end());
    SymbolMetrics s = computeMetrics("SYN", shortBars, 5, 0);
    QVERIFY(!s.high52w && !s.fromHigh52w);
    Fundamentals f;
    f.sector = "Technology";
    f.fiftyTwoWeekHigh = 218.0;
    f.fiftyTwoWeekLow = 54.5;
    applyFundamentals(s, f);
    QCOMPARE(s.sector, std::string("Technology"));
    QCOMPARE(*s.fromHigh52w, -50.0);
    QCOMPARE(*s.fromLow52w, 100.0);
  }

  void badBarsExcludeTheSymbolWithTheReason() {
    std::vector<domain::Bar> bars;
    for (int i = 0; i < 40; ++i) {
      domain::Bar b;
      b.ts = time::TimeZones::fromExchange(QDate(2026, 1, 5).addDays(i), QTime(0, 0));
      b.open = b.high = b.low = b.close = 50.0 + i;
      b.high += 1;
      b.volume = 1000;
      bars.push_back(b);
    }
    auto nan = bars;
    nan[10].close = std::numeric_limits<double>::quiet_NaN();
    auto negative = bars;
    negative[20].volume = -1;
    auto duplicate = bars;
    duplicate[30].ts = duplicate[29].ts;
    const SymbolMetrics ok = computeMetrics("OK", bars, 5, 0);
    QVERIFY(ok.dataProblem.empty());
    const SymbolMetrics a = computeMetrics("NAN", nan, 5, 0);
    QCOMPARE(a.dataProblem, std::string("bad bar 2026-01-15: a price is missing or not positive"));
    QVERIFY(!a.rsi && !a.change1d);
    QCOMPARE(computeMetrics("NEG", negative, 5, 0).dataProblem, std::string("bad bar 2026-01-25: volume is blank or negative"));
    QCOMPARE(computeMetrics("DUP", duplicate, 5, 0).dataProblem,
             std::string("bad bar 2026-02-03: duplicate date (after 2026-02-03)"));
    Criteria c;
    c.price.min = 1.0;
    const ScreenerResult r = screen(c, {ok, a, computeMetrics("DUP", duplicate, 5, 0)});
    QCOMPARE(r.rows.size(), std::size_t(1));
    QCOMPARE(r.rows[0].symbol, std::string("OK"));
    QCOMPARE(r.excluded.size(), std::size_t(2));
    QCOMPARE(r.excluded[0].symbol, std::string("DUP"));
    QVERIFY(r.excluded[0].reason.find("duplicate date") != std::string::npos);
    QCOMPARE(r.excluded[1].reason, a.dataProblem);
  }

  void queryLanguage() {
    SymbolMetrics m = synthetic("ABC");
    m.rsi = 25.0;
    m.last = 120.0;
    m.sma200 = 100.0;
    m.avgDollarVolume = 12e6;
    m.gapPct = 1.0;
    m.relVolume = 3.5;
    const auto check = [&](const char* text, Verdict expected) {
      auto q = Query::parse(text);
      QVERIFY2(q.ok(), q.ok() ? "" : q.error().message.c_str());
      QCOMPARE(int(q->evaluate(m)), int(expected));
    };
    check("rsi14 < 30 and price > sma200 and avg_dollar_volume > 10M", Verdict::Pass);
    check("RSI14 < 30 AND price > sma200 and avg_dollar_volume > 15M", Verdict::Fail);
    check("(gap_pct > 2 or rel_volume >= 3) and not rsi < 20", Verdict::Pass);
    check("rsi >= 25 and rsi <= 25 and rsi = 25 and rsi != 26 and 30 > rsi", Verdict::Pass);
    check("gap_pct > 2% or avg_dollar_volume < 0.5B", Verdict::Pass);
    // Unknown metric values: three-valued logic, and the metric is named.
    m.high52w.reset();
    m.fromHigh52w.reset();
    auto q = Query::parse("from_high_52w > -10 and rsi14 < 30");
    QVERIFY(q.ok());
    std::string unknown;
    QCOMPARE(int(q->evaluate(m, &unknown)), int(Verdict::Unknown));
    QCOMPARE(unknown, std::string("from_high_52w"));
    check("from_high_52w > -10 and rsi14 > 30", Verdict::Fail);  // false and unknown = false
    check("from_high_52w > -10 or rsi14 < 30", Verdict::Pass);   // unknown or true = true

    // Errors point at the offending token.
    const auto error = [](const char* text) {
      auto r = Query::parse(text);
      return r.ok() ? std::string() : r.error().message;
    };
    std::string e = error("rsi15 < 30 and price > sma200");
    QVERIFY2(e.find("unknown metric 'rsi15' (did you mean rsi14?) at column 1\n  rsi15 < 30 and price > sma200\n  ^^^^^") != std::string::npos,
             e.c_str());
    e = error("rsi14 < 30 and price >> sma200");
    QVERIFY2(e.find("at column 23") != std::string::npos && e.find("\n                        ^") != std::string::npos, e.c_str());
    e = error("rsi14 < 30 and (price > sma200");
    QVERIFY2(e.find("expected ')' to close the '(' at column 16") != std::string::npos, e.c_str());
    e = error("avg_dollar_volume > 10X");
    QVERIFY2(e.find("'10X' is not a number") != std::string::npos && e.find("at column 21") != std::string::npos, e.c_str());
    e = error("rsi14 30");
    QVERIFY2(e.find("expected a comparison") != std::string::npos && e.find("at column 7") != std::string::npos, e.c_str());
    e = error("rsi14 < 30 and");
    QVERIFY2(e.find("found 'end of the query'") != std::string::npos, e.c_str());
    e = error("1 < 2");
    QVERIFY2(e.find("needs a metric") != std::string::npos, e.c_str());
    QVERIFY(error("   ").find("the query is empty") != std::string::npos);
    QVERIFY(error("price $ 3").find("unexpected character '$' at column 7") != std::string::npos);
    QCOMPARE(Query::parse("x").error().code, std::string(kQueryErrorCode));

    // applyQuery: passing rows kept in order, unknown ones excluded with the reason, then the limit.
    ScreenerResult r;
    for (const char* sym : {"AAA", "BBB", "CCC", "DDD"}) {
      SymbolMetrics x = synthetic(sym);
      x.bars = 300;
      x.rsi = sym[0] == 'C' ? std::optional<double>() : std::optional<double>(sym[0] == 'B' ? 50.0 : 20.0);
      r.rows.push_back(x);
    }
    r.rows[3].rsi = 10.0;
    applyQuery(r, *Query::parse("rsi14 < 30"), 1);
    QCOMPARE(r.matched, std::size_t(2));
    QCOMPARE(r.rows.size(), std::size_t(1));
    QCOMPARE(r.rows[0].symbol, std::string("AAA"));
    QCOMPARE(r.excluded.size(), std::size_t(1));
    QCOMPARE(r.excluded[0].symbol, std::string("CCC"));
    QVERIFY2(r.excluded[0].reason.find("rsi14 is unknown") != std::string::npos, r.excluded[0].reason.c_str());
    QCOMPARE(r.failed, std::size_t(1));
  }

  // The trend, range and liquidity columns on a series whose values are known by hand (tests/support/ScreenerLinearFixture.h): the
  // sort value, the table text and the full-precision export of each, under the names the CSV header uses.
  void trendRangeAndLiquidityColumns() {
    const SymbolMetrics m = computeMetrics("LIN", testfixture::linearBars(), 5);
    const testfixture::LinearExpected e;
    const std::pair<Column, double> expected[] = {
        {Column::Price, e.price},
        {Column::Sma50, e.sma50},
        {Column::VsSma50, e.vsSma50},
        {Column::Sma200, e.sma200},
        {Column::VsSma200, e.vsSma200},
        {Column::High52w, e.high52w},
        {Column::FromHigh52w, e.fromHigh52w},
        {Column::Low52w, e.low52w},
        {Column::FromLow52w, e.fromLow52w},
        {Column::AvgDollarVolume, e.avgDollarVolume},
        {Column::AtrPct, e.atrPct},
        {Column::GapPct, e.gapPct},
        {Column::RelVolume, e.relVolume},
    };
    for (const auto& [col, want] : expected) {
      const auto got = columnValue(m, col);
      QVERIFY2(got.has_value(), columnKey(col).data());
      QVERIFY2(std::abs(*got - want) <= 1e-9 * std::max(1.0, std::abs(want)),
               qPrintable(QStringLiteral("%1: %2 != %3").arg(columnKey(col).data()).arg(*got, 0, 'g', 17).arg(want, 0, 'g', 17)));
      // The table's text rounds; the cell is never empty for a known value.
      QVERIFY(!cellText(m, col).empty());
    }
    QCOMPARE(cellText(m, Column::Sma50), std::string("334.5000"));
    QCOMPARE(cellText(m, Column::VsSma50), std::string("7.32"));
    QCOMPARE(cellText(m, Column::FromHigh52w), std::string("-1.64"));
    QCOMPARE(cellText(m, Column::AvgDollarVolume), std::string("385400"));
    QCOMPARE(cellText(m, Column::RelVolume), std::string("3.00"));
    QCOMPARE(cellText(m, Column::AtrPct), std::string("0.66"));
    // The names say what the columns hold.
    const std::pair<Column, const char*> keys[] = {
        {Column::Sma50, "sma50"}, {Column::VsSma50, "price_vs_sma50_pct"}, {Column::Sma200, "sma200"},
        {Column::VsSma200, "price_vs_sma200_pct"}, {Column::High52w, "high_52w"},
        {Column::FromHigh52w, "pct_from_52w_high"}, {Column::Low52w, "low_52w"}, {Column::FromLow52w, "pct_from_52w_low"},
        {Column::AvgDollarVolume, "avg_dollar_volume_20d"}, {Column::AtrPct, "atr14_pct"}, {Column::GapPct, "gap_pct"},
        {Column::RelVolume, "rel_volume_20d"}};
    for (const auto& [col, key] : keys) QCOMPARE(columnKey(col), std::string_view(key));
    // Sorting by a new column orders by its value, unknown last.
    SymbolMetrics low = m, unknown = m;
    low.symbol = "LOW";
    low.atrPct = 0.1;
    unknown.symbol = "UNK";
    unknown.atrPct.reset();
    std::vector<SymbolMetrics> rows{unknown, low, m};
    sortRows(rows, Column::AtrPct, true);
    QCOMPARE(rows[0].symbol, std::string("LIN"));
    QCOMPARE(rows[1].symbol, std::string("LOW"));
    QCOMPARE(rows[2].symbol, std::string("UNK"));
    // A query may name a metric by its column name.
    auto q = Query::parse("price_vs_sma50_pct > 7 and atr14_pct < 1 and rel_volume_20d >= 3");
    QVERIFY2(q.ok(), q.ok() ? "" : q.error().message.c_str());
    QCOMPARE(q->evaluate(m), Verdict::Pass);
  }

  void columnsAndCells() {
    for (int i = 0; i < kColumnCount; ++i) {
      const auto col = Column(i);
      QCOMPARE(columnFromKey(columnKey(col)), std::optional<Column>(col));
      QVERIFY(!columnTitle(col).empty());
    }
    // The MACD column holds the histogram and is named so; the old key still reads (saved presets).
    QCOMPARE(columnKey(Column::Macd), std::string_view("macd_hist"));
    QCOMPARE(columnFromKey("macd"), std::optional<Column>(Column::Macd));
    SymbolMetrics m = synthetic("ABC");
    m.cross = Cross::Golden;
    m.crossBarsAgo = 3;
    QCOMPARE(cellText(m, Column::Cross), std::string("golden 3d ago"));
    QCOMPARE(cellText(m, Column::Rsi), std::string("45.00"));
    m.rsi.reset();
    QCOMPARE(cellText(m, Column::Rsi), std::string());
  }
};

QTEST_APPLESS_MAIN(tst_Screener)
#include "tst_Screener.moc"
