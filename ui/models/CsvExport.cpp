#include "ui/models/CsvExport.h"

#include <QAbstractItemModel>
#include <QSaveFile>
#include <QTextStream>

namespace meridian::ui::csv {

QString quoteField(const QString& field) {
  const bool needsQuotes = field.contains(QLatin1Char(',')) || field.contains(QLatin1Char('"')) ||
                           field.contains(QLatin1Char('\n')) || field.contains(QLatin1Char('\r')) ||
                           (!field.isEmpty() && (field.front().isSpace() || field.back().isSpace()));
  if (!needsQuotes) return field;
  QString out = field;
  out.replace(QLatin1Char('"'), QStringLiteral("\"\""));
  return QLatin1Char('"') + out + QLatin1Char('"');
}

QString joinRow(const QStringList& fields) {
  QString line;
  for (qsizetype i = 0; i < fields.size(); ++i) {
    if (i) line += QLatin1Char(',');
    line += quoteField(fields[i]);
  }
  return line;
}

QStringList splitRow(const QString& line) {
  QStringList out;
  QString field;
  bool quoted = false;
  for (qsizetype i = 0; i < line.size(); ++i) {
    const QChar c = line[i];
    if (quoted) {
      if (c == QLatin1Char('"')) {
        if (i + 1 < line.size() && line[i + 1] == QLatin1Char('"')) {
          field += c;
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
    } else if (c == QLatin1Char('"')) {
      quoted = true;
    } else if (c == QLatin1Char(',')) {
      out << field;
      field.clear();
    } else {
      field += c;
    }
  }
  out << field;
  return out;
}

bool writeRows(const QString& path, const QStringList& header, int rowCount, const std::function<QStringList(int)>& row,
               QString* error) {
  if (path.trimmed().isEmpty()) {
    if (error) *error = QStringLiteral("no file name given for the CSV export");
    return false;
  }
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly)) {
    if (error) *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    return false;
  }
  QTextStream out(&file);
  out.setEncoding(QStringConverter::Utf8);
  out << joinRow(header) << '\n';
  for (int r = 0; r < rowCount; ++r) out << joinRow(row(r)) << '\n';
  out.flush();
  if (out.status() != QTextStream::Ok || !file.commit()) {
    if (error) *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    return false;
  }
  return true;
}

bool writeModel(const QString& path, const QAbstractItemModel& model, QString* error) {
  const int columns = model.columnCount();
  QStringList header;
  for (int c = 0; c < columns; ++c) {
    const QVariant name = model.headerData(c, Qt::Horizontal, ExportRole);
    header << (name.isValid() ? name.toString() : model.headerData(c, Qt::Horizontal, Qt::DisplayRole).toString());
  }
  return writeRows(path, header, model.rowCount(), [&](int r) {
    QStringList fields;
    fields.reserve(columns);
    for (int c = 0; c < columns; ++c) {
      const QModelIndex idx = model.index(r, c);
      const QVariant v = model.data(idx, ExportRole);
      fields << (v.isValid() ? v.toString() : model.data(idx, Qt::DisplayRole).toString());
    }
    return fields;
  }, error);
}

}  // namespace meridian::ui::csv
