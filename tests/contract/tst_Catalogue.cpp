// The message contract as a whole: every relayed message round-trips through the relay codec and the wire envelope
// field for field (a sample with every field set is required for each relayed type: a new one does not compile
// without it), the catalogue's declarations are consistent (one message per topic root and per wire kind, commands
// lossless and correlated, every request's answer catalogued and keyed by correlation id), and the strict decoders
// refuse what a peer must not send. No server needed (unit).
#include "core/contract/Catalogue.h"
#include "core/contract/Wire.h"
#include "core/relay/RelayCodec.h"

#include <QJsonArray>
#include <QtTest>

#include <cmath>
#include <limits>

#include <set>
#include <string>

using namespace meridian;
using namespace meridian::contract;

namespace {

domain::Order order(const char* id) {
  domain::Order o;
  o.clientOrderId = id;
  o.brokerOrderId = "B-1";
  o.symbol = "AAPL";
  o.side = domain::Side::Sell;
  o.type = domain::OrderType::StopLimit;
  o.tif = domain::TimeInForce::Gtc;
  o.quantity = 5;
  o.limitPrice = 189.5;
  o.stopPrice = 190.25;
  o.trailPercent = 1.5;
  o.status = domain::OrderStatus::PartiallyFilled;
  o.filledQuantity = 2;
  o.avgFillPrice = 189.75;
  o.strategyId = "live:sma_cross:AAPL";
  o.parentId = "MRD-P";
  o.rejectReason = "none";
  o.createdTs = 1'700'000'000'000'000'001;
  o.updatedTs = 1'700'000'000'000'000'002;
  return o;
}

// One value per relayed message with every field away from its default.
template <class T>
T sample();

template <> SubmitOrder sample() { return {"C-1", order("MRD-1")}; }
template <> CancelOrder sample() { return {"C-2", "MRD-1"}; }
template <> SubmitBracket sample() { return {"C-3", order("MRD-E"), order("MRD-TP"), order("MRD-SL")}; }
template <> SubmitOco sample() { return {"C-4", order("MRD-A"), order("MRD-B")}; }
template <> ReplaceOrder sample() { return {"C-5", "MRD-1", 3, 10.5, 9.5, "MRD-2"}; }
template <> EngageKillSwitch sample() { return {"C-6", "manual"}; }
template <> ResetKillSwitch sample() { return {"C-7"}; }
template <> ResetCircuitBreaker sample() { return {"C-8"}; }
template <> OrderUpdated sample() { return {order("MRD-9"), "C-9"}; }
template <> OrderFilled sample() { return {domain::Fill{"F-1", "MRD-1", "AAPL", domain::Side::Buy, 2, 190.5, 0.1, 77, "s"}}; }
template <> QuoteUpdated sample() { return {domain::Quote{"SPY", 1, 2, 3, 4, 5, 6, 7}}; }
template <> PositionsSnapshot sample() { return {{domain::Position{"AAPL", "live:x", 2, 190.5, 1.5, 191, 5}}, 6}; }
template <> AccountSnapshot sample() { return {"paper", 1, 2, 3, 4, 5, 6, 7, 8, 9}; }
template <> RiskRejected sample() { return {"C-10", "MRD-2", "max_qty", "too big"}; }
template <> RiskStateChanged sample() { return {true, true, "panic", "drawdown 12%", 3}; }
template <> CommandRejected sample() { return {"C-11", "no"}; }
template <> CommandAccepted sample() { return {"C-11b", "host:1:beef"}; }
template <> BarClosed sample() { return {"SPY", "sim_1m", domain::Bar{1, 2, 3, 1, 2, 10, 1.9, 4}}; }
template <> SignalGenerated sample() {
  return {"sma_cross", "AAPL", 12, domain::Side::Sell, 190.5, -100, "SMA10 crossed below SMA30", -200,
          "sma_cross:AAPL", "C-12"};
}
template <> StrategiesSnapshot sample() {
  StrategyInstanceState i;
  i.instance = "pairs:KO/PEP";
  i.strategy = "pairs";
  i.mode = "PAPER";
  i.state = "short";
  i.detail = "flatten requested";
  i.paused = true;
  i.legs = {StrategyLeg{"KO", -100, 0, 61.25, 60.5, -3.5, 75}, StrategyLeg{"PEP", 40, 0, 170.5, 171, 1.25, 20}};
  i.indicators = {StrategyIndicator{"z", 2.35}, StrategyIndicator{"hedge", 0.41}};
  i.lastSignalTs = 1'700'000'000'000'000'005;
  i.lastSignal = "SELL 100 KO -> target -100";
  i.lastSignalReason = "z 2.35 > entry 2";
  i.realizedPnl = -2.25;
  i.unrealizedPnl = 95;
  i.openOrders = 2;
  i.warmupBars = 252;
  i.liveBars = 17;
  i.signals = 4;
  i.lastBarTs = 1'700'000'000'000'000'006;
  StrategyInstanceState j;
  j.instance = "sma_cross:AAPL";
  j.strategy = "sma_cross";
  j.mode = "SIGNALS";
  j.state = "warming up";
  j.legs = {StrategyLeg{"AAPL", 0, 0, 0, 0, 0, 0}};
  return {{i, j}, 77, "PAPER", "1h"};
}
template <> ControlStrategy sample() { return {"C-14", "pairs:KO/PEP", StrategyAction::Flatten}; }
template <> StartStrategy sample() {
  return {"C-14b", "pairs", {"KO", "PEP"}, {{"entry_z", 2.25}, {"formation", 126}}, "LIVE", true, "1h",
          "Pair Lab: p 0.012, hedge 1.49"};
}
template <> RunJobNow sample() { return {"C-13", "pair_discovery"}; }
template <> JobsSnapshot sample() {
  JobsSnapshot s;
  JobState a;
  a.name = "pair_discovery";
  a.description = "Weekly pairs";
  a.schedule = "weekly Sun 18:00";
  a.configured = true;
  a.notConfiguredReason = "";
  a.enabled = false;
  a.catchUp = "once";
  a.nextRun = 1'700'000'000'123'456'789;
  a.running = true;
  a.attempt = 2;
  a.retries = 3;
  a.retryDelayMs = 60'000;
  a.timeoutMs = 3'600'000;
  a.lastStatus = "retrying";
  a.lastStarted = 11;
  a.lastFinished = 12;
  a.lastMessage = "only 0 of 2 symbols have stored daily bars — \"quoted\"";
  JobState b;
  b.name = "strategy_cycle";
  b.notConfiguredReason = "strategy.live is empty";
  s.jobs = {a, b};
  s.history = {JobRun{8, "db_backup", 300, std::nullopt, "running", 1, ""},
               JobRun{7, "pair_discovery", 100, 200, "failed", 2, "no data"}};
  s.asOf = 42;
  return s;
}

// Through the bus, the relay codec and the wire envelope, as a peer would see it; the decoded value lands on a
// second bus on the topic its Spec gives.
template <class T>
std::shared_ptr<const T> relayThrough(const T& value, std::string* kind = nullptr) {
  bus::EventBus in;
  auto box = std::make_shared<bus::Mailbox>("in");
  in.subscribe(">", box);
  if constexpr (isSent<T>()) {
    if (!in.send(value).ok()) return nullptr;
  } else {
    in.publish(value);
  }
  std::vector<bus::Envelope> got;
  box->drain(got);
  if (got.size() != 1) return nullptr;
  auto enc = relay::encode(got[0]);
  if (!enc) return nullptr;
  if (kind) *kind = enc->kind;
  auto msg = decodeRelayMessage(encodeRelayMessage({"peer:1:1", 1, enc->kind, 1, enc->body}));
  if (!msg.ok()) return nullptr;
  auto dec = relay::decode(msg->kind, msg->body);
  if (!dec.ok()) return nullptr;
  bus::EventBus out;
  auto outBox = std::make_shared<bus::Mailbox>("out");
  out.subscribe(">", outBox);
  if (!dec->deliver(out, 0).ok()) return nullptr;
  got.clear();
  outBox->drain(got);
  if (got.size() != 1 || got[0].topic != topicOf(value)) return nullptr;
  return got[0].share<T>();
}

}  // namespace

class tst_Catalogue : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void everyRelayedMessageRoundTripsFieldForField() {
    int relayed = 0;
    forEachMessage([&]<class T>() {
      if constexpr (Relayed<T>) {
        ++relayed;
        const T value = sample<T>();
        std::string kind;
        auto back = relayThrough(value, &kind);
        QVERIFY2(back, Spec<T>::wire.data());
        QVERIFY2(*back == value, Spec<T>::wire.data());
        QCOMPARE(kind, std::string(Spec<T>::wire));
        QCOMPARE(relay::isCommandKind(kind), Spec<T>::relay == Relay::ToServer);
        QCOMPARE(relay::isStateKind(kind), Spec<T>::relay == Relay::Snapshot);
      }
    });
    QCOMPARE(std::size_t(relayed), relay::relayedKinds().size());
    QVERIFY(relayed >= 20);
  }

  // An indicator that is not ready yet (NaN: the Strategy Monitor shows "—") is written as JSON null and read back
  // as NaN: the snapshot is not dropped by the attached window (a pairs instance still in its formation window).
  void notReadyIndicatorsCrossTheRelay() {
    StrategiesSnapshot snap = sample<StrategiesSnapshot>();
    snap.instances[0].indicators = {StrategyIndicator{"z", std::numeric_limits<double>::quiet_NaN()},
                                    StrategyIndicator{"hedge", 0.41}};
    auto back = relayThrough(snap, nullptr);
    QVERIFY(back);
    QCOMPARE(back->instances.size(), std::size_t(2));
    QVERIFY(std::isnan(back->instances[0].indicators.at(0).value));
    QCOMPARE(back->instances[0].indicators.at(1).value, 0.41);
  }

  void theCatalogueIsConsistent() {
    std::set<std::string> roots, kinds;
    forEachMessage([&]<class T>() {
      using S = Spec<T>;
      const std::string root(S::root);
      QVERIFY2(roots.insert(root).second, ("two messages on topic root " + root).c_str());
      if constexpr (S::relay != Relay::Local) {
        QVERIFY2(!S::wire.empty(), root.c_str());
        QVERIFY2(kinds.insert(std::string(S::wire)).second, ("two messages with wire kind " + root).c_str());
      } else {
        QVERIFY2(S::wire.empty(), root.c_str());
      }
      if constexpr (isSent<T>()) {
        // Commands and requests: lossless, answerable, never shown to the UI as events.
        QVERIFY(S::lane == Lane::Lossless);
        QVERIFY(Correlated<T>);
        QVERIFY(S::ui == UiDelivery::None);
        QVERIFY2(root.rfind("cmd.", 0) == 0, root.c_str());
        QVERIFY(S::relay == Relay::Local || S::relay == Relay::ToServer);
      } else {
        QVERIFY2(root.rfind("cmd.", 0) != 0, root.c_str());
        QVERIFY(S::relay != Relay::ToServer);
      }
      if constexpr (S::kind == Kind::Request) {
        using A = typename S::Answer;
        QVERIFY(inCatalogue<A>);
        QVERIFY(Spec<A>::kind == Kind::Answer);
        QVERIFY(Spec<A>::ui == UiDelivery::Answer);
        QVERIFY(Spec<A>::lane == Lane::Lossless);
        A a;
        a.correlationId = "C-x";
        QCOMPARE(std::string(Spec<A>::key(a)), std::string("C-x"));  // answers are keyed by their request
      }
      if constexpr (S::ui == UiDelivery::LatestPerKey) QVERIFY(Keyed<T>);
      if constexpr (S::lane == Lane::Coalescing) {
        // Only values where the newest replaces the older ones may coalesce.
        QVERIFY(S::kind == Kind::State || S::ui == UiDelivery::LatestPerKey || S::ui == UiDelivery::Latest);
      }
    });
    // Fills, order updates, bars, rejections and acknowledgements are never coalesced away.
    QVERIFY(Spec<OrderFilled>::lane == Lane::Lossless);
    QVERIFY(Spec<OrderUpdated>::lane == Lane::Lossless);
    QVERIFY(Spec<BarClosed>::lane == Lane::Lossless);
    QVERIFY(Spec<CommandRejected>::lane == Lane::Lossless);
    QVERIFY(Spec<QuoteUpdated>::lane == Lane::Coalescing);
    QCOMPARE(topicOf(sample<QuoteUpdated>()), std::string("md.quote.SPY"));
    QCOMPARE(patternOf<OrderUpdated>(), std::string("exec.order.>"));
    QCOMPARE(patternOf<PositionsSnapshot>(), std::string("exec.positions"));
  }

  void strictDecodersRefuseWhatAPeerMustNotSend() {
    // A command without a correlation id could never be answered.
    QVERIFY(!relay::decode("cancel_order", QJsonObject{{"client_order_id", "MRD-1"}}).ok());
    QVERIFY(!relay::decode("cancel_order", QJsonObject{{"correlation_id", ""}, {"client_order_id", "MRD-1"}}).ok());
    QVERIFY(!relay::decode("no_such_kind", QJsonObject{}).ok());
    // run_job needs a correlation id and a job name.
    QVERIFY(!relay::decode("run_job", QJsonObject{{"job_name", "db_backup"}}).ok());
    auto empty = relay::decode("run_job", QJsonObject{{"correlation_id", "C-1"}, {"job_name", ""}});
    QVERIFY(!empty.ok());
    QVERIFY(QString::fromStdString(empty.error().message).contains("job_name"));
    // Jobs snapshot: schema violations are refused, not half-applied.
    QJsonObject body;
    body.insert("jobs", QJsonArray{QJsonObject{{"name", ""}, {"configured", true}}});
    body.insert("history", QJsonArray{});
    QVERIFY(!relay::decode("jobs", body).ok());  // a job without a name
    body.insert("jobs", QJsonArray{});
    body.insert("history", QJsonArray{QJsonObject{{"job_name", "x"}, {"started_ts", "soon"}, {"status", "failed"}}});
    QVERIFY(!relay::decode("jobs", body).ok());  // started_ts not a number
    body.remove("history");
    QVERIFY(!relay::decode("jobs", body).ok());
    // An order update needs an order with an id; a signal a known side.
    QVERIFY(!relay::decode("order_updated", QJsonObject{{"order", orderToJson(domain::Order{})}}).ok());
    QJsonObject signal = Spec<SignalGenerated>::encode(sample<SignalGenerated>());
    signal.insert("side", "sideways");
    QVERIFY(!relay::decode("signal", signal).ok());
  }

  void heartbeatCarriesTheTradingMode() {
    TradingMode live{true, true, "alpaca", ""};
    auto d = decodeHeartbeat(encodeHeartbeat({"srv:1:2", 77, live}));
    QVERIFY(d.ok());
    QCOMPARE(d->origin, std::string("srv:1:2"));
    QCOMPARE(d->ts, std::int64_t(77));
    QVERIFY(d->mode.known && d->mode.live);
    QCOMPARE(d->mode.broker, std::string("alpaca"));
    QCOMPARE(d->mode.origin, std::string("srv:1:2"));
    QCOMPARE(std::string(d->mode.label()), std::string("LIVE"));
    auto p = decodeHeartbeat(encodeHeartbeat({"srv:1:2", 78, TradingMode{true, false, "paper", ""}}));
    QVERIFY(p.ok() && p->mode.known && !p->mode.live && p->mode.broker == "paper");
    // A server that does not announce a mode (older build, or not started yet): unknown, never "paper".
    auto old = decodeHeartbeat(R"({"origin":"srv:1:2","ts":5})");
    QVERIFY(old.ok() && !old->mode.known);
    QCOMPARE(std::string(old->mode.label()), std::string("UNKNOWN"));
    QVERIFY(!decodeHeartbeat(R"({"origin":"srv:1:2","trading_mode":"maybe"})").ok());
    QVERIFY(!decodeHeartbeat(R"({"ts":5})").ok());
    QVERIFY(!decodeHeartbeat("not json").ok());
  }
};

QTEST_GUILESS_MAIN(tst_Catalogue)
#include "tst_Catalogue.moc"
