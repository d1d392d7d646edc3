#include "app/cli/RiskCommands.h"

#include "core/risk/PositionBook.h"
#include "core/risk/RiskEngine.h"
#include "core/time/NyseCalendar.h"

#include <QDateTime>

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace meridian::cli {
namespace {

struct Stats {
  double p50 = 0, p99 = 0, p999 = 0, max = 0, mean = 0;
};

Stats stats(std::vector<std::int64_t>& ns) {
  Stats s;
  if (ns.empty()) return s;
  std::sort(ns.begin(), ns.end());
  auto at = [&](double q) { return double(ns[std::min(ns.size() - 1, std::size_t(q * double(ns.size())))]); };
  s.p50 = at(0.50);
  s.p99 = at(0.99);
  s.p999 = at(0.999);
  s.max = double(ns.back());
  double sum = 0;
  for (auto v : ns) sum += double(v);
  s.mean = sum / double(ns.size());
  return s;
}

void print(const char* label, const Stats& s) {
  fmt::print("  {:<22} p50 {:>6.0f} ns   p99 {:>6.0f} ns   p99.9 {:>7.0f} ns   max {:>9.0f} ns   mean {:>6.1f} ns\n",
             label, s.p50, s.p99, s.p999, s.max, s.mean);
}

int optionInt(const QStringList& args, const char* name, int fallback) {
  const int i = args.indexOf(QString::fromLatin1(name));
  if (i < 0 || i + 1 >= args.size()) return fallback;
  bool ok = false;
  const int v = args[i + 1].toInt(&ok);
  return ok && v > 0 ? v : fallback;
}

}  // namespace

int runBenchRisk(const QStringList& args, const common::Config& config) {
  const int n = optionInt(args, "--n", 1'000'000);
  const int nSymbols = optionInt(args, "--symbols", 50);
  using Clock = std::chrono::steady_clock;

  risk::RiskLimits limits = risk::RiskLimits::fromConfig(config);
  limits.maxOrdersPerWindow = 1000;  // 1 order per 2 ms below: the rate rule is evaluated but rarely binds
  limits.enforceTradingHours = true;
  risk::RiskEngine engine(limits);
  (void)time::NyseCalendar::instance();  // built once, before timing

  // A realistic account: 50 symbols with positions, marks and working orders.
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> price(20.0, 600.0);
  std::uniform_int_distribution<int> qty(1, 300);
  std::vector<std::string> symbols;
  risk::PositionBook book(5'000'000.0);
  for (int i = 0; i < nSymbols; ++i) {
    symbols.push_back(fmt::format("SYM{:02d}", i));
    const double px = price(rng);
    book.mark(symbols.back(), px);
    domain::Fill f;
    f.fillId = fmt::format("F{}", i);
    f.symbol = symbols.back();
    f.side = i % 3 == 0 ? domain::Side::Sell : domain::Side::Buy;
    f.quantity = qty(rng);
    f.price = px;
    book.apply(f);
  }
  book.startDay();
  std::vector<double> workingBuy(nSymbols), workingSell(nSymbols);
  for (int i = 0; i < nSymbols; ++i) {
    workingBuy[i] = qty(rng);
    workingSell[i] = qty(rng);
  }

  // Orders: market and limit, both sides; ~5 % outside the price band (the reject path is timed too).
  std::vector<domain::Order> orders(1024);
  for (std::size_t k = 0; k < orders.size(); ++k) {
    domain::Order& o = orders[k];
    const int s = int(k % std::size_t(nSymbols));
    o.clientOrderId = fmt::format("MRD-bench-{}", k);
    o.symbol = symbols[s];
    o.side = k % 2 ? domain::Side::Sell : domain::Side::Buy;
    o.quantity = qty(rng);
    const double last = book.lastPrice(o.symbol);
    if (k % 3 == 0) {
      o.type = domain::OrderType::Market;
    } else {
      o.type = domain::OrderType::Limit;
      o.limitPrice = last * (k % 20 == 1 ? 1.08 : 1.0 + (double(k % 7) - 3.0) * 0.003);
    }
    o.strategyId = k % 10 == 0 ? "pairs:SYM00/SYM01" : "manual";
  }

  const domain::Timestamp start =
      QDateTime::fromString(QStringLiteral("2024-03-05T15:00:00Z"), Qt::ISODate).toMSecsSinceEpoch() *
      domain::kNanosPerMilli;
  const domain::Timestamp step = 2 * domain::kNanosPerMilli;

  // Prebuilt states (check alone).
  std::vector<risk::RiskState> states(orders.size());
  const risk::PnlTotals& t = book.totals();
  for (std::size_t k = 0; k < orders.size(); ++k) {
    risk::RiskState& s = states[k];
    s.equity = t.equity;
    s.peakEquity = std::max(t.peakEquity, t.equity);
    s.dayStartEquity = t.dayStartEquity;
    s.grossExposure = t.grossExposure;
    s.lastPrice = book.lastPrice(orders[k].symbol);
    s.positionQty = book.positionQty(orders[k].symbol);
    s.workingBuyQty = workingBuy[k % std::size_t(nSymbols)];
    s.workingSellQty = workingSell[k % std::size_t(nSymbols)];
    s.pairsLeg = k % 10 == 0;
    s.pairCorrelation = 0.6;
  }

  std::vector<std::int64_t> checkNs, fullNs, overheadNs;
  checkNs.reserve(std::size_t(n));
  fullNs.reserve(std::size_t(n));
  overheadNs.reserve(std::size_t(n));
  std::size_t rejects = 0;
  std::size_t byRule[16] = {};

  for (int i = 0; i < n; ++i) {
    const auto t0 = Clock::now();
    const auto t1 = Clock::now();
    overheadNs.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
  }
  for (int i = 0; i < n; ++i) {
    const std::size_t k = std::size_t(i) % orders.size();
    states[k].now = start + i * step;
    const auto t0 = Clock::now();
    const risk::RiskDecision d = engine.check(orders[k], states[k]);
    const auto t1 = Clock::now();
    rejects += d.ok ? 0 : 1;
    ++byRule[static_cast<std::size_t>(d.rule) & 15];
    checkNs.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
  }
  engine.setLimits(limits);  // fresh rate window
  for (int i = 0; i < n; ++i) {
    const std::size_t k = std::size_t(i) % orders.size();
    const domain::Order& o = orders[k];
    const auto t0 = Clock::now();
    risk::RiskState s;
    s.now = start + i * step;
    const risk::PnlTotals& tot = book.totals();
    s.equity = tot.equity;
    s.peakEquity = std::max(tot.peakEquity, tot.equity);
    s.dayStartEquity = tot.dayStartEquity;
    s.grossExposure = tot.grossExposure;
    s.lastPrice = book.lastPrice(o.symbol);
    s.positionQty = book.positionQty(o.symbol);
    s.workingBuyQty = workingBuy[k % std::size_t(nSymbols)];
    s.workingSellQty = workingSell[k % std::size_t(nSymbols)];
    const risk::RiskDecision d = engine.check(o, s);
    const auto t1 = Clock::now();
    (void)d;
    fullNs.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
  }

  fmt::print("risk bench: {} pre-trade checks over {} symbols, every rule on (rejected {:.1f}%), per-check "
             "steady_clock timing (includes the timer overhead below)\n",
             n, nSymbols, 100.0 * double(rejects) / double(n));
  fmt::print("  outcomes:");
  for (std::size_t r = 0; r < 16; ++r)
    if (byRule[r]) fmt::print(" {}={}", risk::toString(static_cast<risk::RiskRule>(r)), byRule[r]);
  fmt::print("\n");
  const Stats c = stats(checkNs);
  print("RiskEngine::check", c);
  print("state + check", stats(fullNs));
  print("timer overhead", stats(overheadNs));
  fmt::print("goal p99 < 2000 ns: {}\n", c.p99 < 2000.0 ? "met" : "NOT met");
  return c.p99 < 2000.0 ? 0 : 1;
}

}  // namespace meridian::cli
