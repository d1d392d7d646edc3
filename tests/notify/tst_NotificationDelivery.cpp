// Notification delivery end to end, against the local SMTP server (STARTTLS with the test CA, AUTH) and an HTTP
// recorder from NotifyTestServers.h: every event kind the rule table knows arrives once per channel with its facts
// (EventWatcher on a real bus + Notifier); a dead SMTP server and a webhook answering 500 are retried with backoff
// and every attempt is recorded in the `notifications` table (SQLite through the storage thread); a flood of one
// event is one message and one summary with the count; shutdown with deliveries stuck on a server that never
// answers returns within the grace period and the next start resumes them; the rule table and its settings.
#include <QElapsedTimer>
#include <QtTest>

#include "tests/support/RequireServers.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <mutex>
#include <set>

#include "core/bus/EventBus.h"
#include "core/common/Clock.h"
#include "core/common/Config.h"
#include "core/common/Logging.h"
#include "core/common/Redact.h"
#include "core/notify/EventWatcher.h"
#include "core/contract/NotificationRules.h"
#include "core/notify/Notifier.h"
#include "core/storage/StorageService.h"
#include "tests/notify/NotifyTestServers.h"

using namespace meridian;
using namespace meridian::notifytest;
using contract::Severity;

namespace deliverytest {

struct Deliveries {
  std::mutex m;
  std::vector<notify::Notifier::Delivery> all;
  void add(const notify::Notifier::Delivery& d) {
    std::lock_guard lock(m);
    all.push_back(d);
  }
  std::size_t count(const std::string& channel, bool finalOnly = false) {
    std::lock_guard lock(m);
    return std::size_t(std::count_if(all.begin(), all.end(), [&](const auto& d) {
      return d.channel == channel && (!finalOnly || d.final);
    }));
  }
};

}  // namespace deliverytest
using deliverytest::Deliveries;

namespace {

// Email with STARTTLS (trusting the test CA) and AUTH, and a webhook, both on local servers.
notify::NotifierSettings settingsFor(const QTcpServer& smtp, const QTcpServer& http) {
  notify::NotifierSettings s;
  s.smtp = smtpTo(smtp);
  s.smtp->caCertificatesPem = readFile(dataPath("test-smtp-cert.pem"));
  s.webhookUrl = QUrl(QStringLiteral("http://127.0.0.1:%1/hooks/T0/B0/TOKENSECRET?sig=abc123").arg(http.serverPort()));
  s.paper = true;
  s.displayZone = "Europe/London";
  return s;
}

std::unique_ptr<storage::StorageService> sqliteStorage(const QTemporaryDir& dir) {
  storage::StorageConfig c;
  c.backend = "sqlite";
  c.sqlitePath = dir.filePath(QStringLiteral("n.sqlite")).toStdString();
  auto s = std::make_unique<storage::StorageService>(c);
  return s->start().ok() ? std::move(s) : nullptr;
}

std::vector<storage::NotificationRecord> rows(storage::StorageService& s) {
  auto r = s.call([](storage::IStorage& st) { return st.listNotifications({}, 0); }).get();
  return r.ok() ? *r : std::vector<storage::NotificationRecord>{};
}

domain::Order order(const char* id, const char* symbol, domain::Side side, double qty, double filled, double avg,
                    domain::OrderStatus status, domain::Timestamp ts) {
  domain::Order o;
  o.clientOrderId = id;
  o.symbol = symbol;
  o.side = side;
  o.quantity = qty;
  o.filledQuantity = filled;
  o.avgFillPrice = avg;
  o.status = status;
  o.updatedTs = ts;
  o.type = domain::OrderType::Limit;
  o.limitPrice = 50.25;
  return o;
}

contract::HealthSnapshot broker(contract::HealthState state, std::string detail = {}) {
  contract::HealthSnapshot h;
  contract::ComponentHealth c;
  c.name = "Broker (paper)";
  c.kind = "broker";
  c.state = state;
  c.detail = std::move(detail);
  h.components.push_back(c);
  return h;
}

QJsonObject json(const QByteArray& b) { return QJsonDocument::fromJson(b).object(); }

}  // namespace

class tst_NotificationDelivery : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    common::LogOptions o;
    o.level = "debug";
    m_logs = common::initLogging(o);
    if (!QSslSocket::supportsSsl()) MERIDIAN_SKIP_OR_FAIL("no TLS backend");
  }
  void cleanupTestCase() { common::shutdownLogging(); }

  void eachEventKindArrivesOnceWithItsFacts() {
    SmtpScript script;
    script.offerStartTls = true;
    FakeSmtpServer smtp(script);
    QVERIFY(smtp.listen(QHostAddress::LocalHost));
    FakeHttpServer http;
    QVERIFY(http.listen(QHostAddress::LocalHost));

    // 2026-03-09 14:31:02 UTC = 10:31:02 EDT (New York, DST started 03-08) = 14:31:02 GMT (London, not yet BST).
    const domain::Timestamp t0 = domain::Timestamp(1773066662) * 1'000'000'000;
    common::SimulatedClock clock(t0);
    bus::EventBus bus;
    auto inApp = std::make_shared<bus::Mailbox>();
    bus.subscribe<contract::Notification>(inApp);
    auto settings = settingsFor(smtp, http);
    for (const auto& e : contract::NotificationRules::events()) settings.rules.set(e.id, contract::kNotifyAll);
    notify::Notifier notifier(settings, &bus, &clock);
    Deliveries deliveries;
    notifier.setDeliveryCallback([&](const notify::Notifier::Delivery& d) { deliveries.add(d); });
    notifier.start();
    notify::EventWatcher watcher(bus, clock, [&](contract::Notification n) { notifier.notify(std::move(n)); });
    watcher.start();

    using domain::OrderStatus;
    using domain::Side;
    // Replayed at reconciliation (last changed before the watcher started): not news.
    bus.publish(contract::OrderUpdated{order("old-1", "IBM", Side::Buy, 10, 10, 120, OrderStatus::Filled, t0 - 1), {}});
    bus.publish(contract::OrderUpdated{order("ord-1", "AAPL", Side::Buy, 100, 0, 0, OrderStatus::Accepted, t0), {}});
    bus.publish(contract::OrderUpdated{order("ord-1", "AAPL", Side::Buy, 100, 40, 187.5, OrderStatus::PartiallyFilled, t0), {}});
    bus.publish(contract::OrderUpdated{order("ord-1", "AAPL", Side::Buy, 100, 100, 187.8, OrderStatus::Filled, t0), {}});
    bus.publish(contract::RiskRejected{"corr-9", "ord-2", "max_order_notional", "order notional 1,250,000 > limit 100,000"});
    bus.publish(contract::OrderUpdated{order("ord-2", "TSLA", Side::Sell, 5000, 0, 0, OrderStatus::Rejected, t0), {}});
    // State messages share one coalescing slot per topic: let the watcher take each before the next replaces it.
    const auto drained = [&] {
      for (const auto& m : bus.mailboxStats())
        if (m.name == "notify-events") return m.lossless == 0 && m.coalescing == 0;
      return false;
    };
    const auto settled = [&](const auto& value) {
      bus.publish(value);
      QTRY_VERIFY(drained());
    };
    contract::RiskStateChanged risk;
    settled(risk);  // the baseline
    risk.killSwitch = true;
    risk.killSwitchReason = "manual: operator";
    settled(risk);
    risk.killSwitch = false;
    settled(risk);
    risk.circuitBreaker = true;
    risk.circuitBreakerReason = "drawdown 5.2% >= 5%";
    settled(risk);
    risk.circuitBreaker = false;
    settled(risk);
    settled(broker(contract::HealthState::Ok));
    settled(broker(contract::HealthState::Down, "connection refused"));
    settled(broker(contract::HealthState::Down, "connection refused"));  // still down: nothing new
    settled(broker(contract::HealthState::Ok));
    contract::HealthSnapshot feed;
    contract::DataFreshness f;
    f.symbol = "MSFT";
    f.kind = "bar";
    f.source = "alpaca";
    f.stale = true;
    f.staleAfterNs = 180'000'000'000;
    feed.freshness.push_back(f);
    settled(feed);
    settled(feed);  // still stale: nothing new
    notifier.notify(*notify::EventWatcher::jobFinished("eod_ingest", "failed", 4, "HTTP 503 from yahoo"));
    notifier.notify(*notify::EventWatcher::jobFinished("db_backup", "timed_out", 1, "timed out after 10m"));
    QVERIFY(!notify::EventWatcher::jobFinished("db_backup", "succeeded", 1, "").has_value());

    const std::vector<std::string> expected = {"partial_fill", "fill", "risk_rejected", "kill_switch_engaged",
                                               "kill_switch_reset", "breaker_tripped", "breaker_reset",
                                               "broker_disconnected", "broker_reconnected", "stale_feed",
                                               "job_failed", "job_timed_out"};
    const std::size_t n = expected.size();
    QTRY_VERIFY_WITH_TIMEOUT(deliveries.count("email") >= n && deliveries.count("webhook") >= n, 30'000);
    QCOMPARE(deliveries.count("email"), n);
    QCOMPARE(deliveries.count("webhook"), n);
    QTRY_COMPARE(smtp.messages.size(), qsizetype(n));
    {
      std::lock_guard lock(deliveries.m);
      for (const auto& d : deliveries.all) QVERIFY2(d.ok, d.error.c_str());
    }

    // Webhook: one document per event, in order, schema v1 with the facts.
    QCOMPARE(http.bodies.size(), qsizetype(n));
    std::map<QString, QJsonObject> byEvent;
    for (qsizetype i = 0; i < http.bodies.size(); ++i) {
      const QJsonObject o = json(http.bodies[i]);
      QVERIFY(!byEvent.count(o.value(QStringLiteral("event")).toString()));  // each once
      QCOMPARE(o.value(QStringLiteral("schema")).toString(), QStringLiteral("meridian.notification.v1"));
      QCOMPARE(o.value(QStringLiteral("mode")).toString(), QStringLiteral("paper"));
      QVERIFY(o.value(QStringLiteral("title")).toString().startsWith(QStringLiteral("[PAPER] ")));
      QCOMPARE(o.value(QStringLiteral("display_zone")).toString(), QStringLiteral("Europe/London"));
      byEvent[o.value(QStringLiteral("event")).toString()] = o;
    }
    const QJsonObject fill = byEvent[QStringLiteral("fill")];
    QCOMPARE(fill.value(QStringLiteral("symbol")).toString(), QStringLiteral("AAPL"));
    QCOMPARE(fill.value(QStringLiteral("side")).toString(), QStringLiteral("buy"));
    QCOMPARE(fill.value(QStringLiteral("qty")).toDouble(), 100.0);
    QCOMPARE(fill.value(QStringLiteral("price")).toDouble(), 187.8);
    QCOMPARE(fill.value(QStringLiteral("order_id")).toString(), QStringLiteral("ord-1"));
    QCOMPARE(fill.value(QStringLiteral("ts")).toString(), QStringLiteral("2026-03-09T14:31:02.000Z"));
    QCOMPARE(fill.value(QStringLiteral("time_new_york")).toString(), QStringLiteral("2026-03-09T10:31:02.000-04:00"));
    QCOMPARE(fill.value(QStringLiteral("time_display")).toString(), QStringLiteral("2026-03-09T14:31:02.000+00:00"));
    const QJsonObject partial = byEvent[QStringLiteral("partial_fill")];
    QCOMPARE(partial.value(QStringLiteral("qty")).toDouble(), 40.0);
    QCOMPARE(partial.value(QStringLiteral("price")).toDouble(), 187.5);
    QCOMPARE(partial.value(QStringLiteral("order_id")).toString(), QStringLiteral("ord-1"));
    const QJsonObject rejected = byEvent[QStringLiteral("risk_rejected")];
    QCOMPARE(rejected.value(QStringLiteral("symbol")).toString(), QStringLiteral("TSLA"));
    QCOMPARE(rejected.value(QStringLiteral("side")).toString(), QStringLiteral("sell"));
    QCOMPARE(rejected.value(QStringLiteral("qty")).toDouble(), 5000.0);
    QCOMPARE(rejected.value(QStringLiteral("price")).toDouble(), 50.25);
    QCOMPARE(rejected.value(QStringLiteral("order_id")).toString(), QStringLiteral("ord-2"));
    QVERIFY(rejected.value(QStringLiteral("body")).toString().contains(QStringLiteral("limit 100,000")));
    QVERIFY(byEvent[QStringLiteral("kill_switch_engaged")].value(QStringLiteral("body")).toString().contains(QStringLiteral("manual: operator")));
    QVERIFY(byEvent[QStringLiteral("breaker_tripped")].value(QStringLiteral("body")).toString().contains(QStringLiteral("drawdown 5.2%")));
    QVERIFY(byEvent[QStringLiteral("broker_disconnected")].value(QStringLiteral("body")).toString().contains(QStringLiteral("connection refused")));
    QCOMPARE(byEvent[QStringLiteral("stale_feed")].value(QStringLiteral("symbol")).toString(), QStringLiteral("MSFT"));
    QCOMPARE(byEvent[QStringLiteral("job_failed")].value(QStringLiteral("title")).toString(), QStringLiteral("[PAPER] Job eod_ingest failed"));
    QCOMPARE(byEvent[QStringLiteral("job_timed_out")].value(QStringLiteral("title")).toString(), QStringLiteral("[PAPER] Job db_backup timed out"));
    QCOMPARE(byEvent[QStringLiteral("job_timed_out")].value(QStringLiteral("severity")).toString(), QStringLiteral("error"));

    // Email: the same events over STARTTLS, each once, facts and both zones in the text.
    for (const auto& e : smtp.log) QVERIFY2(e.encrypted || e.line.startsWith("EHLO") || e.line == "STARTTLS", e.line.constData());
    QString fillMail;
    std::set<QString> subjects;
    for (const QByteArray& m : smtp.messages) {
      const QString body = decodedBody(m);
      QVERIFY2(body.contains(QStringLiteral("America/New_York")) && body.contains(QStringLiteral("(Europe/London)")),
               qPrintable(body));
      const int s = m.indexOf("Subject: ");
      subjects.insert(QString::fromUtf8(m.mid(s, m.indexOf("\r\n", s) - s)));
      if (body.contains(QStringLiteral("Order filled (fill)"))) fillMail = body;
    }
    QCOMPARE(subjects.size(), n);  // each event once
    QVERIFY2(fillMail.contains(QStringLiteral("Symbol:  AAPL")), qPrintable(fillMail));
    QVERIFY(fillMail.contains(QStringLiteral("Side:    buy")));
    QVERIFY(fillMail.contains(QStringLiteral("Qty:     100")));
    QVERIFY(fillMail.contains(QStringLiteral("Price:   187.8")));
    QVERIFY(fillMail.contains(QStringLiteral("Order:   ord-1")));
    QVERIFY2(fillMail.contains(QStringLiteral("2026-03-09 10:31:02 EDT (America/New_York)")), qPrintable(fillMail));
    QVERIFY2(fillMail.contains(QStringLiteral("2026-03-09 14:31:02 GMT (Europe/London)")), qPrintable(fillMail));

    // In-app: the same twelve, each once (the replayed order is not among them).
    std::vector<bus::Envelope> envs;
    inApp->drain(envs);
    QCOMPARE(envs.size(), n);
    std::set<std::string> inAppEvents;
    for (const auto& e : envs) {
      const auto* m = e.as<contract::Notification>();
      inAppEvents.insert(m->event);
      QVERIFY(m->toast && m->tray);
    }
    QCOMPARE(inAppEvents, std::set<std::string>(expected.begin(), expected.end()));
    QCOMPARE(byEvent.size(), n);
    watcher.stop();
    runWhileServing([&] { notifier.stop(); });
  }

  void defaultRulesKeepTradesInApp() {
    FakeSmtpServer smtp({});
    QVERIFY(smtp.listen(QHostAddress::LocalHost));
    FakeHttpServer http;
    QVERIFY(http.listen(QHostAddress::LocalHost));
    bus::EventBus bus;
    auto inApp = std::make_shared<bus::Mailbox>();
    bus.subscribe<contract::Notification>(inApp);
    auto settings = settingsFor(smtp, http);  // default rules
    notify::Notifier notifier(settings, &bus);
    Deliveries deliveries;
    notifier.setDeliveryCallback([&](const notify::Notifier::Delivery& d) { deliveries.add(d); });
    notifier.start();
    contract::Notification fill;
    fill.event = "fill";
    fill.title = "Filled";
    notifier.notify(fill);
    contract::Notification killed;
    killed.event = "kill_switch_engaged";
    killed.severity = Severity::Error;
    killed.title = "Kill switch engaged";
    notifier.notify(killed);
    // The kill switch reaches both external channels; the fill (queued before it) never does.
    QTRY_VERIFY_WITH_TIMEOUT(deliveries.count("email") == 1 && deliveries.count("webhook") == 1, 20'000);
    QCOMPARE(http.requests, 1);
    QCOMPARE(json(http.bodies.front()).value(QStringLiteral("event")).toString(), QStringLiteral("kill_switch_engaged"));
    std::vector<bus::Envelope> envs;
    inApp->drain(envs);
    QCOMPARE(envs.size(), std::size_t(2));
    QVERIFY(envs[0].as<contract::Notification>()->toast && !envs[0].as<contract::Notification>()->tray);
    QVERIFY(envs[1].as<contract::Notification>()->toast && envs[1].as<contract::Notification>()->tray);
    runWhileServing([&] { notifier.stop(); });
  }

  void deadSmtpAndFailingWebhookAreRetriedAndRecorded() {
    QTemporaryDir dir;
    auto storage = sqliteStorage(dir);
    QVERIFY(storage);
    QTcpServer closed;  // a port nobody listens on any more: connection refused
    QVERIFY(closed.listen(QHostAddress::LocalHost));
    FakeHttpServer http;
    http.script = {500, 500};  // then 200
    QVERIFY(http.listen(QHostAddress::LocalHost));
    auto settings = settingsFor(closed, http);
    closed.close();
    settings.maxAttempts = 3;
    settings.retryBase = std::chrono::milliseconds(20);
    notify::Notifier notifier(settings, nullptr, nullptr, std::make_shared<notify::StorageOutbox>(*storage));
    Deliveries deliveries;
    notifier.setDeliveryCallback([&](const notify::Notifier::Delivery& d) { deliveries.add(d); });
    notifier.start();
    notifier.notify(Severity::Error, "Job eod_ingest failed", "attempt 4: HTTP 503", "jobs");
    QTRY_VERIFY_WITH_TIMEOUT(deliveries.count("email", true) == 1 && deliveries.count("webhook", true) == 1, 20'000);
    QCOMPARE(deliveries.count("email"), std::size_t(3));
    QCOMPARE(deliveries.count("webhook"), std::size_t(3));
    QCOMPARE(http.requests, 3);
    runWhileServing([&] { notifier.stop(); });

    const auto r = rows(*storage);
    QCOMPARE(r.size(), std::size_t(2));
    const auto& email = r[0].channel == "email" ? r[0] : r[1];
    const auto& hook = r[0].channel == "email" ? r[1] : r[0];
    QCOMPARE(email.status, std::string("failed"));
    QCOMPARE(email.attempts, 3);
    QVERIFY2(!email.lastError.empty(), email.lastError.c_str());
    QCOMPARE(email.subject, std::string("[PAPER] Job eod_ingest failed"));
    QCOMPARE(hook.status, std::string("sent"));
    QCOMPARE(hook.attempts, 3);
    QVERIFY(hook.lastError.empty());
    QCOMPARE(json(QByteArray::fromStdString(hook.body)).value(QStringLiteral("body")).toString(),
             QStringLiteral("attempt 4: HTTP 503"));
    const auto c = notifier.counters();
    QCOMPARE(c.emailsFailed, 3u);
    QCOMPARE(c.webhooksFailed, 2u);
    QCOMPARE(c.webhooksSent, 1u);
    QCOMPARE(c.gaveUp, 1u);
    QCOMPARE(c.retried, 4u);
    // The webhook's secret path and query are in no error and no log line.
    std::vector<common::LogRecord> records;
    m_logs->recordsSince(0, records);
    for (const auto& rec : records) {
      QVERIFY2(rec.message.find("TOKENSECRET") == std::string::npos, rec.message.c_str());
      QVERIFY2(rec.message.find("abc123") == std::string::npos, rec.message.c_str());
    }
    for (const auto& x : r) QVERIFY(x.lastError.find("TOKENSECRET") == std::string::npos);
  }

  void floodIsOneMessageAndOneSummary() {
    FakeSmtpServer smtp({});
    QVERIFY(smtp.listen(QHostAddress::LocalHost));
    FakeHttpServer http;
    QVERIFY(http.listen(QHostAddress::LocalHost));
    auto settings = settingsFor(smtp, http);
    settings.smtp->starttls = false;
    settings.dedupWindow = std::chrono::minutes(10);  // longer than the test: only stop() closes it
    bus::EventBus bus;
    auto inApp = std::make_shared<bus::Mailbox>();
    bus.subscribe<contract::Notification>(inApp);
    notify::Notifier notifier(settings, &bus);
    Deliveries deliveries;
    notifier.setDeliveryCallback([&](const notify::Notifier::Delivery& d) { deliveries.add(d); });
    notifier.start();
    for (int i = 0; i < 15; ++i)
      notifier.notify(*notify::EventWatcher::jobFinished("eod_ingest", "failed", 4, fmt::format("HTTP 503 #{}", i + 1)));
    // The first at once; the 14 repeats are held while the window is open.
    QTRY_VERIFY_WITH_TIMEOUT(deliveries.count("email") == 1 && deliveries.count("webhook") == 1, 20'000);
    QCOMPARE(notifier.counters().suppressed, 14u);
    QCOMPARE(notifier.counters().summaries, 0u);
    // Stopping closes every open window: the summary goes out within the shutdown time, and nothing after it.
    runWhileServing([&] { notifier.stop(); });
    QCOMPARE(notifier.counters().summaries, 1u);
    QCOMPARE(deliveries.count("email"), std::size_t(2));
    QCOMPARE(http.bodies.size(), qsizetype(2));
    QCOMPARE(smtp.messages.size(), qsizetype(2));
    const QJsonObject first = json(http.bodies[0]);
    const QJsonObject summary = json(http.bodies[1]);
    QCOMPARE(first.value(QStringLiteral("count")).toInt(), 1);
    QCOMPARE(summary.value(QStringLiteral("count")).toInt(), 14);
    QCOMPARE(summary.value(QStringLiteral("title")).toString(), QStringLiteral("[PAPER] Job eod_ingest failed (+14 more)"));
    QVERIFY2(summary.value(QStringLiteral("body")).toString().contains(QStringLiteral("HTTP 503 #15")),
             qPrintable(summary.value(QStringLiteral("body")).toString()));
    QVERIFY(decodedBody(smtp.messages[1]).contains(QStringLiteral("Count:   14")));
    std::vector<bus::Envelope> envs;
    inApp->drain(envs);
    QCOMPARE(envs.size(), std::size_t(2));  // in-app too

    // The end of the window sends the summary by itself, also when the repeats come after the first was sent
    // (the dispatcher is then asleep with no window end to wait for: the first repeat must wake it).
    auto quick = settings;
    quick.dedupWindow = std::chrono::seconds(4);
    notify::Notifier timed(quick, nullptr);
    Deliveries more;
    timed.setDeliveryCallback([&](const notify::Notifier::Delivery& d) { more.add(d); });
    timed.start();
    QElapsedTimer window;
    window.start();
    timed.notify(*notify::EventWatcher::jobFinished("db_backup", "timed_out", 1, "x"));
    QTRY_VERIFY_WITH_TIMEOUT(more.count("webhook") == 1 && more.count("email") == 1, 20'000);
    QVERIFY2(window.elapsed() < 3000, "the first delivery took most of the window: the repeats would open another");
    for (int i = 0; i < 2; ++i) timed.notify(*notify::EventWatcher::jobFinished("db_backup", "timed_out", 1, "x"));
    QCOMPARE(timed.counters().suppressed, 2u);
    QTRY_VERIFY_WITH_TIMEOUT(more.count("webhook") == 2 && more.count("email") == 2, 20'000);
    QCOMPARE(timed.counters().summaries, 1u);
    QCOMPARE(json(http.bodies.back()).value(QStringLiteral("count")).toInt(), 2);
    runWhileServing([&] { timed.stop(); });
  }

  void shutdownIsBoundedAndTheNextStartResumes() {
    QTemporaryDir dir;
    auto storage = sqliteStorage(dir);
    QVERIFY(storage);
    BlackHoleServer hole;  // accepts, never answers: every attempt would wait for its full timeout
    QVERIFY(hole.listen(QHostAddress::LocalHost));
    auto settings = settingsFor(hole, hole);
    settings.smtp->timeoutMs = 20'000;
    settings.webhookTimeoutMs = 20'000;
    settings.shutdownGrace = std::chrono::milliseconds(1500);
    {
      notify::Notifier notifier(settings, nullptr, nullptr, std::make_shared<notify::StorageOutbox>(*storage));
      notifier.start();
      for (int i = 0; i < 5; ++i) notifier.notify(Severity::Error, fmt::format("Broker down #{}", i), "x");
      QTRY_COMPARE(rows(*storage).size(), std::size_t(10));  // persisted before the first attempt
      QElapsedTimer t;
      t.start();
      notifier.stop();
      const qint64 ms = t.elapsed();
      qInfo("stop() with 10 deliveries pending on a silent server: %lld ms", ms);
      QVERIFY2(ms < 5000, qPrintable(QString::number(ms)));
    }
    for (const auto& r : rows(*storage)) {
      QCOMPARE(r.status, std::string("queued"));
      QCOMPARE(r.attempts, 0);  // cut off by shutdown: not counted as a failed attempt
    }

    // Next start, servers back: everything queued goes out, once.
    FakeSmtpServer smtp({});
    QVERIFY(smtp.listen(QHostAddress::LocalHost));
    FakeHttpServer http;
    QVERIFY(http.listen(QHostAddress::LocalHost));
    auto again = settingsFor(smtp, http);
    again.smtp->starttls = false;
    notify::Notifier notifier(again, nullptr, nullptr, std::make_shared<notify::StorageOutbox>(*storage));
    Deliveries deliveries;
    notifier.setDeliveryCallback([&](const notify::Notifier::Delivery& d) { deliveries.add(d); });
    notifier.start();
    QTRY_VERIFY_WITH_TIMEOUT(deliveries.count("email") == 5 && deliveries.count("webhook") == 5, 30'000);
    QCOMPARE(notifier.counters().resumed, 10u);
    runWhileServing([&] { notifier.stop(); });
    QCOMPARE(http.requests, 5);
    QCOMPARE(smtp.messages.size(), qsizetype(5));
    for (const auto& r : rows(*storage)) {
      QCOMPARE(r.status, std::string("sent"));
      QCOMPARE(r.attempts, 1);
    }
  }

  void rulesFromSettings() {
    common::Config config;
    config.set(QStringLiteral("notify.on_fill"), QStringLiteral("in_app, email"));
    config.set(QStringLiteral("notify.on_stale_feed"), QStringLiteral("none"));
    config.set(QStringLiteral("notify.on_job_failed"), QStringLiteral("email,pager"));
    QStringList problems;
    const auto rules = contract::NotificationRules::fromConfig(config, &problems);
    QCOMPARE(int(rules.channels("fill")), int(contract::kNotifyInApp | contract::kNotifyEmail));
    QCOMPARE(int(rules.channels("stale_feed")), 0);
    QCOMPARE(int(rules.channels("job_failed")), int(contract::kNotifyAll));  // bad rule: the default stays
    QCOMPARE(problems.size(), 1);
    QVERIFY2(problems[0].contains(QStringLiteral("notify.on_job_failed")) && problems[0].contains(QStringLiteral("'pager'")),
             qPrintable(problems[0]));
    // The documented defaults (ConfigKeys holds the same text).
    const common::Config defaults;
    for (const auto& e : contract::NotificationRules::events()) {
      const QString key = contract::NotificationRules::key(e.id);
      QCOMPARE(defaults.value(key), contract::NotificationRules::format(e.defaults));
    }
    QCOMPARE(contract::NotificationRules::format(contract::kNotifyInApp), QStringLiteral("in_app"));
  }

  void webhookSecretsAreRedactedInConfigOutput() {
    common::Config config;
    config.set(QStringLiteral("notify.webhook_url"), QStringLiteral("https://hooks.example.com:8443/services/T0/B0/XyZsecret?token=abc"));
    bool seen = false;
    for (const QString& line : config.dumpRedacted()) {
      if (!line.startsWith(QStringLiteral("notify.webhook_url="))) continue;
      seen = true;
      QCOMPARE(line, QStringLiteral("notify.webhook_url=https://hooks.example.com:8443/***"));
    }
    QVERIFY(seen);
    QCOMPARE(common::redactUrlPath("https://hooks.example.com"), std::string("https://hooks.example.com"));
    QCOMPARE(common::redactUrlPath("not a url"), std::string("***"));
  }

 private:
  std::shared_ptr<common::InAppLogBuffer> m_logs;
};

QTEST_GUILESS_MAIN(tst_NotificationDelivery)
#include "tst_NotificationDelivery.moc"
