#pragma once
// Every message of the contract, in one list. The UI bridge subscribes to and delivers the UI-visible ones in this
// order (orders before fills, quotes before positions, bars before signals), and the relay carries the relayed
// ones; both are loops over this list, so a new message needs its struct, its Spec and one line here.
#include "core/contract/Backtest.h"
#include "core/contract/History.h"
#include "core/contract/Reports.h"
#include "core/contract/Jobs.h"
#include "core/contract/MarketData.h"
#include "core/contract/Orders.h"
#include "core/contract/Pairs.h"
#include "core/contract/Risk.h"
#include "core/contract/Screener.h"
#include "core/contract/Strategy.h"
#include "core/contract/System.h"

namespace meridian::contract {

template <class... T>
struct TypeList {
  static constexpr std::size_t size = sizeof...(T);
};

using Catalogue = TypeList<
    // Orders and risk
    SubmitOrder, CancelOrder, SubmitBracket, SubmitOco, ReplaceOrder, EngageKillSwitch, ResetKillSwitch,
    ResetCircuitBreaker, SetRiskLimits, RiskLimitsApplied, OrderUpdated, OrderFilled, QuoteUpdated, PositionsSnapshot, AccountSnapshot, RiskRejected,
    RiskStateChanged, CommandAccepted, CommandRejected,
    // Market data and strategies
    BarClosed, SignalGenerated, StrategiesSnapshot, ControlStrategy, StartStrategy, ImportCsv, QualityChecked, IngestFinished, HistoryStored,
    RequestHistory, HistoryLoaded,
    RequestFillsHistory, FillsHistoryLoaded, RequestStoredSeries, StoredSeriesListed, RequestPnlReport, PnlReportReady,
    RequestOrdersHistory, OrdersHistoryLoaded,
    // Operations
    TradingMode, ServerLinkState, JobsSnapshot, RunJobNow, HealthSnapshot, Notification,
    // Research
    RunBacktest, RunOptimization, RunWalkForward, CompareLiveStrategy, CancelBacktest, ListBacktestRuns, BacktestProgress,
    BacktestFinished, BacktestRunsListed, RunScreener, ScreenerFinished, RequestPairs, PairsListed, RequestPairSeries,
    PairSeriesLoaded>;

// Calls f.template operator()<T>() for every message T of the catalogue, in order.
template <class F, class... T>
void forEach(TypeList<T...>, F&& f) {
  (f.template operator()<T>(), ...);
}
template <class F>
void forEachMessage(F&& f) {
  forEach(Catalogue{}, std::forward<F>(f));
}

template <class T, class... U>
constexpr bool contains(TypeList<U...>) {
  return (std::is_same_v<T, U> || ...);
}
template <class T>
inline constexpr bool inCatalogue = contains<T>(Catalogue{});

}  // namespace meridian::contract
