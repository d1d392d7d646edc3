#include "core/marketdata/csv/CsvImporter.h"

#include "core/time/TimeZones.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <QTimeZone>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

namespace meridian::marketdata {
namespace {

struct Record {
  int line = 0;  // 1-based line where the record starts
  QStringList fields;
};

// RFC 4180 reader: quoted fields may contain the delimiter, "" and newlines. Returns false at end of input.
class RecordReader {
 public:
  RecordReader(const QString& text, QChar delim) : m_text(text), m_delim(delim) {}
  bool next(Record& out) {
    if (m_pos >= m_text.size()) return false;
    out.line = m_line;
    out.fields.clear();
    QString field;
    bool quoted = false;
    bool wasQuoted = false;
    while (m_pos < m_text.size()) {
      const QChar c = m_text[m_pos++];
      if (quoted) {
        if (c == '"') {
          if (m_pos < m_text.size() && m_text[m_pos] == '"') {
            field += '"';
            ++m_pos;
          } else {
            quoted = false;
          }
        } else {
          if (c == '\n') ++m_line;
          field += c;
        }
        continue;
      }
      if (c == '"' && field.trimmed().isEmpty() && !wasQuoted) {
        quoted = wasQuoted = true;
        field.clear();
      } else if (c == m_delim) {
        out.fields << field;
        field.clear();
        wasQuoted = false;
      } else if (c == '\n') {
        ++m_line;
        break;
      } else if (c != '\r') {
        field += c;
      }
    }
    out.fields << field;
    return true;
  }

 private:
  const QString& m_text;
  QChar m_delim;
  qsizetype m_pos = 0;
  int m_line = 1;
};

bool isBlank(const Record& r) { return r.fields.size() == 1 && r.fields[0].trimmed().isEmpty(); }

bool isNullToken(const QString& s) {
  const QString t = s.trimmed();
  return t.compare("null", Qt::CaseInsensitive) == 0;
}

struct Columns {
  int date = -1, time = -1, open = -1, high = -1, low = -1, close = -1, adjClose = -1, volume = -1, vwap = -1,
      trades = -1;
};

struct ParsedTs {
  Timestamp ts = 0;
  bool dateOnly = false;
};

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
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly))
    return makeError("io", fmt::format("csv: cannot open {}: {}", path.toStdString(), f.errorString().toStdString()));
  return read(f.readAll(), options, QFileInfo(path).fileName());
}

Result<CsvData> CsvImporter::read(const QByteArray& content, const CsvOptions& options, const QString& name) {
  const std::string file = name.toStdString();
  auto fail = [&](int line, const std::string& what) {
    return makeError("parse", fmt::format("csv: {}:{}: {}", file, line, what));
  };
  const QTimeZone zone(options.timeZone);
  if (!zone.isValid())
    return makeError("usage", fmt::format("csv: unknown time zone '{}'", options.timeZone.toStdString()));

  QString text = QString::fromUtf8(content);
  if (text.startsWith(QChar(0xFEFF))) text.remove(0, 1);
  RecordReader reader(text, options.delimiter);

  CsvData data;
  Record rec;
  // Header: first non-blank record.
  bool haveHeader = false;
  while (reader.next(rec)) {
    if (isBlank(rec)) continue;
    haveHeader = true;
    break;
  }
  if (!haveHeader) return makeError("parse", fmt::format("csv: {}: empty file (no header)", file));
  for (QString h : rec.fields) data.header << h.trimmed();
  const int headerLine = rec.line;

  auto find = [&](const QString& colName) -> int {
    if (colName.isEmpty()) return -1;
    for (int i = 0; i < data.header.size(); ++i)
      if (data.header[i].compare(colName, Qt::CaseInsensitive) == 0) return i;
    return -2;  // named but missing
  };
  CsvColumnMap map = options.map;
  if (options.format == CsvOptions::Format::Yahoo) {
    map = CsvColumnMap{};
    map.adjClose = QStringLiteral("Adj Close");
  }
  Columns c;
  c.date = find(map.date);
  c.time = find(map.time);
  c.open = find(map.open);
  c.high = find(map.high);
  c.low = find(map.low);
  c.close = find(map.close);
  c.adjClose = find(map.adjClose);
  c.volume = find(map.volume);
  c.vwap = find(map.vwap);
  c.trades = find(map.trades);
  const std::pair<const char*, int> required[] = {
      {"date", c.date}, {"open", c.open}, {"high", c.high}, {"low", c.low}, {"close", c.close}};
  for (const auto& [field, idx] : required)
    if (idx < 0)
      return fail(headerLine, fmt::format("no column for '{}' in header [{}]", field,
                                          data.header.join(QLatin1Char(',')).toStdString()));
  for (const auto& [field, idx] : {std::pair{"time", c.time}, {"vwap", c.vwap}, {"trades", c.trades}})
    if (idx == -2) return fail(headerLine, fmt::format("mapped {} column not in header", field));
  if (options.format == CsvOptions::Format::Mapped && c.volume == -2)
    return fail(headerLine, "mapped volume column not in header");
  if (c.volume == -2) c.volume = -1;
  if (options.adjust && c.adjClose < 0)
    return fail(headerLine, "adjusted import requested but the file has no adjusted-close column");
  if (!options.adjust && c.adjClose == -2) c.adjClose = -1;

  static const QRegularExpression isoDate(QStringLiteral(R"(^\d{4}-\d{2}-\d{2}$)"));
  static const QRegularExpression digits(QStringLiteral(R"(^\d+$)"));
  auto parseTs = [&](QString s) -> std::optional<ParsedTs> {
    s = s.trimmed();
    if (s.isEmpty()) return std::nullopt;
    if (!options.dateFormat.isEmpty()) {
      const bool hasTime = options.dateFormat.contains('h', Qt::CaseInsensitive);
      if (!hasTime) {
        const QDate d = QDate::fromString(s, options.dateFormat);
        if (!d.isValid()) return std::nullopt;
        return ParsedTs{dailyBarTs(d), true};
      }
      const QDateTime dt = QDateTime::fromString(s, options.dateFormat);
      if (!dt.isValid()) return std::nullopt;
      return ParsedTs{time::TimeZones::fromZone(dt.date(), dt.time(), zone), false};
    }
    if (digits.match(s).hasMatch()) {
      if (s.size() == 8) {
        const QDate d = QDate::fromString(s, QStringLiteral("yyyyMMdd"));
        if (!d.isValid()) return std::nullopt;
        return ParsedTs{dailyBarTs(d), true};
      }
      bool ok = false;
      const qint64 v = s.toLongLong(&ok);
      if (!ok) return std::nullopt;
      // int64 nanoseconds end in 2262: a larger epoch value is not a bar time (and would overflow).
      constexpr qint64 kMaxSeconds = std::numeric_limits<domain::Timestamp>::max() / domain::kNanosPerSecond;
      constexpr qint64 kMaxMillis = std::numeric_limits<domain::Timestamp>::max() / domain::kNanosPerMilli;
      if (s.size() == 10) return v >= 0 && v <= kMaxSeconds ? std::optional(ParsedTs{domain::fromSeconds(v), false})
                                                            : std::nullopt;
      if (s.size() == 13) return v >= 0 && v <= kMaxMillis ? std::optional(ParsedTs{domain::fromMillis(v), false})
                                                           : std::nullopt;
      return std::nullopt;
    }
    if (isoDate.match(s).hasMatch()) {
      const QDate d = QDate::fromString(s, Qt::ISODate);
      if (!d.isValid()) return std::nullopt;
      return ParsedTs{dailyBarTs(d), true};
    }
    if (s.size() > 10 && s[10] == ' ') s[10] = 'T';
    const QDateTime dt = QDateTime::fromString(s, Qt::ISODateWithMs);
    if (!dt.isValid()) return std::nullopt;
    if (dt.timeSpec() == Qt::LocalTime) return ParsedTs{time::TimeZones::fromZone(dt.date(), dt.time(), zone), false};
    return ParsedTs{time::TimeZones::fromQDateTime(dt), false};  // carried Z or an offset
  };

  bool allDates = true;
  const qsizetype width = data.header.size();
  while (reader.next(rec)) {
    if (isBlank(rec)) continue;
    ++data.rows;
    const int line = rec.line;
    if (rec.fields.size() != width)
      return fail(line, fmt::format("{} fields, header has {}", rec.fields.size(), width));
    const auto& f = rec.fields;
    if (isNullToken(f[c.open]) || isNullToken(f[c.high]) || isNullToken(f[c.low]) || isNullToken(f[c.close])) {
      ++data.skippedNullRows;
      continue;
    }
    auto number = [&](int idx, const char* field, bool optional, double& out) -> std::optional<Error> {
      if (idx < 0) return std::nullopt;
      const QString v = f[idx].trimmed();
      if (v.isEmpty() && optional) return std::nullopt;
      bool ok = false;
      const double d = v.toDouble(&ok);
      if (!ok || !std::isfinite(d))
        return fail(line, fmt::format("{} '{}' is not a number", field, v.left(40).toStdString()));
      out = d;
      return std::nullopt;
    };
    domain::Bar b;
    double adj = 0.0, trades = 0.0;
    for (auto e : {number(c.open, "open", false, b.open), number(c.high, "high", false, b.high),
                   number(c.low, "low", false, b.low), number(c.close, "close", false, b.close),
                   number(c.volume, "volume", true, b.volume), number(c.vwap, "vwap", true, b.vwap),
                   number(c.trades, "trades", true, trades),
                   number(options.adjust ? c.adjClose : -1, "adj close", false, adj)})
      if (e) return *e;
    if (!(trades >= 0.0 && trades < 9.0e18))  // a larger count cannot be a trade count (and the cast would be UB)
      return fail(line, fmt::format("trades {} is out of range", trades));
    b.trades = std::int64_t(trades);
    QString when = f[c.date];
    if (c.time >= 0) when = when.trimmed() + ' ' + f[c.time].trimmed();
    const auto ts = parseTs(when);
    if (!ts || ts->ts == time::kInvalidTimestamp)
      return fail(line, fmt::format("'{}' is not a date or date-time", when.left(40).toStdString()));
    b.ts = ts->ts;
    allDates = allDates && ts->dateOnly;
    if (options.adjust) {
      if (b.close == 0.0) return fail(line, "close is 0: cannot adjust");
      const double factor = adj / b.close;
      b.open *= factor;
      b.high *= factor;
      b.low *= factor;
      b.close = adj;
    }
    if (!domain::isSane(b))
      return fail(line, fmt::format("bar fails OHLC sanity (open {} high {} low {} close {} volume {})", b.open, b.high,
                                    b.low, b.close, b.volume));
    data.bars.push_back(b);
    data.lines.push_back(line);
  }
  if (allDates) {
    data.timeframe = Timeframe::Day1;
  } else {
    // Unsigned: two valid timestamps (e.g. 1706 and 2024) can lie more than INT64_MAX nanoseconds apart.
    std::uint64_t minDelta = 0;
    std::vector<Timestamp> ts;
    ts.reserve(data.bars.size());
    for (const auto& b : data.bars) ts.push_back(b.ts);
    std::sort(ts.begin(), ts.end());
    for (std::size_t i = 1; i < ts.size(); ++i) {
      if (ts[i] == ts[i - 1]) continue;
      const std::uint64_t delta = static_cast<std::uint64_t>(ts[i]) - static_cast<std::uint64_t>(ts[i - 1]);
      if (minDelta == 0 || delta < minDelta) minDelta = delta;
    }
    data.timeframe =
        (minDelta >= static_cast<std::uint64_t>(domain::kNanosPerHour)) ? Timeframe::Hour1 : Timeframe::Minute1;
  }
  return data;
}

}  // namespace meridian::marketdata
