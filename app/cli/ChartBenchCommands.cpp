#include "app/cli/ChartBenchCommands.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>

#include <fmt/core.h>

namespace meridian::cli {
namespace {

int runGuiExecutable(const char* bench, const QString& name, const QStringList& args) {
  const QDir here(QCoreApplication::applicationDirPath());
  QString program;
  for (const QString& candidate : {here.filePath(name)})
    if (QFileInfo(candidate).isExecutable()) {
      program = QFileInfo(candidate).canonicalFilePath();
      break;
    }
  if (program.isEmpty()) program = QStandardPaths::findExecutable(name);
  if (program.isEmpty()) {
    fmt::print(stderr, "bench {}: {} not found (built with MERIDIAN_BUILD_GUI=ON, installed next to meridian-cli)\n",
               bench, name.toStdString());
    return 1;
  }
  QProcess p;
  p.setProcessChannelMode(QProcess::ForwardedChannels);
  p.start(program, args);
  if (!p.waitForStarted(10'000)) {
    fmt::print(stderr, "bench {}: cannot start {}: {}\n", bench, program.toStdString(), p.errorString().toStdString());
    return 1;
  }
  p.waitForFinished(-1);
  return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : 1;
}

}  // namespace

int runBenchChart(const QStringList& args, const common::Config&) {
  return runGuiExecutable("chart", QStringLiteral("meridian-bench-chart"), args);
}

int runBenchGui(const QStringList& args, const common::Config&) {
  return runGuiExecutable("gui", QStringLiteral("meridian-bench-gui"), args);
}

}  // namespace meridian::cli
