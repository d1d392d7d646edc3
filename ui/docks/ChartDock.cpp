#include "ui/docks/ChartDock.h"

#include <QAction>
#include <QButtonGroup>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QRegularExpressionValidator>
#include <QToolButton>
#include <QVBoxLayout>

#include <QThreadPool>

#include <algorithm>
#include <atomic>
#include <limits>
#include <mutex>
#include <utility>

#include "core/common/Logging.h"
#include "core/common/ThreadPriority.h"
#include "core/marketdata/BarAggregator.h"
#include "core/marketdata/Timeframe.h"
#include "ui/bridge/UiBridge.h"
#include "ui/models/Formatting.h"
#include "ui/widgets/FlowLayout.h"

namespace meridian::ui {
namespace {

constexpr Timeframe kTimeframes[] = {Timeframe::M1, Timeframe::M5, Timeframe::M15, Timeframe::H1, Timeframe::D1,
                                     Timeframe::W1};
constexpr CandleView::Range kRanges[] = {CandleView::Range::D1, CandleView::Range::D5, CandleView::Range::M1,
                                         CandleView::Range::M3, CandleView::Range::M6, CandleView::Range::Y1,
                                         CandleView::Range::Y5, CandleView::Range::All};

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

// 5m and 15m charts ask for minutes and resample them (a chart switches between 1m, 5m and 15m without a new
// request); where no minutes are stored, the history service answers with the finest coarser series, e.g. stored
// 5m or 15m bars, which the chart shows as they are (or resamples 5m into 15m).
domain::Timeframe storageTimeframe(Timeframe tf) {
  switch (tf) {
    case Timeframe::M1:
    case Timeframe::M5:
    case Timeframe::M15: return domain::Timeframe::Minute1;
    case Timeframe::H1: return domain::Timeframe::Hour1;
    case Timeframe::D1:
    case Timeframe::W1: return domain::Timeframe::Day1;
  }
  return domain::Timeframe::Day1;
}

constexpr domain::Timestamp kChartMinTs = std::numeric_limits<domain::Timestamp>::min();

// Series builds run on their own single thread, below the GUI thread's priority: on a busy machine (2 cores, feed,
// storage) the build must yield to the event loop, not compete with it. One thread: builds are serial and a queued
// one that is already stale is skipped without work.
QThreadPool& buildPool() {
  static QThreadPool* pool = [] {
    auto* p = new QThreadPool;  // process lifetime: never joined at static destruction
    p->setMaxThreadCount(1);
    p->setExpiryTimeout(-1);
    p->setObjectName(QStringLiteral("ChartSeriesBuild"));
    return p;
  }();
  return *pool;
}

// Frees something big (a replaced million-bar series or history answer) on the build thread: unmapping ~100 MB
// costs tens of milliseconds the event loop should not spend.
template <class T>
void disposeOffGuiThread(T value) {
  auto holder = std::make_shared<T>(std::move(value));
  buildPool().start([holder]() mutable { holder.reset(); });
}

}  // namespace

// Lets a finished worker post its result only while the dock exists: the destructor flips `alive` under the same
// mutex the worker holds while posting, and Qt drops events already posted to a destroyed receiver.
struct ChartDock::BuildGuard {
  std::mutex mutex;
  bool alive = true;
  std::atomic<std::uint64_t> latest{0};  // newest generation requested: older queued builds are skipped
};

// Where history ends and live bars begin, and how live bars are brought to the history's resolution.
struct ChartDock::LiveFeed {
  bool history = false;
  domain::Timeframe resolution = domain::Timeframe::Minute1;
  domain::Timestamp seamEnd = kChartMinTs;  // live bars before this are covered by history
  domain::Timestamp lastFed = kChartMinTs;  // newest live bar already converted
  std::unique_ptr<marketdata::BarAggregator> aggregator;  // null: bars are taken as they are
  std::vector<marketdata::ClosedBar> closed;

  // Live (1-minute) bars -> bars for the series: closed buckets plus the forming one (same ts replaces in the view).
  std::vector<domain::Bar> convert(const std::vector<domain::Bar>& bars) {
    std::vector<domain::Bar> out;
    bool touched = false;
    for (const domain::Bar& b : bars) {
      if (b.ts < seamEnd) continue;
      if (!aggregator) {
        if (b.ts < lastFed) continue;  // equal ts: a revised bar, replaced in place
        out.push_back(b);
        lastFed = b.ts;
        continue;
      }
      if (b.ts <= lastFed) continue;  // the aggregator would count a revised minute twice
      closed.clear();
      aggregator->addMinuteBar(b, closed);
      for (const auto& c : closed)
        if (c.timeframe == resolution) out.push_back(c.bar);
      lastFed = b.ts;
      touched = true;
    }
    if (touched)
      if (auto cur = aggregator->current(resolution)) out.push_back(*cur);
    return out;
  }
};

ChartDock::ChartDock(QWidget* parent)
    : QDockWidget(QStringLiteral("Chart"), parent), m_guard(std::make_shared<BuildGuard>()),
      m_feed(std::make_unique<LiveFeed>()) {
  setObjectName(QStringLiteral("ChartDock"));
  m_historyTimeout.setSingleShot(true);
  m_historyTimeout.setInterval(kHistoryTimeoutMs);
  connect(&m_historyTimeout, &QTimer::timeout, this, [this] {
    if (m_pendingCorrelation.isEmpty()) return;
    common::logger("ui")->warn("chart: no history answer for {} within {} ms; showing live bars only",
                               m_symbol.toStdString(), kHistoryTimeoutMs);
    m_pendingCorrelation.clear();
    finishLoading();
  });

  auto* content = new QWidget(this);
  auto* layout = new QVBoxLayout(content);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->setSpacing(4);

  // The tool row wraps (FlowLayout) instead of setting a wide minimum width: on a 1366-pixel screen with every panel
  // open the chart gives way to the watchlist and the ticket, and its groups move to a second row.
  auto* toolRow = new QWidget(content);
  toolRow->setObjectName(QStringLiteral("chartToolRow"));
  auto* bar = new FlowLayout(toolRow, 10, 2);
  const auto group = [&] {
    auto* g = new QWidget(toolRow);
    auto* l = new QHBoxLayout(g);
    l->setContentsMargins(0, 0, 0, 0);
    l->setSpacing(2);
    bar->addWidget(g);
    return l;
  };
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

  QHBoxLayout* symbolGroup = group();
  symbolGroup->addWidget(symLabel);
  symbolGroup->addWidget(m_symbolEdit);

  // Timeframes: exclusive, keys 1-6 on the chart.
  QHBoxLayout* timeframeGroup = group();
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
    timeframeGroup->addWidget(b);
    auto* a = new QAction(label, m_view);
    a->setShortcut(QKeySequence(static_cast<Qt::Key>(Qt::Key_0 + key)));
    a->setShortcutContext(Qt::WidgetShortcut);
    connect(a, &QAction::triggered, this, [this, tf] { setTimeframe(tf); });
    m_view->addAction(a);
    ++key;
  }
  m_timeframes->button(static_cast<int>(Timeframe::M1))->setChecked(true);
  connect(m_timeframes, &QButtonGroup::idClicked, this, [this](int id) { setTimeframe(static_cast<Timeframe>(id)); });

  // Ranges: one-shot buttons, Ctrl+1..Ctrl+8 on the chart.
  m_ranges = new QButtonGroup(this);
  m_ranges->setExclusive(false);
  QHBoxLayout* rangeGroup = group();
  key = 1;
  for (CandleView::Range r : kRanges) {
    auto* b = new QToolButton(content);
    const QString label = QLatin1String(CandleView::rangeLabel(r));
    b->setText(label);
    b->setObjectName(QStringLiteral("range_%1").arg(label));
    b->setAutoRaise(true);
    b->setToolTip(QStringLiteral("Show the last %1 (Ctrl+%2 on the chart)").arg(label).arg(key));
    m_ranges->addButton(b, static_cast<int>(r));
    rangeGroup->addWidget(b);
    auto* a = new QAction(label, m_view);
    a->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_0 + key)));
    a->setShortcutContext(Qt::WidgetShortcut);
    connect(a, &QAction::triggered, this, [this, r] { setRange(r); });
    m_view->addAction(a);
    ++key;
  }
  connect(m_ranges, &QButtonGroup::idClicked, this, [this](int id) { setRange(static_cast<CandleView::Range>(id)); });

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
  QHBoxLayout* toolGroup = group();
  toolGroup->addWidget(m_indicatorsButton);

  auto makeButton = [&](const QString& text, const QString& tip, auto slot) {
    auto* b = new QToolButton(content);
    b->setText(text);
    b->setToolTip(tip);
    b->setAutoRaise(true);
    connect(b, &QToolButton::clicked, m_view, slot);
    return b;
  };
  toolGroup->addWidget(makeButton(QStringLiteral("+"), QStringLiteral("Zoom in (+, mouse wheel)"), &CandleView::zoomIn));
  toolGroup->addWidget(makeButton(QStringLiteral("−"), QStringLiteral("Zoom out (-, mouse wheel)"), &CandleView::zoomOut));
  toolGroup->addWidget(makeButton(QStringLiteral("Fit"), QStringLiteral("Fit all bars (Home)"), &CandleView::fitAll));

  m_info = new QLabel(content);
  m_info->setObjectName(QStringLiteral("chartInfo"));
  m_info->setForegroundRole(QPalette::PlaceholderText);
  // Its text changes with every timeframe switch and load ("… · Loading…"): it must never widen the dock (and
  // squeeze the watchlist next to it); a long text is cut, the tooltip has it all.
  m_info->setMinimumWidth(1);  // overrides the label's minimum size hint (its whole text); the sizeHint still asks for it
  bar->addWidget(m_info);

  layout->addWidget(toolRow);
  layout->addWidget(m_view, 1);
  setWidget(content);
  updateInfo();
}

ChartDock::~ChartDock() {
  std::lock_guard lock(m_guard->mutex);
  m_guard->alive = false;
}

void ChartDock::setBridge(UiBridge* bridge) {
  m_bridge = bridge;
  if (m_bridge && !m_symbol.isEmpty()) requestHistory(false);
}

void ChartDock::onHistoryStored(const QString& symbol) {
  if (symbol.compare(m_symbol, Qt::CaseInsensitive) == 0) requestHistory(false);
}

void ChartDock::requestHistory(bool allowCache) {
  if (!m_bridge || m_symbol.isEmpty()) return;
  m_guard->latest = ++m_generation;  // any build in flight is now stale
  m_pendingFeed.reset();
  m_loading = true;
  m_loadClock.start();
  m_view->setLoading(true, QStringLiteral("Loading %1 history…").arg(QLatin1String(timeframeLabel(m_timeframe))));
  const domain::Timeframe want = storageTimeframe(m_timeframe);
  if (allowCache && m_lastHistory && m_lastHistory->requested == want && format::qstr(m_lastHistory->symbol) == m_symbol) {
    // Same stored data (e.g. 1m <-> 5m, 1D <-> 1W): only the series is rebuilt, still off the GUI thread.
    m_pendingCorrelation.clear();
    m_historyTimeout.stop();
    startBuild(m_lastHistory);
    return;
  }
  contract::RequestHistory request;
  request.symbol = m_symbol.toStdString();
  request.timeframe = want;
  request.maxBars = kMaxBarsPerSymbol;
  request.requester = "chart";  // a newer request from this chart supersedes a queued older one
  m_pendingCorrelation = m_bridge->request(std::move(request), this, [this](std::shared_ptr<const contract::HistoryLoaded> r) {
    onHistoryLoaded(std::move(r));
  });
  m_historyTimeout.start();
}

void ChartDock::onHistoryLoaded(std::shared_ptr<const contract::HistoryLoaded> result) {
  if (!result) return;
  if (m_pendingCorrelation.isEmpty() || format::qstr(result->correlationId) != m_pendingCorrelation) {
    ++m_stale;  // the user switched again (or it timed out): a newer request is, or was, in flight
    return;
  }
  m_pendingCorrelation.clear();
  m_historyTimeout.stop();
  if (!result->ok()) {
    common::logger("ui")->warn("chart history for {}: {}", result->symbol, result->error);
    m_info->setToolTip(QStringLiteral("History not available: %1").arg(format::qstr(result->error)));
    finishLoading();
    return;
  }
  disposeOffGuiThread(std::exchange(m_lastHistory, result));
  startBuild(std::move(result));
}

void ChartDock::startBuild(std::shared_ptr<const contract::HistoryLoaded> history) {
  const std::uint64_t generation = m_generation;
  m_guard->latest = generation;
  auto feed = std::make_unique<LiveFeed>();
  const auto& hist = *history->bars;
  std::vector<domain::Bar> live;
  if (!hist.empty()) {
    feed->history = true;
    feed->resolution = history->timeframe;
    feed->seamEnd = hist.back().ts + marketdata::nominalLength(history->timeframe);
    if (history->timeframe != domain::Timeframe::Minute1) {
      marketdata::BarAggregator::Options o;
      o.minute5 = history->timeframe == domain::Timeframe::Minute5;
      o.minute15 = history->timeframe == domain::Timeframe::Minute15;
      o.hourly = history->timeframe == domain::Timeframe::Hour1;
      o.daily = history->timeframe == domain::Timeframe::Day1;
      feed->aggregator = std::make_unique<marketdata::BarAggregator>(o);
    }
  }
  // The live bars past the seam (a few hundred at most in practice: converting them here is cheap).
  if (const auto it = m_history.constFind(m_symbol); it != m_history.cend()) live = feed->convert(*it);
  m_pendingFeed = std::move(feed);

  ChartDock* self = this;
  auto guard = m_guard;
  const Timeframe tf = m_timeframe;
  buildPool().start([self, guard, generation, history = std::move(history), live = std::move(live), tf] {
    if (guard->latest.load() != generation) return;  // superseded while queued
    common::lowerCurrentThreadPriority();  // yields to the GUI, still progresses under load
    std::vector<domain::Bar> merged;
    merged.reserve(history->bars->size() + live.size());
    merged.assign(history->bars->begin(), history->bars->end());
    for (const domain::Bar& b : live) {
      if (!merged.empty() && b.ts == merged.back().ts)
        merged.back() = b;
      else
        merged.push_back(b);
    }
    auto series = std::make_shared<ChartSeries>();
    series->setTimeframe(tf);
    series->setBase(std::move(merged));
    std::lock_guard lock(guard->mutex);
    if (!guard->alive) return;
    ChartDock* dock = self;  // alive: the dock cannot be destroyed while we hold the mutex
    QMetaObject::invokeMethod(dock, [dock, generation, series] { dock->installSeries(generation, series); },
                              Qt::QueuedConnection);
  });
}

void ChartDock::installSeries(std::uint64_t generation, const std::shared_ptr<ChartSeries>& series) {
  if (generation != m_generation || !m_pendingFeed) {
    ++m_stale;
    return;
  }
  m_feed = std::move(m_pendingFeed);
  m_installedHistory = m_lastHistory;
  disposeOffGuiThread(m_view->takeSeries());
  m_view->setSeries(std::move(*series));
  // Live bars that arrived while the series was being built.
  if (const auto it = m_history.constFind(m_symbol); it != m_history.cend()) {
    const auto more = m_feed->convert(*it);
    if (!more.empty()) m_view->appendBars(more);
  }
  m_lastLoadMs = m_loadClock.elapsed();
  m_loading = false;
  m_view->setLoading(false);
  updateInfo();
  Q_EMIT historyInstalled(m_symbol, static_cast<int>(m_view->bars().size()));
}

// No history (no client, no answer, or an error): the live bars alone.
void ChartDock::showLiveOnly() {
  m_feed = std::make_unique<LiveFeed>();
  const auto it = m_history.constFind(m_symbol);
  disposeOffGuiThread(m_view->takeSeries());  // may be a million bars of the previous symbol
  if (m_view->timeframe() != m_timeframe) m_view->setTimeframe(m_timeframe);  // on an empty series: free
  m_view->setBars(it == m_history.cend() ? std::vector<domain::Bar>{} : *it);
  if (it != m_history.cend() && !it->empty()) m_feed->lastFed = it->back().ts;
}

void ChartDock::finishLoading() {
  m_guard->latest = ++m_generation;
  m_pendingFeed.reset();
  m_loading = false;
  m_view->setLoading(false);
  if (!m_feed->history || m_view->timeframe() != m_timeframe) showLiveOnly();
  updateInfo();
}

void ChartDock::feedView(const std::vector<domain::Bar>& bars) {
  if (bars.empty()) return;
  if (!m_feed->history) {
    if (m_view->bars().size() + bars.size() > kMaxBarsPerSymbol)
      m_view->setBars(m_history.value(m_symbol));
    else
      m_view->appendBars(bars);
    return;
  }
  const auto out = m_feed->convert(bars);
  if (!out.empty()) m_view->appendBars(out);
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
  // Live bars at once (cheap: a bounded buffer); the stored history replaces them when it has been built.
  disposeOffGuiThread(std::move(m_installedHistory));
  showLiveOnly();
  requestHistory(false);  // fresh from storage: it may have been imported into since
  m_view->setMarkers(markersFor(s));
  setWindowTitle(QStringLiteral("Chart — %1").arg(s));
  updateInfo();
  Q_EMIT symbolChanged(s);
}

void ChartDock::setTimeframe(Timeframe tf) {
  if (auto* b = timeframeButton(tf)) b->setChecked(true);
  if (tf == m_timeframe && (m_view->timeframe() == tf || m_loading)) {
    updateInfo();  // the button follows what the chart shows
    return;
  }
  m_timeframe = tf;
  if (m_bridge && !m_symbol.isEmpty()) {
    // Live bars only on screen (a small buffer): resample them now; history, when it comes, replaces them.
    if (!m_feed->history) m_view->setTimeframe(tf);
    requestHistory(true);  // history on screen stays (with a "Loading…" badge) until the new series is built
  } else {
    m_view->setTimeframe(tf);
  }
  updateInfo();
}

void ChartDock::setRange(CandleView::Range r) { m_view->setRange(r); }

void ChartDock::onSymbolEntered() { setSymbol(m_symbolEdit->text()); }

void ChartDock::onViewChanged() { updateInfo(); }

void ChartDock::onBarsAppended(const QVector<contract::BarClosed>& bars) {
  std::vector<domain::Bar> forView;
  for (const contract::BarClosed& b : bars) {
    const QString symbol = format::qstr(b.symbol);
    // A feed publishing 1m bars also publishes the 1h / 1d bars built from them (SimulatedMarket): keep the minutes
    // only, the chart resamples (or aggregates at the history seam) itself.
    const auto tf = marketdata::timeframeOfSource(b.source);
    if (tf == domain::Timeframe::Minute1 && b.source.ends_with("_1m")) {
      m_minuteFed.insert(symbol);
    } else if (m_minuteFed.contains(symbol)) {
      continue;
    }
    std::vector<domain::Bar>& series = m_history[symbol];
    upsertBar(series, b.bar);
    if (series.size() > kMaxBarsPerSymbol) {
      // Drop the oldest 10% at once (amortised O(1) per bar).
      series.erase(series.begin(), series.begin() + static_cast<std::ptrdiff_t>(kMaxBarsPerSymbol / 10));
    }
    if (symbol == m_symbol) forView.push_back(b.bar);
  }
  if (forView.empty()) return;
  feedView(forView);
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

void ChartDock::onSignals(const QVector<contract::SignalGenerated>& signalList) {
  QHash<QString, std::vector<ChartMarker>> bySymbol;
  for (const contract::SignalGenerated& g : signalList) {
    ChartMarker m;
    m.ts = g.ts;
    m.price = g.price;
    m.kind = g.targetQuantity == 0.0       ? ChartMarker::Kind::SignalExit
             : g.side == domain::Side::Buy ? ChartMarker::Kind::SignalLong
                                           : ChartMarker::Kind::SignalShort;
    const QString what = m.kind == ChartMarker::Kind::SignalExit ? QStringLiteral("EXIT → flat")
                         : QStringLiteral("%1 → target %2").arg(format::sideText(g.side), format::quantity(g.targetQuantity));
    m.text = QStringLiteral("Signal %1: %2 @ %3").arg(format::qstr(g.strategy), what, format::price(g.price));
    if (!g.reason.empty()) m.text += QStringLiteral(" — ") + format::qstr(g.reason);
    bySymbol[format::qstr(g.symbol).trimmed().toUpper()].push_back(m);
  }
  for (auto it = bySymbol.cbegin(); it != bySymbol.cend(); ++it) addMarkers(it.key(), it.value());
}

void ChartDock::addSignalMarkers(const QString& symbol, const std::vector<ChartMarker>& markers) {
  addMarkers(symbol.trimmed().toUpper(), markers);
}

std::vector<ChartMarker> ChartDock::markersFor(const QString& symbol) const {
  const auto mk = m_markers.constFind(symbol);
  std::vector<ChartMarker> out = mk == m_markers.cend() ? std::vector<ChartMarker>{} : *mk;
  if (symbol == m_backtestSymbol) out.insert(out.end(), m_backtestMarkers.begin(), m_backtestMarkers.end());
  return out;  // CandleView::setMarkers sorts them
}

void ChartDock::showBacktest(const QString& symbol, Timeframe tf, std::vector<ChartMarker> markers,
                             const QString& label) {
  const QString s = symbol.trimmed().toUpper();
  if (s.isEmpty()) return;
  m_backtestSymbol = s;
  m_backtestMarkers = std::move(markers);
  m_backtestLabel = label;
  if (s == m_symbol) m_view->setMarkers(markersFor(s));
  else setSymbol(s);
  setTimeframe(tf);
  m_view->setRange(CandleView::Range::All);
  updateInfo();
}

void ChartDock::clearBacktestMarkers() {
  const QString was = m_backtestSymbol;
  m_backtestSymbol.clear();
  m_backtestMarkers.clear();
  m_backtestLabel.clear();
  if (was == m_symbol) m_view->setMarkers(markersFor(m_symbol));
  updateInfo();
}

std::vector<ChartMarker> ChartDock::backtestMarkers(const QString& symbol) const {
  return symbol.trimmed().toUpper() == m_backtestSymbol ? m_backtestMarkers : std::vector<ChartMarker>{};
}

QVariantMap ChartDock::chartSettings() const {
  QVariantMap s;
  s[QStringLiteral("timeframe")] = QString::fromLatin1(timeframeLabel(m_timeframe));
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
  // The highlighted timeframe button is the timeframe on screen (the title's "ORCL · 1D"): daily-only data shown
  // for a 1m request highlights 1D, with the reason in the info tooltip.
  if (auto* b = timeframeButton(n == 0 ? m_timeframe : m_view->series().effectiveTimeframe()); b && !b->isChecked())
    b->setChecked(true);
  if (n == 0) {
    m_info->setText(m_loading ? QStringLiteral("Loading…") : QString());
    return;
  }
  const std::size_t a = m_view->visibleBegin(), b = m_view->visibleEnd();
  QString text = QStringLiteral("%1/%2 bars").arg(format::quantity(static_cast<double>(b > a ? b - a : 0)),
                                                  format::quantity(static_cast<double>(n)));
  if (!m_view->followingLatest()) text += QStringLiteral(" · End = live");
  if (m_feed && m_feed->history && m_installedHistory)
    text += QStringLiteral(" · %1%2").arg(format::qstr(m_installedHistory->source),
                                          m_installedHistory->aggregated ? QStringLiteral(" (aggregated)") : QString());
  if (m_loading) text += QStringLiteral(" · Loading…");
  if (!m_backtestLabel.isEmpty() && m_backtestSymbol == m_symbol)
    text += QStringLiteral(" · backtest: %1").arg(m_backtestLabel);
  m_info->setToolTip(m_view->series().effectiveTimeframe() != m_view->timeframe()
                         ? QStringLiteral("The data is %1: %2 bars cannot be made from it")
                               .arg(QLatin1String(timeframeLabel(m_view->series().effectiveTimeframe())),
                                    QLatin1String(timeframeLabel(m_view->timeframe())))
                         : QString());
  m_info->setText(text);
}

}  // namespace meridian::ui
