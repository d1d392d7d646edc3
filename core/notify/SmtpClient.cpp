#include "core/notify/SmtpClient.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QUuid>

#include <fmt/core.h>

#include "core/common/Clock.h"
#include "core/common/Logging.h"
#include "core/common/Redact.h"

namespace meridian::notify {
namespace {

struct Reply {
  int code = 0;
  QList<QByteArray> lines;  // text after the code and separator, one per line
  QByteArray text() const { return lines.join(' ').trimmed(); }
};

// Strips CR/LF (header injection) and surrounding blanks.
QString oneLine(QString s) {
  s.replace(QLatin1Char('\r'), QLatin1Char(' '));
  s.replace(QLatin1Char('\n'), QLatin1Char(' '));
  return s.trimmed();
}

bool isAscii(const QString& s) {
  for (QChar c : s)
    if (c.unicode() > 126 || c.unicode() < 32) return false;
  return true;
}

QByteArray encodeHeader(const QString& s) {
  if (isAscii(s)) return s.toLatin1();
  return "=?UTF-8?B?" + s.toUtf8().toBase64() + "?=";
}

bool validAddress(const QString& a) {
  return !a.isEmpty() && a.contains(QLatin1Char('@')) && !a.contains(QLatin1Char('<')) && !a.contains(QLatin1Char('>')) &&
         !a.contains(QLatin1Char('\r')) && !a.contains(QLatin1Char('\n')) && !a.contains(QLatin1Char(' '));
}

class Session {
 public:
  Session(const SmtpSettings& s, const std::atomic<bool>* cancel) : m_s(s), m_cancel(cancel) {}

  Status run(const EmailMessage& message);

 private:
  Error fail(const char* code, const std::string& message) const {
    return makeError(code, common::redact(fmt::format("SMTP {}:{}: {}", m_s.host.toStdString(), m_s.port, message)));
  }
  bool cancelled() const { return m_cancel && m_cancel->load(); }
  // Runs a blocking socket wait in slices of at most 200 ms until it succeeds, the socket closes, timeoutMs passes
  // or `cancel` is set (shutdown must not wait out a full connect or handshake timeout).
  template <class Wait>
  bool waitCancellable(Wait wait) {
    QElapsedTimer timer;
    timer.start();
    while (!cancelled()) {
      const int left = m_s.timeoutMs - static_cast<int>(timer.elapsed());
      if (left <= 0) return false;
      if (wait(std::min(left, 200))) return true;
      if (m_socket.state() == QAbstractSocket::UnconnectedState) return false;
      const auto error = m_socket.error();  // a slice that ran out is SocketTimeoutError: keep waiting
      if (error != QAbstractSocket::SocketTimeoutError && error != QAbstractSocket::UnknownSocketError) return false;
    }
    return false;
  }
  Result<Reply> readReply(const char* step);
  // Sends line + CRLF (unless empty) and expects one of the codes.
  Result<Reply> command(const QByteArray& line, std::initializer_list<int> expect, const char* step,
                        bool sensitive = false);
  Status ehlo();
  Status startTls();
  Status authenticate();

  const SmtpSettings& m_s;
  const std::atomic<bool>* m_cancel;
  QSslSocket m_socket;
  QByteArray m_buffer;
  QStringList m_extensions;  // upper-case EHLO keywords with parameters, e.g. "AUTH PLAIN LOGIN"
};

Result<Reply> Session::readReply(const char* step) {
  Reply r;
  QElapsedTimer timer;
  timer.start();
  while (true) {
    const int nl = m_buffer.indexOf('\n');
    if (nl >= 0) {
      QByteArray line = m_buffer.left(nl);
      m_buffer.remove(0, nl + 1);
      if (line.endsWith('\r')) line.chop(1);
      if (line.size() < 3) return fail("smtp.protocol", fmt::format("{}: malformed reply '{}'", step, line.toStdString()));
      bool ok = false;
      const int code = line.left(3).toInt(&ok);
      if (!ok) return fail("smtp.protocol", fmt::format("{}: malformed reply '{}'", step, line.toStdString()));
      r.code = code;
      r.lines << line.mid(4);
      if (line.size() == 3 || line.at(3) == ' ') return r;
      continue;  // "250-..." continuation
    }
    if (cancelled()) return fail("smtp.cancelled", fmt::format("{}: cancelled", step));
    const int left = m_s.timeoutMs - static_cast<int>(timer.elapsed());
    if (left <= 0) return fail("smtp.timeout", fmt::format("{}: no reply within {} ms", step, m_s.timeoutMs));
    if (m_socket.bytesAvailable() == 0 && !m_socket.waitForReadyRead(std::min(left, 200))) {
      if (m_socket.state() != QAbstractSocket::ConnectedState)
        return fail("smtp.closed", fmt::format("{}: connection closed ({})", step, m_socket.errorString().toStdString()));
      continue;
    }
    m_buffer += m_socket.readAll();
  }
}

Result<Reply> Session::command(const QByteArray& line, std::initializer_list<int> expect, const char* step, bool sensitive) {
  if (cancelled()) return fail("smtp.cancelled", fmt::format("{}: cancelled", step));
  if (!line.isNull()) {
    m_socket.write(line + "\r\n");
    QElapsedTimer timer;
    timer.start();
    while (m_socket.bytesToWrite() > 0) {
      if (!m_socket.waitForBytesWritten(std::max(1, m_s.timeoutMs - static_cast<int>(timer.elapsed()))))
        return fail("smtp.closed", fmt::format("{}: write failed ({})", step, m_socket.errorString().toStdString()));
    }
  }
  auto reply = readReply(step);
  if (!reply.ok()) return reply;
  for (int c : expect)
    if (reply->code == c) return reply;
  // The reply to a credential line never echoes it, but keep it out of the message anyway when sensitive.
  const std::string text = sensitive ? std::string("(reply withheld)") : reply->text().toStdString();
  return fail(reply->code >= 500 ? "smtp.rejected" : "smtp.unexpected",
              fmt::format("{}: server replied {} {}", step, reply->code, text));
}

Status Session::ehlo() {
  const QString name = m_s.heloName.isEmpty() ? QStringLiteral("meridian.localdomain") : m_s.heloName;
  auto r = command("EHLO " + name.toLatin1(), {250}, "EHLO");
  if (!r.ok()) return r.error();
  m_extensions.clear();
  for (int i = 1; i < r->lines.size(); ++i) m_extensions << QString::fromLatin1(r->lines[i]).trimmed().toUpper();
  return {};
}

Status Session::startTls() {
  if (!m_extensions.contains(QStringLiteral("STARTTLS")))
    return fail("smtp.starttls",
                "the server does not offer STARTTLS; refusing to send credentials or mail in clear text "
                "(set notify.smtp_starttls=false only for a trusted local relay)");
  if (auto r = command("STARTTLS", {220}, "STARTTLS"); !r.ok()) return r.error();
  if (!m_buffer.isEmpty()) return fail("smtp.protocol", "data received before the TLS handshake (possible injection)");
  m_socket.startClientEncryption();
  if (!waitCancellable([this](int ms) { return m_socket.waitForEncrypted(ms); })) {
    if (cancelled()) return fail("smtp.cancelled", "TLS handshake: cancelled");
    QStringList errors;
    for (const QSslError& e : m_socket.sslHandshakeErrors()) errors << e.errorString();
    return fail("smtp.tls", fmt::format("TLS handshake failed: {}",
                                        (errors.isEmpty() ? m_socket.errorString() : errors.join(QStringLiteral("; ")))
                                            .toStdString()));
  }
  return ehlo();  // capabilities may differ after TLS (RFC 3207 4.2)
}

Status Session::authenticate() {
  if (m_s.user.isEmpty()) return {};
  if (!m_socket.isEncrypted())
    common::logger("notify")->warn("SMTP {}: authenticating WITHOUT TLS (notify.smtp_starttls=false)", m_s.host.toStdString());
  QStringList mechs;
  for (const QString& ext : m_extensions)
    if (ext.startsWith(QStringLiteral("AUTH ")) || ext.startsWith(QStringLiteral("AUTH=")))
      mechs << ext.mid(5).split(QLatin1Char(' '), Qt::SkipEmptyParts);
  const QByteArray user = m_s.user.toUtf8();
  const QByteArray pass = m_s.password.toUtf8();
  if (mechs.contains(QStringLiteral("PLAIN")) || !mechs.contains(QStringLiteral("LOGIN"))) {
    if (mechs.isEmpty()) common::logger("notify")->debug("SMTP server advertises no AUTH mechanisms; trying PLAIN");
    const QByteArray token = (QByteArray(1, '\0') + user + QByteArray(1, '\0') + pass).toBase64();
    if (auto r = command("AUTH PLAIN " + token, {235}, "AUTH PLAIN", true); !r.ok()) return r.error();
    return {};
  }
  if (auto r = command("AUTH LOGIN", {334}, "AUTH LOGIN"); !r.ok()) return r.error();
  if (auto r = command(user.toBase64(), {334}, "AUTH LOGIN (user)", true); !r.ok()) return r.error();
  if (auto r = command(pass.toBase64(), {235}, "AUTH LOGIN (password)", true); !r.ok()) return r.error();
  return {};
}

Status Session::run(const EmailMessage& message) {
  if (m_s.host.isEmpty()) return fail("smtp.config", "no host (notify.smtp_host)");
  if (!validAddress(m_s.from)) return fail("smtp.config", "invalid sender address (notify.smtp_from)");
  if (m_s.to.isEmpty()) return fail("smtp.config", "no recipients (notify.smtp_to)");
  for (const QString& r : m_s.to)
    if (!validAddress(r)) return fail("smtp.config", fmt::format("invalid recipient '{}'", r.toStdString()));

  if (!m_s.caCertificatesPem.isEmpty()) {
    QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
    auto cas = conf.caCertificates();
    cas += QSslCertificate::fromData(m_s.caCertificatesPem, QSsl::Pem);
    conf.setCaCertificates(cas);
    m_socket.setSslConfiguration(conf);
  }
  if (m_s.implicitTls) {
    m_socket.connectToHostEncrypted(m_s.host, m_s.port);
    if (!waitCancellable([this](int ms) { return m_socket.waitForEncrypted(ms); }))
      return cancelled() ? fail("smtp.cancelled", "connect: cancelled")
                         : fail("smtp.tls", fmt::format("TLS connection failed: {}", m_socket.errorString().toStdString()));
  } else {
    m_socket.connectToHost(m_s.host, m_s.port);
    if (!waitCancellable([this](int ms) { return m_socket.waitForConnected(ms); }))
      return cancelled() ? fail("smtp.cancelled", "connect: cancelled")
                         : fail("smtp.connect", fmt::format("cannot connect: {}", m_socket.errorString().toStdString()));
  }
  if (auto r = command(QByteArray(), {220}, "greeting"); !r.ok()) return r.error();
  if (Status s = ehlo(); !s.ok()) return s;
  if (!m_s.implicitTls && m_s.starttls)
    if (Status s = startTls(); !s.ok()) return s;
  if (Status s = authenticate(); !s.ok()) return s;

  if (auto r = command("MAIL FROM:<" + m_s.from.toUtf8() + ">", {250}, "MAIL FROM"); !r.ok()) return r.error();
  for (const QString& to : m_s.to)
    if (auto r = command("RCPT TO:<" + to.toUtf8() + ">", {250, 251}, "RCPT TO"); !r.ok()) return r.error();
  if (auto r = command("DATA", {354}, "DATA"); !r.ok()) return r.error();

  const QString domain = m_s.from.section(QLatin1Char('@'), 1);
  QByteArray data = SmtpClient::formatMessage(m_s, message, domain);
  // Dot-stuffing (RFC 5321 4.5.2); base64 bodies never start a line with '.', headers might.
  data.replace("\r\n.", "\r\n..");
  if (data.startsWith('.')) data.prepend('.');
  data += ".";
  if (auto r = command(data, {250}, "end of DATA"); !r.ok()) return r.error();
  m_socket.write("QUIT\r\n");
  m_socket.waitForBytesWritten(1000);
  m_socket.disconnectFromHost();
  return {};
}

}  // namespace

QByteArray SmtpClient::formatMessage(const SmtpSettings& settings, const EmailMessage& message, const QString& domain) {
  QByteArray out;
  const auto header = [&](const char* name, const QByteArray& value) { out += name + QByteArray(": ") + value + "\r\n"; };
  header("From", "Meridian <" + oneLine(settings.from).toUtf8() + ">");
  QStringList to;
  for (const QString& t : settings.to) to << oneLine(t);
  header("To", to.join(QStringLiteral(", ")).toUtf8());
  header("Subject", encodeHeader(oneLine(message.subject)));
  const domain::Timestamp date = message.date != 0 ? message.date : common::systemClock().now();
  header("Date", QDateTime::fromMSecsSinceEpoch(date / domain::kNanosPerMilli, Qt::UTC)
                     .toString(Qt::RFC2822Date)
                     .toLatin1());
  header("Message-ID", "<" + QUuid::createUuid().toString(QUuid::WithoutBraces).toLatin1() + "@" +
                           (domain.isEmpty() ? QByteArray("meridian.localdomain") : oneLine(domain).toLatin1()) + ">");
  header("MIME-Version", "1.0");
  header("Content-Type", "text/plain; charset=UTF-8");
  header("Content-Transfer-Encoding", "base64");
  header("X-Mailer", "Meridian " MERIDIAN_VERSION);
  out += "\r\n";
  QByteArray body = message.body.toUtf8();
  body.replace("\r\n", "\n");
  body.replace("\n", "\r\n");
  const QByteArray b64 = body.toBase64();
  for (qsizetype i = 0; i < b64.size(); i += 76) out += b64.mid(i, 76) + "\r\n";
  return out;
}

Status SmtpClient::send(const SmtpSettings& settings, const EmailMessage& message, const std::atomic<bool>* cancel) {
  Session session(settings, cancel);
  return session.run(message);
}

}  // namespace meridian::notify
