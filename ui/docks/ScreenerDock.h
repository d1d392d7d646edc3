#pragma once
// ScreenerDock ("ScreenerDock"): stock screener front end over core/screener (contract::RunScreener requests through
// UiBridge, the answer back on the GUI thread; no storage or core lock here).
//
//  * Filter form: sectors (comma separated, any of), price range, min volume / 20d avg volume / market cap
//    (amounts accept k/M/B/T suffixes: "10B"), RSI range, 1d/5d/30d % change ranges, max annualised volatility %,
//    price vs SMA20, SMA50/200 golden/death cross within N bars, MACD vs signal, Bollinger %B range, row limit.
//    An empty field is no filter. Enter in any field runs the screen; the tab order follows the form top to bottom.
//  * Results: sortable table (ScreenerModel); double-click or Enter on a row emits symbolActivated(symbol).
//    Symbols excluded because a filtered field is unknown (no fundamentals, too little history) are counted in the
//    status line, with the reasons in its tooltip.
//  * Presets: built-in ones (read-only) and named user presets stored in QSettings as criteria JSON
//    ("screener/presets/<name>"). Choosing a preset fills the form (and the sort); Save… / Delete manage user presets.
//  * Export CSV… writes the rows in the order shown (ui/models/CsvExport through exportViewCsv).
#include <QDockWidget>
#include <QStringList>

#include <memory>

#include "core/common/Result.h"
#include "core/screener/Criteria.h"
#include "core/contract/Screener.h"

namespace meridian::screener {
class Query;
}

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableView;
class QHeaderView;

namespace meridian::ui {

class UiBridge;
class ScreenerModel;

class ScreenerDock : public QDockWidget {
  Q_OBJECT

 public:
  static constexpr const char* kPresetsGroup = "screener/presets";
  static constexpr const char* kLastCriteriaKey = "screener/lastCriteria";
  // The result columns the user hid (column keys), or absent: defaultHidden().
  static constexpr const char* kHiddenColumnsKey = "screener/hiddenColumns";
  // Hidden until chosen in the header's context menu: the absolute SMA50/SMA200 and 52-week values (their
  // percent distances are shown). Exports hold every column whether shown or not.
  static QVector<screener::Column> defaultHidden();

  struct Preset {
    QString name;
    QString json;
    bool builtin = false;
  };
  static QVector<Preset> builtinPresets();

  ScreenerDock(UiBridge* bridge, QString settingsOrganization, QString settingsApplication, QWidget* parent = nullptr);
  ~ScreenerDock() override;

  // The form as criteria (validated); the error names the field ("Min market cap: '12x' is not an amount").
  Result<screener::Criteria> criteria() const;
  void setCriteria(const screener::Criteria& criteria);

  // Preset management (the Save… button asks for the name, then calls savePreset).
  QStringList presetNames() const;  // built-ins first, then user presets by name
  bool savePreset(const QString& name, QString* error = nullptr);
  bool deletePreset(const QString& name, QString* error = nullptr);
  bool loadPreset(const QString& name, QString* error = nullptr);

  bool exportCsv(const QString& path, QString* error = nullptr) const;

  // Result columns shown / hidden (the header's context menu: one checkable action per column but Symbol, object
  // name "screenerColumn_<key>"); the choice is saved in the settings.
  bool isColumnShown(screener::Column c) const;
  void setColumnShown(screener::Column c, bool shown);
  QHeaderView* header() const;

  ScreenerModel* model() const { return m_model; }
  QTableView* view() const { return m_view; }
  QLabel* statusLabel() const { return m_status; }
  QLineEdit* queryEdit() const { return m_query; }
  QComboBox* presetCombo() const { return m_presets; }
  QString lastCorrelationId() const { return m_lastCorrelation; }
  std::shared_ptr<const contract::ScreenerFinished> lastFinished() const { return m_lastFinished; }

 public Q_SLOTS:
  // Validates the form and sends the screen; returns false (status shows why) when the form is invalid.
  bool run();
  void resetForm();
  void onScreenerFinished(const std::shared_ptr<const meridian::contract::ScreenerFinished>& finished);

 Q_SIGNALS:
  void symbolActivated(const QString& symbol);
  void resultShown(int rows);

 private Q_SLOTS:
  void onPresetActivated(int index);
  void onSaveClicked();
  void onDeleteClicked();
  void onExportClicked();

 private:
  void reloadPresets(const QString& select = {});
  void setStatus(const QString& text, bool error = false);
  void updateButtons();
  void setUpColumnMenu();
  void saveHiddenColumns() const;

  UiBridge* m_bridge = nullptr;
  QString m_settingsOrganization;
  QString m_settingsApplication;
  ScreenerModel* m_model = nullptr;
  QTableView* m_view = nullptr;
  QLabel* m_status = nullptr;
  QComboBox* m_presets = nullptr;
  QPushButton* m_run = nullptr;
  QPushButton* m_save = nullptr;
  QPushButton* m_delete = nullptr;
  QPushButton* m_export = nullptr;
  QPushButton* m_reset = nullptr;

  QLineEdit* m_sectors = nullptr;
  QLineEdit* m_priceMin = nullptr;
  QLineEdit* m_priceMax = nullptr;
  QLineEdit* m_minVolume = nullptr;
  QLineEdit* m_minAvgVolume = nullptr;
  QLineEdit* m_minMarketCap = nullptr;
  QLineEdit* m_rsiMin = nullptr;
  QLineEdit* m_rsiMax = nullptr;
  QLineEdit* m_chg1dMin = nullptr;
  QLineEdit* m_chg1dMax = nullptr;
  QLineEdit* m_chg5dMin = nullptr;
  QLineEdit* m_chg5dMax = nullptr;
  QLineEdit* m_chg30dMin = nullptr;
  QLineEdit* m_chg30dMax = nullptr;
  QLineEdit* m_maxVolatility = nullptr;
  QComboBox* m_sma20 = nullptr;
  QComboBox* m_cross = nullptr;
  QSpinBox* m_crossLookback = nullptr;
  QComboBox* m_macd = nullptr;
  QLineEdit* m_bollMin = nullptr;
  QLineEdit* m_bollMax = nullptr;
  QSpinBox* m_limit = nullptr;
  QLineEdit* m_query = nullptr;
  std::shared_ptr<const screener::Query> m_activeQuery;  // of the run in flight / shown
  std::size_t m_queryLimit = 0;

  QString m_lastCorrelation;
  std::shared_ptr<const contract::ScreenerFinished> m_lastFinished;
};

}  // namespace meridian::ui
