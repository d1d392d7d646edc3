#pragma once
// Internal helper shared by the SQL backends (not a port): validation and de-duplication of a bar batch.
#include "core/common/Result.h"
#include "core/domain/Types.h"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace meridian::storage::detail {

// A validated batch, strictly increasing by ts. `bars` views either the caller's span (already strictly
// increasing: no copy) or `owned` (sorted, later duplicates replaced earlier ones).
struct BarBatch {
  std::vector<domain::Bar> owned;
  std::span<const domain::Bar> bars;
};

// Validates every bar (domain::isSane + finite vwap) before anything is written. The error (errc::kInvalid)
// names the symbol, source, ts and the broken rule. Stricter schema rules (vwap >= 0, trades >= 0) are left
// to the database CHECK constraints, which roll the whole batch back.
Result<BarBatch> prepareBarBatch(std::string_view symbol, std::string_view source,
                                 std::span<const domain::Bar> bars);

// Why a bar fails validation, empty when it is fine.
std::string barProblem(const domain::Bar& bar);

// "2024-01-02T14:30:00.000000000Z" for error messages.
std::string formatTs(domain::Timestamp ts);

}  // namespace meridian::storage::detail
