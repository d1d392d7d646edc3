#pragma once
// A daily series whose trend, range and liquidity metrics are known by hand (tst_Screener: the engine's
// columns and tst_ScreenCli for the CSV / JSON output): 260 bars, bar i closes at 100 + i (i = 0..259), opens at
// the previous close (close - 1), high = close + 1, low = close - 1, volume 1000; the newest bar (close 359) opens
// at 360 (gap up from 358), trades up to 365 and has volume 3000.
//
// Hand-computed values (the newest bar, close 359):
//   sma50  = mean(310..359) = 334.5                 price_vs_sma50_pct  = (359 / 334.5 - 1) * 100
//   sma200 = mean(160..359) = 259.5                 price_vs_sma200_pct = (359 / 259.5 - 1) * 100
//   high_52w = 365 (the newest bar's high; the last 252 bars are i = 8..259), low_52w = 107 (bar 8: 108 - 1)
//   pct_from_52w_high = (359 / 365 - 1) * 100       pct_from_52w_low = (359 / 107 - 1) * 100
//   avg_dollar_volume_20d = (1000 * (340 + ... + 358) + 3000 * 359) / 20 = (6 631 000 + 1 077 000) / 20 = 385 400
//   rel_volume_20d = 3000 / mean(1000 x 20) = 3     gap_pct = (360 / 358 - 1) * 100
//   true range = 2 on every bar but the newest (high 365 - prev close 358 = 7): Wilder ATR 14 = 2 until then,
//   then 2 + (7 - 2) / 14 = 2.357142857...; atr14_pct = ATR / 359 * 100
#include "core/domain/Types.h"

#include <QDate>
#include <QFile>
#include <QString>
#include <QTextStream>

#include <vector>

namespace testfixture {

inline constexpr int kLinearBars = 260;

struct LinearExpected {
  double price = 359.0;
  double sma50 = 334.5;
  double vsSma50 = (359.0 / 334.5 - 1.0) * 100.0;
  double sma200 = 259.5;
  double vsSma200 = (359.0 / 259.5 - 1.0) * 100.0;
  double high52w = 365.0;
  double fromHigh52w = (359.0 / 365.0 - 1.0) * 100.0;
  double low52w = 107.0;
  double fromLow52w = (359.0 / 107.0 - 1.0) * 100.0;
  double avgDollarVolume = 385400.0;
  double relVolume = 3.0;
  double gapPct = (360.0 / 358.0 - 1.0) * 100.0;
  double atrPct = (2.0 + 5.0 / 14.0) / 359.0 * 100.0;
};

// Bar i of the series as a CSV row (dates: consecutive weekdays from 2019-01-02).
struct LinearBar {
  QDate date;
  double open, high, low, close, volume;
};

inline std::vector<LinearBar> linearRows() {
  std::vector<LinearBar> rows;
  QDate d(2019, 1, 2);
  for (int i = 0; i < kLinearBars; ++i) {
    while (d.dayOfWeek() > 5) d = d.addDays(1);
    const double close = 100.0 + i;
    LinearBar b{d, close - 1.0, close + 1.0, close - 1.0, close, 1000.0};
    if (i == kLinearBars - 1) {
      b.open = 360.0;
      b.high = 365.0;
      b.volume = 3000.0;
    }
    rows.push_back(b);
    d = d.addDays(1);
  }
  return rows;
}

// The series as bars (ts: one day apart from 1970-01-02 UTC; the metrics do not read dates).
inline std::vector<meridian::domain::Bar> linearBars() {
  std::vector<meridian::domain::Bar> bars;
  std::int64_t day = 0;
  for (const LinearBar& r : linearRows()) {
    meridian::domain::Bar b;
    b.ts = (++day) * 86'400'000'000'000;
    b.open = r.open;
    b.high = r.high;
    b.low = r.low;
    b.close = r.close;
    b.volume = r.volume;
    bars.push_back(b);
  }
  return bars;
}

// The series as a Yahoo daily CSV (Date,Open,High,Low,Close,Adj Close,Volume).
inline bool writeLinearCsv(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::WriteOnly | QIODevice::Text)) return false;
  QTextStream out(&f);
  out << "Date,Open,High,Low,Close,Adj Close,Volume\n";
  for (const LinearBar& r : linearRows())
    out << r.date.toString(Qt::ISODate) << ',' << r.open << ',' << r.high << ',' << r.low << ',' << r.close << ','
        << r.close << ',' << r.volume << '\n';
  return out.status() == QTextStream::Ok;
}

}  // namespace testfixture
