#pragma once
// ExecutionService: OrderManager + RiskEngine + PositionBook + one broker, owned by ONE thread with its own
// bus::Mailbox (DESIGN.md threading rules 1, 4, 5): the order and risk commands of core/contract/Orders.h and
// Risk.h, journal acknowledgements and broker events on its lossless lane, quotes on its coalescing lane (the latest
// per symbol when the feed outruns this thread), and bars.
//
// SubmitOrder: clientOrderId assigned when empty -> RiskEngine::check. Rejected -> journaled as rejected with the
// reason, OrderUpdated (reason + correlation id), RiskRejected and CommandRejected. Passed -> journaled as
// pending_submit, and only when the storage thread confirms the write is the order sent to the broker (an
// unjournaled order is never sent; the execution thread never blocks on the write, it waits for the ack message).
// Broker events -> OrderManager (state machine, bracket / OCO rules) -> journal (orders, fills, positions) ->
// OrderUpdated / OrderFilled / PositionsSnapshot / AccountSnapshot, published from the storage thread right after
// the write, so whoever hears of a change can already read it from the journal. An event the database cannot take
// (outage) is spooled to disk instead and reaches the database, in order, when it is back (JournalSpool); while
// events wait there, new orders are refused ("the order journal is unavailable": transient) and never sent.
// The broker never blocks this thread (rule 5): its calls return at once and its events and answers come back like
// the journal's acknowledgements. Events the broker reports from inside a call on this thread (paper) are handled
// right after that call, as before; events from its own worker (Alpaca) arrive as private messages on the lossless
// lane and are handled in their turn, in the order the broker reported them.
// Relayed commands carry their sender's deadline (bus::Envelope::deadline): one this thread takes off its queue after
// that deadline, or an order whose journal acknowledgement comes after it, is answered "Expired ... not executed"
// (contract::expiredCommand) and never reaches the broker (a journaled order ends Expired); commands of this process
// have no deadline.
// Start: open orders and positions are loaded from the journal, the OMS and P&L restored and the broker
// reconciled (paper: re-armed; Alpaca: looked up by client order id) — nothing lost or doubled. Commands wait
// (in order) until the broker reports Reconciled and, for a venue account (Alpaca), its first account answer is in;
// quotes, bars and acknowledgements are handled meanwhile.
// Timer (1 s): PositionsSnapshot + AccountSnapshot, broker poll (order updates, DAY expiry), breaker check, day roll,
// and for a venue account a refresh request every accountRefreshInterval (applied when the answer arrives).
// Stop: what is queued is handled, then the broker finishes the venue requests it was handed (IBroker::shutdown)
// and their outcomes are journaled before the thread ends.
#include "core/bus/EventBus.h"
#include "core/contract/MarketData.h"
#include "core/contract/Orders.h"
#include "core/contract/Strategy.h"
#include "core/contract/System.h"
#include "core/common/Clock.h"
#include "core/common/LatencyHistogram.h"
#include "core/common/Result.h"
#include "core/contract/Risk.h"
#include "core/execution/IBroker.h"
#include "core/execution/JournalSpool.h"
#include "core/execution/OrderManager.h"
#include "core/risk/CorrelationGuard.h"
#include "core/risk/PositionBook.h"
#include "core/risk/RiskEngine.h"
#include "core/storage/IOrderJournal.h"

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace meridian::common {
class Config;
}

namespace meridian::execution {

// Port to the storage thread (storage::StorageService in the application): tasks run there in posting order.
class IJournalQueue {
 public:
  using Task = std::function<void(storage::IOrderJournal&)>;
  virtual ~IJournalQueue() = default;
  virtual void post(Task task) = 0;
};

struct ExecutionConfig {
  risk::RiskLimits limits;
  double initialCash = 100'000.0;  // paper.initial_cash: the account's cash before any journaled fill
  double leverage = 1.0;           // risk.leverage: buying power = equity x leverage - gross exposure
  domain::Timestamp snapshotInterval = domain::kNanosPerSecond;
  domain::Timestamp accountRefreshInterval = 5 * domain::kNanosPerSecond;  // broker account (Alpaca)
  std::vector<std::pair<std::string, std::string>> pairs;                  // risk.pairs = "KO/PEP,XOM/CVX"
  std::size_t correlationWindow = 60;                                      // risk.correlation_window (bars)
  std::size_t keepTerminalOrders = 5'000;
  SpoolOptions spool;  // journal.spool_path and the database it belongs to (runtime::Kernel fills both)

  static ExecutionConfig fromConfig(const common::Config& config);
};

class ExecutionService {
 public:
  ExecutionService(bus::EventBus& bus, std::shared_ptr<IJournalQueue> journal, std::unique_ptr<IBroker> broker,
                   ExecutionConfig config, std::shared_ptr<const common::IClock> clock = {});
  ~ExecutionService();
  ExecutionService(const ExecutionService&) = delete;
  ExecutionService& operator=(const ExecutionService&) = delete;

  // Opens the journal spool, hands what it holds to the database, loads the journal (waits for the storage
  // thread: start-up only), subscribes and starts the execution thread, which restores state and reconciles with
  // the broker before handling any command. Error when the spool is damaged or the database does not take what
  // it holds, or the journal cannot be read (nothing is started then).
  Status start();
  void stop();  // idempotent; drains the mailbox, stops the thread
  bool running() const { return m_running; }
  std::string_view brokerName() const { return m_brokerName; }
  // Broker connectivity (thread-safe: for the health probe; paper is always connected).
  BrokerConnectionState brokerConnection() const { return m_broker->connectionState(); }
  // The same as a health probe result (thread-safe): Ok when connected, Degraded / Down with the last error,
  // Down when the service is not running. name / kind / timestamps are left to the health monitor.
  contract::ComponentHealth brokerHealth() const;
  // The journal path (thread-safe): Ok when every event is in the database; Degraded while events wait in the
  // spool (how many, since when, why) or after the database refused one for good.
  contract::ComponentHealth journalHealth() const;
  SpoolStatus spoolStatus() const;
  // Quote-to-risk latency (thread-safe to read): for every quote stamped at publication (QuoteUpdated::publishedNs,
  // e.g. SimulatedMarket::setLatencyStamps), the time until this thread had marked the position book and handed it
  // to the broker. Unstamped quotes (the default) are not timed: no clock read per quote.
  const common::LatencyHistogram& quoteLatency() const { return m_quoteLatency; }

  // Runs fn on the execution thread and waits for it (tests and diagnostics; never from the GUI thread).
  void runOnThread(std::function<void(ExecutionService&)> fn);

  // Execution-thread state (use through runOnThread).
  const OrderManager& orders() const { return m_oms; }
  const risk::RiskEngine& riskEngine() const { return m_risk; }
  const risk::PositionBook& positionBook() const { return m_book; }
  IBroker& broker() { return *m_broker; }

 private:
  struct JournalAck {
    std::uint64_t seq = 0;
    bool ok = true;
    std::string error;
  };
  struct Invoke {
    std::function<void(ExecutionService&)> fn;
  };
  // The broker's answer to requestAccount (start-up or refresh), as a private message.
  struct AccountAnswer {
    Result<AccountInfo> account;
    bool startUp = false;
  };
  // Shared with the broker's sink, which runs on any thread and may be called while this service is being
  // destroyed: it holds no pointer to the service (rule 6).
  struct BrokerInbox {
    std::atomic<std::thread::id> owner{};    // the execution thread
    std::deque<BrokerEvent> reportedInCall;  // owner only: reported inside a call, handled right after it
    std::shared_ptr<bus::Mailbox> mailbox;   // any other thread: queued as a private message
  };

  void run();
  void startUp();
  void tick(domain::Timestamp now);
  domain::Timestamp now() const { return m_clock->now(); }

  // Commands. deadline: a relayed command's (bus::Envelope::deadline, 0 = none), checked again before the broker.
  void onSubmit(const contract::SubmitOrder& cmd, domain::Timestamp deadline);
  void onBracket(const contract::SubmitBracket& cmd, domain::Timestamp deadline);
  void onOco(const contract::SubmitOco& cmd, domain::Timestamp deadline);
  void onReplace(const contract::ReplaceOrder& cmd, domain::Timestamp deadline);
  void onCancel(const contract::CancelOrder& cmd);
  void onKillSwitch(const contract::EngageKillSwitch& cmd);
  void onResetKillSwitch(const contract::ResetKillSwitch& cmd);
  void onResetBreaker(const contract::ResetCircuitBreaker& cmd);
  void onSetRiskLimits(const contract::SetRiskLimits& cmd);
  void onQuote(const contract::QuoteUpdated& e);
  void onBar(const contract::BarClosed& e);
  void onJournalAck(const JournalAck& ack);
  void onBrokerEvent(BrokerEvent e);
  void onAccountAnswer(const AccountAnswer& a);

  // Helpers.
  void prepareNew(domain::Order& o) const;
  risk::RiskState riskState(const domain::Order& o);
  // Runs the risk check; on reject the order (already in the OMS) is rejected, journaled and reported.
  bool passRisk(const std::string& id, const std::string& correlationId);
  void rejectOrder(const std::string& id, const std::string& correlationId, const std::string& rule, const std::string& reason);
  // Journals the orders, then (on the execution thread, after the ack) runs `then`.
  void journalThen(const std::vector<std::string>& ids, std::function<void()> then);
  void cancelWorking(const std::string& id, const std::string& reason, OmsEffects& fx);
  void cancelAll(const std::string& reason, const std::string& correlationId);
  // Handles the events the broker reported inside the last call (on this thread).
  void processBrokerEvents();
  void requestAccount(bool startUp);
  // Commands wait for the start-up reconciliation (and the venue account); true once they may run.
  bool readyForCommands() const { return m_reconciled && m_accountReady; }
  void apply(OmsEffects& fx);
  void publishSnapshots(bool positions);
  void publishRiskState();
  void commandRejected(const std::string& correlationId, const std::string& reason);
  // A relayed command past its deadline: answered "Expired" (contract::expiredCommand), not executed.
  void expired(const std::string& correlationId, domain::Timestamp deadline, std::string_view where);
  // After the journal write, right before the broker call: true (the orders end Expired, unsent, and the command
  // is answered) when the command's deadline has passed meanwhile.
  bool expiredBeforeSend(const std::vector<std::string>& ids, const std::string& correlationId,
                         domain::Timestamp deadline);
  void checkBreaker();

  bus::EventBus& m_bus;
  std::shared_ptr<IJournalQueue> m_journal;
  std::unique_ptr<IBroker> m_broker;
  std::string m_brokerName;
  ExecutionConfig m_config;
  std::shared_ptr<const common::IClock> m_clock;

  std::shared_ptr<bus::Mailbox> m_mailbox;
  std::vector<bus::SubscriptionId> m_subscriptions;
  std::thread m_thread;
  std::atomic<bool> m_running{false};

  // Execution-thread state.
  OrderManager m_oms;
  risk::RiskEngine m_risk;
  risk::PositionBook m_book;
  common::LatencyHistogram m_quoteLatency;  // written by this thread only
  risk::CorrelationGuard m_correlation;
  std::shared_ptr<BrokerInbox> m_inbox = std::make_shared<BrokerInbox>();
  std::deque<bus::Envelope> m_heldCommands;  // arrived before readyForCommands(), in arrival order
  bool m_reconciled = false;
  bool m_accountReady = true;       // false from the start-up account request until its answer
  bool m_accountRequested = false;  // an account request is in flight
  bool m_stopping = false;          // journal acknowledgements no longer send orders
  std::unordered_map<std::uint64_t, std::function<void(bool, const std::string&)>> m_afterJournal;
  std::unordered_set<std::string> m_unsent;  // journaled, waiting for the ack before being sent
  std::uint64_t m_nextAckSeq = 1;
  std::vector<domain::Order> m_startOrders;       // loaded by start(), consumed by startUp()
  std::vector<domain::Position> m_startPositions;
  std::shared_ptr<JournalSpool> m_spool;
  std::chrono::steady_clock::time_point m_lastDrainPost{};
  domain::Timestamp m_dayEnd = 0;
  domain::Timestamp m_lastSnapshot = 0;
  domain::Timestamp m_lastAccountRefresh = 0;
  AccountInfo m_brokerAccount;
  bool m_haveBrokerAccount = false;
  bool m_positionsDirty = true;
};

}  // namespace meridian::execution
