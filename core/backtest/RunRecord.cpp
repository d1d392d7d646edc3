#include "core/backtest/RunRecord.h"

#include "core/backtest/ResultJson.h"

namespace meridian::backtest {

storage::BacktestRunRecord toRunRecord(const BacktestResult& r, domain::Timestamp createdTs) {
  storage::BacktestRunRecord rec;
  rec.strategy = r.strategy;
  rec.paramsJson = r.params.toJson();
  rec.symbols = r.symbols;
  rec.startTs = r.startTs;
  rec.endTs = r.endTs;
  rec.createdTs = createdTs;
  rec.finalValue = r.finalValue;
  rec.metricsJson = metricsJson(r.metrics);
  rec.equityCurveJson = equityJson(r);
  rec.tradesJson = tradesJson(r);
  return rec;
}

}  // namespace meridian::backtest
