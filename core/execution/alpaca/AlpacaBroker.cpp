#include "core/execution/alpaca/AlpacaBroker.h"

#include "core/common/Clock.h"
#include "core/common/Config.h"
#include "core/common/Logging.h"

#include <QJsonDocument>
#include <QUrlQuery>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <future>
#include <limits>
#include <set>

namespace meridian::execution {
namespace {

using K = BrokerEvent::Kind;
using domain::OrderStatus;
constexpr double kEps = 1e-9;

QByteArray toJson(const QJsonObject& o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }

BrokerEvent event(K kind, const std::string& id, domain::Timestamp ts, std::string reason = {}) {
  BrokerEvent e;
  e.kind = kind;
  e.clientOrderId = id;
  e.ts = ts;
  e.reason = std::move(reason);
  return e;
}

QString enc(const std::string& s) { return QString::fromUtf8(QUrl::toPercentEncoding(QString::fromStdString(s))); }

}  // namespace

Result<AlpacaConfig> AlpacaConfig::fromConfig(const common::Config& c) {
  AlpacaConfig a;
  a.keyId = c.value("alpaca.key_id").trimmed().toUtf8();
  a.secretKey = c.value("alpaca.secret_key").trimmed().toUtf8();
  if (a.keyId.isEmpty() || a.secretKey.isEmpty())
    return makeError("config", "broker.kind=alpaca needs APCA_API_KEY_ID and APCA_API_SECRET_KEY in the environment");
  const bool live = c.boolValue("broker.alpaca_live", false);
  const bool confirmed = c.boolValue("broker.alpaca_live_confirmed", false) &&
                         c.sourceOf("broker.alpaca_live_confirmed") == common::Config::Source::Runtime;
  if (live && !confirmed)
    return makeError("config",
                     "broker.alpaca_live=true requires confirming live trading in the UI; the live endpoint was not "
                     "started (remove broker.alpaca_live to paper trade)");
  a.baseUrl = QUrl(QString::fromLatin1(live ? kLiveUrl : kPaperUrl));
  const QString url = c.value("broker.alpaca_url").trimmed();
  if (!url.isEmpty()) {
    const QUrl u(url);
    if (u.host() == QUrl(QString::fromLatin1(kLiveUrl)).host() && !live)
      return makeError("config", "broker.alpaca_url points at the live endpoint but broker.alpaca_live is not set");
    a.baseUrl = u;
  }
  a.pollInterval = domain::fromMillis(std::max(50, c.intValue("broker.poll_ms", 1000)));
  a.restartResubmitMaxAge =
      std::max(0, c.intValue("broker.restart_resubmit_max_age_s", 120)) * domain::kNanosPerSecond;
  a.http.timeoutMs = std::max(100, c.intValue("broker.http_timeout_ms", a.http.timeoutMs));
  return a;
}

AlpacaBroker::AlpacaBroker(AlpacaConfig config)
    : m_config(std::move(config)), m_http(m_config.baseUrl, m_config.keyId, m_config.secretKey, m_config.http) {
  common::logger("alpaca")->info("Alpaca broker at {}", m_config.baseUrl.toString().toStdString());
}

AlpacaBroker::~AlpacaBroker() { shutdown(); }

domain::Timestamp AlpacaBroker::nowTs() const { return m_config.http.clock->now(); }

// ---- The worker ------------------------------------------------------------------------------------------------

void AlpacaBroker::post(Task task) {
  {
    std::lock_guard lock(m_queueMutex);
    if (!m_stopping) {
      if (!m_worker.joinable()) {
        m_worker = std::thread(&AlpacaBroker::workerLoop, this);
        m_workerId = m_worker.get_id();
      }
      m_queue.push_back(std::move(task));
      m_queueCv.notify_one();
      return;
    }
  }
  // Only a call racing shutdown() from another thread gets here (the owner makes no call while it stops).
  if (task.drop) task.drop();
}

void AlpacaBroker::workerLoop() {
  auto log = common::logger("alpaca");
  for (;;) {
    Task task;
    bool stopping = false;
    {
      std::unique_lock lock(m_queueMutex);
      m_queueCv.wait(lock, [this] { return !m_queue.empty() || m_stopping; });
      if (m_queue.empty()) break;  // stopping, and everything handed over is done
      task = std::move(m_queue.front());
      m_queue.pop_front();
      stopping = m_stopping;
    }
    try {
      if (stopping && !task.command) {
        if (task.drop) task.drop();
      } else {
        task.run();
      }
    } catch (const std::exception& e) {
      log->error("alpaca worker: {}", e.what());
    }
  }
  // The network manager belongs to this thread: it goes with it.
  m_http.reset();
}

void AlpacaBroker::shutdown() {
  std::thread worker;
  {
    std::lock_guard lock(m_queueMutex);
    if (!m_worker.joinable()) return;
    m_stopping = true;
    worker = std::move(m_worker);
  }
  m_queueCv.notify_all();
  worker.join();
  std::lock_guard lock(m_queueMutex);
  m_stopping = false;
  m_workerId = {};
}

bool AlpacaBroker::onWorkerThread() {
  std::lock_guard lock(m_queueMutex);
  return m_workerId == std::this_thread::get_id();
}

template <class T>
T AlpacaBroker::onWorker(std::function<T()> fn, T ifStopped) {
  if (onWorkerThread()) return fn();  // queued, it would wait for itself
  auto promise = std::make_shared<std::promise<T>>();
  auto result = promise->get_future();
  post(Task{[promise, fn = std::move(fn)] { promise->set_value(fn()); },
            [promise, ifStopped] { promise->set_value(ifStopped); }, false});
  return result.get();
}

template <class T>
void AlpacaBroker::query(std::function<Result<T>()> fn, BrokerAnswer<T> done) {
  if (onWorkerThread()) {  // asked from the sink or an answer: queued, it would wait for itself
    done(fn());
    return;
  }
  auto answer = std::make_shared<BrokerAnswer<T>>(std::move(done));
  post(Task{[fn = std::move(fn), answer] { (*answer)(fn()); },
            [answer] { (*answer)(makeError("broker.stopped", "alpaca: the broker is stopping; query not sent")); },
            false});
}

void AlpacaBroker::waitIdle() {
  (void)onWorker<bool>([] { return true; }, false);
}

std::size_t AlpacaBroker::unconfirmedCount() {
  return onWorker<std::size_t>([this] { return m_unconfirmed.size(); }, std::size_t(0));
}

void AlpacaBroker::setBaseUrl(const QUrl& url) {
  post(Task{[this, url] { m_http.setBaseUrl(url); }, {}, true});
}

// ---- IBroker (owner thread): queue the venue work --------------------------------------------------------------

namespace {
// A command that could not be queued (the adapter is stopping): its order stays as the journal has it and the next
// start reconciles it by client order id.
std::function<void()> notSent(const char* what, std::string id) {
  return [what, id = std::move(id)] {
    common::logger("alpaca")->warn("{} {} not sent: the broker is stopping (reconciled at the next start)", what, id);
  };
}
}  // namespace

void AlpacaBroker::submit(const domain::Order& order) {
  post(Task{[this, order] {
              Tracked& t = track(order);
              t.legIds.clear();
              send(Pending{order, {}, "simple", true, {}});
            },
            notSent("order", order.clientOrderId), true});
}

void AlpacaBroker::submitBracket(const domain::Order& entry, const domain::Order& tp, const domain::Order& sl) {
  post(Task{[this, entry, tp, sl] {
              Tracked& t = track(entry);
              t.legIds = {tp.clientOrderId, sl.clientOrderId};
              track(tp);
              track(sl);
              send(Pending{entry, {tp, sl}, "bracket", true, {}});
            },
            notSent("bracket", entry.clientOrderId), true});
}

void AlpacaBroker::submitOco(const domain::Order& first, const domain::Order& second) {
  post(Task{[this, first, second] { doSubmitOco(first, second); }, notSent("OCO", first.clientOrderId), true});
}

void AlpacaBroker::cancel(const domain::Order& order) {
  post(Task{[this, order] { doCancel(order); }, notSent("cancel of", order.clientOrderId), true});
}

void AlpacaBroker::replace(const domain::Order& existing, const domain::Order& replacement) {
  post(Task{[this, existing, replacement] { doReplace(existing, replacement); },
            notSent("replacement", replacement.clientOrderId), true});
}

void AlpacaBroker::reconcile(const std::vector<domain::Order>& journalOpen) {
  post(Task{[this, journalOpen] { doReconcile(journalOpen); }, notSent("reconciliation of", "the journal"), true});
}

void AlpacaBroker::requestOpenOrders(BrokerAnswer<std::vector<domain::Order>> done) {
  query<std::vector<domain::Order>>([this] { return fetchOpenOrders(); }, std::move(done));
}

void AlpacaBroker::requestOrder(const std::string& id, BrokerAnswer<std::optional<domain::Order>> done) {
  query<std::optional<domain::Order>>([this, id] { return fetchOrder(id); }, std::move(done));
}

void AlpacaBroker::requestAccount(BrokerAnswer<AccountInfo> done) {
  query<AccountInfo>([this] { return fetchAccount(); }, std::move(done));
}

void AlpacaBroker::requestPositions(BrokerAnswer<std::vector<domain::Position>> done) {
  query<std::vector<domain::Position>>([this] { return fetchPositions(); }, std::move(done));
}

void AlpacaBroker::poll(domain::Timestamp now) {
  if (now - m_lastPoll < m_config.pollInterval) return;
  if (m_pollQueued.exchange(true)) return;  // the previous pass has not run yet (the venue is slow)
  m_lastPoll = now;
  post(Task{[this, now] {
              m_pollQueued = false;  // running: the owner may queue the next one
              pollPass(now);
            },
            [this] { m_pollQueued = false; }, false});
}

void AlpacaBroker::pollNow(domain::Timestamp now) {
  post(Task{[this, now] { pollPass(now); }, {}, false});
}

Result<MarketClock> AlpacaBroker::clock() {
  return await<MarketClock>([this](BrokerAnswer<MarketClock> done) {
    query<MarketClock>(
        [this]() -> Result<MarketClock> {
          auto r = call("GET", QStringLiteral("/v2/clock"));
          if (!r.ok()) return r.error();
          if (!r->ok()) return makeError(fmt::format("http.{}", r->status), "alpaca: " + alpaca::errorMessage(r->body));
          return alpaca::parseClock(r->body);
        },
        std::move(done));
  });
}

Result<AssetInfo> AlpacaBroker::asset(const std::string& symbol) {
  return await<AssetInfo>([this, symbol](BrokerAnswer<AssetInfo> done) {
    query<AssetInfo>(
        [this, symbol]() -> Result<AssetInfo> {
          auto r = call("GET", QStringLiteral("/v2/assets/%1").arg(enc(symbol)));
          if (!r.ok()) return r.error();
          if (!r->ok()) return makeError(fmt::format("http.{}", r->status), "alpaca: " + alpaca::errorMessage(r->body));
          return alpaca::parseAsset(r->body);
        },
        std::move(done));
  });
}

// ---- Worker thread: the venue --------------------------------------------------------------------------------

Result<HttpReply> AlpacaBroker::call(const QByteArray& method, const QString& pathAndQuery, const QByteArray& body) {
  auto r = m_http.request(method, pathAndQuery, body);
  auto log = common::logger("alpaca");
  const domain::Timestamp t = nowTs();
  if (!r.ok()) {
    if (setConnectivity(BrokerConnectivity::Disconnected, r.error().message, t))
      log->warn("broker connectivity: disconnected ({})", r.error().message);
  } else if (r->status == 429 || r->status >= 500) {
    const std::string why = fmt::format("{} {}: HTTP {} {}", method.toStdString(), pathAndQuery.section('?', 0, 0).toStdString(),
                                        r->status, alpaca::errorMessage(r->body));
    if (setConnectivity(BrokerConnectivity::Degraded, why, t)) log->warn("broker connectivity: degraded ({})", why);
  } else if (setConnectivity(BrokerConnectivity::Connected, {}, t)) {
    log->info("broker connectivity: connected again");
  }
  return r;
}

AlpacaBroker::Tracked& AlpacaBroker::track(const domain::Order& o) {
  auto [it, inserted] = m_tracked.try_emplace(o.clientOrderId);
  Tracked& t = it->second;
  if (inserted) {
    t.clientOrderId = o.clientOrderId;
    t.brokerOrderId = o.brokerOrderId;
    t.type = o.type;
    t.status = o.status == OrderStatus::New ? OrderStatus::PendingSubmit : o.status;
    t.filledQty = o.filledQuantity;
    t.avgPrice = o.avgFillPrice;
    t.accepted = !o.brokerOrderId.empty() && o.status != OrderStatus::PendingSubmit && o.status != OrderStatus::New;
    if (!t.brokerOrderId.empty()) m_byBrokerId[t.brokerOrderId] = t.clientOrderId;
  }
  return t;
}

void AlpacaBroker::doSubmitOco(const domain::Order& first, const domain::Order& second) {
  // Alpaca's OCO parent is the limit (take-profit) leg; the stop leg rides in "legs".
  const bool firstIsLimit = first.type == domain::OrderType::Limit;
  const domain::Order& limitLeg = firstIsLimit ? first : second;
  const domain::Order& stopLeg = firstIsLimit ? second : first;
  if (limitLeg.type != domain::OrderType::Limit || stopLeg.type == domain::OrderType::Limit) {
    for (const auto* o : {&first, &second})
      report(event(K::Rejected, o->clientOrderId, nowTs(), "Alpaca OCO needs one limit leg and one stop / stop-limit leg"));
    return;
  }
  Tracked& t = track(limitLeg);
  t.legIds = {stopLeg.clientOrderId};
  track(stopLeg);
  send(Pending{limitLeg, {stopLeg}, "oco", true, {}});
}

void AlpacaBroker::send(const Pending& p) {
  QJsonObject body;
  if (p.orderClass == "bracket") {
    body = alpaca::bracketRequest(p.order, p.legs.at(0), p.legs.at(1));
  } else if (p.orderClass == "oco") {
    body = alpaca::ocoRequest(p.order, p.legs.at(0));
  } else {
    body = alpaca::orderRequest(p.order);
  }
  handleSubmitReply(p, call("POST", "/v2/orders", toJson(body)));
}

void AlpacaBroker::rejectAll(const Pending& p, const std::string& reason) {
  auto reject = [&](const domain::Order& o) {
    m_tracked[o.clientOrderId].status = OrderStatus::Rejected;
    report(event(K::Rejected, o.clientOrderId, nowTs(), reason));
  };
  reject(p.order);
  for (const auto& l : p.legs) reject(l);
}

void AlpacaBroker::handleSubmitReply(const Pending& p, const Result<HttpReply>& reply) {
  auto log = common::logger("alpaca");
  auto keepPending = [&](const std::string& why) {
    log->warn("order {}: submission outcome unknown ({}); it stays pending and is reconciled by client order id",
              p.order.clientOrderId, why);
    const bool known = std::any_of(m_unconfirmed.begin(), m_unconfirmed.end(), [&](const Pending& u) {
      return u.order.clientOrderId == p.order.clientOrderId;
    });
    if (!known) m_unconfirmed.push_back(p);
  };
  if (!reply.ok()) {
    keepPending(reply.error().message);
    return;
  }
  const HttpReply& r = reply.value();
  if (r.ok()) {
    auto parsed = alpaca::parseOrder(r.body);
    if (!parsed.ok()) {
      keepPending(parsed.error().message);
      return;
    }
    adopt(m_tracked[p.order.clientOrderId], parsed.value(), nowTs());
    return;
  }
  const std::string msg = alpaca::errorMessage(r.body);
  if (r.status == 422 && msg.find("client_order_id") != std::string::npos) {
    // Already known to Alpaca (a retry after a lost reply): adopt it instead of submitting again.
    if (!sync(p)) keepPending("lookup after duplicate client_order_id failed");
    return;
  }
  if (r.status == 429 || r.status >= 500) {
    keepPending(fmt::format("HTTP {}", r.status));
    return;
  }
  const std::string reason = fmt::format("Alpaca rejected the order (HTTP {}): {}", r.status, msg);
  log->warn("order {}: {}", p.order.clientOrderId, reason);
  rejectAll(p, reason);
}

void AlpacaBroker::adopt(Tracked& t, const alpaca::AlpacaOrder& a, domain::Timestamp ts) {
  const domain::Order& o = a.order;
  if (t.brokerOrderId.empty() || t.brokerOrderId != o.brokerOrderId) {
    t.brokerOrderId = o.brokerOrderId;
    m_byBrokerId[t.brokerOrderId] = t.clientOrderId;
  }
  const domain::Timestamp evTs = o.updatedTs > 0 ? o.updatedTs : ts;
  if (!t.accepted && o.status != OrderStatus::Rejected) {
    t.accepted = true;
    BrokerEvent e = event(K::Accepted, t.clientOrderId, evTs);
    e.brokerOrderId = o.brokerOrderId;
    report(std::move(e));
  }
  if (o.filledQuantity > t.filledQty + kEps) {
    const double delta = o.filledQuantity - t.filledQty;
    double px = o.avgFillPrice > 0.0 ? (o.avgFillPrice * o.filledQuantity - t.avgPrice * t.filledQty) / delta : 0.0;
    if (!(px > 0.0) || !std::isfinite(px)) px = o.avgFillPrice;
    BrokerEvent e = event(K::Fill, t.clientOrderId, evTs);
    e.brokerOrderId = o.brokerOrderId;
    e.fill.fillId = o.brokerOrderId + "@" + alpaca::formatNumber(o.filledQuantity).toStdString();
    e.fill.clientOrderId = t.clientOrderId;
    e.fill.symbol = o.symbol;
    e.fill.side = o.side;
    e.fill.quantity = delta;
    e.fill.price = px;
    e.fill.ts = evTs;
    t.filledQty = o.filledQuantity;
    t.avgPrice = o.avgFillPrice;
    if (px > 0.0) report(std::move(e));
  }
  if (o.status != t.status) {
    switch (o.status) {
      case OrderStatus::Cancelled:
        report(event(K::Cancelled, t.clientOrderId, evTs, "canceled at Alpaca"));
        break;
      case OrderStatus::Expired:
        report(event(K::Expired, t.clientOrderId, evTs, a.alpacaStatus == "done_for_day" ? "done for day" : "expired"));
        break;
      case OrderStatus::Rejected:
        report(event(K::Rejected, t.clientOrderId, evTs, "rejected by Alpaca (status rejected)"));
        break;
      case OrderStatus::PendingCancel: {
        BrokerEvent e = event(K::PendingCancel, t.clientOrderId, evTs);
        report(std::move(e));
        break;
      }
      case OrderStatus::Replaced: {
        auto it = m_byBrokerId.find(a.replacedBy);
        if (it == m_byBrokerId.end())
          report(event(K::Cancelled, t.clientOrderId, evTs, "replaced outside Meridian by Alpaca order " + a.replacedBy));
        break;  // replaced through Meridian: reported when the PATCH answered
      }
      default:
        break;  // accepted / partially filled / filled: covered by Accepted + fills
    }
    t.status = o.status;
  }
  if (!a.legs.empty()) mapLegs(t, a, ts);
}

void AlpacaBroker::mapLegs(Tracked& parent, const alpaca::AlpacaOrder& a, domain::Timestamp ts) {
  for (const auto& leg : a.legs) {
    std::string ours;
    if (auto it = m_byBrokerId.find(leg.order.brokerOrderId); it != m_byBrokerId.end()) ours = it->second;
    if (ours.empty()) {
      const bool limitLeg = leg.order.type == domain::OrderType::Limit;
      for (const auto& id : parent.legIds) {
        auto t = m_tracked.find(id);
        if (t == m_tracked.end() || !t->second.brokerOrderId.empty()) continue;
        if ((t->second.type == domain::OrderType::Limit) == limitLeg) {
          ours = id;
          break;
        }
      }
    }
    if (ours.empty()) continue;
    adopt(m_tracked[ours], leg, ts);
  }
}

bool AlpacaBroker::sync(const Pending& p) {
  Tracked& t = track(p.order);
  if (!p.legs.empty()) {
    t.legIds.clear();
    for (const auto& l : p.legs) {
      track(l);
      t.legIds.push_back(l.clientOrderId);
    }
  }
  const QString path = !t.brokerOrderId.empty()
                           ? QStringLiteral("/v2/orders/%1?nested=true").arg(enc(t.brokerOrderId))
                           : QStringLiteral("/v2/orders:by_client_order_id?client_order_id=%1").arg(enc(p.order.clientOrderId));
  auto r = call("GET", path);
  if (!r.ok()) return false;
  if (r->status == 200) {
    auto parsed = alpaca::parseOrder(r->body);
    if (!parsed.ok()) return false;
    adopt(t, parsed.value(), nowTs());
    return true;
  }
  if (r->status == 404) {
    if (p.resubmitIfMissing) {
      common::logger("alpaca")->info("order {} never reached Alpaca: submitting it now", p.order.clientOrderId);
      send(p);
    } else if (!p.expireIfMissing.empty()) {
      common::logger("alpaca")->warn("order {}: {}", p.order.clientOrderId, p.expireIfMissing);
      report(event(K::Expired, p.order.clientOrderId, nowTs(), p.expireIfMissing));
      t.status = OrderStatus::Expired;
      for (const auto& l : p.legs) {
        report(event(K::Expired, l.clientOrderId, nowTs(), "its group parent " + p.order.clientOrderId + " expired"));
        m_tracked[l.clientOrderId].status = OrderStatus::Expired;
      }
    } else {
      report(event(K::Cancelled, p.order.clientOrderId, nowTs(), "not found at Alpaca during reconciliation"));
      t.status = OrderStatus::Cancelled;
    }
    return true;
  }
  common::logger("alpaca")->warn("order {}: lookup answered HTTP {}", p.order.clientOrderId, r->status);
  return false;
}

void AlpacaBroker::doCancel(const domain::Order& order) {
  Tracked& t = track(order);
  if (t.brokerOrderId.empty()) {
    auto r = call("GET", QStringLiteral("/v2/orders:by_client_order_id?client_order_id=%1").arg(enc(order.clientOrderId)));
    if (r.ok() && r->status == 200)
      if (auto parsed = alpaca::parseOrder(r->body); parsed.ok()) adopt(t, parsed.value(), nowTs());
  }
  if (t.brokerOrderId.empty()) {
    report(event(K::CancelRejected, order.clientOrderId, nowTs(), "order is not known at Alpaca yet"));
    return;
  }
  auto r = call("DELETE", QStringLiteral("/v2/orders/%1").arg(enc(t.brokerOrderId)));
  if (!r.ok()) {
    report(event(K::CancelRejected, order.clientOrderId, nowTs(), r.error().message));
    return;
  }
  if (r->ok()) {
    // Accepted for cancellation; the final "canceled" status arrives by polling.
    report(event(K::PendingCancel, order.clientOrderId, nowTs()));
    return;
  }
  report(event(K::CancelRejected, order.clientOrderId, nowTs(),
             fmt::format("Alpaca refused the cancel (HTTP {}): {}", r->status, alpaca::errorMessage(r->body))));
}

void AlpacaBroker::doReplace(const domain::Order& existing, const domain::Order& replacement) {
  Tracked& t = track(existing);
  if (t.brokerOrderId.empty()) {
    report(event(K::Rejected, replacement.clientOrderId, nowTs(), "the order to replace is not known at Alpaca yet"));
    return;
  }
  auto r = call("PATCH", QStringLiteral("/v2/orders/%1").arg(enc(t.brokerOrderId)),
                          toJson(alpaca::replaceRequest(replacement)));
  if (!r.ok() || !r->ok()) {
    const std::string why = !r.ok() ? r.error().message
                                    : fmt::format("Alpaca refused the replace (HTTP {}): {}", r->status,
                                                  alpaca::errorMessage(r->body));
    report(event(K::Rejected, replacement.clientOrderId, nowTs(), why));
    return;
  }
  auto parsed = alpaca::parseOrder(r->body);
  if (!parsed.ok()) {
    report(event(K::Rejected, replacement.clientOrderId, nowTs(), parsed.error().message));
    return;
  }
  Tracked& nt = track(replacement);
  nt.brokerOrderId = parsed->order.brokerOrderId;
  nt.accepted = true;
  nt.status = OrderStatus::Accepted;
  m_byBrokerId[nt.brokerOrderId] = nt.clientOrderId;
  t.status = OrderStatus::Replaced;
  BrokerEvent e = event(K::Replaced, existing.clientOrderId, nowTs());
  e.replacementClientOrderId = replacement.clientOrderId;
  e.brokerOrderId = nt.brokerOrderId;
  report(std::move(e));
  adopt(nt, parsed.value(), nowTs());
}

void AlpacaBroker::doReconcile(const std::vector<domain::Order>& journalOpen) {
  auto byId = [&](const std::string& id) -> const domain::Order* {
    for (const auto& o : journalOpen)
      if (o.clientOrderId == id) return &o;
    return nullptr;
  };
  bool unreachable = false;
  for (const auto& o : journalOpen) {
    if (o.status == OrderStatus::New) continue;  // held legs travel with their parent
    const bool ocoGroup = o.parentId.rfind("OCO-", 0) == 0;
    if (!o.parentId.empty()) {
      // A leg: its group parent (bracket entry / OCO limit leg) reconciles it when that is still open.
      const std::string parent = ocoGroup ? o.parentId.substr(4) : o.parentId;
      if (parent != o.clientOrderId && byId(parent) && byId(parent)->status != OrderStatus::New) continue;
    }
    Pending p{o, {}, "simple", o.status == OrderStatus::PendingSubmit, {}};
    if (p.resubmitIfMissing) {
      // Journaled but maybe never sent (the process died first): resubmit only what is still fresh.
      const domain::Timestamp created = o.createdTs > 0 ? o.createdTs : o.updatedTs;
      const domain::Timestamp age = created > 0 ? nowTs() - created : std::numeric_limits<domain::Timestamp>::max();
      if (m_config.restartResubmitMaxAge <= 0 || age > m_config.restartResubmitMaxAge) {
        p.resubmitIfMissing = false;
        p.expireIfMissing = fmt::format(
            "not found at Alpaca after a restart; journaled {} ago, older than the {} s resubmit limit "
            "(broker.restart_resubmit_max_age_s): not sent",
            created > 0 ? fmt::format("{} s", age / domain::kNanosPerSecond) : std::string("an unknown time"),
            m_config.restartResubmitMaxAge / domain::kNanosPerSecond);
      }
    }
    for (const auto& c : journalOpen) {
      if (c.clientOrderId == o.clientOrderId) continue;
      if (c.parentId == o.clientOrderId || (ocoGroup && c.parentId == o.parentId && o.parentId == "OCO-" + o.clientOrderId))
        p.legs.push_back(c);
    }
    if (!p.legs.empty()) {
      p.orderClass = ocoGroup ? "oco" : "bracket";
      std::sort(p.legs.begin(), p.legs.end(), [](const domain::Order& a, const domain::Order& b) {
        return (a.type == domain::OrderType::Limit) > (b.type == domain::OrderType::Limit);
      });
      if (p.orderClass == "bracket" && p.legs.size() != 2) p.orderClass = "simple";
    }
    // Once Alpaca could not be asked, the rest wait for the polling passes too (in order) instead of each waiting
    // for its own timeout: the owner holds its commands until Reconciled.
    if (unreachable || !sync(p)) {
      common::logger("alpaca")->warn("order {}: Alpaca unreachable during reconciliation; retrying while polling",
                                     o.clientOrderId);
      m_unconfirmed.push_back(p);
      unreachable = true;
    }
  }
  report(event(K::Reconciled, {}, nowTs()));
}

void AlpacaBroker::pollPass(domain::Timestamp now) {
  if (!m_unconfirmed.empty()) {
    std::vector<Pending> pending;
    pending.swap(m_unconfirmed);
    for (std::size_t i = 0; i < pending.size(); ++i) {
      if (!sync(pending[i])) {
        // Still unreachable: keep this and every later one for the next pass (order preserved).
        for (std::size_t j = i; j < pending.size(); ++j) {
          const bool known = std::any_of(m_unconfirmed.begin(), m_unconfirmed.end(), [&](const Pending& u) {
            return u.order.clientOrderId == pending[j].order.clientOrderId;
          });
          if (!known) m_unconfirmed.push_back(pending[j]);
        }
        return;
      }
    }
  }
  const bool anyOpen = std::any_of(m_tracked.begin(), m_tracked.end(), [](const auto& kv) {
    return kv.second.accepted && !domain::isTerminal(kv.second.status);
  });
  if (!anyOpen) return;
  auto r = call("GET", QStringLiteral("/v2/orders?status=open&nested=true&limit=500"));
  if (!r.ok() || !r->ok()) return;
  auto orders = alpaca::parseOrders(r->body);
  if (!orders.ok()) {
    common::logger("alpaca")->warn("open orders: {}", orders.error().message);
    return;
  }
  std::set<std::string> seen;
  auto ours = [&](const alpaca::AlpacaOrder& a) -> Tracked* {
    if (auto it = m_byBrokerId.find(a.order.brokerOrderId); it != m_byBrokerId.end()) return &m_tracked[it->second];
    if (auto it = m_tracked.find(a.order.clientOrderId); it != m_tracked.end()) return &it->second;
    return nullptr;
  };
  for (const auto& a : orders.value()) {
    Tracked* t = ours(a);
    if (!t) continue;
    adopt(*t, a, now);
    seen.insert(t->clientOrderId);
    for (const auto& leg : a.legs)
      if (auto it = m_byBrokerId.find(leg.order.brokerOrderId); it != m_byBrokerId.end()) seen.insert(it->second);
  }
  // Tracked orders that left the open list: fetch their final state.
  std::vector<std::string> gone;
  for (const auto& [id, t] : m_tracked)
    if (t.accepted && !domain::isTerminal(t.status) && !t.brokerOrderId.empty() && !seen.count(id)) gone.push_back(id);
  for (const auto& id : gone) {
    Tracked& t = m_tracked[id];
    auto one = call("GET", QStringLiteral("/v2/orders/%1?nested=true").arg(enc(t.brokerOrderId)));
    if (!one.ok()) return;
    if (one->status == 200) {
      if (auto parsed = alpaca::parseOrder(one->body); parsed.ok()) adopt(t, parsed.value(), now);
    }
  }
}

Result<std::vector<domain::Order>> AlpacaBroker::fetchOpenOrders() {
  auto r = call("GET", QStringLiteral("/v2/orders?status=open&nested=true&limit=500"));
  if (!r.ok()) return r.error();
  if (!r->ok()) return makeError(fmt::format("http.{}", r->status), "alpaca: " + alpaca::errorMessage(r->body));
  auto orders = alpaca::parseOrders(r->body);
  if (!orders.ok()) return orders.error();
  std::vector<domain::Order> out;
  for (auto& a : orders.value()) {
    if (auto it = m_byBrokerId.find(a.order.brokerOrderId); it != m_byBrokerId.end()) a.order.clientOrderId = it->second;
    out.push_back(a.order);
  }
  return out;
}

Result<std::optional<domain::Order>> AlpacaBroker::fetchOrder(const std::string& id) {
  auto r = call("GET", QStringLiteral("/v2/orders:by_client_order_id?client_order_id=%1").arg(enc(id)));
  if (!r.ok()) return r.error();
  if (r->status == 404) return std::optional<domain::Order>{};
  if (!r->ok()) return makeError(fmt::format("http.{}", r->status), "alpaca: " + alpaca::errorMessage(r->body));
  auto a = alpaca::parseOrder(r->body);
  if (!a.ok()) return a.error();
  return std::optional<domain::Order>(a->order);
}

Result<AccountInfo> AlpacaBroker::fetchAccount() {
  auto r = call("GET", QStringLiteral("/v2/account"));
  if (!r.ok()) return r.error();
  if (!r->ok()) return makeError(fmt::format("http.{}", r->status), "alpaca: " + alpaca::errorMessage(r->body));
  return alpaca::parseAccount(r->body);
}

Result<std::vector<domain::Position>> AlpacaBroker::fetchPositions() {
  auto r = call("GET", QStringLiteral("/v2/positions"));
  if (!r.ok()) return r.error();
  if (!r->ok()) return makeError(fmt::format("http.{}", r->status), "alpaca: " + alpaca::errorMessage(r->body));
  return alpaca::parsePositions(r->body);
}

}  // namespace meridian::execution
