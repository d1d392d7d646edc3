// Notifier: SMTP dialogue against a local fake server (plain and with a real STARTTLS upgrade), STARTTLS required
// by default, webhook POST body against a local HTTP server, [PAPER]/[LIVE] tags, unconfigured = silent no-op.
// The SMTP/HTTP clients block on the notifier's worker thread (or a std::thread); the fake servers run on the
// test's event loop, which QTRY_* keeps spinning.
#include <QtTest>

#include "tests/support/RequireServers.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpServer>

#include <memory>
#include <mutex>
#include <thread>

#include "core/bus/EventBus.h"
#include "core/common/Config.h"
#include "core/common/Logging.h"
#include "core/notify/Notifier.h"
#include "core/notify/SmtpClient.h"
#include "core/notify/WebhookClient.h"

using namespace meridian;

namespace {

QByteArray readFile(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
QString dataPath(const char* name) { return QStringLiteral(MERIDIAN_SOURCE_DIR "/tests/notify/data/") + QLatin1String(name); }

// ---- Fake SMTP server ----------------------------------------------------------------------------------------------
struct SmtpScript {
  bool offerStartTls = false;
  QByteArray authMechanisms = "PLAIN LOGIN";
  bool rejectRecipients = false;
};

struct SmtpLogEntry {
  QByteArray line;
  bool encrypted = false;
};

class FakeSmtpServer : public QTcpServer {
 public:
  explicit FakeSmtpServer(SmtpScript script) : m_script(script) {
    m_cert = QSslCertificate(readFile(dataPath("test-smtp-cert.pem")), QSsl::Pem);
    m_key = QSslKey(readFile(dataPath("test-smtp-key.pem")), QSsl::Rsa, QSsl::Pem);
  }
  QList<SmtpLogEntry> log;     // every command line received
  QByteArray data;             // the message between DATA and "."
  bool finished = false;       // QUIT received or the client disconnected
  QByteArray authDecoded;      // PLAIN: "\0user\0pass"; LOGIN: "user:pass"

  QList<QByteArray> verbs() const {
    QList<QByteArray> out;
    for (const auto& e : log) out << e.line.split(' ').first().toUpper();
    return out;
  }

 protected:
  void incomingConnection(qintptr fd) override {
    auto* s = new QSslSocket(this);
    s->setSocketDescriptor(fd);
    s->setLocalCertificate(m_cert);
    s->setPrivateKey(m_key);
    m_socket = s;
    connect(s, &QSslSocket::readyRead, this, [this] { onRead(); });
    connect(s, &QSslSocket::disconnected, this, [this] { finished = true; });
    s->write("220 fake.smtp ESMTP ready\r\n");
  }

 private:
  void reply(const QByteArray& r) { m_socket->write(r + "\r\n"); }
  void onRead() {
    m_buffer += m_socket->readAll();
    int nl;
    while ((nl = m_buffer.indexOf("\r\n")) >= 0) {
      const QByteArray line = m_buffer.left(nl);
      m_buffer.remove(0, nl + 2);
      if (m_inData) {
        if (line == ".") {
          m_inData = false;
          reply("250 2.0.0 queued as 42");
        } else {
          data += line + "\r\n";
        }
        continue;
      }
      if (m_authStep > 0) {
        log << SmtpLogEntry{"(auth data)", m_socket->isEncrypted()};
        if (m_authStep == 1) {
          m_loginUser = QByteArray::fromBase64(line);
          m_authStep = 2;
          reply("334 UGFzc3dvcmQ6");
        } else {
          authDecoded = m_loginUser + ":" + QByteArray::fromBase64(line);
          m_authStep = 0;
          reply("235 2.7.0 Authentication successful");
        }
        continue;
      }
      log << SmtpLogEntry{line, m_socket->isEncrypted()};
      const QByteArray verb = line.split(' ').first().toUpper();
      if (verb == "EHLO") {
        QByteArray r = "250-fake.smtp greets you\r\n";
        if (m_script.offerStartTls && !m_socket->isEncrypted()) r += "250-STARTTLS\r\n";
        if (!m_script.authMechanisms.isEmpty()) r += "250-AUTH " + m_script.authMechanisms + "\r\n";
        r += "250 8BITMIME";
        reply(r);
      } else if (verb == "STARTTLS") {
        reply("220 2.0.0 Ready to start TLS");
        m_socket->flush();
        m_socket->startServerEncryption();
      } else if (verb == "AUTH") {
        const QList<QByteArray> parts = line.split(' ');
        if (parts.value(1).toUpper() == "PLAIN") {
          authDecoded = QByteArray::fromBase64(parts.value(2));
          reply("235 2.7.0 Authentication successful");
        } else {
          m_authStep = 1;
          reply("334 VXNlcm5hbWU6");
        }
      } else if (verb == "MAIL") {
        reply("250 2.1.0 Ok");
      } else if (verb == "RCPT") {
        reply(m_script.rejectRecipients ? "550 5.1.1 mailbox unavailable" : "250 2.1.5 Ok");
      } else if (verb == "DATA") {
        m_inData = true;
        reply("354 End data with <CR><LF>.<CR><LF>");
      } else if (verb == "QUIT") {
        reply("221 2.0.0 Bye");
        finished = true;
        m_socket->disconnectFromHost();
      } else {
        reply("502 5.5.2 command not recognized");
      }
    }
  }

  SmtpScript m_script;
  QSslCertificate m_cert;
  QSslKey m_key;
  QSslSocket* m_socket = nullptr;
  QByteArray m_buffer;
  bool m_inData = false;
  int m_authStep = 0;
  QByteArray m_loginUser;
};

// ---- Fake HTTP server ----------------------------------------------------------------------------------------------
class FakeHttpServer : public QTcpServer {
 public:
  int status = 200;
  QByteArray requestLine;
  QByteArray headers;
  QByteArray body;
  int requests = 0;

 protected:
  void incomingConnection(qintptr fd) override {
    auto* s = new QTcpSocket(this);
    s->setSocketDescriptor(fd);
    auto buffer = std::make_shared<QByteArray>();
    connect(s, &QTcpSocket::readyRead, this, [this, s, buffer] {
      *buffer += s->readAll();
      const int end = buffer->indexOf("\r\n\r\n");
      if (end < 0) return;
      const QByteArray head = buffer->left(end);
      int length = 0;
      for (const QByteArray& h : head.split('\n'))
        if (h.toLower().startsWith("content-length:")) length = h.mid(15).trimmed().toInt();
      if (buffer->size() < end + 4 + length) return;
      requestLine = head.left(head.indexOf("\r\n"));
      headers = head;
      body = buffer->mid(end + 4, length);
      ++requests;
      const QByteArray answer = status == 200 ? QByteArray("ok") : QByteArray("server exploded");
      s->write("HTTP/1.1 " + QByteArray::number(status) + (status == 200 ? " OK" : " Internal Server Error") +
               "\r\nContent-Type: text/plain\r\nContent-Length: " + QByteArray::number(answer.size()) +
               "\r\nConnection: close\r\n\r\n" + answer);
      s->disconnectFromHost();
    });
  }
};

notify::SmtpSettings smtpTo(const QTcpServer& server) {
  notify::SmtpSettings s;
  s.host = QStringLiteral("127.0.0.1");
  s.port = server.serverPort();
  s.user = QStringLiteral("trader@example.com");
  s.password = QStringLiteral("s3cret-Passw0rd");
  s.from = QStringLiteral("meridian@example.com");
  s.to = {QStringLiteral("ops@example.com"), QStringLiteral("me@example.com")};
  s.timeoutMs = 5000;
  return s;
}

// Runs SmtpClient::send on a worker thread while the test's event loop serves the fake server.
Status sendAsync(const notify::SmtpSettings& settings, const notify::EmailMessage& message) {
  std::atomic<bool> done{false};
  Status result;
  std::thread t([&] {
    result = notify::SmtpClient::send(settings, message);
    done = true;
  });
  QElapsedTimer timer;
  timer.start();
  while (!done.load() && timer.elapsed() < 10'000) QTest::qWait(5);  // serve the fake server meanwhile
  t.join();
  return result;
}

QString decodedBody(const QByteArray& data) {
  const int split = data.indexOf("\r\n\r\n");
  return QString::fromUtf8(QByteArray::fromBase64(data.mid(split + 4)));
}

}  // namespace

class tst_Notifier : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    common::LogOptions o;
    o.level = "debug";
    m_logs = common::initLogging(o);
    if (!QSslSocket::supportsSsl()) MERIDIAN_SKIP_OR_FAIL("no TLS backend");
  }
  void cleanupTestCase() { common::shutdownLogging(); }

  void smtpDialogueWithoutTls() {
    FakeSmtpServer server({});
    QVERIFY(server.listen(QHostAddress::LocalHost));
    auto settings = smtpTo(server);
    settings.starttls = false;  // local relay / tests only
    const Status s = sendAsync(settings, {QStringLiteral("[PAPER] Daily report"), QStringLiteral("P&L +1,234.56\n.line starting with a dot")});
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
    QTRY_VERIFY(server.finished);
    QCOMPARE(server.verbs(), (QList<QByteArray>{"EHLO", "AUTH", "MAIL", "RCPT", "RCPT", "DATA", "QUIT"}));
    QVERIFY(server.log[1].line.startsWith("AUTH PLAIN "));
    QCOMPARE(server.authDecoded, QByteArray("\0trader@example.com\0s3cret-Passw0rd", 35));
    QCOMPARE(server.log[2].line, QByteArray("MAIL FROM:<meridian@example.com>"));
    QCOMPARE(server.log[3].line, QByteArray("RCPT TO:<ops@example.com>"));
    QCOMPARE(server.log[4].line, QByteArray("RCPT TO:<me@example.com>"));
    QVERIFY(server.data.contains("Subject: [PAPER] Daily report\r\n"));
    QVERIFY(server.data.contains("To: ops@example.com, me@example.com\r\n"));
    QVERIFY(server.data.contains("Content-Type: text/plain; charset=UTF-8\r\n"));
    QVERIFY(server.data.contains("Message-ID: <"));
    QCOMPARE(decodedBody(server.data), QStringLiteral("P&L +1,234.56\r\n.line starting with a dot"));
  }

  void authLoginWhenPlainIsNotOffered() {
    SmtpScript script;
    script.authMechanisms = "LOGIN";
    FakeSmtpServer server(script);
    QVERIFY(server.listen(QHostAddress::LocalHost));
    auto settings = smtpTo(server);
    settings.starttls = false;
    const Status s = sendAsync(settings, {QStringLiteral("Ünïcode subject"), QStringLiteral("body")});
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
    QCOMPARE(server.authDecoded, QByteArray("trader@example.com:s3cret-Passw0rd"));
    QVERIFY(server.data.contains("Subject: =?UTF-8?B?"));
  }

  void starttlsIsRequiredByDefault() {
    FakeSmtpServer server({});  // does not offer STARTTLS
    QVERIFY(server.listen(QHostAddress::LocalHost));
    const auto settings = smtpTo(server);
    QVERIFY(settings.starttls);  // the default
    const Status s = sendAsync(settings, {QStringLiteral("x"), QStringLiteral("y")});
    QVERIFY(!s.ok());
    QCOMPARE(s.error().code, std::string("smtp.starttls"));
    QVERIFY2(QString::fromStdString(s.error().message).contains(QStringLiteral("does not offer STARTTLS")), s.error().message.c_str());
    // Nothing but EHLO was said: no credentials, no envelope, no message in clear text.
    QCOMPARE(server.verbs(), (QList<QByteArray>{"EHLO"}));
    QVERIFY(server.authDecoded.isEmpty());
    QVERIFY(server.data.isEmpty());
  }

  void starttlsUpgradeThenAuth() {
    SmtpScript script;
    script.offerStartTls = true;
    FakeSmtpServer server(script);
    QVERIFY(server.listen(QHostAddress::LocalHost));
    auto settings = smtpTo(server);
    settings.caCertificatesPem = readFile(dataPath("test-smtp-cert.pem"));
    QVERIFY(!settings.caCertificatesPem.isEmpty());
    const Status s = sendAsync(settings, {QStringLiteral("[LIVE] Kill switch"), QStringLiteral("engaged")});
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
    QTRY_VERIFY(server.finished);
    QCOMPARE(server.verbs(), (QList<QByteArray>{"EHLO", "STARTTLS", "EHLO", "AUTH", "MAIL", "RCPT", "RCPT", "DATA", "QUIT"}));
    QVERIFY(!server.log[0].encrypted && !server.log[1].encrypted);
    for (int i = 2; i < server.log.size(); ++i) QVERIFY2(server.log[i].encrypted, server.log[i].line.constData());
    QCOMPARE(decodedBody(server.data), QStringLiteral("engaged"));
  }

  void starttlsWithUntrustedCertificateFails() {
    SmtpScript script;
    script.offerStartTls = true;
    FakeSmtpServer server(script);
    QVERIFY(server.listen(QHostAddress::LocalHost));
    const Status s = sendAsync(smtpTo(server), {QStringLiteral("x"), QStringLiteral("y")});  // CA not trusted
    QVERIFY(!s.ok());
    QCOMPARE(s.error().code, std::string("smtp.tls"));
    QVERIFY(server.authDecoded.isEmpty());
    QCOMPARE(server.verbs(), (QList<QByteArray>{"EHLO", "STARTTLS"}));
  }

  void rejectedRecipientIsAClearError() {
    SmtpScript script;
    script.rejectRecipients = true;
    FakeSmtpServer server(script);
    QVERIFY(server.listen(QHostAddress::LocalHost));
    auto settings = smtpTo(server);
    settings.starttls = false;
    const Status s = sendAsync(settings, {QStringLiteral("x"), QStringLiteral("y")});
    QVERIFY(!s.ok());
    QCOMPARE(s.error().code, std::string("smtp.rejected"));
    QVERIFY2(QString::fromStdString(s.error().message).contains(QStringLiteral("RCPT TO: server replied 550")), s.error().message.c_str());
    QVERIFY(!QString::fromStdString(s.error().message).contains(QStringLiteral("s3cret")));
  }

  void notifierDeliversEveryChannelTagged() {
    FakeSmtpServer smtp({});
    QVERIFY(smtp.listen(QHostAddress::LocalHost));
    FakeHttpServer http;
    QVERIFY(http.listen(QHostAddress::LocalHost));
    bus::EventBus bus;
    auto inApp = std::make_shared<bus::Mailbox>();
    bus.subscribe<contract::Notification>(inApp);

    notify::NotifierSettings settings;
    settings.smtp = smtpTo(smtp);
    settings.smtp->starttls = false;
    settings.webhookUrl = QUrl(QStringLiteral("http://127.0.0.1:%1/hooks/T000/B000/XXXXSECRET").arg(http.serverPort()));
    settings.paper = true;
    notify::Notifier notifier(settings, &bus);
    std::mutex m;
    std::vector<notify::Notifier::Delivery> deliveries;
    notifier.setDeliveryCallback([&](const notify::Notifier::Delivery& d) {
      std::lock_guard lock(m);
      deliveries.push_back(d);
    });
    notifier.start();
    notifier.notify(contract::Severity::Error, "Job eod_ingest failed", "attempt 4: HTTP 503", "jobs");

    // In-app: published synchronously.
    QCOMPARE(inApp->size(), std::size_t(1));
    std::vector<bus::Envelope> envs;
    inApp->drain(envs);
    const auto* n = envs.front().as<contract::Notification>();
    QVERIFY(n);
    QCOMPARE(n->taggedTitle(), std::string("[PAPER] Job eod_ingest failed"));
    QVERIFY(n->ts > 0);

    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
          std::lock_guard lock(m);
          return deliveries.size() == 2;
        }(),
        10'000);
    for (const auto& d : deliveries) QVERIFY2(d.ok, d.error.c_str());
    QVERIFY(smtp.data.contains("Subject: [PAPER] Job eod_ingest failed\r\n"));
    QVERIFY(decodedBody(smtp.data).startsWith(QStringLiteral("attempt 4: HTTP 503")));

    QCOMPARE(http.requests, 1);
    QCOMPARE(http.requestLine, QByteArray("POST /hooks/T000/B000/XXXXSECRET HTTP/1.1"));
    QVERIFY(http.headers.toLower().contains("content-type: application/json"));
    const QJsonObject body = QJsonDocument::fromJson(http.body).object();
    QCOMPARE(body.value(QStringLiteral("title")).toString(), QStringLiteral("[PAPER] Job eod_ingest failed"));
    QCOMPARE(body.value(QStringLiteral("text")).toString(), QStringLiteral("[PAPER] Job eod_ingest failed\nattempt 4: HTTP 503"));
    QCOMPARE(body.value(QStringLiteral("severity")).toString(), QStringLiteral("error"));
    QCOMPARE(body.value(QStringLiteral("mode")).toString(), QStringLiteral("paper"));
    QCOMPARE(body.value(QStringLiteral("source")).toString(), QStringLiteral("jobs"));
    QVERIFY(body.value(QStringLiteral("ts")).toString().endsWith(QLatin1Char('Z')));
    const auto c = notifier.counters();
    QCOMPARE(c.emailsSent, 1u);
    QCOMPARE(c.webhooksSent, 1u);
    QCOMPARE(c.published, 1u);
    notifier.stop();

    // LIVE mode tags [LIVE].
    contract::Notification live;
    live.paper = false;
    live.title = "Order rejected";
    QCOMPARE(live.taggedTitle(), std::string("[LIVE] Order rejected"));
    QCOMPARE(notify::Notifier::emailFor(live).subject, QStringLiteral("[LIVE] Order rejected"));
    QVERIFY(notify::Notifier::webhookJson(live).contains("\"mode\":\"live\""));
  }

  void webhookFailureIsReportedWithoutTheSecretPath() {
    FakeHttpServer http;
    http.status = 500;
    QVERIFY(http.listen(QHostAddress::LocalHost));
    notify::NotifierSettings settings;
    settings.webhookUrl = QUrl(QStringLiteral("http://127.0.0.1:%1/hooks/XXXXSECRET").arg(http.serverPort()));
    notify::Notifier notifier(settings, nullptr);
    std::mutex m;
    std::vector<notify::Notifier::Delivery> deliveries;
    notifier.setDeliveryCallback([&](const notify::Notifier::Delivery& d) {
      std::lock_guard lock(m);
      deliveries.push_back(d);
    });
    notifier.start();
    notifier.notify(contract::Severity::Warning, "t", "b");
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
          std::lock_guard lock(m);
          return deliveries.size() == 1;
        }(),
        10'000);
    QVERIFY(!deliveries[0].ok);
    QVERIFY2(QString::fromStdString(deliveries[0].error).contains(QStringLiteral("HTTP 500")), deliveries[0].error.c_str());
    QVERIFY(!QString::fromStdString(deliveries[0].error).contains(QStringLiteral("XXXXSECRET")));
    QCOMPARE(notifier.counters().webhooksFailed, 1u);
  }

  void unconfiguredIsASilentNoOp() {
    notify::Notifier none(notify::NotifierSettings{}, nullptr);
    none.start();
    QVERIFY(!none.anyExternalChannel());
    none.notify(contract::Severity::Error, "x", "y");
    const auto c = none.counters();
    QCOMPARE(c.published + c.emailsSent + c.emailsFailed + c.webhooksSent + c.webhooksFailed + c.dropped, 0u);
    none.stop();

    // With a bus: in-app only.
    bus::EventBus bus;
    auto inApp = std::make_shared<bus::Mailbox>();
    bus.subscribe<contract::Notification>(inApp);
    notify::Notifier inAppOnly(notify::NotifierSettings::fromConfig(common::Config(), true), &bus);
    inAppOnly.start();
    inAppOnly.notify(contract::Severity::Info, "hello", "");
    QCOMPARE(inApp->size(), std::size_t(1));
    QCOMPARE(inAppOnly.counters().dropped, 0u);
  }

  void settingsFromConfig() {
    QProcessEnvironment env;
    env.insert(QStringLiteral("MERIDIAN_NOTIFY_SMTP_PASSWORD"), QStringLiteral("env-pass-123"));
    QTemporaryDir dir;
    const QString ini = dir.filePath(QStringLiteral("m.ini"));
    {
      QFile f(ini);
      QVERIFY(f.open(QIODevice::WriteOnly));
      f.write("[notify]\nsmtp_host=smtp.example.com\nsmtp_user=bot\nsmtp_from=bot@example.com\n"
              "smtp_to=\"a@example.com, b@example.com\"\nsmtp_password=file-pass\nmin_severity=warning\n"
              "webhook_url=https://hooks.example.com/services/ABC/DEF\n");
    }
    const common::Config config = common::Config::load(ini, env);
    std::string problems;
    const auto s = notify::NotifierSettings::fromConfig(config, false, &problems);
    QVERIFY(s.smtp.has_value());
    QCOMPARE(s.smtp->host, QStringLiteral("smtp.example.com"));
    QCOMPARE(s.smtp->port, quint16(587));
    QVERIFY(s.smtp->starttls);
    QCOMPARE(s.smtp->password, QStringLiteral("env-pass-123"));  // from the environment, the file's is ignored
    QCOMPARE(s.smtp->to, (QStringList{"a@example.com", "b@example.com"}));
    QVERIFY(s.minExternalSeverity == contract::Severity::Warning);
    QCOMPARE(s.webhookUrl.host(), QStringLiteral("hooks.example.com"));
    QVERIFY(!s.paper);
    QVERIFY2(problems.empty(), problems.c_str());
    QCOMPARE(notify::WebhookClient::safeUrl(s.webhookUrl), std::string("https://hooks.example.com/…"));

    common::Config partial;
    partial.set(QStringLiteral("notify.smtp_host"), QStringLiteral("smtp.example.com"));
    const auto p = notify::NotifierSettings::fromConfig(partial, true, &problems);
    QVERIFY(!p.smtp.has_value());
    QVERIFY(QString::fromStdString(problems).contains(QStringLiteral("smtp_from")));
  }

  void passwordNeverReachesTheLog() {
    FakeSmtpServer server({});
    QVERIFY(server.listen(QHostAddress::LocalHost));
    auto settings = smtpTo(server);  // STARTTLS required but not offered: fails
    notify::NotifierSettings ns;
    ns.smtp = settings;
    notify::Notifier notifier(ns, nullptr);
    std::atomic<int> delivered{0};
    notifier.setDeliveryCallback([&](const notify::Notifier::Delivery&) { ++delivered; });
    notifier.start();
    notifier.notify(contract::Severity::Error, "x", "y");
    QTRY_COMPARE_WITH_TIMEOUT(delivered.load(), 1, 10'000);
    std::vector<common::LogRecord> records;
    m_logs->recordsSince(0, records);
    bool sawFailure = false;
    for (const auto& r : records) {
      QVERIFY2(r.message.find("s3cret-Passw0rd") == std::string::npos, r.message.c_str());
      sawFailure = sawFailure || r.message.find("does not offer STARTTLS") != std::string::npos;
    }
    QVERIFY(sawFailure);  // logged (warn), redacted
  }

 private:
  std::shared_ptr<common::InAppLogBuffer> m_logs;
};

QTEST_GUILESS_MAIN(tst_Notifier)
#include "tst_Notifier.moc"
