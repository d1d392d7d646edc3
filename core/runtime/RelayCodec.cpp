#include "core/runtime/RelayCodec.h"

#include "core/bus/Events.h"
#include "core/execution/ExecutionEvents.h"
#include "core/jobs/JobEvents.h"
#include "core/storage/Records.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <fmt/format.h>

namespace meridian::runtime::relay {
namespace {

QString qs(std::string_view s) { return QString::fromUtf8(s.data(), qsizetype(s.size())); }

template <class T>
Decoded make(std::string kind, std::string topic, T value) {
  auto p = std::make_shared<const T>(std::move(value));
  Decoded d;
  d.kind = std::move(kind);
  d.topic = std::move(topic);
  d.payload = p;
  d.publish = [topic = d.topic, p](bus::EventBus& b) { b.publish<T>(topic, p); };
  return d;
}

Error bad(std::string_view kind, std::string_view why) {
  return makeError(storage::errc::kDecode, fmt::format("relay {}: {}", kind, why));
}

Result<domain::Order> orderField(const QJsonObject& body, const char* name, std::string_view kind) {
  if (!body.value(QLatin1String(name)).isObject()) return bad(kind, fmt::format("'{}' missing or not an object", name));
  return storage::orderFromJson(body.value(QLatin1String(name)).toObject());
}

// ---- Jobs (the Jobs dock's snapshot). Field names follow logging.job_runs and the dock's columns.

QJsonObject jobStateToJson(const jobs::JobState& j) {
  QJsonObject o;
  o.insert("name", qs(j.name));
  o.insert("description", qs(j.description));
  o.insert("schedule", qs(j.schedule));
  o.insert("configured", j.configured);
  o.insert("not_configured_reason", qs(j.notConfiguredReason));
  o.insert("enabled", j.enabled);
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

Result<jobs::JobState> jobStateFromJson(const QJsonObject& o) {
  storage::JsonReader r{o, {}};
  jobs::JobState j;
  j.name = r.text("name");
  j.description = r.text("description", false);
  j.schedule = r.text("schedule", false);
  j.configured = r.boolean("configured");
  j.notConfiguredReason = r.text("not_configured_reason", false);
  j.enabled = o.contains("enabled") ? r.boolean("enabled") : true;
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
  if (Status s = r.status("relay jobs: job"); !s.ok()) return s.error();
  if (j.name.empty()) return bad(kinds::kJobs, "a job has an empty name");
  return j;
}

QJsonObject jobRunToJson(const storage::JobRunRecord& run) {
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

Result<storage::JobRunRecord> jobRunFromJson(const QJsonObject& o) {
  storage::JsonReader r{o, {}};
  storage::JobRunRecord run;
  run.id = r.integer("id", false);
  run.jobName = r.text("job_name");
  run.startedTs = r.integer("started_ts");
  if (const QJsonValue f = o.value("finished_ts"); !f.isNull() && !f.isUndefined()) run.finishedTs = r.integer("finished_ts");
  run.status = r.text("status");
  run.attempt = static_cast<int>(r.integer("attempt", false));
  run.message = r.text("message", false);
  if (Status s = r.status("relay jobs: run"); !s.ok()) return s.error();
  if (run.jobName.empty()) return bad(kinds::kJobs, "a run has an empty job_name");
  return run;
}

}  // namespace

bool isCommandKind(std::string_view k) {
  using namespace kinds;
  return k == kSubmitOrder || k == kCancelOrder || k == kSubmitBracket || k == kSubmitOco || k == kReplaceOrder ||
         k == kKillSwitch || k == kResetKillSwitch || k == kResetCircuitBreaker || k == kRunJob;
}

bool isStateKind(std::string_view k) {
  using namespace kinds;
  return k == kPositions || k == kAccount || k == kRiskState || k == kJobs;
}

std::string encodeHeartbeat(const Heartbeat& beat) {
  QJsonObject o;
  o.insert("origin", qs(beat.origin));
  o.insert("ts", qint64(beat.ts));
  if (beat.mode.known) {
    o.insert("trading_mode", beat.mode.live ? "live" : "paper");
    o.insert("broker", qs(beat.mode.broker));
  }
  return QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString();
}

Result<Heartbeat> decodeHeartbeat(std::string_view json) {
  QJsonParseError err{};
  const auto doc = QJsonDocument::fromJson(QByteArray(json.data(), qsizetype(json.size())), &err);
  if (!doc.isObject())
    return makeError(storage::errc::kDecode, fmt::format("relay heartbeat: not a JSON object ({})",
                                                         err.errorString().toStdString()));
  const QJsonObject o = doc.object();
  storage::JsonReader r{o, {}};
  Heartbeat beat;
  beat.origin = r.text("origin");
  beat.ts = r.integer("ts", false);
  const std::string mode = r.text("trading_mode", false);
  beat.mode.broker = r.text("broker", false);
  if (Status s = r.status("relay heartbeat"); !s.ok()) return s.error();
  if (beat.origin.empty()) return makeError(storage::errc::kDecode, "relay heartbeat: empty origin");
  if (!mode.empty()) {
    if (mode != "live" && mode != "paper")
      return makeError(storage::errc::kDecode,
                       fmt::format("relay heartbeat: trading_mode must be paper or live, not '{}'", mode));
    beat.mode.known = true;
    beat.mode.live = mode == "live";
    beat.mode.origin = beat.origin;
  }
  return beat;
}

std::optional<Encoded> encode(const bus::Envelope& e) {
  using namespace kinds;
  Encoded out;
  QJsonObject& b = out.body;
  if (const auto* x = e.as<bus::OrderUpdated>()) {
    out.kind = kOrderUpdated;
    out.orderId = x->order.clientOrderId;
    out.orderTerminal = domain::isTerminal(x->order.status);
    b.insert("order", storage::orderToJson(x->order));
    b.insert("correlation_id", qs(x->correlationId));
  } else if (const auto* x = e.as<bus::OrderFilled>()) {
    out.kind = kOrderFilled;
    b.insert("fill", storage::fillToJson(x->fill));
  } else if (const auto* x = e.as<bus::PositionsSnapshot>()) {
    out.kind = kPositions;
    QJsonArray arr;
    for (const auto& p : x->positions) arr.append(storage::positionToJson(p));
    b.insert("positions", arr);
    b.insert("as_of", qint64(x->asOf));
  } else if (const auto* x = e.as<execution::AccountSnapshot>()) {
    out.kind = kAccount;
    b.insert("broker", qs(x->broker));
    b.insert("cash", x->cash);
    b.insert("equity", x->equity);
    b.insert("buying_power", x->buyingPower);
    b.insert("day_pnl", x->dayPnl);
    b.insert("realized_pnl", x->realizedPnl);
    b.insert("unrealized_pnl", x->unrealizedPnl);
    b.insert("gross_exposure", x->grossExposure);
    b.insert("peak_equity", x->peakEquity);
    b.insert("as_of", qint64(x->asOf));
  } else if (const auto* x = e.as<execution::RiskStateChanged>()) {
    out.kind = kRiskState;
    b.insert("kill_switch", x->killSwitch);
    b.insert("circuit_breaker", x->circuitBreaker);
    b.insert("kill_switch_reason", qs(x->killSwitchReason));
    b.insert("circuit_breaker_reason", qs(x->circuitBreakerReason));
    b.insert("ts", qint64(x->ts));
  } else if (const auto* x = e.as<execution::RiskRejected>()) {
    out.kind = kRiskRejected;
    b.insert("correlation_id", qs(x->correlationId));
    b.insert("client_order_id", qs(x->clientOrderId));
    b.insert("rule", qs(x->rule));
    b.insert("reason", qs(x->reason));
  } else if (const auto* x = e.as<bus::CommandRejected>()) {
    out.kind = kCommandRejected;
    b.insert("correlation_id", qs(x->correlationId));
    b.insert("reason", qs(x->reason));
  } else if (const auto* x = e.as<bus::QuoteUpdated>()) {
    out.kind = kQuote;
    b.insert("quote", storage::quoteToJson(x->quote));
  } else if (const auto* x = e.as<bus::BarClosed>()) {
    out.kind = kBar;
    b.insert("symbol", qs(x->symbol));
    b.insert("source", qs(x->source));
    b.insert("bar", storage::barToJson(x->bar));
  } else if (const auto* x = e.as<bus::SignalGenerated>()) {
    out.kind = kSignal;
    b.insert("strategy", qs(x->strategy));
    b.insert("symbol", qs(x->symbol));
    b.insert("ts", qint64(x->ts));
    b.insert("side", qs(domain::toString(x->side)));
    b.insert("price", x->price);
    b.insert("target_quantity", x->targetQuantity);
    b.insert("reason", qs(x->reason));
    b.insert("quantity", x->quantity);
    b.insert("instance", qs(x->instance));
    b.insert("correlation_id", qs(x->correlationId));
  } else if (const auto* x = e.as<jobs::JobsSnapshot>()) {
    out.kind = kJobs;
    QJsonArray jobsArr, runs;
    for (const auto& j : x->jobs) jobsArr.append(jobStateToJson(j));
    for (const auto& run : x->history) runs.append(jobRunToJson(run));
    b.insert("jobs", jobsArr);
    b.insert("history", runs);
    b.insert("as_of", qint64(x->asOf));
  } else if (const auto* x = e.as<jobs::RunJobNow>()) {
    out.kind = kRunJob;
    out.correlationId = x->correlationId;
    b.insert("job_name", qs(x->jobName));
  } else if (const auto* x = e.as<bus::SubmitOrder>()) {
    out.kind = kSubmitOrder;
    out.correlationId = x->correlationId;
    b.insert("order", storage::orderToJson(x->order));
  } else if (const auto* x = e.as<bus::CancelOrder>()) {
    out.kind = kCancelOrder;
    out.correlationId = x->correlationId;
    b.insert("client_order_id", qs(x->clientOrderId));
  } else if (const auto* x = e.as<execution::SubmitBracket>()) {
    out.kind = kSubmitBracket;
    out.correlationId = x->correlationId;
    b.insert("entry", storage::orderToJson(x->entry));
    b.insert("take_profit", storage::orderToJson(x->takeProfit));
    b.insert("stop_loss", storage::orderToJson(x->stopLoss));
  } else if (const auto* x = e.as<execution::SubmitOco>()) {
    out.kind = kSubmitOco;
    out.correlationId = x->correlationId;
    b.insert("first", storage::orderToJson(x->first));
    b.insert("second", storage::orderToJson(x->second));
  } else if (const auto* x = e.as<execution::ReplaceOrder>()) {
    out.kind = kReplaceOrder;
    out.correlationId = x->correlationId;
    b.insert("client_order_id", qs(x->clientOrderId));
    b.insert("quantity", x->quantity);
    b.insert("limit_price", x->limitPrice);
    b.insert("stop_price", x->stopPrice);
    b.insert("new_client_order_id", qs(x->newClientOrderId));
  } else if (const auto* x = e.as<execution::EngageKillSwitch>()) {
    out.kind = kKillSwitch;
    out.correlationId = x->correlationId;
    b.insert("reason", qs(x->reason));
  } else if (const auto* x = e.as<execution::ResetKillSwitch>()) {
    out.kind = kResetKillSwitch;
    out.correlationId = x->correlationId;
  } else if (const auto* x = e.as<execution::ResetCircuitBreaker>()) {
    out.kind = kResetCircuitBreaker;
    out.correlationId = x->correlationId;
  } else {
    return std::nullopt;
  }
  if (!out.correlationId.empty()) b.insert("correlation_id", qs(out.correlationId));
  return out;
}

Result<Decoded> decode(std::string_view kind, const QJsonObject& body) {
  using namespace kinds;
  storage::JsonReader r{body, {}};
  auto done = [&](Decoded d) -> Result<Decoded> {
    if (Status s = r.status(fmt::format("relay {}", kind)); !s.ok()) return s.error();
    return d;
  };
  if (kind == kOrderUpdated) {
    auto o = orderField(body, "order", kind);
    if (!o.ok()) return o.error();
    if (o->clientOrderId.empty()) return bad(kind, "empty client_order_id");
    bus::OrderUpdated x{std::move(o).value(), r.text("correlation_id", false)};
    const std::string id = x.order.clientOrderId;
    const auto ts = x.order.updatedTs;
    auto d = make(kind.data(), bus::topics::order(id), std::move(x));
    d.correlationId = static_cast<const bus::OrderUpdated*>(d.payload.get())->correlationId;
    d.orderId = id;
    d.orderUpdatedTs = ts;
    return done(std::move(d));
  }
  if (kind == kOrderFilled) {
    auto f = storage::fillFromJson(r.object("fill"));
    if (Status s = r.status("relay order_filled"); !s.ok()) return s.error();
    if (!f.ok()) return f.error();
    const std::string symbol = f->symbol;
    return done(make(kind.data(), bus::topics::fill(symbol), bus::OrderFilled{std::move(f).value()}));
  }
  if (kind == kPositions) {
    if (!body.value("positions").isArray()) return bad(kind, "'positions' missing or not an array");
    bus::PositionsSnapshot x;
    for (const auto& v : body.value("positions").toArray()) {
      if (!v.isObject()) return bad(kind, "a position is not an object");
      auto p = storage::positionFromJson(v.toObject());
      if (!p.ok()) return p.error();
      x.positions.push_back(std::move(p).value());
    }
    x.asOf = r.integer("as_of", false);
    return done(make(kind.data(), bus::topics::kPositions, std::move(x)));
  }
  if (kind == kAccount) {
    execution::AccountSnapshot x;
    x.broker = r.text("broker", false);
    x.cash = r.real("cash");
    x.equity = r.real("equity");
    x.buyingPower = r.real("buying_power");
    x.dayPnl = r.real("day_pnl", false);
    x.realizedPnl = r.real("realized_pnl", false);
    x.unrealizedPnl = r.real("unrealized_pnl", false);
    x.grossExposure = r.real("gross_exposure", false);
    x.peakEquity = r.real("peak_equity", false);
    x.asOf = r.integer("as_of", false);
    return done(make(kind.data(), execution::topics::kAccount, std::move(x)));
  }
  if (kind == kRiskState) {
    execution::RiskStateChanged x;
    x.killSwitch = r.boolean("kill_switch");
    x.circuitBreaker = r.boolean("circuit_breaker");
    x.killSwitchReason = r.text("kill_switch_reason", false);
    x.circuitBreakerReason = r.text("circuit_breaker_reason", false);
    x.ts = r.integer("ts", false);
    return done(make(kind.data(), execution::topics::kRiskState, std::move(x)));
  }
  if (kind == kRiskRejected) {
    execution::RiskRejected x{r.text("correlation_id", false), r.text("client_order_id", false), r.text("rule"),
                              r.text("reason")};
    auto d = make(kind.data(), execution::topics::kRiskRejected, x);
    d.correlationId = x.correlationId;
    return done(std::move(d));
  }
  if (kind == kCommandRejected) {
    bus::CommandRejected x{r.text("correlation_id", false), r.text("reason")};
    auto d = make(kind.data(), execution::topics::kCommandRejected, x);
    d.correlationId = x.correlationId;
    return done(std::move(d));
  }
  if (kind == kQuote) {
    auto q = storage::quoteFromJson(r.object("quote"));
    if (Status s = r.status("relay quote"); !s.ok()) return s.error();
    if (!q.ok()) return q.error();
    const std::string symbol = q->symbol;
    return done(make(kind.data(), bus::topics::quote(symbol), bus::QuoteUpdated{std::move(q).value()}));
  }
  if (kind == kBar) {
    bus::BarClosed x;
    x.symbol = r.text("symbol");
    x.source = r.text("source", false);
    auto bar = storage::barFromJson(r.object("bar"));
    if (Status s = r.status("relay bar"); !s.ok()) return s.error();
    if (!bar.ok()) return bar.error();
    if (x.symbol.empty()) return bad(kind, "empty symbol");
    x.bar = *bar;
    const std::string symbol = x.symbol;
    return done(make(kind.data(), bus::topics::bar(symbol), std::move(x)));
  }
  if (kind == kSignal) {
    bus::SignalGenerated x;
    x.strategy = r.text("strategy");
    x.symbol = r.text("symbol");
    x.ts = r.integer("ts");
    const auto side = domain::sideFromString(r.text("side"));
    x.price = r.real("price");
    x.targetQuantity = r.real("target_quantity");
    x.reason = r.text("reason", false);
    x.quantity = r.real("quantity", false);
    x.instance = r.text("instance", false);
    x.correlationId = r.text("correlation_id", false);
    if (!side && r.missing.empty()) return bad(kind, "unknown side");
    if (side) x.side = *side;
    const std::string symbol = x.symbol;
    return done(make(kind.data(), bus::topics::signal(symbol), std::move(x)));
  }
  if (kind == kJobs) {
    if (!body.value("jobs").isArray()) return bad(kind, "'jobs' missing or not an array");
    if (!body.value("history").isArray()) return bad(kind, "'history' missing or not an array");
    jobs::JobsSnapshot x;
    for (const auto& v : body.value("jobs").toArray()) {
      if (!v.isObject()) return bad(kind, "a job is not an object");
      auto j = jobStateFromJson(v.toObject());
      if (!j.ok()) return j.error();
      x.jobs.push_back(std::move(j).value());
    }
    for (const auto& v : body.value("history").toArray()) {
      if (!v.isObject()) return bad(kind, "a run is not an object");
      auto run = jobRunFromJson(v.toObject());
      if (!run.ok()) return run.error();
      x.history.push_back(std::move(run).value());
    }
    x.asOf = r.integer("as_of", false);
    return done(make(kind.data(), jobs::topics::kSnapshot, std::move(x)));
  }

  // Commands: every one needs a correlation id, so its result can find its way back.
  if (!isCommandKind(kind)) return bad(kind, "unknown kind");
  const std::string corr = r.text("correlation_id");
  if (corr.empty() && r.missing.empty()) return bad(kind, "empty correlation_id");
  Result<Decoded> d = bad(kind, "unhandled");
  if (kind == kSubmitOrder) {
    auto o = orderField(body, "order", kind);
    if (!o.ok()) return o.error();
    d = make(kind.data(), execution::topics::kSubmit, bus::SubmitOrder{corr, std::move(o).value()});
  } else if (kind == kCancelOrder) {
    const std::string id = r.text("client_order_id");
    if (id.empty() && r.missing.empty()) return bad(kind, "empty client_order_id");
    d = make(kind.data(), execution::topics::kCancel, bus::CancelOrder{corr, id});
  } else if (kind == kSubmitBracket) {
    auto entry = orderField(body, "entry", kind);
    auto tp = orderField(body, "take_profit", kind);
    auto sl = orderField(body, "stop_loss", kind);
    if (!entry.ok()) return entry.error();
    if (!tp.ok()) return tp.error();
    if (!sl.ok()) return sl.error();
    d = make(kind.data(), execution::topics::kSubmitBracket,
             execution::SubmitBracket{corr, std::move(entry).value(), std::move(tp).value(), std::move(sl).value()});
  } else if (kind == kSubmitOco) {
    auto first = orderField(body, "first", kind);
    auto second = orderField(body, "second", kind);
    if (!first.ok()) return first.error();
    if (!second.ok()) return second.error();
    d = make(kind.data(), execution::topics::kSubmitOco,
             execution::SubmitOco{corr, std::move(first).value(), std::move(second).value()});
  } else if (kind == kReplaceOrder) {
    execution::ReplaceOrder x;
    x.correlationId = corr;
    x.clientOrderId = r.text("client_order_id");
    x.quantity = r.real("quantity", false);
    x.limitPrice = r.real("limit_price", false);
    x.stopPrice = r.real("stop_price", false);
    x.newClientOrderId = r.text("new_client_order_id", false);
    d = make(kind.data(), execution::topics::kReplace, std::move(x));
  } else if (kind == kKillSwitch) {
    d = make(kind.data(), execution::topics::kKillSwitch, execution::EngageKillSwitch{corr, r.text("reason", false)});
  } else if (kind == kResetKillSwitch) {
    d = make(kind.data(), execution::topics::kResetKillSwitch, execution::ResetKillSwitch{corr});
  } else if (kind == kResetCircuitBreaker) {
    d = make(kind.data(), execution::topics::kResetCircuitBreaker, execution::ResetCircuitBreaker{corr});
  } else if (kind == kRunJob) {
    const std::string job = r.text("job_name");
    if (job.empty() && r.missing.empty()) return bad(kind, "empty job_name");
    d = make(kind.data(), jobs::topics::kRunNow, jobs::RunJobNow{corr, job});
  }
  if (!d.ok()) return d;
  Decoded out = *d;
  out.correlationId = corr;
  return done(std::move(out));
}

}  // namespace meridian::runtime::relay
