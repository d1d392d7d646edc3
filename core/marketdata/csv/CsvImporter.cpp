#include "core/marketdata/csv/CsvImporter.h"

#include <QFileInfo>
#include <QRegularExpression>

#include <fmt/format.h>

namespace meridian::marketdata {
namespace {

std::string str(const QString& s) { return s.toStdString(); }

bars::CsvReadOptions readOptions(const CsvOptions& o) {
  bars::CsvReadOptions r;
  r.layout = o.format == CsvOptions::Format::Yahoo ? bars::CsvReadOptions::Layout::Yahoo
                                                    : bars::CsvReadOptions::Layout::Mapped;
  r.columns = {str(o.map.date), str(o.map.time),     str(o.map.open),   str(o.map.high),  str(o.map.low),
               str(o.map.close), str(o.map.adjClose), str(o.map.volume), str(o.map.vwap), str(o.map.trades)};
  r.timeZone = o.timeZone.toStdString();
  r.dateFormat = str(o.dateFormat);
  r.adjust = o.adjust;
  r.delimiter = o.delimiter.toLatin1();
  r.sort = o.sort;
  r.dedupeLast = o.dedupeLast;
  r.skipBadRows = o.skipBadRows;
  return r;
}

Result<CsvData> toCsvData(Result<bars::BarCsv> read) {
  if (!read) return read.error();
  bars::BarCsv& in = read.value();
  CsvData d;
  d.bars = std::move(in.bars);
  d.lines.reserve(in.lines.size());
  for (std::size_t l : in.lines) d.lines.push_back(int(l));
  d.timeframe = in.timeframe;
  d.rows = in.rows;
  d.skippedNullRows = in.skippedNullRows;
  d.sortedRows = in.sortedRows;
  d.droppedDuplicates = in.droppedDuplicates;
  for (const auto& h : in.header) d.header << QString::fromStdString(h);
  d.rowErrors = std::move(in.rowErrors);
  d.badRows = in.badRows;
  return d;
}

}  // namespace

Result<CsvColumnMap> CsvColumnMap::parse(const QString& spec) {
  CsvColumnMap m;
  m.date.clear();
  m.open.clear();
  m.high.clear();
  m.low.clear();
  m.close.clear();
  m.volume.clear();
  for (const QString& part : spec.split(',', Qt::SkipEmptyParts)) {
    const qsizetype eq = part.indexOf('=');
    if (eq <= 0) return makeError("usage", fmt::format("--map: '{}' is not field=Column", part.toStdString()));
    const QString key = part.left(eq).trimmed().toLower();
    const QString col = part.mid(eq + 1).trimmed();
    if (key == "date" || key == "datetime" || key == "timestamp") m.date = col;
    else if (key == "time") m.time = col;
    else if (key == "open" || key == "o") m.open = col;
    else if (key == "high" || key == "h") m.high = col;
    else if (key == "low" || key == "l") m.low = col;
    else if (key == "close" || key == "c") m.close = col;
    else if (key == "adjclose" || key == "adj_close" || key == "adj close") m.adjClose = col;
    else if (key == "volume" || key == "v") m.volume = col;
    else if (key == "vwap" || key == "vw") m.vwap = col;
    else if (key == "trades" || key == "n") m.trades = col;
    else
      return makeError("usage", fmt::format("--map: unknown field '{}' (date, time, open, high, low, close, adjclose, "
                                            "volume, vwap, trades)",
                                            key.toStdString()));
  }
  for (const auto& [name, v] : {std::pair{"date", &m.date}, {"open", &m.open}, {"high", &m.high}, {"low", &m.low},
                                {"close", &m.close}})
    if (v->isEmpty()) return makeError("usage", fmt::format("--map: the '{}' field is required", name));
  return m;
}

QString CsvImporter::symbolFromFileName(const QString& path) {
  QString base = QFileInfo(path).completeBaseName();
  static const QRegularExpression sep(QStringLiteral("[-_ ]"));
  const qsizetype cut = base.indexOf(sep);
  if (cut > 0) base = base.left(cut);
  return base.toUpper();
}

Result<CsvData> CsvImporter::readFile(const QString& path, const CsvOptions& options) {
  if (options.delimiter.unicode() > 0x7f) return makeError(bars::kCsvUsage, "csv: the delimiter must be ASCII");
  return toCsvData(bars::readBarCsvFile(path.toStdString(), readOptions(options)));
}

Result<CsvData> CsvImporter::read(const QByteArray& content, const CsvOptions& options, const QString& name) {
  if (options.delimiter.unicode() > 0x7f) return makeError(bars::kCsvUsage, "csv: the delimiter must be ASCII");
  return toCsvData(bars::readBarCsv(std::string_view(content.constData(), std::size_t(content.size())),
                                    readOptions(options), name.toStdString()));
}

}  // namespace meridian::marketdata
