#include "app/cli/ChartBenchCommands.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>

#include <fmt/core.h>

namespace meridian::cli {

int runBenchChart(const QStringList& args, const common::Config&) {
  const QString name = QStringLiteral("meridian-bench-chart");
  const QDir here(QCoreApplication::applicationDirPath());
  QString program;
  for (const QString& candidate : {here.filePath(name), here.filePath(QStringLiteral("../ui/") + name)})
    if (QFileInfo(candidate).isExecutable()) {
      program = QFileInfo(candidate).canonicalFilePath();
      break;
    }
  if (program.isEmpty()) program = QStandardPaths::findExecutable(name);
  if (program.isEmpty()) {
    fmt::print(stderr, "bench chart: {} not found (built with MERIDIAN_BUILD_GUI=ON, installed next to meridian-cli)\n",
               name.toStdString());
    return 1;
  }
  QProcess p;
  p.setProcessChannelMode(QProcess::ForwardedChannels);
  p.start(program, args);
  if (!p.waitForStarted(10'000)) {
    fmt::print(stderr, "bench chart: cannot start {}: {}\n", program.toStdString(), p.errorString().toStdString());
    return 1;
  }
  p.waitForFinished(-1);
  return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : 1;
}

}  // namespace meridian::cli
