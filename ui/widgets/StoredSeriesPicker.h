#pragma once
// StoredSeriesPicker: the stored bar series a backtest can run on (the Backtest dialogs' Data box). A search field
// filters a table of every stored series (symbol, source, timeframe, first / last bar, bar count) asked from the
// history service (contract::RequestStoredSeries through the UI bridge); rows are checked to choose them, in the
// order checked (the order a pairs strategy takes its legs in). "Bars" picks the timeframe the run uses: the one
// stored, or a coarser one aggregated from it on NYSE sessions.
//
// Keyboard: type in the search field, Down moves into the table, Space checks the current row.
#include <QStringList>
#include <QWidget>

#include <memory>
#include <vector>

#include "core/contract/Backtest.h"
#include "core/contract/History.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace meridian::ui {

class UiBridge;

class StoredSeriesPicker : public QWidget {
  Q_OBJECT

 public:
  explicit StoredSeriesPicker(UiBridge* bridge, QWidget* parent = nullptr);

  // Asks the history service for the stored series again (the table keeps the checked ones).
  void refresh();
  // The chosen series, in the order they were checked, as backtest input.
  std::vector<contract::SeriesRequest> selected() const;
  // "SYMBOL|source" keys of the chosen series (kept in settings; restored when the list arrives).
  QStringList selectedKeys() const { return m_checked; }
  void setSelectedKeys(const QStringList& keys);
  // "" = as stored, else "1m" / "1h" / "1d".
  QString timeframe() const;
  void setTimeframe(const QString& tf);

  QLineEdit* searchEdit() const { return m_search; }
  QTableWidget* table() const { return m_table; }
  QComboBox* timeframeCombo() const { return m_timeframe; }
  QLabel* statusLabel() const { return m_status; }
  int seriesCount() const { return static_cast<int>(m_series.size()); }
  // Checks (or unchecks) the row of `key` ("SYMBOL|source"); false when no such series is listed.
  bool setChecked(const QString& key, bool checked);

 Q_SIGNALS:
  void selectionChanged();
  void listed();  // an answer arrived (the table was rebuilt)

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void onListed(std::shared_ptr<const contract::StoredSeriesListed> answer);
  void rebuild();
  void applyFilter();

  UiBridge* m_bridge;
  QLineEdit* m_search = nullptr;
  QTableWidget* m_table = nullptr;
  QComboBox* m_timeframe = nullptr;
  QPushButton* m_refresh = nullptr;
  QLabel* m_status = nullptr;
  std::vector<contract::StoredSeriesInfo> m_series;
  QStringList m_checked;  // keys, in the order checked
  bool m_rebuilding = false;
};

}  // namespace meridian::ui
