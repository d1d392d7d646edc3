#include "PrivateServers.h"

#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

#include <algorithm>

#include <csignal>
#include <pwd.h>
#include <sys/types.h>
#include <unistd.h>

namespace meridian::testsupport {

ProcessResult runProcess(const QString& program, const QStringList& args, int timeoutMs) {
  QProcess p;
  p.setProcessChannelMode(QProcess::MergedChannels);
  p.start(program, args);
  ProcessResult r;
  if (!p.waitForStarted(10'000)) {
    r.output = QStringLiteral("cannot start %1: %2").arg(program, p.errorString());
    return r;
  }
  if (!p.waitForFinished(timeoutMs)) {
    p.kill();
    p.waitForFinished(5'000);
    r.output = QStringLiteral("%1 timed out: %2").arg(program, QString::fromLocal8Bit(p.readAll()));
    return r;
  }
  r.output = QString::fromLocal8Bit(p.readAll());
  r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
  return r;
}

quint16 freeLoopbackPort() {
  QTcpServer s;
  s.listen(QHostAddress::LocalHost, 0);
  const quint16 port = s.serverPort();
  s.close();
  return port;
}

bool serversRequired() { return qEnvironmentVariable("MERIDIAN_REQUIRE_SERVERS") == QLatin1String("1"); }

namespace {

bool portAccepts(quint16 port) {
  QTcpSocket s;
  s.connectToHost(QHostAddress::LocalHost, port);
  const bool ok = s.waitForConnected(200);
  s.abort();
  return ok;
}

}  // namespace

// ---- PostgreSQL -----------------------------------------------------------------------------------------------

PrivatePostgres::PrivatePostgres() {
  m_bin = binDir();
  if (::geteuid() == 0) {
    // The server runs as postgres: it must own the directory it creates its cluster and socket in.
    if (const passwd* pw = ::getpwnam("postgres")) (void)::chown(QFile::encodeName(m_dir.path()).constData(), pw->pw_uid, pw->pw_gid);
  }
}

PrivatePostgres::~PrivatePostgres() {
  if (m_running)
    asPostgres(m_bin + "/pg_ctl", {"-D", m_dir.path() + "/pg", "-m", "immediate", "-w", "stop"}, 30'000);
}

QString PrivatePostgres::binDir() {
  QDir root(QStringLiteral("/usr/lib/postgresql"));
  QStringList versions = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
  std::sort(versions.begin(), versions.end(), [](const QString& a, const QString& b) { return a.toInt() < b.toInt(); });
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    const QString bin = root.filePath(*it + "/bin");
    if (QFile::exists(bin + "/initdb") && QFile::exists(bin + "/pg_ctl")) return bin;
  }
  return {};
}

ProcessResult PrivatePostgres::asPostgres(const QString& program, const QStringList& args, int timeoutMs) {
  if (::geteuid() == 0) return runProcess(QStringLiteral("runuser"), QStringList{"-u", "postgres", "--", program} + args, timeoutMs);
  return runProcess(program, args, timeoutMs);
}

std::string PrivatePostgres::uri(const std::string& database) const {
  return "postgresql://meridian@127.0.0.1:" + std::to_string(m_port) + "/" + database;
}

QString PrivatePostgres::log() const {
  QFile f(m_dir.path() + "/pg.log");
  if (!f.open(QIODevice::ReadOnly)) return {};
  return QString::fromLocal8Bit(f.readAll().right(4000));
}

bool PrivatePostgres::init(QString* error) {
  if (m_bin.isEmpty()) {
    if (error) *error = QStringLiteral("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin");
    return false;
  }
  if (!m_dir.isValid()) {
    if (error) *error = QStringLiteral("cannot create a temp dir: %1").arg(m_dir.errorString());
    return false;
  }
  const auto r = asPostgres(m_bin + "/initdb",
                            {"-D", m_dir.path() + "/pg", "-A", "trust", "-U", "meridian", "-E", "UTF8", "--no-locale", "--no-sync"});
  if (!r.ok()) {
    if (error) *error = QStringLiteral("initdb failed: %1").arg(r.output);
    return false;
  }
  m_initialised = true;
  m_port = freeLoopbackPort();
  return start(error);
}

bool PrivatePostgres::start(QString* error) {
  if (!m_initialised) {
    if (error) *error = QStringLiteral("not initialised");
    return false;
  }
  const QString opts = QStringLiteral("-p %1 -k %2 -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=20")
                           .arg(m_port)
                           .arg(m_dir.path());
  const auto r = asPostgres(m_bin + "/pg_ctl", {"-D", m_dir.path() + "/pg", "-w", "-t", "60", "-l",
                                                m_dir.path() + "/pg.log", "-o", opts, "start"});
  if (!r.ok()) {
    if (error) *error = QStringLiteral("pg_ctl start failed: %1\n%2").arg(r.output, log());
    return false;
  }
  m_running = true;
  return true;
}

bool PrivatePostgres::killImmediate(QString* error) {
  const auto r = asPostgres(m_bin + "/pg_ctl", {"-D", m_dir.path() + "/pg", "-m", "immediate", "-w", "stop"});
  if (!r.ok()) {
    if (error) *error = QStringLiteral("pg_ctl stop failed: %1").arg(r.output);
    return false;
  }
  m_running = false;
  return true;
}

// ---- Redis ----------------------------------------------------------------------------------------------------

PrivateRedis::PrivateRedis() { m_port = freeLoopbackPort(); }

PrivateRedis::~PrivateRedis() { kill(); }

QString PrivateRedis::serverPath() { return QStandardPaths::findExecutable(QStringLiteral("redis-server")); }

std::string PrivateRedis::url() const { return "redis://127.0.0.1:" + std::to_string(m_port); }

bool PrivateRedis::start(QString* error) {
  const QString server = serverPath();
  if (server.isEmpty()) {
    if (error) *error = QStringLiteral("redis-server not found in PATH");
    return false;
  }
  const QString dir = m_dir.path();
  QStringList args{"--port", QString::number(m_port), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no", "--daemonize", "yes", "--dir", dir, "--pidfile",
                   dir + "/redis.pid", "--logfile", dir + "/redis.log"};
  if (!m_password.isEmpty()) args << "--requirepass" << m_password;
  const auto r = runProcess(server, args);
  if (!r.ok()) {
    if (error) *error = QStringLiteral("redis-server failed: %1").arg(r.output);
    return false;
  }
  for (int i = 0; i < 100; ++i) {
    QFile pidFile(dir + "/redis.pid");
    if (portAccepts(m_port) && pidFile.open(QIODevice::ReadOnly)) {
      m_pid = pidFile.readAll().trimmed().toLongLong();
      if (m_pid > 0) {
        m_running = true;
        return true;
      }
    }
    QThread::msleep(50);
  }
  if (error) *error = QStringLiteral("redis-server did not come up on port %1").arg(m_port);
  return false;
}

bool PrivateRedis::kill(QString* error) {
  if (!m_running) return true;
  if (::kill(pid_t(m_pid), SIGKILL) != 0) {
    if (error) *error = QStringLiteral("kill %1 failed").arg(m_pid);
    return false;
  }
  for (int i = 0; i < 100 && portAccepts(m_port); ++i) QThread::msleep(20);
  QFile::remove(m_dir.path() + "/redis.pid");
  m_running = false;
  m_pid = 0;
  return true;
}

QString PrivateRedis::cli(const QStringList& args) {
  QStringList all{"-p", QString::number(m_port)};
  if (!m_password.isEmpty()) all << "--no-auth-warning" << "-a" << m_password;
  const auto r = runProcess(QStringLiteral("redis-cli"), all + args, 10'000);
  return r.output.trimmed();
}

}  // namespace meridian::testsupport
