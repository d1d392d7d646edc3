#include "ui/docks/PairLabDock.h"

#include <QAction>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QSpinBox>
#include <QDateTimeAxis>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLegendMarker>
#include <QLineEdit>
#include <QLineSeries>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QScatterSeries>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include <fmt/format.h>

#include "core/contract/History.h"
#include "ui/bridge/UiBridge.h"
#include "ui/docks/TableViews.h"
#include "ui/models/Formatting.h"

namespace meridian::ui {

// ---- model ----------------------------------------------------------------------------------------------------

int PairLabModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }
int PairLabModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

const contract::PairLabRow* PairLabModel::rowAt(int row) const {
  return row >= 0 && row < int(m_rows.size()) ? &m_rows[std::size_t(row)] : nullptr;
}

void PairLabModel::setPairs(std::vector<contract::PairLabRow> rows, double maxPValue) {
  beginResetModel();
  m_rows = std::move(rows);
  m_maxPValue = maxPValue;
  endResetModel();
}

QString PairLabModel::flagText(const contract::PairLabRow& r, double maxPValue) {
  if (!r.problem.empty()) return format::qstr(r.problem);
  if (!r.stale) return {};
  QString text = QStringLiteral("stale: p %1 > %2").arg(r.pValue, 0, 'f', 3).arg(maxPValue);
  if (std::isfinite(r.discoveredPValue)) text += QStringLiteral(" (was %1)").arg(r.discoveredPValue, 0, 'f', 3);
  return text;
}

QVariant PairLabModel::data(const QModelIndex& index, int role) const {
  const contract::PairLabRow* r = index.isValid() ? rowAt(index.row()) : nullptr;
  if (!r) return {};
  const auto num = [](double v, int decimals) {
    return std::isfinite(v) ? QString::number(v, 'f', decimals) : QStringLiteral("—");
  };
  const bool measured = r->problem.empty();
  if (role == Qt::DisplayRole) {
    switch (index.column()) {
      case Pair: return QStringLiteral("%1/%2").arg(format::qstr(r->first), format::qstr(r->second));
      case Hedge: return measured ? num(r->hedgeRatio, 4) : QString();
      case Adf: return measured ? num(r->adfStatistic, 3) : QString();
      case PValue: return measured ? num(r->pValue, 4) : QString();
      case HalfLife: return measured ? (std::isfinite(r->halfLife) ? num(r->halfLife, 1) : QStringLiteral("∞")) : QString();
      case Correlation: return measured ? num(r->correlation, 3) : QString();
      case Score: return measured ? num(r->score, 3) : QString();
      case LastZ: return measured ? num(r->lastZ, 2) : QString();
      case Flag: return flagText(*r, m_maxPValue);
      default: return {};
    }
  }
  if (role == Qt::ForegroundRole && (r->stale || !measured) && (index.column() == Flag || index.column() == PValue))
    return format::downColor();
  if (role == Qt::TextAlignmentRole && index.column() != Pair && index.column() != Flag)
    return int(Qt::AlignRight | Qt::AlignVCenter);
  if (role == Qt::ToolTipRole && index.column() == Pair && !r->source.empty())
    return QStringLiteral("%1 common bars of %2").arg(r->observations).arg(format::qstr(r->source));
  return {};
}

QVariant PairLabModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  static const char* const names[] = {"Pair", "Hedge", "ADF", "p-value", "Half-life", "Corr", "Score", "Last z", "Flag"};
  return section >= 0 && section < ColumnCount ? QString::fromLatin1(names[section]) : QVariant();
}

// ---- dock -----------------------------------------------------------------------------------------------------

PairLabDock::PairLabDock(UiBridge* bridge, QWidget* parent) : QDockWidget(QStringLiteral("Pair Lab"), parent), m_bridge(bridge) {
  setObjectName(QStringLiteral("PairLabDock"));
  m_model = new PairLabModel(this);
  auto* content = new QWidget(this);
  auto* layout = new QVBoxLayout(content);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->setSpacing(4);

  auto* bar = new QHBoxLayout;
  m_symbols = new QLineEdit(content);
  m_symbols->setObjectName(QStringLiteral("pairLabSymbols"));
  m_symbols->setMinimumWidth(180);
  m_symbols->setPlaceholderText(QStringLiteral("Symbols to scan, e.g. KO,PEP,XOM,CVX"));
  connect(m_symbols, &QLineEdit::returnPressed, this, &PairLabDock::scan);
  m_timeframe = new QComboBox(content);
  m_timeframe->setObjectName(QStringLiteral("pairLabTimeframe"));
  for (auto it = std::rbegin(domain::kAllTimeframes); it != std::rend(domain::kAllTimeframes); ++it)
    m_timeframe->addItem(format::qstr(domain::toString(*it)), int(*it));  // 1d, 1h, 15m, 5m, 1m
  m_universe = new QPushButton(QStringLiteral("Stored"), content);
  m_universe->setObjectName(QStringLiteral("pairLabUniverse"));
  m_universe->setToolTip(QStringLiteral("Scan universe: every symbol with a stored series of the chosen timeframe"));
  connect(m_universe, &QPushButton::clicked, this, &PairLabDock::loadStoredUniverse);
  m_lookback = new QSpinBox(content);
  m_lookback->setObjectName(QStringLiteral("pairLabLookback"));
  m_lookback->setRange(30, 100'000);
  m_lookback->setValue(504);
  m_lookback->setSuffix(QStringLiteral(" bars"));
  m_lookback->setToolTip(QStringLiteral("Lookback: the newest common bars each pair is measured, charted and backtested on"));
  m_maxP = new QDoubleSpinBox(content);
  m_maxP->setObjectName(QStringLiteral("pairLabMaxPValue"));
  m_maxP->setDecimals(3);
  m_maxP->setRange(0.001, 0.5);
  m_maxP->setSingleStep(0.01);
  m_maxP->setValue(0.05);
  m_maxP->setPrefix(QStringLiteral("p ≤ "));
  m_maxP->setToolTip(QStringLiteral("p-value threshold: pairs above it are flagged stale; a promoted pair trades only "
                                    "while its own fit is below it (max_pvalue)"));
  auto* scanButton = new QPushButton(QStringLiteral("Scan"), content);
  scanButton->setObjectName(QStringLiteral("pairLabScan"));
  connect(scanButton, &QPushButton::clicked, this, &PairLabDock::scan);
  auto* discovered = new QPushButton(QStringLiteral("Load Discovered"), content);
  discovered->setObjectName(QStringLiteral("pairLabLoadDiscovered"));
  discovered->setToolTip(QStringLiteral("The latest pair_discovery run, re-measured on the newest bars"));
  connect(discovered, &QPushButton::clicked, this, &PairLabDock::loadDiscovered);
  m_backtest = new QPushButton(QStringLiteral("Backtest Pair"), content);
  m_backtest->setObjectName(QStringLiteral("pairLabBacktest"));
  m_backtest->setToolTip(QStringLiteral("Run the pairs strategy on the selected pair's stored series (Ctrl+Enter in the table)"));
  m_backtest->setEnabled(false);
  connect(m_backtest, &QPushButton::clicked, this, &PairLabDock::backtestSelected);
  bar->addWidget(m_symbols, 1);
  bar->addWidget(m_universe);
  bar->addWidget(m_timeframe);
  bar->addWidget(m_lookback);
  bar->addWidget(m_maxP);
  bar->addWidget(scanButton);
  bar->addWidget(discovered);
  bar->addWidget(m_backtest);
  m_promote = new QPushButton(QStringLiteral("Promote to Live…"), content);
  m_promote->setObjectName(QStringLiteral("pairLabPromote"));
  m_promote->setToolTip(QStringLiteral("Start the pairs strategy live on the selected pair (asks first, naming PAPER or "
                                       "LIVE; Ctrl+Shift+P in the panel)"));
  m_promote->setEnabled(false);
  connect(m_promote, &QPushButton::clicked, this, &PairLabDock::promoteSelected);
  bar->addWidget(m_promote);

  m_status = new QLabel(QStringLiteral("Scan symbols or load the discovered pairs."), content);
  m_status->setObjectName(QStringLiteral("pairLabStatus"));
  m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);

  m_view = new QTableView(content);
  m_view->setObjectName(QStringLiteral("pairLabView"));
  m_view->setModel(m_model);
  configureTableView(m_view, /*sortable=*/false);
  m_view->setSelectionMode(QAbstractItemView::SingleSelection);
  m_view->setColumnWidth(PairLabModel::Pair, 110);
  m_view->setColumnWidth(PairLabModel::Flag, 220);
  connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &PairLabDock::onSelectionChanged);
  auto* backtestAction = new QAction(QStringLiteral("Backtest Pair"), this);
  backtestAction->setObjectName(QStringLiteral("actionPairLabBacktest"));
  backtestAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));  // Ctrl+B is Backtest > Run Backtest…
  backtestAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
  connect(backtestAction, &QAction::triggered, this, &PairLabDock::backtestSelected);
  addAction(backtestAction);
  auto* promoteAction = new QAction(QStringLiteral("Promote to Live…"), this);
  promoteAction->setObjectName(QStringLiteral("actionPairLabPromote"));
  promoteAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
  promoteAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
  connect(promoteAction, &QAction::triggered, this, &PairLabDock::promoteSelected);
  addAction(promoteAction);
  if (m_bridge) {
    m_bridge->on<contract::StrategiesSnapshot>(this, [this](const Batch<contract::StrategiesSnapshot>& b) {
      onStrategies(b.back());
    });
    m_bridge->on<contract::CommandRejected>(this, [this](const Batch<contract::CommandRejected>& b) {
      for (const auto& r : b)
        if (!m_promoteCorrelation.isEmpty() && format::qstr(r->correlationId) == m_promoteCorrelation) {
          m_status->setText(QStringLiteral("Not promoted: %1").arg(format::qstr(r->reason)));
          m_promoteCorrelation.clear();
        }
    });
  }

  m_chart = new QChart;
  m_chart->setObjectName(QStringLiteral("pairLabChart"));
  m_chart->legend()->setAlignment(Qt::AlignBottom);
  m_chart->setTitle(QStringLiteral("Select a pair"));
  m_chartView = new QChartView(m_chart, content);
  m_chartView->setObjectName(QStringLiteral("pairLabChartView"));
  m_chartView->setRenderHint(QPainter::Antialiasing);
  m_chartView->setMinimumHeight(240);

  auto* split = new QSplitter(Qt::Vertical, content);
  split->addWidget(m_view);
  split->addWidget(m_chartView);
  split->setStretchFactor(0, 1);
  split->setStretchFactor(1, 2);
  layout->addLayout(bar);
  layout->addWidget(m_status);
  layout->addWidget(split, 1);
  setWidget(content);
  setFocusProxy(m_symbols);
}

domain::Timeframe PairLabDock::timeframe() const { return domain::Timeframe(m_timeframe->currentData().toInt()); }

void PairLabDock::scan() {
  contract::RequestPairs r;
  r.scan = true;
  for (const QString& s : m_symbols->text().split(QRegularExpression(QStringLiteral("[,;\\s]+")), Qt::SkipEmptyParts))
    r.symbols.push_back(s.trimmed().toUpper().toStdString());
  r.timeframe = timeframe();
  r.lookbackBars = std::size_t(m_lookback->value());
  r.maxPValue = m_maxP->value();
  if (r.symbols.size() < 2) {
    m_status->setText(QStringLiteral("Type at least two symbols to scan."));
    return;
  }
  request(std::move(r), QStringLiteral("Scanning %1 symbols…").arg(m_symbols->text().trimmed()));
}

void PairLabDock::loadDiscovered() {
  contract::RequestPairs r;
  r.timeframe = domain::Timeframe::Day1;  // pair_discovery works on daily bars: so do the chart and the backtest
  r.lookbackBars = std::size_t(m_lookback->value());
  r.maxPValue = m_maxP->value();
  m_timeframe->setCurrentIndex(m_timeframe->findData(int(domain::Timeframe::Day1)));
  request(std::move(r), QStringLiteral("Loading the latest pair_discovery run…"));
}

void PairLabDock::loadStoredUniverse() {
  if (!m_bridge) return;
  const domain::Timeframe tf = timeframe();
  m_status->setText(QStringLiteral("Listing the stored %1 series…").arg(format::qstr(domain::toString(tf))));
  m_bridge->request(contract::RequestStoredSeries{}, this, [this, tf](std::shared_ptr<const contract::StoredSeriesListed> l) {
    if (!l) return;
    if (!l->ok()) {
      m_status->setText(QStringLiteral("Error: %1").arg(format::qstr(l->error)));
      return;
    }
    QStringList symbols;
    for (const auto& s : l->series)
      if (s.timeframe == tf && !symbols.contains(format::qstr(s.symbol))) symbols << format::qstr(s.symbol);
    symbols.sort();
    m_symbols->setText(symbols.join(QLatin1Char(' ')));
    m_status->setText(symbols.size() < 2
                          ? QStringLiteral("%1 stored %2 symbol(s): a scan needs at least two.").arg(symbols.size()).arg(format::qstr(domain::toString(tf)))
                          : QStringLiteral("%1 stored %2 symbols (%3 pairs): Enter or Scan to test them.")
                                .arg(symbols.size())
                                .arg(format::qstr(domain::toString(tf)))
                                .arg(symbols.size() * (symbols.size() - 1) / 2));
  });
}

void PairLabDock::request(contract::RequestPairs r, const QString& what) {
  if (!m_bridge) return;
  m_status->setText(what);
  m_bridge->request(std::move(r), this, [this](std::shared_ptr<const contract::PairsListed> listed) {
    if (!listed) return;
    if (!listed->ok()) {
      m_status->setText(QStringLiteral("Error: %1").arg(format::qstr(listed->error)));
      return;
    }
    m_model->setPairs(listed->pairs, listed->maxPValue);
    int stale = 0;
    for (const auto& p : listed->pairs) stale += p.stale ? 1 : 0;
    m_status->setText(QStringLiteral("%1 pair(s), %2 flagged (p-value above %3 or not measurable)")
                          .arg(listed->pairs.size()).arg(stale).arg(listed->maxPValue));
    if (m_model->rowCount() > 0) {
      m_view->selectRow(0);
      m_view->setCurrentIndex(m_model->index(0, 0));
    }
  });
}

void PairLabDock::onSelectionChanged() {
  const contract::PairLabRow* r = m_model->rowAt(m_view->currentIndex().row());
  m_backtest->setEnabled(r && r->problem.empty());
  m_promote->setEnabled(r && r->problem.empty());
  if (!r || !r->problem.empty() || !m_bridge) return;
  contract::RequestPairSeries req;
  req.first = r->first;
  req.second = r->second;
  req.timeframe = timeframe();
  req.lookbackBars = std::size_t(m_lookback->value());
  req.maxPValue = m_maxP->value();
  m_lastSource = format::qstr(r->source);
  m_bridge->request(std::move(req), this, [this](std::shared_ptr<const contract::PairSeriesLoaded> s) { showSeries(s); });
}

void PairLabDock::showSeries(const std::shared_ptr<const contract::PairSeriesLoaded>& s) {
  if (!s) return;
  if (!s->ok()) {
    m_status->setText(QStringLiteral("Error: %1").arg(format::qstr(s->error)));
    return;
  }
  m_charted = s;
  m_chart->removeAllSeries();
  for (QAbstractAxis* a : m_chart->axes()) m_chart->removeAxis(a);
  auto* z = new QLineSeries;
  z->setName(QStringLiteral("z-score"));
  double lo = -s->stopZ, hi = s->stopZ;
  for (std::size_t i = 0; i < s->ts.size(); ++i)
    if (std::isfinite(s->z[i])) {
      z->append(double(s->ts[i] / domain::kNanosPerMilli), s->z[i]);
      lo = std::min(lo, s->z[i]);
      hi = std::max(hi, s->z[i]);
    }
  m_chart->addSeries(z);
  const double x0 = s->ts.empty() ? 0.0 : double(s->ts.front() / domain::kNanosPerMilli);
  const double x1 = s->ts.empty() ? 1.0 : double(s->ts.back() / domain::kNanosPerMilli);
  const auto band = [&](double level, const QString& name, const QColor& colour) {
    for (double sign : {1.0, -1.0}) {
      auto* line = new QLineSeries;
      line->setName(sign > 0 ? name : QString());
      line->append(x0, sign * level);
      line->append(x1, sign * level);
      QPen pen(colour);
      pen.setStyle(Qt::DashLine);
      line->setPen(pen);
      m_chart->addSeries(line);
    }
  };
  band(s->entryZ, QStringLiteral("entry ±%1").arg(s->entryZ), format::warnColor());
  band(s->exitZ, QStringLiteral("exit ±%1").arg(s->exitZ), format::upColor());
  band(s->stopZ, QStringLiteral("stop ±%1").arg(s->stopZ), format::downColor());
  // The pairs strategy's fills on these bars (a backtest with these bands), on the z line: entries and exits.
  const auto zAt = [&](domain::Timestamp ts) {
    const auto it = std::lower_bound(s->ts.begin(), s->ts.end(), ts);
    if (it == s->ts.end() || *it != ts) return std::numeric_limits<double>::quiet_NaN();
    return s->z[std::size_t(it - s->ts.begin())];
  };
  auto* entries = new QScatterSeries;
  auto* exits = new QScatterSeries;
  for (const auto& [series, colour, shape] : {std::tuple{entries, format::upColor(), QScatterSeries::MarkerShapeTriangle},
                                        std::tuple{exits, format::downColor(), QScatterSeries::MarkerShapeRectangle}}) {
    series->setColor(colour);
    series->setBorderColor(colour);
    series->setMarkerShape(shape);
    series->setMarkerSize(9);
  }
  for (const auto& t : s->trades) {
    if (t.symbol != s->stats.first) continue;  // one marker per pair trade: the first leg's fill
    const double zt = zAt(t.ts);
    (t.entry ? entries : exits)->append(double(t.ts / domain::kNanosPerMilli), std::isfinite(zt) ? zt : 0.0);
  }
  entries->setName(QStringLiteral("entries (%1)").arg(entries->count()));
  exits->setName(QStringLiteral("exits (%1)").arg(exits->count()));
  m_chart->addSeries(entries);
  m_chart->addSeries(exits);
  // Only the named line of each band goes in the legend.
  for (QAbstractSeries* series : m_chart->series())
    if (series->name().isEmpty())
      for (QLegendMarker* m : m_chart->legend()->markers(series)) m->setVisible(false);
  // The spread itself on its own (right) axis.
  auto* spread = new QLineSeries;
  spread->setName(QStringLiteral("spread"));
  double slo = 0.0, shi = 0.0;
  for (std::size_t i = 0; i < s->ts.size() && i < s->spread.size(); ++i) {
    spread->append(double(s->ts[i] / domain::kNanosPerMilli), s->spread[i]);
    slo = i ? std::min(slo, s->spread[i]) : s->spread[i];
    shi = i ? std::max(shi, s->spread[i]) : s->spread[i];
  }
  QPen spreadPen(QColor(150, 150, 150));
  spreadPen.setWidthF(1.0);
  spread->setPen(spreadPen);
  m_chart->addSeries(spread);
  auto* x = new QDateTimeAxis;
  x->setFormat(s->ts.size() > 1 && s->ts.back() - s->ts.front() > 300LL * domain::kNanosPerDay ? QStringLiteral("yyyy-MM")
                                                                                                : QStringLiteral("MM-dd"));
  auto* y = new QValueAxis;
  y->setRange(std::floor(lo - 0.5), std::ceil(hi + 0.5));
  y->setTitleText(QStringLiteral("z"));
  auto* ySpread = new QValueAxis;
  const double pad = std::max(1e-6, (shi - slo) * 0.05);
  ySpread->setRange(slo - pad, shi + pad);
  ySpread->setTitleText(QStringLiteral("spread"));
  m_chart->addAxis(x, Qt::AlignBottom);
  m_chart->addAxis(y, Qt::AlignLeft);
  m_chart->addAxis(ySpread, Qt::AlignRight);
  for (QAbstractSeries* series : m_chart->series()) {
    series->attachAxis(x);
    series->attachAxis(series == spread ? ySpread : y);
  }
  QString title = QStringLiteral("%1/%2: spread = log %1 − %3·log %2 − %4, z over %5 bars; pairs strategy: %6 fills")
                      .arg(format::qstr(s->stats.first), format::qstr(s->stats.second))
                      .arg(s->stats.hedgeRatio, 0, 'f', 3)
                      .arg(s->stats.intercept, 0, 'f', 3)
                      .arg(s->zWindow)
                      .arg(s->trades.size());
  if (!s->tradesError.empty()) title += QStringLiteral(" (backtest: %1)").arg(format::qstr(s->tradesError));
  if (s->stats.stale)
    title += QStringLiteral("<br><span style='color:%1'>STALE: p-value %2 above the threshold</span>")
                 .arg(format::downColor().name())
                 .arg(s->stats.pValue, 0, 'f', 3);
  m_chart->setTitle(title);
}

void PairLabDock::backtestSelected() {
  const contract::PairLabRow* r = m_model->rowAt(m_view->currentIndex().row());
  if (!r || !r->problem.empty() || !m_runBacktest) return;
  contract::RunBacktest cmd;
  cmd.strategy = "pairs";
  const std::string source = r->source.find(',') == std::string::npos ? r->source : std::string();
  for (const auto& sym : {r->first, r->second}) {
    contract::SeriesRequest s;
    s.symbol = sym;
    s.source = source;
    s.timeframe = timeframe();
    cmd.data.stored.push_back(s);
  }
  m_runBacktest(std::move(cmd), QStringLiteral("BACKTEST pairs %1/%2").arg(format::qstr(r->first), format::qstr(r->second)));
  m_status->setText(QStringLiteral("Backtest of %1/%2 sent; the result opens in the Backtest Results panel.")
                        .arg(format::qstr(r->first), format::qstr(r->second)));
}

contract::StartStrategy PairLabDock::promotion() const {
  contract::StartStrategy cmd;
  const contract::PairLabRow* r = m_model->rowAt(m_view->currentIndex().row());
  if (!r || !r->problem.empty()) return cmd;
  cmd.strategy = "pairs";
  cmd.symbols = {r->first, r->second};
  cmd.mode = m_runnerMode.toStdString();
  cmd.timeframe = std::string(domain::toString(timeframe()));
  // The bands drawn for the pair are the ones it trades with.
  const bool charted = m_charted && m_charted->stats.first == r->first && m_charted->stats.second == r->second;
  cmd.params = {{"entry_z", charted ? m_charted->entryZ : 2.0},
                {"exit_z", charted ? m_charted->exitZ : 0.5},
                {"stop_z", charted ? m_charted->stopZ : 3.0},
                {"max_pvalue", m_maxP->value()}};
  cmd.origin = fmt::format("Pair Lab {}: hedge {:.4f}, p {:.4f}, half-life {:.1f} bars on {} common bars of {}",
                           cmd.timeframe, r->hedgeRatio, r->pValue, r->halfLife, r->observations, r->source);
  return cmd;
}

void PairLabDock::promoteSelected() {
  contract::StartStrategy cmd = promotion();
  if (cmd.strategy.empty() || !m_bridge) return;
  const contract::PairLabRow* r = m_model->rowAt(m_view->currentIndex().row());
  const QString pair = QStringLiteral("%1/%2").arg(format::qstr(r->first), format::qstr(r->second));
  const QString mode = m_runnerMode;
  const bool live = mode == QLatin1String("LIVE");
  QStringList params;
  for (const auto& p : cmd.params) params << QStringLiteral("%1 %2").arg(format::qstr(p.name)).arg(p.value);
  QString text = QStringLiteral("Start the pairs strategy on %1 (%2 bars) in the <b>%3</b> account?<br><br>")
                     .arg(pair, format::qstr(cmd.timeframe),
                          live ? QStringLiteral("<span style='color:%1'>LIVE — real money</span>").arg(format::downColor().name())
                               : mode);
  if (!m_runnerTimeframe.isEmpty() && m_runnerTimeframe != format::qstr(cmd.timeframe))
    text += QStringLiteral("<span style='color:%1'>The live strategies trade %2 bars (strategy.timeframe): the "
                           "strategy runner will refuse %3 bars.</span><br>")
                .arg(format::downColor().name(), m_runnerTimeframe, format::qstr(cmd.timeframe));
  if (mode == QLatin1String("SIGNALS"))
    text += QStringLiteral("strategy.trade is off: it computes signals, it sends no orders.<br>");
  text += QStringLiteral("Parameters: %1 (the others: the strategy's defaults).<br>"
                         "Hedge ratio now %2, p-value %3; the strategy re-estimates them on its formation window.<br>"
                         "It runs until removed, also after a restart; pause or flatten it in the Strategy Monitor.")
              .arg(params.join(QStringLiteral(", ")))
              .arg(r->hedgeRatio, 0, 'f', 4)
              .arg(r->pValue, 0, 'f', 4);
  if (r->stale)
    text += QStringLiteral("<br><br><span style='color:%1'>This pair is flagged: %2.</span>")
                .arg(format::downColor().name(), PairLabModel::flagText(*r, r->pValue));
  QMessageBox box(live ? QMessageBox::Warning : QMessageBox::Question,
                  QStringLiteral("Promote %1 to live trading (%2)?").arg(pair, mode), text, QMessageBox::Cancel, this);
  box.setObjectName(QStringLiteral("confirmPromotePair"));
  box.setTextFormat(Qt::RichText);
  QPushButton* yes = box.addButton(live ? QStringLiteral("Promote (LIVE — real money)") : QStringLiteral("Promote (%1)").arg(mode),
                                   QMessageBox::AcceptRole);
  yes->setObjectName(QStringLiteral("confirmPromoteYes"));
  box.setDefaultButton(QMessageBox::Cancel);
  box.exec();
  if (box.clickedButton() != yes) {
    m_status->setText(QStringLiteral("Promotion of %1 cancelled.").arg(pair));
    return;
  }
  cmd.liveConfirmed = live;
  m_promoteInstance = QStringLiteral("pairs:%1").arg(pair);
  m_promoteWasRunning = m_running.contains(m_promoteInstance);
  m_promoteCorrelation = m_bridge->send(std::move(cmd), QStringLiteral("PROMOTE pairs %1 (%2)").arg(pair, mode));
  m_status->setText(QStringLiteral("Promotion of %1 (%2) sent; it shows in the Strategy Monitor once started.").arg(pair, mode));
}

void PairLabDock::onStrategies(const std::shared_ptr<const contract::StrategiesSnapshot>& snapshot) {
  if (!snapshot) return;
  if (!snapshot->mode.empty()) m_runnerMode = format::qstr(snapshot->mode);
  if (!snapshot->timeframe.empty()) m_runnerTimeframe = format::qstr(snapshot->timeframe);
  m_running.clear();
  for (const auto& i : snapshot->instances) m_running << format::qstr(i.instance);
  if (m_promoteCorrelation.isEmpty() || m_promoteWasRunning) return;
  for (const auto& i : snapshot->instances)
    if (format::qstr(i.instance) == m_promoteInstance) {
      m_status->setText(QStringLiteral("%1 runs live (%2): see the Strategy Monitor (Alt+Shift+M).")
                            .arg(m_promoteInstance, format::qstr(i.mode)));
      m_promoteCorrelation.clear();
    }
}

}  // namespace meridian::ui
