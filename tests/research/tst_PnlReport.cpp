// research::buildPnlReport against P&L computed by hand from a few fills (average cost, commissions, marks at the
// last fill price), per day / ISO week / month, with carry-in before the range and strategy filters.
#include "core/research/PnlReport.h"
#include "core/time/TimeZones.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <cmath>

using namespace meridian;

namespace {

domain::Fill fill(const char* id, QDate day, const char* symbol, domain::Side side, double qty, double price,
                  double commission, const char* strategy) {
  domain::Fill f;
  f.fillId = id;
  f.clientOrderId = std::string("O-") + id;
  f.symbol = symbol;
  f.side = side;
  f.quantity = qty;
  f.price = price;
  f.commission = commission;
  f.ts = time::TimeZones::fromExchange(day, QTime(15, 0));
  f.strategyId = strategy;
  return f;
}

// Tue 1 .. Fri 4 December 2026 (ISO week 49).
const QDate kTue(2026, 12, 1), kWed(2026, 12, 2), kThu(2026, 12, 3), kFri(2026, 12, 4);

std::vector<domain::Fill> fills() {
  using domain::Side;
  return {
      fill("F4", kFri, "AAPL", Side::Sell, 5, 90, 1, "s1"),  // given out of order: the report sorts
      fill("F1", kTue, "AAPL", Side::Buy, 10, 100, 1, "s1"),
      fill("F2", kWed, "AAPL", Side::Sell, 5, 110, 1, "s1"),
      fill("F3", kThu, "MSFT", Side::Buy, 2, 50, 0, ""),
  };
}

const research::PnlRow* find(const std::vector<research::PnlRow>& rows, const char* period, const char* symbol) {
  for (const auto& r : rows)
    if (r.period == period && r.symbol == symbol) return &r;
  return nullptr;
}

}  // namespace

class tst_PnlReport : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void dailyPnlByHand() {
    const auto f = fills();
    const research::PnlReport r = research::buildPnlReport(f, {});
    QCOMPARE(r.from, kTue);
    QCOMPARE(r.to, kFri);
    // Tue: bought 10 @ 100 paying 1: realized -1, unrealized 0 -> -1.
    const auto* tue = find(r.daily, "2026-12-01", "AAPL");
    QVERIFY(tue);
    QCOMPARE(tue->pnl, -1.0);
    QCOMPARE(tue->realized, -1.0);
    QCOMPARE(tue->fees, 1.0);
    QCOMPARE(tue->fills, std::int64_t(1));
    QCOMPARE(tue->position, 10.0);
    // Wed: sold 5 @ 110 paying 1: realized 5 x 10 - 1 = 49, the 5 left marked at 110: +50 -> 99.
    const auto* wed = find(r.daily, "2026-12-02", "AAPL");
    QVERIFY(wed);
    QCOMPARE(wed->realized, 49.0);
    QCOMPARE(wed->pnl, 99.0);
    QCOMPARE(wed->position, 5.0);
    // Thu: no AAPL fill and no new AAPL price: no row; MSFT bought at its own mark: 0 P&L, one fill, "manual".
    QVERIFY(!find(r.daily, "2026-12-03", "AAPL"));
    const auto* thu = find(r.daily, "2026-12-03", "MSFT");
    QVERIFY(thu);
    QCOMPARE(thu->strategy, std::string("manual"));
    QCOMPARE(thu->pnl, 0.0);
    QCOMPARE(thu->fills, std::int64_t(1));
    // Fri: sold 5 @ 90 paying 1: realized 5 x -10 - 1 = -51; the +50 unrealized of Wed is gone -> -101.
    const auto* fri = find(r.daily, "2026-12-04", "AAPL");
    QVERIFY(fri);
    QCOMPARE(fri->realized, -51.0);
    QCOMPARE(fri->pnl, -101.0);
    QCOMPARE(fri->position, 0.0);
    QCOMPARE(r.daily.size(), std::size_t(4));

    // The week and the month add the days up: -1 + 99 - 101 = -3 (the three commissions).
    const auto* week = find(r.weekly, "2026-W49", "AAPL");
    QVERIFY(week);
    QCOMPARE(week->pnl, -3.0);
    QCOMPARE(week->fees, 3.0);
    QCOMPARE(week->fills, std::int64_t(3));
    const auto* month = find(r.monthly, "2026-12", "AAPL");
    QVERIFY(month);
    QCOMPARE(month->pnl, -3.0);

    // Equity per session: 100000 - 1, then + 99, unchanged, then - 101; drawdown from the Wednesday peak.
    QCOMPARE(r.startEquity, 100000.0);
    QCOMPARE(r.equity.size(), std::size_t(4));
    QCOMPARE(r.equity[0].equity, 99999.0);
    QCOMPARE(r.equity[1].equity, 100098.0);
    QCOMPARE(r.equity[2].equity, 100098.0);
    QCOMPARE(r.equity[3].equity, 99997.0);
    QCOMPARE(r.equity[1].drawdown, 0.0);
    QCOMPARE(r.equity[3].drawdown, 1.0 - 99997.0 / 100098.0);
    QCOMPARE(r.endEquity, 99997.0);
    QCOMPARE(r.pnl, -3.0);
    QCOMPARE(r.fees, 3.0);
    QCOMPARE(r.fills, std::int64_t(4));
    // One round trip, closed at a loss of the three commissions.
    QCOMPARE(r.trades.size(), std::size_t(1));
    QCOMPARE(r.trades[0].pnl, -3.0);
    QCOMPARE(r.metrics.trades, std::int64_t(1));
    QCOMPARE(r.metrics.losses, std::int64_t(1));
    QCOMPARE(r.metrics.winRate, 0.0);
    QCOMPARE(r.metrics.maxDrawdown, 1.0 - 99997.0 / 100098.0);
    QCOMPARE(r.metrics.totalReturn, 99997.0 / 100000.0 - 1.0);
  }

  void rangeCarriesPositionsIn() {
    const auto f = fills();
    research::PnlReportOptions o;
    o.from = kWed;
    const research::PnlReport r = research::buildPnlReport(f, o);
    QCOMPARE(r.startEquity, 99999.0);  // Tuesday's fill is before the range but its position is held
    QVERIFY(!find(r.daily, "2026-12-01", "AAPL"));
    QCOMPARE(find(r.daily, "2026-12-02", "AAPL")->pnl, 99.0);
    QCOMPARE(r.pnl, -2.0);
    QCOMPARE(r.fees, 2.0);
    QCOMPARE(r.equity.size(), std::size_t(3));
  }

  void strategyFilter() {
    const auto f = fills();
    research::PnlReportOptions o;
    o.strategy = "manual";
    const research::PnlReport manual = research::buildPnlReport(f, o);
    QCOMPARE(manual.daily.size(), std::size_t(1));
    QCOMPARE(manual.daily[0].symbol, std::string("MSFT"));
    QCOMPARE(manual.from, kThu);
    o.strategy = "s1";
    const research::PnlReport s1 = research::buildPnlReport(f, o);
    QCOMPARE(s1.fills, std::int64_t(3));
    QCOMPARE(s1.pnl, -3.0);
    QVERIFY(!find(s1.daily, "2026-12-03", "MSFT"));
  }

  void csvAndJson() {
    const auto f = fills();
    const research::PnlReport r = research::buildPnlReport(f, {});
    const std::string csv = research::pnlReportCsv(r);
    QVERIFY(csv.starts_with("granularity,period,strategy,symbol,pnl,realized,fees,fills,position\n"));
    QVERIFY(csv.find("day,2026-12-04,s1,AAPL,-101,-51,1,1,0\n") != std::string::npos);
    QVERIFY(csv.find("week,2026-W49,s1,AAPL,-3,-3,3,3,0\n") != std::string::npos);
    const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(research::pnlReportJson(r))).object();
    QCOMPARE(o.value("pnl").toDouble(), -3.0);
    QCOMPARE(o.value("daily").toArray().size(), 4);
    QCOMPARE(o.value("equity").toArray().size(), 4);
    QCOMPARE(o.value("metrics").toObject().value("trades").toInt(), 1);
  }

  void noFills() {
    const research::PnlReport r = research::buildPnlReport({}, {});
    QVERIFY(r.daily.empty());
    QCOMPARE(r.pnl, 0.0);
  }
};

QTEST_GUILESS_MAIN(tst_PnlReport)
#include "tst_PnlReport.moc"
