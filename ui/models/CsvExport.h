#pragma once
// The one CSV writer of the UI (blotters, backtest trades). RFC 4180: comma separated, CRLF-free "\n" line ends,
// a field is quoted when it contains a comma, a double quote, a line break or leading/trailing blanks, and quotes
// inside are doubled. Files are written through QSaveFile, so a failed export never leaves a truncated file behind.
//
// Models opt in to machine-readable values with ExportRole (plain numbers without thousands separators, ISO-8601
// UTC times); columns answering nothing for ExportRole fall back to the DisplayRole text. Exporting through a sort
// proxy writes the rows in the order the user sees them.
#include <QString>
#include <QStringList>

#include <functional>

class QAbstractItemModel;

namespace meridian::ui::csv {

inline constexpr int ExportRole = 0x0100 + 50;  // Qt::UserRole + 50: the value written to CSV

// One field, quoted when needed.
QString quoteField(const QString& field);
// One line (without the line end) of already-formatted fields.
QString joinRow(const QStringList& fields);
// Parses one line written by joinRow (quoted fields, doubled quotes); used by tests and imports of our own files.
QStringList splitRow(const QString& line);

// Writes `header` and `rowCount` lines produced by `row(i)`. Returns false with *error ("cannot write <path>: ...").
bool writeRows(const QString& path, const QStringList& header, int rowCount, const std::function<QStringList(int)>& row,
               QString* error = nullptr);

// Writes every row and column of `model` (top level), hidden columns included: the header from
// headerData(ExportRole) (a machine name such as "price_vs_sma50_pct"), else headerData(DisplayRole); each cell from
// ExportRole, else DisplayRole.
bool writeModel(const QString& path, const QAbstractItemModel& model, QString* error = nullptr);

}  // namespace meridian::ui::csv
