// Unit tests for the pub/sub JSON codec (core/storage/Codec.h).
#include "core/storage/Codec.h"
#include "core/storage/Records.h"

#include <QtTest>

#include <limits>

using namespace meridian;
using namespace meridian::storage;

class tst_Codec : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void barRoundTripIsExact() {
    BarEvent e;
    e.symbol = "AAPL";
    e.source = "polygon";
    e.bar.ts = 1'704'205'800'123'456'789;  // > 2^53: must survive as an integer
    e.bar.open = 0.1;
    e.bar.high = 1.0 / 3.0;
    e.bar.low = 5e-324;
    e.bar.close = 123456.78901234567;
    e.bar.volume = 1.7976931348623157e308;
    e.bar.vwap = 0.0;
    e.bar.trades = std::numeric_limits<std::int64_t>::max();
    const auto json = encodeBarEvent(e);
    QVERIFY2(json.find("\"ts\":1704205800123456789") != std::string::npos, json.c_str());
    auto back = decodeBarEvent(json);
    QVERIFY2(back.ok(), back.ok() ? "" : back.error().message.c_str());
    QVERIFY(*back == e);
    QCOMPARE(barChannel("AAPL"), std::string("md.bar.AAPL"));
  }

  void orderRoundTrip() {
    domain::Order o;
    o.clientOrderId = "MRD-0a1b2c3d-00000001";
    o.brokerOrderId = "b-1";
    o.symbol = "MSFT";
    o.side = domain::Side::Sell;
    o.type = domain::OrderType::TrailingStop;
    o.tif = domain::TimeInForce::Gtc;
    o.quantity = 12.5;
    o.trailPercent = 1.5;
    o.status = domain::OrderStatus::PartiallyFilled;
    o.filledQuantity = 2.5;
    o.avgFillPrice = 411.07;
    o.strategyId = "pairs";
    o.parentId = "MRD-p";
    o.rejectReason = "unicode \xc3\xa9 \"quoted\"";
    o.createdTs = 1'704'205'800'000'000'001;
    o.updatedTs = 1'704'205'800'000'000'002;
    const auto json = encodeOrderEvent(o);
    auto back = decodeOrderEvent(json);
    QVERIFY2(back.ok(), back.ok() ? "" : back.error().message.c_str());
    QVERIFY(*back == o);
    QCOMPARE(orderChannel(o.clientOrderId), std::string("exec.order.MRD-0a1b2c3d-00000001"));
  }

  void stringTimestampsAreAccepted() {
    auto e = decodeBarEvent(R"({"type":"bar","v":1,"symbol":"X","ts":"1704205800123456789","open":1,"high":1,)"
                            R"("low":1,"close":1,"volume":0})");
    QVERIFY(e.ok());
    QCOMPARE(e->bar.ts, std::int64_t(1'704'205'800'123'456'789));
  }

  void malformedInputIsAnError_data() {
    QTest::addColumn<QString>("json");
    QTest::newRow("not json") << "{nope";
    QTest::newRow("array") << "[1,2]";
    QTest::newRow("wrong type") << R"({"type":"order","v":1})";
    QTest::newRow("missing close") << R"({"type":"bar","v":1,"symbol":"X","ts":1,"open":1,"high":1,"low":1,"volume":0})";
    QTest::newRow("mistyped open") << R"({"type":"bar","v":1,"symbol":"X","ts":1,"open":"1","high":1,"low":1,"close":1,"volume":0})";
    QTest::newRow("future version") << R"({"type":"bar","v":99,"symbol":"X","ts":1,"open":1,"high":1,"low":1,"close":1,"volume":0})";
  }
  void malformedInputIsAnError() {
    QFETCH(QString, json);
    auto e = decodeBarEvent(json.toStdString());
    QVERIFY(!e.ok());
    QCOMPARE(e.error().code, std::string(errc::kDecode));
  }

  void unknownEnumInOrderIsAnError() {
    domain::Order o;
    o.clientOrderId = "X";
    o.symbol = "Y";
    auto json = encodeOrderEvent(o);
    const auto pos = json.find("\"market\"");
    QVERIFY(pos != std::string::npos);
    json.replace(pos, 8, "\"iceberg\"");
    auto back = decodeOrderEvent(json);
    QVERIFY(!back.ok());
    QCOMPARE(back.error().code, std::string(errc::kDecode));
  }
};

QTEST_GUILESS_MAIN(tst_Codec)
#include "tst_Codec.moc"
