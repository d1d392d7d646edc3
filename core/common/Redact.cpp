#include "core/common/Redact.h"

#include <QRegularExpression>
#include <QString>
#include <QUrl>

#include <algorithm>
#include <mutex>
#include <shared_mutex>
#include <vector>

namespace meridian::common {
namespace {

std::shared_mutex g_mutex;
std::vector<std::string> g_secrets;

const QRegularExpression& uriPassword() {
  // scheme://user:password@   -> keep the user, hide the password
  static const QRegularExpression re(QStringLiteral(R"(([A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@]*:)[^\s@/]+@)"));
  return re;
}

const QRegularExpression& secretPair() {
  // key=value, key: value, "key": "value" where key names a secret. Captures the prefix, replaces the value.
  static const QRegularExpression re(
      QStringLiteral(R"(((?:api[_-]?key|apikey|secret[_-]?key|secret|password|passwd|pwd|token|access[_-]?token|)"
                     R"(authorization|apca-api-key-id|apca-api-secret-key|key[_-]?id))"
                     R"("?\s*[:=]\s*"?(?:Bearer\s+)?)[^\s"&,;}]+)"),
      QRegularExpression::CaseInsensitiveOption);
  return re;
}

}  // namespace

void registerSecret(std::string_view value) {
  if (value.size() < 4) return;
  std::unique_lock lock(g_mutex);
  if (std::find(g_secrets.begin(), g_secrets.end(), value) == g_secrets.end()) g_secrets.emplace_back(value);
}

void clearRegisteredSecrets() {
  std::unique_lock lock(g_mutex);
  g_secrets.clear();
}

std::string redact(std::string_view text) {
  std::string out(text);
  {
    std::shared_lock lock(g_mutex);
    for (const auto& s : g_secrets) {
      for (std::size_t pos = out.find(s); pos != std::string::npos; pos = out.find(s, pos + 3))
        out.replace(pos, s.size(), "***");
    }
  }
  // Cheap pre-check: most log lines contain neither a URI credential nor a secret-looking key.
  const bool maybeUri = out.find("://") != std::string::npos;
  const bool maybePair = out.find_first_of("=:") != std::string::npos;
  if (!maybeUri && !maybePair) return out;
  QString q = QString::fromStdString(out);
  if (maybeUri) q.replace(uriPassword(), QStringLiteral("\\1***@"));
  if (maybePair) q.replace(secretPair(), QStringLiteral("\\1***"));
  return q.toStdString();
}

std::string redactUrlPath(std::string_view url) {
  const QUrl u(QString::fromUtf8(url.data(), qsizetype(url.size())).trimmed(), QUrl::StrictMode);
  if (url.empty()) return {};
  if (!u.isValid() || u.scheme().isEmpty() || u.host().isEmpty()) return "***";
  const bool hidden = (!u.path().isEmpty() && u.path() != QLatin1String("/")) || u.hasQuery() || u.hasFragment() ||
                      !u.userInfo().isEmpty();
  QString out = u.scheme() + QStringLiteral("://") + u.host();
  if (u.port() > 0) out += QStringLiteral(":%1").arg(u.port());
  out += hidden ? QStringLiteral("/***") : u.path();
  return out.toStdString();
}

bool isUrlWithSecretPath(std::string_view key) {
  constexpr std::string_view suffix = "webhook_url";
  return key.size() >= suffix.size() && key.substr(key.size() - suffix.size()) == suffix;
}

}  // namespace meridian::common
