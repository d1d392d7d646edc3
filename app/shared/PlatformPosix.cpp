#include "app/shared/Platform.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>
#include <ctime>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace meridian::app {

// Without it, the usual umask 022 leaves the SQLite file, its backups and the logs (orders, fills, account values)
// readable by every local user.
void makeCreatedFilesPrivate() { ::umask(S_IRWXG | S_IRWXO); }

namespace {
int g_quitPipe[2] = {-1, -1};
volatile std::sig_atomic_t g_received = 0;  // written on the loop's thread after the pipe is read
extern "C" void onQuitSignal(int signo) {
  const char c = static_cast<char>(signo);
  [[maybe_unused]] const auto n = ::write(g_quitPipe[1], &c, 1);  // async-signal-safe only
}
}  // namespace

bool quitOnTerminationSignals(QCoreApplication* app) {
  if (!app || g_quitPipe[0] >= 0 || ::pipe(g_quitPipe) != 0) return false;
  for (int fd : g_quitPipe) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  ::fcntl(g_quitPipe[1], F_SETFL, O_NONBLOCK);
  auto* notifier = new QSocketNotifier(g_quitPipe[0], QSocketNotifier::Read, app);
  QObject::connect(notifier, &QSocketNotifier::activated, app, [app] {
    char c = 0;
    if (::read(g_quitPipe[0], &c, 1) == 1) g_received = c;
    app->quit();
  });
  struct sigaction sa {};
  sa.sa_handler = onQuitSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  return ::sigaction(SIGTERM, &sa, nullptr) == 0 && ::sigaction(SIGINT, &sa, nullptr) == 0;
}

const char* terminationSignalReceived() {
  switch (g_received) {
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    default: return nullptr;
  }
}

std::unique_ptr<QObject> watchStandardInputLines(std::function<void(const QByteArray&)> onLine) {
  auto notifier = std::make_unique<QSocketNotifier>(STDIN_FILENO, QSocketNotifier::Read);
  auto buffer = std::make_shared<QByteArray>();
  QSocketNotifier* n = notifier.get();
  QObject::connect(n, &QSocketNotifier::activated, n, [n, buffer, onLine = std::move(onLine)] {
    char chunk[4096];
    const auto got = ::read(STDIN_FILENO, chunk, sizeof chunk);
    if (got <= 0) {  // end of input or an error: stop watching (a closed stdin would otherwise spin)
      n->setEnabled(false);
      return;
    }
    buffer->append(chunk, got);
    qsizetype nl;
    while ((nl = buffer->indexOf('\n')) >= 0) {
      const QByteArray line = buffer->left(nl);
      buffer->remove(0, nl + 1);
      onLine(line);
    }
  });
  return notifier;
}

double currentThreadCpuMs() {
  timespec ts{};
  if (::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return -1.0;
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

}  // namespace meridian::app
