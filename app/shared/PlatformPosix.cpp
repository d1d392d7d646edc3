#include "app/shared/Platform.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace meridian::app {

// Without it, the usual umask 022 leaves the SQLite file, its backups and the logs (orders, fills, account values)
// readable by every local user.
void makeCreatedFilesPrivate() { ::umask(S_IRWXG | S_IRWXO); }

namespace {
int g_quitPipe[2] = {-1, -1};
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
    [[maybe_unused]] const auto n = ::read(g_quitPipe[0], &c, 1);
    app->quit();
  });
  struct sigaction sa {};
  sa.sa_handler = onQuitSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  return ::sigaction(SIGTERM, &sa, nullptr) == 0 && ::sigaction(SIGINT, &sa, nullptr) == 0;
}

}  // namespace meridian::app
