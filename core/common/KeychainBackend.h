#pragma once
// ISecretBackend on the OS keychain through qtkeychain (target meridian::keychain; see SecretStore.h for why it is
// not part of meridian::common). Never falls back to plain-text storage (qtkeychain's insecureFallback stays off).
//
// qtkeychain jobs are asynchronous; each call here runs one job to completion in a local QEventLoop (bounded by
// kTimeoutMs), so it needs a QCoreApplication and should run where a short wait is acceptable (settings dialog
// button, start-up), never in a hot path. Availability is probed once (a read of a probe entry) and cached.
#include "core/common/SecretStore.h"

namespace meridian::common {

#if MERIDIAN_HAVE_KEYCHAIN
class KeychainBackend final : public ISecretBackend {
 public:
  static constexpr int kTimeoutMs = 10'000;
  explicit KeychainBackend(QString service);
  QString name() const override;
  bool available(QString* why) override;
  Result<std::optional<QString>> read(const QString& key) override;
  Status write(const QString& key, const QString& value) override;
  Status remove(const QString& key) override;

 private:
  QString m_service;
  int m_available = -1;  // unknown / 0 / 1
  QString m_why;
};
#endif

}  // namespace meridian::common
