#pragma once
// Private PostgreSQL / Redis servers for the reliability tests. These tests kill and restart their servers, so
// they never use the shared test servers (other tests run against those in parallel): each test starts its own
// in a temp dir on a free loopback port, the same way tests/run-all.sh does (initdb + pg_ctl as the postgres user
// when running as root; redis-server --daemonize). Everything is stopped and removed in the destructor.
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>
#include <string>

namespace meridian::testsupport {

struct ProcessResult {
  int exitCode = -1;
  QString output;  // stdout + stderr
  bool ok() const { return exitCode == 0; }
};
// Runs a program to completion (timeout 60 s). exitCode -1 when it could not be started or timed out.
ProcessResult runProcess(const QString& program, const QStringList& args, int timeoutMs = 60'000);
// A TCP port on 127.0.0.1 that nothing listens on right now.
quint16 freeLoopbackPort();
// True when MERIDIAN_REQUIRE_SERVERS=1 (a missing server binary is then a failure, not a skip).
bool serversRequired();

class PrivatePostgres {
 public:
  PrivatePostgres();
  ~PrivatePostgres();
  PrivatePostgres(const PrivatePostgres&) = delete;
  PrivatePostgres& operator=(const PrivatePostgres&) = delete;

  // Directory of initdb / pg_ctl (newest /usr/lib/postgresql/*/bin), empty when PostgreSQL is not installed.
  static QString binDir();
  // initdb + start. Error text (with the server log) in `error` on failure.
  bool init(QString* error);
  bool start(QString* error = nullptr);
  // pg_ctl stop -m immediate: the postmaster and every backend exit at once, no checkpoint (a crash; the next
  // start runs crash recovery). Client connections see the socket close.
  bool killImmediate(QString* error = nullptr);
  bool running() const { return m_running; }
  quint16 port() const { return m_port; }
  // postgresql://meridian@127.0.0.1:<port>/postgres (superuser, trust)
  std::string uri(const std::string& database = "postgres") const;
  QString log() const;

 private:
  ProcessResult asPostgres(const QString& program, const QStringList& args, int timeoutMs = 60'000);
  QTemporaryDir m_dir;
  QString m_bin;
  quint16 m_port = 0;
  bool m_initialised = false;
  bool m_running = false;
};

class PrivateRedis {
 public:
  PrivateRedis();
  ~PrivateRedis();
  PrivateRedis(const PrivateRedis&) = delete;
  PrivateRedis& operator=(const PrivateRedis&) = delete;

  static QString serverPath();  // redis-server in PATH, empty when absent
  // Clients must AUTH with this password (requirepass) from the next start on; cli() uses it too.
  void setPassword(const QString& password) { m_password = password; }
  bool start(QString* error = nullptr);  // same port every time (restart)
  // SIGKILL (no save, no goodbye: clients see the connection drop).
  bool kill(QString* error = nullptr);
  bool running() const { return m_running; }
  quint16 port() const { return m_port; }
  std::string url() const;  // redis://127.0.0.1:<port>
  // redis-cli against this server; its stdout trimmed.
  QString cli(const QStringList& args);

 private:
  QTemporaryDir m_dir;
  quint16 m_port = 0;
  QString m_password;
  qint64 m_pid = 0;
  bool m_running = false;
};

}  // namespace meridian::testsupport
