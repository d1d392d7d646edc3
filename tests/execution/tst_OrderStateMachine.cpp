// OrderStateMachine: every (from, to) pair against an independently written table; illegal transitions are
// refused and leave the order unchanged.
#include "core/execution/OrderStateMachine.h"

#include <QtTest>

#include <set>
#include <utility>

using namespace meridian;
using S = domain::OrderStatus;

namespace {
const S kAll[] = {S::New, S::PendingSubmit, S::Accepted, S::PartiallyFilled, S::Filled,
                  S::PendingCancel, S::Cancelled, S::Rejected, S::Expired, S::Replaced};

const std::set<std::pair<S, S>> kLegal = {
    {S::New, S::PendingSubmit}, {S::New, S::Rejected}, {S::New, S::Cancelled},
    {S::PendingSubmit, S::Accepted}, {S::PendingSubmit, S::Rejected}, {S::PendingSubmit, S::PartiallyFilled},
    {S::PendingSubmit, S::Filled}, {S::PendingSubmit, S::PendingCancel}, {S::PendingSubmit, S::Cancelled},
    {S::PendingSubmit, S::Expired},
    {S::Accepted, S::PartiallyFilled}, {S::Accepted, S::Filled}, {S::Accepted, S::PendingCancel},
    {S::Accepted, S::Cancelled}, {S::Accepted, S::Expired}, {S::Accepted, S::Replaced}, {S::Accepted, S::Rejected},
    {S::PartiallyFilled, S::PartiallyFilled}, {S::PartiallyFilled, S::Filled}, {S::PartiallyFilled, S::PendingCancel},
    {S::PartiallyFilled, S::Cancelled}, {S::PartiallyFilled, S::Expired}, {S::PartiallyFilled, S::Replaced},
    {S::PendingCancel, S::Cancelled}, {S::PendingCancel, S::Filled}, {S::PendingCancel, S::PartiallyFilled},
    {S::PendingCancel, S::Accepted}, {S::PendingCancel, S::Expired}, {S::PendingCancel, S::Replaced},
};
}  // namespace

class tst_OrderStateMachine : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void everyPair() {
    int legal = 0;
    for (S from : kAll) {
      for (S to : kAll) {
        const bool expected = kLegal.count({from, to}) > 0;
        const bool actual = execution::OrderStateMachine::canTransition(from, to);
        QVERIFY2(expected == actual, qPrintable(QStringLiteral("%1 -> %2").arg(
                                         QString::fromLatin1(domain::toString(from).data()),
                                         QString::fromLatin1(domain::toString(to).data()))));
        legal += actual;
      }
    }
    QCOMPARE(legal, int(kLegal.size()));
  }

  void terminalStatesHaveNoWayOut() {
    for (S from : kAll) {
      if (!domain::isTerminal(from)) continue;
      for (S to : kAll) QVERIFY(!execution::OrderStateMachine::canTransition(from, to));
    }
  }

  void legalTransitionIsApplied() {
    domain::Order o;
    o.clientOrderId = "MRD-1";
    o.status = S::Accepted;
    o.updatedTs = 100;
    QVERIFY(execution::OrderStateMachine::transition(o, S::Cancelled, 200, "user"));
    QVERIFY(o.status == S::Cancelled);
    QCOMPARE(o.updatedTs, domain::Timestamp(200));
    QCOMPARE(o.rejectReason, std::string("user"));
    // An older timestamp never moves updatedTs back (the journal ignores stale writes).
    domain::Order p;
    p.status = S::New;
    p.updatedTs = 500;
    QVERIFY(execution::OrderStateMachine::transition(p, S::PendingSubmit, 400));
    QCOMPARE(p.updatedTs, domain::Timestamp(500));
  }

  void illegalTransitionIsRefusedAndNotApplied() {
    domain::Order o;
    o.clientOrderId = "MRD-2";
    o.status = S::Filled;
    o.updatedTs = 100;
    const domain::Order before = o;
    QVERIFY(!execution::OrderStateMachine::transition(o, S::Cancelled, 200, "late cancel"));
    QVERIFY(o == before);
    domain::Order n;
    n.status = S::New;
    QVERIFY(!execution::OrderStateMachine::transition(n, S::Filled, 1));
    QVERIFY(n.status == S::New);
  }

  void workingStatuses() {
    using execution::OrderStateMachine;
    QVERIFY(OrderStateMachine::isWorking(S::PendingSubmit));
    QVERIFY(OrderStateMachine::isWorking(S::Accepted));
    QVERIFY(OrderStateMachine::isWorking(S::PartiallyFilled));
    QVERIFY(OrderStateMachine::isWorking(S::PendingCancel));
    QVERIFY(!OrderStateMachine::isWorking(S::New));
    QVERIFY(!OrderStateMachine::isWorking(S::Filled));
  }
};

QTEST_GUILESS_MAIN(tst_OrderStateMachine)
#include "tst_OrderStateMachine.moc"
