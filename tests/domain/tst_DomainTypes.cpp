#include "core/domain/Types.h"

#include <QtTest>

#include <cmath>
#include <limits>

using namespace meridian::domain;

class tst_DomainTypes : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void statusNamesRoundTrip() {
    const OrderStatus all[] = {OrderStatus::New,       OrderStatus::PendingSubmit, OrderStatus::Accepted,
                               OrderStatus::PartiallyFilled, OrderStatus::Filled,  OrderStatus::PendingCancel,
                               OrderStatus::Cancelled, OrderStatus::Rejected,      OrderStatus::Expired,
                               OrderStatus::Replaced};
    for (auto s : all) QCOMPARE(orderStatusFromString(toString(s)), std::optional<OrderStatus>(s));
    QCOMPARE(toString(OrderStatus::PartiallyFilled), std::string_view("partially_filled"));
    QVERIFY(!orderStatusFromString("PARTIALLY_FILLED").has_value());
    QVERIFY(!orderStatusFromString("").has_value());
  }
  void enumNames() {
    QCOMPARE(toString(OrderType::StopLimit), std::string_view("stop_limit"));
    QCOMPARE(orderTypeFromString("trailing_stop"), std::optional<OrderType>(OrderType::TrailingStop));
    QCOMPARE(toString(TimeInForce::Fok), std::string_view("fok"));
    QCOMPARE(sideFromString("sell"), std::optional<Side>(Side::Sell));
    QVERIFY(!sideFromString("short").has_value());
  }
  void terminalStatuses() {
    QVERIFY(isTerminal(OrderStatus::Filled));
    QVERIFY(isTerminal(OrderStatus::Rejected));
    QVERIFY(!isTerminal(OrderStatus::PartiallyFilled));
    QVERIFY(!isTerminal(OrderStatus::PendingCancel));
  }
  void barSanity_data() {
    QTest::addColumn<double>("o");
    QTest::addColumn<double>("h");
    QTest::addColumn<double>("l");
    QTest::addColumn<double>("c");
    QTest::addColumn<double>("v");
    QTest::addColumn<bool>("sane");
    QTest::newRow("normal") << 10.0 << 11.0 << 9.5 << 10.5 << 1000.0 << true;
    QTest::newRow("flat") << 10.0 << 10.0 << 10.0 << 10.0 << 0.0 << true;
    QTest::newRow("high below close") << 10.0 << 10.4 << 9.5 << 10.5 << 1.0 << false;
    QTest::newRow("low above open") << 10.0 << 11.0 << 10.1 << 10.5 << 1.0 << false;
    QTest::newRow("zero price") << 0.0 << 11.0 << 0.0 << 10.5 << 1.0 << false;
    QTest::newRow("negative volume") << 10.0 << 11.0 << 9.5 << 10.5 << -1.0 << false;
    QTest::newRow("nan") << std::nan("") << 11.0 << 9.5 << 10.5 << 1.0 << false;
    QTest::newRow("inf high") << 10.0 << std::numeric_limits<double>::infinity() << 9.5 << 10.5 << 1.0 << false;
  }
  void barSanity() {
    QFETCH(double, o);
    QFETCH(double, h);
    QFETCH(double, l);
    QFETCH(double, c);
    QFETCH(double, v);
    QFETCH(bool, sane);
    Bar b{0, o, h, l, c, v};
    QCOMPARE(isSane(b), sane);
  }
  void timestampHelpers() {
    QCOMPARE(fromSeconds(1'700'000'000), 1'700'000'000LL * 1'000'000'000LL);
    QCOMPARE(toMillis(fromMillis(1234)), 1234LL);
    static_assert(std::is_trivially_copyable_v<Bar>);
  }
};

QTEST_APPLESS_MAIN(tst_DomainTypes)
#include "tst_DomainTypes.moc"
