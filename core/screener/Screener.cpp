#include "core/screener/Screener.h"

#include "core/time/TimeZones.h"

#include <QDate>

#include <fmt/core.h>

#include <algorithm>
#include <cctype>

namespace meridian::screener {
namespace {

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string_view toString(Cross c) {
  switch (c) {
    case Cross::None: return "none";
    case Cross::Golden: return "golden";
    case Cross::Death: return "death";
  }
  return "?";
}

Verdict evaluate(const SymbolMetrics& m, const Criteria& c, Exclusion* why) {
  auto unknown = [&](Exclusion::Kind kind, std::string reason) {
    if (why) *why = Exclusion{m.symbol, kind, std::move(reason)};
    return Verdict::Unknown;
  };
  if (m.bars == 0) return unknown(Exclusion::Kind::NoData, "no bars");
  if (!m.dataProblem.empty()) return unknown(Exclusion::Kind::NoData, m.dataProblem);
  auto needs = [&](Metric metric) {
    return unknown(Exclusion::Kind::InsufficientHistory,
                   fmt::format("insufficient history for {}: {} bars, needs {}", metricName(metric), m.bars,
                               requiredBars(metric, c.crossLookback)));
  };
  // A range / threshold on an optional metric: Unknown when missing, else Pass / Fail.
  auto inRange = [&](const std::optional<double>& v, const Range& r, Metric metric, Verdict& out) {
    if (!r.active()) return true;
    if (!v) {
      out = needs(metric);
      return false;
    }
    if (!r.contains(*v)) {
      out = Verdict::Fail;
      return false;
    }
    return true;
  };

  if (!c.sectors.empty()) {
    if (m.sector.empty()) return unknown(Exclusion::Kind::UnknownFundamental, "no sector stored");
    const bool any = std::any_of(c.sectors.begin(), c.sectors.end(),
                                 [&](const std::string& s) { return equalsIgnoreCase(s, m.sector); });
    if (!any) return Verdict::Fail;
  }
  if (!c.price.contains(m.last)) return Verdict::Fail;
  if (c.minVolume && m.volume < *c.minVolume) return Verdict::Fail;
  if (c.minAvgVolume) {
    if (!m.avgVolume) return needs(Metric::AvgVolume);
    if (*m.avgVolume < *c.minAvgVolume) return Verdict::Fail;
  }
  if (c.minMarketCap) {
    if (!m.marketCap) return unknown(Exclusion::Kind::UnknownFundamental, "no market cap stored");
    if (*m.marketCap < *c.minMarketCap) return Verdict::Fail;
  }
  Verdict v = Verdict::Pass;
  if (!inRange(m.rsi, c.rsi, Metric::Rsi, v)) return v;
  if (!inRange(m.change1d, c.change1d, Metric::Change1d, v)) return v;
  if (!inRange(m.change5d, c.change5d, Metric::Change5d, v)) return v;
  if (!inRange(m.change30d, c.change30d, Metric::Change30d, v)) return v;
  if (c.maxVolatility) {
    if (!m.volatility) return needs(Metric::Volatility);
    if (*m.volatility > *c.maxVolatility) return Verdict::Fail;
  }
  if (c.sma20 != Sma20Filter::Any) {
    if (!m.sma20) return needs(Metric::Sma20);
    if (c.sma20 == Sma20Filter::Above ? !(m.last > *m.sma20) : !(m.last < *m.sma20)) return Verdict::Fail;
  }
  if (c.cross != CrossFilter::Any) {
    if (!m.cross) return needs(Metric::Cross);
    if (*m.cross != (c.cross == CrossFilter::Golden ? Cross::Golden : Cross::Death)) return Verdict::Fail;
  }
  if (c.macd != MacdFilter::Any) {
    if (!m.macdHist) return needs(Metric::Macd);
    if (c.macd == MacdFilter::Bullish ? !(*m.macd > *m.macdSignal) : !(*m.macd < *m.macdSignal)) return Verdict::Fail;
  }
  if (!inRange(m.bollinger, c.bollinger, Metric::Bollinger, v)) return v;
  return Verdict::Pass;
}

std::optional<double> columnValue(const SymbolMetrics& m, Column c) {
  switch (c) {
    case Column::Symbol:
    case Column::Sector: return std::nullopt;
    case Column::MarketCap: return m.marketCap;
    case Column::Price: return m.bars ? std::optional<double>(m.last) : std::nullopt;
    case Column::Volume: return m.bars ? std::optional<double>(m.volume) : std::nullopt;
    case Column::AvgVolume: return m.avgVolume;
    case Column::Change1d: return m.change1d;
    case Column::Change5d: return m.change5d;
    case Column::Change30d: return m.change30d;
    case Column::Volatility: return m.volatility;
    case Column::Rsi: return m.rsi;
    case Column::VsSma20: return m.vsSma20;
    case Column::Cross:
      // Golden above none above death; a more recent cross is stronger.
      if (!m.cross) return std::nullopt;
      if (*m.cross == Cross::None) return 0.0;
      return (*m.cross == Cross::Golden ? 1.0 : -1.0) * (1.0 + 1.0 / (1.0 + double(m.crossBarsAgo.value_or(0))));
    case Column::Macd: return m.macdHist;
    case Column::Bollinger: return m.bollinger;
    case Column::Sma50: return m.sma50;
    case Column::VsSma50: return m.vsSma50;
    case Column::Sma200: return m.sma200;
    case Column::VsSma200: return m.vsSma200;
    case Column::High52w: return m.high52w;
    case Column::FromHigh52w: return m.fromHigh52w;
    case Column::Low52w: return m.low52w;
    case Column::FromLow52w: return m.fromLow52w;
    case Column::AvgDollarVolume: return m.avgDollarVolume;
    case Column::AtrPct: return m.atrPct;
    case Column::GapPct: return m.gapPct;
    case Column::RelVolume: return m.relVolume;
    case Column::LastDate: return m.bars ? std::optional<double>(double(m.lastTs)) : std::nullopt;
    case Column::Bars: return double(m.bars);
  }
  return std::nullopt;
}

bool rowLess(const SymbolMetrics& a, const SymbolMetrics& b, Column by, bool descending) {
  if (by == Column::Symbol) return descending ? b.symbol < a.symbol : a.symbol < b.symbol;
  if (by == Column::Sector) {
    // Unknown (empty) sectors last in both directions.
    if (a.sector.empty() != b.sector.empty()) return b.sector.empty();
    if (a.sector != b.sector) return descending ? b.sector < a.sector : a.sector < b.sector;
    return a.symbol < b.symbol;
  }
  const auto va = columnValue(a, by);
  const auto vb = columnValue(b, by);
  if (va.has_value() != vb.has_value()) return va.has_value();
  if (va && *va != *vb) return descending ? *va > *vb : *va < *vb;
  return a.symbol < b.symbol;
}

void sortRows(std::vector<SymbolMetrics>& rows, Column by, bool descending) {
  std::sort(rows.begin(), rows.end(),
            [&](const SymbolMetrics& a, const SymbolMetrics& b) { return rowLess(a, b, by, descending); });
}

ScreenerResult screen(const Criteria& c, std::vector<SymbolMetrics> metrics) {
  ScreenerResult r;
  r.criteria = c;
  r.scanned = metrics.size();
  r.rows.reserve(metrics.size());
  for (SymbolMetrics& m : metrics) {
    Exclusion why;
    switch (evaluate(m, c, &why)) {
      case Verdict::Pass: r.rows.push_back(std::move(m)); break;
      case Verdict::Fail: ++r.failed; break;
      case Verdict::Unknown: r.excluded.push_back(std::move(why)); break;
    }
  }
  r.matched = r.rows.size();
  sortRows(r.rows, c.sortBy, c.descending);
  if (c.limit && r.rows.size() > c.limit) r.rows.resize(c.limit);
  std::sort(r.excluded.begin(), r.excluded.end(),
            [](const Exclusion& a, const Exclusion& b) { return a.symbol < b.symbol; });
  return r;
}

std::string cellText(const SymbolMetrics& m, Column c) {
  auto num = [](const std::optional<double>& v, int decimals) {
    return v ? fmt::format("{:.{}f}", *v, decimals) : std::string();
  };
  switch (c) {
    case Column::Symbol: return m.symbol;
    case Column::Sector: return m.sector;
    case Column::MarketCap: return num(m.marketCap, 0);
    case Column::Price: return m.bars ? fmt::format("{:.4f}", m.last) : std::string();
    case Column::Volume: return m.bars ? fmt::format("{:.0f}", m.volume) : std::string();
    case Column::AvgVolume: return num(m.avgVolume, 0);
    case Column::Change1d: return num(m.change1d, 2);
    case Column::Change5d: return num(m.change5d, 2);
    case Column::Change30d: return num(m.change30d, 2);
    case Column::Volatility: return num(m.volatility, 2);
    case Column::Rsi: return num(m.rsi, 2);
    case Column::VsSma20: return num(m.vsSma20, 2);
    case Column::Cross:
      if (!m.cross) return {};
      if (*m.cross == Cross::None) return "none";
      return fmt::format("{} {}d ago", toString(*m.cross), m.crossBarsAgo.value_or(0));
    case Column::Macd: return num(m.macdHist, 4);
    case Column::Bollinger: return num(m.bollinger, 3);
    case Column::Sma50: return num(m.sma50, 4);
    case Column::VsSma50: return num(m.vsSma50, 2);
    case Column::Sma200: return num(m.sma200, 4);
    case Column::VsSma200: return num(m.vsSma200, 2);
    case Column::High52w: return num(m.high52w, 4);
    case Column::FromHigh52w: return num(m.fromHigh52w, 2);
    case Column::Low52w: return num(m.low52w, 4);
    case Column::FromLow52w: return num(m.fromLow52w, 2);
    case Column::AvgDollarVolume: return num(m.avgDollarVolume, 0);
    case Column::AtrPct: return num(m.atrPct, 2);
    case Column::GapPct: return num(m.gapPct, 2);
    case Column::RelVolume: return num(m.relVolume, 2);
    case Column::LastDate:
      return m.bars ? time::TimeZones::exchangeDate(m.lastTs).toString(Qt::ISODate).toStdString() : std::string();
    case Column::Bars: return std::to_string(m.bars);
  }
  return {};
}

}  // namespace meridian::screener
