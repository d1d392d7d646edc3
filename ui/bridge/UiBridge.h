#pragma once
// UiBridge: the one door between the UI and core (DESIGN.md threading contract 3 and 4). Nothing else under ui/
// touches the bus or a core service.
//
// Lives on the GUI thread and is generic over core/contract/Catalogue.h:
//  - Events. One bus::Mailbox follows every message whose contract::Spec has a UI delivery. A QTimer drains it at
//    most 60 times a second (config ui.refresh_hz, clamped 1..60) and hands each message type's batch of the tick to
//    the handlers registered with on<T>(), in catalogue order (orders before fills, quotes before positions, bars
//    before signals), as the Spec says: latest (one value), latest per key (quotes per symbol, orders per id, in
//    first-arrival order) or append (every message, at most kMaxPerTick per tick; older ones dropped and counted).
//    Widgets therefore never do work per event. Payloads are core's immutable shared values: never copied here.
//  - Commands: send() fills in a correlation id and sends on the bus's lossless lane. A command the bus refuses (a
//    full queue, nothing listening) is answered at once with a local contract::CommandRejected, delivered like any
//    other on the next tick, so a refusal is always visible where rejections are shown.
//  - Requests: request() sends, and delivers the answer with the same correlation id to that caller only (a
//    request/answer pair of the catalogue: history, fills history, screens, saved backtests). A request still
//    unanswered after its timeout is answered locally with an error; a refused one at once.
//  - Logs: the in-app log buffer is read on the same tick (onLogs).
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>
#include <QVector>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <typeindex>
#include <unordered_map>
#include <vector>

#include "core/bus/EventBus.h"
#include "core/common/Ids.h"
#include "core/common/Logging.h"
#include "core/contract/Catalogue.h"
#include "ui/bridge/UiContext.h"

namespace meridian::ui {

template <class T>
using Batch = std::vector<std::shared_ptr<const T>>;

// Copies of a batch's values (or of one member of each), for models that keep their own rows.
template <class T>
QVector<T> values(const Batch<T>& batch) {
  QVector<T> out;
  out.reserve(static_cast<qsizetype>(batch.size()));
  for (const auto& m : batch) out.push_back(*m);
  return out;
}
template <class T, class M>
QVector<M> project(const Batch<T>& batch, M T::*member) {
  QVector<M> out;
  out.reserve(static_cast<qsizetype>(batch.size()));
  for (const auto& m : batch) out.push_back((*m).*member);
  return out;
}

class UiBridge : public QObject {
  Q_OBJECT

 public:
  static constexpr int kMaxRefreshHz = 60;
  static constexpr std::size_t kMaxPerTick = 50'000;  // append deliveries per type and tick
  static constexpr std::chrono::milliseconds kDefaultRequestTimeout{120'000};

  struct Counters {
    std::uint64_t ticks = 0;              // timer ticks handled
    std::uint64_t envelopesDrained = 0;   // envelopes taken from the mailbox
    std::uint64_t envelopesIgnored = 0;   // drained envelopes no handler or request wanted
    std::uint64_t batchesEmitted = 0;     // handler calls (all types)
    std::uint64_t droppedInUi = 0;        // append messages beyond the per-tick bound
    std::uint64_t logsMissed = 0;         // log records overwritten in the InAppLogBuffer before we read them
    std::uint64_t commandsPublished = 0;  // commands and requests the bus accepted
    std::uint64_t commandsRefused = 0;    // refused by the bus, answered locally
    std::uint64_t requestsTimedOut = 0;
  };

  // context.bus and context.config must outlive the bridge. The timer starts immediately.
  explicit UiBridge(const UiContext& context, QObject* parent = nullptr);
  ~UiBridge() override;

  UiBridge(const UiBridge&) = delete;
  UiBridge& operator=(const UiBridge&) = delete;

  // Calls handler on the GUI thread with every tick's batch of T while receiver lives (Spec<T>::ui != None).
  template <contract::Message T>
  void on(QObject* receiver, std::function<void(const Batch<T>&)> handler) {
    static_assert(contract::Spec<T>::ui != contract::UiDelivery::None && contract::Spec<T>::ui != contract::UiDelivery::Answer,
                  "not delivered to the UI as an event (answers go to request())");
    channel<T>().handlers.push_back(Handler<T>{QPointer<QObject>(receiver), std::move(handler)});
  }

  // Sends a command (Kind::Command); fills in a fresh correlation id when empty and returns it. A non-empty
  // description is announced through commandPublished (status bar) when the bus accepted the command.
  template <contract::Message T>
  QString send(T command, const QString& description = {}) {
    static_assert(contract::Spec<T>::kind == contract::Kind::Command, "requests go through request()");
    if (command.correlationId.empty()) command.correlationId = common::newCorrelationId();
    const QString correlationId = QString::fromStdString(command.correlationId);
    const std::string corr = command.correlationId;
    if (Status s = m_bus->send(std::move(command)); !s.ok()) {
      refused(corr, s.error().message);
      return correlationId;
    }
    ++m_counters.commandsPublished;
    if (!description.isEmpty()) Q_EMIT commandPublished(correlationId, description);
    return correlationId;
  }

  // Sends a request (Kind::Request) and delivers its answer (Spec<T>::Answer, same correlation id) to done, once,
  // while receiver lives. Unanswered after timeout, or refused by the bus: done gets an answer carrying the error.
  template <contract::Message T>
  QString request(T req, QObject* receiver,
                  std::function<void(std::shared_ptr<const typename contract::Spec<T>::Answer>)> done,
                  std::chrono::milliseconds timeout = kDefaultRequestTimeout) {
    using A = typename contract::Spec<T>::Answer;
    static_assert(contract::Spec<T>::kind == contract::Kind::Request, "commands go through send()");
    if (req.correlationId.empty()) req.correlationId = common::newCorrelationId();
    const std::string corr = req.correlationId;
    auto& ch = channel<A>();
    ch.pending[corr] = Pending<A>{QPointer<QObject>(receiver), std::move(done),
                                  std::chrono::steady_clock::now() + timeout, timeout};
    if (Status s = m_bus->send(std::move(req)); !s.ok()) {
      ++m_counters.commandsRefused;
      ch.answerLocally(corr, s.error().message, "bus.refused");
    } else {
      ++m_counters.commandsPublished;
    }
    return QString::fromStdString(corr);
  }

  // Requests of answer type A still waiting for their answer.
  template <contract::Message A>
  std::size_t pendingRequests() const {
    const auto it = m_channels.find(std::type_index(typeid(A)));
    return it == m_channels.end() ? 0 : it->second->pendingCount();
  }

  // Log records of the tick (the in-app log buffer), in order.
  void onLogs(QObject* receiver, std::function<void(const std::vector<common::LogRecord>&)> handler);

  // Refresh interval in ms derived from ui.refresh_hz (clamped to 1..60 Hz): 60 Hz -> 17 ms.
  int refreshIntervalMs() const { return m_timer.interval(); }
  static int intervalForHz(int hz);

  const Counters& counters() const { return m_counters; }
  std::uint64_t ticks() const { return m_counters.ticks; }
  std::uint64_t envelopesDrained() const { return m_counters.envelopesDrained; }
  // The bridge's own mailbox: what its coalescing lane replaced before a tick drained it.
  bus::MailboxStats mailboxStats() const { return m_mailbox->stats(); }
  // Handler batches delivered for T so far.
  template <contract::Message T>
  std::uint64_t batchesOf() const {
    const auto it = m_channels.find(std::type_index(typeid(T)));
    return it == m_channels.end() ? 0 : it->second->batches;
  }
  // Starts as UiContext::paperTrading; follows contract::TradingMode from then on (an attached GUI learns the
  // server's PAPER/LIVE from its heartbeat after start-up).
  bool paperTrading() const { return m_paperTrading; }
  // The broker of the trading process ("paper", "alpaca"); empty until a TradingMode was seen.
  const QString& brokerName() const { return m_brokerName; }

 public Q_SLOTS:
  // Drains and delivers once; called by the timer. Public so tests or a "refresh now" action can force a tick.
  void onTick();

 Q_SIGNALS:
  void commandPublished(const QString& correlationId, const QString& description);
  // PAPER/LIVE or the broker changed: badges and the order ticket's confirmation default (on for LIVE) follow it.
  void tradingModeChanged(bool paperTrading, const QString& broker);

 private:
  template <class T>
  struct Handler {
    QPointer<QObject> receiver;
    std::function<void(const Batch<T>&)> fn;
  };
  template <class A>
  struct Pending {
    QPointer<QObject> receiver;
    std::function<void(std::shared_ptr<const A>)> done;
    std::chrono::steady_clock::time_point deadline;
    std::chrono::milliseconds timeout{};
  };

  // One message type's delivery state (type-erased so the tick can walk them in catalogue order).
  struct ChannelBase {
    virtual ~ChannelBase() = default;
    virtual bool add(const bus::Envelope& e) = 0;  // false: nobody wanted it
    virtual std::size_t flush(Counters& c) = 0;    // delivers the tick's batch; returns handler calls
    virtual std::size_t pendingCount() const { return 0; }
    std::uint64_t batches = 0;
  };

  template <class T>
  struct Channel final : ChannelBase {
    std::vector<Handler<T>> handlers;
    std::unordered_map<std::string, Pending<T>> pending;  // Answer: by correlation id
    Batch<T> batch;
    std::unordered_map<std::string, std::size_t> index;   // LatestPerKey: key -> position in batch
    std::uint64_t dropped = 0;

    bool add(const bus::Envelope& e) override {
      using contract::UiDelivery;
      constexpr UiDelivery policy = contract::Spec<T>::ui;
      if (policy != UiDelivery::Answer && handlers.empty()) return false;
      auto v = e.share<T>();
      if (!v) return false;
      if constexpr (policy == UiDelivery::Answer) {
        if (!pending.count(v->correlationId)) return false;  // another window's request
        batch.push_back(std::move(v));
      } else if constexpr (policy == UiDelivery::Latest) {
        batch.assign(1, std::move(v));
      } else if constexpr (policy == UiDelivery::LatestPerKey) {
        const auto [it, inserted] = index.try_emplace(std::string(contract::Spec<T>::key(*v)), batch.size());
        if (inserted) batch.push_back(std::move(v));
        else batch[it->second] = std::move(v);
      } else {
        batch.push_back(std::move(v));
      }
      return true;
    }

    std::size_t flush(Counters& c) override {
      std::size_t calls = 0;
      if constexpr (contract::Spec<T>::ui == contract::UiDelivery::Answer) {
        for (auto& answer : batch) {
          auto it = pending.find(answer->correlationId);
          if (it == pending.end()) continue;
          Pending<T> p = std::move(it->second);
          pending.erase(it);
          if (p.receiver) {
            p.done(answer);
            ++calls;
          }
        }
        batch.clear();
        const auto now = std::chrono::steady_clock::now();
        std::vector<std::string> expired;
        for (const auto& [corr, p] : pending)
          if (now >= p.deadline) expired.push_back(corr);
        for (const auto& corr : expired) {
          ++c.requestsTimedOut;
          const auto ms = pending.at(corr).timeout.count();
          calls += answerLocally(corr, "no answer within " + std::to_string(ms / 1000) + " s", "timeout");
        }
      } else {
        if (batch.empty()) return 0;
        if constexpr (contract::Spec<T>::ui == contract::UiDelivery::Append) {
          if (batch.size() > kMaxPerTick) {
            const std::size_t excess = batch.size() - kMaxPerTick;
            batch.erase(batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(excess));
            c.droppedInUi += excess;
          }
        }
        std::erase_if(handlers, [](const Handler<T>& h) { return !h.receiver; });
        const auto current = handlers;  // a handler may register another one
        for (const auto& h : current) {
          if (!h.receiver) continue;
          h.fn(batch);
          ++calls;
        }
        batch.clear();
        index.clear();
      }
      if (calls) ++batches;
      return calls;
    }

    // Answers a pending request with an error (timeout, refusal). Returns 1 when a live receiver got it.
    std::size_t answerLocally(const std::string& corr, const std::string& error, const char* code) {
      if constexpr (contract::Spec<T>::ui == contract::UiDelivery::Answer) {
        auto it = pending.find(corr);
        if (it == pending.end()) return 0;
        Pending<T> p = std::move(it->second);
        pending.erase(it);
        auto a = std::make_shared<T>();
        a->correlationId = corr;
        a->error = error;
        if constexpr (requires { a->errorCode; }) a->errorCode = code;
        if (!p.receiver) return 0;
        p.done(std::move(a));
        return 1;
      } else {
        (void)corr, (void)error, (void)code;
        return 0;
      }
    }

    std::size_t pendingCount() const override { return pending.size(); }
  };

  template <class T>
  Channel<T>& channel() {
    auto& slot = m_channels[std::type_index(typeid(T))];
    if (!slot) slot = std::make_unique<Channel<T>>();
    return static_cast<Channel<T>&>(*slot);
  }
  void refused(const std::string& correlationId, const std::string& reason);

  bus::EventBus* m_bus = nullptr;
  std::shared_ptr<common::InAppLogBuffer> m_logs;
  std::shared_ptr<bus::Mailbox> m_mailbox;
  std::vector<bus::SubscriptionId> m_subscriptions;
  std::unordered_map<std::type_index, std::unique_ptr<ChannelBase>> m_channels;
  std::vector<ChannelBase*> m_order;  // catalogue order
  QTimer m_timer;
  bool m_paperTrading = true;
  QString m_brokerName;

  std::vector<bus::Envelope> m_drained;
  std::vector<std::pair<QPointer<QObject>, std::function<void(const std::vector<common::LogRecord>&)>>> m_logHandlers;
  std::vector<common::LogRecord> m_logRecords;
  std::uint64_t m_lastLogSeq = 0;

  Counters m_counters;
};

}  // namespace meridian::ui
