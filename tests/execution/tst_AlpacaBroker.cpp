// AlpacaBroker against LocalHttpServer speaking Alpaca's documented JSON (string numerics, status values):
// simple and bracket submissions, auth headers, request JSON, 403 / 422 rejects with Alpaca's message, 429 retry,
// polling fills, cancel, replace, account / positions / clock / assets, server down -> pending -> reconciled.
// Every call returns at once and the adapter reports from its own worker: the tests wait for it (settle) before
// looking at the events, and check that calls do not wait for the venue and what shutdown() finishes.
#include "core/common/Config.h"
#include "core/common/Redact.h"
#include "core/execution/alpaca/AlpacaBroker.h"

#include "../marketdata/LocalHttpServer.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpServer>
#include <QtTest>

#include <atomic>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

using namespace meridian;
using execution::AlpacaBroker;
using execution::BrokerEvent;
using K = BrokerEvent::Kind;
using testing::CannedResponse;
using testing::LocalHttpServer;

namespace AlpacaBroker_test {  // named: the test class uses its types (-Wsubobject-linkage)

const QByteArray kKey = "PKTESTKEY1234567";
const QByteArray kSecret = "s3cr3t-alpaca-secret-value";
const QByteArray kAccount = R"({"id":"x","account_number":"PA1","status":"ACTIVE","currency":"USD",
      "cash":"10000.50","portfolio_value":"12500.25","equity":"12500.25","last_equity":"12400","buying_power":"20001",
      "multiplier":"2","trading_blocked":false,"account_blocked":false,"pattern_day_trader":false})";

// An order as Alpaca's GET/POST /v2/orders documents it.
QJsonObject alpacaOrder(const QString& id, const QString& clientId, const QString& status, const QString& qty,
                        const QString& filledQty = "0", const QJsonValue& filledAvg = QJsonValue::Null,
                        const QString& type = "market", const QString& side = "buy") {
  return QJsonObject{{"id", id},
                     {"client_order_id", clientId},
                     {"created_at", "2024-03-05T15:00:01.123456Z"},
                     {"updated_at", "2024-03-05T15:00:02.654321Z"},
                     {"submitted_at", "2024-03-05T15:00:01.2Z"},
                     {"filled_at", QJsonValue::Null},
                     {"asset_id", "b0b6dd9d-8b9b-48a9-ba46-b9d54906e415"},
                     {"symbol", "AAPL"},
                     {"asset_class", "us_equity"},
                     {"notional", QJsonValue::Null},
                     {"qty", qty},
                     {"filled_qty", filledQty},
                     {"filled_avg_price", filledAvg},
                     {"order_class", ""},
                     {"order_type", type},
                     {"type", type},
                     {"side", side},
                     {"time_in_force", "day"},
                     {"limit_price", type == "limit" ? QJsonValue("110") : QJsonValue(QJsonValue::Null)},
                     {"stop_price", type == "stop" ? QJsonValue("95") : QJsonValue(QJsonValue::Null)},
                     {"status", status},
                     {"extended_hours", false},
                     {"legs", QJsonValue::Null},
                     {"trail_percent", QJsonValue::Null},
                     {"trail_price", QJsonValue::Null},
                     {"hwm", QJsonValue::Null}};
}
QByteArray bytes(const QJsonObject& o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }
QByteArray bytes(const QJsonArray& a) { return QJsonDocument(a).toJson(QJsonDocument::Compact); }

domain::Order order(const std::string& id, double qty, domain::OrderType type = domain::OrderType::Market) {
  domain::Order o;
  o.clientOrderId = id;
  o.symbol = "AAPL";
  o.side = domain::Side::Buy;
  o.quantity = qty;
  o.type = type;
  o.status = domain::OrderStatus::PendingSubmit;
  return o;
}

// Requests with this method and path (LocalHttpServer consumes exactly Content-Length body bytes, so methods
// are exact).
int count(const LocalHttpServer& server, const char* method, const QString& path) {
  int n = 0;
  for (const auto& r : server.requests())
    if (r.method == method && r.path == path) ++n;
  return n;
}

quint16 deadPort() {
  QTcpServer s;
  s.listen(QHostAddress::LocalHost, 0);
  const quint16 p = s.serverPort();
  s.close();
  return p;
}

// Collects the events the broker reports (on its worker thread).
struct Harness {
  mutable std::mutex mutex;
  std::vector<BrokerEvent> reported;
  std::vector<std::thread::id> reportingThreads;
  std::unique_ptr<AlpacaBroker> broker;
  explicit Harness(const QUrl& base) {
    execution::AlpacaConfig c;
    c.baseUrl = base;
    c.keyId = kKey;
    c.secretKey = kSecret;
    c.http.timeoutMs = 3000;
    c.http.backoffBaseMs = 10;
    broker = std::make_unique<AlpacaBroker>(c);
    broker->setSink([this](BrokerEvent e) {
      std::lock_guard lock(mutex);
      reported.push_back(std::move(e));
      reportingThreads.push_back(std::this_thread::get_id());
    });
  }
  // Waits until the worker has run everything queued so far (and reported its events).
  void settle() { broker->waitIdle(); }
  std::vector<BrokerEvent> events() const {
    std::lock_guard lock(mutex);
    return reported;
  }
  std::vector<BrokerEvent> of(K kind) const {
    std::vector<BrokerEvent> out;
    for (const auto& e : events())
      if (e.kind == kind) out.push_back(e);
    return out;
  }
};

}  // namespace AlpacaBroker_test
using namespace AlpacaBroker_test;

class tst_AlpacaBroker : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void requestJsonUsesAlpacaShapes() {
    auto lim = order("MRD-1", 10, domain::OrderType::Limit);
    lim.limitPrice = 187.25;
    lim.tif = domain::TimeInForce::Gtc;
    const QJsonObject j = execution::alpaca::orderRequest(lim);
    QCOMPARE(j.value("qty").toString(), QString("10"));
    QCOMPARE(j.value("limit_price").toString(), QString("187.25"));
    QCOMPARE(j.value("type").toString(), QString("limit"));
    QCOMPARE(j.value("time_in_force").toString(), QString("gtc"));
    QCOMPARE(j.value("client_order_id").toString(), QString("MRD-1"));
    QVERIFY(!j.contains("stop_price"));
    auto tp = order("TP", 10, domain::OrderType::Limit);
    tp.limitPrice = 200;
    auto sl = order("SL", 10, domain::OrderType::StopLimit);
    sl.stopPrice = 180;
    sl.limitPrice = 179.5;
    const QJsonObject b = execution::alpaca::bracketRequest(order("E", 10), tp, sl);
    QCOMPARE(b.value("order_class").toString(), QString("bracket"));
    QCOMPARE(b.value("take_profit").toObject().value("limit_price").toString(), QString("200"));
    QCOMPARE(b.value("stop_loss").toObject().value("stop_price").toString(), QString("180"));
    QCOMPARE(b.value("stop_loss").toObject().value("limit_price").toString(), QString("179.5"));
  }

  void submitSimpleOrderWithAuthHeaders() {
    LocalHttpServer server;
    QVERIFY(server.port() != 0);
    server.route("/v2/orders", {testing::json(200, bytes(alpacaOrder("a-1", "MRD-1", "pending_new", "10")))});
    Harness h(server.baseUrl());
    h.broker->submit(order("MRD-1", 10));
    h.settle();
    QCOMPARE(h.of(K::Accepted).size(), std::size_t(1));
    QCOMPARE(h.of(K::Accepted)[0].brokerOrderId, std::string("a-1"));
    const auto reqs = server.requests();
    QCOMPARE(reqs.size(), std::size_t(1));
    QCOMPARE(reqs[0].method, QByteArray("POST"));
    QCOMPARE(reqs[0].header("APCA-API-KEY-ID"), kKey);
    QCOMPARE(reqs[0].header("APCA-API-SECRET-KEY"), kSecret);
    QVERIFY(reqs[0].header("Content-Type").startsWith("application/json"));
    // The recorded body is the JSON Alpaca documents for POST /v2/orders, client_order_id included.
    const QJsonObject sent = QJsonDocument::fromJson(reqs[0].body).object();
    QCOMPARE(reqs[0].body.size(), reqs[0].header("Content-Length").toInt());
    QCOMPARE(sent.value("client_order_id").toString(), QString("MRD-1"));
    QCOMPARE(sent.value("symbol").toString(), QString("AAPL"));
    QCOMPARE(sent.value("qty").toString(), QString("10"));
    QCOMPARE(sent.value("side").toString(), QString("buy"));
    // The credentials are registered secrets: never in a log line.
    QVERIFY(common::redact("key " + kSecret.toStdString()).find(kSecret.toStdString()) == std::string::npos);
    QVERIFY(common::redact("id " + kKey.toStdString()).find(kKey.toStdString()) == std::string::npos);
  }

  void bracketOrderMapsLegsByType() {
    LocalHttpServer server;
    QJsonObject parent = alpacaOrder("p-1", "E", "new", "10");
    parent["order_class"] = "bracket";
    QJsonObject tpLeg = alpacaOrder("l-tp", "x-random-1", "held", "10", "0", QJsonValue::Null, "limit", "sell");
    QJsonObject slLeg = alpacaOrder("l-sl", "x-random-2", "held", "10", "0", QJsonValue::Null, "stop", "sell");
    parent["legs"] = QJsonArray{slLeg, tpLeg};  // order of legs does not matter
    server.route("/v2/orders", {testing::json(200, bytes(parent))});
    Harness h(server.baseUrl());
    auto tp = order("TP", 10, domain::OrderType::Limit);
    tp.side = domain::Side::Sell;
    tp.limitPrice = 110;
    auto sl = order("SL", 10, domain::OrderType::Stop);
    sl.side = domain::Side::Sell;
    sl.stopPrice = 95;
    h.broker->submitBracket(order("E", 10), tp, sl);
    h.settle();
    const auto acc = h.of(K::Accepted);
    QCOMPARE(acc.size(), std::size_t(3));
    std::map<std::string, std::string> ids;
    for (const auto& e : acc) ids[e.clientOrderId] = e.brokerOrderId;
    QCOMPARE(ids["E"], std::string("p-1"));
    QCOMPARE(ids["TP"], std::string("l-tp"));
    QCOMPARE(ids["SL"], std::string("l-sl"));
  }

  void forbiddenAndUnprocessableRejectWithAlpacaMessage() {
    LocalHttpServer server;
    server.route("/v2/orders", {testing::json(403, R"({"code":40310000,"message":"insufficient buying power"})"),
                                testing::json(422, R"({"code":42210000,"message":"qty must be > 0"})")});
    Harness h(server.baseUrl());
    h.broker->submit(order("MRD-403", 1000000));
    h.broker->submit(order("MRD-422", 1));
    h.settle();
    const auto rej = h.of(K::Rejected);
    QCOMPARE(rej.size(), std::size_t(2));
    QVERIFY2(rej[0].reason.find("insufficient buying power") != std::string::npos, rej[0].reason.c_str());
    QVERIFY(rej[0].reason.find("403") != std::string::npos);
    QVERIFY2(rej[1].reason.find("qty must be > 0") != std::string::npos, rej[1].reason.c_str());
    QCOMPARE(h.broker->unconfirmedCount(), std::size_t(0));
  }

  void tooManyRequestsIsRetried() {
    LocalHttpServer server;
    server.route("/v2/orders", {testing::json(429, R"({"message":"rate limit exceeded"})", {{"Retry-After", "0"}}),
                                testing::json(200, bytes(alpacaOrder("a-9", "MRD-9", "accepted", "5")))});
    Harness h(server.baseUrl());
    h.broker->submit(order("MRD-9", 5));
    h.settle();
    QCOMPARE(count(server, "POST", "/v2/orders"), 2);  // 429, then the retry
    QCOMPARE(h.of(K::Accepted).size(), std::size_t(1));
    QVERIFY(h.of(K::Rejected).empty());
  }

  // The trading API's 429 without Retry-After waits until X-RateLimit-Reset (Unix seconds), as Alpaca documents,
  // instead of a burst of backoff retries (test backoff: 10 ms).
  void tooManyRequestsWithoutRetryAfterWaitsForTheReset() {
    LocalHttpServer server;
    const QByteArray reset = QByteArray::number(QDateTime::currentSecsSinceEpoch() + 2);
    server.route("/v2/orders", {testing::json(429, R"({"message":"rate limit exceeded"})",
                                              {{"X-RateLimit-Limit", "200"}, {"X-RateLimit-Remaining", "0"},
                                               {"X-RateLimit-Reset", reset}}),
                                testing::json(200, bytes(alpacaOrder("a-8", "MRD-8", "accepted", "5")))});
    Harness h(server.baseUrl());
    QElapsedTimer timer;
    timer.start();
    h.broker->submit(order("MRD-8", 5));
    h.settle();
    QCOMPARE(count(server, "POST", "/v2/orders"), 2);  // 429, then one retry after the reset
    QVERIFY2(timer.elapsed() >= 1000, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(QDateTime::currentSecsSinceEpoch() >= reset.toLongLong());
    QCOMPARE(h.of(K::Accepted).size(), std::size_t(1));
  }

  void pollingTurnsFilledQtyIntoFills() {
    LocalHttpServer server;
    server.route("/v2/orders", {testing::json(200, bytes(alpacaOrder("a-2", "MRD-2", "accepted", "10"))),
                                testing::json(200, bytes(QJsonArray{alpacaOrder("a-2", "MRD-2", "partially_filled", "10", "4", "187.25")})),
                                testing::json(200, "[]")});
    server.route("/v2/orders/a-2", {testing::json(200, bytes(alpacaOrder("a-2", "MRD-2", "filled", "10", "10", "187.40")))});
    Harness h(server.baseUrl());
    h.broker->submit(order("MRD-2", 10));
    h.broker->pollNow(1);
    h.settle();
    auto fills = h.of(K::Fill);
    QCOMPARE(fills.size(), std::size_t(1));
    QCOMPARE(fills[0].fill.quantity, 4.0);
    QCOMPARE(fills[0].fill.price, 187.25);
    QCOMPARE(fills[0].fill.fillId, std::string("a-2@4"));
    h.broker->pollNow(2);  // left the open list -> GET /v2/orders/a-2
    h.settle();
    fills = h.of(K::Fill);
    QCOMPARE(fills.size(), std::size_t(2));
    QCOMPARE(fills[1].fill.quantity, 6.0);
    QVERIFY(std::abs(fills[1].fill.price - 187.5) < 1e-9);  // (187.40 x 10 - 187.25 x 4) / 6
    h.broker->pollNow(3);  // nothing open any more: no request, no duplicate fill
    h.settle();
    QCOMPARE(h.of(K::Fill).size(), std::size_t(2));
  }

  void cancelAndReplace() {
    LocalHttpServer server;
    server.route("/v2/orders", {testing::json(200, bytes(alpacaOrder("a-3", "MRD-3", "new", "10", "0", QJsonValue::Null, "limit")))});
    CannedResponse noContent;
    noContent.status = 204;
    server.route("/v2/orders/a-3", {testing::json(200, bytes(alpacaOrder("a-4", "MRD-4", "accepted", "20", "0", QJsonValue::Null, "limit"))), noContent});
    Harness h(server.baseUrl());
    auto o = order("MRD-3", 10, domain::OrderType::Limit);
    o.limitPrice = 110;
    h.broker->submit(o);
    auto r = o;
    r.clientOrderId = "MRD-4";
    r.quantity = 20;
    h.broker->replace(o, r);
    h.settle();
    const auto rep = h.of(K::Replaced);
    QCOMPARE(rep.size(), std::size_t(1));
    QCOMPARE(rep[0].replacementClientOrderId, std::string("MRD-4"));
    QCOMPARE(rep[0].brokerOrderId, std::string("a-4"));
    QCOMPARE(count(server, "PATCH", "/v2/orders/a-3"), 1);
    server.route("/v2/orders/a-4", {noContent});
    h.broker->cancel(r);
    h.settle();
    QCOMPARE(count(server, "DELETE", "/v2/orders/a-4"), 1);
    QCOMPARE(h.of(K::PendingCancel).size(), std::size_t(1));
    server.route("/v2/orders/a-4", {testing::json(422, R"({"message":"order is not cancelable"})")});
    h.broker->cancel(r);
    h.settle();
    QCOMPARE(h.of(K::CancelRejected).size(), std::size_t(1));
    QVERIFY(h.of(K::CancelRejected)[0].reason.find("not cancelable") != std::string::npos);
  }

  void accountPositionsClockAssets() {
    LocalHttpServer server;
    server.route("/v2/account", {testing::json(200, kAccount)});
    server.route("/v2/positions", {testing::json(200, R"([{"asset_id":"a","symbol":"MSFT","exchange":"NASDAQ",
      "asset_class":"us_equity","avg_entry_price":"400.5","qty":"3","side":"long","market_value":"1230",
      "cost_basis":"1201.5","unrealized_pl":"28.5","current_price":"410","lastday_price":"405"},
      {"asset_id":"b","symbol":"TSLA","avg_entry_price":"200","qty":"-2","side":"short","current_price":"190"}])")});
    server.route("/v2/clock", {testing::json(200, R"({"timestamp":"2024-03-05T10:00:00.000-05:00","is_open":true,
      "next_open":"2024-03-06T09:30:00-05:00","next_close":"2024-03-05T16:00:00-05:00"})")});
    server.route("/v2/assets/AAPL", {testing::json(200, R"({"id":"b0b6","class":"us_equity","exchange":"NASDAQ",
      "symbol":"AAPL","name":"Apple Inc.","status":"active","tradable":true,"marginable":true,"shortable":true,
      "easy_to_borrow":true,"fractionable":true})")});
    Harness h(server.baseUrl());
    auto a = h.broker->account();
    QVERIFY2(a.ok(), a.ok() ? "" : a.error().message.c_str());
    QCOMPARE(a->cash, 10000.50);
    QCOMPARE(a->equity, 12500.25);
    QCOMPARE(a->buyingPower, 20001.0);
    QCOMPARE(a->lastEquity, 12400.0);
    auto p = h.broker->positions();
    QVERIFY(p.ok());
    QCOMPARE(p->size(), std::size_t(2));
    QCOMPARE(p->at(0).avgCost, 400.5);
    QCOMPARE(p->at(1).quantity, -2.0);
    auto c = h.broker->clock();
    QVERIFY(c.ok());
    QVERIFY(c->isOpen);
    QCOMPARE(c->nextClose, domain::Timestamp(1709672400000) * domain::kNanosPerMilli);
    auto s = h.broker->asset("AAPL");
    QVERIFY(s.ok());
    QVERIFY(s->tradable && s->fractionable);
    QCOMPARE(s->exchange, std::string("NASDAQ"));
  }

  void serverDownThenReconciledWhenItComesBack() {
    Harness h(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(deadPort())));
    h.broker->submit(order("MRD-5", 7));
    h.settle();
    QVERIFY(h.events().empty());  // stays pending: no accept, no reject
    QCOMPARE(h.broker->unconfirmedCount(), std::size_t(1));
    h.broker->pollNow(1);  // still down
    QCOMPARE(h.broker->unconfirmedCount(), std::size_t(1));
    const auto down = h.broker->connectionState();
    QVERIFY(down.state == execution::BrokerConnectivity::Disconnected);
    QVERIFY2(down.lastError.find("cannot reach") != std::string::npos, down.lastError.c_str());
    QCOMPARE(down.failures, std::uint64_t(2));

    LocalHttpServer server;  // the server is back (at another address)
    server.route("/v2/orders:by_client_order_id", {testing::json(404, R"({"code":40410000,"message":"order not found"})")});
    server.route("/v2/orders", {testing::json(200, bytes(alpacaOrder("a-5", "MRD-5", "accepted", "7")))});
    h.broker->setBaseUrl(server.baseUrl());
    h.broker->pollNow(2);
    h.settle();
    QCOMPARE(h.broker->unconfirmedCount(), std::size_t(0));
    QCOMPARE(server.requestCount("/v2/orders:by_client_order_id"), 1);
    QCOMPARE(server.requests()[0].query.queryItemValue("client_order_id"), QString("MRD-5"));
    QCOMPARE(count(server, "POST", "/v2/orders"), 1);  // submitted exactly once
    QCOMPARE(h.of(K::Accepted).size(), std::size_t(1));
    QVERIFY(h.broker->connectionState().state == execution::BrokerConnectivity::Connected);
    QCOMPARE(h.broker->connectionState().lastError, down.lastError);  // kept for the record
  }

  void lostReplyIsAdoptedNotResubmitted() {
    LocalHttpServer server;
    CannedResponse cut = testing::json(200, bytes(alpacaOrder("a-6", "MRD-6", "accepted", "3")));
    cut.truncateAfter = 10;  // the connection drops mid-reply: Alpaca has the order, we do not know it
    server.route("/v2/orders", {cut});
    server.route("/v2/orders:by_client_order_id",
                 {testing::json(200, bytes(alpacaOrder("a-6", "MRD-6", "filled", "3", "3", "50.5")))});
    Harness h(server.baseUrl());
    h.broker->submit(order("MRD-6", 3));
    h.settle();
    QVERIFY(h.of(K::Accepted).empty());
    QCOMPARE(h.broker->unconfirmedCount(), std::size_t(1));
    h.broker->pollNow(1);
    h.settle();
    QCOMPARE(count(server, "POST", "/v2/orders"), 1);  // no second POST
    QCOMPARE(h.of(K::Accepted).size(), std::size_t(1));
    QCOMPARE(h.of(K::Fill).size(), std::size_t(1));
    QCOMPARE(h.of(K::Fill)[0].fill.price, 50.5);
  }

  void restartReconcileAdoptsByClientOrderId() {
    LocalHttpServer server;
    server.route("/v2/orders:by_client_order_id",
                 {testing::json(200, bytes(alpacaOrder("a-7", "MRD-7", "partially_filled", "10", "6", "20")))});
    Harness h(server.baseUrl());
    auto journaled = order("MRD-7", 10);
    journaled.status = domain::OrderStatus::PartiallyFilled;
    journaled.filledQuantity = 2;
    journaled.avgFillPrice = 19;
    h.broker->reconcile({journaled});
    h.settle();
    QCOMPARE(count(server, "POST", "/v2/orders"), 0);  // never resubmitted
    const auto fills = h.of(K::Fill);
    QCOMPARE(fills.size(), std::size_t(1));
    QCOMPARE(fills[0].fill.quantity, 4.0);  // only what the journal does not know
    QCOMPARE(fills[0].fill.price, (20.0 * 6 - 19.0 * 2) / 4);
    QVERIFY(h.events().back().kind == K::Reconciled);  // last: every difference was reported before it
  }

  void callsReturnBeforeTheVenueAnswers() {
    LocalHttpServer server;
    CannedResponse slow = testing::json(200, bytes(alpacaOrder("a-10", "MRD-10", "accepted", "1")));
    slow.delayMs = 2000;  // the venue sits on the order
    server.route("/v2/orders", {slow});
    server.route("/v2/account", {testing::json(200, kAccount)});
    Harness h(server.baseUrl());
    std::atomic<bool> submitReturned{false}, queryReturned{false};
    std::vector<bool> submitReturnedAtReport;
    h.broker->setSink([&](BrokerEvent e) {
      std::lock_guard lock(h.mutex);
      submitReturnedAtReport.push_back(submitReturned.load());
      h.reported.push_back(std::move(e));
      h.reportingThreads.push_back(std::this_thread::get_id());
    });
    struct Answer {
      bool callHadReturned = false;
      std::thread::id thread;
      bool ok = false;
    };
    std::promise<Answer> answered;
    h.broker->submit(order("MRD-10", 1));
    submitReturned = true;
    h.broker->requestAccount([&](Result<execution::AccountInfo> a) {
      answered.set_value(Answer{queryReturned.load(), std::this_thread::get_id(), a.ok()});
    });
    queryReturned = true;
    const Answer answer = answered.get_future().get();  // queued behind the slow POST
    h.settle();
    QCOMPARE(h.of(K::Accepted).size(), std::size_t(1));
    QVERIFY(answer.ok);
    // Outcomes are reported after the calls returned (a call that waited for the venue would report inside it),
    // on the adapter's worker, not on the caller's thread.
    QCOMPARE(submitReturnedAtReport, std::vector<bool>{true});
    QVERIFY(answer.callHadReturned);
    QVERIFY(answer.thread != std::this_thread::get_id());
    QVERIFY(h.reportingThreads.at(0) != std::this_thread::get_id());
    QVERIFY(h.reportingThreads.at(0) == answer.thread);  // one worker, in call order
  }

  void shutdownFinishesCommandsAndAnswersQueries() {
    LocalHttpServer server;
    CannedResponse slow = testing::json(200, bytes(alpacaOrder("a-11", "MRD-11", "accepted", "1")));
    slow.delayMs = 1000;  // the worker is still on the POST when shutdown() starts
    server.route("/v2/orders", {slow});
    server.route("/v2/account", {testing::json(200, kAccount)});
    Harness h(server.baseUrl());
    h.broker->submit(order("MRD-11", 1));
    std::optional<Result<execution::AccountInfo>> queued;
    h.broker->requestAccount([&](Result<execution::AccountInfo> a) { queued.emplace(std::move(a)); });
    h.broker->pollNow(1);
    h.broker->shutdown();
    // The command handed over went out and its outcome was reported before shutdown() returned...
    QCOMPARE(count(server, "POST", "/v2/orders"), 1);
    QCOMPARE(h.of(K::Accepted).size(), std::size_t(1));
    // ...the query waiting behind it was answered with an error instead of being sent, and the poll dropped.
    QVERIFY(queued.has_value());
    QVERIFY(!queued->ok());
    QCOMPARE(queued->error().code, std::string("broker.stopped"));
    QCOMPARE(server.requestCount("/v2/account"), 0);
    QCOMPARE(count(server, "GET", "/v2/orders"), 0);
    // A later call starts the worker again.
    auto a = h.broker->account();
    QVERIFY2(a.ok(), a.ok() ? "" : a.error().message.c_str());
    QCOMPARE(a->cash, 10000.50);
  }

  void liveEndpointNeedsExplicitConfirmation() {
    common::Config c;
    c.set("alpaca.key_id", "k-123456");
    c.set("alpaca.secret_key", "s-123456");
    auto paper = execution::AlpacaConfig::fromConfig(c);
    QVERIFY(paper.ok());
    QCOMPARE(paper->baseUrl.host(), QString("paper-api.alpaca.markets"));
    c.set("broker.alpaca_live", "true");
    QVERIFY(!execution::AlpacaConfig::fromConfig(c).ok());
    c.set("broker.alpaca_live_confirmed", "true", common::Config::Source::File);  // not from a file
    QVERIFY(!execution::AlpacaConfig::fromConfig(c).ok());
    c.set("broker.alpaca_live_confirmed", "true");  // runtime (the UI's confirmation)
    auto live = execution::AlpacaConfig::fromConfig(c);
    QVERIFY(live.ok());
    QCOMPARE(live->baseUrl.host(), QString("api.alpaca.markets"));
    common::Config none;
    QVERIFY(!execution::AlpacaConfig::fromConfig(none).ok());
  }
};

QTEST_GUILESS_MAIN(tst_AlpacaBroker)
#include "tst_AlpacaBroker.moc"
