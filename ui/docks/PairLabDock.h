#pragma once
// PairLabDock ("PairLabDock", View > Pair Lab, Alt+Shift+L): pair research through the bus (contract::RequestPairs /
// RequestPairSeries, answered by the history service). "Load Discovered" lists the latest pair_discovery run; "Scan"
// (or Enter in the symbols field) tests every pair of the typed symbols on the chosen timeframe. Each row is measured
// on the newest stored bars: hedge ratio, ADF statistic, p-value, half-life, correlation, score, last z; a pair
// whose p-value is above the threshold (or that cannot be measured) is flagged in the Flag column. Selecting a row
// charts its z-score over time with the pairs strategy's entry / exit / stop bands. "Backtest Pair" (Ctrl+Enter in the
// panel) runs the pairs strategy on the two stored series; the result opens in the Backtest Results panel.
// "Promote to Live…" (Ctrl+Shift+P in the panel) asks first, naming the mode the live strategies trade in (PAPER by
// default; LIVE in red, real money; SIGNALS when strategy.trade=false) and the parameters, then sends
// contract::StartStrategy (the pairs strategy on the pair, the timeframe charted, the entry / exit / stop bands shown);
// the runner's refusal (duplicate, another mode or timeframe) comes back on the status line, and the new instance
// shows up in the Strategy Monitor, where it is paused / flattened like the others.
#include <QAbstractTableModel>
#include <QDockWidget>

#include <functional>
#include <memory>

#include "core/contract/Backtest.h"
#include "core/contract/Pairs.h"
#include "core/contract/Strategy.h"

class QChart;
class QChartView;
class QComboBox;
class QDoubleSpinBox;
class QSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace meridian::ui {

class UiBridge;

class PairLabModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { Pair, Hedge, Adf, PValue, HalfLife, Correlation, Score, LastZ, Flag, ColumnCount };
  explicit PairLabModel(QObject* parent = nullptr) : QAbstractTableModel(parent) {}
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
  void setPairs(std::vector<contract::PairLabRow> rows, double maxPValue);
  const contract::PairLabRow* rowAt(int row) const;
  // "p 0.31 > 0.05 (was 0.010)", the measuring problem, or empty.
  static QString flagText(const contract::PairLabRow& r, double maxPValue);

 private:
  std::vector<contract::PairLabRow> m_rows;
  double m_maxPValue = 0.05;
};

class PairLabDock : public QDockWidget {
  Q_OBJECT

 public:
  PairLabDock(UiBridge* bridge, QWidget* parent = nullptr);

  PairLabModel* model() const { return m_model; }
  QTableView* view() const { return m_view; }
  QLineEdit* symbolsEdit() const { return m_symbols; }
  QComboBox* timeframeCombo() const { return m_timeframe; }
  QSpinBox* lookbackSpin() const { return m_lookback; }        // newest common bars measured (and charted)
  QDoubleSpinBox* maxPValueSpin() const { return m_maxP; }     // flagged above it; the strategy's max_pvalue
  QPushButton* universeButton() const { return m_universe; }   // fills the symbols with the stored ones
  QLabel* statusLabel() const { return m_status; }
  QChart* chart() const { return m_chart; }
  QPushButton* backtestButton() const { return m_backtest; }
  QPushButton* promoteButton() const { return m_promote; }
  // The mode the confirmation names: the live strategies' (StrategiesSnapshot::mode), PAPER until one is known.
  QString runnerMode() const { return m_runnerMode; }
  // The StartStrategy the Promote action sends for the selected pair (empty strategy: nothing selected).
  contract::StartStrategy promotion() const;
  // The series charted last (for tests and the status line); empty before the first selection.
  const contract::PairSeriesLoaded* charted() const { return m_charted.get(); }
  // Where "Backtest Pair" goes (the MainWindow hands it to the BacktestController, whose panel shows the result).
  void setBacktestRunner(std::function<void(contract::RunBacktest, const QString&)> run) { m_runBacktest = std::move(run); }

 public Q_SLOTS:
  void scan();
  void loadDiscovered();
  // Every symbol with a stored series of the chosen timeframe goes into the symbols field (RequestStoredSeries).
  void loadStoredUniverse();
  void backtestSelected();
  void promoteSelected();
  void onStrategies(const std::shared_ptr<const contract::StrategiesSnapshot>& snapshot);

 private:
  void request(contract::RequestPairs request, const QString& what);
  void onSelectionChanged();
  void showSeries(const std::shared_ptr<const contract::PairSeriesLoaded>& series);
  domain::Timeframe timeframe() const;

  UiBridge* m_bridge = nullptr;
  PairLabModel* m_model = nullptr;
  QTableView* m_view = nullptr;
  QLineEdit* m_symbols = nullptr;
  QComboBox* m_timeframe = nullptr;
  QSpinBox* m_lookback = nullptr;
  QDoubleSpinBox* m_maxP = nullptr;
  QPushButton* m_universe = nullptr;
  QLabel* m_status = nullptr;
  QPushButton* m_backtest = nullptr;
  QPushButton* m_promote = nullptr;
  QString m_runnerMode = QStringLiteral("PAPER");
  QString m_runnerTimeframe;
  QString m_promoteCorrelation;  // the StartStrategy sent last, until it is answered
  QString m_promoteInstance;     // ... and the instance it starts
  bool m_promoteWasRunning = false;  // that instance ran already when it was sent (the runner refuses it)
  QStringList m_running;         // the instances of the last StrategiesSnapshot
  QChart* m_chart = nullptr;
  QChartView* m_chartView = nullptr;
  std::shared_ptr<const contract::PairSeriesLoaded> m_charted;
  std::function<void(contract::RunBacktest, const QString&)> m_runBacktest;
  QString m_lastSource;
};

}  // namespace meridian::ui
