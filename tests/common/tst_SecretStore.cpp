// SecretStore: environment before keychain, a clear "keychain unavailable" status and fallback when there is no
// secret service, db.pg_uri passwords stripped from the INI and moved to the keychain only once stored, and no secret
// value in the in-app log buffer. A real OS keychain round trip runs when a D-Bus Secret Service is reachable, or
// in a private `dbus-run-session` with `gnome-keyring-daemon --unlock` when both are installed (installer/deps.sh);
// otherwise it skips, or fails under MERIDIAN_REQUIRE_SERVERS=1.
#include "core/common/Config.h"
#include "core/common/Logging.h"
#include "core/common/Redact.h"
#include "core/common/SecretStore.h"

#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/support/RequireServers.h"

#include <map>

using namespace meridian;
using common::SecretSource;
using common::SecretStore;

namespace {

class FakeBackend final : public common::ISecretBackend {
 public:
  explicit FakeBackend(bool available = true) : m_available(available) {}
  QString name() const override { return QStringLiteral("fake"); }
  bool available(QString* why) override {
    if (!m_available && why) *why = QStringLiteral("fake keychain switched off");
    return m_available;
  }
  Result<std::optional<QString>> read(const QString& key) override {
    if (!m_available) return makeError("keychain.unavailable", "keychain unavailable: fake");
    const auto it = values.find(key);
    if (it == values.end()) return std::optional<QString>{};
    return std::optional<QString>{it->second};
  }
  Status write(const QString& key, const QString& value) override {
    if (!m_available) return makeError("keychain.unavailable", "keychain unavailable: fake");
    values[key] = value;
    return {};
  }
  Status remove(const QString& key) override {
    values.erase(key);
    return {};
  }
  std::map<QString, QString> values;

 private:
  bool m_available;
};

QProcessEnvironment envWith(std::initializer_list<std::pair<const char*, const char*>> vars) {
  QProcessEnvironment env;
  for (const auto& [k, v] : vars) env.insert(QString::fromLatin1(k), QString::fromLatin1(v));
  return env;
}

QString allLogText() {
  std::vector<common::LogRecord> records;
  common::inAppLogs()->recordsSince(0, records);
  QString text;
  for (const auto& r : records) text += QString::fromStdString(r.message) + QLatin1Char('\n');
  return text;
}

void writeFile(const QString& path, const QByteArray& content) {
  QFile f(path);
  QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
  f.write(content);
}

QByteArray readFile(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

}  // namespace

class tst_SecretStore : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    common::LogOptions o;
    o.level = "debug";
    common::initLogging(o);
  }

  void environmentWinsOverKeychain() {
    auto kc = std::make_shared<FakeBackend>();
    kc->values[QStringLiteral("alpaca.key_id")] = QStringLiteral("kc-key-id-111111");
    kc->values[QStringLiteral("polygon.api_key")] = QStringLiteral("kc-polygon-222222");

    SecretStore vendorEnv(kc, envWith({{"APCA_API_KEY_ID", "env-apca-333333"}}));
    auto r = vendorEnv.resolve(QStringLiteral("alpaca.key_id"));
    QCOMPARE(r.source, SecretSource::Environment);
    QCOMPARE(*r.value, QStringLiteral("env-apca-333333"));
    QCOMPARE(vendorEnv.status(QStringLiteral("alpaca.key_id")).text, QStringLiteral("from env (APCA_API_KEY_ID)"));

    // MERIDIAN_* before the vendor variable.
    SecretStore both(kc, envWith({{"APCA_API_KEY_ID", "env-apca-333333"}, {"MERIDIAN_ALPACA_KEY_ID", "env-mrd-444444"}}));
    QCOMPARE(*both.resolve(QStringLiteral("alpaca.key_id")).value, QStringLiteral("env-mrd-444444"));

    // Not in the environment: the keychain.
    r = vendorEnv.resolve(QStringLiteral("polygon.api_key"));
    QCOMPARE(r.source, SecretSource::Keychain);
    QCOMPARE(*r.value, QStringLiteral("kc-polygon-222222"));
    const auto st = vendorEnv.status(QStringLiteral("polygon.api_key"));
    QCOMPARE(st.text, QStringLiteral("stored in keychain"));
    QVERIFY(!st.text.contains(QStringLiteral("222222")));
    // Nowhere.
    QCOMPARE(vendorEnv.resolve(QStringLiteral("db.pg_password")).source, SecretSource::None);
    QCOMPARE(vendorEnv.status(QStringLiteral("db.pg_password")).text, QStringLiteral("not set"));
    // PGPASSWORD counts as the environment for the PostgreSQL password.
    SecretStore pg(kc, envWith({{"PGPASSWORD", "pg-env-555555"}}));
    QCOMPARE(pg.status(QStringLiteral("db.pg_password")).text, QStringLiteral("from env (PGPASSWORD)"));

    // applyTo: keychain values reach the Config unless the environment already set the key.
    common::Config cfg = common::Config::load(QString(), envWith({{"APCA_API_KEY_ID", "env-apca-333333"}}));
    QCOMPARE(vendorEnv.applyTo(cfg), 1);
    QCOMPARE(cfg.value(QStringLiteral("polygon.api_key")), QStringLiteral("kc-polygon-222222"));
    QCOMPARE(cfg.value(QStringLiteral("alpaca.key_id")), QStringLiteral("env-apca-333333"));

    // store / clear go to the keychain only.
    SecretStore store(kc, QProcessEnvironment());
    QVERIFY(store.store(QStringLiteral("alpaca.secret_key"), QStringLiteral("kc-secret-666666")).ok());
    QCOMPARE(kc->values[QStringLiteral("alpaca.secret_key")], QStringLiteral("kc-secret-666666"));
    QVERIFY(!store.store(QStringLiteral("alpaca.secret_key"), QString()).ok());
    QVERIFY(store.clear(QStringLiteral("alpaca.secret_key")).ok());
    QCOMPARE(store.resolve(QStringLiteral("alpaca.secret_key")).source, SecretSource::None);
  }

  void missingKeychainIsReportedAndFallsBack() {
    // The real backend with no reachable session bus: what CI (and a headless server) looks like.
    const QByteArray savedBus = qgetenv("DBUS_SESSION_BUS_ADDRESS");
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/meridian-test-bus");
    auto backend = common::makeSystemSecretBackend(QStringLiteral("MeridianTest-%1").arg(QCoreApplication::applicationPid()));
    SecretStore noEnv(backend, QProcessEnvironment());
    QString why;
    QVERIFY(!noEnv.keychainAvailable(&why));
    QVERIFY2(!why.isEmpty(), "an unavailable keychain must say why");
    const auto st = noEnv.status(QStringLiteral("alpaca.key_id"));
    QCOMPARE(st.source, SecretSource::None);
    QVERIFY(!st.keychainAvailable);
    QVERIFY2(st.text.contains(QStringLiteral("keychain unavailable")), qPrintable(st.text));
    const Status s = noEnv.store(QStringLiteral("alpaca.key_id"), QStringLiteral("never-stored-777777"));
    QVERIFY(!s.ok());
    QCOMPARE(s.error().code, std::string("keychain.unavailable"));
    QVERIFY2(QString::fromStdString(s.error().message).contains(QStringLiteral("keychain unavailable")),
             s.error().message.c_str());
    QVERIFY(!QString::fromStdString(s.error().message).contains(QStringLiteral("777777")));
    // The environment still works.
    SecretStore withEnv(backend, envWith({{"POLYGON_API_KEY", "env-polygon-888888"}}));
    const auto r = withEnv.resolve(QStringLiteral("polygon.api_key"));
    QCOMPARE(r.source, SecretSource::Environment);
    QCOMPARE(*r.value, QStringLiteral("env-polygon-888888"));
    if (savedBus.isNull())
      qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    else
      qputenv("DBUS_SESSION_BUS_ADDRESS", savedBus);
  }

  void pgUriPasswordIsStrippedAndMovedOnlyOnceStored() {
    QTemporaryDir dir;
    const QString ini = dir.filePath("meridian.ini");
    writeFile(ini, "[db]\nbackend=postgres\npg_uri=postgresql://meridian:pgPa55%21word@127.0.0.1:5432/meridian\n");

    common::Config cfg = common::Config::load(ini, QProcessEnvironment());
    QCOMPARE(cfg.value(QStringLiteral("db.pg_uri")), QStringLiteral("postgresql://meridian@127.0.0.1:5432/meridian"));
    QCOMPARE(cfg.value(QStringLiteral("db.pg_password")), QStringLiteral("pgPa55!word"));  // this session keeps working
    QVERIFY(cfg.warnings().join(' ').contains(QStringLiteral("db.pg_uri")));
    QVERIFY(!cfg.warnings().join(' ').contains(QStringLiteral("pgPa55")));
    QVERIFY(!cfg.dumpRedacted().join(' ').contains(QStringLiteral("pgPa55")));
    QCOMPARE(cfg.plaintextSecrets().size(), 1);

    // Keychain unavailable: nothing is lost, the file is left alone, the message says why.
    auto off = std::make_shared<FakeBackend>(false);
    SecretStore offStore(off, QProcessEnvironment());
    QStringList msgs = offStore.migratePlaintext(cfg, ini);
    QCOMPARE(msgs.size(), 1);
    QVERIFY2(msgs[0].contains(QStringLiteral("keychain unavailable")), qPrintable(msgs[0]));
    QVERIFY(readFile(ini).contains("pgPa55"));
    QCOMPARE(cfg.plaintextSecrets().size(), 1);

    // Available: stored, then the file rewritten without it.
    auto kc = std::make_shared<FakeBackend>();
    SecretStore store(kc, QProcessEnvironment());
    msgs = store.migratePlaintext(cfg, ini);
    QCOMPARE(msgs.size(), 1);
    QVERIFY2(msgs[0].contains(QStringLiteral("moved to the keychain")), qPrintable(msgs[0]));
    QCOMPARE(kc->values[QStringLiteral("db.pg_password")], QStringLiteral("pgPa55!word"));
    const QByteArray after = readFile(ini);
    QVERIFY2(!after.contains("pgPa55"), after.constData());
    QVERIFY(after.contains("127.0.0.1:5432"));
    QVERIFY(cfg.plaintextSecrets().isEmpty());
    // Next start: no warning, the password comes from the keychain.
    common::Config again = common::Config::load(ini, QProcessEnvironment());
    QVERIFY(again.plaintextSecrets().isEmpty());
    QCOMPARE(store.applyTo(again), 1);
    QCOMPARE(again.value(QStringLiteral("db.pg_password")), QStringLiteral("pgPa55!word"));

    // libpq keyword form and ?password= are stripped too.
    QString pw;
    QCOMPARE(common::Config::stripUriPassword(QStringLiteral("host=db user=m password='a b' dbname=x"), &pw),
             QStringLiteral("host=db user=m dbname=x"));
    QCOMPARE(pw, QStringLiteral("a b"));
    QCOMPARE(common::Config::stripUriPassword(QStringLiteral("postgresql://m@h/db?password=qq11&sslmode=require"), &pw),
             QStringLiteral("postgresql://m@h/db?sslmode=require"));
    QCOMPARE(pw, QStringLiteral("qq11"));
    QCOMPARE(common::Config::stripUriPassword(QStringLiteral("postgresql://m@h/db"), &pw), QStringLiteral("postgresql://m@h/db"));
    QVERIFY(pw.isEmpty());
    // The connection string is recomposed for the connection only (Kernel: db.pg_uri + db.pg_password).
    const QString uri = common::Config::withUriPassword(QStringLiteral("postgresql://meridian@127.0.0.1:5432/meridian"),
                                                        QStringLiteral("pgPa55!w@rd"));
    QCOMPARE(common::Config::stripUriPassword(uri, &pw), QStringLiteral("postgresql://meridian@127.0.0.1:5432/meridian"));
    QCOMPARE(pw, QStringLiteral("pgPa55!w@rd"));
    const QString kw = common::Config::withUriPassword(QStringLiteral("host=db user=m"), QStringLiteral("it's"));
    QCOMPARE(common::Config::stripUriPassword(kw, &pw), QStringLiteral("host=db user=m"));
    QCOMPARE(pw, QStringLiteral("it's"));
  }

  void noSecretValueReachesTheLogs() {
    const QString secrets[] = {QStringLiteral("LOGTEST-env-9f8e7d6c"), QStringLiteral("LOGTEST-kc-1a2b3c4d"),
                               QStringLiteral("LOGTEST-pg-5e6f7a8b"), QStringLiteral("LOGTEST-new-0c9d8e7f")};
    auto kc = std::make_shared<FakeBackend>();
    kc->values[QStringLiteral("alpaca.secret_key")] = secrets[1];
    SecretStore store(kc, envWith({{"APCA_API_KEY_ID", "LOGTEST-env-9f8e7d6c"}}));
    for (const auto& spec : common::knownSecrets()) (void)store.status(spec.key);
    QVERIFY(store.store(QStringLiteral("polygon.api_key"), secrets[3]).ok());
    (void)store.resolve(QStringLiteral("alpaca.key_id"));
    (void)store.resolve(QStringLiteral("alpaca.secret_key"));
    QTemporaryDir dir;
    const QString ini = dir.filePath("m.ini");
    writeFile(ini, "[db]\npg_uri=postgresql://u:LOGTEST-pg-5e6f7a8b@h/db\n");
    common::Config cfg = common::Config::load(ini, QProcessEnvironment());
    for (const QString& w : cfg.warnings()) common::logger("config")->warn("{}", w.toStdString());
    (void)store.migratePlaintext(cfg, ini);
    // Even careless code that logs a resolved value gets it masked (the values were registered with Redact).
    common::logger("careless")->error("connecting with key {} and {}", secrets[0].toStdString(), secrets[1].toStdString());
    common::logger("careless")->flush();
    const QString text = allLogText();
    QVERIFY2(text.contains(QStringLiteral("connecting with key")), "the log buffer did not capture the records");
    QVERIFY(text.contains(QStringLiteral("polygon.api_key stored in the keychain")));
    for (const QString& s : secrets) QVERIFY2(!text.contains(s), qPrintable(QStringLiteral("secret in the log: ") + s));
  }

  void realKeychainRoundTrip() {
    const QString service = QStringLiteral("MeridianTest-%1").arg(QCoreApplication::applicationPid());
    auto backend = common::makeSystemSecretBackend(service);
    QString why;
    if (!backend->available(&why)) {
      if (qEnvironmentVariableIsSet("MERIDIAN_SECRETSTORE_CHILD"))
        QFAIL(qPrintable(QStringLiteral("secret service still unavailable inside dbus-run-session: ") + why));
      const QString dbusRun = QStandardPaths::findExecutable(QStringLiteral("dbus-run-session"));
      const QString keyring = QStandardPaths::findExecutable(QStringLiteral("gnome-keyring-daemon"));
      if (dbusRun.isEmpty() || keyring.isEmpty())
        MERIDIAN_SKIP_OR_FAIL("no D-Bus Secret Service and no dbus-run-session + gnome-keyring-daemon to start a "
                              "private one (installer/deps.sh installs gnome-keyring)");
      // A private session bus with a fresh, unlocked keyring; this test function runs again inside it.
      QTemporaryDir home;
      QProcess child;
      QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
      env.insert(QStringLiteral("MERIDIAN_SECRETSTORE_CHILD"), QStringLiteral("1"));
      env.insert(QStringLiteral("HOME"), home.path());
      env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
      env.insert(QStringLiteral("XDG_RUNTIME_DIR"), home.path());
      env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
      child.setProcessEnvironment(env);
      child.setProcessChannelMode(QProcess::MergedChannels);
      const QString script = QStringLiteral("printf 'test-keyring-password' | '%1' --unlock --components=secrets >/dev/null "
                                            "2>&1; exec '%2' realKeychainRoundTrip")
                                 .arg(keyring, QCoreApplication::applicationFilePath());
      child.start(dbusRun, {QStringLiteral("--"), QStringLiteral("sh"), QStringLiteral("-c"), script});
      QVERIFY(child.waitForStarted(10'000));
      QVERIFY(child.waitForFinished(60'000));
      const QString out = QString::fromLocal8Bit(child.readAll());
      if (out.contains(QStringLiteral("SKIP   : tst_SecretStore::realKeychainRoundTrip")))
        MERIDIAN_SKIP_OR_FAIL("the private keyring could not be used");
      QVERIFY2(child.exitCode() == 0 && out.contains(QStringLiteral("PASS   : tst_SecretStore::realKeychainRoundTrip")),
               qPrintable(out));
      return;
    }
    SecretStore store(backend, QProcessEnvironment());
    const QString key = QStringLiteral("polygon.api_key");
    const QString value = QStringLiteral("real-keychain-%1").arg(QCoreApplication::applicationPid());
    QVERIFY2(store.store(key, value).ok(), "store in the OS keychain failed");
    auto r = store.resolve(key);
    QCOMPARE(r.source, SecretSource::Keychain);
    QCOMPARE(*r.value, value);
    QCOMPARE(store.status(key).text, QStringLiteral("stored in keychain"));
    QVERIFY(store.clear(key).ok());
    QCOMPARE(store.resolve(key).source, SecretSource::None);
    QVERIFY(store.clear(key).ok());  // removing a missing entry is fine
  }
};

QTEST_MAIN(tst_SecretStore)
#include "tst_SecretStore.moc"
