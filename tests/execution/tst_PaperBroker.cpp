// PaperBroker: fills through the backtester's FillModel against quotes and bars; IOC / FOK / DAY; cancel,
// replace, re-arming on restart without doubling; deterministic output; simulated account.
#include "core/execution/paper/PaperBroker.h"

#include <QDateTime>
#include <QtTest>

#include <cmath>

using namespace meridian;
using execution::BrokerEvent;
using execution::PaperBroker;
using K = BrokerEvent::Kind;

namespace {

domain::Timestamp utc(const char* iso) {
  return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toMSecsSinceEpoch() * domain::kNanosPerMilli;
}
const domain::Timestamp kT0 = utc("2024-03-05T15:00:00Z");  // 10:00 ET, close at 21:00 UTC

domain::Order order(const std::string& id, domain::Side side, double qty, domain::OrderType type = domain::OrderType::Market,
                    double limit = 0, double stop = 0, domain::TimeInForce tif = domain::TimeInForce::Gtc) {
  domain::Order o;
  o.clientOrderId = id;
  o.symbol = "AAPL";
  o.side = side;
  o.quantity = qty;
  o.type = type;
  o.limitPrice = limit;
  o.stopPrice = stop;
  o.tif = tif;
  o.status = domain::OrderStatus::PendingSubmit;
  return o;
}

domain::Quote quote(double bid, double ask, domain::Timestamp ts) {
  domain::Quote q;
  q.symbol = "AAPL";
  q.bid = bid;
  q.ask = ask;
  q.last = 0.5 * (bid + ask);
  q.ts = ts;
  return q;
}

domain::Bar bar(domain::Timestamp ts, double o, double h, double l, double c, double v = 1000) {
  domain::Bar b;
  b.ts = ts;
  b.open = o;
  b.high = h;
  b.low = l;
  b.close = c;
  b.volume = v;
  return b;
}

struct Harness {
  std::shared_ptr<common::SimulatedClock> clock = std::make_shared<common::SimulatedClock>(kT0);
  std::vector<BrokerEvent> events;
  std::unique_ptr<PaperBroker> broker;
  explicit Harness(execution::PaperBrokerConfig cfg = {}) {
    broker = std::make_unique<PaperBroker>(cfg, clock);
    broker->setSink([this](BrokerEvent e) { events.push_back(std::move(e)); });
  }
  std::vector<BrokerEvent> of(K kind) const {
    std::vector<BrokerEvent> out;
    for (const auto& e : events)
      if (e.kind == kind) out.push_back(e);
    return out;
  }
};

execution::PaperBrokerConfig slipAndCommission() {
  execution::PaperBrokerConfig c;
  c.fill.slippageBps = 10;  // 0.1 %
  c.fill.commission = backtest::CommissionModel::perShare(0.01, 1.0);
  c.initialCash = 100'000;
  return c;
}

}  // namespace

class tst_PaperBroker : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void marketOrderFillsAtTheNextQuoteWithTheSharedFillModel() {
    Harness h(slipAndCommission());
    h.broker->onQuote(quote(99.9, 100.1, kT0 - 1000));  // before the order: not used
    h.broker->submit(order("A", domain::Side::Buy, 100));
    QCOMPARE(h.of(K::Accepted).size(), std::size_t(1));
    QVERIFY(!h.of(K::Accepted)[0].brokerOrderId.empty());
    QVERIFY(h.of(K::Fill).empty());
    h.broker->onQuote(quote(100.0, 100.2, kT0 + 1000));
    const auto fills = h.of(K::Fill);
    QCOMPARE(fills.size(), std::size_t(1));
    const backtest::FillModel model(slipAndCommission().fill);
    QCOMPARE(fills[0].fill.price, model.slip(domain::Side::Buy, 100.2));
    QCOMPARE(fills[0].fill.price, 100.2 * 1.001);
    QCOMPARE(fills[0].fill.commission, 1.0);  // 100 x 0.01 = 1.00 (minimum 1.00)
    QCOMPARE(fills[0].fill.fillId, std::string("PF-A-1"));
    QCOMPARE(h.broker->workingCount(), std::size_t(0));
    auto acct = h.broker->account();
    QVERIFY(acct.ok());
    QCOMPARE(acct->cash, 100'000 - 100 * 100.2 * 1.001 - 1.0);
    auto pos = h.broker->positions();
    QCOMPARE(pos->size(), std::size_t(1));
    QCOMPARE(pos->at(0).quantity, 100.0);
  }

  void sellMarketFillsAtTheBid() {
    Harness h;
    h.broker->submit(order("S", domain::Side::Sell, 10));
    h.broker->onQuote(quote(99.5, 99.7, kT0 + 1));
    QCOMPARE(h.of(K::Fill).at(0).fill.price, 99.5);
  }

  void limitOrderRestsThenFillsOnABar() {
    Harness h;
    h.broker->submit(order("L", domain::Side::Buy, 50, domain::OrderType::Limit, 98.0));
    h.broker->onQuote(quote(99.0, 99.2, kT0 + 1));  // not marketable
    QVERIFY(h.of(K::Fill).empty());
    h.broker->onBar("AAPL", bar(kT0 - domain::kNanosPerMinute, 99, 99, 97, 98));  // opened before the order
    QVERIFY(h.of(K::Fill).empty());                                                // no look-ahead
    h.broker->onBar("AAPL", bar(kT0 + domain::kNanosPerMinute, 99, 99.5, 97.5, 98.5));
    QCOMPARE(h.of(K::Fill).size(), std::size_t(1));
    QCOMPARE(h.of(K::Fill)[0].fill.price, 98.0);  // at the limit
  }

  void stopSellTriggersOnAGap() {
    Harness h;
    h.broker->submit(order("ST", domain::Side::Sell, 10, domain::OrderType::Stop, 0, 95.0));
    h.broker->onBar("AAPL", bar(kT0 + 60, 99, 100, 96, 97));
    QVERIFY(h.of(K::Fill).empty());
    h.broker->onBar("AAPL", bar(kT0 + 120, 94, 95, 93, 94));  // gap below the stop: fills at the open
    QCOMPARE(h.of(K::Fill).at(0).fill.price, 94.0);
  }

  void iocFillsWhatItCanAndExpiresTheRest() {
    auto cfg = execution::PaperBrokerConfig{};
    cfg.fill.maxParticipation = 0.1;  // 10 % of bar volume
    Harness h(cfg);
    h.broker->submit(order("I", domain::Side::Buy, 100, domain::OrderType::Market, 0, 0, domain::TimeInForce::Ioc));
    h.broker->onBar("AAPL", bar(kT0 + 60, 100, 101, 99, 100, 500));  // cap 50
    QCOMPARE(h.of(K::Fill).size(), std::size_t(1));
    QCOMPARE(h.of(K::Fill)[0].fill.quantity, 50.0);
    QCOMPARE(h.of(K::Expired).size(), std::size_t(1));
    QCOMPARE(h.broker->workingCount(), std::size_t(0));
  }

  void fokFillsCompletelyOrNotAtAll() {
    auto cfg = execution::PaperBrokerConfig{};
    cfg.fill.maxParticipation = 0.1;
    Harness h(cfg);
    h.broker->submit(order("F", domain::Side::Buy, 100, domain::OrderType::Market, 0, 0, domain::TimeInForce::Fok));
    h.broker->onBar("AAPL", bar(kT0 + 60, 100, 101, 99, 100, 500));
    QVERIFY(h.of(K::Fill).empty());
    QCOMPARE(h.of(K::Expired).size(), std::size_t(1));
    h.broker->submit(order("F2", domain::Side::Buy, 40, domain::OrderType::Market, 0, 0, domain::TimeInForce::Fok));
    h.broker->onBar("AAPL", bar(kT0 + 120, 100, 101, 99, 100, 500));
    QCOMPARE(h.of(K::Fill).size(), std::size_t(1));
    QCOMPARE(h.of(K::Fill)[0].fill.quantity, 40.0);
  }

  void dayOrderExpiresAtTheClose() {
    Harness h;
    h.broker->submit(order("D", domain::Side::Buy, 10, domain::OrderType::Limit, 50, 0, domain::TimeInForce::Day));
    h.broker->submit(order("G", domain::Side::Buy, 10, domain::OrderType::Limit, 50, 0, domain::TimeInForce::Gtc));
    h.broker->poll(utc("2024-03-05T20:59:59Z"));
    QVERIFY(h.of(K::Expired).empty());
    h.broker->poll(utc("2024-03-05T21:00:00Z"));  // 16:00 ET
    QCOMPARE(h.of(K::Expired).size(), std::size_t(1));
    QCOMPARE(h.of(K::Expired)[0].clientOrderId, std::string("D"));
    QCOMPARE(h.broker->workingCount(), std::size_t(1));
  }

  void cancelAndReplace() {
    Harness h;
    h.broker->submit(order("C", domain::Side::Buy, 10, domain::OrderType::Limit, 90));
    h.broker->cancel(order("C", domain::Side::Buy, 10));
    QCOMPARE(h.of(K::Cancelled).size(), std::size_t(1));
    h.broker->cancel(order("C", domain::Side::Buy, 10));
    QCOMPARE(h.of(K::CancelRejected).size(), std::size_t(1));
    h.broker->submit(order("R1", domain::Side::Buy, 10, domain::OrderType::Limit, 90));
    h.broker->replace(order("R1", domain::Side::Buy, 10), order("R2", domain::Side::Buy, 20, domain::OrderType::Limit, 99.5));
    QCOMPARE(h.of(K::Replaced).size(), std::size_t(1));
    QCOMPARE(h.of(K::Replaced)[0].replacementClientOrderId, std::string("R2"));
    h.broker->onQuote(quote(99.3, 99.4, kT0 + 5));
    QCOMPARE(h.of(K::Fill).size(), std::size_t(1));
    QCOMPARE(h.of(K::Fill)[0].clientOrderId, std::string("R2"));
    QCOMPARE(h.of(K::Fill)[0].fill.quantity, 20.0);
  }

  void reconcileReArmsOnceAndKeepsPartialFills() {
    Harness h;
    auto pending = order("P", domain::Side::Buy, 10);
    auto partial = order("Q", domain::Side::Buy, 100);
    partial.status = domain::OrderStatus::PartiallyFilled;
    partial.filledQuantity = 30;
    partial.brokerOrderId = "PB-7";
    auto cancelling = order("X", domain::Side::Buy, 5);
    cancelling.status = domain::OrderStatus::PendingCancel;
    h.broker->reconcile({pending, partial, cancelling});
    h.broker->reconcile({pending, partial, cancelling});  // twice: nothing doubled
    QCOMPARE(h.broker->submissions(), std::uint64_t(2));
    QCOMPARE(h.broker->workingCount(), std::size_t(2));
    QCOMPARE(h.of(K::Accepted).size(), std::size_t(1));  // only the never-acknowledged one
    QCOMPARE(h.of(K::Reconciled).size(), std::size_t(2));  // each reconciliation ends with Reconciled, last
    QVERIFY(h.events.back().kind == K::Reconciled);
    h.broker->submit(pending);                             // idempotent submit
    QCOMPARE(h.broker->submissions(), std::uint64_t(2));
    h.broker->onQuote(quote(10, 10.1, kT0 + 5));
    const auto fills = h.of(K::Fill);
    QCOMPARE(fills.size(), std::size_t(2));
    QCOMPARE(fills[1].fill.quantity, 70.0);               // the remainder only
    QVERIFY(fills[1].fill.fillId != "PF-Q-1");             // ids continue after the journaled fills
  }

  void trailingStopAnchorsAndTriggers() {
    Harness h;
    h.broker->onQuote(quote(99.9, 100.1, kT0));  // last 100
    auto t = order("T", domain::Side::Sell, 10, domain::OrderType::TrailingStop);
    t.trailPercent = 5;
    h.broker->submit(t);
    h.broker->onBar("AAPL", bar(kT0 + 60, 100, 110, 100, 109));  // raises the anchor to 110
    QVERIFY(h.of(K::Fill).empty());
    h.broker->onBar("AAPL", bar(kT0 + 120, 108, 108, 104, 105));  // stop 104.5 hit
    QCOMPARE(h.of(K::Fill).size(), std::size_t(1));
    QCOMPARE(h.of(K::Fill)[0].fill.price, 104.5);
  }

  void deterministic() {
    auto run = [] {
      Harness h(slipAndCommission());
      for (int i = 0; i < 5; ++i) {
        h.broker->submit(order(std::string("M").append(std::to_string(i)), i % 2 ? domain::Side::Sell : domain::Side::Buy, 10 + i));
        h.broker->submit(order(std::string("L").append(std::to_string(i)), domain::Side::Buy, 5, domain::OrderType::Limit, 99 - i));
      }
      for (int k = 0; k < 10; ++k) h.broker->onBar("AAPL", bar(kT0 + (k + 1) * 60, 100 - k * 0.3, 100.5 - k * 0.3, 98 - k * 0.5, 99 - k * 0.4));
      std::vector<std::string> out;
      for (const auto& e : h.events)
        out.push_back(std::to_string(int(e.kind)) + e.clientOrderId + e.fill.fillId + std::to_string(e.fill.price) +
                      std::to_string(e.fill.quantity));
      return out;
    };
    const auto a = run();
    QVERIFY(a.size() > 10);
    QCOMPARE(a, run());
  }
};

QTEST_GUILESS_MAIN(tst_PaperBroker)
#include "tst_PaperBroker.moc"
