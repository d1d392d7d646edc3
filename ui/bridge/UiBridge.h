#pragma once
// UiBridge: the only place where the UI meets core (DESIGN.md, threading contract 3 and 4).
//
// Lives on the GUI thread. It owns a bus::Mailbox subscribed to "md.>", "exec.>", "risk.>", "sys.>", "bt.>" and
// "strat.>". A QTimer
// drains the mailbox at most 60 times a second (config ui.refresh_hz, clamped 1..60) and COALESCES what it drained:
//   QuoteUpdated       latest per symbol
//   OrderUpdated       latest per clientOrderId
//   PositionsSnapshot  latest wins
//   AccountSnapshot ("exec.account")  latest wins
//   SignalGenerated ("strat.signal.<SYM>")  appended (bounded per tick, like fills)
//   JobsSnapshot ("sys.jobs"), HealthSnapshot ("sys.health")  latest wins
//   runtime::TradingMode ("sys.trading_mode")  latest wins, emitted only when it changes what paperTrading() says
//                      (an attached GUI learns the server's PAPER/LIVE from its heartbeat after start-up)
//   Notification ("sys.notify")  appended (bounded per tick)
//   BarClosed, OrderFilled, CommandRejected, log records: appended (bounded per tick, oldest dropped and counted)
// and emits at most one signal of each kind per tick. Widgets therefore never do work per event.
//
// Backtests ("bt.>", see core/backtest/BacktestEvents.h): BacktestProgress latest per correlation id (dropped when
// the same tick also carries that id's BacktestFinished), BacktestFinished and BacktestRunsListed each emitted.
//
// Commands (SubmitOrder, CancelOrder) are published on "cmd.order.submit" / "cmd.order.cancel" with a fresh
// correlation id, which is returned so the caller can match the resulting events. Publishing never blocks.
#include <QObject>
#include <QString>
#include <QTimer>
#include <QVector>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/backtest/BacktestEvents.h"
#include "core/bus/EventBus.h"
#include "core/bus/Events.h"
#include "core/bus/HealthEvents.h"
#include "core/common/Logging.h"
#include "core/execution/ExecutionEvents.h"
#include "core/jobs/JobEvents.h"
#include "core/marketdata/DataQuality.h"
#include "core/marketdata/MarketDataEvents.h"
#include "core/notify/Notification.h"
#include "core/runtime/TradingMode.h"
#include "ui/bridge/UiContext.h"
#include "core/common/Ids.h"
#include "ui/bridge/UiMetaTypes.h"

Q_DECLARE_METATYPE(meridian::backtest::BacktestProgress)
Q_DECLARE_METATYPE(std::shared_ptr<const meridian::backtest::BacktestFinished>)
Q_DECLARE_METATYPE(std::shared_ptr<const meridian::backtest::BacktestRunsListed>)
Q_DECLARE_METATYPE(std::shared_ptr<const meridian::marketdata::IngestFinished>)
Q_DECLARE_METATYPE(std::shared_ptr<const meridian::marketdata::DataQualityReport>)

namespace meridian::ui {

class UiBridge : public QObject {
  Q_OBJECT

 public:
  static constexpr const char* kSubmitTopic = "cmd.order.submit";
  static constexpr const char* kCancelTopic = "cmd.order.cancel";
  static constexpr const char* kCancelAllId = "*";  // CancelOrder.clientOrderId meaning "every working order"
  static constexpr int kMaxRefreshHz = 60;
  static constexpr std::size_t kMaxBarsPerTick = 50'000;
  static constexpr std::size_t kMaxFillsPerTick = 10'000;
  static constexpr std::size_t kMaxRejectsPerTick = 1'000;
  static constexpr std::size_t kMaxNotificationsPerTick = 100;
  static constexpr std::size_t kMaxSignalsPerTick = 10'000;

  struct Counters {
    std::uint64_t ticks = 0;              // timer ticks handled
    std::uint64_t envelopesDrained = 0;   // envelopes taken from the mailbox
    std::uint64_t envelopesIgnored = 0;   // drained envelopes of a type the UI does not show
    std::uint64_t batchesEmitted = 0;     // signals emitted (all kinds)
    std::uint64_t quoteBatches = 0;
    std::uint64_t orderBatches = 0;
    std::uint64_t fillBatches = 0;
    std::uint64_t barBatches = 0;
    std::uint64_t positionBatches = 0;
    std::uint64_t logBatches = 0;
    std::uint64_t droppedInUi = 0;        // bars/fills/rejects beyond the per-tick bound
    std::uint64_t logsMissed = 0;         // log records overwritten in the InAppLogBuffer before we read them
    std::uint64_t commandsPublished = 0;
    std::uint64_t jobBatches = 0;         // JobsSnapshot (latest wins)
    std::uint64_t healthBatches = 0;      // HealthSnapshot (latest wins)
    std::uint64_t notificationBatches = 0;
    std::uint64_t backtestBatches = 0;    // backtestProgress + backtestFinished + backtestRunsListed signals
    std::uint64_t ingestBatches = 0;      // ingestFinished (each) + qualityChecked (latest per series) signals
    std::uint64_t accountBatches = 0;     // AccountSnapshot (latest wins)
    std::uint64_t signalBatches = 0;      // SignalGenerated batches
  };

  // context.bus and context.config must outlive the bridge. The timer starts immediately.
  explicit UiBridge(const UiContext& context, QObject* parent = nullptr);
  ~UiBridge() override;

  UiBridge(const UiBridge&) = delete;
  UiBridge& operator=(const UiBridge&) = delete;

  // Publishes bus::SubmitOrder. Fills in clientOrderId (when empty), status New and created/updated time.
  // Returns the command's correlation id.
  QString submitOrder(domain::Order order);
  // Publishes bus::CancelOrder; clientOrderId "*" cancels every working order. Returns the correlation id.
  QString cancelOrder(const QString& clientOrderId);
  QString cancelAllOrders() { return cancelOrder(QString::fromLatin1(kCancelAllId)); }
  // Publishes jobs::RunJobNow on "jobs.cmd.run" (a refusal comes back as commandRejected). Returns the correlation id.
  QString runJobNow(const QString& jobName);
  // Publishes any command struct with a `correlationId` member (e.g. backtest::RunBacktest on
  // backtest::topics::kRun); fills in a fresh id when empty and returns it. Never blocks. A non-empty
  // description is announced through commandPublished (status bar).
  template <class T>
  QString publishCommand(std::string topic, T command, const QString& description = {}) {
    if (command.correlationId.empty()) command.correlationId = common::newCorrelationId();
    const QString correlationId = QString::fromStdString(command.correlationId);
    m_bus->publish<T>(std::move(topic), std::move(command));
    ++m_counters.commandsPublished;
    if (!description.isEmpty()) Q_EMIT commandPublished(correlationId, description);
    return correlationId;
  }

  // Refresh interval in ms derived from ui.refresh_hz (clamped to 1..60 Hz): 60 Hz -> 17 ms.
  int refreshIntervalMs() const { return m_timer.interval(); }
  static int intervalForHz(int hz);

  const Counters& counters() const { return m_counters; }
  std::uint64_t ticks() const { return m_counters.ticks; }
  std::uint64_t envelopesDrained() const { return m_counters.envelopesDrained; }
  // Envelopes the bus had to drop because this mailbox was full (the GUI thread stalled).
  std::uint64_t mailboxDropped() const { return m_mailbox->dropped(); }
  // Starts as UiContext::paperTrading; follows "sys.trading_mode" from then on (tradingModeChanged).
  bool paperTrading() const { return m_paperTrading; }
  // The broker of the trading process ("paper", "alpaca"); empty until a TradingMode was seen.
  const QString& brokerName() const { return m_brokerName; }

 public Q_SLOTS:
  // Drains and emits once; called by the timer. Public so tests or a "refresh now" action can force a tick.
  void onTick();

 Q_SIGNALS:
  void quotesUpdated(const QVector<meridian::domain::Quote>& quotes);
  void ordersUpdated(const QVector<meridian::domain::Order>& orders);
  void fillsAppended(const QVector<meridian::domain::Fill>& fills);
  void barsAppended(const QVector<meridian::bus::BarClosed>& bars);
  void positionsUpdated(const std::shared_ptr<const meridian::bus::PositionsSnapshot>& snapshot);
  // Latest execution::AccountSnapshot of the tick (cash, equity, buying power, P&L).
  void accountUpdated(const std::shared_ptr<const meridian::execution::AccountSnapshot>& snapshot);
  // Strategy decisions of the tick in arrival order (chart markers).
  void signalsAppended(const QVector<meridian::bus::SignalGenerated>& signals);
  void logsAppended(const std::vector<meridian::common::LogRecord>& records);
  void commandRejected(const QString& correlationId, const QString& reason);
  void commandPublished(const QString& correlationId, const QString& description);
  void jobsUpdated(const std::shared_ptr<const meridian::jobs::JobsSnapshot>& snapshot);
  // PAPER/LIVE or the broker changed (e.g. the serving process an attached GUI follows turned out to trade LIVE).
  // Badges and the order ticket's confirmation default (on for LIVE) follow it.
  void tradingModeChanged(bool paperTrading, const QString& broker);
  void healthUpdated(const std::shared_ptr<const meridian::bus::HealthSnapshot>& snapshot);
  void notificationsAppended(const QVector<meridian::notify::Notification>& notifications);
  void backtestProgress(const QVector<meridian::backtest::BacktestProgress>& progress);
  void backtestFinished(const std::shared_ptr<const meridian::backtest::BacktestFinished>& finished);
  void backtestRunsListed(const std::shared_ptr<const meridian::backtest::BacktestRunsListed>& runs);
  // Market data ingestion ("md.ingest.<SYM>", "md.quality.<SYM>"): every IngestFinished (matched by correlation id),
  // and the QualityChecked reports of the tick, latest per (symbol, source).
  void ingestFinished(const std::shared_ptr<const meridian::marketdata::IngestFinished>& finished);
  void qualityChecked(const QVector<std::shared_ptr<const meridian::marketdata::DataQualityReport>>& reports);

 private:
  void setUpDispatcher();
  void resetBatches();

  bus::EventBus* m_bus = nullptr;
  std::shared_ptr<common::InAppLogBuffer> m_logs;
  std::shared_ptr<bus::Mailbox> m_mailbox;
  std::vector<bus::SubscriptionId> m_subscriptions;
  bus::Dispatcher m_dispatcher;
  QTimer m_timer;
  bool m_paperTrading = true;
  QString m_brokerName;
  std::shared_ptr<const runtime::TradingMode> m_tradingMode;  // latest of the tick

  // Per-tick coalescing buffers (kept as members so their capacity is reused tick after tick).
  std::vector<bus::Envelope> m_drained;
  QVector<domain::Quote> m_quotes;
  std::unordered_map<std::string, qsizetype> m_quoteIndex;
  QVector<domain::Order> m_orders;
  std::unordered_map<std::string, qsizetype> m_orderIndex;
  QVector<domain::Fill> m_fills;
  QVector<bus::BarClosed> m_bars;
  std::vector<bus::CommandRejected> m_rejects;
  std::shared_ptr<const bus::PositionsSnapshot> m_positions;
  std::shared_ptr<const execution::AccountSnapshot> m_account;
  QVector<bus::SignalGenerated> m_signals;
  std::vector<common::LogRecord> m_logRecords;
  std::shared_ptr<const jobs::JobsSnapshot> m_jobs;
  std::shared_ptr<const bus::HealthSnapshot> m_health;
  QVector<notify::Notification> m_notifications;
  QVector<backtest::BacktestProgress> m_btProgress;
  std::unordered_map<std::string, qsizetype> m_btProgressIndex;
  std::vector<std::shared_ptr<const backtest::BacktestFinished>> m_btFinished;
  std::vector<std::shared_ptr<const backtest::BacktestRunsListed>> m_btRunsListed;
  std::vector<std::shared_ptr<const marketdata::IngestFinished>> m_ingestFinished;
  QVector<std::shared_ptr<const marketdata::DataQualityReport>> m_quality;
  std::unordered_map<std::string, qsizetype> m_qualityIndex;  // symbol + '\n' + source
  std::uint64_t m_lastLogSeq = 0;

  Counters m_counters;
};

}  // namespace meridian::ui
