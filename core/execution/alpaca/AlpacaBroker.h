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
// submitted then), so a disconnect can neither lose nor double an order.
//
// Threads (DESIGN.md rule 5): every IBroker call only queues its venue work and returns; one worker thread,
// started with the first call, runs the queue in call order and owns everything that touches the venue (the
// AlpacaHttp client and its QNetworkAccessManager, the tracked orders, the unconfirmed submissions). It reports
// events to the sink and answers queries from that thread. One request at a time, in call order, as the
// synchronous adapter did: a cancel or replace queued behind a submission sees the venue's id for it, and a poll
// pass never overtakes the command before it. A slow venue delays the venue work behind it, never the caller.
// shutdown() (and the destructor) finish the queued commands, drop queued polls, answer queued queries with an
// error, and end the worker, which releases its network objects itself.
#include "core/execution/IBroker.h"
#include "core/execution/alpaca/AlpacaHttp.h"
#include "core/execution/alpaca/AlpacaJson.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
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
  ~AlpacaBroker() override;  // shutdown()
  AlpacaBroker(const AlpacaBroker&) = delete;
  AlpacaBroker& operator=(const AlpacaBroker&) = delete;

  std::string_view name() const override { return "alpaca"; }
  bool nativeOrderGroups() const override { return true; }
  bool accountAtVenue() const override { return true; }

  // Queued for the worker; outcomes come back through the sink.
  void submit(const domain::Order& order) override;
  void submitBracket(const domain::Order& entry, const domain::Order& takeProfit, const domain::Order& stopLoss) override;
  void submitOco(const domain::Order& first, const domain::Order& second) override;
  void cancel(const domain::Order& order) override;
  void replace(const domain::Order& existing, const domain::Order& replacement) override;
  void reconcile(const std::vector<domain::Order>& journalOpen) override;

  // Answered on the worker.
  void requestOpenOrders(BrokerAnswer<std::vector<domain::Order>> done) override;
  void requestOrder(const std::string& clientOrderId, BrokerAnswer<std::optional<domain::Order>> done) override;
  void requestAccount(BrokerAnswer<AccountInfo> done) override;
  void requestPositions(BrokerAnswer<std::vector<domain::Position>> done) override;

  // Queues a polling pass every pollInterval; never more than one waits in the queue (a slow venue does not
  // pile them up).
  void poll(domain::Timestamp now) override;
  void shutdown() override;

  // Blocking, like IBroker::account(): tools and tests, never on a service thread.
  Result<MarketClock> clock();
  Result<AssetInfo> asset(const std::string& symbol);
  // Queues one polling pass now, whatever the interval (tests).
  void pollNow(domain::Timestamp now);
  // Waits until everything queued before it has run, its events reported (tests).
  void waitIdle();
  // Submissions whose outcome is unknown (blocking: asks the worker; tests).
  std::size_t unconfirmedCount();
  // Points the adapter at another server from the next queued request on (failover; tests simulate a server that
  // comes back elsewhere).
  void setBaseUrl(const QUrl& url);

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

  // A unit of work for the worker. Commands still run during shutdown; the rest (polls, queries) is dropped then.
  struct Task {
    std::function<void()> run;
    std::function<void()> drop;  // instead of run: the adapter stops (queries answer with an error)
    bool command = false;
  };
  // Queues a task (starting the worker when needed). While shutdown() runs, the task is dropped at once.
  void post(Task task);
  void workerLoop();
  bool onWorkerThread();
  // Runs fn on the worker and waits for its result (ifStopped when the adapter stops before it ran).
  template <class T>
  T onWorker(std::function<T()> fn, T ifStopped);
  // A query task: run `fn` on the worker and pass its result to `done`; answered with an error when dropped.
  template <class T>
  void query(std::function<Result<T>()> fn, BrokerAnswer<T> done);

  // ---- Worker thread only ----
  // Every venue request goes through here: m_http.request plus the connectivity state (IBroker).
  Result<HttpReply> call(const QByteArray& method, const QString& pathAndQuery, const QByteArray& body = {});
  void doSubmitOco(const domain::Order& first, const domain::Order& second);
  void doCancel(const domain::Order& order);
  void doReplace(const domain::Order& existing, const domain::Order& replacement);
  void doReconcile(const std::vector<domain::Order>& journalOpen);
  void pollPass(domain::Timestamp now);
  Result<std::vector<domain::Order>> fetchOpenOrders();
  Result<std::optional<domain::Order>> fetchOrder(const std::string& clientOrderId);
  Result<AccountInfo> fetchAccount();
  Result<std::vector<domain::Position>> fetchPositions();
  void send(const Pending& p);  // POST /v2/orders
  void handleSubmitReply(const Pending& p, const Result<HttpReply>& reply);
  Tracked& track(const domain::Order& o);
  void adopt(Tracked& t, const alpaca::AlpacaOrder& a, domain::Timestamp ts);
  void mapLegs(Tracked& parent, const alpaca::AlpacaOrder& a, domain::Timestamp ts);
  // Looks the order up at Alpaca (by broker id when known, else by client id), adopts what it finds, submits it
  // when missing and p.resubmitIfMissing. Returns false when Alpaca could not be asked (transport error / 5xx).
  bool sync(const Pending& p);
  void rejectAll(const Pending& p, const std::string& reason);
  domain::Timestamp nowTs() const;

  const AlpacaConfig m_config;
  AlpacaHttp m_http;
  std::map<std::string, Tracked> m_tracked;           // by our client order id
  std::map<std::string, std::string> m_byBrokerId;    // alpaca id -> our client order id
  std::vector<Pending> m_unconfirmed;

  // ---- The queue (any thread, under m_queueMutex) ----
  std::mutex m_queueMutex;
  std::condition_variable m_queueCv;
  std::deque<Task> m_queue;
  std::thread m_worker;
  std::thread::id m_workerId;  // the running worker's id (onWorker from the worker runs inline)
  bool m_stopping = false;

  // ---- Owner thread ----
  domain::Timestamp m_lastPoll = 0;
  std::atomic<bool> m_pollQueued{false};  // a polling pass waits in the queue or runs
};

}  // namespace meridian::execution
