#pragma once
// Blocking HTTP(S) POST of a JSON body, for the webhook channel. Runs a private QNetworkAccessManager and event
// loop on the calling (worker) thread; never call it from the GUI thread.
#include <QByteArray>
#include <QUrl>

#include <atomic>

#include "core/common/Result.h"

namespace meridian::notify {

class WebhookClient {
 public:
  // 2xx = success. Errors (code "webhook.*") name the host only: webhook URLs often embed a secret token.
  static Status postJson(const QUrl& url, const QByteArray& json, int timeoutMs = 10'000,
                         const std::atomic<bool>* cancel = nullptr);
  // "https://hooks.example.com/…" — scheme and host only, safe to log.
  static std::string safeUrl(const QUrl& url);
};

}  // namespace meridian::notify
