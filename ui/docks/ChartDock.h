#pragma once
// ChartDock: candlestick chart of the selected symbol. Keeps a bounded bar history per symbol (fed by
// UiBridge::barsAppended), so switching symbols shows what has been received so far.
#include <QDockWidget>
#include <QHash>
#include <QVector>

#include <vector>

#include "core/bus/Events.h"
#include "core/domain/Types.h"

class QLineEdit;
class QLabel;

namespace meridian::ui {

class CandleView;

class ChartDock : public QDockWidget {
  Q_OBJECT

 public:
  static constexpr std::size_t kMaxBarsPerSymbol = 200'000;

  explicit ChartDock(QWidget* parent = nullptr);

  QString symbol() const { return m_symbol; }
  CandleView* view() const { return m_view; }
  std::size_t barCount(const QString& symbol) const;

 public Q_SLOTS:
  void setSymbol(const QString& symbol);
  void onBarsAppended(const QVector<meridian::bus::BarClosed>& bars);

 Q_SIGNALS:
  void symbolChanged(const QString& symbol);

 private Q_SLOTS:
  void onSymbolEntered();

 private:
  void updateInfo();

  QString m_symbol;
  QHash<QString, std::vector<domain::Bar>> m_history;
  CandleView* m_view = nullptr;
  QLineEdit* m_symbolEdit = nullptr;
  QLabel* m_info = nullptr;
};

}  // namespace meridian::ui
