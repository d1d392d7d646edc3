#include "FakeAlpacaVenue.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>
#include <cstring>

namespace meridian::testsupport {
namespace {

QString num(double v) {
  QString s = QString::number(v, 'f', 6);
  while (s.contains('.') && (s.endsWith('0') || s.endsWith('.'))) s.chop(1);
  return s;
}
QString nowIso() { return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs); }
QByteArray bytes(const QJsonObject& o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }
QByteArray bytes(const QJsonArray& a) { return QJsonDocument(a).toJson(QJsonDocument::Compact); }
testing::CannedResponse error(int status, int code, const QString& message) {
  return testing::json(status, bytes(QJsonObject{{"code", code}, {"message", message}}));
}
bool isOpen(const QString& status) {
  return status == "new" || status == "accepted" || status == "pending_new" || status == "partially_filled" ||
         status == "pending_cancel";
}

}  // namespace

FakeAlpacaVenue::FakeAlpacaVenue() {
  m_server.setHandler([this](const testing::RecordedRequest& r) { return handle(r); });
}

FakeAlpacaVenue::~FakeAlpacaVenue() { m_server.setHandler({}); }

void FakeAlpacaVenue::setUnavailable(bool on) {
  std::lock_guard lock(m_mutex);
  m_unavailable = on;
}

void FakeAlpacaVenue::dropNextPostReply() {
  std::lock_guard lock(m_mutex);
  m_dropNextReply = true;
}

void FakeAlpacaVenue::setPostReplyDelay(int ms) {
  std::lock_guard lock(m_mutex);
  m_replyDelayMs = ms;
}

FakeAlpacaVenue::Order* FakeAlpacaVenue::byClientId(const std::string& id) {
  for (auto& [k, o] : m_orders)
    if (o.json.value("client_order_id").toString().toStdString() == id) return &o;
  return nullptr;
}

bool FakeAlpacaVenue::fill(const std::string& clientOrderId, double qty, double price) {
  std::lock_guard lock(m_mutex);
  Order* o = byClientId(clientOrderId);
  if (!o || !isOpen(o->json.value("status").toString()) || o->filled + qty > o->qty + 1e-9) return false;
  o->avg = (o->avg * o->filled + price * qty) / (o->filled + qty);
  o->filled += qty;
  o->json["filled_qty"] = num(o->filled);
  o->json["filled_avg_price"] = num(o->avg);
  o->json["status"] = o->filled + 1e-9 >= o->qty ? "filled" : "partially_filled";
  o->json["updated_at"] = nowIso();
  if (o->filled + 1e-9 >= o->qty) o->json["filled_at"] = nowIso();
  const std::string sym = o->json.value("symbol").toString().toStdString();
  const double signedQty = o->json.value("side").toString() == "buy" ? qty : -qty;
  const double before = m_positions[sym];
  if (before + signedQty != 0.0 && std::signbit(before) == std::signbit(signedQty))
    m_avgCost[sym] = (m_avgCost[sym] * std::abs(before) + price * qty) / std::abs(before + signedQty);
  m_positions[sym] = before + signedQty;
  m_cash -= signedQty * price;
  return true;
}

int FakeAlpacaVenue::postsFor(const std::string& id) const {
  std::lock_guard lock(m_mutex);
  auto it = m_posts.find(id);
  return it == m_posts.end() ? 0 : it->second;
}

int FakeAlpacaVenue::orderCount() const {
  std::lock_guard lock(m_mutex);
  return int(m_orders.size());
}

std::string FakeAlpacaVenue::status(const std::string& id) const {
  std::lock_guard lock(m_mutex);
  for (const auto& [k, o] : m_orders)
    if (o.json.value("client_order_id").toString().toStdString() == id) return o.json.value("status").toString().toStdString();
  return {};
}

double FakeAlpacaVenue::positionQty(const std::string& symbol) const {
  std::lock_guard lock(m_mutex);
  auto it = m_positions.find(symbol);
  return it == m_positions.end() ? 0.0 : it->second;
}

double FakeAlpacaVenue::cash() const {
  std::lock_guard lock(m_mutex);
  return m_cash;
}

std::optional<testing::CannedResponse> FakeAlpacaVenue::handle(const testing::RecordedRequest& r) {
  std::lock_guard lock(m_mutex);
  if (m_unavailable) return error(503, 50300000, "service unavailable");
  const QString path = r.path;
  if (path == "/v2/orders" && r.method == "POST") {
    const QJsonObject req = QJsonDocument::fromJson(r.body).object();
    const std::string cid = req.value("client_order_id").toString().toStdString();
    ++m_posts[cid];
    if (cid.empty()) return error(422, 40010000, "client_order_id is required by this venue");
    if (byClientId(cid)) return error(422, 40010001, "client_order_id must be unique");
    const QString id = QStringLiteral("alp-%1").arg(m_nextId++);
    const QString ts = nowIso();
    Order o;
    o.qty = req.value("qty").toString().toDouble();
    o.json = QJsonObject{{"id", id},
                         {"client_order_id", QString::fromStdString(cid)},
                         {"created_at", ts},
                         {"updated_at", ts},
                         {"submitted_at", ts},
                         {"filled_at", QJsonValue::Null},
                         {"asset_id", "b0b6dd9d-8b9b-48a9-ba46-b9d54906e415"},
                         {"symbol", req.value("symbol")},
                         {"asset_class", "us_equity"},
                         {"notional", QJsonValue::Null},
                         {"qty", req.value("qty")},
                         {"filled_qty", "0"},
                         {"filled_avg_price", QJsonValue::Null},
                         {"order_class", ""},
                         {"order_type", req.value("type")},
                         {"type", req.value("type")},
                         {"side", req.value("side")},
                         {"time_in_force", req.value("time_in_force")},
                         {"limit_price", req.contains("limit_price") ? req.value("limit_price") : QJsonValue()},
                         {"stop_price", req.contains("stop_price") ? req.value("stop_price") : QJsonValue()},
                         {"status", "accepted"},
                         {"extended_hours", false},
                         {"legs", QJsonValue::Null},
                         {"trail_percent", QJsonValue::Null},
                         {"trail_price", QJsonValue::Null},
                         {"hwm", QJsonValue::Null}};
    m_orders[id.toStdString()] = o;
    testing::CannedResponse reply = testing::json(200, bytes(o.json));
    reply.delayMs = m_replyDelayMs;
    if (m_dropNextReply) {
      reply.truncateAfter = 10;
      m_dropNextReply = false;
    }
    return reply;
  }
  if (path == "/v2/orders" && r.method == "GET") {
    QJsonArray out;
    const bool openOnly = r.query.queryItemValue("status") != "all" && r.query.queryItemValue("status") != "closed";
    for (const auto& [k, o] : m_orders)
      if (!openOnly || isOpen(o.json.value("status").toString())) out.append(o.json);
    return testing::json(200, bytes(out));
  }
  if (path == "/v2/orders:by_client_order_id" && r.method == "GET") {
    if (Order* o = byClientId(r.query.queryItemValue("client_order_id").toStdString())) return testing::json(200, bytes(o->json));
    return error(404, 40410000, "order not found");
  }
  if (path.startsWith("/v2/orders/")) {
    const std::string id = path.mid(int(std::strlen("/v2/orders/"))).toStdString();
    auto it = m_orders.find(id);
    if (it == m_orders.end()) return error(404, 40410000, "order not found");
    if (r.method == "GET") return testing::json(200, bytes(it->second.json));
    if (r.method == "DELETE") {
      if (!isOpen(it->second.json.value("status").toString())) return error(422, 42210000, "order is not cancelable");
      it->second.json["status"] = "canceled";
      it->second.json["updated_at"] = nowIso();
      testing::CannedResponse ok;
      ok.status = 204;
      return ok;
    }
  }
  if (path == "/v2/account" && r.method == "GET") {
    double mv = 0;
    for (const auto& [s, q] : m_positions) mv += q * m_avgCost[s];
    return testing::json(200, bytes(QJsonObject{{"id", "fake"}, {"account_number", "PAFAKE"}, {"status", "ACTIVE"},
                                                {"currency", "USD"}, {"cash", num(m_cash)}, {"equity", num(m_cash + mv)},
                                                {"portfolio_value", num(m_cash + mv)}, {"last_equity", "100000"},
                                                {"buying_power", num(2 * (m_cash + mv))}, {"trading_blocked", false},
                                                {"account_blocked", false}}));
  }
  if (path == "/v2/positions" && r.method == "GET") {
    QJsonArray out;
    for (const auto& [s, q] : m_positions) {
      if (q == 0.0) continue;
      out.append(QJsonObject{{"asset_id", "x"}, {"symbol", QString::fromStdString(s)}, {"qty", num(q)},
                             {"side", q > 0 ? "long" : "short"}, {"avg_entry_price", num(m_avgCost[s])},
                             {"current_price", num(m_avgCost[s])}});
    }
    return testing::json(200, bytes(out));
  }
  return std::nullopt;  // the routes (404 "no route")
}

}  // namespace meridian::testsupport
