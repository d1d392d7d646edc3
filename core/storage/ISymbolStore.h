#pragma once
// Port: instrument master (symbols) and fundamentals (company_info, key_statistics).
#include "core/common/Result.h"
#include "core/storage/Records.h"

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace meridian::storage {

class ISymbolStore {
 public:
  virtual ~ISymbolStore() = default;

  // Upsert by symbol, one transaction. Returns rows written.
  virtual Result<std::size_t> upsertSymbols(std::span<const SymbolRecord> symbols) = 0;
  // Ordered by symbol; activeOnly drops inactive / delisted rows.
  virtual Result<std::vector<SymbolRecord>> listSymbols(bool activeOnly) = 0;
  virtual Result<std::optional<SymbolRecord>> getSymbol(std::string_view symbol) = 0;

  virtual Status upsertCompanyInfo(const CompanyInfo& info) = 0;
  virtual Result<std::optional<CompanyInfo>> getCompanyInfo(std::string_view symbol) = 0;

  // Upsert by (symbol, asOfTs).
  virtual Status upsertKeyStatistics(const KeyStatistics& stats) = 0;
  // The most recent snapshot (largest asOfTs) for the symbol.
  virtual Result<std::optional<KeyStatistics>> latestKeyStatistics(std::string_view symbol) = 0;
};

}  // namespace meridian::storage
