// The wire bodies of the relayed messages (contract::Spec<T>::encode / decode). Field names are snake_case like
// the SQL columns; domain values use the object codecs of Wire.h, so the relay, the mirror and stored JSON share
// one field mapping. Decoders are strict: a missing or mistyped required field, an unknown enum name or an empty
// identifier is an error naming the message and the field.
#include "core/contract/Catalogue.h"
#include "core/contract/Wire.h"

#include <QJsonArray>
#include <QJsonObject>

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace meridian::contract {
namespace {

QString qs(std::string_view s) { return QString::fromUtf8(s.data(), qsizetype(s.size())); }

template <class T>
Error bad(std::string_view why) {
  return makeError(kDecodeError, fmt::format("{}: {}", Spec<T>::wire, why));
}

// Reads the fields, then checks them: the first missing or mistyped field, else `check`, else the value.
template <class T>
Result<T> finish(const JsonReader& r, T value) {
  if (Status s = r.status(Spec<T>::wire); !s.ok()) return s.error();
  return value;
}

template <class T>
Result<domain::Order> orderField(const QJsonObject& body, const char* name) {
  const QJsonValue v = body.value(QLatin1String(name));
  if (!v.isObject()) return bad<T>(fmt::format("'{}' missing or not an object", name));
  return orderFromJson(v.toObject());
}

// Every command carries the correlation id its answer will name.
template <class T>
Result<std::string> correlation(const QJsonObject& body) {
  const QJsonValue v = body.value(QLatin1String("correlation_id"));
  if (!v.isString()) return bad<T>("'correlation_id' missing or not a string");
  if (v.toString().isEmpty()) return bad<T>("empty correlation_id");
  return v.toString().toStdString();
}

QJsonObject withCorrelation(QJsonObject o, const std::string& correlationId) {
  o.insert("correlation_id", qs(correlationId));
  return o;
}

QJsonObject jobStateToJson(const JobState& j) {
  QJsonObject o;
  o.insert("name", qs(j.name));
  o.insert("description", qs(j.description));
  o.insert("schedule", qs(j.schedule));
  o.insert("configured", j.configured);
  o.insert("not_configured_reason", qs(j.notConfiguredReason));
  o.insert("enabled", j.enabled);
  o.insert("catch_up", qs(j.catchUp));
  o.insert("next_run", qint64(j.nextRun));
  o.insert("running", j.running);
  o.insert("attempt", j.attempt);
  o.insert("retries", j.retries);
  o.insert("retry_delay_ms", qint64(j.retryDelayMs));
  o.insert("timeout_ms", qint64(j.timeoutMs));
  o.insert("last_status", qs(j.lastStatus));
  o.insert("last_started", qint64(j.lastStarted));
  o.insert("last_finished", qint64(j.lastFinished));
  o.insert("last_message", qs(j.lastMessage));
  return o;
}

Result<JobState> jobStateFromJson(const QJsonObject& o) {
  JsonReader r{o, {}};
  JobState j;
  j.name = r.text("name");
  j.description = r.text("description", false);
  j.schedule = r.text("schedule", false);
  j.configured = r.boolean("configured");
  j.notConfiguredReason = r.text("not_configured_reason", false);
  j.enabled = o.contains("enabled") ? r.boolean("enabled") : true;
  j.catchUp = o.contains("catch_up") ? r.text("catch_up", false) : std::string("none");
  j.nextRun = r.integer("next_run", false);
  j.running = r.boolean("running", false);
  j.attempt = static_cast<int>(r.integer("attempt", false));
  j.retries = static_cast<int>(r.integer("retries", false));
  j.retryDelayMs = r.integer("retry_delay_ms", false);
  j.timeoutMs = r.integer("timeout_ms", false);
  j.lastStatus = r.text("last_status", false);
  j.lastStarted = r.integer("last_started", false);
  j.lastFinished = r.integer("last_finished", false);
  j.lastMessage = r.text("last_message", false);
  if (Status s = r.status("jobs: job"); !s.ok()) return s.error();
  if (j.name.empty()) return bad<JobsSnapshot>("a job has an empty name");
  return j;
}

QJsonObject jobRunToJson(const JobRun& run) {
  QJsonObject o;
  o.insert("id", qint64(run.id));
  o.insert("job_name", qs(run.jobName));
  o.insert("started_ts", qint64(run.startedTs));
  o.insert("finished_ts", run.finishedTs ? QJsonValue(qint64(*run.finishedTs)) : QJsonValue(QJsonValue::Null));
  o.insert("status", qs(run.status));
  o.insert("attempt", run.attempt);
  o.insert("message", qs(run.message));
  return o;
}

Result<JobRun> jobRunFromJson(const QJsonObject& o) {
  JsonReader r{o, {}};
  JobRun run;
  run.id = r.integer("id", false);
  run.jobName = r.text("job_name");
  run.startedTs = r.integer("started_ts");
  if (const QJsonValue f = o.value("finished_ts"); !f.isNull() && !f.isUndefined()) run.finishedTs = r.integer("finished_ts");
  run.status = r.text("status");
  run.attempt = static_cast<int>(r.integer("attempt", false));
  run.message = r.text("message", false);
  if (Status s = r.status("jobs: run"); !s.ok()) return s.error();
  if (run.jobName.empty()) return bad<JobsSnapshot>("a run has an empty job_name");
  return run;
}

}  // namespace

// ---- Orders ---------------------------------------------------------------------------------------------------

QJsonObject Spec<SubmitOrder>::encode(const SubmitOrder& m) {
  QJsonObject b;
  b.insert("order", orderToJson(m.order));
  return withCorrelation(b, m.correlationId);
}
Result<SubmitOrder> Spec<SubmitOrder>::decode(const QJsonObject& b) {
  auto corr = correlation<SubmitOrder>(b);
  if (!corr.ok()) return corr.error();
  auto o = orderField<SubmitOrder>(b, "order");
  if (!o.ok()) return o.error();
  return SubmitOrder{*corr, std::move(o).value()};
}

QJsonObject Spec<CancelOrder>::encode(const CancelOrder& m) {
  QJsonObject b;
  b.insert("client_order_id", qs(m.clientOrderId));
  return withCorrelation(b, m.correlationId);
}
Result<CancelOrder> Spec<CancelOrder>::decode(const QJsonObject& b) {
  auto corr = correlation<CancelOrder>(b);
  if (!corr.ok()) return corr.error();
  JsonReader r{b, {}};
  CancelOrder m{*corr, r.text("client_order_id")};
  if (r.missing.empty() && m.clientOrderId.empty()) return bad<CancelOrder>("empty client_order_id");
  return finish(r, std::move(m));
}

QJsonObject Spec<SubmitBracket>::encode(const SubmitBracket& m) {
  QJsonObject b;
  b.insert("entry", orderToJson(m.entry));
  b.insert("take_profit", orderToJson(m.takeProfit));
  b.insert("stop_loss", orderToJson(m.stopLoss));
  return withCorrelation(b, m.correlationId);
}
Result<SubmitBracket> Spec<SubmitBracket>::decode(const QJsonObject& b) {
  auto corr = correlation<SubmitBracket>(b);
  if (!corr.ok()) return corr.error();
  auto entry = orderField<SubmitBracket>(b, "entry");
  if (!entry.ok()) return entry.error();
  auto tp = orderField<SubmitBracket>(b, "take_profit");
  if (!tp.ok()) return tp.error();
  auto sl = orderField<SubmitBracket>(b, "stop_loss");
  if (!sl.ok()) return sl.error();
  return SubmitBracket{*corr, std::move(entry).value(), std::move(tp).value(), std::move(sl).value()};
}

QJsonObject Spec<SubmitOco>::encode(const SubmitOco& m) {
  QJsonObject b;
  b.insert("first", orderToJson(m.first));
  b.insert("second", orderToJson(m.second));
  return withCorrelation(b, m.correlationId);
}
Result<SubmitOco> Spec<SubmitOco>::decode(const QJsonObject& b) {
  auto corr = correlation<SubmitOco>(b);
  if (!corr.ok()) return corr.error();
  auto first = orderField<SubmitOco>(b, "first");
  if (!first.ok()) return first.error();
  auto second = orderField<SubmitOco>(b, "second");
  if (!second.ok()) return second.error();
  return SubmitOco{*corr, std::move(first).value(), std::move(second).value()};
}

QJsonObject Spec<ReplaceOrder>::encode(const ReplaceOrder& m) {
  QJsonObject b;
  b.insert("client_order_id", qs(m.clientOrderId));
  b.insert("quantity", m.quantity);
  b.insert("limit_price", m.limitPrice);
  b.insert("stop_price", m.stopPrice);
  b.insert("new_client_order_id", qs(m.newClientOrderId));
  return withCorrelation(b, m.correlationId);
}
Result<ReplaceOrder> Spec<ReplaceOrder>::decode(const QJsonObject& b) {
  auto corr = correlation<ReplaceOrder>(b);
  if (!corr.ok()) return corr.error();
  JsonReader r{b, {}};
  ReplaceOrder m;
  m.correlationId = *corr;
  m.clientOrderId = r.text("client_order_id");
  m.quantity = r.real("quantity", false);
  m.limitPrice = r.real("limit_price", false);
  m.stopPrice = r.real("stop_price", false);
  m.newClientOrderId = r.text("new_client_order_id", false);
  if (r.missing.empty() && m.clientOrderId.empty()) return bad<ReplaceOrder>("empty client_order_id");
  return finish(r, std::move(m));
}

QJsonObject Spec<OrderUpdated>::encode(const OrderUpdated& m) {
  QJsonObject b;
  b.insert("order", orderToJson(m.order));
  b.insert("correlation_id", qs(m.correlationId));
  return b;
}
Result<OrderUpdated> Spec<OrderUpdated>::decode(const QJsonObject& b) {
  auto o = orderField<OrderUpdated>(b, "order");
  if (!o.ok()) return o.error();
  if (o->clientOrderId.empty()) return bad<OrderUpdated>("empty client_order_id");
  JsonReader r{b, {}};
  OrderUpdated m{std::move(o).value(), r.text("correlation_id", false)};
  return finish(r, std::move(m));
}

QJsonObject Spec<OrderFilled>::encode(const OrderFilled& m) {
  QJsonObject b;
  b.insert("fill", fillToJson(m.fill));
  return b;
}
Result<OrderFilled> Spec<OrderFilled>::decode(const QJsonObject& b) {
  if (!b.value("fill").isObject()) return bad<OrderFilled>("'fill' missing or not an object");
  auto f = fillFromJson(b.value("fill").toObject());
  if (!f.ok()) return f.error();
  return OrderFilled{std::move(f).value()};
}

QJsonObject Spec<PositionsSnapshot>::encode(const PositionsSnapshot& m) {
  QJsonArray arr;
  for (const auto& p : m.positions) arr.append(positionToJson(p));
  QJsonObject b;
  b.insert("positions", arr);
  b.insert("as_of", qint64(m.asOf));
  return b;
}
Result<PositionsSnapshot> Spec<PositionsSnapshot>::decode(const QJsonObject& b) {
  if (!b.value("positions").isArray()) return bad<PositionsSnapshot>("'positions' missing or not an array");
  PositionsSnapshot m;
  for (const auto& v : b.value("positions").toArray()) {
    if (!v.isObject()) return bad<PositionsSnapshot>("a position is not an object");
    auto p = positionFromJson(v.toObject());
    if (!p.ok()) return p.error();
    m.positions.push_back(std::move(p).value());
  }
  JsonReader r{b, {}};
  m.asOf = r.integer("as_of", false);
  return finish(r, std::move(m));
}

QJsonObject Spec<AccountSnapshot>::encode(const AccountSnapshot& m) {
  QJsonObject b;
  b.insert("broker", qs(m.broker));
  b.insert("cash", m.cash);
  b.insert("equity", m.equity);
  b.insert("buying_power", m.buyingPower);
  b.insert("day_pnl", m.dayPnl);
  b.insert("realized_pnl", m.realizedPnl);
  b.insert("unrealized_pnl", m.unrealizedPnl);
  b.insert("gross_exposure", m.grossExposure);
  b.insert("peak_equity", m.peakEquity);
  b.insert("as_of", qint64(m.asOf));
  return b;
}
Result<AccountSnapshot> Spec<AccountSnapshot>::decode(const QJsonObject& b) {
  JsonReader r{b, {}};
  AccountSnapshot m;
  m.broker = r.text("broker", false);
  m.cash = r.real("cash");
  m.equity = r.real("equity");
  m.buyingPower = r.real("buying_power");
  m.dayPnl = r.real("day_pnl", false);
  m.realizedPnl = r.real("realized_pnl", false);
  m.unrealizedPnl = r.real("unrealized_pnl", false);
  m.grossExposure = r.real("gross_exposure", false);
  m.peakEquity = r.real("peak_equity", false);
  m.asOf = r.integer("as_of", false);
  return finish(r, std::move(m));
}

CommandRejected expiredCommand(std::string correlationId, domain::Timestamp late, std::string_view where) {
  return {std::move(correlationId),
          fmt::format("Expired: it reached the serving process in time, but {} held it until {} ms after its "
                      "deadline; not executed",
                      where, std::max<domain::Timestamp>(late, 0) / domain::kNanosPerMilli)};
}

QJsonObject Spec<CommandRejected>::encode(const CommandRejected& m) {
  QJsonObject b;
  b.insert("correlation_id", qs(m.correlationId));
  b.insert("reason", qs(m.reason));
  return b;
}
Result<CommandRejected> Spec<CommandRejected>::decode(const QJsonObject& b) {
  JsonReader r{b, {}};
  CommandRejected m{r.text("correlation_id", false), r.text("reason")};
  return finish(r, std::move(m));
}

QJsonObject Spec<CommandAccepted>::encode(const CommandAccepted& m) {
  QJsonObject b;
  b.insert("correlation_id", qs(m.correlationId));
  b.insert("by", qs(m.by));
  return b;
}
Result<CommandAccepted> Spec<CommandAccepted>::decode(const QJsonObject& b) {
  JsonReader r{b, {}};
  CommandAccepted m{r.text("correlation_id"), r.text("by", false)};
  return finish(r, std::move(m));
}

// ---- Risk -----------------------------------------------------------------------------------------------------

QJsonObject Spec<EngageKillSwitch>::encode(const EngageKillSwitch& m) {
  QJsonObject b;
  b.insert("reason", qs(m.reason));
  return withCorrelation(b, m.correlationId);
}
Result<EngageKillSwitch> Spec<EngageKillSwitch>::decode(const QJsonObject& b) {
  auto corr = correlation<EngageKillSwitch>(b);
  if (!corr.ok()) return corr.error();
  JsonReader r{b, {}};
  EngageKillSwitch m{*corr, r.text("reason", false)};
  return finish(r, std::move(m));
}

QJsonObject Spec<ResetKillSwitch>::encode(const ResetKillSwitch& m) { return withCorrelation({}, m.correlationId); }
Result<ResetKillSwitch> Spec<ResetKillSwitch>::decode(const QJsonObject& b) {
  auto corr = correlation<ResetKillSwitch>(b);
  if (!corr.ok()) return corr.error();
  return ResetKillSwitch{*corr};
}

QJsonObject Spec<ResetCircuitBreaker>::encode(const ResetCircuitBreaker& m) {
  return withCorrelation({}, m.correlationId);
}
Result<ResetCircuitBreaker> Spec<ResetCircuitBreaker>::decode(const QJsonObject& b) {
  auto corr = correlation<ResetCircuitBreaker>(b);
  if (!corr.ok()) return corr.error();
  return ResetCircuitBreaker{*corr};
}

QJsonObject Spec<RiskRejected>::encode(const RiskRejected& m) {
  QJsonObject b;
  b.insert("correlation_id", qs(m.correlationId));
  b.insert("client_order_id", qs(m.clientOrderId));
  b.insert("rule", qs(m.rule));
  b.insert("reason", qs(m.reason));
  return b;
}
Result<RiskRejected> Spec<RiskRejected>::decode(const QJsonObject& b) {
  JsonReader r{b, {}};
  RiskRejected m{r.text("correlation_id", false), r.text("client_order_id", false), r.text("rule"), r.text("reason")};
  return finish(r, std::move(m));
}

QJsonObject Spec<RiskStateChanged>::encode(const RiskStateChanged& m) {
  QJsonObject b;
  b.insert("kill_switch", m.killSwitch);
  b.insert("circuit_breaker", m.circuitBreaker);
  b.insert("kill_switch_reason", qs(m.killSwitchReason));
  b.insert("circuit_breaker_reason", qs(m.circuitBreakerReason));
  b.insert("ts", qint64(m.ts));
  return b;
}
Result<RiskStateChanged> Spec<RiskStateChanged>::decode(const QJsonObject& b) {
  JsonReader r{b, {}};
  RiskStateChanged m;
  m.killSwitch = r.boolean("kill_switch");
  m.circuitBreaker = r.boolean("circuit_breaker");
  m.killSwitchReason = r.text("kill_switch_reason", false);
  m.circuitBreakerReason = r.text("circuit_breaker_reason", false);
  m.ts = r.integer("ts", false);
  return finish(r, std::move(m));
}

// ---- Market data and strategies ---------------------------------------------------------------------------------

QJsonObject Spec<QuoteUpdated>::encode(const QuoteUpdated& m) {
  QJsonObject b;
  b.insert("quote", quoteToJson(m.quote));
  return b;
}
Result<QuoteUpdated> Spec<QuoteUpdated>::decode(const QJsonObject& b) {
  if (!b.value("quote").isObject()) return bad<QuoteUpdated>("'quote' missing or not an object");
  auto q = quoteFromJson(b.value("quote").toObject());
  if (!q.ok()) return q.error();
  return QuoteUpdated{std::move(q).value()};
}

QJsonObject Spec<BarClosed>::encode(const BarClosed& m) {
  QJsonObject b;
  b.insert("symbol", qs(m.symbol));
  b.insert("source", qs(m.source));
  b.insert("bar", barToJson(m.bar));
  return b;
}
Result<BarClosed> Spec<BarClosed>::decode(const QJsonObject& b) {
  JsonReader r{b, {}};
  BarClosed m;
  m.symbol = r.text("symbol");
  m.source = r.text("source", false);
  const QJsonObject bar = r.object("bar");
  if (Status s = r.status(Spec<BarClosed>::wire); !s.ok()) return s.error();
  if (m.symbol.empty()) return bad<BarClosed>("empty symbol");
  auto parsed = barFromJson(bar);
  if (!parsed.ok()) return parsed.error();
  m.bar = *parsed;
  return m;
}

QJsonObject Spec<SignalGenerated>::encode(const SignalGenerated& m) {
  QJsonObject b;
  b.insert("strategy", qs(m.strategy));
  b.insert("symbol", qs(m.symbol));
  b.insert("ts", qint64(m.ts));
  b.insert("side", qs(domain::toString(m.side)));
  b.insert("price", m.price);
  b.insert("target_quantity", m.targetQuantity);
  b.insert("reason", qs(m.reason));
  b.insert("quantity", m.quantity);
  b.insert("instance", qs(m.instance));
  b.insert("correlation_id", qs(m.correlationId));
  return b;
}
Result<SignalGenerated> Spec<SignalGenerated>::decode(const QJsonObject& b) {
  JsonReader r{b, {}};
  SignalGenerated m;
  m.strategy = r.text("strategy");
  m.symbol = r.text("symbol");
  m.ts = r.integer("ts");
  const auto side = domain::sideFromString(r.text("side"));
  m.price = r.real("price");
  m.targetQuantity = r.real("target_quantity");
  m.reason = r.text("reason", false);
  m.quantity = r.real("quantity", false);
  m.instance = r.text("instance", false);
  m.correlationId = r.text("correlation_id", false);
  if (Status s = r.status(Spec<SignalGenerated>::wire); !s.ok()) return s.error();
  if (!side) return bad<SignalGenerated>("unknown side");
  if (m.symbol.empty()) return bad<SignalGenerated>("empty symbol");
  m.side = *side;
  return m;
}

// ---- Live strategy instances ------------------------------------------------------------------------------------

std::string_view toString(StrategyAction a) {
  switch (a) {
    case StrategyAction::Pause: return "pause";
    case StrategyAction::Resume: return "resume";
    case StrategyAction::Flatten: return "flatten";
    case StrategyAction::Remove: return "remove";
  }
  return "pause";
}

std::optional<StrategyAction> strategyActionFromString(std::string_view s) {
  for (StrategyAction a :
       {StrategyAction::Pause, StrategyAction::Resume, StrategyAction::Flatten, StrategyAction::Remove})
    if (toString(a) == s) return a;
  return std::nullopt;
}

namespace {

QJsonObject strategyInstanceToJson(const StrategyInstanceState& m) {
  QJsonArray legs, indicators;
  for (const auto& l : m.legs) {
    QJsonObject o;
    o.insert("symbol", qs(l.symbol));
    o.insert("position", l.position);
    o.insert("target", l.target);
    o.insert("avg_cost", l.avgCost);
    o.insert("last_price", l.lastPrice);
    o.insert("realized_pnl", l.realizedPnl);
    o.insert("unrealized_pnl", l.unrealizedPnl);
    legs.append(o);
  }
  for (const auto& i : m.indicators) indicators.append(QJsonObject{{"name", qs(i.name)}, {"value", i.value}});
  QJsonObject o;
  o.insert("instance", qs(m.instance));
  o.insert("strategy", qs(m.strategy));
  o.insert("mode", qs(m.mode));
  o.insert("state", qs(m.state));
  o.insert("detail", qs(m.detail));
  o.insert("paused", m.paused);
  o.insert("promoted", m.promoted);
  o.insert("legs", legs);
  o.insert("indicators", indicators);
  o.insert("last_signal_ts", qint64(m.lastSignalTs));
  o.insert("last_signal", qs(m.lastSignal));
  o.insert("last_signal_reason", qs(m.lastSignalReason));
  o.insert("realized_pnl", m.realizedPnl);
  o.insert("unrealized_pnl", m.unrealizedPnl);
  o.insert("open_orders", m.openOrders);
  o.insert("warmup_bars", qint64(m.warmupBars));
  o.insert("live_bars", qint64(m.liveBars));
  o.insert("signals", qint64(m.signals));
  o.insert("last_bar_ts", qint64(m.lastBarTs));
  return o;
}

Result<StrategyInstanceState> strategyInstanceFromJson(const QJsonObject& o) {
  JsonReader r{o, {}};
  StrategyInstanceState m;
  m.instance = r.text("instance");
  m.strategy = r.text("strategy");
  m.mode = r.text("mode");
  m.state = r.text("state");
  m.detail = r.text("detail", false);
  m.paused = r.boolean("paused", false);
  m.promoted = r.boolean("promoted", false);
  m.lastSignalTs = r.integer("last_signal_ts", false);
  m.lastSignal = r.text("last_signal", false);
  m.lastSignalReason = r.text("last_signal_reason", false);
  m.realizedPnl = r.real("realized_pnl", false);
  m.unrealizedPnl = r.real("unrealized_pnl", false);
  m.openOrders = static_cast<int>(r.integer("open_orders", false));
  m.warmupBars = r.integer("warmup_bars", false);
  m.liveBars = r.integer("live_bars", false);
  m.signals = r.integer("signals", false);
  m.lastBarTs = r.integer("last_bar_ts", false);
  if (!o.value("legs").isArray()) return bad<StrategiesSnapshot>("'legs' missing or not an array");
  for (const auto& v : o.value("legs").toArray()) {
    if (!v.isObject()) return bad<StrategiesSnapshot>("a leg is not an object");
    const QJsonObject lo = v.toObject();
    JsonReader lr{lo, {}};
    StrategyLeg l;
    l.symbol = lr.text("symbol");
    l.position = lr.real("position");
    l.target = lr.real("target");
    l.avgCost = lr.real("avg_cost", false);
    l.lastPrice = lr.real("last_price", false);
    l.realizedPnl = lr.real("realized_pnl", false);
    l.unrealizedPnl = lr.real("unrealized_pnl", false);
    if (Status s = lr.status("strategies: leg"); !s.ok()) return s.error();
    if (l.symbol.empty()) return bad<StrategiesSnapshot>("a leg has an empty symbol");
    m.legs.push_back(std::move(l));
  }
  for (const auto& v : o.value("indicators").toArray()) {
    if (!v.isObject()) return bad<StrategiesSnapshot>("an indicator is not an object");
    const QJsonObject io = v.toObject();
    JsonReader ir{io, {}};
    // A value not ready yet is NaN, which JSON writes as null: read back as NaN.
    const bool notReady = io.value("value").isNull();
    StrategyIndicator i{ir.text("name"), notReady ? std::numeric_limits<double>::quiet_NaN() : ir.real("value")};
    if (Status s = ir.status("strategies: indicator"); !s.ok()) return s.error();
    m.indicators.push_back(std::move(i));
  }
  if (Status s = r.status("strategies: instance"); !s.ok()) return s.error();
  if (m.instance.empty()) return bad<StrategiesSnapshot>("an instance has an empty id");
  return m;
}

}  // namespace

QJsonObject Spec<StrategiesSnapshot>::encode(const StrategiesSnapshot& m) {
  QJsonArray instances;
  for (const auto& i : m.instances) instances.append(strategyInstanceToJson(i));
  QJsonObject b;
  b.insert("instances", instances);
  b.insert("as_of", qint64(m.asOf));
  b.insert("mode", qs(m.mode));
  b.insert("timeframe", qs(m.timeframe));
  return b;
}
Result<StrategiesSnapshot> Spec<StrategiesSnapshot>::decode(const QJsonObject& b) {
  if (!b.value("instances").isArray()) return bad<StrategiesSnapshot>("'instances' missing or not an array");
  StrategiesSnapshot m;
  for (const auto& v : b.value("instances").toArray()) {
    if (!v.isObject()) return bad<StrategiesSnapshot>("an instance is not an object");
    auto i = strategyInstanceFromJson(v.toObject());
    if (!i.ok()) return i.error();
    m.instances.push_back(std::move(i).value());
  }
  JsonReader r{b, {}};
  m.asOf = r.integer("as_of", false);
  m.mode = r.text("mode", false);
  m.timeframe = r.text("timeframe", false);
  return finish(r, std::move(m));
}

QJsonObject Spec<ControlStrategy>::encode(const ControlStrategy& m) {
  QJsonObject b;
  b.insert("instance", qs(m.instance));
  b.insert("action", qs(toString(m.action)));
  return withCorrelation(b, m.correlationId);
}
Result<ControlStrategy> Spec<ControlStrategy>::decode(const QJsonObject& b) {
  auto corr = correlation<ControlStrategy>(b);
  if (!corr.ok()) return corr.error();
  JsonReader r{b, {}};
  ControlStrategy m;
  m.correlationId = *corr;
  m.instance = r.text("instance");
  const auto action = strategyActionFromString(r.text("action"));
  if (Status s = r.status(Spec<ControlStrategy>::wire); !s.ok()) return s.error();
  if (m.instance.empty()) return bad<ControlStrategy>("empty instance");
  if (!action) return bad<ControlStrategy>("unknown action (pause, resume or flatten)");
  m.action = *action;
  return m;
}

QJsonObject Spec<StartStrategy>::encode(const StartStrategy& m) {
  QJsonArray symbols, params;
  for (const auto& sym : m.symbols) symbols.append(qs(sym));
  for (const auto& p : m.params) params.append(QJsonObject{{"name", qs(p.name)}, {"value", p.value}});
  QJsonObject b;
  b.insert("strategy", qs(m.strategy));
  b.insert("symbols", symbols);
  b.insert("params", params);
  b.insert("mode", qs(m.mode));
  b.insert("live_confirmed", m.liveConfirmed);
  b.insert("timeframe", qs(m.timeframe));
  b.insert("origin", qs(m.origin));
  return withCorrelation(b, m.correlationId);
}
Result<StartStrategy> Spec<StartStrategy>::decode(const QJsonObject& b) {
  auto corr = correlation<StartStrategy>(b);
  if (!corr.ok()) return corr.error();
  JsonReader r{b, {}};
  StartStrategy m;
  m.correlationId = *corr;
  m.strategy = r.text("strategy");
  m.mode = r.text("mode");
  m.liveConfirmed = r.boolean("live_confirmed", false);
  m.timeframe = r.text("timeframe", false);
  m.origin = r.text("origin", false);
  if (Status s = r.status(Spec<StartStrategy>::wire); !s.ok()) return s.error();
  if (!b.value("symbols").isArray()) return bad<StartStrategy>("'symbols' missing or not an array");
  for (const auto& v : b.value("symbols").toArray()) {
    if (!v.isString() || v.toString().isEmpty()) return bad<StartStrategy>("a symbol is not a non-empty string");
    m.symbols.push_back(v.toString().toStdString());
  }
  for (const auto& v : b.value("params").toArray()) {
    if (!v.isObject()) return bad<StartStrategy>("a parameter is not an object");
    const QJsonObject po = v.toObject();
    JsonReader pr{po, {}};
    StrategyParamValue p{pr.text("name"), pr.real("value")};
    if (Status s = pr.status("start_strategy: parameter"); !s.ok()) return s.error();
    m.params.push_back(std::move(p));
  }
  if (m.strategy.empty()) return bad<StartStrategy>("empty strategy");
  if (m.symbols.empty()) return bad<StartStrategy>("no symbol");
  return m;
}

// ---- Jobs -----------------------------------------------------------------------------------------------------

QJsonObject Spec<JobsSnapshot>::encode(const JobsSnapshot& m) {
  QJsonArray jobs, runs;
  for (const auto& j : m.jobs) jobs.append(jobStateToJson(j));
  for (const auto& run : m.history) runs.append(jobRunToJson(run));
  QJsonObject b;
  b.insert("jobs", jobs);
  b.insert("history", runs);
  b.insert("as_of", qint64(m.asOf));
  return b;
}
Result<JobsSnapshot> Spec<JobsSnapshot>::decode(const QJsonObject& b) {
  if (!b.value("jobs").isArray()) return bad<JobsSnapshot>("'jobs' missing or not an array");
  if (!b.value("history").isArray()) return bad<JobsSnapshot>("'history' missing or not an array");
  JobsSnapshot m;
  for (const auto& v : b.value("jobs").toArray()) {
    if (!v.isObject()) return bad<JobsSnapshot>("a job is not an object");
    auto j = jobStateFromJson(v.toObject());
    if (!j.ok()) return j.error();
    m.jobs.push_back(std::move(j).value());
  }
  for (const auto& v : b.value("history").toArray()) {
    if (!v.isObject()) return bad<JobsSnapshot>("a run is not an object");
    auto run = jobRunFromJson(v.toObject());
    if (!run.ok()) return run.error();
    m.history.push_back(std::move(run).value());
  }
  JsonReader r{b, {}};
  m.asOf = r.integer("as_of", false);
  return finish(r, std::move(m));
}

QJsonObject Spec<RunJobNow>::encode(const RunJobNow& m) {
  QJsonObject b;
  b.insert("job_name", qs(m.jobName));
  return withCorrelation(b, m.correlationId);
}
Result<RunJobNow> Spec<RunJobNow>::decode(const QJsonObject& b) {
  auto corr = correlation<RunJobNow>(b);
  if (!corr.ok()) return corr.error();
  JsonReader r{b, {}};
  RunJobNow m{*corr, r.text("job_name")};
  if (r.missing.empty() && m.jobName.empty()) return bad<RunJobNow>("empty job_name");
  return finish(r, std::move(m));
}

// ---- Research (local messages with a name for logs) -------------------------------------------------------------

std::string_view toString(BacktestKind kind) {
  switch (kind) {
    case BacktestKind::Backtest: return "backtest";
    case BacktestKind::Optimization: return "optimization";
    case BacktestKind::WalkForward: return "walk-forward";
  }
  return "backtest";
}

}  // namespace meridian::contract
