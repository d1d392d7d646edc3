// Unit tests for the wire format: JSON objects of the domain values, mirror events, the relay envelope (contract/Wire.h).
#include "core/contract/Wire.h"
#include "core/storage/Records.h"

#include <QMessageAuthenticationCode>
#include <QtTest>

#include <limits>

using namespace meridian;
using namespace meridian::contract;

class tst_Wire : public QObject {
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
    QCOMPARE(e.error().code, std::string(contract::kDecodeError));
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
    QCOMPARE(back.error().code, std::string(contract::kDecodeError));
  }

  void fillPositionQuoteRoundTrips() {
    domain::Fill f{"F-1", "MRD-1", "AAPL", domain::Side::Sell, 12.5, 190.125, 0.35, 1'704'205'800'123'456'789, "sma"};
    auto fb = fillFromJson(fillToJson(f));
    QVERIFY(fb.ok());
    QVERIFY(*fb == f);
    domain::Position p{"MSFT", "pairs", -40, 375.5, -12.25, 376.0, 1'704'205'800'000'000'001};
    auto pb = positionFromJson(positionToJson(p));
    QVERIFY(pb.ok());
    QVERIFY(*pb == p);
    domain::Quote q{"SPY", 1'704'205'800'999'999'999, 470.01, 470.03, 300, 200, 470.02, 100};
    auto qb = quoteFromJson(quoteToJson(q));
    QVERIFY(qb.ok());
    QCOMPARE(qb->ts, q.ts);
    QCOMPARE(qb->bid, q.bid);
    QCOMPARE(qb->askSize, q.askSize);
    QCOMPARE(qb->lastSize, q.lastSize);
  }

  void objectDecodersRejectBadFields() {
    auto o = fillToJson(domain::Fill{"F-1", "MRD-1", "AAPL", domain::Side::Buy, 1, 2, 0, 3, ""});
    o.insert("side", "sideways");
    QVERIFY(!fillFromJson(o).ok());
    o.insert("side", "buy");
    o.insert("price", "2");  // a string where a number belongs
    auto bad = fillFromJson(o);
    QVERIFY(!bad.ok());
    QVERIFY2(bad.error().message.find("price") != std::string::npos, bad.error().message.c_str());
    auto p = positionToJson(domain::Position{"", "", 1, 1, 0, 0, 0});
    QVERIFY(!positionFromJson(p).ok());  // empty symbol
    QJsonObject q;
    q.insert("symbol", "X");
    QVERIFY(!quoteFromJson(q).ok());  // no ts / bid / ask
  }

  void relayMessageRoundTrip() {
    domain::Order o;
    o.clientOrderId = "MRD-7";
    o.symbol = "AAPL";
    o.quantity = 3;
    o.updatedTs = 1'704'205'800'123'456'789;
    RelayMessage m{"host:42:deadbeef", 9'007'199'254'740'993ull, "order_updated", 1'704'205'800'123'456'789, {}, {}};
    m.body.insert("order", orderToJson(o));
    const auto json = encodeRelayMessage(m);
    QVERIFY2(json.find("\"origin\":\"host:42:deadbeef\"") != std::string::npos, json.c_str());
    auto back = decodeRelayMessage(json);
    QVERIFY2(back.ok(), json.c_str());
    QCOMPARE(back->origin, m.origin);
    QCOMPARE(back->seq, m.seq);  // > 2^53: exact
    QCOMPARE(back->kind, m.kind);
    QCOMPARE(back->ts, m.ts);
    auto order = orderFromJson(back->body.value("order").toObject());
    QVERIFY(order.ok());
    QVERIFY(*order == o);
  }

  // A signed message verifies under its key after the wire round trip; any change to any field, another key, or no
  // signature at all does not. The HMAC is independent of this code's encoder: checked against a reference value.
  void signedRelayMessagesVerifyAndTamperingIsDetected() {
    const std::string key = "correct horse battery staple";
    RelayMessage m{"srv:1:2", 17, "submit_order", 1'704'205'800'000'000'000, {}, {}};
    m.body.insert("correlation_id", "C-1");
    m.body.insert("order", QJsonObject{{"symbol", "AAPL"}, {"quantity", 10.5}, {"limit_price", 0.1 + 0.2}});
    const std::string json = encodeRelayMessage(m, key);
    auto back = decodeRelayMessage(json);
    QVERIFY(back.ok());
    QCOMPARE(back->sig.size(), std::size_t(64));
    QVERIFY(verifyRelayMessage(*back, key));
    QVERIFY(!verifyRelayMessage(*back, "another key"));
    QVERIFY(!verifyRelayMessage(*back, ""));
    // The signature is HMAC-SHA256 over the compact JSON without "sig" (reference: QMessageAuthenticationCode on
    // the text the unsigned encoder writes, i.e. what any peer holding the key can recompute).
    const std::string unsignedJson = encodeRelayMessage(m);
    QCOMPARE(back->sig, QMessageAuthenticationCode::hash(QByteArray::fromStdString(unsignedJson),
                                                         QByteArray::fromStdString(key), QCryptographicHash::Sha256)
                            .toHex()
                            .toStdString());
    auto tampered = *back;
    tampered.seq = 18;
    QVERIFY(!verifyRelayMessage(tampered, key));
    tampered = *back;
    tampered.ts += 1;
    QVERIFY(!verifyRelayMessage(tampered, key));
    tampered = *back;
    tampered.body.insert("correlation_id", "C-2");
    QVERIFY(!verifyRelayMessage(tampered, key));
    tampered = *back;
    tampered.origin = "evil:1:2";
    QVERIFY(!verifyRelayMessage(tampered, key));
    // Every character of the signature counts: one wrong hex digit anywhere (here the last) is refused, and so
    // is a truncated signature.
    tampered = *back;
    tampered.sig.back() = tampered.sig.back() == '0' ? '1' : '0';
    QVERIFY(!verifyRelayMessage(tampered, key));
    tampered = *back;
    tampered.sig.resize(32);
    QVERIFY(!verifyRelayMessage(tampered, key));
    auto unsignedBack = decodeRelayMessage(unsignedJson);
    QVERIFY(unsignedBack.ok() && unsignedBack->sig.empty());
    QVERIFY(!verifyRelayMessage(*unsignedBack, key));

    Heartbeat beat{"srv:1:2", 77, TradingMode{true, false, "paper", ""}, {}};
    auto hb = decodeHeartbeat(encodeHeartbeat(beat, key));
    QVERIFY(hb.ok() && verifyHeartbeat(*hb, key));
    QVERIFY(!verifyHeartbeat(*hb, "another key"));
    auto forged = decodeHeartbeat(R"({"origin":"srv:1:2","ts":77,"trading_mode":"paper","broker":"paper"})");
    QVERIFY(forged.ok() && !verifyHeartbeat(*forged, key));
    Heartbeat later = *hb;
    later.ts = 78;  // a replayed beat made to look fresh
    QVERIFY(!verifyHeartbeat(later, key));
  }

  void malformedRelayMessageIsAnError_data() {
    QTest::addColumn<QString>("json");
    QTest::newRow("not json") << "{nope";
    QTest::newRow("array") << "[1,2]";
    QTest::newRow("wrong type") << "{\"type\":\"order\",\"v\":1,\"origin\":\"a\",\"kind\":\"k\",\"body\":{}}";
    QTest::newRow("newer version") << "{\"type\":\"relay\",\"v\":2,\"origin\":\"a\",\"kind\":\"k\",\"body\":{}}";
    QTest::newRow("no origin") << "{\"type\":\"relay\",\"v\":1,\"kind\":\"k\",\"body\":{}}";
    QTest::newRow("empty origin") << "{\"type\":\"relay\",\"v\":1,\"origin\":\"\",\"kind\":\"k\",\"body\":{}}";
    QTest::newRow("empty kind") << "{\"type\":\"relay\",\"v\":1,\"origin\":\"a\",\"kind\":\"\",\"body\":{}}";
    QTest::newRow("body not object") << "{\"type\":\"relay\",\"v\":1,\"origin\":\"a\",\"kind\":\"k\",\"body\":[1]}";
    QTest::newRow("no body") << "{\"type\":\"relay\",\"v\":1,\"origin\":\"a\",\"kind\":\"k\"}";
  }
  void malformedRelayMessageIsAnError() {
    QFETCH(QString, json);
    auto r = decodeRelayMessage(json.toStdString());
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, std::string(contract::kDecodeError));
  }
};

QTEST_GUILESS_MAIN(tst_Wire)
#include "tst_Wire.moc"
