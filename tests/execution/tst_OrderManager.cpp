// OrderManager: lifecycle through broker events, partial fills, duplicate fills, bracket activation, OCO
// cancel, TIF outcomes (IOC / FOK / DAY expiry reported by the broker), restore from the journal.
#include "core/execution/OrderManager.h"

#include <QtTest>

#include <algorithm>

using namespace meridian;
using execution::BrokerEvent;
using execution::OmsEffects;
using execution::OrderManager;
using S = domain::OrderStatus;
using K = BrokerEvent::Kind;

namespace {

domain::Order order(const std::string& id, domain::Side side, double qty, domain::OrderType type = domain::OrderType::Market,
                    double limit = 0, double stop = 0) {
  domain::Order o;
  o.clientOrderId = id;
  o.symbol = "AAPL";
  o.side = side;
  o.quantity = qty;
  o.type = type;
  o.limitPrice = limit;
  o.stopPrice = stop;
  o.strategyId = "s1";
  return o;
}

BrokerEvent ev(K kind, const std::string& id, domain::Timestamp ts = 10) {
  BrokerEvent e;
  e.kind = kind;
  e.clientOrderId = id;
  e.ts = ts;
  return e;
}

BrokerEvent fill(const std::string& id, const std::string& fillId, double qty, double px, domain::Timestamp ts = 20) {
  BrokerEvent e = ev(K::Fill, id, ts);
  e.fill.fillId = fillId;
  e.fill.quantity = qty;
  e.fill.price = px;
  return e;
}

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

}  // namespace

class tst_OrderManager : public QObject {
  Q_OBJECT

  // Moves a new order to accepted.
  static void submitAndAccept(OrderManager& oms, const std::string& id) {
    OmsEffects fx;
    QVERIFY(oms.transition(id, S::PendingSubmit, 1, {}, fx));
    auto e = ev(K::Accepted, id, 2);
    e.brokerOrderId = "B-" + id;
    oms.onBrokerEvent(e, fx);
    QVERIFY(oms.find(id)->order.status == S::Accepted);
  }

 private Q_SLOTS:
  void lifecycleWithPartialFills() {
    OrderManager oms;
    QVERIFY(oms.add(order("A", domain::Side::Buy, 100), "C-1").ok());
    QVERIFY(!oms.add(order("A", domain::Side::Buy, 100)).ok());  // duplicate id
    submitAndAccept(oms, "A");
    QCOMPARE(oms.find("A")->order.brokerOrderId, std::string("B-A"));
    QCOMPARE(oms.find("A")->correlationId, std::string("C-1"));
    OmsEffects fx;
    oms.onBrokerEvent(fill("A", "F1", 40, 10.0), fx);
    QVERIFY(oms.find("A")->order.status == S::PartiallyFilled);
    QCOMPARE(fx.fills.size(), std::size_t(1));
    QCOMPARE(fx.fills[0].symbol, std::string("AAPL"));
    QCOMPARE(fx.fills[0].strategyId, std::string("s1"));
    QVERIFY(has(fx.changed, "A"));
    fx.clear();
    oms.onBrokerEvent(fill("A", "F1", 40, 10.0), fx);  // duplicate execution report
    QVERIFY(fx.fills.empty());
    QCOMPARE(oms.find("A")->order.filledQuantity, 40.0);
    oms.onBrokerEvent(fill("A", "F2", 60, 11.0), fx);
    const auto& o = oms.find("A")->order;
    QVERIFY(o.status == S::Filled);
    QCOMPARE(o.filledQuantity, 100.0);
    QCOMPARE(o.avgFillPrice, (40 * 10.0 + 60 * 11.0) / 100);
    QVERIFY(!oms.isWorking("A"));
    // Late events on a terminal order change nothing.
    fx.clear();
    oms.onBrokerEvent(ev(K::Cancelled, "A"), fx);
    QVERIFY(oms.find("A")->order.status == S::Filled);
  }

  void illegalTransitionRefused() {
    OrderManager oms;
    QVERIFY(oms.add(order("A", domain::Side::Buy, 1)).ok());
    OmsEffects fx;
    QVERIFY(!oms.transition("A", S::Filled, 1, {}, fx));
    QVERIFY(oms.find("A")->order.status == S::New);
    QVERIFY(fx.changed.empty());
    QVERIFY(!oms.transition("nope", S::Cancelled, 1, {}, fx));
  }

  void bracketExitsActivateWhenTheEntryFills() {
    OrderManager oms;
    QVERIFY(oms.addBracket(order("E", domain::Side::Buy, 100, domain::OrderType::Limit, 100),
                           order("TP", domain::Side::Buy, 0, domain::OrderType::Limit, 110),
                           order("SL", domain::Side::Buy, 0, domain::OrderType::Stop, 0, 95), "C-b", false)
                .ok());
    const auto* tp = oms.find("TP");
    QVERIFY(tp->held);
    QVERIFY(tp->order.side == domain::Side::Sell);
    QCOMPARE(tp->order.parentId, std::string("E"));
    QVERIFY(oms.isWorking("TP"));  // held exits count as working (cancel all reaches them)
    submitAndAccept(oms, "E");
    OmsEffects fx;
    oms.onBrokerEvent(fill("E", "F1", 60, 100.0), fx);
    QVERIFY(fx.toSubmit.empty());  // partial: exits still held
    oms.onBrokerEvent(fill("E", "F2", 40, 100.0), fx);
    QCOMPARE(fx.toSubmit, (std::vector<std::string>{"TP", "SL"}));
    QCOMPARE(oms.find("TP")->order.quantity, 100.0);
    QVERIFY(!oms.find("TP")->held);
    submitAndAccept(oms, "TP");
    submitAndAccept(oms, "SL");
    fx.clear();
    oms.onBrokerEvent(fill("TP", "F3", 100, 110.0), fx);
    QCOMPARE(fx.toCancel, (std::vector<std::string>{"SL"}));  // OCO: the stop goes
    oms.onBrokerEvent(ev(K::Cancelled, "SL"), fx);
    QVERIFY(oms.find("SL")->order.status == S::Cancelled);
  }

  void bracketEntryCancelledWithoutFillCancelsExits() {
    OrderManager oms;
    QVERIFY(oms.addBracket(order("E", domain::Side::Sell, 10, domain::OrderType::Limit, 100),
                           order("TP", domain::Side::Sell, 0, domain::OrderType::Limit, 90),
                           order("SL", domain::Side::Sell, 0, domain::OrderType::Stop, 0, 105), "C", false)
                .ok());
    submitAndAccept(oms, "E");
    OmsEffects fx;
    oms.onBrokerEvent(ev(K::Cancelled, "E"), fx);
    QVERIFY(oms.find("TP")->order.status == S::Cancelled);
    QVERIFY(oms.find("SL")->order.status == S::Cancelled);
    QVERIFY(fx.toSubmit.empty());
    QVERIFY(has(fx.changed, "TP") && has(fx.changed, "SL"));
  }

  void bracketEntryExpiredAfterPartialFillActivatesExitsForTheFill() {
    OrderManager oms;
    QVERIFY(oms.addBracket(order("E", domain::Side::Buy, 10, domain::OrderType::Limit, 100),
                           order("TP", domain::Side::Buy, 0, domain::OrderType::Limit, 110),
                           order("SL", domain::Side::Buy, 0, domain::OrderType::Stop, 0, 95), "C", false)
                .ok());
    submitAndAccept(oms, "E");
    OmsEffects fx;
    oms.onBrokerEvent(fill("E", "F1", 4, 100), fx);
    oms.onBrokerEvent(ev(K::Expired, "E"), fx);  // DAY order expired at the close
    QVERIFY(oms.find("E")->order.status == S::Expired);
    QCOMPARE(fx.toSubmit.size(), std::size_t(2));
    QCOMPARE(oms.find("SL")->order.quantity, 4.0);
  }

  void nativeBracketLeavesGroupRulesToTheBroker() {
    OrderManager oms;
    QVERIFY(oms.addBracket(order("E", domain::Side::Buy, 10), order("TP", domain::Side::Buy, 0, domain::OrderType::Limit, 110),
                           order("SL", domain::Side::Buy, 0, domain::OrderType::Stop, 0, 95), "C", true)
                .ok());
    QVERIFY(!oms.find("TP")->held);
    submitAndAccept(oms, "E");
    OmsEffects fx;
    oms.onBrokerEvent(fill("E", "F1", 10, 100), fx);
    QVERIFY(fx.toSubmit.empty());
  }

  void bracketValidation() {
    OrderManager oms;
    QVERIFY(!oms.addBracket(order("E", domain::Side::Buy, 10), order("TP", domain::Side::Buy, 0, domain::OrderType::Market),
                            order("SL", domain::Side::Buy, 0, domain::OrderType::Stop, 0, 95), "C", false)
                 .ok());
    QCOMPARE(oms.size(), std::size_t(0));
  }

  void ocoFillCancelsTheOtherLeg() {
    OrderManager oms;
    QVERIFY(oms.addOco(order("L", domain::Side::Sell, 10, domain::OrderType::Limit, 110),
                       order("S", domain::Side::Sell, 10, domain::OrderType::Stop, 0, 90), "C", false)
                .ok());
    QCOMPARE(oms.find("L")->order.parentId, std::string("OCO-L"));
    submitAndAccept(oms, "L");
    submitAndAccept(oms, "S");
    OmsEffects fx;
    oms.onBrokerEvent(fill("S", "F1", 5, 90), fx);
    QVERIFY(fx.toCancel.empty());  // partial: the other leg stays
    oms.onBrokerEvent(fill("S", "F2", 5, 89.9), fx);
    QCOMPARE(fx.toCancel, (std::vector<std::string>{"L"}));
  }

  void iocAndFokOutcomes() {
    OrderManager oms;
    auto ioc = order("IOC", domain::Side::Buy, 100);
    ioc.tif = domain::TimeInForce::Ioc;
    auto fok = order("FOK", domain::Side::Buy, 100);
    fok.tif = domain::TimeInForce::Fok;
    QVERIFY(oms.add(ioc).ok());
    QVERIFY(oms.add(fok).ok());
    submitAndAccept(oms, "IOC");
    submitAndAccept(oms, "FOK");
    OmsEffects fx;
    oms.onBrokerEvent(fill("IOC", "F1", 30, 10), fx);
    oms.onBrokerEvent(ev(K::Expired, "IOC"), fx);
    QVERIFY(oms.find("IOC")->order.status == S::Expired);
    QCOMPARE(oms.find("IOC")->order.filledQuantity, 30.0);
    oms.onBrokerEvent(ev(K::Expired, "FOK"), fx);
    QVERIFY(oms.find("FOK")->order.status == S::Expired);
    QCOMPARE(oms.find("FOK")->order.filledQuantity, 0.0);
  }

  void cancelRefusedRestoresTheStatus() {
    OrderManager oms;
    QVERIFY(oms.add(order("A", domain::Side::Buy, 10)).ok());
    submitAndAccept(oms, "A");
    OmsEffects fx;
    QVERIFY(oms.transition("A", S::PendingCancel, 5, {}, fx));
    oms.onBrokerEvent(ev(K::CancelRejected, "A"), fx);
    QVERIFY(oms.find("A")->order.status == S::Accepted);
  }

  void replaceMovesToTheNewOrder() {
    OrderManager oms;
    QVERIFY(oms.add(order("A", domain::Side::Buy, 10, domain::OrderType::Limit, 100)).ok());
    submitAndAccept(oms, "A");
    auto r = order("A2", domain::Side::Buy, 20, domain::OrderType::Limit, 101);
    QVERIFY(oms.addReplacement("A", r, "C-r").ok());
    OmsEffects fx;
    QVERIFY(oms.transition("A2", S::PendingSubmit, 5, {}, fx));
    auto e = ev(K::Replaced, "A", 6);
    e.replacementClientOrderId = "A2";
    e.brokerOrderId = "B-A2";
    oms.onBrokerEvent(e, fx);
    QVERIFY(oms.find("A")->order.status == S::Replaced);
    QVERIFY(oms.find("A2")->order.status == S::Accepted);
    QCOMPARE(oms.find("A2")->order.brokerOrderId, std::string("B-A2"));
  }

  void restoreRebuildsGroupsFromParentIds() {
    auto e = order("E", domain::Side::Buy, 10, domain::OrderType::Limit, 100);
    e.status = S::Accepted;
    auto tp = order("TP", domain::Side::Sell, 10, domain::OrderType::Limit, 110);
    tp.parentId = std::string("E");
    auto sl = order("SL", domain::Side::Sell, 10, domain::OrderType::Stop, 0, 95);
    sl.parentId = std::string("E");
    OrderManager oms;
    oms.restore({e, tp, sl});
    oms.restore({e});  // harmless twice
    QCOMPARE(oms.size(), std::size_t(3));
    QVERIFY(oms.find("E")->role == execution::OrderRole::BracketEntry);
    QVERIFY(oms.find("TP")->role == execution::OrderRole::TakeProfit);
    QVERIFY(oms.find("SL")->held);
    OmsEffects fx;
    oms.onBrokerEvent(fill("E", "F1", 10, 100), fx);
    QCOMPARE(fx.toSubmit.size(), std::size_t(2));
  }

  void workingQuantityAndPruning() {
    OrderManager oms;
    QVERIFY(oms.add(order("A", domain::Side::Buy, 10)).ok());
    QVERIFY(oms.add(order("B", domain::Side::Sell, 4)).ok());
    submitAndAccept(oms, "A");
    submitAndAccept(oms, "B");
    double buy = 0, sell = 0;
    oms.workingQuantity("AAPL", buy, sell);
    QCOMPARE(buy, 10.0);
    QCOMPARE(sell, 4.0);
    OmsEffects fx;
    oms.onBrokerEvent(fill("B", "F", 4, 10), fx);
    oms.pruneTerminal(1);
    QVERIFY(oms.find("B") == nullptr);
    QVERIFY(oms.find("A") != nullptr);
  }
};

QTEST_GUILESS_MAIN(tst_OrderManager)
#include "tst_OrderManager.moc"
