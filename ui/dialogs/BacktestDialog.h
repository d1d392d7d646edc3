#pragma once
// BacktestDialog: the form behind Backtest > Run Backtest… / Optimize… / Walk-forward… (one instance per mode).
//
// Strategy from StrategyRegistry::builtin(); the parameter form is generated from its ParamSpecs (QSpinBox for
// integer parameters, QDoubleSpinBox otherwise, with the spec's min/max/step; in Optimize and Walk-forward modes
// every parameter gets from / to / step). Data: one or more CSV files ("[SYM=]FILE", separated by ';'; Browse…
// starts in the last directory used, kept in QSettings). Capital and costs: cash, size in shares or % of equity,
// commission model and value, slippage in bps.
//
// Run (Enter) publishes RunBacktest / RunOptimization / RunWalkForward through UiBridge::send and never
// waits: the progress bar follows UiBridge::backtestProgress, the outcome arrives as backtestFinished (errors are
// shown in the dialog, results go to the BacktestResultsDock). Cancel Run publishes CancelBacktest; Esc closes the
// dialog (a run in progress continues and its result still appears in the dock). Form values are remembered.
#include <QDialog>
#include <QHash>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QVector>

#include <memory>
#include <variant>

#include "core/contract/Backtest.h"
#include "core/strategy/StrategyRegistry.h"

class QAbstractSpinBox;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace meridian::ui {

class StoredSeriesPicker;
class UiBridge;

using BacktestCommand = std::variant<contract::RunBacktest, contract::RunOptimization, contract::RunWalkForward>;

class BacktestDialog : public QDialog {
  Q_OBJECT

 public:
  enum class Mode { Backtest, Optimize, WalkForward };
  static constexpr int kNoAnswerMs = 5000;  // "no answer from the backtest service yet" hint

  BacktestDialog(Mode mode, UiBridge* bridge, QString settingsOrganization, QString settingsApplication,
                 QWidget* parent = nullptr);
  ~BacktestDialog() override;

  Mode mode() const { return m_mode; }
  static QString modeTitle(Mode mode);

  // Form access (keyboard users and tests).
  QComboBox* strategyCombo() const { return m_strategy; }
  // Editor of parameter `name`: part 0 = the value (Backtest) or "from", 1 = "to", 2 = "step". Null if absent.
  QAbstractSpinBox* paramEditor(const QString& name, int part = 0) const;
  QLineEdit* csvFilesEdit() const { return m_csvFiles; }
  StoredSeriesPicker* storedSeries() const { return m_stored; }
  QDoubleSpinBox* cashEdit() const { return m_cash; }
  QComboBox* commissionCombo() const { return m_commissionKind; }
  QPushButton* runButton() const { return m_run; }
  QPushButton* cancelButton() const { return m_cancel; }
  QProgressBar* progressBar() const { return m_progress; }
  QLabel* errorLabel() const { return m_error; }
  QLabel* statusLabel() const { return m_status; }
  QLabel* gridSizeLabel() const { return m_gridSize; }

  void setStrategy(const QString& name);
  void setCsvFiles(const QStringList& files);
  QStringList csvFiles() const;
  std::size_t gridSize() const;  // combinations of the current from/to/step form (1 in Backtest mode)

  bool isRunning() const { return !m_correlationId.isEmpty(); }
  QString currentCorrelationId() const { return m_correlationId; }
  // The command last sent by this dialog (valid after commandSent).
  const BacktestCommand& lastCommand() const { return m_lastCommand; }

  // Reads the shared data selection again (another Backtest dialog may have changed it) and refreshes the list
  // of stored series. Called whenever the dialog is opened.
  void reloadData();

  // Builds the command from the form without sending it; on failure returns false with *error.
  bool buildCommand(BacktestCommand& out, QString* error) const;

 Q_SIGNALS:
  void commandSent(const QString& correlationId);

 public Q_SLOTS:
  void onRun();
  void onCancel();
  void onBrowse();
  void onBacktestProgress(const QVector<meridian::contract::BacktestProgress>& progress);
  void onBacktestFinished(const std::shared_ptr<const meridian::contract::BacktestFinished>& finished);

 private Q_SLOTS:
  void onStrategyChanged();
  void updateGridSize();
  void onNoAnswer();

 private:
  struct ParamEditors {
    strategy::ParamSpec spec;
    QAbstractSpinBox* value = nullptr;  // value or from
    QAbstractSpinBox* to = nullptr;
    QAbstractSpinBox* step = nullptr;
    QLabel* count = nullptr;
  };
  bool gridMode() const { return m_mode != Mode::Backtest; }
  void buildForm();
  void rebuildParams();
  void setRunning(bool running);
  void showError(const QString& text);
  void loadSettings();
  void saveSettings() const;
  void saveParamValues() const;
  void loadDataSelection();       // the Data box, shared by the three dialogs (choose once, switch modes)
  void saveDataSelection() const;
  QString settingsGroup() const;
  bool buildAxis(const ParamEditors& p, backtest::ParamAxis& axis, QString* error) const;
  bool buildCommon(std::string& strategyName, strategy::ParamSet& params, contract::DataSpec& data,
                   backtest::BacktestConfig& config, QString* error) const;

  Mode m_mode;
  UiBridge* m_bridge;
  QString m_settingsOrganization;
  QString m_settingsApplication;

  QComboBox* m_strategy = nullptr;
  QLabel* m_strategyHelp = nullptr;
  QGroupBox* m_paramsBox = nullptr;
  QFormLayout* m_paramsForm = nullptr;
  QVector<ParamEditors> m_params;
  QLabel* m_gridSize = nullptr;

  QLineEdit* m_csvFiles = nullptr;
  StoredSeriesPicker* m_stored = nullptr;
  QPushButton* m_browse = nullptr;
  QCheckBox* m_adjusted = nullptr;
  QLineEdit* m_from = nullptr;
  QLineEdit* m_to = nullptr;

  QDoubleSpinBox* m_cash = nullptr;
  QComboBox* m_sizingMode = nullptr;
  QDoubleSpinBox* m_sizingValue = nullptr;
  QComboBox* m_commissionKind = nullptr;
  QDoubleSpinBox* m_commissionValue = nullptr;
  QDoubleSpinBox* m_slippage = nullptr;
  QCheckBox* m_allowShort = nullptr;

  QComboBox* m_objective = nullptr;
  QSpinBox* m_threads = nullptr;
  QSpinBox* m_inSample = nullptr;
  QSpinBox* m_outOfSample = nullptr;
  QCheckBox* m_anchored = nullptr;

  QLabel* m_error = nullptr;
  QLabel* m_status = nullptr;
  QProgressBar* m_progress = nullptr;
  QPushButton* m_run = nullptr;
  QPushButton* m_cancel = nullptr;
  QPushButton* m_close = nullptr;

  QString m_correlationId;  // of the run in progress
  BacktestCommand m_lastCommand;
  QTimer m_noAnswer;
  bool m_heardBack = false;
  QString m_paramsStrategy;  // strategy whose parameters the form shows
};

}  // namespace meridian::ui
