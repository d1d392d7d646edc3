#pragma once
// Conversion of a backtest result to the analytics.backtest_runs row (storage::BacktestRunRecord).
#include "core/backtest/BacktestResult.h"
#include "core/storage/Records.h"

namespace meridian::backtest {

// createdTs is passed in (not read from a clock) so the conversion itself stays reproducible.
storage::BacktestRunRecord toRunRecord(const BacktestResult& result, domain::Timestamp createdTs);

}  // namespace meridian::backtest
