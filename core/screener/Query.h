#pragma once
// The screener's query language: a filter typed as text (`meridian-cli screen --query`, the Screener dock's Query
// field), evaluated on SymbolMetrics after the structured criteria. No model, no network.
//
//   query      := or
//   or         := and ("or" and)*
//   and        := not ("and" not)*
//   not        := "not" not | "(" or ")" | comparison
//   comparison := operand ("<" | "<=" | ">" | ">=" | "=" | "==" | "!=") operand
//   operand    := metric | number, a number may end in K (1e3), M (1e6), B (1e9), T (1e12) or % (ignored:
//                 percent metrics are already in percent)
// Keywords are case-insensitive; metric names are listed by metricNames() (README, `screen --help`), e.g.
//   rsi14 < 30 and price > sma200 and avg_dollar_volume > 10M
//   (gap_pct > 2 or rel_volume >= 3) and not from_high_52w < -20
// A comparison whose metric is unknown for a symbol (too little history) is unknown; `and` / `or` / `not` follow
// three-valued logic, and a symbol whose query result is unknown is excluded with the metric named.
// Parse errors name the column and underline the offending token:
//   query: unknown metric 'rsi' ... at column 1
//     rsi15 < 30
//     ^^^^^
#include "core/common/Result.h"
#include "core/screener/Screener.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace meridian::screener {

inline constexpr const char* kQueryErrorCode = "screener.query";

class Query {
 public:
  // Errors: code kQueryErrorCode, message as above (multi-line: the query and a caret line under the token).
  static Result<Query> parse(std::string_view text);
  // Pass / Fail, or Unknown with *unknownMetric (when given) naming the first metric that was unknown.
  Verdict evaluate(const SymbolMetrics& m, std::string* unknownMetric = nullptr) const;
  const std::string& text() const { return m_text; }
  // Every metric name the language knows, and what it holds ("rsi14: RSI 14 (Wilder)").
  static std::vector<std::pair<std::string, std::string>> metrics();

  struct Node;

 private:
  std::string m_text;
  std::shared_ptr<const Node> m_root;
};

// Keeps the rows that pass `query`; rows it cannot judge move to r.excluded with the reason; then sorts stay as
// they were and at most `limit` rows are kept (0 = all). r.matched counts the passing rows.
void applyQuery(ScreenerResult& r, const Query& query, std::size_t limit);

}  // namespace meridian::screener
