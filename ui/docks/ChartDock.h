#pragma once
// ChartDock: the chart of the selected symbol (CandleView) with its toolbar: symbol, timeframe (1m 5m 1h 1D 1W),
// range (1D 5D 1M 3M 6M 1Y 5Y All), indicators menu (overlays + RSI/MACD panes), zoom buttons.
//
// Keeps a bounded bar history per symbol (fed by UiBridge::barsAppended) so switching symbols shows what has been
// received so far; fills (UiBridge::fillsAppended) and strategy signals become chart markers; quotes update the
// newest bar's close live. Keyboard on the chart: 1-5 timeframe, Ctrl+1..Ctrl+8 range, plus CandleView's keys.
#include <QDockWidget>
#include <QHash>
#include <QVariantMap>
#include <QVector>

#include <vector>

#include "core/bus/Events.h"
#include "core/domain/Types.h"
#include "ui/widgets/CandleView.h"

class QActionGroup;
class QButtonGroup;
class QLabel;
class QLineEdit;
class QToolButton;

namespace meridian::ui {

class ChartDock : public QDockWidget {
  Q_OBJECT

 public:
  static constexpr std::size_t kMaxBarsPerSymbol = 1'000'000;
  static constexpr std::size_t kMaxMarkersPerSymbol = 20'000;

  explicit ChartDock(QWidget* parent = nullptr);

  QString symbol() const { return m_symbol; }
  CandleView* view() const { return m_view; }
  std::size_t barCount(const QString& symbol) const;
  QToolButton* timeframeButton(Timeframe tf) const;
  QToolButton* rangeButton(CandleView::Range r) const;
  QToolButton* indicatorsButton() const { return m_indicatorsButton; }

  // Strategy signals for a symbol (no bus event carries them yet: the strategy host can call this through the UI).
  void addSignalMarkers(const QString& symbol, const std::vector<ChartMarker>& markers);

  // Timeframe and indicator choices (saved with the workspace).
  QVariantMap chartSettings() const;
  void applyChartSettings(const QVariantMap& settings);

 public Q_SLOTS:
  void setSymbol(const QString& symbol);
  void setTimeframe(meridian::ui::Timeframe tf);
  void setRange(meridian::ui::CandleView::Range r);
  void onBarsAppended(const QVector<meridian::bus::BarClosed>& bars);
  void onFillsAppended(const QVector<meridian::domain::Fill>& fills);
  void onQuotesUpdated(const QVector<meridian::domain::Quote>& quotes);

 Q_SIGNALS:
  void symbolChanged(const QString& symbol);

 private Q_SLOTS:
  void onSymbolEntered();
  void onViewChanged();

 private:
  void updateInfo();
  void addMarkers(const QString& symbol, const std::vector<ChartMarker>& markers);

  QString m_symbol;
  QHash<QString, std::vector<domain::Bar>> m_history;
  QHash<QString, std::vector<ChartMarker>> m_markers;
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
