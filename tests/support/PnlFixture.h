#pragma once
// Four filled orders journaled through the storage API, as the execution service writes them, whose P&L is worked
// out by hand in tests/research/tst_PnlReport.cpp: s1 trades AAPL Tue 1 .. Fri 4 December 2026 (-1, +99, 0, -101,
// three $1 commissions, -3 in all); a manual MSFT buy on Thursday at its own price.
#include "core/storage/IStorage.h"
#include "core/time/TimeZones.h"

#include <QDate>
#include <QTime>

#include <string>

namespace meridian::testsupport {

// An order filled at once by one fill. Returns an empty string or the storage error.
inline std::string journalFilledOrder(storage::IStorage& s, const char* id, QDate day, const char* symbol,
                                      domain::Side side, double qty, double price, double commission,
                                      const char* strategy) {
  domain::Order o;
  o.clientOrderId = std::string("O-") + id;
  o.symbol = symbol;
  o.side = side;
  o.quantity = qty;
  o.type = domain::OrderType::Market;
  o.status = domain::OrderStatus::Filled;
  o.filledQuantity = qty;
  o.avgFillPrice = price;
  o.strategyId = strategy;
  o.createdTs = o.updatedTs = time::TimeZones::fromExchange(day, QTime(15, 0));
  if (Status st = s.journalOrder(o); !st.ok()) return st.error().message;
  domain::Fill f;
  f.fillId = id;
  f.clientOrderId = o.clientOrderId;
  f.symbol = symbol;
  f.side = side;
  f.quantity = qty;
  f.price = price;
  f.commission = commission;
  f.ts = o.createdTs;
  f.strategyId = strategy;
  auto r = s.recordFill(f);
  return r.ok() ? std::string() : r.error().message;
}

inline std::string journalPnlFixture(storage::IStorage& s) {
  using domain::Side;
  for (const std::string& e :
       {journalFilledOrder(s, "F1", QDate(2026, 12, 1), "AAPL", Side::Buy, 10, 100, 1, "s1"),
        journalFilledOrder(s, "F2", QDate(2026, 12, 2), "AAPL", Side::Sell, 5, 110, 1, "s1"),
        journalFilledOrder(s, "F3", QDate(2026, 12, 3), "MSFT", Side::Buy, 2, 50, 0, ""),
        journalFilledOrder(s, "F4", QDate(2026, 12, 4), "AAPL", Side::Sell, 5, 90, 1, "s1")})
    if (!e.empty()) return e;
  return {};
}

}  // namespace meridian::testsupport
