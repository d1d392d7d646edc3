#include "ui/docks/ChartDock.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpressionValidator>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

#include "ui/models/Formatting.h"
#include "ui/widgets/CandleView.h"

namespace meridian::ui {

ChartDock::ChartDock(QWidget* parent) : QDockWidget(QStringLiteral("Chart"), parent) {
  setObjectName(QStringLiteral("ChartDock"));

  auto* content = new QWidget(this);
  auto* layout = new QVBoxLayout(content);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->setSpacing(4);

  auto* bar = new QHBoxLayout;
  bar->setSpacing(6);
  auto* symLabel = new QLabel(QStringLiteral("S&ymbol:"), content);
  m_symbolEdit = new QLineEdit(content);
  m_symbolEdit->setObjectName(QStringLiteral("chartSymbolEdit"));
  m_symbolEdit->setMaximumWidth(110);
  m_symbolEdit->setPlaceholderText(QStringLiteral("e.g. AAPL"));
  m_symbolEdit->setValidator(
      new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[A-Za-z][A-Za-z0-9.\\-]{0,9}")), m_symbolEdit));
  m_symbolEdit->setToolTip(QStringLiteral("Type a symbol and press Enter"));
  symLabel->setBuddy(m_symbolEdit);
  connect(m_symbolEdit, &QLineEdit::returnPressed, this, &ChartDock::onSymbolEntered);

  m_view = new CandleView(content);
  m_view->setObjectName(QStringLiteral("candleView"));

  auto makeButton = [&](const QString& text, const QString& tip, auto slot) {
    auto* b = new QToolButton(content);
    b->setText(text);
    b->setToolTip(tip);
    b->setAutoRaise(true);
    connect(b, &QToolButton::clicked, m_view, slot);
    return b;
  };

  m_info = new QLabel(content);
  m_info->setObjectName(QStringLiteral("chartInfo"));
  m_info->setStyleSheet(QStringLiteral("color: #555b66;"));

  bar->addWidget(symLabel);
  bar->addWidget(m_symbolEdit);
  bar->addSpacing(8);
  bar->addWidget(makeButton(QStringLiteral("+"), QStringLiteral("Zoom in (+, mouse wheel)"), &CandleView::zoomIn));
  bar->addWidget(makeButton(QStringLiteral("−"), QStringLiteral("Zoom out (-, mouse wheel)"), &CandleView::zoomOut));
  bar->addWidget(makeButton(QStringLiteral("Fit"), QStringLiteral("Fit all bars (Home)"), &CandleView::fitAll));
  bar->addStretch(1);
  bar->addWidget(m_info);

  layout->addLayout(bar);
  layout->addWidget(m_view, 1);
  setWidget(content);
  updateInfo();
}

std::size_t ChartDock::barCount(const QString& symbol) const {
  const auto it = m_history.constFind(symbol);
  return it == m_history.cend() ? 0 : it->size();
}

void ChartDock::setSymbol(const QString& symbol) {
  const QString s = symbol.trimmed().toUpper();
  if (s.isEmpty() || s == m_symbol) return;
  m_symbol = s;
  m_symbolEdit->setText(s);
  m_view->setSymbol(s);
  const auto it = m_history.constFind(s);
  m_view->setBars(it == m_history.cend() ? std::vector<domain::Bar>{} : *it);
  setWindowTitle(QStringLiteral("Chart — %1").arg(s));
  updateInfo();
  Q_EMIT symbolChanged(s);
}

void ChartDock::onSymbolEntered() { setSymbol(m_symbolEdit->text()); }

void ChartDock::onBarsAppended(const QVector<bus::BarClosed>& bars) {
  std::vector<domain::Bar> forView;
  for (const bus::BarClosed& b : bars) {
    const QString symbol = format::qstr(b.symbol);
    std::vector<domain::Bar>& series = m_history[symbol];
    if (series.empty() || b.bar.ts > series.back().ts) {
      series.push_back(b.bar);
    } else if (b.bar.ts == series.back().ts) {
      series.back() = b.bar;
    } else {
      auto it = std::lower_bound(series.begin(), series.end(), b.bar,
                                 [](const domain::Bar& x, const domain::Bar& y) { return x.ts < y.ts; });
      if (it != series.end() && it->ts == b.bar.ts) {
        *it = b.bar;
      } else {
        series.insert(it, b.bar);
      }
    }
    if (series.size() > kMaxBarsPerSymbol) {
      // Drop the oldest 10% at once (amortised O(1) per bar).
      series.erase(series.begin(), series.begin() + static_cast<std::ptrdiff_t>(kMaxBarsPerSymbol / 10));
    }
    if (symbol == m_symbol) forView.push_back(b.bar);
  }
  if (!forView.empty()) {
    if (m_view->bars().size() + forView.size() > kMaxBarsPerSymbol) {
      m_view->setBars(m_history.value(m_symbol));
    } else {
      m_view->appendBars(forView);
    }
    updateInfo();
  }
}

void ChartDock::updateInfo() {
  const std::size_t n = m_view->bars().size();
  m_info->setText(n == 0 ? QString() : QStringLiteral("%1 bars").arg(format::quantity(static_cast<double>(n))));
}

}  // namespace meridian::ui
