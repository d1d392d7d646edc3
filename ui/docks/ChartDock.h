#pragma once
// ChartDock: the chart of the selected symbol (CandleView) with its toolbar: symbol, timeframe (1m 5m 1h 1D 1W),
// range (1D 5D 1M 3M 6M 1Y 5Y All), indicators menu (overlays + RSI/MACD panes), zoom buttons.
//
// Keeps a bounded buffer of live bars per symbol (contract::BarClosed, onBarsAppended); fills (onFillsAppended)
// and strategy signals (onSignals) become chart markers, and so do a backtest's trades (showBacktest); quotes update
// the newest bar's close live. Keyboard on the
// chart: 1-5 timeframe, Ctrl+1..Ctrl+8 range, plus CandleView's keys.
//
// Stored history (setBridge): a symbol or timeframe switch asks core for history (a contract::RequestHistory through
// UiBridge::request, answered by history::HistoryService) and shows "Loading…" meanwhile; the
// GUI thread never reads storage. The answer is merged with the live bars past the seam and the ChartSeries (resample,
// min/max pyramid, indicators: ~1 s for a million bars) is built on a QThreadPool worker and handed back whole.
// Answers to an older request, and builds started for one, are ignored (the user switched again). Seam rule: history
// covers everything before the end of its last bar; live bars from there on are appended, aggregated to the
// history's resolution (1h / 1d, NYSE sessions in America/New_York) by marketdata::BarAggregator, so there is
// neither a gap nor a duplicate bar where they meet. Without a bridge (or when core does not answer within
// kHistoryTimeoutMs) the chart shows the live bars alone, as before.
#include <QDockWidget>
#include <QElapsedTimer>
#include <QSet>
#include <QTimer>
#include <QHash>
#include <QVariantMap>
#include <QVector>

#include <memory>
#include <vector>

#include "core/contract/MarketData.h"
#include "core/contract/Orders.h"
#include "core/contract/Strategy.h"
#include "core/domain/Types.h"
#include "core/marketdata/Timeframe.h"
#include "core/contract/History.h"
#include "ui/widgets/CandleView.h"

class QActionGroup;
class QButtonGroup;
class QLabel;
class QLineEdit;
class QToolButton;

namespace meridian::marketdata {
class BarAggregator;
}

namespace meridian::ui {

class UiBridge;

class ChartDock : public QDockWidget {
  Q_OBJECT

 public:
  static constexpr std::size_t kMaxBarsPerSymbol = 1'000'000;
  static constexpr std::size_t kMaxMarkersPerSymbol = 20'000;
  static constexpr int kHistoryTimeoutMs = 10'000;

  explicit ChartDock(QWidget* parent = nullptr);
  ~ChartDock() override;

  // Stored history through the bus (see above). Not owned; may be null (live bars only).
  // History requests go through the bridge (null: live bars only).
  void setBridge(UiBridge* bridge);
  // A history request or series build is outstanding for the current symbol/timeframe.
  bool isLoading() const { return m_loading; }
  // Answers / builds ignored because the user switched again meanwhile.
  std::uint64_t staleResponses() const { return m_stale; }
  // The history installed for the current view (null before the first one / without a client).
  std::shared_ptr<const contract::HistoryLoaded> currentHistory() const { return m_installedHistory; }
  // Milliseconds from the request to the installed series, for the last load.
  qint64 lastLoadMs() const { return m_lastLoadMs; }

  QString symbol() const { return m_symbol; }
  CandleView* view() const { return m_view; }
  std::size_t barCount(const QString& symbol) const;
  QToolButton* timeframeButton(Timeframe tf) const;
  QToolButton* rangeButton(CandleView::Range r) const;
  QToolButton* indicatorsButton() const { return m_indicatorsButton; }

  // Strategy signals for a symbol (no bus event carries them yet: the strategy host can call this through the UI).
  void addSignalMarkers(const QString& symbol, const std::vector<ChartMarker>& markers);
  // A backtest's trades and fills on the chart (Backtest Results > Show on Chart): switches to `symbol` and the
  // timeframe of the run, shows the whole history and draws `markers` next to the live fills and signals; they
  // replace the previous backtest's markers (of any symbol) and stay until clearBacktestMarkers or the next one.
  void showBacktest(const QString& symbol, meridian::ui::Timeframe tf, std::vector<ChartMarker> markers,
                    const QString& label);
  void clearBacktestMarkers();
  // The backtest markers shown for `symbol` (empty when none) and the label of the backtest they come from.
  std::vector<ChartMarker> backtestMarkers(const QString& symbol) const;
  QString backtestLabel() const { return m_backtestLabel; }

  // Timeframe and indicator choices (saved with the workspace).
  QVariantMap chartSettings() const;
  void applyChartSettings(const QVariantMap& settings);

 public Q_SLOTS:
  void setSymbol(const QString& symbol);
  void setTimeframe(meridian::ui::Timeframe tf);
  void setRange(meridian::ui::CandleView::Range r);
  void onBarsAppended(const QVector<meridian::contract::BarClosed>& bars);
  void onFillsAppended(const QVector<meridian::domain::Fill>& fills);
  void onQuotesUpdated(const QVector<meridian::domain::Quote>& quotes);
  // Stored bars of `symbol` were added (first-run seeding, an import, an ingest job): reload when it is shown.
  void onHistoryStored(const QString& symbol);
  // Strategy signals as markers (distinct from fills), text "<strategy> <side> … : <reason>" in the tooltip/readout.
  void onSignals(const QVector<meridian::contract::SignalGenerated>& signalList);

 Q_SIGNALS:
  void symbolChanged(const QString& symbol);
  // A history-backed series is shown (after the off-thread build).
  void historyInstalled(const QString& symbol, int bars);

 private Q_SLOTS:
  void onSymbolEntered();
  void onViewChanged();
  void onHistoryLoaded(std::shared_ptr<const meridian::contract::HistoryLoaded> result);

 private:
  struct BuildGuard;
  struct LiveFeed;
  void updateInfo();
  void addMarkers(const QString& symbol, const std::vector<ChartMarker>& markers);
  // allowCache: reuse the last answer when it covers the same symbol and stored resolution (timeframe switches).
  void requestHistory(bool allowCache);
  void startBuild(std::shared_ptr<const contract::HistoryLoaded> history);
  void installSeries(std::uint64_t generation, const std::shared_ptr<ChartSeries>& series);
  void showLiveOnly();
  // Feeds live bars of the current symbol into the view per the current seam state.
  void feedView(const std::vector<domain::Bar>& bars);
  void finishLoading();

  QString m_symbol;
  Timeframe m_timeframe = Timeframe::M1;
  QHash<QString, std::vector<domain::Bar>> m_history;  // live bars per symbol (bounded)
  QSet<QString> m_minuteFed;                           // symbols with "<source>_1m" live bars
  UiBridge* m_bridge = nullptr;
  QString m_pendingCorrelation;
  std::shared_ptr<const contract::HistoryLoaded> m_lastHistory;       // newest answer (reused for 1m <-> 5m etc.)
  std::shared_ptr<const contract::HistoryLoaded> m_installedHistory;
  std::shared_ptr<BuildGuard> m_guard;
  std::uint64_t m_generation = 0;
  std::unique_ptr<LiveFeed> m_feed;         // seam state of the series on screen
  std::unique_ptr<LiveFeed> m_pendingFeed;  // seam state of the series being built
  bool m_loading = false;
  std::uint64_t m_stale = 0;
  QElapsedTimer m_loadClock;
  qint64 m_lastLoadMs = 0;
  QTimer m_historyTimeout;
  QHash<QString, std::vector<ChartMarker>> m_markers;
  QString m_backtestSymbol;                   // the backtest whose markers are shown (one at a time)
  std::vector<ChartMarker> m_backtestMarkers;
  QString m_backtestLabel;
  // Live markers of `symbol` plus the backtest's when it is that symbol.
  std::vector<ChartMarker> markersFor(const QString& symbol) const;
  CandleView* m_view = nullptr;
  QLineEdit* m_symbolEdit = nullptr;
  QLabel* m_info = nullptr;
  QButtonGroup* m_timeframes = nullptr;
  QButtonGroup* m_ranges = nullptr;
  QToolButton* m_indicatorsButton = nullptr;
  QList<QAction*> m_overlayActions;
  QList<QAction*> m_paneActions;
};

}  // namespace meridian::ui
