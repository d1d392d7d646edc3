#include "core/execution/paper/PaperBroker.h"

#include "core/common/Logging.h"
#include "core/time/NyseCalendar.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

namespace meridian::execution {
namespace {

using domain::OrderType;
using domain::Side;
using domain::TimeInForce;
using K = BrokerEvent::Kind;
constexpr double kEps = 1e-9;

BrokerEvent event(K kind, const std::string& id, domain::Timestamp ts, std::string reason = {}) {
  BrokerEvent e;
  e.kind = kind;
  e.clientOrderId = id;
  e.ts = ts;
  e.reason = std::move(reason);
  return e;
}

}  // namespace

PaperBrokerConfig PaperBrokerConfig::fromConfig(const common::Config& config) {
  PaperBrokerConfig p;
  p.initialCash = config.doubleValue("paper.initial_cash", p.initialCash);
  p.fill.slippageBps = config.doubleValue("paper.slippage_bps", 0.0);
  p.fill.maxParticipation = config.doubleValue("paper.max_participation", 0.0);
  const double perShare = config.doubleValue("paper.commission_per_share", 0.0);
  if (perShare > 0.0)
    p.fill.commission = backtest::CommissionModel::perShare(perShare, config.doubleValue("paper.commission_min", 0.0));
  return p;
}

PaperBroker::PaperBroker(PaperBrokerConfig config, std::shared_ptr<const common::IClock> clock,
                         const time::NyseCalendar* calendar)
    : m_config(config),
      m_model(config.fill),
      m_clock(clock ? std::move(clock) : std::make_shared<common::RealClock>()),
      m_calendar(calendar ? calendar : &time::NyseCalendar::instance()),
      m_book(PaperBook::open({}).value()),
      m_cash(config.initialCash) {}

Status PaperBroker::openBook() {
  auto book = PaperBook::open(m_config.bookPath);
  if (!book.ok()) return book.error();
  m_book = std::move(book).value();
  if (!m_book->entries().empty())
    common::logger("execution")->info("paper book {}: {} order(s) from the previous run", m_config.bookPath,
                                      m_book->entries().size());
  return {};
}

std::vector<PaperBroker::Working>::iterator PaperBroker::findWorking(const std::string& id) {
  return std::find_if(m_working.begin(), m_working.end(), [&](const Working& w) { return w.order.clientOrderId == id; });
}

domain::Timestamp PaperBroker::expiryFor(const domain::Order& order, domain::Timestamp armedTs) const {
  if (!m_config.expireDayOrders || order.tif != TimeInForce::Day) return 0;
  const domain::Timestamp close = m_calendar->nextClose(armedTs);
  return close > 0 ? close : 0;
}

bool PaperBroker::arm(const domain::Order& order, double remaining, bool announce, bool persist) {
  Working w;
  w.order = order;
  if (w.order.brokerOrderId.empty()) w.order.brokerOrderId = "PB-" + order.clientOrderId;
  if (w.order.status == domain::OrderStatus::PendingSubmit || w.order.status == domain::OrderStatus::New)
    w.order.status = domain::OrderStatus::Accepted;
  w.wo.side = order.side;
  w.wo.type = order.type;
  w.wo.remaining = remaining;
  w.wo.limitPrice = order.limitPrice;
  w.wo.stopPrice = order.stopPrice;
  w.wo.trailPercent = order.trailPercent;
  w.armedTs = now();
  // Fill ids continue after the fills the order already had (restart without a book): derived from the filled
  // quantity. With a book, reconcile sets the venue's own counter.
  w.fillSeq = order.filledQuantity > 0.0 ? static_cast<int>(std::lround(order.filledQuantity * 1000.0)) : 0;
  if (order.type == OrderType::TrailingStop) {
    auto it = m_last.find(order.symbol);
    if (it != m_last.end() && it->second > 0.0) {
      w.wo.trailAnchor = it->second;
      w.anchored = true;
    }
  }
  w.expiresTs = expiryFor(order, w.armedTs);
  if (persist) {
    if (Status s = m_book->armed(w.order, remaining, w.fillSeq, w.expiresTs); !s.ok()) {
      report(event(K::Rejected, order.clientOrderId, now(), s.error().message));
      return false;
    }
  }
  ++m_submissions;
  const std::string id = w.order.clientOrderId;
  const std::string brokerId = w.order.brokerOrderId;
  m_working.push_back(std::move(w));
  if (announce) {
    BrokerEvent e = event(K::Accepted, id, now());
    e.brokerOrderId = brokerId;
    report(std::move(e));
  }
  return true;
}

void PaperBroker::submit(const domain::Order& order) {
  if (findWorking(order.clientOrderId) != m_working.end()) {
    // Idempotent by client order id: the order is already working; say so again, arm nothing.
    auto it = findWorking(order.clientOrderId);
    BrokerEvent e = event(K::Accepted, order.clientOrderId, now());
    e.brokerOrderId = it->order.brokerOrderId;
    report(std::move(e));
    return;
  }
  if (!(order.quantity > 0.0) || order.symbol.empty()) {
    report(event(K::Rejected, order.clientOrderId, now(), "paper: invalid order (quantity or symbol)"));
    return;
  }
  arm(order, order.quantity - order.filledQuantity, true);
}

void PaperBroker::cancel(const domain::Order& order) {
  auto it = findWorking(order.clientOrderId);
  if (it == m_working.end()) {
    report(event(K::CancelRejected, order.clientOrderId, now(), "paper: order is not working"));
    return;
  }
  if (Status s = m_book->ended(order.clientOrderId, "cancelled", "cancelled by request"); !s.ok()) {
    report(event(K::CancelRejected, order.clientOrderId, now(), s.error().message));
    return;
  }
  m_working.erase(it);
  report(event(K::Cancelled, order.clientOrderId, now(), "cancelled by request"));
}

void PaperBroker::replace(const domain::Order& existing, const domain::Order& replacement) {
  auto it = findWorking(existing.clientOrderId);
  if (it == m_working.end()) {
    report(event(K::Rejected, replacement.clientOrderId, now(), "paper: the order to replace is not working"));
    return;
  }
  domain::Order r = replacement;
  r.brokerOrderId = "PB-" + r.clientOrderId;
  r.status = domain::OrderStatus::Accepted;
  // One record ends the old order and arms its replacement: a crash never leaves both working.
  if (Status s = m_book->replaced(existing.clientOrderId, r, r.quantity - r.filledQuantity, expiryFor(r, now())); !s.ok()) {
    report(event(K::Rejected, replacement.clientOrderId, now(), s.error().message));
    return;
  }
  m_working.erase(it);
  arm(r, r.quantity - r.filledQuantity, false, false);
  BrokerEvent e = event(K::Replaced, existing.clientOrderId, now());
  e.replacementClientOrderId = replacement.clientOrderId;
  e.brokerOrderId = m_working.back().order.brokerOrderId;
  report(std::move(e));
}

void PaperBroker::reconcile(const std::vector<domain::Order>& journalOpen) {
  // The journal's open orders against the venue's book: the book says what the venue did (fills, ends), the
  // journal what Meridian knows. Without a book entry an order was never seen here: pending_submit is armed now,
  // an accepted one (a venue without a book) re-armed from the journal.
  auto lg = common::logger("execution");
  std::set<std::string> keep;
  for (const auto& o : journalOpen) {
    if (findWorking(o.clientOrderId) != m_working.end()) continue;  // reconciled already
    keep.insert(o.clientOrderId);
    const auto& entries = m_book->entries();
    if (auto it = entries.find(o.clientOrderId); it != entries.end()) {
      reconcileFromBook(o, it->second);
      continue;
    }
    switch (o.status) {
      case domain::OrderStatus::PendingCancel:
        report(event(K::Cancelled, o.clientOrderId, now(), "cancelled (completed after restart)"));
        break;
      case domain::OrderStatus::PendingSubmit:
        arm(o, o.quantity - o.filledQuantity, true);
        break;
      case domain::OrderStatus::Accepted:
      case domain::OrderStatus::PartiallyFilled:
        if (m_book->durable())
          lg->warn("paper: order {} is open in the journal but not in the venue's book {}: re-armed from the journal",
                   o.clientOrderId, m_book->path());
        arm(o, o.quantity - o.filledQuantity, false);
        break;
      default:
        break;
    }
  }
  for (const auto& [id, e] : m_book->entries())
    if (e.end.empty() && e.remaining > kEps && !keep.count(id))
      lg->warn("paper: order {} works in the venue's book but is closed in the journal: dropped", id);
  for (const auto& w : m_working) keep.insert(w.order.clientOrderId);
  if (Status s = m_book->compact(keep); !s.ok()) lg->error("paper book {}: cannot compact: {}", m_book->path(), s.error().message);
  report(event(K::Reconciled, {}, now()));
}

void PaperBroker::reconcileFromBook(const domain::Order& o, const PaperBook::Entry& venue) {
  const std::string& id = o.clientOrderId;
  if (o.status == domain::OrderStatus::PendingSubmit || o.status == domain::OrderStatus::New) {
    BrokerEvent a = event(K::Accepted, id, now());
    a.brokerOrderId = venue.order.brokerOrderId;
    report(std::move(a));
  }
  // Fills the journal misses: the journal's filled quantity is a prefix of the venue's fills (an order and its
  // fills are journaled together), so every fill from there on is reported, with the venue's fill id.
  double seen = 0.0;
  for (const auto& f : venue.fills) {
    if (seen + kEps >= o.filledQuantity) {
      applyToAccount(f);
      BrokerEvent e = event(K::Fill, id, f.ts);
      e.brokerOrderId = venue.order.brokerOrderId;
      e.fill = f;
      report(std::move(e));
    }
    seen += f.quantity;
  }
  if (venue.end == "replaced") {
    BrokerEvent e = event(K::Replaced, id, now());
    e.replacementClientOrderId = venue.replacement;
    if (auto it = m_book->entries().find(venue.replacement); it != m_book->entries().end())
      e.brokerOrderId = it->second.order.brokerOrderId;
    report(std::move(e));
    return;
  }
  if (venue.end == "cancelled") return report(event(K::Cancelled, id, now(), venue.endReason));
  if (venue.end == "expired") return report(event(K::Expired, id, now(), venue.endReason));
  if (venue.end == "rejected") return report(event(K::Rejected, id, now(), venue.endReason));
  if (venue.remaining <= kEps) return;  // filled: the fills said so
  if (o.status == domain::OrderStatus::PendingCancel) {
    if (m_book->ended(id, "cancelled", "cancelled (completed after restart)").ok())
      return report(event(K::Cancelled, id, now(), "cancelled (completed after restart)"));
  }
  // Still working at the venue: armed again as it was (remaining quantity, fill counter, expiry).
  domain::Order order = venue.order;
  order.filledQuantity = std::max(order.filledQuantity, o.filledQuantity);
  arm(order, venue.remaining, false, false);
  Working& w = m_working.back();
  w.fillSeq = venue.fillSeq;
  if (venue.expiresTs > 0) w.expiresTs = venue.expiresTs;
}

void PaperBroker::applyToAccount(const domain::Fill& f) {
  m_cash -= domain::sign(f.side) * f.quantity * f.price + f.commission;
  domain::Position& p = m_positions[f.symbol];
  p.symbol = f.symbol;
  p.apply(f);
}

void PaperBroker::requestOpenOrders(BrokerAnswer<std::vector<domain::Order>> done) {
  std::vector<domain::Order> out;
  for (const auto& w : m_working) out.push_back(w.order);
  done(std::move(out));
}

void PaperBroker::requestOrder(const std::string& id, BrokerAnswer<std::optional<domain::Order>> done) {
  auto it = findWorking(id);
  done(it == m_working.end() ? std::optional<domain::Order>{} : std::optional<domain::Order>(it->order));
}

void PaperBroker::requestAccount(BrokerAnswer<AccountInfo> done) {
  AccountInfo a;
  a.cash = m_cash;
  double mv = 0.0, gross = 0.0;
  for (const auto& [sym, p] : m_positions) {
    auto it = m_last.find(sym);
    const double px = it != m_last.end() ? it->second : p.avgCost;
    mv += p.quantity * px;
    gross += std::abs(p.quantity * px);
  }
  a.equity = m_cash + mv;
  a.buyingPower = std::max(0.0, a.equity - gross);
  a.lastEquity = a.equity;
  a.status = "ACTIVE";
  done(std::move(a));
}

void PaperBroker::requestPositions(BrokerAnswer<std::vector<domain::Position>> done) {
  std::vector<domain::Position> out;
  for (const auto& [sym, p] : m_positions) {
    if (std::abs(p.quantity) < kEps) continue;
    domain::Position q = p;
    if (auto it = m_last.find(sym); it != m_last.end()) q.lastPrice = it->second;
    out.push_back(q);
  }
  done(std::move(out));
}

void PaperBroker::restoreAccount(double cash, const std::vector<domain::Position>& positions) {
  m_cash = cash;
  m_positions.clear();
  for (const auto& p : positions) {
    domain::Position& agg = m_positions[p.symbol];
    agg.symbol = p.symbol;
    const double q = agg.quantity + p.quantity;
    agg.avgCost = std::abs(q) > kEps ? (agg.avgCost * agg.quantity + p.avgCost * p.quantity) / q : 0.0;
    agg.quantity = q;
    agg.realizedPnl += p.realizedPnl;
  }
}

bool PaperBroker::book(Working& w, double qty, double price, domain::Timestamp ts) {
  const double commission = m_model.commission(qty, price);
  domain::Fill f;
  f.fillId = fmt::format("PF-{}-{}", w.order.clientOrderId, w.fillSeq + 1);
  f.clientOrderId = w.order.clientOrderId;
  f.symbol = w.order.symbol;
  f.side = w.order.side;
  f.quantity = qty;
  f.price = price;
  f.commission = commission;
  f.ts = ts;
  f.strategyId = w.order.strategyId;
  if (Status s = m_book->filled(f, w.fillSeq + 1); !s.ok()) {
    common::logger("execution")->error("order {}: no fill: {}", f.clientOrderId, s.error().message);
    return false;
  }
  ++w.fillSeq;
  w.wo.remaining -= qty;
  w.order.filledQuantity += qty;
  w.order.status = w.wo.remaining > kEps ? domain::OrderStatus::PartiallyFilled : domain::OrderStatus::Filled;
  applyToAccount(f);
  BrokerEvent e = event(K::Fill, f.clientOrderId, ts);
  e.brokerOrderId = w.order.brokerOrderId;
  e.fill = std::move(f);
  report(std::move(e));
  return true;
}

void PaperBroker::expire(const std::string& id, domain::Timestamp ts, const std::string& reason) {
  if (Status s = m_book->ended(id, "expired", reason); !s.ok())
    common::logger("execution")->error("order {}: {} (expired all the same)", id, s.error().message);
  report(event(K::Expired, id, ts, reason));
}

bool PaperBroker::matchOne(Working& w, const domain::Bar& bar, double& available, domain::Timestamp ts) {
  if (w.order.type == OrderType::TrailingStop && !w.anchored) {
    w.wo.trailAnchor = w.order.side == Side::Sell ? bar.high : bar.low;
    w.anchored = true;
    return false;  // anchored on this price; can trigger from the next one
  }
  const TimeInForce tif = w.order.tif;
  const backtest::FillDecision d = m_model.match(w.wo, bar, available);
  if (tif == TimeInForce::Fok && !(d.quantity + kEps >= w.wo.remaining)) {
    expire(w.order.clientOrderId, ts, "FOK: could not be filled completely");
    return true;
  }
  if (d.quantity > 0.0) {
    if (!book(w, d.quantity, d.price, ts)) return false;  // the book refused the write: stays working
    available -= d.quantity;
  }
  if (w.wo.remaining <= kEps) return true;
  if (tif == TimeInForce::Ioc) {
    expire(w.order.clientOrderId, ts, "IOC: unfilled remainder expired");
    return true;
  }
  return false;
}

void PaperBroker::onQuote(const domain::Quote& q) {
  if (q.last > 0.0) m_last[q.symbol] = q.last;
  else if (q.mid() > 0.0) m_last[q.symbol] = q.mid();
  if (!m_config.matchOnQuotes) return;
  const domain::Timestamp ts = q.ts != 0 ? q.ts : now();
  for (std::size_t i = 0; i < m_working.size();) {
    Working& w = m_working[i];
    if (w.order.symbol != q.symbol) {
      ++i;
      continue;
    }
    double px = w.order.side == Side::Buy ? q.ask : q.bid;
    if (!(px > 0.0)) px = q.last;
    if (!(px > 0.0)) {
      ++i;
      continue;
    }
    domain::Bar b;
    b.ts = ts;
    b.open = b.high = b.low = b.close = px;
    double available = std::numeric_limits<double>::infinity();
    if (matchOne(w, b, available, ts)) {
      m_working.erase(m_working.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      ++i;
    }
  }
}

void PaperBroker::onBar(std::string_view symbol, const domain::Bar& bar) {
  if (bar.close > 0.0) m_last[std::string(symbol)] = bar.close;
  if (!m_config.matchOnBars) return;
  double available = m_model.volumeCap(bar);
  const domain::Timestamp ts = bar.ts;
  for (std::size_t i = 0; i < m_working.size();) {
    Working& w = m_working[i];
    if (w.order.symbol != symbol || bar.ts < w.armedTs) {
      ++i;
      continue;
    }
    if (matchOne(w, bar, available, ts)) {
      m_working.erase(m_working.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      ++i;
    }
  }
}

void PaperBroker::poll(domain::Timestamp t) {
  for (std::size_t i = 0; i < m_working.size();) {
    Working& w = m_working[i];
    if (w.expiresTs > 0 && t >= w.expiresTs) {
      const std::string id = w.order.clientOrderId;
      m_working.erase(m_working.begin() + static_cast<std::ptrdiff_t>(i));
      expire(id, t, "DAY order expired at the close");
    } else {
      ++i;
    }
  }
}

}  // namespace meridian::execution
