#include "core/bars/BarCsvReader.h"

#include "core/common/LargePages.h"
#include "core/time/CivilTime.h"
#include "core/time/TimeZones.h"

#include <QDate>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QString>
#include <QTimeZone>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <cmath>
#include <cstring>
#include <deque>
#include <numeric>
#include <optional>

namespace meridian::bars {
namespace {

using domain::Timestamp;

constexpr std::size_t kMaxRowErrors = 100;
constexpr std::int64_t kSessionOpenSeconds = 9 * 3600 + 30 * 60;  // daily bars are keyed at 09:30 ET

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// Unsigned decimal "digits[.digits]" at p (stops at the first other character, or at end): with at most 15
// significant digits it is m / 10^k with m and 10^k exact doubles, so one division gives the correctly rounded
// value (Clinger's fast path), the same double std::from_chars gives. Returns where it stopped, or nullptr when
// there is no digit or the fast path does not apply (more than 15 significant digits).
#if defined(__GNUC__)
#define MERIDIAN_CSV_INLINE [[gnu::always_inline]] inline
#else
#define MERIDIAN_CSV_INLINE inline
#endif
MERIDIAN_CSV_INLINE const char* decimalPrefix(const char* p, const char* const end, double& v) {
  static constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  auto digit = [&] { return p != end && unsigned(*p - '0') < 10; };
  const char* const start = p;
  std::uint64_t m = 0;
  while (p != end && *p == '0') ++p;  // leading zeros are not significant
  const char* significant = p;
  for (; digit(); ++p) m = m * 10 + unsigned(*p - '0');  // wraps harmlessly past 19 digits: rejected below
  std::ptrdiff_t digits = p - significant, fraction = 0;
  if (digits > 15) return nullptr;
  bool any = p != start;
  if (p != end && *p == '.') {
    const char* const fractionStart = ++p;
    if (m == 0)
      while (p != end && *p == '0') ++p;  // still no significant digit
    significant = p;
    for (; digit(); ++p) m = m * 10 + unsigned(*p - '0');
    digits += p - significant;
    fraction = p - fractionStart;
    any = any || fraction > 0;
    if (digits > 15) return nullptr;
  }
  if (!any || fraction > 22) return nullptr;
  v = double(m) / kPow10[fraction];
  return p;
}

// Decimal text -> double: decimalPrefix when it takes the whole text, everything else (exponents, long
// mantissas, inf/nan) through std::from_chars.
bool parseDouble(std::string_view s, double& v) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  const char* p = s.data();
  const char* const end = p + s.size();
  const bool negative = p != end && *p == '-';
  if (negative) ++p;
  if (const char* stop = decimalPrefix(p, end, v); stop != nullptr && stop == end) {
    if (negative) v = -v;
    return true;
  }
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// A short, printable excerpt of a field for messages.
std::string excerpt(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 40)) out += (static_cast<unsigned char>(c) < 0x20) ? '?' : c;
  if (s.size() > 40) out += "...";
  return out;
}

// All-digit field -> value; false when empty, not all digits, or too long to fit (no overflow).
template <class Int>
bool digits(std::string_view s, Int& v) {
  if (s.empty() || s.size() > std::size_t(std::numeric_limits<Int>::digits10)) return false;
  Int r = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    r = Int(r * 10 + (c - '0'));
  }
  v = r;
  return true;
}

// "yyyy-MM-dd" -> year, month, day (validated); false when not that form or not a calendar date.
bool isoDate(std::string_view s, int& y, int& m, int& d) {
  return s.size() == 10 && s[4] == '-' && s[7] == '-' && digits(s.substr(0, 4), y) && digits(s.substr(5, 2), m) &&
         digits(s.substr(8, 2), d) && time::isValidCivilDate(y, m, d);
}

enum class TsStatus { Ok, NotADate, OutOfRange, Unsupported };

struct ParsedTs {
  TsStatus status = TsStatus::NotADate;
  Timestamp ts = 0;
  bool dateOnly = false;
};

// The representable years, checked before any arithmetic (the exact bounds are checked on the result).
bool yearInRange(int y) { return y >= 1677 && y <= 2262; }

class TimestampParser {
 public:
  TimestampParser(const CsvReadOptions& o, const QTimeZone& zone)
      : m_options(o), m_zone(zone), m_wall(zone), m_exchange(time::TimeZones::exchangeTimeZone()) {}

  ParsedTs parse(std::string_view s) {
    if (s.empty()) return {};
    if (!m_options.dateFormat.empty()) return parseWithFormat(s);
    std::int64_t n = 0;
    if (digits(s, n)) {
      if (s.size() == 8) {
        const int y = int(n / 10000), m = int(n / 100 % 100), d = int(n % 100);
        if (!time::isValidCivilDate(y, m, d)) return {};
        return daily(y, m, d);
      }
      if (s.size() == 10) return instant(n, 0);
      if (s.size() == 13) return instant(n / 1000, (n % 1000) * domain::kNanosPerMilli);
      return {};
    }
    int y = 0, mo = 0, d = 0;
    if (s.size() == 10) return isoDate(s, y, mo, d) ? daily(y, mo, d) : ParsedTs{};
    if (s.size() >= 16 && isoDate(s.substr(0, 10), y, mo, d) && (s[10] == ' ' || s[10] == 'T')) {
      ParsedTs r = dateTime(y, mo, d, s.substr(11));
      if (r.status != TsStatus::Unsupported) return r;
    }
    return parseWithQt(s);  // other ISO 8601 spellings Qt knows
  }

  // parse(), with the two forms of nearly every file ("yyyy-MM-dd" and "yyyy-MM-dd HH:mm:ss", or 'T') taken
  // first: the date of the previous call is remembered (an intraday file repeats it on every row of a day).
  // Anything else, and every problem, goes through parse() (the same result and status).
  ParsedTs parseCommon(std::string_view s) {
    const bool dateTimeForm = s.size() == 19 && (s[10] == ' ' || s[10] == 'T') && s[13] == ':' && s[16] == ':';
    if (!m_options.dateFormat.empty() || !(s.size() == 10 || dateTimeForm)) return parse(s);
    if (!m_haveDate || !sameDate(s.data())) {
      if (!isoDate(s.substr(0, 10), m_y, m_mo, m_d)) {
        m_haveDate = false;
        return parse(s);
      }
      std::memcpy(m_date, s.data(), sizeof m_date);
      m_haveDate = true;
      m_days = time::daysFromCivil(m_y, m_mo, m_d);
    }
    if (!dateTimeForm) return daily(m_y, m_mo, m_d);
    int h = 0, mi = 0, sec = 0;
    if (!digits(s.substr(11, 2), h) || !digits(s.substr(14, 2), mi) || !digits(s.substr(17, 2), sec) || h > 23 ||
        mi > 59 || sec > 59 || !yearInRange(m_y))
      return parse(s);
    return finish(m_wall.toUtcSeconds(m_days * 86400 + h * 3600 + mi * 60 + sec), 0, false);
  }

 private:
  ParsedTs finish(std::int64_t utcSeconds, std::int64_t nanos, bool dateOnly) {
    const auto ts = time::timestampFromSeconds(utcSeconds, nanos);
    if (!ts) return {TsStatus::OutOfRange, 0, dateOnly};
    return {TsStatus::Ok, *ts, dateOnly};
  }
  ParsedTs daily(int y, int m, int d) {
    if (!yearInRange(y)) return {TsStatus::OutOfRange, 0, true};
    const std::int64_t local = time::daysFromCivil(y, m, d) * 86400 + kSessionOpenSeconds;
    return finish(m_exchange.toUtcSeconds(local), 0, true);
  }
  ParsedTs instant(std::int64_t seconds, std::int64_t nanos) { return finish(seconds, nanos, false); }

  // "HH:mm[:ss[.f...]][Z|±hh[:mm]|±hhmm]" after the date.
  ParsedTs dateTime(int y, int mo, int d, std::string_view t) {
    int h = 0, mi = 0, sec = 0;
    std::int64_t nanos = 0;
    if (t.size() < 5 || t[2] != ':' || !digits(t.substr(0, 2), h) || !digits(t.substr(3, 2), mi))
      return {TsStatus::Unsupported};
    t.remove_prefix(5);
    if (!t.empty() && t[0] == ':') {
      if (t.size() < 3 || !digits(t.substr(1, 2), sec)) return {TsStatus::Unsupported};
      t.remove_prefix(3);
      if (!t.empty() && (t[0] == '.' || t[0] == ',')) {
        std::size_t k = 1;
        std::int64_t scale = domain::kNanosPerSecond;
        while (k < t.size() && t[k] >= '0' && t[k] <= '9') {
          if (k > 9) return {TsStatus::Unsupported};
          scale /= 10;
          nanos += (t[k] - '0') * scale;
          ++k;
        }
        if (k == 1) return {TsStatus::Unsupported};
        t.remove_prefix(k);
      }
    }
    if (h > 23 || mi > 59 || sec > 59) return {};
    bool haveOffset = false;
    int offset = 0;
    if (!t.empty()) {
      if (t == "Z" || t == "z") {
        haveOffset = true;
      } else if (t[0] == '+' || t[0] == '-') {
        int oh = 0, om = 0;
        const std::string_view rest = t.substr(1);
        bool ok = false;
        if (rest.size() == 2) ok = digits(rest, oh);
        else if (rest.size() == 4) ok = digits(rest.substr(0, 2), oh) && digits(rest.substr(2, 2), om);
        else if (rest.size() == 5 && rest[2] == ':') ok = digits(rest.substr(0, 2), oh) && digits(rest.substr(3, 2), om);
        if (!ok || oh > 23 || om > 59) return {TsStatus::Unsupported};
        offset = (t[0] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
        haveOffset = true;
      } else {
        return {TsStatus::Unsupported};
      }
    }
    if (!yearInRange(y)) return {TsStatus::OutOfRange};
    const std::int64_t local = time::daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
    return finish(haveOffset ? local - offset : m_wall.toUtcSeconds(local), nanos, false);
  }

  ParsedTs fromQt(const QDateTime& dt) {
    if (!dt.isValid()) return {};
    const Timestamp ts = dt.timeSpec() == Qt::LocalTime ? time::TimeZones::fromZone(dt.date(), dt.time(), m_zone)
                                                        : time::TimeZones::fromQDateTime(dt);
    if (ts == time::kInvalidTimestamp) return {TsStatus::OutOfRange};
    return {TsStatus::Ok, ts, false};
  }
  ParsedTs parseWithQt(std::string_view s) {
    QString q = QString::fromUtf8(s.data(), qsizetype(s.size()));
    if (q.size() > 10 && q[10] == ' ') q[10] = 'T';
    return fromQt(QDateTime::fromString(q, Qt::ISODateWithMs));
  }
  ParsedTs parseWithFormat(std::string_view s) {
    const QString q = QString::fromUtf8(s.data(), qsizetype(s.size()));
    const QString format = QString::fromStdString(m_options.dateFormat);
    if (!format.contains('h', Qt::CaseInsensitive)) {
      const QDate d = QDate::fromString(q, format);
      if (!d.isValid()) return {};
      return daily(d.year(), d.month(), d.day());
    }
    return fromQt(QDateTime::fromString(q, format));
  }

  const CsvReadOptions& m_options;
  QTimeZone m_zone;
  time::LocalTimeResolver m_wall;
  time::LocalTimeResolver m_exchange;
  bool sameDate(const char* p) const {  // the 10 bytes at p are m_date (two loads each, no memcmp call)
    std::uint64_t a = 0, b = 0;
    std::uint16_t c = 0, d = 0;
    std::memcpy(&a, p, 8);
    std::memcpy(&b, m_date, 8);
    std::memcpy(&c, p + 8, 2);
    std::memcpy(&d, m_date + 8, 2);
    return a == b && c == d;
  }
  // parseCommon's remembered date: its text, its parts and its day number.
  char m_date[10] = {};
  bool m_haveDate = false;
  int m_y = 0, m_mo = 0, m_d = 0;
  std::int64_t m_days = 0;
};

// Splits records out of the text: RFC 4180 quoting, bounded record length, 1-based line numbers.
class RecordSplitter {
 public:
  RecordSplitter(std::string_view text, char delim, std::size_t maxLine)
      : m_text(text), m_delim(delim), m_max(maxLine), m_lastNewline(text.rfind('\n')) {}

  // The fast path's input: the start of the next line when a '\n' follows it somewhere (so a scan that stops at
  // '\n' stays inside the text without bounds checks), else nullptr (the end, or the last line without '\n').
  const char* lineAhead() const {
    return m_lastNewline != std::string_view::npos && m_pos <= m_lastNewline ? m_text.data() + m_pos : nullptr;
  }
  std::size_t maxLine() const { return m_max; }
  // Consumes the line lineAhead() gave, whose '\n' is at eol; `line` gets its number.
  void consumeLine(const char* eol, std::size_t& line) {
    line = m_line++;
    m_pos = std::size_t(eol - m_text.data()) + 1;
  }

  enum class Next { Record, End, Error };
  // On Error, `error` says why (the record starts at `line`).
  Next next(std::vector<std::string_view>& fields, std::size_t& line, std::string& error) {
    fields.clear();
    m_used = 0;
    if (m_pos >= m_text.size()) return Next::End;
    line = m_line;
    // One pass over the line: split at the delimiter, stop at '\n', hand a line with a quote to quoted().
    const char* const base = m_text.data();
    const char* const end = base + m_text.size();
    const char* const limit = base + std::min(m_text.size(), m_pos + m_max + 1);
    const char* p = base + m_pos;
    const char* start = p;
    for (; p != limit; ++p) {
      const char ch = *p;
      if (ch == m_delim) {
        fields.push_back(trim(std::string_view(start, std::size_t(p - start))));
        start = p + 1;
      } else if (ch == '\n') {
        break;
      } else if (ch == '"') {
        fields.clear();
        return quoted(fields, error);
      }
    }
    if (p == limit && p != end) {
      error = fmt::format("line is longer than {} bytes (the limit; is this a bar CSV?)", m_max);
      return Next::Error;
    }
    fields.push_back(trim(std::string_view(start, std::size_t(p - start))));
    m_pos = std::size_t(p - base) + 1;
    ++m_line;
    return Next::Record;
  }

 private:
  std::string& scratch() {
    if (m_used == m_pool.size()) m_pool.emplace_back();
    std::string& s = m_pool[m_used++];
    s.clear();
    return s;
  }

  Next quoted(std::vector<std::string_view>& fields, std::string& error) {
    const std::size_t recordStart = m_pos;
    std::size_t p = m_pos;
    const std::size_t n = m_text.size();
    for (;;) {
      std::size_t q = p;
      while (q < n && (m_text[q] == ' ' || m_text[q] == '\t')) ++q;
      std::string_view field;
      if (q < n && m_text[q] == '"') {
        std::string& s = scratch();
        ++q;
        for (;;) {
          if (q - recordStart > m_max) {
            error = fmt::format("record is longer than {} bytes (the limit; an unclosed quote?)", m_max);
            return Next::Error;
          }
          if (q >= n) {
            error = "a quoted field is not closed";
            return Next::Error;
          }
          const char c = m_text[q++];
          if (c == '"') {
            if (q < n && m_text[q] == '"') {
              s += '"';
              ++q;
              continue;
            }
            break;
          }
          if (c == '\n') ++m_line;
          s += c;
        }
        while (q < n && (m_text[q] == ' ' || m_text[q] == '\t' || m_text[q] == '\r')) ++q;
        if (q < n && m_text[q] != m_delim && m_text[q] != '\n') {
          error = "text after a closing quote";
          return Next::Error;
        }
        field = s;
      } else {
        const std::size_t begin = q;
        while (q < n && m_text[q] != m_delim && m_text[q] != '\n') {
          if (m_text[q] == '"') {
            error = "a quote inside an unquoted field";
            return Next::Error;
          }
          ++q;
        }
        field = trim(m_text.substr(begin, q - begin));
      }
      fields.push_back(field);
      if (q < n && m_text[q] == m_delim) {
        p = q + 1;
        continue;
      }
      m_pos = q + 1;  // past '\n' (or the end)
      ++m_line;
      return Next::Record;
    }
  }

  std::string_view m_text;
  char m_delim;
  std::size_t m_max;
  std::size_t m_lastNewline;
  std::size_t m_pos = 0;
  std::size_t m_line = 1;
  std::deque<std::string> m_pool;  // unescaped quoted fields of the current record (stable addresses)
  std::size_t m_used = 0;
};

// The problem with the first bytes' encoding, or empty.
std::string encodingProblem(std::string_view text) {
  auto starts = [&](std::string_view bom) { return text.substr(0, bom.size()) == bom; };
  using namespace std::string_view_literals;
  if (starts("\xFF\xFE\x00\x00"sv)) return "is UTF-32 LE (byte-order mark FF FE 00 00): save it as UTF-8";
  if (starts("\x00\x00\xFE\xFF"sv)) return "is UTF-32 BE (byte-order mark 00 00 FE FF): save it as UTF-8";
  if (starts("\xFF\xFE"sv)) return "is UTF-16 LE (byte-order mark FF FE): save it as UTF-8";
  if (starts("\xFE\xFF"sv)) return "is UTF-16 BE (byte-order mark FE FF): save it as UTF-8";
  const std::string_view head = text.substr(0, 4096);
  if (head.find('\0') != std::string_view::npos)
    return "contains NUL bytes: UTF-16/UTF-32 without a byte-order mark, or not a text file; save it as UTF-8";
  return {};
}

struct Columns {
  int date = -1, time = -1, open = -1, high = -1, low = -1, close = -1, adjClose = -1, volume = -1, vwap = -1,
      trades = -1;
};

bool isNullToken(std::string_view s) { return iequals(s, "null"); }

}  // namespace

std::string CsvRowError::describe(std::string_view name) const {
  if (column <= 0) return fmt::format("{}:{}: {}", name, line, reason);
  return fmt::format("{}:{}: column {} ({}): {}", name, line, column, columnName, reason);
}

Result<BarCsv> readBarCsv(std::string_view text, const CsvReadOptions& options, std::string_view name) {
  auto fileError = [&](const std::string& what) { return makeError(kCsvParse, fmt::format("{}: {}", name, what)); };
  const QTimeZone zone(QByteArray::fromStdString(options.timeZone));
  if (!zone.isValid()) return makeError(kCsvUsage, fmt::format("csv: unknown time zone '{}'", options.timeZone));
  if (const std::string e = encodingProblem(text); !e.empty()) return fileError(e);
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);

  BarCsv out;
  RecordSplitter splitter(text, options.delimiter, std::max<std::size_t>(options.maxLineBytes, 16));
  std::vector<std::string_view> f;
  std::size_t line = 0;
  std::string splitError;
  auto isBlank = [&] { return f.size() == 1 && f[0].empty(); };

  // Header: the first non-blank record.
  for (;;) {
    const auto r = splitter.next(f, line, splitError);
    if (r == RecordSplitter::Next::Error) return makeError(kCsvParse, fmt::format("{}:{}: {}", name, line, splitError));
    if (r == RecordSplitter::Next::End) return fileError("empty file (no header)");
    if (!isBlank()) break;
  }
  const std::size_t headerLine = line;
  for (std::string_view h : f) out.header.emplace_back(h);
  auto headerText = [&] {
    std::string s;
    for (const auto& h : out.header) {
      if (!s.empty()) s += ',';
      s += excerpt(h);
    }
    return s;
  };
  auto find = [&](const std::string& colName) -> int {
    if (colName.empty()) return -1;
    for (std::size_t i = 0; i < out.header.size(); ++i)
      if (iequals(out.header[i], colName)) return int(i);
    return -2;  // named but missing
  };
  const bool yahoo = options.layout == CsvReadOptions::Layout::Yahoo;
  const CsvColumns map = yahoo ? CsvColumns{} : options.columns;
  Columns c;
  c.date = find(map.date);
  c.time = find(map.time);
  c.open = find(map.open);
  c.high = find(map.high);
  c.low = find(map.low);
  c.close = find(map.close);
  c.volume = find(map.volume);
  c.vwap = find(map.vwap);
  c.trades = find(map.trades);
  if (yahoo) {
    for (const char* alias : {"Adj Close", "adj_close", "adjclose"})
      if (c.adjClose < 0) c.adjClose = find(alias);
  } else {
    c.adjClose = find(map.adjClose);
  }
  auto headerFail = [&](const std::string& what) {
    return makeError(kCsvParse, fmt::format("{}:{}: {}", name, headerLine, what));
  };
  for (const auto& [field, idx] : {std::pair{"date", c.date}, {"open", c.open}, {"high", c.high}, {"low", c.low},
                                   {"close", c.close}})
    if (idx < 0) return headerFail(fmt::format("no column for '{}' in header [{}]", field, headerText()));
  for (const auto& [field, idx] : {std::pair{"time", c.time}, {"vwap", c.vwap}, {"trades", c.trades}})
    if (idx == -2) return headerFail(fmt::format("mapped {} column not in header [{}]", field, headerText()));
  if (!yahoo && c.volume == -2) return headerFail(fmt::format("mapped volume column not in header [{}]", headerText()));
  if (c.volume == -2) c.volume = -1;
  if (options.adjust && c.adjClose < 0)
    return headerFail("adjusted prices requested but the file has no adjusted-close column");
  if (!options.adjust) c.adjClose = -1;

  auto columnName = [&](int idx) { return idx >= 0 && std::size_t(idx) < out.header.size() ? out.header[idx] : ""; };
  std::optional<CsvRowError> rowError;
  auto bad = [&](int idx, std::string reason) {
    rowError = CsvRowError{line, idx >= 0 ? idx + 1 : 0, idx >= 0 ? columnName(idx) : std::string(), std::move(reason)};
  };
  auto number = [&](int idx, bool optional, double& v) -> bool {
    if (idx < 0) return true;
    const std::string_view s = f[std::size_t(idx)];
    if (s.empty() && optional) return true;
    if (s.empty() || !parseDouble(s, v)) {
      bad(idx, fmt::format("'{}' is not a number", excerpt(f[std::size_t(idx)])));
      return false;
    }
    if (!std::isfinite(v)) {
      bad(idx, fmt::format("'{}' is not a finite number", excerpt(f[std::size_t(idx)])));
      return false;
    }
    return true;
  };
  auto price = [&](int idx, double v) -> bool {
    if (!(v > 0.0)) bad(idx, fmt::format("{} is not a positive price", v));
    else if (v > options.maxPrice) bad(idx, fmt::format("{} is above the sanity bound for a price ({:g})", v, options.maxPrice));
    else return true;
    return false;
  };

  // Reserve from the size of the text and the header's length (rows are rarely shorter than the header), so
  // the vectors are not regrown and copied while a large file streams in.
  {
    std::size_t headerBytes = 0;
    for (const auto& h : out.header) headerBytes += h.size() + 1;
    const std::size_t estimate = text.size() / std::max<std::size_t>(headerBytes, 24) + 16;
    common::reserveLarge(out.bars, estimate);  // a 5M-row intraday file fills 320 MB of bars
    common::reserveLarge(out.lines, estimate);
  }
  TimestampParser tsParser(options, zone);
  std::string joined;
  bool allDates = true;
  Timestamp prevTs = 0;
  std::size_t prevLine = 0;
  bool outOfOrder = false, duplicates = false;
  const std::size_t width = out.header.size();

  auto tradeCount = [&](domain::Bar& b, double trades) -> bool {
    if (!(trades >= 0.0 && trades < 9.0e18)) {
      bad(c.trades, fmt::format("{} is not a trade count", trades));
      return false;
    }
    b.trades = std::int64_t(trades);
    return true;
  };
  // The value checks of a parsed row (adjusted first when asked); false with rowError set.
  auto checkBar = [&](domain::Bar& b, double adj) -> bool {
    if (options.adjust) {
      if (!price(c.close, b.close) || !price(c.adjClose, adj)) return false;
      const double factor = adj / b.close;
      b.open *= factor;
      b.high *= factor;
      b.low *= factor;
      b.close = adj;
    }
    if (!price(c.open, b.open) || !price(c.high, b.high) || !price(c.low, b.low) || !price(c.close, b.close))
      return false;
    if (b.high < std::max(b.open, b.close)) {
      bad(c.high, fmt::format("high {} is below max(open {}, close {})", b.high, b.open, b.close));
      return false;
    }
    if (b.low > std::min(b.open, b.close)) {
      bad(c.low, fmt::format("low {} is above min(open {}, close {})", b.low, b.open, b.close));
      return false;
    }
    if (c.volume >= 0 && !(b.volume >= 0.0 && b.volume <= options.maxVolume)) {
      bad(c.volume, fmt::format("volume {} is outside 0 .. {:g}", b.volume, options.maxVolume));
      return false;
    }
    if (c.vwap >= 0 && b.vwap != 0.0 && !price(c.vwap, b.vwap)) return false;
    return true;
  };

  // Parses the record in `f` into `b`; false with rowError set when the row is bad.
  auto parseRow = [&](domain::Bar& b, bool& dateOnly) -> bool {
    if (f.size() != width) {
      bad(-1, fmt::format("{} fields, the header has {}", f.size(), width));
      return false;
    }
    double adj = 0.0, trades = 0.0;
    if (!number(c.open, false, b.open) || !number(c.high, false, b.high) || !number(c.low, false, b.low) ||
        !number(c.close, false, b.close) || !number(c.volume, !options.requireComplete, b.volume) || !number(c.vwap, true, b.vwap) ||
        !number(c.trades, true, trades) || !number(c.adjClose, false, adj))
      return false;
    if (!tradeCount(b, trades)) return false;
    std::string_view when = f[std::size_t(c.date)];
    if (c.time >= 0) {
      joined.assign(when);
      joined += ' ';
      joined += f[std::size_t(c.time)];
      when = joined;
    }
    const ParsedTs ts = tsParser.parse(when);
    if (ts.status == TsStatus::OutOfRange) {
      bad(c.date, fmt::format("'{}' is outside the representable range (1677-09-21 .. 2262-04-11)", excerpt(when)));
      return false;
    }
    if (ts.status != TsStatus::Ok) {
      bad(c.date, fmt::format("'{}' is not a date or date-time", excerpt(when)));
      return false;
    }
    b.ts = ts.ts;
    dateOnly = ts.dateOnly;
    return checkBar(b, adj);
  };

  // The fast path: a line of plain fields (no quote, no blank, no padding, numbers "digits[.digits]"), split and
  // converted in one pass without the field list. It takes a row only when the row is good and in order; any
  // other line (and every problem) goes through the general path below, which gives the same bars and errors.
  // A column's role; a number's role is its slot in fastRow's values.
  enum class Role : unsigned char { Open, High, Low, Close, AdjClose, Volume, Vwap, Trades, Skip, Date };
  std::vector<Role> roles(width, Role::Skip);
  bool fast = options.fastPath && options.dateFormat.empty() && c.time < 0 &&
              std::string_view(",;\t|").find(options.delimiter) != std::string_view::npos;
  for (const auto& [idx, role] : {std::pair{c.date, Role::Date}, {c.open, Role::Open}, {c.high, Role::High},
                                  {c.low, Role::Low}, {c.close, Role::Close}, {c.adjClose, Role::AdjClose},
                                  {c.volume, Role::Volume}, {c.vwap, Role::Vwap}, {c.trades, Role::Trades}}) {
    if (idx < 0) continue;
    if (roles[std::size_t(idx)] != Role::Skip) fast = false;  // one column mapped twice
    roles[std::size_t(idx)] = role;
  }
  const char delim = options.delimiter;
  const char* const textEnd = text.data() + text.size();
  // Where each number column's value goes: a field of the bar itself (so a row is parsed straight into its slot
  // in out.bars: no staging array, no copy of the bar), or one of the two values that are not bar fields.
  std::vector<double domain::Bar::*> member(width, nullptr);
  for (std::size_t i = 0; i < width; ++i) {
    switch (roles[i]) {
      case Role::Open: member[i] = &domain::Bar::open; break;
      case Role::High: member[i] = &domain::Bar::high; break;
      case Role::Low: member[i] = &domain::Bar::low; break;
      case Role::Close: member[i] = &domain::Bar::close; break;
      case Role::Volume: member[i] = &domain::Bar::volume; break;
      case Role::Vwap: member[i] = &domain::Bar::vwap; break;
      default: break;
    }
  }
  // The date column's usual widths: "yyyy-MM-dd" and "yyyy-MM-dd HH:mm:ss", taken when a field end follows and
  // no line end lies inside (memchr, not a byte loop with three tests per byte). The parser checks every other
  // byte of those forms (a quote in them fails the row over to the general path), but a field must never run
  // into the next line: the scans after it rely on a '\n' ahead of them.
  // The end of a plain field at p: the delimiter, the line end, or a quote (which the fast path does not take).
  auto fieldEnd = [&](const char* p) {
    while (*p != delim && *p != '\n' && *p != '"') ++p;
    return p;
  };
  auto dateField = [&](const char* p) -> const char* {
    if (textEnd - p > 19) {
      auto endsAt = [&](std::size_t n) {
        const char c = p[n];
        return (c == delim || c == '\n' || c == '\r') && !std::memchr(p, '\n', n);
      };
      if (endsAt(10)) return p + 10;
      if (endsAt(19)) return p + 19;
    }
    return fieldEnd(p);
  };
  // Parses the line at p into b (a fresh bar); false when the line is not for the fast path or the row is bad or
  // out of order.
  auto fastRow = [&](const char* p, domain::Bar& b, bool& dateOnly, const char*& eol) -> bool {
    const char* const begin = p;
    std::string_view when;
    double adj = 0.0, trades = 0.0;
    for (std::size_t i = 0; i < width; ++i) {
      const Role role = roles[i];
      if (role == Role::Skip || role == Role::Date) {
        const char* q = role == Role::Date ? dateField(p) : fieldEnd(p);
        if (*q == '"') return false;
        if (role == Role::Date) when = trim(std::string_view(p, std::size_t(q - p)));
        p = q;
      } else {
        double& slot = member[i] ? b.*member[i] : role == Role::AdjClose ? adj : trades;
        p = decimalPrefix(p, textEnd, slot);
        if (!p) return false;
      }
      if (i + 1 < width) {
        if (*p != delim) return false;
        ++p;
      }
    }
    if (*p == '\r') ++p;
    if (*p != '\n' || std::size_t(p - begin) > splitter.maxLine()) return false;
    eol = p;
    if (!tradeCount(b, trades)) return false;
    const ParsedTs ts = tsParser.parseCommon(when);
    if (ts.status != TsStatus::Ok) return false;
    b.ts = ts.ts;
    dateOnly = ts.dateOnly;
    return checkBar(b, adj) && (out.bars.size() == 1 || b.ts > prevTs);
  };

  for (;;) {
    if (const char* ahead = fast ? splitter.lineAhead() : nullptr) {
      domain::Bar& b = out.bars.emplace_back();
      bool dateOnly = false;
      const char* eol = nullptr;
      if (fastRow(ahead, b, dateOnly, eol)) {
        splitter.consumeLine(eol, line);
        ++out.rows;
        allDates = allDates && dateOnly;
        out.lines.push_back(line);
        prevTs = b.ts;
        prevLine = line;
        continue;
      }
      out.bars.pop_back();
      rowError.reset();
    }
    const auto r = splitter.next(f, line, splitError);
    if (r == RecordSplitter::Next::End) break;
    if (r == RecordSplitter::Next::Error) return makeError(kCsvParse, fmt::format("{}:{}: {}", name, line, splitError));
    if (isBlank()) continue;
    ++out.rows;
    if (!options.requireComplete && f.size() == width && isNullToken(f[std::size_t(c.open)]) &&
        isNullToken(f[std::size_t(c.high)]) && isNullToken(f[std::size_t(c.low)]) &&
        isNullToken(f[std::size_t(c.close)])) {  // Yahoo: no trading data
      ++out.skippedNullRows;
      continue;
    }
    domain::Bar b;
    bool dateOnly = false;
    rowError.reset();
    if (parseRow(b, dateOnly) && !out.bars.empty()) {
      if (b.ts < prevTs) {
        outOfOrder = true;
        if (!options.sort)
          bad(c.date, fmt::format("'{}' is before the previous row's time (line {}): rows must be in time order "
                                  "(sorting is an option)",
                                  excerpt(f[std::size_t(c.date)]), prevLine));
      } else if (b.ts == prevTs) {
        duplicates = true;
        if (!options.dedupeLast)
          bad(c.date, fmt::format("'{}' repeats the time of line {} (keeping the last row is an option)",
                                  excerpt(f[std::size_t(c.date)]), prevLine));
      }
    }
    if (rowError) {
      if (!options.skipBadRows) return makeError(kCsvParse, rowError->describe(name));
      if (out.rowErrors.size() < kMaxRowErrors) out.rowErrors.push_back(std::move(*rowError));
      ++out.badRows;
      continue;
    }
    allDates = allDates && dateOnly;
    out.bars.push_back(b);
    out.lines.push_back(line);
    prevTs = b.ts;
    prevLine = line;
  }
  if (out.bars.empty()) {
    if (out.rows == 0) return fileError("no data rows (only a header)");
    if (out.badRows > 0) return makeError(kCsvParse, out.rowErrors.front().describe(name) + " (and every other row is bad)");
    return fileError(fmt::format("no bars: all {} data rows are 'null'", out.rows));
  }

  if (outOfOrder || duplicates) {
    // Stable sort by time (file order within a timestamp), then keep the last row of each timestamp.
    std::vector<std::size_t> order(out.bars.size());
    std::iota(order.begin(), order.end(), 0);
    if (outOfOrder) {
      std::stable_sort(order.begin(), order.end(),
                       [&](std::size_t a, std::size_t b) { return out.bars[a].ts < out.bars[b].ts; });
      for (std::size_t i = 0; i < order.size(); ++i) out.sortedRows += order[i] != i;
    }
    std::vector<domain::Bar> bars;
    std::vector<std::size_t> lines;
    bars.reserve(order.size());
    lines.reserve(order.size());
    for (std::size_t k = 0; k < order.size(); ++k) {
      const std::size_t i = order[k];
      if (k + 1 < order.size() && out.bars[order[k + 1]].ts == out.bars[i].ts) {
        if (!options.dedupeLast)
          return makeError(kCsvParse, CsvRowError{out.lines[order[k + 1]], c.date + 1, columnName(c.date),
                                                  fmt::format("repeats the time of line {} (keeping the last row is "
                                                              "an option)",
                                                              out.lines[i])}
                                          .describe(name));
        ++out.droppedDuplicates;
        continue;
      }
      bars.push_back(out.bars[i]);
      lines.push_back(out.lines[i]);
    }
    out.bars.swap(bars);
    out.lines.swap(lines);
  }

  if (allDates) {
    out.timeframe = domain::Timeframe::Day1;
  } else {
    // Unsigned: two valid timestamps can lie more than INT64_MAX nanoseconds apart. Bars are ascending here.
    std::uint64_t minDelta = 0;
    for (std::size_t i = 1; i < out.bars.size(); ++i) {
      const std::uint64_t delta = std::uint64_t(out.bars[i].ts) - std::uint64_t(out.bars[i - 1].ts);
      if (minDelta == 0 || delta < minDelta) minDelta = delta;
    }
    // Smallest spacing 1 h or more -> 1h, exactly 15 min -> 15m, exactly 5 min -> 5m, anything else -> 1m.
    using domain::Timeframe;
    const auto spacing = [minDelta](Timeframe tf) { return minDelta == std::uint64_t(domain::nominalLength(tf)); };
    out.timeframe = Timeframe::Minute1;
    if (minDelta >= std::uint64_t(domain::kNanosPerHour)) out.timeframe = Timeframe::Hour1;
    else if (spacing(Timeframe::Minute15)) out.timeframe = Timeframe::Minute15;
    else if (spacing(Timeframe::Minute5)) out.timeframe = Timeframe::Minute5;
  }
  return out;
}

Result<BarCsv> readBarCsvFile(const std::string& path, const CsvReadOptions& options) {
  const QString qpath = QString::fromStdString(path);
  const QFileInfo info(qpath);
  if (info.isDir()) return makeError(kCsvOpen, fmt::format("'{}' is a directory, not a CSV file", path));
  if (!info.exists()) return makeError(kCsvOpen, fmt::format("cannot open '{}': no such file", path));
  QFile file(qpath);
  if (!file.open(QIODevice::ReadOnly))
    return makeError(kCsvOpen, fmt::format("cannot open '{}': {}", path, file.errorString().toStdString()));
  const qint64 size = file.size();
  if (size > 0) {
    if (const uchar* p = file.map(0, size)) {
      auto r = readBarCsv(std::string_view(reinterpret_cast<const char*>(p), std::size_t(size)), options, path);
      file.unmap(const_cast<uchar*>(p));
      return r;
    }
  }
  // Not mappable (a pipe, a special file): read it, bounded like a mapped file would be by its size.
  const QByteArray all = file.readAll();
  return readBarCsv(std::string_view(all.constData(), std::size_t(all.size())), options, path);
}

}  // namespace meridian::bars
