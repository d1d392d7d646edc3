#include "core/runtime/Kernel.h"

#include "core/contract/MarketData.h"
#include "core/contract/Orders.h"
#include "core/contract/Strategy.h"
#include "core/execution/ExecutionService.h"
#include "core/execution/paper/PaperBroker.h"
#include "core/common/Logging.h"
#include "core/contract/System.h"
#include "core/jobs/HealthMonitor.h"
#include "core/contract/Jobs.h"
#include "core/jobs/Scheduler.h"
#include "core/notify/Notifier.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <functional>
#include <future>
#include <map>
#include <optional>

using namespace meridian;

class tst_Kernel : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  common::Config config(const QString& file) {
    common::Config c;
    c.set("db.backend", "sqlite");
    c.set("db.sqlite_path", m_dir.filePath(file));
    c.set("market.feed", "none");  // tests publish their own market data unless they ask for the feed
    return c;
  }
  static domain::Order msftLimit(const std::string& id) {
    return {.clientOrderId = id, .symbol = "MSFT", .type = domain::OrderType::Limit, .quantity = 10, .limitPrice = 400};
  }
  static std::vector<bus::Envelope> waitFor(bus::Mailbox& mb, std::size_t n) {
    std::vector<bus::Envelope> got;
    QElapsedTimer t;
    t.start();
    while (got.size() < n && t.elapsed() < 5000)
      if (mb.waitNonEmpty(std::chrono::milliseconds(50))) mb.drain(got);
    return got;
  }

 private Q_SLOTS:
  void submitIsJournaledBeforeTheUiHearsOfIt() {
    auto cfg = config("k1.sqlite");
    cfg.set("risk.trading_hours", "false");  // the test runs at any hour
    runtime::Kernel k(cfg);
    auto events = std::make_shared<bus::Mailbox>();
    k.bus().subscribe("exec.order.*", events);
    QVERIFY(k.start().ok());
    QVERIFY(k.execution());
    QCOMPARE(std::string(k.execution()->brokerName()), std::string("paper"));
    QVERIFY(k.bus().send(contract::SubmitOrder{"C-9", msftLimit("MRD-test-1")}).ok());
    auto got = waitFor(*events, 2);
    QCOMPARE(got.size(), std::size_t(2));
    const auto* upd = got[0].as<contract::OrderUpdated>();
    QVERIFY(upd);
    QCOMPARE(upd->correlationId, std::string("C-9"));
    QVERIFY(upd->order.status == domain::OrderStatus::PendingSubmit);
    QVERIFY(got[1].as<contract::OrderUpdated>()->order.status == domain::OrderStatus::Accepted);
    // The events are published after the journal write: the journal already has it.
    auto stored = k.storage().call([](storage::IStorage& s) { return s.loadOrder("MRD-test-1"); }).get();
    QVERIFY(stored.ok() && stored.value().has_value());
    QCOMPARE(stored.value()->symbol, std::string("MSFT"));
    k.stop();
  }

  void theBrokerSeesAnOrderOnlyAfterTheJournalHasIt() {
    // The storage thread is held on a barrier: the execution thread handles the command (the order is in the OMS,
    // pending_submit) but may not hand it to the broker until the journal write is acknowledged.
    auto cfg = config("k7.sqlite");
    cfg.set("risk.trading_hours", "false");
    runtime::Kernel k(cfg);
    auto events = std::make_shared<bus::Mailbox>();
    k.bus().subscribe("exec.order.*", events);
    QVERIFY(k.start().ok());
    std::promise<void> release;
    std::promise<void> entered;
    std::shared_future<void> gate = release.get_future().share();
    k.storage().post([gate, &entered](storage::IStorage&) {
      entered.set_value();
      gate.wait();
    });
    entered.get_future().wait();

    QVERIFY(k.bus().send(contract::SubmitOrder{"C-7", msftLimit("MRD-test-7")}).ok());
    auto brokerState = [&k](std::uint64_t& armed, std::string& status) {
      k.execution()->runOnThread([&](execution::ExecutionService& s) {
        armed = static_cast<execution::PaperBroker&>(s.broker()).submissions();
        const auto* m = s.orders().find("MRD-test-7");
        status = m ? std::string(domain::toString(m->order.status)) : std::string();
      });
    };
    std::uint64_t armed = 99;
    std::string status;
    QTRY_VERIFY_WITH_TIMEOUT((brokerState(armed, status), !status.empty()), 5000);
    QCOMPARE(status, std::string("pending_submit"));
    QCOMPARE(armed, std::uint64_t(0));  // the journal has not answered: nothing went to the venue
    std::vector<bus::Envelope> early;
    events->drain(early);
    QCOMPARE(early.size(), std::size_t(0));  // and nobody heard of the order yet

    release.set_value();
    auto got = waitFor(*events, 2);
    QCOMPARE(got.size(), std::size_t(2));
    QVERIFY(got[0].as<contract::OrderUpdated>()->order.status == domain::OrderStatus::PendingSubmit);
    QVERIFY(got[1].as<contract::OrderUpdated>()->order.status == domain::OrderStatus::Accepted);
    brokerState(armed, status);
    QCOMPARE(armed, std::uint64_t(1));
    QCOMPARE(status, std::string("accepted"));
    k.stop();
  }

  void paperMarketOrdersFillAtTheTouchOfTheirSide() {
    // Quotes of our own (bid 99.90 / ask 100.10 / last 100.00) and 10 bps slippage: a buy fills at the ask + 10 bps,
    // a sell at the bid - 10 bps, exactly; never at the last or the other side.
    auto cfg = config("k8.sqlite");
    for (const auto& [key, value] : {std::pair{"risk.trading_hours", "false"}, {"paper.slippage_bps", "10"}}) cfg.set(key, value);
    runtime::Kernel k(cfg);
    auto events = std::make_shared<bus::Mailbox>();
    for (const char* topic : {"exec.order.*", "exec.fill.>"}) k.bus().subscribe(topic, events);
    QVERIFY(k.start().ok());
    auto publishQuote = [&k](double bid, double ask, double last) {
      domain::Quote q;
      q.symbol = "AAPL";
      q.bid = bid;
      q.ask = ask;
      q.last = last;
      q.ts = k.clock()->now();
      k.bus().publish(contract::QuoteUpdated{q});
    };
    // The first event that matches (up to 5 s).
    auto next = [&events](const std::function<bool(const bus::Envelope&)>& match) -> std::optional<bus::Envelope> {
      QElapsedTimer t;
      t.start();
      while (t.elapsed() < 5000)
        for (const auto& e : waitFor(*events, 1))
          if (match(e)) return e;
      return std::nullopt;
    };
    const std::pair<domain::Side, double> cases[] = {{domain::Side::Buy, 100.10 * 1.001}, {domain::Side::Sell, 99.90 * 0.999}};
    int n = 0;
    for (const auto& [side, expected] : cases) {
      publishQuote(99.0, 99.2, 99.1);  // the reference price for risk; the order is not armed yet
      domain::Order o;
      o.clientOrderId = "MRD-side-" + std::to_string(++n);
      o.symbol = "AAPL";
      o.quantity = 10;
      o.side = side;
      QVERIFY(k.bus().send(contract::SubmitOrder{"C-side", o}).ok());
      const auto accepted = next([&](const bus::Envelope& e) {
        const auto* u = e.as<contract::OrderUpdated>();
        return u && u->order.clientOrderId == o.clientOrderId && u->order.status == domain::OrderStatus::Accepted;
      });
      QVERIFY2(accepted, "the order was not accepted");
      publishQuote(99.90, 100.10, 100.00);
      const auto filled = next([&](const bus::Envelope& e) {
        const auto* f = e.as<contract::OrderFilled>();
        return f && f->fill.clientOrderId == o.clientOrderId;
      });
      QVERIFY2(filled, "no fill");
      const auto* fill = filled->as<contract::OrderFilled>();
      QCOMPARE(fill->fill.quantity, 10.0);
      QCOMPARE(fill->fill.price, expected);
    }
    k.stop();
  }

  void riskRejectReachesTheUiWithItsReason() {
    runtime::Kernel k(config("k4.sqlite"));
    auto events = std::make_shared<bus::Mailbox>();
    k.bus().subscribe("exec.order.*", events);
    k.bus().subscribe("sys.command.>", events);
    QVERIFY(k.start().ok());
    domain::Order o;
    o.clientOrderId = "MRD-test-4";
    o.symbol = "MSFT";
    o.quantity = 10;  // market order without any quote: no reference price (or the market is closed)
    QVERIFY(k.bus().send(contract::SubmitOrder{"C-4", o}).ok());
    auto got = waitFor(*events, 2);
    QCOMPARE(got.size(), std::size_t(2));
    const contract::OrderUpdated* upd = nullptr;
    const contract::CommandRejected* rej = nullptr;
    for (const auto& e : got) {
      if (!upd) upd = e.as<contract::OrderUpdated>();
      if (!rej) rej = e.as<contract::CommandRejected>();
    }
    QVERIFY(upd && rej);
    QVERIFY(upd->order.status == domain::OrderStatus::Rejected);
    QVERIFY(!upd->order.rejectReason.empty());
    QCOMPARE(rej->correlationId, std::string("C-4"));
    k.stop();
  }

  void embeddedDefaultTradesAgainstTheSimulatedMarket() {
    // The zero-account default: simulated feed + paper broker. A market order fills at a simulated price and
    // shows up as a fill and a position, with no server and no clock dependency (the feed is always open).
    auto cfg = config("k6.sqlite");
    cfg.set("market.feed", "simulated");
    cfg.set("market.sim_ticks_per_second", "5000");
    runtime::Kernel k(cfg);
    auto quotes = std::make_shared<bus::Mailbox>();
    auto fills = std::make_shared<bus::Mailbox>();
    k.bus().subscribe("md.quote.AAPL", quotes);
    k.bus().subscribe("exec.fill.>", fills);
    QVERIFY(k.start().ok());
    QVERIFY(k.simulatedMarket());
    auto q = waitFor(*quotes, 1);
    QVERIFY2(!q.empty(), "no simulated AAPL quote within 5 s");
    const double last = q.back().as<contract::QuoteUpdated>()->quote.last;
    QVERIFY(last > 0.0);

    domain::Order o;
    o.symbol = "AAPL";
    o.quantity = 25;
    o.side = domain::Side::Buy;
    QVERIFY(k.bus().send(contract::SubmitOrder{"C-sim", o}).ok());
    auto f = waitFor(*fills, 1);
    QCOMPARE(f.size(), std::size_t(1));
    const auto* fill = f[0].as<contract::OrderFilled>();
    QVERIFY(fill);
    QCOMPARE(fill->fill.quantity, 25.0);
    QVERIFY2(std::abs(fill->fill.price / last - 1.0) < 0.02, "fill far from the simulated market");
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
          auto p = k.storage().call([](storage::IStorage& s) { return s.loadFills("", 10); }).get();
          return p.ok() && p.value().size() == 1;
        }(),
        5000);
    k.stop();
  }

  void operationsArePublishedForTheJobsAndOpsDocks() {
    runtime::Kernel k(config("k7.sqlite"));
    auto jobsBox = std::make_shared<bus::Mailbox>();
    auto healthBox = std::make_shared<bus::Mailbox>();
    k.bus().subscribe<contract::JobsSnapshot>(jobsBox);
    k.bus().subscribe<contract::HealthSnapshot>(healthBox);
    QVERIFY(k.start().ok());
    QVERIFY(k.scheduler() && k.health() && k.notifier());
    k.health()->checkNow();
    const auto js = waitFor(*jobsBox, 1);
    QVERIFY(!js.empty());
    const auto* jobsSnap = js.back().as<contract::JobsSnapshot>();
    QVERIFY(jobsSnap);
    std::map<std::string, bool> configured;
    for (const auto& j : jobsSnap->jobs) configured[j.name] = j.configured;
    QCOMPARE(configured.size(), std::size_t(5));
    QVERIFY(configured.at("db_backup"));          // built in
    QVERIFY(configured.at("eod_ingest"));          // runtime/JobActions: provider download of the universe
    QVERIFY(configured.at("pair_discovery"));      // pairs scan over stored bars
    QVERIFY(configured.at("company_info"));        // configured; without a Polygon key a run fails and says so
    QVERIFY(!configured.at("strategy_cycle"));     // honest: no strategy.live in this config
    const contract::HealthSnapshot* health = nullptr;
    QElapsedTimer t;
    t.start();
    std::vector<bus::Envelope> hs;
    while (t.elapsed() < 10'000) {  // the first snapshot may predate the probes' first answers
      if (healthBox->waitNonEmpty(std::chrono::milliseconds(100))) healthBox->drain(hs);
      health = hs.empty() ? nullptr : hs.back().as<contract::HealthSnapshot>();
      if (health && !health->components.empty() && health->components.front().state != contract::HealthState::Unknown)
        break;
    }
    QVERIFY(health);
    std::map<std::string, contract::HealthState> states;
    std::map<std::string, bool> required;
    for (const auto& c : health->components) {
      states[c.name] = c.state;
      required[c.name] = c.required;
    }
    // The rows and rules of `meridian-cli health` (runtime/HealthProbes.h), standalone without Redis.
    QVERIFY(states.at("Database (sqlite)") == contract::HealthState::Ok);
    QVERIFY(required.at("Database (sqlite)"));
    QVERIFY(states.at("Redis (standalone)") == contract::HealthState::Disabled);
    QVERIFY(states.at("Server (meridian-cli serve)") == contract::HealthState::Disabled);
    QVERIFY(!required.at("Server (meridian-cli serve)"));
    QVERIFY(states.count("Broker (paper)") == 1);
    QVERIFY(required.at("Broker (paper)"));
    k.stop();
  }

  void unknownBrokerKindFailsStart() {
    auto cfg = config("k5.sqlite");
    cfg.set("broker.kind", "ib");
    runtime::Kernel k(cfg);
    Status s = k.start();
    QVERIFY(!s.ok());
    QVERIFY(s.error().message.find("broker.kind") != std::string::npos);
  }

  void startRepublishesJournaledOpenOrdersAndPositions() {
    const auto cfg = config("k2.sqlite");
    {
      storage::StorageService seed(runtime::storageConfigFrom(cfg));
      QVERIFY(seed.start().ok());
      domain::Order open;
      open.clientOrderId = "MRD-open";
      open.symbol = "NVDA";
      open.quantity = 5;
      open.status = domain::OrderStatus::Accepted;
      domain::Order done = open;
      done.clientOrderId = "MRD-done";
      done.status = domain::OrderStatus::Filled;
      domain::Position p{"NVDA", "", 5, 100.0};
      seed.call([&](storage::IStorage& s) {
            QVERIFY(s.journalOrder(open).ok());
            QVERIFY(s.journalOrder(done).ok());
            QVERIFY(s.savePosition(p).ok());
          })
          .get();
    }
    runtime::Kernel k(cfg);
    auto events = std::make_shared<bus::Mailbox>();
    k.bus().subscribe("exec.>", events);
    QVERIFY(k.start().ok());
    // The execution service reconciles the journal with the broker, then publishes the restored state.
    auto got = waitFor(*events, 3);
    const contract::OrderUpdated* order = nullptr;
    const contract::PositionsSnapshot* pos = nullptr;
    int orderEvents = 0;
    for (const auto& e : got) {
      if (const auto* o = e.as<contract::OrderUpdated>()) {
        order = o;
        ++orderEvents;
      }
      if (!pos) pos = e.as<contract::PositionsSnapshot>();
    }
    QVERIFY(order);
    QCOMPARE(orderEvents, 1);  // only the open order
    QCOMPARE(order->order.clientOrderId, std::string("MRD-open"));
    QVERIFY(pos);
    QCOMPARE(pos->positions.size(), std::size_t(1));
    QCOMPARE(pos->positions[0].avgCost, 100.0);
  }

  void warningsArePersistedToTheLogsTable() {
    common::initLogging(common::LogOptions{});
    runtime::Kernel k(config("k3.sqlite"));
    QVERIFY(k.start().ok());
    common::logger("test")->info("info line stays out of the database");
    common::logger("test")->error("disk almost full on /data");
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
          auto rows = k.storage().call([](storage::IStorage& s) { return s.recentLogs(100); }).get();
          if (!rows.ok()) return false;
          for (const auto& r : rows.value())
            if (r.message == "disk almost full on /data" && r.level == "error" && r.logger == "test") return true;
          return false;
        }(),
        5000);
    auto rows = k.storage().call([](storage::IStorage& s) { return s.recentLogs(100); }).get();
    for (const auto& r : rows.value()) QVERIFY(r.message != "info line stays out of the database");
    k.stop();
    common::shutdownLogging();
  }

  void unopenableDatabaseFailsStartClearly() {
    common::Config c;
    c.set("db.backend", "postgres");
    c.set("db.pg_uri", "postgresql://meridian:pw-not-logged@127.0.0.1:1/none?connect_timeout=2");
    runtime::Kernel k(c);
    Status s = k.start();
    QVERIFY(!s.ok());
    QVERIFY2(s.error().message.find("pw-not-logged") == std::string::npos, s.error().message.c_str());
    k.stop();  // harmless after a failed start
  }
};

QTEST_GUILESS_MAIN(tst_Kernel)
#include "tst_Kernel.moc"
