// Notifications end to end through a RUNNING `meridian-cli serve` (a child process: paper broker, simulated feed,
// the embedded SQLite store, --allow-embedded --stdin-commands) against the local STARTTLS SMTP server and the HTTP
// webhook recorder of NotifyTestServers.h:
//  - a fill (an order sent on the server's stdin) and a kill-switch engage each arrive ONCE by webhook and by email
//    (the rules route fills to both), with the facts: [PAPER], symbol / side / qty / price / order id, the time in
//    America/New_York and in the display zone (Europe/London);
//  - with the webhook answering 500 and the SMTP server gone, a kill-switch reset is left pending; SIGTERM makes
//    serve exit well within systemd's stop limit (the notifier's grace is 1 s; the bound asserted is the issue's
//    5 s) with both deliveries still `queued` in the notifications table;
//  - a restarted serve (servers back) delivers them, once, and marks them sent.
#include <QtTest>

#include "tests/support/RequireServers.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimeZone>

#include <map>

#include "core/storage/StorageService.h"
#include "tests/notify/NotifyTestServers.h"

using namespace meridian;
using namespace meridian::notifytest;

namespace {

QJsonObject json(const QByteArray& b) { return QJsonDocument::fromJson(b).object(); }

// Webhook documents by event name.
std::multimap<QString, QJsonObject> byEvent(const FakeHttpServer& http) {
  std::multimap<QString, QJsonObject> out;
  for (const QByteArray& b : http.bodies) {
    const QJsonObject o = json(b);
    out.emplace(o.value(QStringLiteral("event")).toString(), o);
  }
  return out;
}

QString subjectOf(const QByteArray& message) {
  const int s = message.indexOf("Subject: ");
  return s < 0 ? QString() : QString::fromUtf8(message.mid(s + 9, message.indexOf("\r\n", s) - s - 9));
}

// Emails whose subject or decoded text contains `needle` (their text).
QStringList mailsWith(const FakeSmtpServer& smtp, const QString& needle) {
  QStringList out;
  for (const QByteArray& m : smtp.messages)
    if (const QString body = decodedBody(m); body.contains(needle) || subjectOf(m).contains(needle)) out << body;
  return out;
}

bool isEvent(const storage::NotificationRecord& r, const std::string& event) {
  return r.eventKey == event || r.eventKey.rfind(event + ":", 0) == 0;
}

}  // namespace

class tst_ServeNotifications : public QObject {
  Q_OBJECT

  QTemporaryDir m_dir;
  QProcess m_serve;
  QByteArray m_out;

  QString dbPath() const { return m_dir.filePath(QStringLiteral("serve.sqlite")); }

  QString writeIni(quint16 smtpPort, quint16 httpPort) {
    const QString path = m_dir.filePath(QStringLiteral("serve.ini"));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return {};
    // Values with commas are quoted (QSettings would read them as lists).
    f.write(QStringLiteral("[notify]\n"
                           "smtp_host=127.0.0.1\nsmtp_port=%1\nsmtp_user=trader@example.com\n"
                           "smtp_from=meridian@example.com\nsmtp_to=ops@example.com\nsmtp_starttls=true\n"
                           "smtp_ca_file=%2\nsmtp_timeout_ms=3000\n"
                           "webhook_url=http://127.0.0.1:%3/hooks/T0/B0/TOKENSECRET\nwebhook_timeout_ms=3000\n"
                           "on_fill=\"in_app,email,webhook\"\n"
                           "retry_base_ms=2000\nshutdown_grace_ms=1000\n"
                           "[display]\ntimezone=Europe/London\n"
                           "[universe]\nsymbols=\"ZZQA1,ZZQA2\"\n")
                .arg(smtpPort)
                .arg(dataPath("test-smtp-cert.pem"))
                .arg(httpPort)
                .toUtf8());
    return path;
  }

  QProcessEnvironment env() const {
    auto e = QProcessEnvironment::systemEnvironment();
    for (const auto& k : e.keys())
      if (k.startsWith("MERIDIAN_") || k.startsWith("APCA_") || k == "POLYGON_API_KEY") e.remove(k);
    e.insert("HOME", m_dir.path());
    e.insert("XDG_CONFIG_HOME", m_dir.filePath("config"));
    e.insert("XDG_DATA_HOME", m_dir.filePath("data"));
    e.insert("MERIDIAN_DB_BACKEND", "sqlite");
    e.insert("MERIDIAN_DB_SQLITE_PATH", dbPath());
    e.insert("MERIDIAN_LOG_DIR", m_dir.filePath("logs"));
    e.insert("MERIDIAN_MARKET_SIM_TICKS_PER_SECOND", "200");
    e.insert("MERIDIAN_MARKET_SIM_HISTORY_DAYS", "0");
    e.insert("MERIDIAN_NOTIFY_SMTP_PASSWORD", "s3cret-Passw0rd");
    return e;
  }

  QByteArray fullServeLog() const {
    QFile f(m_dir.filePath(QStringLiteral("serve.err")));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("(no log)");
  }
  QByteArray serveLog() const { return fullServeLog().right(8000); }

  // Serves the fake servers (this event loop) while waiting for `needle` on serve's stdout.
  bool waitForLine(const QByteArray& needle, int ms) {
    QElapsedTimer t;
    t.start();
    while (!m_out.contains(needle) && t.elapsed() < ms && m_serve.state() == QProcess::Running) {
      QTest::qWait(10);
      m_out += m_serve.readAllStandardOutput();
    }
    return m_out.contains(needle);
  }

  bool startServe(const QString& ini) {
    m_out.clear();
    m_serve.setProcessEnvironment(env());
    m_serve.setStandardErrorFile(m_dir.filePath(QStringLiteral("serve.err")), QIODevice::Append);
    m_serve.start(QStringLiteral(MERIDIAN_CLI_PATH),
                  {"--config", ini, "serve", "--allow-embedded", "--stdin-commands"});
    return m_serve.waitForStarted(5000) && waitForLine("ready instance=", 30'000);
  }

  void command(const QByteArray& line) {
    m_serve.write(line + "\n");
    QVERIFY(m_serve.waitForBytesWritten(2000));
  }

  // SIGTERM; the fake servers keep being served while serve shuts down. Returns the milliseconds to exit.
  qint64 terminate() {
    QElapsedTimer t;
    t.start();
    m_serve.terminate();
    while (m_serve.state() != QProcess::NotRunning && t.elapsed() < 30'000) QTest::qWait(5);
    const qint64 ms = t.elapsed();
    m_out += m_serve.readAllStandardOutput();
    return ms;
  }

  std::vector<storage::NotificationRecord> rows() {
    storage::StorageConfig c;
    c.backend = "sqlite";
    c.sqlitePath = dbPath().toStdString();
    storage::StorageService s(c);
    if (!s.start().ok()) return {};
    auto r = s.call([](storage::IStorage& st) { return st.listNotifications({}, 0); }).get();
    s.stop();
    return r.ok() ? *r : std::vector<storage::NotificationRecord>{};
  }

 private Q_SLOTS:
  void initTestCase() {
    if (!QSslSocket::supportsSsl()) MERIDIAN_SKIP_OR_FAIL("no TLS backend");
    QVERIFY(m_dir.isValid());
  }

  void cleanup() {
    if (m_serve.state() != QProcess::NotRunning) {
      m_serve.kill();
      m_serve.waitForFinished(5000);
    }
  }

  void fillAndKillSwitchOnceThenQueuedAcrossARestart() {
    SmtpScript script;
    script.offerStartTls = true;
    auto smtp = std::make_unique<FakeSmtpServer>(script);
    QVERIFY(smtp->listen(QHostAddress::LocalHost));
    const quint16 smtpPort = smtp->serverPort();
    FakeHttpServer http;
    QVERIFY(http.listen(QHostAddress::LocalHost));
    const QString ini = writeIni(smtpPort, http.serverPort());
    QVERIFY(!ini.isEmpty());
    QVERIFY2(startServe(ini), serveLog().constData());

    // A fill: a market buy on the server's stdin, filled by the paper broker at the simulated price. Until the
    // feed's first quote the risk engine refuses it (no reference price; not an emailed event): sent again then.
    QString orderId;
    for (int n = 1; n <= 20 && orderId.isEmpty(); ++n) {
      const QString id = QStringLiteral("E2E-FILL-%1").arg(n);
      command(QStringLiteral(R"({"kind":"submit_order","body":{"correlation_id":"E2E-1-%1","order":{"client_order_id":"%2",)"
                             R"("symbol":"MSFT","side":"buy","order_type":"market","tif":"day","quantity":4,"status":"new"}}})")
                  .arg(n)
                  .arg(id)
                  .toUtf8());
      QElapsedTimer t;
      t.start();
      while (t.elapsed() < 10'000 && byEvent(http).count(QStringLiteral("fill")) == 0 &&
             !(fullServeLog().contains(id.toUtf8() + " buy 4 MSFT rejected [no_reference_price]")))
        QTest::qWait(20);
      if (byEvent(http).count(QStringLiteral("fill")) > 0) orderId = id;
    }
    QVERIFY2(!orderId.isEmpty(), serveLog().constData());
    QTRY_VERIFY2_WITH_TIMEOUT(!mailsWith(*smtp, orderId).isEmpty(), serveLog().constData(), 30'000);
    // Then the kill switch.
    command(R"({"kind":"kill_switch","body":{"correlation_id":"E2E-2","reason":"e2e: operator test"}})");
    QTRY_VERIFY2_WITH_TIMEOUT(byEvent(http).count(QStringLiteral("kill_switch_engaged")) >= 1, serveLog().constData(), 30'000);
    QTRY_VERIFY2_WITH_TIMEOUT(!mailsWith(*smtp, QStringLiteral("e2e: operator test")).isEmpty(), serveLog().constData(), 30'000);
    // Barrier for "once": the kill switch came after the fill on both channels (each channel delivers in order).
    auto events = byEvent(http);
    QCOMPARE(events.count(QStringLiteral("fill")), std::size_t(1));
    QCOMPARE(events.count(QStringLiteral("kill_switch_engaged")), std::size_t(1));
    QCOMPARE(mailsWith(*smtp, orderId).size(), qsizetype(1));
    QCOMPARE(mailsWith(*smtp, QStringLiteral("e2e: operator test")).size(), qsizetype(1));

    // The facts, by webhook.
    const QJsonObject fill = events.find(QStringLiteral("fill"))->second;
    QCOMPARE(fill.value(QStringLiteral("schema")).toString(), QStringLiteral("meridian.notification.v1"));
    QCOMPARE(fill.value(QStringLiteral("mode")).toString(), QStringLiteral("paper"));
    QVERIFY2(fill.value(QStringLiteral("title")).toString().startsWith(QStringLiteral("[PAPER] ")),
             qPrintable(fill.value(QStringLiteral("title")).toString()));
    QCOMPARE(fill.value(QStringLiteral("symbol")).toString(), QStringLiteral("MSFT"));
    QCOMPARE(fill.value(QStringLiteral("side")).toString(), QStringLiteral("buy"));
    QCOMPARE(fill.value(QStringLiteral("qty")).toDouble(), 4.0);
    const double price = fill.value(QStringLiteral("price")).toDouble();
    QVERIFY(price > 0.0);
    QCOMPARE(fill.value(QStringLiteral("order_id")).toString(), orderId);
    QCOMPARE(fill.value(QStringLiteral("display_zone")).toString(), QStringLiteral("Europe/London"));
    // Both zones are the same instant as the UTC time, with each zone's offset.
    const QDateTime ts = QDateTime::fromString(fill.value(QStringLiteral("ts")).toString(), Qt::ISODateWithMs);
    const QDateTime ny = QDateTime::fromString(fill.value(QStringLiteral("time_new_york")).toString(), Qt::ISODateWithMs);
    const QDateTime display = QDateTime::fromString(fill.value(QStringLiteral("time_display")).toString(), Qt::ISODateWithMs);
    QVERIFY(ts.isValid() && ny.isValid() && display.isValid());
    QCOMPARE(ny.toMSecsSinceEpoch(), ts.toMSecsSinceEpoch());
    QCOMPARE(display.toMSecsSinceEpoch(), ts.toMSecsSinceEpoch());
    QCOMPARE(ny.offsetFromUtc(), QTimeZone("America/New_York").offsetFromUtc(ts));
    QCOMPARE(display.offsetFromUtc(), QTimeZone("Europe/London").offsetFromUtc(ts));
    const QJsonObject kill = events.find(QStringLiteral("kill_switch_engaged"))->second;
    QVERIFY(kill.value(QStringLiteral("title")).toString().startsWith(QStringLiteral("[PAPER] ")));
    QVERIFY(kill.value(QStringLiteral("body")).toString().contains(QStringLiteral("e2e: operator test")));
    // The facts, by email (over STARTTLS).
    for (const auto& e : smtp->log) QVERIFY2(e.encrypted || e.line.startsWith("EHLO") || e.line == "STARTTLS", e.line.constData());
    const QString fillMail = mailsWith(*smtp, orderId).first();
    // Its facts, one per line, and the event's instant in both zones (derived here from the webhook's UTC time).
    const QTimeZone nyZone("America/New_York"), londonZone("Europe/London");
    const QString nyText = ts.toTimeZone(nyZone).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    const QString londonText = ts.toTimeZone(londonZone).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    for (const QString& line : {QStringLiteral("Symbol:  MSFT"), QStringLiteral("Side:    buy"), QStringLiteral("Qty:     4"),
                                QStringLiteral("Price:   %1").arg(QString::number(price)),  // {:g}: 6 significant digits
                                QStringLiteral("Order:   %1").arg(orderId), nyText, londonText,
                                QStringLiteral("(America/New_York)"), QStringLiteral("(Europe/London)")})
      QVERIFY2(fillMail.contains(line), qPrintable(line + QStringLiteral(" not in:\n") + fillMail));
    QString fillSubject;
    for (const QByteArray& m : smtp->messages)
      if (decodedBody(m).contains(orderId)) fillSubject = subjectOf(m);
    QVERIFY2(fillSubject.contains(QStringLiteral("[PAPER] Filled: buy 4 MSFT @ %1").arg(QString::number(price))),
             qPrintable(fillSubject));

    // Webhook down (500), SMTP gone: the reset is attempted, fails, and waits for its retry.
    http.status = 500;
    smtp->close();
    smtp.reset();
    const qsizetype before = http.bodies.size();
    const auto resetPostedSince = [&](qsizetype from) {
      int n = 0;
      for (qsizetype i = from; i < http.bodies.size(); ++i)
        n += json(http.bodies[i]).value(QStringLiteral("event")).toString() == QStringLiteral("kill_switch_reset");
      return n;
    };
    command(R"({"kind":"reset_kill_switch","body":{"correlation_id":"E2E-3"}})");
    QTRY_VERIFY2_WITH_TIMEOUT(resetPostedSince(before) >= 1, serveLog().constData(), 30'000);  // answered 500
    const qint64 exitMs = terminate();
    QCOMPARE(m_serve.exitStatus(), QProcess::NormalExit);
    QCOMPARE(m_serve.exitCode(), 0);
    QVERIFY2(m_out.contains("stopped"), m_out.constData());
    qInfo("serve exited %lld ms after SIGTERM with deliveries pending", exitMs);
    QVERIFY2(exitMs < 5000, qPrintable(QStringLiteral("%1 ms").arg(exitMs)));  // the issue's bound (systemd: 30 s)

    auto pending = [&] {
      std::map<std::string, storage::NotificationRecord> out;  // channel -> the reset's row
      for (const auto& r : rows())
        if (isEvent(r, "kill_switch_reset")) out[r.channel] = r;
      return out;
    };
    auto queued = pending();
    QCOMPARE(queued.size(), std::size_t(2));
    for (const auto& [channel, r] : queued) {
      QVERIFY2(r.status == "queued", (channel + ": " + r.status + " " + r.lastError).c_str());
      QVERIFY2(r.attempts >= 1, channel.c_str());
      QVERIFY2(!r.lastError.empty(), channel.c_str());
      QVERIFY2(r.lastError.find("TOKENSECRET") == std::string::npos, r.lastError.c_str());  // redacted
    }
    for (const auto& r : rows())
      if (isEvent(r, "fill") || isEvent(r, "kill_switch_engaged")) QVERIFY2(r.status == "sent", (r.eventKey + " " + r.channel + ": " + r.status).c_str());

    // Servers back (the SMTP server on its old port), serve restarted: the queued deliveries go out, once.
    smtp = std::make_unique<FakeSmtpServer>(script);
    QVERIFY(smtp->listen(QHostAddress::LocalHost, smtpPort));
    http.status = 200;
    const qsizetype bodiesBefore = http.bodies.size();
    QVERIFY2(startServe(ini), serveLog().constData());
    QTRY_VERIFY2_WITH_TIMEOUT(!mailsWith(*smtp, QStringLiteral("Kill switch reset")).isEmpty(), serveLog().constData(), 30'000);
    QTRY_VERIFY2_WITH_TIMEOUT(resetPostedSince(bodiesBefore) >= 1, serveLog().constData(), 30'000);
    QVERIFY(terminate() < 30'000);
    QCOMPARE(m_serve.exitCode(), 0);
    QCOMPARE(resetPostedSince(bodiesBefore), 1);
    // What was sent before is not sent again.
    events = byEvent(http);
    QCOMPARE(events.count(QStringLiteral("fill")), std::size_t(1));
    QCOMPARE(events.count(QStringLiteral("kill_switch_engaged")), std::size_t(1));
    QVERIFY(mailsWith(*smtp, orderId).isEmpty());
    QCOMPARE(mailsWith(*smtp, QStringLiteral("Kill switch reset")).size(), qsizetype(1));
    for (const auto& [channel, r] : pending()) QVERIFY2(r.status == "sent", (channel + ": " + r.status).c_str());
  }
};

QTEST_MAIN(tst_ServeNotifications)
#include "tst_ServeNotifications.moc"
