#include "core/execution/ExecutionService.h"

#include "core/common/Config.h"
#include "core/common/Ids.h"
#include "core/common/Logging.h"
#include "core/common/Redact.h"
#include "core/execution/OrderStateMachine.h"
#include "core/time/NyseCalendar.h"

#include <fmt/format.h>

#include <algorithm>
#include <future>
#include <typeindex>
#include <unordered_set>

namespace meridian::execution {
namespace {

using domain::OrderStatus;

std::shared_ptr<spdlog::logger> log() { return common::logger("execution"); }

// The commands of core/contract/Orders.h and Risk.h: they wait for the start-up reconciliation.
bool isCommand(const bus::Envelope& e) {
  static const std::unordered_set<std::type_index> commands{
      typeid(contract::SubmitOrder),      typeid(contract::SubmitBracket),   typeid(contract::SubmitOco),
      typeid(contract::ReplaceOrder),     typeid(contract::CancelOrder),     typeid(contract::EngageKillSwitch),
      typeid(contract::ResetKillSwitch),  typeid(contract::ResetCircuitBreaker), typeid(contract::SetRiskLimits)};
  return commands.count(e.type) > 0;
}

}  // namespace

ExecutionConfig ExecutionConfig::fromConfig(const common::Config& c) {
  ExecutionConfig x;
  x.limits = risk::RiskLimits::fromConfig(c);
  x.initialCash = c.doubleValue("paper.initial_cash", x.initialCash);
  x.leverage = c.doubleValue("risk.leverage", x.leverage);
  x.correlationWindow = static_cast<std::size_t>(std::max(2, c.intValue("risk.correlation_window", 60)));
  for (const QString& pair : c.value("risk.pairs").split(',', Qt::SkipEmptyParts)) {
    const QStringList legs = pair.trimmed().split('/');
    if (legs.size() == 2 && !legs[0].trimmed().isEmpty() && !legs[1].trimmed().isEmpty())
      x.pairs.emplace_back(legs[0].trimmed().toStdString(), legs[1].trimmed().toStdString());
  }
  return x;
}

ExecutionService::ExecutionService(bus::EventBus& bus, std::shared_ptr<IJournalQueue> journal,
                                   std::unique_ptr<IBroker> broker, ExecutionConfig config,
                                   std::shared_ptr<const common::IClock> clock)
    : m_bus(bus),
      m_journal(std::move(journal)),
      m_broker(std::move(broker)),
      m_brokerName(m_broker ? std::string(m_broker->name()) : std::string()),
      m_config(std::move(config)),
      m_clock(clock ? std::move(clock) : std::make_shared<common::RealClock>()),
      m_risk(m_config.limits),
      m_book(m_config.initialCash),
      m_correlation(m_config.correlationWindow) {}

ExecutionService::~ExecutionService() { stop(); }

Status ExecutionService::start() {
  if (m_running) return {};
  auto spool = JournalSpool::open(m_config.spool, m_clock);
  if (!spool.ok()) return makeError("execution.journal", "execution: journal spool: " + spool.error().message);
  m_spool = std::move(spool).value();
  // Hand what the spool holds to the database, then load the journal (start-up only: the storage thread answers
  // through a promise). Nothing starts on a journal that misses events of the previous run.
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  auto orders = std::make_shared<std::vector<domain::Order>>();
  auto positions = std::make_shared<std::vector<domain::Position>>();
  m_journal->post([promise, orders, positions, spool = m_spool](storage::IOrderJournal& j) {
    if (Status s = spool->drain(j, true); !s.ok())
      return promise->set_value(makeError(s.error().code, fmt::format("{} spooled event(s) of the previous run are "
                                                                      "not in the database yet: {}",
                                                                      spool->pending(), s.error().message)));
    auto o = j.loadOpenOrders();
    if (!o.ok()) return promise->set_value(o.error());
    auto p = j.loadPositions();
    if (!p.ok()) return promise->set_value(p.error());
    *orders = std::move(o).value();
    *positions = std::move(p).value();
    promise->set_value(Status{});
  });
  if (future.wait_for(std::chrono::seconds(30)) != std::future_status::ready)
    return makeError("execution.journal", "execution: the journal did not answer within 30 s");
  if (Status s = future.get(); !s.ok())
    return makeError("execution.journal", "execution: cannot load the order journal: " + s.error().message);
  m_startOrders = std::move(*orders);
  m_startPositions = std::move(*positions);

  m_mailbox = std::make_shared<bus::Mailbox>("execution");
  // Broker events: reported inside a call on the execution thread (paper) -> handled right after that call;
  // reported from anywhere else (Alpaca's worker) -> a private lossless message, handled in its turn.
  m_inbox->mailbox = m_mailbox;
  m_broker->setSink([inbox = m_inbox](BrokerEvent e) {
    if (inbox->owner.load() == std::this_thread::get_id()) inbox->reportedInCall.push_back(std::move(e));
    else inbox->mailbox->push(bus::Envelope::local(std::move(e)));
  });
  m_subscriptions = {m_bus.subscribe<contract::SubmitOrder>(m_mailbox), m_bus.subscribe<contract::CancelOrder>(m_mailbox),
                     m_bus.subscribe<contract::SubmitBracket>(m_mailbox), m_bus.subscribe<contract::SubmitOco>(m_mailbox),
                     m_bus.subscribe<contract::ReplaceOrder>(m_mailbox),
                     m_bus.subscribe<contract::EngageKillSwitch>(m_mailbox),
                     m_bus.subscribe<contract::ResetKillSwitch>(m_mailbox),
                     m_bus.subscribe<contract::ResetCircuitBreaker>(m_mailbox),
                     m_bus.subscribe<contract::SetRiskLimits>(m_mailbox),
                     m_bus.subscribe<contract::QuoteUpdated>(m_mailbox), m_bus.subscribe<contract::BarClosed>(m_mailbox)};
  m_running = true;
  m_thread = std::thread(&ExecutionService::run, this);
  return {};
}

void ExecutionService::stop() {
  if (!m_running.exchange(false)) return;
  for (auto id : m_subscriptions) m_bus.unsubscribe(id);
  m_subscriptions.clear();
  // The thread handles what is queued, shuts the broker down and journals the broker's last events; the mailbox
  // stays open until then so that those events can still arrive.
  if (m_thread.joinable()) m_thread.join();
  if (m_mailbox) m_mailbox->close();
}

contract::ComponentHealth ExecutionService::brokerHealth() const {
  contract::ComponentHealth h;
  if (!m_running) {
    h.state = contract::HealthState::Down;
    h.detail = "execution service stopped";
    return h;
  }
  const BrokerConnectionState c = m_broker->connectionState();
  switch (c.state) {
    case BrokerConnectivity::Connected:
      h.state = contract::HealthState::Ok;
      h.detail = c.failures == 0 ? "connected" : "connected (last error: " + c.lastError + ")";
      break;
    case BrokerConnectivity::Degraded:
      h.state = contract::HealthState::Degraded;
      h.detail = "degraded: " + c.lastError;
      break;
    case BrokerConnectivity::Disconnected:
      h.state = contract::HealthState::Down;
      h.detail = "disconnected: " + c.lastError;
      break;
  }
  h.detail = common::redact(h.detail);
  return h;
}

SpoolStatus ExecutionService::spoolStatus() const {
  return m_spool ? m_spool->status() : SpoolStatus{m_config.spool.path};
}

contract::ComponentHealth ExecutionService::journalHealth() const {
  contract::ComponentHealth h;
  const SpoolStatus s = spoolStatus();
  if (s.pending > 0) {
    h.state = contract::HealthState::Degraded;
    h.detail = fmt::format("{} event(s) spooled to {} since {}, waiting for the database: {}", s.pending, s.path,
                           s.oldestTs > 0 ? fmt::format("{:.0f} s ago", static_cast<double>(now() - s.oldestTs) / 1e9)
                                          : std::string("start"),
                           s.lastError);
  } else if (s.refused > 0) {
    h.state = contract::HealthState::Degraded;
    h.detail = fmt::format("{} event(s) refused by the database, kept in {}.refused: {}", s.refused, s.path, s.lastError);
  } else {
    h.state = contract::HealthState::Ok;
    h.detail = s.drained > 0 ? fmt::format("every event in the database ({} from the spool)", s.drained)
                             : std::string("every event in the database");
  }
  h.detail = common::redact(h.detail);
  return h;
}

void ExecutionService::runOnThread(std::function<void(ExecutionService&)> fn) {
  if (!m_running || std::this_thread::get_id() == m_thread.get_id()) {
    fn(*this);
    return;
  }
  auto done = std::make_shared<std::promise<void>>();
  auto f = done->get_future();
  m_mailbox->push(bus::Envelope::local(Invoke{[fn = std::move(fn), done](ExecutionService& s) {
                             fn(s);
                             done->set_value();
                           }}));
  f.wait();
}

// ---- Thread ---------------------------------------------------------------------------------------------------

void ExecutionService::run() {
  m_inbox->owner = std::this_thread::get_id();
  m_reconciled = false;
  m_accountReady = true;
  m_accountRequested = false;
  m_stopping = false;
  startUp();
  bus::Dispatcher d;
  // Commands: a relayed one whose deadline passed while it waited in this thread's queue (or for the start-up
  // reconciliation) is answered "Expired" and not executed; the order commands carry the deadline on to the
  // moment the broker would be called (after the journal write).
  auto command = [&]<class T>(std::function<void(const T&, domain::Timestamp deadline)> fn) {
    d.on<T>([this, fn = std::move(fn)](const bus::Envelope& e, const T& c) {
      if (!e.pastDeadline(now())) fn(c, e.deadline);
      else expired(c.correlationId, e.deadline, "the execution queue");
    });
  };
  command.operator()<contract::SubmitOrder>([this](const auto& c, domain::Timestamp dl) { onSubmit(c, dl); });
  command.operator()<contract::SubmitBracket>([this](const auto& c, domain::Timestamp dl) { onBracket(c, dl); });
  command.operator()<contract::SubmitOco>([this](const auto& c, domain::Timestamp dl) { onOco(c, dl); });
  command.operator()<contract::ReplaceOrder>([this](const auto& c, domain::Timestamp dl) { onReplace(c, dl); });
  command.operator()<contract::CancelOrder>([this](const auto& c, domain::Timestamp) { onCancel(c); });
  command.operator()<contract::EngageKillSwitch>([this](const auto& c, domain::Timestamp) { onKillSwitch(c); });
  command.operator()<contract::ResetKillSwitch>([this](const auto& c, domain::Timestamp) { onResetKillSwitch(c); });
  command.operator()<contract::ResetCircuitBreaker>([this](const auto& c, domain::Timestamp) { onResetBreaker(c); });
  d.on<contract::SetRiskLimits>([this](const bus::Envelope&, const contract::SetRiskLimits& c) { onSetRiskLimits(c); });
  d.on<contract::QuoteUpdated>([this](const bus::Envelope&, const contract::QuoteUpdated& e) { onQuote(e); });
  d.on<contract::BarClosed>([this](const bus::Envelope&, const contract::BarClosed& e) { onBar(e); });
  d.on<JournalAck>([this](const bus::Envelope&, const JournalAck& a) { onJournalAck(a); });
  d.on<BrokerEvent>([this](const bus::Envelope&, const BrokerEvent& e) { onBrokerEvent(e); });
  d.on<AccountAnswer>([this](const bus::Envelope&, const AccountAnswer& a) { onAccountAnswer(a); });
  d.on<Invoke>([this](const bus::Envelope&, const Invoke& i) { i.fn(*this); });

  auto handle = [&](const bus::Envelope& e) {
    try {
      if (!d.dispatch(e)) log()->warn("unhandled message on {}", e.topic);
    } catch (const std::exception& ex) {
      log()->error("handling {} failed: {}", e.topic, ex.what());
    }
    processBrokerEvents();
  };
  // Commands wait (in arrival order) until the broker has reconciled the journal's open orders and the venue
  // account is in, as they did when reconciliation blocked this thread; everything else is handled meanwhile.
  auto handleOrHold = [&](bus::Envelope& e) {
    if (!readyForCommands() && isCommand(e)) {
      if (m_heldCommands.empty()) log()->info("commands wait for the {} broker's reconciliation", m_brokerName);
      m_heldCommands.push_back(std::move(e));
      return;
    }
    handle(e);
    while (readyForCommands() && !m_heldCommands.empty()) {
      const bus::Envelope held = std::move(m_heldCommands.front());
      m_heldCommands.pop_front();
      handle(held);
    }
  };

  std::vector<bus::Envelope> batch;
  while (m_running) {
    if (m_mailbox->waitNonEmpty(std::chrono::milliseconds(50))) {
      batch.clear();
      m_mailbox->drain(batch, 4096);
      for (auto& e : batch) handleOrHold(e);
    }
    tick(now());
    processBrokerEvents();
  }

  // Stopping (unsubscribed: no new commands or market data). What is queued is handled as usual.
  batch.clear();
  m_mailbox->drain(batch);
  for (auto& e : batch) handleOrHold(e);
  if (!m_heldCommands.empty())
    log()->warn("{} command(s) not handled: stopped before the {} broker reconciled", m_heldCommands.size(), m_brokerName);
  m_heldCommands.clear();
  // From here, journal acknowledgements send nothing (those orders stay pending_submit in the journal and the next
  // start reconciles them). The broker finishes the venue requests it has and stops; its last events are journaled.
  m_stopping = true;
  m_broker->shutdown();
  processBrokerEvents();
  m_mailbox->close();
  batch.clear();
  m_mailbox->drain(batch);
  for (const auto& e : batch) {
    if (isCommand(e)) continue;  // published before the unsubscription took effect: the sender never heard back
    handle(e);
  }
  log()->info("execution stopped ({} broker)", m_brokerName);
}

void ExecutionService::startUp() {
  m_oms.restore(m_startOrders);
  m_book.restore(m_startPositions, m_config.initialCash);
  m_broker->restoreAccount(m_book.cash(), m_startPositions);
  m_dayEnd = time::NyseCalendar::instance().nextClose(now());
  for (const auto& [a, b] : m_config.pairs) m_correlation.registerPair(a, b);

  log()->info("execution starting with the {} broker: {} open order(s), {} position row(s) from the journal",
              m_brokerName, m_startOrders.size(), m_startPositions.size());
  if (m_broker->accountAtVenue()) {
    // The venue keeps the account of record: the day starts from its cash when it answers (before any command,
    // so risk checks never see the journal's guess of the cash).
    m_accountReady = false;
    requestAccount(true);
  } else {
    m_book.startDay();
  }
  m_broker->reconcile(m_startOrders);
  processBrokerEvents();
  // Late subscribers (the UI) see the restored state.
  for (const auto& id : m_oms.workingIds())
    if (const ManagedOrder* m = m_oms.find(id))
      m_bus.publish(contract::OrderUpdated{m->order, {}});
  publishSnapshots(true);
  publishRiskState();
  m_startOrders.clear();
  m_startPositions.clear();
}

void ExecutionService::requestAccount(bool startUp) {
  m_accountRequested = true;
  m_lastAccountRefresh = now();
  m_broker->requestAccount([mailbox = m_mailbox, startUp](Result<AccountInfo> a) {
    mailbox->push(bus::Envelope::local(AccountAnswer{std::move(a), startUp}));
  });
}

void ExecutionService::onAccountAnswer(const AccountAnswer& a) {
  m_accountRequested = false;
  if (a.account.ok()) {
    m_brokerAccount = a.account.value();
    m_haveBrokerAccount = true;
    m_book.setCash(m_brokerAccount.cash);
  } else if (a.startUp) {
    log()->warn("{} account: {}", m_brokerName, a.account.error().message);
  }
  if (!a.startUp) return;
  m_book.startDay();
  if (m_haveBrokerAccount && m_brokerAccount.lastEquity > 0.0) m_book.setDayStartEquity(m_brokerAccount.lastEquity);
  m_accountReady = true;
  publishSnapshots(true);
}

void ExecutionService::tick(domain::Timestamp t) {
  m_broker->poll(t);
  // Spooled journal events: a drain attempt at most once a second even when no new event comes to trigger one.
  if (m_spool && m_spool->pending() > 0) {
    const auto wall = std::chrono::steady_clock::now();
    if (wall - m_lastDrainPost >= m_config.spool.retryInterval) {
      m_lastDrainPost = wall;
      m_journal->post([spool = m_spool](storage::IOrderJournal& j) { (void)spool->drain(j); });
    }
  }
  if (t >= m_dayEnd && m_dayEnd > 0) {
    m_book.startDay();
    m_dayEnd = time::NyseCalendar::instance().nextClose(t);
    log()->info("new trading day: start-of-day equity {:.2f}", m_book.totals().dayStartEquity);
  }
  if (t - m_lastSnapshot >= m_config.snapshotInterval || m_lastSnapshot == 0) {
    m_lastSnapshot = t;
    if (m_broker->accountAtVenue() && !m_accountRequested && t - m_lastAccountRefresh >= m_config.accountRefreshInterval)
      requestAccount(false);  // applied when the answer arrives
    checkBreaker();
    publishSnapshots(true);
    m_oms.pruneTerminal(m_config.keepTerminalOrders);
  }
}

// ---- Commands -------------------------------------------------------------------------------------------------

void ExecutionService::prepareNew(domain::Order& o) const {
  if (o.clientOrderId.empty()) o.clientOrderId = common::newClientOrderId();
  const domain::Timestamp t = now();
  if (o.createdTs == 0) o.createdTs = t;
  o.updatedTs = std::max(t, o.createdTs);
  o.status = OrderStatus::New;
  o.brokerOrderId.clear();
  o.filledQuantity = 0.0;
  o.avgFillPrice = 0.0;
  o.rejectReason.clear();
}

risk::RiskState ExecutionService::riskState(const domain::Order& o) {
  risk::RiskState s;
  s.now = now();
  const risk::PnlTotals& t = m_book.totals();
  s.equity = t.equity;
  s.peakEquity = t.peakEquity;
  s.dayStartEquity = t.dayStartEquity;
  s.grossExposure = t.grossExposure;
  s.lastPrice = m_book.lastPrice(o.symbol);
  s.positionQty = m_book.positionQty(o.symbol);
  m_oms.workingQuantity(o.symbol, s.workingBuyQty, s.workingSellQty);
  if (auto pair = risk::CorrelationGuard::parsePairTag(o.strategyId)) {
    s.pairsLeg = true;
    m_correlation.registerPair(pair->first, pair->second);
    s.pairCorrelation = m_correlation.correlation(pair->first, pair->second);
  }
  return s;
}

bool ExecutionService::passRisk(const std::string& id, const std::string& corr) {
  const ManagedOrder* m = m_oms.find(id);
  if (!m) return false;
  const risk::RiskDecision d = m_risk.check(m->order, riskState(m->order));
  if (d.ok) return true;
  rejectOrder(id, corr, std::string(risk::toString(d.rule)), std::string(d.reason()));
  return false;
}

void ExecutionService::rejectOrder(const std::string& id, const std::string& corr, const std::string& rule,
                                   const std::string& reason) {
  OmsEffects fx;
  m_oms.transition(id, OrderStatus::Rejected, now(), reason, fx);
  if (const ManagedOrder* m = m_oms.find(id))
    log()->warn("order {} {} {} {} rejected [{}]: {}", id, domain::toString(m->order.side), m->order.quantity,
                m->order.symbol, rule, reason);
  m_bus.publish(contract::RiskRejected{corr, id, rule, reason});
  commandRejected(corr, fmt::format("{}: {}", id, reason));
  apply(fx);
}

void ExecutionService::commandRejected(const std::string& corr, const std::string& reason) {
  m_bus.publish(contract::CommandRejected{corr, reason});
}

void ExecutionService::journalThen(const std::vector<std::string>& ids, std::function<void()> then) {
  const std::uint64_t seq = m_nextAckSeq++;
  std::vector<contract::OrderUpdated> updates;
  for (const auto& id : ids)
    if (const ManagedOrder* m = m_oms.find(id)) updates.push_back(contract::OrderUpdated{m->order, m->correlationId});
  for (const auto& id : ids) m_unsent.insert(id);
  m_afterJournal.emplace(seq, [this, ids, then = std::move(then)](bool ok, const std::string& error) {
    for (const auto& id : ids) m_unsent.erase(id);
    if (ok) {
      then();
      return;
    }
    for (const auto& id : ids) {
      const ManagedOrder* m = m_oms.find(id);
      if (m && !domain::isTerminal(m->order.status))
        rejectOrder(id, m->correlationId, "journal", "not sent: " + error);
    }
  });
  m_journal->post([updates = std::move(updates), bus = &m_bus, mailbox = m_mailbox, seq,
                   spool = m_spool](storage::IOrderJournal& j) {
    JournalAck ack{seq, true, {}};
    storage::JournalBatch batch;
    for (const auto& u : updates) batch.orders.push_back(u.order);
    if (Status s = spool->admit(j, batch); !s.ok()) {
      ack.ok = false;
      ack.error = s.error().message;
    } else {
      for (const auto& u : updates) bus->publish(u);
    }
    mailbox->push(bus::Envelope::local(std::move(ack)));
  });
}

void ExecutionService::onJournalAck(const JournalAck& ack) {
  auto it = m_afterJournal.find(ack.seq);
  if (it == m_afterJournal.end()) return;
  auto fn = std::move(it->second);
  m_afterJournal.erase(it);
  if (m_stopping) {
    log()->warn("journal acknowledgement {} after the broker stopped: its order(s) stay pending_submit in the journal "
                "and are reconciled at the next start",
                ack.seq);
    return;
  }
  if (!ack.ok) log()->error("order journal write failed: {}", ack.error);
  fn(ack.ok, ack.error);
}

void ExecutionService::expired(const std::string& corr, domain::Timestamp deadline, std::string_view where) {
  const contract::CommandRejected answer = contract::expiredCommand(corr, now() - deadline, where);
  log()->warn("command {} not executed: {}", corr, answer.reason);
  m_bus.publish(answer);
}

bool ExecutionService::expiredBeforeSend(const std::vector<std::string>& ids, const std::string& corr,
                                         domain::Timestamp deadline) {
  if (deadline == 0 || now() <= deadline) return false;
  // Journaled pending_submit, never handed to the broker: they end Expired (journaled, reported) with the reason.
  const contract::CommandRejected answer = contract::expiredCommand(corr, now() - deadline, "the order journal");
  OmsEffects fx;
  for (const auto& id : ids)
    if (const ManagedOrder* m = m_oms.find(id); m && m->order.status == OrderStatus::PendingSubmit)
      m_oms.transition(id, OrderStatus::Expired, now(), answer.reason, fx);
  log()->warn("command {} not sent to the broker: {}", corr, answer.reason);
  m_bus.publish(answer);
  apply(fx);
  return true;
}

void ExecutionService::onSubmit(const contract::SubmitOrder& cmd, domain::Timestamp deadline) {
  domain::Order o = cmd.order;
  prepareNew(o);
  const std::string id = o.clientOrderId;
  if (const ManagedOrder* m = m_oms.find(id)) {
    // Same client order id again (a re-sent command): idempotent, nothing is submitted twice.
    m_bus.publish(contract::OrderUpdated{m->order, cmd.correlationId});
    commandRejected(cmd.correlationId, fmt::format("duplicate client order id {} (already {})", id,
                                                   domain::toString(m->order.status)));
    return;
  }
  if (Status s = m_oms.add(o, cmd.correlationId); !s.ok()) {
    commandRejected(cmd.correlationId, s.error().message);
    return;
  }
  if (!passRisk(id, cmd.correlationId)) return;
  OmsEffects fx;
  m_oms.transition(id, OrderStatus::PendingSubmit, now(), {}, fx);
  journalThen({id}, [this, id, corr = cmd.correlationId, deadline] {
    if (expiredBeforeSend({id}, corr, deadline)) return;
    const ManagedOrder* m = m_oms.find(id);
    if (m && m->order.status == OrderStatus::PendingSubmit) m_broker->submit(m->order);
  });
}

void ExecutionService::onBracket(const contract::SubmitBracket& cmd, domain::Timestamp deadline) {
  domain::Order entry = cmd.entry, tp = cmd.takeProfit, sl = cmd.stopLoss;
  for (auto* o : {&entry, &tp, &sl}) prepareNew(*o);
  const bool native = m_broker->nativeOrderGroups();
  if (Status s = m_oms.addBracket(entry, tp, sl, cmd.correlationId, native); !s.ok()) {
    commandRejected(cmd.correlationId, "bracket: " + s.error().message);
    return;
  }
  const std::vector<std::string> ids{entry.clientOrderId, tp.clientOrderId, sl.clientOrderId};
  // Exits are validated like any order (prices), except for the band / exposure rules that they exist to end.
  for (const auto& exitId : {tp.clientOrderId, sl.clientOrderId}) {
    const domain::Order& x = m_oms.find(exitId)->order;
    const bool bad = (x.type == domain::OrderType::Limit && !(x.limitPrice > 0.0)) ||
                     (domain::hasStopPrice(x.type) && !(x.stopPrice > 0.0));
    if (bad) {
      for (const auto& id : ids) rejectOrder(id, cmd.correlationId, "invalid_order", "bracket exit without a valid price");
      return;
    }
  }
  if (!passRisk(entry.clientOrderId, cmd.correlationId)) {
    for (const auto& id : {tp.clientOrderId, sl.clientOrderId})
      rejectOrder(id, cmd.correlationId, "bracket", "bracket entry rejected");
    return;
  }
  OmsEffects fx;
  m_oms.transition(entry.clientOrderId, OrderStatus::PendingSubmit, now(), {}, fx);
  if (native) {
    m_oms.transition(tp.clientOrderId, OrderStatus::PendingSubmit, now(), {}, fx);
    m_oms.transition(sl.clientOrderId, OrderStatus::PendingSubmit, now(), {}, fx);
  }
  journalThen(ids, [this, ids, native, corr = cmd.correlationId, deadline] {
    if (expiredBeforeSend(ids, corr, deadline)) return;
    const ManagedOrder* e = m_oms.find(ids[0]);
    if (!e || e->order.status != OrderStatus::PendingSubmit) return;
    if (native) {
      m_broker->submitBracket(e->order, m_oms.find(ids[1])->order, m_oms.find(ids[2])->order);
    } else {
      m_broker->submit(e->order);
    }
  });
}

void ExecutionService::onOco(const contract::SubmitOco& cmd, domain::Timestamp deadline) {
  domain::Order a = cmd.first, b = cmd.second;
  prepareNew(a);
  prepareNew(b);
  const bool native = m_broker->nativeOrderGroups();
  if (Status s = m_oms.addOco(a, b, cmd.correlationId, native); !s.ok()) {
    commandRejected(cmd.correlationId, "OCO: " + s.error().message);
    return;
  }
  const std::vector<std::string> ids{a.clientOrderId, b.clientOrderId};
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (!passRisk(ids[i], cmd.correlationId)) {
      const std::string& other = ids[1 - i];
      if (!domain::isTerminal(m_oms.find(other)->order.status))
        rejectOrder(other, cmd.correlationId, "oco", "the other OCO leg was rejected");
      return;
    }
  }
  OmsEffects fx;
  for (const auto& id : ids) m_oms.transition(id, OrderStatus::PendingSubmit, now(), {}, fx);
  journalThen(ids, [this, ids, native, corr = cmd.correlationId, deadline] {
    if (expiredBeforeSend(ids, corr, deadline)) return;
    const ManagedOrder* x = m_oms.find(ids[0]);
    const ManagedOrder* y = m_oms.find(ids[1]);
    if (!x || !y) return;
    if (native) {
      if (x->order.status == OrderStatus::PendingSubmit && y->order.status == OrderStatus::PendingSubmit)
        m_broker->submitOco(x->order, y->order);
      return;
    }
    for (const ManagedOrder* m : {x, y})
      if (m->order.status == OrderStatus::PendingSubmit) m_broker->submit(m->order);
  });
}

void ExecutionService::onReplace(const contract::ReplaceOrder& cmd, domain::Timestamp deadline) {
  const ManagedOrder* m = m_oms.find(cmd.clientOrderId);
  if (!m || m->held || !OrderStateMachine::isWorking(m->order.status) || m->order.status == OrderStatus::PendingCancel) {
    commandRejected(cmd.correlationId, fmt::format("replace: order {} is not working", cmd.clientOrderId));
    return;
  }
  if (m->role == OrderRole::BracketEntry) {
    commandRejected(cmd.correlationId, "replace: a bracket entry cannot be replaced; cancel it and submit again");
    return;
  }
  domain::Order r = m->order;
  r.clientOrderId = cmd.newClientOrderId;
  prepareNew(r);
  r.createdTs = now();
  if (cmd.quantity > 0.0) r.quantity = cmd.quantity;
  if (cmd.limitPrice > 0.0) r.limitPrice = cmd.limitPrice;
  if (cmd.stopPrice > 0.0) r.stopPrice = cmd.stopPrice;
  const std::string origId = cmd.clientOrderId;
  const std::string newId = r.clientOrderId;
  if (Status s = m_oms.addReplacement(origId, r, cmd.correlationId); !s.ok()) {
    commandRejected(cmd.correlationId, "replace: " + s.error().message);
    return;
  }
  if (!passRisk(newId, cmd.correlationId)) return;
  OmsEffects fx;
  m_oms.transition(newId, OrderStatus::PendingSubmit, now(), {}, fx);
  journalThen({newId}, [this, origId, newId, corr = cmd.correlationId, deadline] {
    if (expiredBeforeSend({newId}, corr, deadline)) return;
    const ManagedOrder* o = m_oms.find(origId);
    const ManagedOrder* n = m_oms.find(newId);
    if (!n || n->order.status != OrderStatus::PendingSubmit) return;
    if (!o || !OrderStateMachine::isWorking(o->order.status)) {
      rejectOrder(newId, corr, "replace", "the original order is no longer working");
      return;
    }
    m_broker->replace(o->order, n->order);
  });
}

void ExecutionService::cancelWorking(const std::string& id, const std::string& reason, OmsEffects& fx) {
  const ManagedOrder* m = m_oms.find(id);
  if (!m) return;
  const OrderStatus st = m->order.status;
  if (m->held || st == OrderStatus::New) {
    m_oms.transition(id, OrderStatus::Cancelled, now(), reason, fx);
    return;
  }
  if (m_unsent.count(id)) {
    // Journaled but not handed to the broker yet (waiting for the journal ack): it never leaves.
    m_unsent.erase(id);
    m_oms.transition(id, OrderStatus::Cancelled, now(), reason, fx);
    return;
  }
  if (!OrderStateMachine::isWorking(st) || st == OrderStatus::PendingCancel) return;
  m_oms.transition(id, OrderStatus::PendingCancel, now(), {}, fx);
  m_broker->cancel(m_oms.find(id)->order);
}

void ExecutionService::cancelAll(const std::string& reason, const std::string& corr) {
  OmsEffects fx;
  const auto ids = m_oms.workingIds();
  for (const auto& id : ids) cancelWorking(id, reason, fx);
  log()->warn("cancel all ({}): {} working order(s)", reason, ids.size());
  apply(fx);
  processBrokerEvents();
  (void)corr;
}

void ExecutionService::onCancel(const contract::CancelOrder& cmd) {
  if (cmd.clientOrderId == contract::CancelOrder::kCancelAll) {
    cancelAll("cancel all", cmd.correlationId);
    return;
  }
  if (!m_oms.isWorking(cmd.clientOrderId)) {
    commandRejected(cmd.correlationId, fmt::format("cancel: order {} is not working", cmd.clientOrderId));
    return;
  }
  OmsEffects fx;
  cancelWorking(cmd.clientOrderId, "cancelled by request", fx);
  apply(fx);
}

void ExecutionService::onKillSwitch(const contract::EngageKillSwitch& cmd) {
  m_risk.engageKillSwitch(cmd.reason.empty() ? "manual" : cmd.reason);
  log()->error("KILL SWITCH engaged ({}): cancelling every working order, new orders blocked until reset",
               m_risk.killSwitchReason());
  cancelAll("kill switch", cmd.correlationId);
  publishRiskState();
}

void ExecutionService::onResetKillSwitch(const contract::ResetKillSwitch&) {
  m_risk.resetKillSwitch();
  log()->warn("kill switch reset: new orders accepted again");
  publishRiskState();
}

void ExecutionService::onResetBreaker(const contract::ResetCircuitBreaker&) {
  m_risk.resetCircuitBreaker();
  m_book.resetPeak();
  log()->warn("circuit breaker reset: peak equity restarts at {:.2f}", m_book.totals().peakEquity);
  publishRiskState();
}

void ExecutionService::onSetRiskLimits(const contract::SetRiskLimits& cmd) {
  common::Config overrides;
  std::string summary;
  for (const auto& [key, value] : cmd.values) {
    if (std::string why = risk::RiskLimits::checkSetting(key, value); !why.empty()) {
      log()->warn("risk limits not changed: {}", why);
      commandRejected(cmd.correlationId, "risk limits not changed: " + why);
      return;
    }
    overrides.set(QString::fromStdString(key), QString::fromStdString(value));
    const bool blank = QString::fromStdString(value).trimmed().isEmpty();
    summary += (summary.empty() ? "" : ", ") + key + "=" + (blank ? std::string("(default)") : value);
  }
  m_risk.setLimits(risk::RiskLimits::fromConfig(overrides, m_risk.limits()));
  log()->warn("risk limits changed while running: {}", summary.empty() ? "(none)" : summary);
  m_bus.publish(contract::RiskLimitsApplied{cmd.correlationId, summary});
}

void ExecutionService::onQuote(const contract::QuoteUpdated& e) {
  const double px = e.quote.last > 0.0 ? e.quote.last : e.quote.mid();
  if (m_book.mark(e.quote.symbol, px, e.quote.ts)) m_positionsDirty = true;
  m_broker->onQuote(e.quote);
  if (e.publishedNs != 0) m_quoteLatency.record(common::LatencyHistogram::steadyNowNs() - e.publishedNs);
}

void ExecutionService::onBar(const contract::BarClosed& e) {
  if (m_book.mark(e.symbol, e.bar.close, e.bar.ts)) m_positionsDirty = true;
  m_correlation.onBar(e.symbol, e.bar);
  m_broker->onBar(e.symbol, e.bar);
}

// ---- Broker events and effects --------------------------------------------------------------------------------

void ExecutionService::processBrokerEvents() {
  auto& reported = m_inbox->reportedInCall;
  while (!reported.empty()) {
    BrokerEvent e = std::move(reported.front());
    reported.pop_front();
    onBrokerEvent(std::move(e));
  }
}

void ExecutionService::onBrokerEvent(BrokerEvent e) {
  if (e.kind == BrokerEvent::Kind::Reconciled) {
    if (!m_reconciled) log()->info("{} broker reconciled with the journal", m_brokerName);
    m_reconciled = true;
    return;
  }
  if (e.ts == 0) e.ts = now();
  if (e.kind == BrokerEvent::Kind::Rejected) log()->warn("order {} rejected by {}: {}", e.clientOrderId, m_brokerName, e.reason);
  OmsEffects fx;
  m_oms.onBrokerEvent(e, fx);
  apply(fx);
}

void ExecutionService::apply(OmsEffects& fx) {
  if (fx.empty()) return;
  std::vector<contract::OrderUpdated> updates;
  for (const auto& id : fx.changed)
    if (const ManagedOrder* m = m_oms.find(id)) updates.push_back(contract::OrderUpdated{m->order, m->correlationId});
  std::vector<domain::Fill> fills = fx.fills;
  std::vector<domain::Position> positions;
  for (const auto& f : fills) {
    const domain::Position& p = m_book.apply(f);
    auto it = std::find_if(positions.begin(), positions.end(), [&](const domain::Position& q) {
      return q.symbol == p.symbol && q.strategyId == p.strategyId;
    });
    if (it == positions.end()) positions.push_back(p);
    else *it = p;
    log()->info("fill {} {} {} @ {:.4f} (order {})", domain::toString(f.side), f.quantity, f.symbol, f.price,
                f.clientOrderId);
  }
  std::shared_ptr<const contract::PositionsSnapshot> posSnap;
  if (!fills.empty()) {
    checkBreaker();  // raises the peak, then checks the drawdown
    posSnap = std::make_shared<const contract::PositionsSnapshot>(contract::PositionsSnapshot{m_book.positions(), now()});
  }
  storage::JournalBatch batch;
  for (const auto& u : updates) batch.orders.push_back(u.order);
  batch.fills = fills;
  batch.positions = std::move(positions);
  // Written, or spooled when the database cannot take it (JournalSpool): either way it is journaled.
  m_journal->post([updates = std::move(updates), batch = std::move(batch), posSnap, bus = &m_bus,
                   spool = m_spool](storage::IOrderJournal& j) {
    if (Status s = spool->write(j, batch); !s.ok())
      common::logger("execution")->error("journal write failed for {} order(s), {} fill(s): {}", batch.orders.size(),
                                         batch.fills.size(), s.error().message);
    for (const auto& u : updates) bus->publish(u);
    for (const auto& f : batch.fills) bus->publish(contract::OrderFilled{f});
    if (posSnap) bus->publish(posSnap);
  });

  // Activated bracket exits: journaled (pending_submit), then sent.
  if (!fx.toSubmit.empty()) {
    OmsEffects next;
    std::vector<std::string> ids;
    for (const auto& id : fx.toSubmit)
      if (m_oms.transition(id, OrderStatus::PendingSubmit, now(), {}, next)) ids.push_back(id);
    journalThen(ids, [this, ids] {
      for (const auto& id : ids) {
        const ManagedOrder* m = m_oms.find(id);
        if (m && m->order.status == OrderStatus::PendingSubmit) m_broker->submit(m->order);
      }
    });
  }
  if (!fx.toCancel.empty()) {
    OmsEffects next;
    for (const auto& id : fx.toCancel) cancelWorking(id, "other OCO leg filled", next);
    apply(next);
  }
}

void ExecutionService::checkBreaker() {
  // Until the venue's account is in, equity is the journal's guess of the cash: it sets no peak and trips nothing.
  if (!m_accountReady) return;
  m_book.updatePeak();
  const risk::PnlTotals& t = m_book.totals();
  if (m_risk.updateEquity(t.equity, t.peakEquity)) {
    log()->error("CIRCUIT BREAKER tripped: {}; new orders blocked until a manual reset", m_risk.circuitBreakerReason());
    publishRiskState();
  }
}

void ExecutionService::publishSnapshots(bool positions) {
  const domain::Timestamp t = now();
  const risk::PnlTotals& tot = m_book.totals();
  if (positions) m_bus.publish(contract::PositionsSnapshot{m_book.positions(), t});
  m_positionsDirty = false;
  if (!m_accountReady) return;  // the venue's account is not in yet: no account to show
  contract::AccountSnapshot a;
  a.broker = m_brokerName;
  a.cash = tot.cash;
  a.equity = tot.equity;
  a.buyingPower = m_haveBrokerAccount ? m_brokerAccount.buyingPower : m_book.buyingPower(m_config.leverage);
  a.dayPnl = tot.dayPnl;
  a.realizedPnl = tot.realizedPnl;
  a.unrealizedPnl = tot.unrealizedPnl;
  a.grossExposure = tot.grossExposure;
  a.peakEquity = tot.peakEquity;
  a.asOf = t;
  m_bus.publish(std::move(a));
}

void ExecutionService::publishRiskState() {
  contract::RiskStateChanged s;
  s.killSwitch = m_risk.killSwitchEngaged();
  s.circuitBreaker = m_risk.circuitBreakerTripped();
  s.killSwitchReason = m_risk.killSwitchReason();
  s.circuitBreakerReason = m_risk.circuitBreakerReason();
  s.ts = now();
  m_bus.publish(std::move(s));
}

}  // namespace meridian::execution
