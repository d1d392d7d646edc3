#include "core/backtest/BarSeriesLoader.h"

#include "core/bars/BarCsvReader.h"

#include <fmt/core.h>

#include <cctype>

namespace meridian::backtest {
namespace {

bars::CsvReadOptions readOptions(const CsvOptions& options) {
  bars::CsvReadOptions o;
  o.requireComplete = options.requireComplete;
  o.adjust = options.adjust;
  o.sort = options.sort;
  o.dedupeLast = options.dedupeLast;
  return o;
}

Result<BarSeries> toSeries(Result<bars::BarCsv> read, std::string symbol) {
  if (!read) return read.error();
  BarSeries series;
  series.symbol = std::move(symbol);
  series.bars = std::move(read.value().bars);
  return series;
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
  if (symbol.empty()) symbol = symbolFromPath(path);
  return toSeries(bars::readBarCsvFile(path, readOptions(options)), std::move(symbol));
}

Result<BarSeries> parseYahooCsv(std::string_view text, std::string symbol, std::string_view source,
                                const CsvOptions& options) {
  return toSeries(bars::readBarCsv(text, readOptions(options), source), std::move(symbol));
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
