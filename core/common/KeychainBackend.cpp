#include "core/common/KeychainBackend.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QTimer>

#if MERIDIAN_HAVE_KEYCHAIN
#include <qt6keychain/keychain.h>
#endif

namespace meridian::common {
namespace {

// Used when the build has no qtkeychain: every operation says why.
class NoKeychainBackend final : public ISecretBackend {
 public:
  QString name() const override { return QStringLiteral("none"); }
  bool available(QString* why) override {
    if (why) *why = QStringLiteral("built without qtkeychain (MERIDIAN_HAVE_KEYCHAIN=0)");
    return false;
  }
  Result<std::optional<QString>> read(const QString&) override { return unavailable(); }
  Status write(const QString&, const QString&) override { return unavailable(); }
  Status remove(const QString&) override { return unavailable(); }

 private:
  static Error unavailable() {
    return makeError("keychain.unavailable", "keychain unavailable: built without qtkeychain (MERIDIAN_HAVE_KEYCHAIN=0)");
  }
};

#if MERIDIAN_HAVE_KEYCHAIN
struct JobOutcome {
  QKeychain::Error error = QKeychain::OtherError;
  QString message;
  QString text;
};

// Runs a configured job to completion (or kTimeoutMs) and returns its outcome.
JobOutcome runJob(QKeychain::Job& job, bool readText) {
  JobOutcome out;
  if (!QCoreApplication::instance()) {
    out.message = QStringLiteral("no Qt application object");
    return out;
  }
  QEventLoop loop;
  bool finished = false;
  QObject::connect(&job, &QKeychain::Job::finished, &loop, [&] {
    finished = true;
    loop.quit();
  });
  QTimer::singleShot(KeychainBackend::kTimeoutMs, &loop, &QEventLoop::quit);
  job.setAutoDelete(false);
  job.setInsecureFallback(false);
  job.start();
  if (!finished) loop.exec(QEventLoop::ExcludeUserInputEvents);
  if (!finished) {
    out.message = QStringLiteral("no answer from the keychain within %1 s").arg(KeychainBackend::kTimeoutMs / 1000);
    return out;
  }
  out.error = job.error();
  out.message = job.errorString();
  if (readText && out.error == QKeychain::NoError) out.text = static_cast<QKeychain::ReadPasswordJob&>(job).textData();
  return out;
}

Error toError(const JobOutcome& o, const QString& what) {
  const bool unavailable = o.error == QKeychain::NoBackendAvailable || o.error == QKeychain::NotImplemented ||
                           o.error == QKeychain::OtherError;
  return makeError(unavailable ? "keychain.unavailable" : "keychain.error",
                   (unavailable ? QStringLiteral("keychain unavailable: %1 (%2)") : QStringLiteral("keychain: %2 (%1)"))
                       .arg(o.message, what)
                       .toStdString());
}
#endif

}  // namespace

#if MERIDIAN_HAVE_KEYCHAIN
KeychainBackend::KeychainBackend(QString service) : m_service(std::move(service)) {}

QString KeychainBackend::name() const { return QStringLiteral("OS keychain (qtkeychain)"); }

bool KeychainBackend::available(QString* why) {
  if (m_available < 0) {
    QKeychain::ReadPasswordJob job(m_service);
    job.setKey(QStringLiteral("meridian.probe"));
    const JobOutcome o = runJob(job, false);
    m_available = (o.error == QKeychain::NoError || o.error == QKeychain::EntryNotFound) ? 1 : 0;
    m_why = m_available ? QString() : (o.message.isEmpty() ? QStringLiteral("no secret service") : o.message);
  }
  if (why) *why = m_why;
  return m_available == 1;
}

Result<std::optional<QString>> KeychainBackend::read(const QString& key) {
  QKeychain::ReadPasswordJob job(m_service);
  job.setKey(key);
  const JobOutcome o = runJob(job, true);
  if (o.error == QKeychain::EntryNotFound) return std::optional<QString>{};
  if (o.error != QKeychain::NoError) return toError(o, QStringLiteral("reading ") + key);
  return std::optional<QString>{o.text};
}

Status KeychainBackend::write(const QString& key, const QString& value) {
  QKeychain::WritePasswordJob job(m_service);
  job.setKey(key);
  job.setTextData(value);
  const JobOutcome o = runJob(job, false);
  if (o.error != QKeychain::NoError) return toError(o, QStringLiteral("storing ") + key);
  return {};
}

Status KeychainBackend::remove(const QString& key) {
  QKeychain::DeletePasswordJob job(m_service);
  job.setKey(key);
  const JobOutcome o = runJob(job, false);
  if (o.error == QKeychain::NoError || o.error == QKeychain::EntryNotFound) return {};
  return toError(o, QStringLiteral("removing ") + key);
}
#endif

std::shared_ptr<ISecretBackend> makeSystemSecretBackend(const QString& service) {
#if MERIDIAN_HAVE_KEYCHAIN
  return std::make_shared<KeychainBackend>(service);
#else
  (void)service;
  return std::make_shared<NoKeychainBackend>();
#endif
}

}  // namespace meridian::common
