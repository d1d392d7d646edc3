// Pair scanner on the real ORCL / YHOO / NVDA daily data. Hedge ratio and correlation are recomputed here from
// the CSV files read with Qt (independently of the backtest loader and of the scanner).
#include "core/backtest/BarSeriesLoader.h"
#include "core/strategy/pairs/Cointegration.h"
#include "core/strategy/pairs/PairScanner.h"

#include <QFile>
#include <QMap>
#include <QtTest>

#include <cmath>
#include <random>

using namespace meridian;
using namespace meridian::strategy;

namespace {

QMap<QString, double> closesByDate(const QString& file) {
  QFile f(QString(MERIDIAN_SHARED_DATA) + "/" + file);
  if (!f.open(QIODevice::ReadOnly)) qFatal("cannot open %s", qPrintable(file));
  QMap<QString, double> m;
  f.readLine();  // header
  while (!f.atEnd()) {
    const QList<QByteArray> cols = f.readLine().trimmed().split(',');
    if (cols.size() >= 5) m.insert(QString::fromLatin1(cols[0]), cols[4].toDouble());
  }
  return m;
}

}  // namespace

class tst_PairScanner : public QObject {
  Q_OBJECT
  std::vector<backtest::BarSeries> m_series;

 private Q_SLOTS:
  void initTestCase() {
    for (const char* f : {"orcl-1995-2014.csv", "yhoo-1996-2014.csv", "nvda-1999-2014.csv"}) {
      auto s = backtest::loadYahooCsv(std::string(MERIDIAN_SHARED_DATA) + "/" + f);
      QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
      m_series.push_back(std::move(s).value());
    }
  }
  void scansAllPairsRankedByScore() {
    std::vector<PairScanInput> in;
    for (const auto& s : m_series) in.push_back({s.symbol, s.bars});
    auto r = scanPairs(in);
    QVERIFY(r.ok());
    QCOMPARE(r->size(), std::size_t(3));
    for (std::size_t i = 0; i < r->size(); ++i) {
      const PairStats& p = (*r)[i];
      QVERIFY(p.pValue >= 0.0 && p.pValue <= 1.0);
      QVERIFY(std::isfinite(p.adfStatistic));
      QVERIFY(p.zWindow >= 10 && p.zWindow <= 60);
      QVERIFY(std::abs(p.score - (1.0 - p.pValue) * std::abs(p.correlation) * p.meanAbsZ) < 1e-12);
      if (i > 0) QVERIFY((*r)[i - 1].score >= p.score);
    }
    // ORCL / YHOO on their common dates (YHOO starts 1996-04-12), recomputed from the raw CSV files.
    const auto orcl = closesByDate("orcl-1995-2014.csv");
    const auto yhoo = closesByDate("yhoo-1996-2014.csv");
    std::vector<double> la, lb;
    for (auto it = orcl.cbegin(); it != orcl.cend(); ++it) {
      if (!yhoo.contains(it.key())) continue;
      la.push_back(std::log(it.value()));
      lb.push_back(std::log(yhoo.value(it.key())));
    }
    QCOMPARE(la.size(), std::size_t(4713));
    const PairStats* oy = nullptr;
    for (const auto& p : *r)
      if (p.first == "ORCL" && p.second == "YHOO") oy = &p;
    QVERIFY(oy);
    QCOMPARE(oy->observations, la.size());
    const double n = double(la.size());
    double sa = 0, sb = 0, sab = 0, sbb = 0, saa = 0;
    for (std::size_t i = 0; i < la.size(); ++i) {
      sa += la[i];
      sb += lb[i];
      sab += la[i] * lb[i];
      sbb += lb[i] * lb[i];
      saa += la[i] * la[i];
    }
    const double beta = (sab - sa * sb / n) / (sbb - sb * sb / n);
    const double corr = (sab - sa * sb / n) / std::sqrt((sbb - sb * sb / n) * (saa - sa * sa / n));
    QVERIFY2(std::abs(oy->hedgeRatio - beta) < 1e-9, qPrintable(QString("%1 vs %2").arg(oy->hedgeRatio).arg(beta)));
    QVERIFY(std::abs(oy->correlation - corr) < 1e-9);
    QVERIFY(std::abs(oy->intercept - (sa - beta * sb) / n) < 1e-9);
    // Same statistics as a direct Engle-Granger call on those log prices.
    const CointegrationResult eg = engleGranger(la, lb);
    QCOMPARE(oy->adfStatistic, eg.adf.statistic);
    QCOMPARE(oy->pValue, eg.pValue);
  }
  void aConstructedCointegratedPairRanksFirst() {
    std::vector<PairScanInput> in;
    for (const auto& s : m_series) in.push_back({s.symbol, s.bars});
    // Twin of ORCL: ORCL x exp(stationary AR(1) noise) on the same dates.
    backtest::BarSeries twin = m_series[0];
    twin.symbol = "TWIN";
    std::mt19937_64 rng(9);
    std::normal_distribution<double> e(0, 0.01);
    double u = 0;
    for (auto& b : twin.bars) {
      u = 0.8 * u + e(rng);
      const double f = std::exp(u);
      b.open *= f;
      b.high *= f;
      b.low *= f;
      b.close *= f;
    }
    in.push_back({twin.symbol, twin.bars});
    auto r = scanPairs(in);
    QVERIFY(r.ok());
    QCOMPARE(r->size(), std::size_t(6));
    QCOMPARE(r->front().first, std::string("ORCL"));
    QCOMPARE(r->front().second, std::string("TWIN"));
    QVERIFY(r->front().pValue < 0.001);
    QVERIFY(std::abs(r->front().hedgeRatio - 1.0) < 0.01);
    QVERIFY(r->front().halfLife > 1.5 && r->front().halfLife < 6.0);
  }
  void inputErrors() {
    std::vector<PairScanInput> one{{"A", m_series[0].bars}};
    QVERIFY(!scanPairs(one).ok());
    std::vector<PairScanInput> dup{{"A", m_series[0].bars}, {"A", m_series[1].bars}};
    QCOMPARE(scanPairs(dup).error().code, std::string("pairs.input"));
  }
};

QTEST_APPLESS_MAIN(tst_PairScanner)
#include "tst_PairScanner.moc"
