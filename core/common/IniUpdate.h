#pragma once
// Writes settings into the user's INI file the way a person would edit it: each "section.name" key replaces the
// value of its line in its [section], or is added at the end of that section (the section at the end of the file
// when it is new). Every other line (comments, order, unknown keys) stays as it was. A value that QSettings would
// read differently written bare (a comma, a quote, a semicolon, leading / trailing spaces) is written
// double-quoted. The result must pass Config::checkIniSyntax; it replaces the file atomically (write a temporary
// file, then rename), so a crash never leaves half a file. The file is created when missing (0600 by the
// process umask).
#include <QList>
#include <QPair>
#include <QString>

#include "core/common/Result.h"

namespace meridian::common {

// values: ("risk.max_order_qty", "5000"), ... . An empty value removes nothing: it is written as key= (empty).
Status updateIniValues(const QString& iniPath, const QList<QPair<QString, QString>>& values);

}  // namespace meridian::common
