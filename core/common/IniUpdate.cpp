#include "core/common/IniUpdate.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStringList>

#include "core/common/Config.h"

namespace meridian::common {
namespace {

QString iniValue(const QString& v) {
  const bool quote = v.contains(QLatin1Char(',')) || v.contains(QLatin1Char(';')) || v.contains(QLatin1Char('"')) ||
                     v.contains(QLatin1Char('#')) || v.trimmed() != v;
  if (!quote) return v;
  QString escaped = v;
  escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('"'), QStringLiteral("\\\""));
  return QLatin1Char('"') + escaped + QLatin1Char('"');
}

QString sectionOf(const QString& line) {
  const QString t = line.trimmed();
  return t.startsWith(QLatin1Char('[')) && t.endsWith(QLatin1Char(']')) ? t.mid(1, t.size() - 2).trimmed() : QString();
}

}  // namespace

Status updateIniValues(const QString& iniPath, const QList<QPair<QString, QString>>& values) {
  QStringList lines;
  if (QFile in(iniPath); in.exists()) {
    if (!in.open(QIODevice::ReadOnly | QIODevice::Text))
      return makeError("config", QStringLiteral("%1: cannot read (%2)").arg(iniPath, in.errorString()).toStdString());
    lines = QString::fromUtf8(in.readAll()).split(QLatin1Char('\n'));
    if (!lines.isEmpty() && lines.back().isEmpty()) lines.removeLast();
  }
  for (const auto& [key, value] : values) {
    const int dot = key.indexOf(QLatin1Char('.'));
    if (dot <= 0 || dot == key.size() - 1)
      return makeError("config", QStringLiteral("'%1' is not a section.name setting").arg(key).toStdString());
    const QString section = key.left(dot);
    const QString name = key.mid(dot + 1);
    const QString line = name + QLatin1Char('=') + iniValue(value);
    // Find the section's block and the key's line in it.
    int begin = -1, end = static_cast<int>(lines.size()), found = -1;
    for (int i = 0; i < lines.size(); ++i) {
      const QString s = sectionOf(lines[i]);
      if (!s.isEmpty()) {
        if (begin >= 0) {
          end = i;
          break;
        }
        if (s == section) begin = i;
        continue;
      }
      if (begin < 0) continue;
      const QString t = lines[i].trimmed();
      if (t.startsWith(QLatin1Char(';')) || t.startsWith(QLatin1Char('#'))) continue;
      if (t.section(QLatin1Char('='), 0, 0).trimmed() == name) found = i;
    }
    if (found >= 0) {
      lines[found] = line;
    } else if (begin >= 0) {
      int at = end;
      while (at > begin + 1 && lines[at - 1].trimmed().isEmpty()) --at;  // before the blank lines ending the block
      lines.insert(at, line);
    } else {
      if (!lines.isEmpty() && !lines.back().trimmed().isEmpty()) lines << QString();
      lines << QLatin1Char('[') + section + QLatin1Char(']') << line;
    }
  }
  if (const QFileInfo fi(iniPath); !fi.absoluteDir().exists() && !QDir().mkpath(fi.absolutePath()))
    return makeError("config", QStringLiteral("%1: cannot create its folder").arg(iniPath).toStdString());
  QSaveFile out(iniPath);
  if (!out.open(QIODevice::WriteOnly | QIODevice::Text))
    return makeError("config", QStringLiteral("%1: cannot write (%2)").arg(iniPath, out.errorString()).toStdString());
  out.write((lines.join(QLatin1Char('\n')) + QLatin1Char('\n')).toUtf8());
  if (!out.commit())
    return makeError("config", QStringLiteral("%1: not saved (%2)").arg(iniPath, out.errorString()).toStdString());
  return Config::checkIniSyntax(iniPath);
}

}  // namespace meridian::common
