#include "core/notify/WebhookClient.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include <fmt/core.h>

#include "core/common/Redact.h"

namespace meridian::notify {

std::string WebhookClient::safeUrl(const QUrl& url) {
  return (url.scheme() + QStringLiteral("://") + url.host() + (url.port() > 0 ? QStringLiteral(":%1").arg(url.port()) : QString()) +
          QStringLiteral("/…"))
      .toStdString();
}

Status WebhookClient::postJson(const QUrl& url, const QByteArray& json, int timeoutMs, const std::atomic<bool>* cancel) {
  if (!url.isValid() || (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http")))
    return makeError("webhook.config", "notify.webhook_url must be an http(s) URL");
  QNetworkAccessManager nam;
  nam.setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);
  QNetworkRequest request(url);
  request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
  request.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("Meridian/" MERIDIAN_VERSION));
  request.setTransferTimeout(timeoutMs);
  QNetworkReply* reply = nam.post(request, json);

  QEventLoop loop;
  // By signature, as in the health probes' httpGet: Qt allocates and frees the connection itself, whichever thread
  // of this short-lived manager lets go of it last (ThreadSanitizer cannot see that hand-over inside Qt).
  QObject::connect(reply, SIGNAL(finished()), &loop, SLOT(quit()));
  QTimer poll;  // cancellation check
  QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
    if (cancel && cancel->load()) reply->abort();
  });
  poll.start(100);
  if (!reply->isFinished()) loop.exec();

  const int statusCode = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
  const QByteArray body = reply->isOpen() ? reply->readAll().left(200) : QByteArray();  // aborted: closed
  const QNetworkReply::NetworkError netError = reply->error();
  const QString errorString = reply->errorString();
  reply->deleteLater();
  const std::string where = safeUrl(url);
  if (statusCode >= 200 && statusCode < 300) return {};
  if (statusCode > 0)
    return makeError(fmt::format("webhook.http{}", statusCode),
                     common::redact(fmt::format("webhook {} answered HTTP {}: {}", where, statusCode,
                                                QString::fromUtf8(body).simplified().toStdString())));
  if (cancel && cancel->load()) return makeError("webhook.cancelled", "webhook " + where + ": cancelled");
  if (netError == QNetworkReply::OperationCanceledError || netError == QNetworkReply::TimeoutError)
    return makeError("webhook.timeout", fmt::format("webhook {}: no answer within {} ms", where, timeoutMs));
  // errorString may contain the full URL: keep only the host part.
  QString err = errorString;
  err.replace(url.toString(), QString::fromStdString(where));
  return makeError("webhook.network", common::redact(fmt::format("webhook {}: {}", where, err.toStdString())));
}

}  // namespace meridian::notify
