#include "core/backtest/BarSeriesLoader.h"

#include "core/time/TimeZones.h"

#include <fmt/core.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

namespace meridian::backtest {
namespace {

constexpr const char* kParse = "csv.parse";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void split(std::string_view line, std::vector<std::string_view>& out) {
  out.clear();
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    out.push_back(trim(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
}

bool parseNumber(std::string_view s, double& v) {
  if (s.empty()) return false;
  if (s.front() == '+') s.remove_prefix(1);
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && ptr == s.data() + s.size() && std::isfinite(v);
}

bool parseInt(std::string_view s, int& v) {
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool parseDate(std::string_view s, QDate& d) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int y = 0, m = 0, day = 0;
  if (!parseInt(s.substr(0, 4), y) || !parseInt(s.substr(5, 2), m) || !parseInt(s.substr(8, 2), day)) return false;
  d = QDate(y, m, day);
  return d.isValid();
}

}  // namespace

std::string symbolFromPath(std::string_view path) {
  const std::size_t slash = path.find_last_of("/\\");
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const std::size_t cut = name.find_first_of("-_.");
  if (cut != std::string_view::npos && cut > 0) name = name.substr(0, cut);
  std::string out(name);
  for (char& c : out) c = char(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

Result<BarSeries> loadYahooCsv(const std::string& path, std::string symbol, const CsvOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return makeError("csv.open", fmt::format("cannot open '{}'", path));
  std::ostringstream buf;
  buf << in.rdbuf();
  if (symbol.empty()) symbol = symbolFromPath(path);
  return parseYahooCsv(buf.str(), std::move(symbol), path, options);
}

Result<BarSeries> parseYahooCsv(std::string_view text, std::string symbol, std::string_view source,
                                const CsvOptions& options) {
  BarSeries series;
  series.symbol = std::move(symbol);
  std::vector<std::string_view> fields;
  std::size_t lineNo = 0;
  std::size_t pos = 0;
  int iDate = -1, iOpen = -1, iHigh = -1, iLow = -1, iClose = -1, iAdj = -1, iVol = -1;
  std::size_t columns = 0;
  bool haveHeader = false;
  const QTime open(9, 30);
  QDate prevDate;
  auto fail = [&](const std::string& why) {
    return makeError(kParse, fmt::format("{}:{}: {}", source, lineNo, why));
  };
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    const std::string_view line = trim(text.substr(pos, eol - pos));
    pos = eol + 1;
    ++lineNo;
    if (line.empty()) continue;
    split(line, fields);
    if (!haveHeader && !fields.empty() && fields[0].substr(0, 3) == "\xEF\xBB\xBF") fields[0].remove_prefix(3);  // BOM
    if (!haveHeader) {
      haveHeader = true;
      columns = fields.size();
      for (std::size_t i = 0; i < fields.size(); ++i) {
        const std::string name = lower(fields[i]);
        const int idx = int(i);
        if (name == "date") iDate = idx;
        else if (name == "open") iOpen = idx;
        else if (name == "high") iHigh = idx;
        else if (name == "low") iLow = idx;
        else if (name == "close") iClose = idx;
        else if (name == "adj close" || name == "adj_close" || name == "adjclose") iAdj = idx;
        else if (name == "volume") iVol = idx;
      }
      if (iDate < 0 || iOpen < 0 || iHigh < 0 || iLow < 0 || iClose < 0)
        return fail("header must name Date, Open, High, Low and Close columns");
      if (options.adjust && iAdj < 0) return fail("adjusted prices requested but there is no 'Adj Close' column");
      continue;
    }
    if (fields.size() != columns)
      return fail(fmt::format("expected {} fields, got {}", columns, fields.size()));
    QDate date;
    if (!parseDate(fields[std::size_t(iDate)], date))
      return fail(fmt::format("invalid date '{}' (expected YYYY-MM-DD)", fields[std::size_t(iDate)]));
    if (prevDate.isValid() && date <= prevDate)
      return fail(fmt::format("date {} is not after the previous row's", fields[std::size_t(iDate)]));
    prevDate = date;
    domain::Bar bar;
    struct Col {
      int index;
      const char* name;
      double* out;
    };
    double adj = 0.0;
    const Col cols[] = {{iOpen, "Open", &bar.open},    {iHigh, "High", &bar.high}, {iLow, "Low", &bar.low},
                        {iClose, "Close", &bar.close}, {iVol, "Volume", &bar.volume}, {iAdj, "Adj Close", &adj}};
    for (const auto& c : cols) {
      if (c.index < 0) continue;
      if (!parseNumber(fields[std::size_t(c.index)], *c.out))
        return fail(fmt::format("column {}: '{}' is not a number", c.name, fields[std::size_t(c.index)]));
    }
    if (options.adjust) {
      if (!(bar.close > 0.0) || !(adj > 0.0)) return fail("cannot adjust a non-positive close");
      const double f = adj / bar.close;
      bar.open *= f;
      bar.high *= f;
      bar.low *= f;
      bar.close *= f;
    }
    if (!domain::isSane(bar))
      return fail(fmt::format("inconsistent bar (open {}, high {}, low {}, close {}, volume {})", bar.open, bar.high,
                              bar.low, bar.close, bar.volume));
    bar.ts = time::TimeZones::fromExchange(date, open);
    series.bars.push_back(bar);
  }
  if (!haveHeader) return makeError(kParse, fmt::format("{}: empty file", source));
  if (series.bars.empty()) return makeError(kParse, fmt::format("{}: no data rows", source));
  return series;
}

CsvSpec parseCsvSpec(std::string_view spec) {
  CsvSpec out;
  const std::size_t eq = spec.find('=');
  if (eq != std::string_view::npos && eq > 0 && spec.substr(0, eq).find_first_of("/\\") == std::string_view::npos) {
    out.symbol = std::string(spec.substr(0, eq));
    for (char& c : out.symbol) c = char(std::toupper(static_cast<unsigned char>(c)));
    out.path = std::string(spec.substr(eq + 1));
  } else {
    out.path = std::string(spec);
  }
  return out;
}

Result<std::vector<BarSeries>> loadCsvSpecs(std::span<const std::string> specs, const CsvOptions& options) {
  std::vector<BarSeries> out;
  out.reserve(specs.size());
  for (const std::string& text : specs) {
    CsvSpec spec = parseCsvSpec(text);
    auto s = loadYahooCsv(spec.path, std::move(spec.symbol), options);
    if (!s) return s.error();
    for (const auto& other : out)
      if (other.symbol == s->symbol)
        return makeError(kDuplicateSymbolCode, fmt::format("symbol {} given twice (name the inputs SYM=FILE)", s->symbol));
    out.push_back(std::move(s).value());
  }
  return out;
}

}  // namespace meridian::backtest
