#pragma once
// JSON forms of backtest results (CLI --json, backtest_runs columns). Deterministic: identical results give
// byte-identical text. toJson: "benchmark" (buy-and-hold of the first series: symbol, initial/final value, total
// return, annualised alpha, beta, correlation, days) after "metrics"; with equity, "benchmark_equity" after "equity". Timestamps are int64 UTC ns ("*_ts") plus the exchange (America/New_York) date ("*_date").
#include "core/backtest/BacktestResult.h"
#include "core/backtest/JsonWriter.h"

#include <string>

namespace meridian::backtest {

struct JsonOptions {
  bool trades = true;
  bool equity = false;   // the equity / drawdown curve (large)
  bool fills = false;
  bool monthly = false;
};

void writeMetrics(JsonWriter& w, const analytics::Metrics& m);
std::string metricsJson(const analytics::Metrics& m);
std::string tradesJson(const BacktestResult& r);
std::string equityJson(const BacktestResult& r);  // [{"ts":..,"equity":..,"drawdown":..}, ...]
std::string toJson(const BacktestResult& r, const JsonOptions& options = {});

}  // namespace meridian::backtest
