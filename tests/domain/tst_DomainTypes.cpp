#include "core/domain/Timeframe.h"
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
  // Every timeframe formats and parses back; the spellings users type are accepted, others are not; the enum values
  // stay where they were (they are stored as combo box data) and the rank orders by resolution.
  void timeframeRoundTrip() {
    QCOMPARE(std::size(kAllTimeframes), std::size_t(5));
    for (Timeframe tf : kAllTimeframes) QCOMPARE(timeframeFromString(toString(tf)), std::optional<Timeframe>(tf));
    QCOMPARE(toString(Timeframe::Minute5), std::string_view("5m"));
    QCOMPARE(toString(Timeframe::Minute15), std::string_view("15m"));
    for (const char* s : {"5m", "5min", "5MIN", "5M"})
      QCOMPARE(timeframeFromString(s), std::optional<Timeframe>(Timeframe::Minute5));
    for (const char* s : {"15m", "15min", "15Min", "15M"})
      QCOMPARE(timeframeFromString(s), std::optional<Timeframe>(Timeframe::Minute15));
    QCOMPARE(timeframeFromString("1Min"), std::optional<Timeframe>(Timeframe::Minute1));
    QCOMPARE(timeframeFromString("60m"), std::optional<Timeframe>(Timeframe::Hour1));
    for (const char* s : {"", "5", "10m", "5d", "15", "m5", "15mins "}) QVERIFY2(!timeframeFromString(s), s);
    QCOMPARE(nominalLength(Timeframe::Minute5), 5 * kNanosPerMinute);
    QCOMPARE(nominalLength(Timeframe::Minute15), 15 * kNanosPerMinute);
    QCOMPARE(int(Timeframe::Minute1), 0);
    QCOMPARE(int(Timeframe::Hour1), 1);
    QCOMPARE(int(Timeframe::Day1), 2);
    for (std::size_t i = 1; i < std::size(kAllTimeframes); ++i) {
      QVERIFY(timeframeRank(kAllTimeframes[i - 1]) < timeframeRank(kAllTimeframes[i]));
      QVERIFY(nominalLength(kAllTimeframes[i - 1]) < nominalLength(kAllTimeframes[i]));
    }
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
