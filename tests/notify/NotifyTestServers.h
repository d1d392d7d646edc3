#pragma once
// Local servers for the notification tests, served by the test's event loop (QTRY_* keeps it spinning):
//  - FakeSmtpServer: a real SMTP dialogue on a socket, with STARTTLS (the CA/certificate in data/) and AUTH
//    PLAIN / LOGIN; records every command, the messages and the credentials it saw;
//  - FakeHttpServer: an HTTP recorder answering each request with the next status of a script;
//  - a black hole (BlackHoleServer): accepts connections (kernel backlog) and never answers.
#include <QtTest>

#include <QSslKey>
#include <QSslSocket>
#include <QTcpServer>

#include <atomic>
#include <memory>
#include <thread>

#include "core/notify/SmtpClient.h"

namespace meridian::notifytest {

inline QByteArray readFile(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
inline QString dataPath(const char* name) { return QStringLiteral(MERIDIAN_SOURCE_DIR "/tests/notify/data/") + QLatin1String(name); }

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
  QByteArray data;             // the message between DATA and "." (every message of every connection, appended)
  QList<QByteArray> messages;  // each message on its own
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
          messages << m_message;
          m_message.clear();
          reply("250 2.0.0 queued as 42");
        } else {
          data += line + "\r\n";
          m_message += line + "\r\n";
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
  QByteArray m_message;
  int m_authStep = 0;
  QByteArray m_loginUser;
};

// ---- Fake HTTP server ----------------------------------------------------------------------------------------------
class FakeHttpServer : public QTcpServer {
 public:
  int status = 200;           // answered when `script` is empty
  QList<int> script;          // the next answers, first out first
  QList<QByteArray> bodies;   // every request body, in arrival order
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
      bodies << body;
      const int code = script.isEmpty() ? status : script.takeFirst();
      const QByteArray answer = code == 200 ? QByteArray("ok") : QByteArray("server exploded");
      s->write("HTTP/1.1 " + QByteArray::number(code) + (code == 200 ? " OK" : " Internal Server Error") +
               "\r\nContent-Type: text/plain\r\nContent-Length: " + QByteArray::number(answer.size()) +
               "\r\nConnection: close\r\n\r\n" + answer);
      s->disconnectFromHost();
    });
  }
};

inline meridian::notify::SmtpSettings smtpTo(const QTcpServer& server) {
  meridian::notify::SmtpSettings s;
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
inline meridian::Status sendAsync(const meridian::notify::SmtpSettings& settings, const meridian::notify::EmailMessage& message) {
  std::atomic<bool> done{false};
  meridian::Status result;
  std::thread t([&] {
    result = meridian::notify::SmtpClient::send(settings, message);
    done = true;
  });
  QElapsedTimer timer;
  timer.start();
  while (!done.load() && timer.elapsed() < 10'000) QTest::qWait(5);  // serve the fake server meanwhile
  t.join();
  return result;
}

inline QString decodedBody(const QByteArray& data) {
  const int split = data.indexOf("\r\n\r\n");
  return QString::fromUtf8(QByteArray::fromBase64(data.mid(split + 4)));
}

// Listens and never accepts: a client connects (the kernel's backlog) and then waits for an answer that never comes.
class BlackHoleServer : public QTcpServer {
 protected:
  void incomingConnection(qintptr) override {}  // never adopted, never answered
};

// Runs fn on a worker thread while the test's event loop serves the fake servers; returns its duration in ms.
template <class F>
qint64 runWhileServing(F fn, int limitMs = 30'000) {
  std::atomic<bool> done{false};
  QElapsedTimer timer;
  timer.start();
  std::thread t([&] {
    fn();
    done = true;
  });
  while (!done.load() && timer.elapsed() < limitMs) QTest::qWait(5);
  t.join();
  return timer.elapsed();
}

}  // namespace meridian::notifytest
