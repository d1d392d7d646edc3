#pragma once
// Runs the real meridian-cli (MERIDIAN_CLI_PATH) for the CLI tests, with its user directories (config, SQLite data,
// logs) isolated under `home`.
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QtGlobal>

namespace meridian::testsupport {

struct CliRun {
  int code = -1;
  QString out;
  QString err;
};

// `extra` is added to the inherited environment; a run longer than `timeoutMs` aborts the test executable.
inline CliRun runCli(const QTemporaryDir& home, const QStringList& args, const QProcessEnvironment& extra = {},
                     int timeoutMs = 120'000) {
  QProcess p;
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  env.insert("HOME", home.path());
  env.insert("XDG_CONFIG_HOME", home.filePath("config"));
  env.insert("XDG_DATA_HOME", home.filePath("data"));
  for (const QString& k : extra.keys()) env.insert(k, extra.value(k));
  p.setProcessEnvironment(env);
  p.start(MERIDIAN_CLI_PATH, args);
  if (!p.waitForFinished(timeoutMs)) qFatal("meridian-cli did not finish");
  return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

}  // namespace meridian::testsupport
