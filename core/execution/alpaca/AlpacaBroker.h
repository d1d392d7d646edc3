#pragma once
// AlpacaBroker: Alpaca trading API v2 over REST (account, positions, orders incl. bracket / OCO, cancel, replace,
// clock, assets). Paper endpoint by default; the live endpoint only when broker.alpaca_live=true AND the UI
// confirmed it (see AlpacaConfig::fromConfig). Order updates come from polling (the trade_updates websocket
// is not used): every pollInterval, GET /v2/orders?status=open&nested=true, plus GET /v2/orders/{id} for tracked
// orders that left the open list. Fills are derived from increases of filled_qty (price from the change of
// filled_avg_price x filled_qty), with fill ids "<alpaca order id>@<cumulative filled qty>", stable across
// restarts, so a fill is never booked twice.
//
// Errors: 403 (forbidden, e.g. insufficient buying power) and 422 (unprocessable) reject the order with Alpaca's
// "message"; 429 / 5xx are retried with backoff (AlpacaHttp); a transport failure on submit leaves the order
// pending and it is reconciled by client order id once the server answers again (found -> adopted, 404 ->
// submitted then), so a disconnect can neither lose nor double an order. Synchronous calls on the execution
// thread (each bounded by the HTTP timeout).
#include "core/execution/IBroker.h"
#include "core/execution/alpaca/AlpacaHttp.h"
#include "core/execution/alpaca/AlpacaJson.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace meridian::common {
class Config;
}

namespace meridian::execution {

struct AlpacaConfig {
  static constexpr const char* kPaperUrl = "https://paper-api.alpaca.markets";
  static constexpr const char* kLiveUrl = "https://api.alpaca.markets";

  QUrl baseUrl = QUrl(QString::fromLatin1(kPaperUrl));
  QByteArray keyId;
  QByteArray secretKey;
  AlpacaHttpOptions http;
  domain::Timestamp pollInterval = domain::kNanosPerSecond;
  // Restart reconciliation of an order journaled as pending_submit that Alpaca does not know (the process died
  // before the POST reached Alpaca): submitted then only when it was created at most this long ago; older ones
  // are expired with the reason instead, so a stale order is never sent late behind the user's back.
  // broker.restart_resubmit_max_age_s (default 120; 0 = never resubmit after a restart).
  domain::Timestamp restartResubmitMaxAge = 120 * domain::kNanosPerSecond;

  // broker.alpaca_url overrides the endpoint (tests, proxies). Otherwise paper, or live only when
  // broker.alpaca_live=true and broker.alpaca_live_confirmed=true was set at runtime (by the UI's confirmation),
  // never from a file or the environment. Keys: alpaca.key_id / alpaca.secret_key (environment only).
  // Error "config" when credentials are missing or live trading is requested without confirmation.
  static Result<AlpacaConfig> fromConfig(const common::Config& config);
};

class AlpacaBroker final : public IBroker {
 public:
  explicit AlpacaBroker(AlpacaConfig config);
  ~AlpacaBroker() override;

  std::string_view name() const override { return "alpaca"; }
  bool nativeOrderGroups() const override { return true; }

  void submit(const domain::Order& order) override;
  void submitBracket(const domain::Order& entry, const domain::Order& takeProfit, const domain::Order& stopLoss) override;
  void submitOco(const domain::Order& first, const domain::Order& second) override;
  void cancel(const domain::Order& order) override;
  void replace(const domain::Order& existing, const domain::Order& replacement) override;
  void reconcile(const std::vector<domain::Order>& journalOpen) override;

  Result<std::vector<domain::Order>> openOrders() override;
  Result<std::optional<domain::Order>> orderByClientId(const std::string& clientOrderId) override;
  Result<AccountInfo> account() override;
  Result<std::vector<domain::Position>> positions() override;
  Result<MarketClock> clock();
  Result<AssetInfo> asset(const std::string& symbol);

  void poll(domain::Timestamp now) override;
  // One polling pass now, whatever the interval (tests).
  void pollNow(domain::Timestamp now);

  std::size_t unconfirmedCount() const { return m_unconfirmed.size(); }
  AlpacaHttp& http() { return m_http; }
  // Points the adapter at another server (failover; tests simulate a server that comes back elsewhere).
  void setBaseUrl(const QUrl& url) { m_http.setBaseUrl(url); }

 private:
  struct Tracked {
    std::string clientOrderId;
    std::string brokerOrderId;
    domain::OrderType type = domain::OrderType::Market;
    domain::OrderStatus status = domain::OrderStatus::PendingSubmit;
    double filledQty = 0.0;
    double avgPrice = 0.0;
    bool accepted = false;
    std::vector<std::string> legIds;  // our ids of the legs, in order {take profit / limit, stop}
  };
  // An order (with its group legs) whose submission outcome is unknown.
  struct Pending {
    domain::Order order;
    std::vector<domain::Order> legs;  // bracket: {tp, sl}; oco: {stop leg}
    std::string orderClass;           // "simple" | "bracket" | "oco"
    bool resubmitIfMissing = true;    // not found at Alpaca -> submit (it never arrived); else report cancelled
    std::string expireIfMissing;      // non-empty: not found -> Expired with this reason (stale after a restart)
  };

  // Every venue request goes through here: m_http.request plus the connectivity state (IBroker).
  Result<HttpReply> call(const QByteArray& method, const QString& pathAndQuery, const QByteArray& body = {});
  void post(const Pending& p);
  void handleSubmitReply(const Pending& p, const Result<HttpReply>& reply);
  Tracked& track(const domain::Order& o);
  void adopt(Tracked& t, const alpaca::AlpacaOrder& a, domain::Timestamp ts);
  void mapLegs(Tracked& parent, const alpaca::AlpacaOrder& a, domain::Timestamp ts);
  // Looks the order up at Alpaca (by broker id when known, else by client id), adopts what it finds, submits it
  // when missing and p.resubmitIfMissing. Returns false when Alpaca could not be asked (transport error / 5xx).
  bool sync(const Pending& p);
  void rejectAll(const Pending& p, const std::string& reason);
  domain::Timestamp nowTs() const;

  AlpacaConfig m_config;
  AlpacaHttp m_http;
  std::map<std::string, Tracked> m_tracked;           // by our client order id
  std::map<std::string, std::string> m_byBrokerId;    // alpaca id -> our client order id
  std::vector<Pending> m_unconfirmed;
  domain::Timestamp m_lastPoll = 0;
};

}  // namespace meridian::execution
