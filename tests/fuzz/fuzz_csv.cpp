// libFuzzer target: CsvImporter::read (Yahoo and mapped formats) and CsvColumnMap::parse.
// Selector byte: bit 0 mapped format (the payload's first line, up to '\n', is the column-map spec), bit 1
// adjust, bit 2 ';' delimiter, bit 3 explicit dateFormat, bit 4 UTC instead of America/New_York, bit 5 sort,
// bit 6 dedupe (last wins), bit 7 skip bad rows.
// Invariants on success: one line number per bar, timestamps strictly increasing, lines strictly increasing unless
// sorted, every bar passes domain::isSane, and without skipping no row was bad.
#include "core/domain/Types.h"
#include "core/marketdata/csv/CsvImporter.h"
#include "tests/fuzz/FuzzCommon.h"

using namespace meridian;
using marketdata::CsvImporter;
using marketdata::CsvOptions;

MERIDIAN_FUZZ_INIT

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::uint8_t sel = fuzz::selector(data, size);
  QByteArray content = fuzz::payload(data, size);
  CsvOptions options;
  if (sel & 1) {
    const qsizetype nl = content.indexOf('\n');
    const QByteArray spec = nl < 0 ? content : content.left(nl);
    content = nl < 0 ? QByteArray() : content.mid(nl + 1);
    auto map = marketdata::CsvColumnMap::parse(QString::fromUtf8(spec));
    if (!map) {
      MERIDIAN_FUZZ_CHECK(!map.error().message.empty());
      return 0;
    }
    options.format = CsvOptions::Format::Mapped;
    options.map = *map;
  }
  options.adjust = (sel & 2) != 0;
  if (sel & 4) options.delimiter = QLatin1Char(';');
  if (sel & 8) options.dateFormat = QStringLiteral("dd/MM/yyyy");
  if (sel & 16) options.timeZone = "UTC";
  options.sort = (sel & 32) != 0;
  options.dedupeLast = (sel & 64) != 0;
  options.skipBadRows = (sel & 128) != 0;

  auto result = CsvImporter::read(content, options, QStringLiteral("fuzz.csv"));
  if (!result) {
    MERIDIAN_FUZZ_CHECK(!result.error().message.empty());
    return 0;
  }
  MERIDIAN_FUZZ_CHECK(result->bars.size() == result->lines.size());
  for (std::size_t i = 0; i < result->bars.size(); ++i) {
    MERIDIAN_FUZZ_CHECK(domain::isSane(result->bars[i]));
    if (i > 0) MERIDIAN_FUZZ_CHECK(result->bars[i].ts > result->bars[i - 1].ts);
    if (i > 0 && !options.sort) MERIDIAN_FUZZ_CHECK(result->lines[i] > result->lines[i - 1]);
  }
  if (!options.skipBadRows) MERIDIAN_FUZZ_CHECK(result->badRows == 0 && result->rowErrors.empty());
  MERIDIAN_FUZZ_CHECK(result->rowErrors.size() <= result->badRows);
  MERIDIAN_FUZZ_CHECK(result->bars.size() + result->skippedNullRows <= result->rows);
  return 0;
}
