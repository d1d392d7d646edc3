#pragma once
// Minimal blocking SMTP submission client (RFC 5321 / 3207 STARTTLS / 4954 AUTH) on QSslSocket.
//
// Dialogue: greeting 220 -> EHLO -> STARTTLS -> (TLS handshake) -> EHLO -> AUTH PLAIN or LOGIN (when a user is
// set) -> MAIL FROM -> RCPT TO (each recipient) -> DATA -> message -> "." -> QUIT.
//
// Security: with `starttls` (the default) the client REFUSES to continue when the server does not offer
// STARTTLS or the TLS handshake fails, so credentials and mail never travel in clear text. `implicitTls` (port
// 465) connects with TLS from the first byte. Plain text is only possible with starttls = false and
// implicitTls = false (local relays, tests); AUTH is then sent in clear and a warning is logged.
//
// Blocking: uses the waitFor* socket API, so call it from a worker thread (the Notifier's), never from the GUI
// thread. Every step is bounded by timeoutMs; `cancel` (optional) is checked between steps.
#include <QString>
#include <QStringList>

#include <atomic>

#include "core/common/Result.h"
#include "core/domain/Types.h"

namespace meridian::notify {

struct SmtpSettings {
  QString host;
  quint16 port = 587;
  QString user;              // empty = no AUTH
  QString password;          // secret: never logged
  QString from;              // envelope + header sender
  QStringList to;            // recipients
  bool starttls = true;      // require STARTTLS (ignored when implicitTls)
  bool implicitTls = false;  // SMTPS (port 465)
  int timeoutMs = 20'000;
  QString heloName;          // empty = "meridian.localdomain"
  QByteArray caCertificatesPem;  // extra trusted CA certificates (private relay CA); the system CAs stay trusted
};

struct EmailMessage {
  QString subject;
  QString body;  // plain text (UTF-8)
  domain::Timestamp date = 0;  // the Date header (UTC ns); 0 = the system clock's now
};

class SmtpClient {
 public:
  // Sends one message. Errors (code "smtp.*") carry the failing step and the server's reply, never the password.
  static Status send(const SmtpSettings& settings, const EmailMessage& message, const std::atomic<bool>* cancel = nullptr);
  // RFC 5322 message (headers + base64 body, CRLF line ends, no dot-stuffing).
  static QByteArray formatMessage(const SmtpSettings& settings, const EmailMessage& message, const QString& messageIdDomain);
};

}  // namespace meridian::notify
