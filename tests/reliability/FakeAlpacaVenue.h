#pragma once
// A stateful Alpaca trading API v2 venue on LocalHttpServer for reliability tests: keeps orders, enforces
// client_order_id uniqueness (422 like Alpaca), fills orders when the test says so, and derives positions and the
// account from its fills. Speaks Alpaca's documented JSON (string numerics, status values). It can go away
// (listener closed: connection refused) or answer 503 to everything, and come back on the same address.
//
// Routes: POST /v2/orders, GET /v2/orders?status=open, GET /v2/orders/{id}, DELETE /v2/orders/{id},
// GET /v2/orders:by_client_order_id?client_order_id=, GET /v2/account, GET /v2/positions.
#include "../marketdata/LocalHttpServer.h"

#include <QJsonObject>

#include <map>
#include <mutex>
#include <string>

namespace meridian::testsupport {

class FakeAlpacaVenue {
 public:
  FakeAlpacaVenue();
  ~FakeAlpacaVenue();

  QUrl baseUrl() const { return m_server.baseUrl(); }
  testing::LocalHttpServer& server() { return m_server; }

  // Connection refused until bringUp().
  void goAway() { m_server.stopListening(); }
  bool bringUp() { return m_server.resumeListening(); }
  // Every request answered 503 (the venue's edge is up, the API is not).
  void setUnavailable(bool on);
  // The next accepted POST /v2/orders is stored but its reply is cut short (the client never learns the outcome).
  void dropNextPostReply();
  // Accepted POST replies are held back this long (a process can die while waiting for the acknowledgement).
  void setPostReplyDelay(int ms);

  // An execution at the venue (also while it is away from us): filled_qty / filled_avg_price / status move.
  bool fill(const std::string& clientOrderId, double qty, double price);

  // POSTs received for this client order id (accepted or refused as duplicates).
  int postsFor(const std::string& clientOrderId) const;
  // Orders the venue holds (one per accepted POST).
  int orderCount() const;
  std::string status(const std::string& clientOrderId) const;
  double positionQty(const std::string& symbol) const;
  double cash() const;

 private:
  struct Order {
    QJsonObject json;
    double qty = 0, filled = 0, avg = 0;
  };
  std::optional<testing::CannedResponse> handle(const testing::RecordedRequest& r);
  Order* byClientId(const std::string& id);
  testing::LocalHttpServer m_server;
  mutable std::mutex m_mutex;
  std::map<std::string, Order> m_orders;  // by venue id
  std::map<std::string, int> m_posts;     // by client order id
  std::map<std::string, double> m_positions;
  std::map<std::string, double> m_avgCost;
  double m_cash = 100'000.0;
  bool m_unavailable = false;
  bool m_dropNextReply = false;
  int m_replyDelayMs = 0;
  int m_nextId = 1;
};

}  // namespace meridian::testsupport
