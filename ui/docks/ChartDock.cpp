#include "ui/docks/ChartDock.h"

#include <QAction>
#include <QButtonGroup>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QRegularExpressionValidator>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

#include "ui/models/Formatting.h"

namespace meridian::ui {
namespace {

constexpr Timeframe kTimeframes[] = {Timeframe::M1, Timeframe::M5, Timeframe::H1, Timeframe::D1, Timeframe::W1};
constexpr CandleView::Range kRanges[] = {CandleView::Range::D1, CandleView::Range::D5, CandleView::Range::M1,
                                         CandleView::Range::M3, CandleView::Range::M6, CandleView::Range::Y1,
                                         CandleView::Range::Y5, CandleView::Range::All};

QFrame* separator(QWidget* parent) {
  auto* f = new QFrame(parent);
  f->setFrameShape(QFrame::VLine);
  f->setFrameShadow(QFrame::Sunken);
  return f;
}

void upsertBar(std::vector<domain::Bar>& series, const domain::Bar& bar) {
  if (series.empty() || bar.ts > series.back().ts) {
    series.push_back(bar);
  } else if (bar.ts == series.back().ts) {
    series.back() = bar;
  } else {
    auto it = std::lower_bound(series.begin(), series.end(), bar,
                               [](const domain::Bar& x, const domain::Bar& y) { return x.ts < y.ts; });
    if (it != series.end() && it->ts == bar.ts)
      *it = bar;
    else
      series.insert(it, bar);
  }
}

}  // namespace

ChartDock::ChartDock(QWidget* parent) : QDockWidget(QStringLiteral("Chart"), parent) {
  setObjectName(QStringLiteral("ChartDock"));

  auto* content = new QWidget(this);
  auto* layout = new QVBoxLayout(content);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->setSpacing(4);

  auto* bar = new QHBoxLayout;
  bar->setSpacing(2);
  auto* symLabel = new QLabel(QStringLiteral("S&ymbol:"), content);
  m_symbolEdit = new QLineEdit(content);
  m_symbolEdit->setObjectName(QStringLiteral("chartSymbolEdit"));
  m_symbolEdit->setMinimumWidth(m_symbolEdit->fontMetrics().horizontalAdvance(QStringLiteral("WWWWWW")) + 12);
  m_symbolEdit->setMaximumWidth(110);
  m_symbolEdit->setPlaceholderText(QStringLiteral("e.g. AAPL"));
  m_symbolEdit->setValidator(
      new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[A-Za-z][A-Za-z0-9.\\-]{0,9}")), m_symbolEdit));
  m_symbolEdit->setToolTip(QStringLiteral("Type a symbol and press Enter"));
  symLabel->setBuddy(m_symbolEdit);
  connect(m_symbolEdit, &QLineEdit::returnPressed, this, &ChartDock::onSymbolEntered);

  m_view = new CandleView(content);
  m_view->setObjectName(QStringLiteral("candleView"));
  connect(m_view, &CandleView::viewChanged, this, &ChartDock::onViewChanged);

  bar->addWidget(symLabel);
  bar->addWidget(m_symbolEdit);
  bar->addSpacing(6);
  bar->addWidget(separator(content));

  // Timeframes: exclusive, keys 1-5 on the chart.
  m_timeframes = new QButtonGroup(this);
  m_timeframes->setExclusive(true);
  int key = 1;
  for (Timeframe tf : kTimeframes) {
    auto* b = new QToolButton(content);
    const QString label = QLatin1String(timeframeLabel(tf));
    b->setText(label);
    b->setObjectName(QStringLiteral("timeframe_%1").arg(label));
    b->setCheckable(true);
    b->setAutoRaise(true);
    b->setToolTip(QStringLiteral("%1 bars (key %2 on the chart)").arg(label).arg(key));
    m_timeframes->addButton(b, static_cast<int>(tf));
    bar->addWidget(b);
    auto* a = new QAction(label, m_view);
    a->setShortcut(QKeySequence(static_cast<Qt::Key>(Qt::Key_0 + key)));
    a->setShortcutContext(Qt::WidgetShortcut);
    connect(a, &QAction::triggered, this, [this, tf] { setTimeframe(tf); });
    m_view->addAction(a);
    ++key;
  }
  m_timeframes->button(static_cast<int>(Timeframe::M1))->setChecked(true);
  connect(m_timeframes, &QButtonGroup::idClicked, this, [this](int id) { setTimeframe(static_cast<Timeframe>(id)); });
  bar->addWidget(separator(content));

  // Ranges: one-shot buttons, Ctrl+1..Ctrl+8 on the chart.
  m_ranges = new QButtonGroup(this);
  m_ranges->setExclusive(false);
  key = 1;
  for (CandleView::Range r : kRanges) {
    auto* b = new QToolButton(content);
    const QString label = QLatin1String(CandleView::rangeLabel(r));
    b->setText(label);
    b->setObjectName(QStringLiteral("range_%1").arg(label));
    b->setAutoRaise(true);
    b->setToolTip(QStringLiteral("Show the last %1 (Ctrl+%2 on the chart)").arg(label).arg(key));
    m_ranges->addButton(b, static_cast<int>(r));
    bar->addWidget(b);
    auto* a = new QAction(label, m_view);
    a->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_0 + key)));
    a->setShortcutContext(Qt::WidgetShortcut);
    connect(a, &QAction::triggered, this, [this, r] { setRange(r); });
    m_view->addAction(a);
    ++key;
  }
  connect(m_ranges, &QButtonGroup::idClicked, this, [this](int id) { setRange(static_cast<CandleView::Range>(id)); });
  bar->addWidget(separator(content));

  // Indicators menu.
  m_indicatorsButton = new QToolButton(content);
  m_indicatorsButton->setObjectName(QStringLiteral("chartIndicatorsButton"));
  m_indicatorsButton->setText(QStringLiteral("&Indicators"));
  m_indicatorsButton->setPopupMode(QToolButton::InstantPopup);
  m_indicatorsButton->setAutoRaise(true);
  m_indicatorsButton->setToolTip(QStringLiteral("Overlays and panes (Alt+I)"));
  auto* menu = new QMenu(m_indicatorsButton);
  for (std::size_t o = 0; o < static_cast<std::size_t>(CandleView::Overlay::Count); ++o) {
    const auto ov = static_cast<CandleView::Overlay>(o);
    QAction* a = menu->addAction(QLatin1String(CandleView::overlayLabel(ov)));
    a->setCheckable(true);
    a->setChecked(m_view->overlayVisible(ov));
    a->setData(static_cast<int>(o));
    connect(a, &QAction::toggled, this, [this, ov](bool on) { m_view->setOverlayVisible(ov, on); });
    m_overlayActions << a;
  }
  menu->addSeparator();
  const std::pair<CandleView::Pane, const char*> panes[] = {
      {CandleView::Pane::Volume, "Volume"}, {CandleView::Pane::Rsi, "RSI 14 pane"}, {CandleView::Pane::Macd, "MACD 12/26/9 pane"}};
  for (const auto& [pane, name] : panes) {
    QAction* a = menu->addAction(QLatin1String(name));
    a->setCheckable(true);
    a->setChecked(m_view->paneVisible(pane));
    a->setData(static_cast<int>(pane));
    connect(a, &QAction::toggled, this, [this, pane = pane](bool on) { m_view->setPaneVisible(pane, on); });
    m_paneActions << a;
  }
  m_indicatorsButton->setMenu(menu);
  bar->addWidget(m_indicatorsButton);

  auto makeButton = [&](const QString& text, const QString& tip, auto slot) {
    auto* b = new QToolButton(content);
    b->setText(text);
    b->setToolTip(tip);
    b->setAutoRaise(true);
    connect(b, &QToolButton::clicked, m_view, slot);
    return b;
  };
  bar->addWidget(makeButton(QStringLiteral("+"), QStringLiteral("Zoom in (+, mouse wheel)"), &CandleView::zoomIn));
  bar->addWidget(makeButton(QStringLiteral("−"), QStringLiteral("Zoom out (-, mouse wheel)"), &CandleView::zoomOut));
  bar->addWidget(makeButton(QStringLiteral("Fit"), QStringLiteral("Fit all bars (Home)"), &CandleView::fitAll));

  m_info = new QLabel(content);
  m_info->setObjectName(QStringLiteral("chartInfo"));
  m_info->setForegroundRole(QPalette::PlaceholderText);
  bar->addStretch(1);
  bar->addWidget(m_info);

  layout->addLayout(bar);
  layout->addWidget(m_view, 1);
  setWidget(content);
  updateInfo();
}

QToolButton* ChartDock::timeframeButton(Timeframe tf) const {
  return qobject_cast<QToolButton*>(m_timeframes->button(static_cast<int>(tf)));
}

QToolButton* ChartDock::rangeButton(CandleView::Range r) const {
  return qobject_cast<QToolButton*>(m_ranges->button(static_cast<int>(r)));
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
  const auto mk = m_markers.constFind(s);
  m_view->setMarkers(mk == m_markers.cend() ? std::vector<ChartMarker>{} : *mk);
  setWindowTitle(QStringLiteral("Chart — %1").arg(s));
  updateInfo();
  Q_EMIT symbolChanged(s);
}

void ChartDock::setTimeframe(Timeframe tf) {
  if (auto* b = timeframeButton(tf)) b->setChecked(true);
  m_view->setTimeframe(tf);
  updateInfo();
}

void ChartDock::setRange(CandleView::Range r) { m_view->setRange(r); }

void ChartDock::onSymbolEntered() { setSymbol(m_symbolEdit->text()); }

void ChartDock::onViewChanged() { updateInfo(); }

void ChartDock::onBarsAppended(const QVector<bus::BarClosed>& bars) {
  std::vector<domain::Bar> forView;
  for (const bus::BarClosed& b : bars) {
    const QString symbol = format::qstr(b.symbol);
    std::vector<domain::Bar>& series = m_history[symbol];
    upsertBar(series, b.bar);
    if (series.size() > kMaxBarsPerSymbol) {
      // Drop the oldest 10% at once (amortised O(1) per bar).
      series.erase(series.begin(), series.begin() + static_cast<std::ptrdiff_t>(kMaxBarsPerSymbol / 10));
    }
    if (symbol == m_symbol) forView.push_back(b.bar);
  }
  if (forView.empty()) return;
  if (m_view->bars().size() + forView.size() > kMaxBarsPerSymbol)
    m_view->setBars(m_history.value(m_symbol));
  else
    m_view->appendBars(forView);
  updateInfo();
}

void ChartDock::onQuotesUpdated(const QVector<domain::Quote>& quotes) {
  if (m_symbol.isEmpty() || m_view->bars().empty()) return;
  const domain::Bar& last = m_view->bars().back();
  const domain::Timestamp interval = std::max<domain::Timestamp>(m_view->series().baseInterval(), domain::kNanosPerMinute);
  for (const domain::Quote& q : quotes) {
    if (format::qstr(q.symbol) != m_symbol || !(q.last > 0.0)) continue;
    // Only a trade inside the newest bar's interval updates it; anything else waits for the next bar.
    if (q.ts >= last.ts && q.ts < last.ts + interval) m_view->updateLastPrice(q.last);
  }
}

void ChartDock::addMarkers(const QString& symbol, const std::vector<ChartMarker>& markers) {
  auto& list = m_markers[symbol];
  list.insert(list.end(), markers.begin(), markers.end());
  if (list.size() > kMaxMarkersPerSymbol)
    list.erase(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(list.size() - kMaxMarkersPerSymbol));
  if (symbol == m_symbol) m_view->addMarkers(markers);
}

void ChartDock::onFillsAppended(const QVector<domain::Fill>& fills) {
  QHash<QString, std::vector<ChartMarker>> bySymbol;
  for (const domain::Fill& f : fills) {
    ChartMarker m;
    m.ts = f.ts;
    m.price = f.price;
    m.kind = f.side == domain::Side::Buy ? ChartMarker::Kind::Buy : ChartMarker::Kind::Sell;
    m.text = QStringLiteral("%1 %2 @ %3").arg(format::sideText(f.side), format::quantity(f.quantity), format::price(f.price));
    bySymbol[format::qstr(f.symbol)].push_back(m);
  }
  for (auto it = bySymbol.cbegin(); it != bySymbol.cend(); ++it) addMarkers(it.key(), it.value());
}

void ChartDock::addSignalMarkers(const QString& symbol, const std::vector<ChartMarker>& markers) {
  addMarkers(symbol.trimmed().toUpper(), markers);
}

QVariantMap ChartDock::chartSettings() const {
  QVariantMap s;
  s[QStringLiteral("timeframe")] = QString::fromLatin1(timeframeLabel(m_view->timeframe()));
  QStringList overlays, panes;
  for (QAction* a : m_overlayActions)
    if (a->isChecked()) overlays << QString::number(a->data().toInt());
  for (QAction* a : m_paneActions)
    if (a->isChecked()) panes << QString::number(a->data().toInt());
  s[QStringLiteral("overlays")] = overlays;
  s[QStringLiteral("panes")] = panes;
  return s;
}

void ChartDock::applyChartSettings(const QVariantMap& settings) {
  if (settings.isEmpty()) return;
  const QString tf = settings.value(QStringLiteral("timeframe")).toString();
  for (Timeframe t : kTimeframes)
    if (tf == QLatin1String(timeframeLabel(t))) setTimeframe(t);
  if (settings.contains(QStringLiteral("overlays"))) {
    const QStringList on = settings.value(QStringLiteral("overlays")).toStringList();
    for (QAction* a : m_overlayActions) a->setChecked(on.contains(QString::number(a->data().toInt())));
  }
  if (settings.contains(QStringLiteral("panes"))) {
    const QStringList on = settings.value(QStringLiteral("panes")).toStringList();
    for (QAction* a : m_paneActions) a->setChecked(on.contains(QString::number(a->data().toInt())));
  }
}

void ChartDock::updateInfo() {
  const std::size_t n = m_view->series().size();
  if (n == 0) {
    m_info->setText(QString());
    return;
  }
  const std::size_t a = m_view->visibleBegin(), b = m_view->visibleEnd();
  QString text = QStringLiteral("%1/%2 bars").arg(format::quantity(static_cast<double>(b > a ? b - a : 0)),
                                                  format::quantity(static_cast<double>(n)));
  if (!m_view->followingLatest()) text += QStringLiteral(" · End = live");
  m_info->setToolTip(m_view->series().effectiveTimeframe() != m_view->timeframe()
                         ? QStringLiteral("The data is %1: %2 bars cannot be made from it")
                               .arg(QLatin1String(timeframeLabel(m_view->series().effectiveTimeframe())),
                                    QLatin1String(timeframeLabel(m_view->timeframe())))
                         : QString());
  m_info->setText(text);
}

}  // namespace meridian::ui
