#include "ui/docks/BacktestResultsDock.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/time/TimeZones.h"
#include "ui/docks/TableViews.h"
#include "ui/models/BacktestMetricsModel.h"
#include "ui/models/BacktestTradesModel.h"
#include "ui/models/Formatting.h"
#include "ui/models/OptimizationRunsModel.h"
#include "ui/models/WalkForwardModel.h"
#include "ui/widgets/EquityChartView.h"
#include "ui/widgets/MonthlyReturnsHeatmap.h"
#include "ui/widgets/ParamHeatmap.h"

namespace meridian::ui {
namespace {

QString date(domain::Timestamp ts) { return time::TimeZones::exchangeDateText(ts); }

QString symbolsText(const std::vector<std::string>& symbols) {
  QStringList out;
  for (const auto& s : symbols) out << format::qstr(s);
  return out.join(QStringLiteral(", "));
}

QString coloredPercent(double fraction) {
  if (!std::isfinite(fraction)) return QStringLiteral("n/a");
  const QColor c = fraction > 0 ? format::upColor() : (fraction < 0 ? format::downColor() : format::mutedColor());
  return QStringLiteral("<span style=\"color:%1\">%2</span>").arg(c.name(), format::percent(fraction * 100.0));
}

QString efficiencyText(double wfe) {
  if (!std::isfinite(wfe)) return QStringLiteral("n/a");
  const QColor c = wfe >= 0.5 ? format::upColor() : format::downColor();
  return QStringLiteral("<span style=\"color:%1\">%2</span>").arg(c.name(), QLocale().toString(wfe, 'f', 2));
}

QSortFilterProxyModel* sortProxy(QAbstractItemModel* source, int sortRole, QObject* parent) {
  auto* proxy = new QSortFilterProxyModel(parent);
  proxy->setSourceModel(source);
  proxy->setSortRole(sortRole);
  proxy->setDynamicSortFilter(false);
  return proxy;
}

QLabel* infoLabel(QWidget* parent, const char* name) {
  auto* l = new QLabel(parent);
  l->setObjectName(QString::fromLatin1(name));
  l->setTextFormat(Qt::RichText);
  l->setWordWrap(true);
  return l;
}

}  // namespace

BacktestResultsDock::BacktestResultsDock(QWidget* parent) : QDockWidget(QStringLiteral("Backtest Results"), parent) {
  setObjectName(QStringLiteral("BacktestResultsDock"));
  setAllowedAreas(Qt::AllDockWidgetAreas);

  auto* content = new QWidget(this);
  auto* layout = new QVBoxLayout(content);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->setSpacing(4);

  m_stack = new QStackedWidget(content);
  m_empty = new QLabel(QStringLiteral("No backtest results yet.\n\nBacktest ▸ Run Backtest… (Ctrl+B), Optimize… "
                                      "(Ctrl+Shift+B) or Walk-forward…"),
                       m_stack);
  m_empty->setObjectName(QStringLiteral("emptyLabel"));
  m_empty->setAlignment(Qt::AlignCenter);
  m_empty->setEnabled(false);

  auto* page = new QWidget(m_stack);
  auto* pageLayout = new QVBoxLayout(page);
  pageLayout->setContentsMargins(0, 0, 0, 0);
  pageLayout->setSpacing(4);
  m_summary = infoLabel(page, "summaryLabel");
  m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_summary->setContentsMargins(2, 0, 2, 0);
  m_tabs = new QTabWidget(page);
  m_tabs->setObjectName(QStringLiteral("resultTabs"));
  m_tabs->setDocumentMode(true);
  m_tabs->addTab(buildSummaryTab(), QStringLiteral("Summary"));
  m_tabs->addTab(buildTradesTab(), QStringLiteral("Trades"));
  auto* heatScroll = new QScrollArea(m_tabs);
  heatScroll->setObjectName(QStringLiteral("monthlyScroll"));
  heatScroll->setWidgetResizable(true);
  heatScroll->setFrameShape(QFrame::NoFrame);
  m_heatmap = new MonthlyReturnsHeatmap(heatScroll);
  m_heatmap->setObjectName(QStringLiteral("monthlyHeatmap"));
  heatScroll->setWidget(m_heatmap);
  m_tabs->addTab(heatScroll, QStringLiteral("Monthly Returns"));
  m_tabs->addTab(buildOptimizationTab(), QStringLiteral("Optimization"));
  m_tabs->addTab(buildWalkForwardTab(), QStringLiteral("Walk-forward"));
  m_showOnChart = new QPushButton(QStringLiteral("Show on &Chart"), page);
  m_showOnChart->setObjectName(QStringLiteral("showOnChartButton"));
  m_showOnChart->setToolTip(QStringLiteral("Draw this backtest's trades (entries, exits, fills) on the chart (Ctrl+Shift+G)"));
  m_showOnChart->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_G));
  connect(m_showOnChart, &QPushButton::clicked, this, [this] {
    // Several symbols (pairs): the button's menu chooses; one: straight to the chart.
    if (m_result && m_result->symbols.size() == 1) Q_EMIT showOnChartRequested(format::qstr(m_result->symbols.front()));
  });
  auto* header = new QHBoxLayout;
  header->addWidget(m_summary, 1);
  header->addWidget(m_showOnChart, 0, Qt::AlignTop);
  pageLayout->addLayout(header);
  pageLayout->addWidget(m_tabs, 1);

  m_stack->addWidget(m_empty);
  m_stack->addWidget(page);
  layout->addWidget(m_stack);
  setWidget(content);
  connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
    const int tab = m_tabs->currentIndex();
    const auto& f = tab == OptimizationTab ? m_optimization : tab == WalkForwardTab ? m_walkForward : m_backtest;
    if (f) updateHeader(*f);
  });
  updateTabStates();
}

QWidget* BacktestResultsDock::buildSummaryTab() {
  auto* split = new QSplitter(Qt::Horizontal, m_tabs);
  split->setObjectName(QStringLiteral("summarySplitter"));
  m_metrics = new BacktestMetricsModel(this);
  auto* metricsView = new QTableView(split);
  metricsView->setObjectName(QStringLiteral("metricsView"));
  metricsView->setModel(m_metrics);
  configureTableView(metricsView, false);
  metricsView->setAlternatingRowColors(true);
  {
    const QFontMetrics fm = metricsView->fontMetrics();
    const int nameW = fm.horizontalAdvance(QStringLiteral("Longest drawdown (bars)")) + 16;
    const int valueW = fm.horizontalAdvance(QStringLiteral("-10,000,000.00")) + 16;
    metricsView->setColumnWidth(BacktestMetricsModel::Name, nameW);
    metricsView->horizontalHeader()->setSectionResizeMode(BacktestMetricsModel::Name, QHeaderView::Fixed);
    metricsView->setMinimumWidth(nameW + valueW + metricsView->verticalScrollBar()->sizeHint().width() + 4);
    metricsView->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  }

  auto* charts = new QSplitter(Qt::Vertical, split);
  m_equityChart = new EquityChartView(EquityChartView::Style::Equity, charts);
  m_equityChart->setObjectName(QStringLiteral("equityChart"));
  m_equityChart->setTitle(QStringLiteral("Equity"));
  m_drawdownChart = new EquityChartView(EquityChartView::Style::Drawdown, charts);
  m_drawdownChart->setObjectName(QStringLiteral("drawdownChart"));
  m_drawdownChart->setTitle(QStringLiteral("Drawdown"));
  charts->addWidget(m_equityChart);
  charts->addWidget(m_drawdownChart);
  charts->setStretchFactor(0, 3);
  charts->setStretchFactor(1, 2);
  split->addWidget(metricsView);
  split->addWidget(charts);
  split->setStretchFactor(0, 0);
  split->setStretchFactor(1, 1);
  return split;
}

QWidget* BacktestResultsDock::buildTradesTab() {
  auto* w = new QWidget(m_tabs);
  auto* v = new QVBoxLayout(w);
  v->setContentsMargins(0, 4, 0, 0);
  auto* bar = new QHBoxLayout;
  m_tradesInfo = infoLabel(w, "tradesInfo");
  m_exportTrades = new QPushButton(QStringLiteral("&Export CSV…"), w);
  m_exportTrades->setObjectName(QStringLiteral("exportTradesButton"));
  m_exportTrades->setToolTip(QStringLiteral("Save every trade of this backtest as a CSV file"));
  connect(m_exportTrades, &QPushButton::clicked, this, &BacktestResultsDock::onExportTrades);
  bar->addWidget(m_tradesInfo, 1);
  bar->addWidget(m_exportTrades);
  m_trades = new BacktestTradesModel(this);
  m_tradesProxy = sortProxy(m_trades, BacktestTradesModel::SortRole, this);
  m_tradesView = new QTableView(w);
  m_tradesView->setObjectName(QStringLiteral("tradesView"));
  m_tradesView->setModel(m_tradesProxy);
  configureTableView(m_tradesView);
  m_tradesView->sortByColumn(BacktestTradesModel::Number, Qt::AscendingOrder);
  const QFontMetrics fm = m_tradesView->fontMetrics();
  const auto cw = [&](const char* sample) { return fm.horizontalAdvance(QString::fromLatin1(sample)) + 16; };
  m_tradesView->setColumnWidth(BacktestTradesModel::Number, cw("0000"));
  m_tradesView->setColumnWidth(BacktestTradesModel::Symbol, cw("SYMBOL"));
  m_tradesView->setColumnWidth(BacktestTradesModel::Side, cw("Short"));
  m_tradesView->setColumnWidth(BacktestTradesModel::EntryDate, cw("0000-00-00"));
  m_tradesView->setColumnWidth(BacktestTradesModel::ExitDate, cw("0000-00-00"));
  m_tradesView->setColumnWidth(BacktestTradesModel::Pnl, cw("-000,000.00"));
  m_tradesView->setColumnWidth(BacktestTradesModel::Commission, cw("Commission"));
  v->addLayout(bar);
  v->addWidget(m_tradesView, 1);
  return w;
}

QWidget* BacktestResultsDock::buildOptimizationTab() {
  auto* w = new QWidget(m_tabs);
  auto* v = new QVBoxLayout(w);
  v->setContentsMargins(0, 4, 0, 0);
  m_optimizationInfo = infoLabel(w, "optimizationInfo");
  m_optimizationModel = new OptimizationRunsModel(this);
  m_optimizationProxy = sortProxy(m_optimizationModel, OptimizationRunsModel::SortRole, this);
  m_optimizationView = new QTableView(w);
  m_optimizationView->setObjectName(QStringLiteral("optimizationView"));
  m_optimizationView->setModel(m_optimizationProxy);
  configureTableView(m_optimizationView);
  m_optimizationView->setSelectionMode(QAbstractItemView::SingleSelection);
  m_optimizationView->setToolTip(QStringLiteral("Double-click or press Enter on a row to run that combination as a backtest"));
  connect(m_optimizationView, &QTableView::activated, this, &BacktestResultsDock::onOptimizationActivated);
  auto* split = new QSplitter(Qt::Vertical, w);
  split->setObjectName(QStringLiteral("optimizationSplitter"));
  m_paramHeatmap = new ParamHeatmap(split);
  m_paramHeatmap->setObjectName(QStringLiteral("paramHeatmap"));
  m_paramHeatmap->setToolTip(QStringLiteral("Double-click a cell to run that combination as a backtest"));
  m_paramHeatmap->hide();
  connect(m_paramHeatmap, &ParamHeatmap::runActivated, this, [this](std::size_t run) {
    if (const backtest::OptimizationRun* r = m_optimizationModel->runAt(static_cast<int>(run)))
      Q_EMIT runCombinationRequested(format::qstr(m_optimization->correlationId), r->params);
  });
  split->addWidget(m_paramHeatmap);
  split->addWidget(m_optimizationView);
  split->setStretchFactor(0, 1);
  split->setStretchFactor(1, 1);
  v->addWidget(m_optimizationInfo);
  v->addWidget(split, 1);
  return w;
}

QWidget* BacktestResultsDock::buildWalkForwardTab() {
  auto* w = new QWidget(m_tabs);
  auto* v = new QVBoxLayout(w);
  v->setContentsMargins(0, 4, 0, 0);
  m_walkForwardInfo = infoLabel(w, "walkForwardInfo");
  auto* split = new QSplitter(Qt::Vertical, w);
  m_wfEquityChart = new EquityChartView(EquityChartView::Style::Equity, split);
  m_wfEquityChart->setObjectName(QStringLiteral("walkForwardEquityChart"));
  m_wfEquityChart->setTitle(QStringLiteral("Out-of-sample equity (stitched)"));
  m_wfDrawdownChart = new EquityChartView(EquityChartView::Style::Drawdown, split);
  m_wfDrawdownChart->setObjectName(QStringLiteral("walkForwardDrawdownChart"));
  m_walkForwardModel = new WalkForwardModel(this);
  m_walkForwardProxy = sortProxy(m_walkForwardModel, WalkForwardModel::SortRole, this);
  m_walkForwardView = new QTableView(split);
  m_walkForwardView->setObjectName(QStringLiteral("walkForwardView"));
  m_walkForwardView->setModel(m_walkForwardProxy);
  configureTableView(m_walkForwardView);
  m_walkForwardView->sortByColumn(WalkForwardModel::Window, Qt::AscendingOrder);
  m_walkForwardView->setColumnWidth(WalkForwardModel::Params,
                                    m_walkForwardView->fontMetrics().horizontalAdvance(QStringLiteral("fast=10, slow=100")) + 16);
  for (int c : {WalkForwardModel::InStart, WalkForwardModel::OutStart, WalkForwardModel::OutEnd})
    m_walkForwardView->setColumnWidth(c, m_walkForwardView->fontMetrics().horizontalAdvance(QStringLiteral("0000-00-00")) + 16);
  split->addWidget(m_wfEquityChart);
  split->addWidget(m_wfDrawdownChart);
  split->addWidget(m_walkForwardView);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 1);
  split->setStretchFactor(2, 3);
  v->addWidget(m_walkForwardInfo);
  v->addWidget(split, 1);
  return w;
}

bool BacktestResultsDock::hasResults() const { return m_backtest || m_optimization || m_walkForward; }

void BacktestResultsDock::updateTabStates() {
  m_stack->setCurrentIndex(hasResults() ? 1 : 0);
  for (int t : {SummaryTab, TradesTab, MonthlyTab}) m_tabs->setTabEnabled(t, m_backtest != nullptr);
  m_tabs->setTabEnabled(OptimizationTab, m_optimization != nullptr);
  m_tabs->setTabEnabled(WalkForwardTab, m_walkForward != nullptr);
  m_exportTrades->setEnabled(m_trades->rowCount() > 0);
  m_showOnChart->setEnabled(m_result != nullptr && !m_result->symbols.empty());
  // Several symbols: a menu of them (the button opens it).
  if (m_showOnChart->menu()) m_showOnChart->menu()->deleteLater();
  m_showOnChart->setMenu(nullptr);
  if (m_result && m_result->symbols.size() > 1) {
    auto* menu = new QMenu(m_showOnChart);
    menu->setObjectName(QStringLiteral("showOnChartMenu"));
    for (const auto& sym : m_result->symbols) {
      const QString symbol = format::qstr(sym);
      menu->addAction(symbol, this, [this, symbol] { Q_EMIT showOnChartRequested(symbol); });
    }
    m_showOnChart->setMenu(menu);
  }
}

std::vector<ChartMarker> BacktestResultsDock::chartMarkers(const QString& symbol) const {
  std::vector<ChartMarker> out;
  if (!m_result) return out;
  const backtest::BacktestResult& r = *m_result;
  const std::string sym = symbol.toStdString();
  const QString name = format::qstr(r.strategy);
  int n = 0;
  for (const auto& t : r.trades) {
    ++n;
    if (t.symbol != sym) continue;
    const bool isLong = t.side == domain::Side::Buy;
    ChartMarker entry;
    entry.ts = t.entryTs;
    entry.price = t.entryPrice;
    entry.kind = isLong ? ChartMarker::Kind::SignalLong : ChartMarker::Kind::SignalShort;
    entry.text = QStringLiteral("Backtest %1 trade %2: %3 %4 @ %5")
                     .arg(name)
                     .arg(n)
                     .arg(isLong ? QStringLiteral("LONG") : QStringLiteral("SHORT"), format::quantity(t.quantity),
                          format::price(t.entryPrice));
    ChartMarker exit;
    exit.ts = t.exitTs;
    exit.price = t.exitPrice;
    exit.kind = ChartMarker::Kind::SignalExit;
    exit.text = QStringLiteral("Backtest %1 trade %2: EXIT @ %3, P&L %4 (%5 bars)")
                    .arg(name)
                    .arg(n)
                    .arg(format::price(t.exitPrice), format::money(t.pnl))
                    .arg(t.barsHeld);
    out.push_back(std::move(entry));
    out.push_back(std::move(exit));
  }
  for (const auto& f : r.fills) {
    if (f.instrument >= r.symbols.size() || r.symbols[f.instrument] != sym) continue;
    ChartMarker m;
    m.ts = f.ts;
    m.price = f.price;
    m.kind = f.side == domain::Side::Buy ? ChartMarker::Kind::Buy : ChartMarker::Kind::Sell;
    m.text = QStringLiteral("Backtest fill: %1 %2 @ %3")
                 .arg(format::sideText(f.side), format::quantity(f.quantity), format::price(f.price));
    out.push_back(std::move(m));
  }
  return out;
}

Timeframe BacktestResultsDock::chartTimeframe() const {
  if (!m_result || m_result->equity.size() < 2) return Timeframe::D1;
  // The smallest spacing between recorded points is the bar length (gaps are nights, weekends, holidays).
  domain::Timestamp step = std::numeric_limits<domain::Timestamp>::max();
  for (std::size_t i = 1; i < m_result->equity.size(); ++i)
    step = std::min(step, m_result->equity[i].ts - m_result->equity[i - 1].ts);
  if (step >= 20 * domain::kNanosPerHour) return Timeframe::D1;
  if (step >= domain::kNanosPerHour) return Timeframe::H1;
  if (step >= 15 * domain::kNanosPerMinute) return Timeframe::M15;
  if (step >= 5 * domain::kNanosPerMinute) return Timeframe::M5;
  return Timeframe::M1;
}

QString BacktestResultsDock::chartLabel() const {
  if (!m_result) return {};
  return QStringLiteral("%1 (%2)").arg(format::qstr(m_result->strategy), format::qstr(m_result->params.toString()));
}

void BacktestResultsDock::clear() {
  m_result.reset();
  m_backtest.reset();
  m_optimization.reset();
  m_walkForward.reset();
  m_metrics->clear();
  m_trades->clear();
  m_optimizationModel->clear();
  m_paramHeatmap->clear();
  m_paramHeatmap->hide();
  m_walkForwardModel->clear();
  m_equityChart->clear();
  m_drawdownChart->clear();
  m_wfEquityChart->clear();
  m_wfDrawdownChart->clear();
  m_heatmap->clear();
  m_summary->clear();
  updateTabStates();
}

void BacktestResultsDock::showFinished(const std::shared_ptr<const contract::BacktestFinished>& f) {
  if (!f || !f->ok()) return;
  using contract::BacktestKind;
  if (f->kind == BacktestKind::Backtest && f->result) {
    m_backtest = f;
    m_result = f->result;
    const backtest::BacktestResult& r = *m_result;
    m_metrics->setMetrics(r.metrics, r.initialCash, r.finalValue);
    if (!r.benchmarkSymbol.empty()) m_metrics->addBenchmark(format::qstr(r.benchmarkSymbol), r.benchmarkStats);
    m_trades->setTrades(m_result, &r.trades);
    m_tradesView->sortByColumn(BacktestTradesModel::Number, Qt::AscendingOrder);
    m_tradesView->resizeColumnsToContents();
    m_equityChart->setCurve(r.equity);
    m_equityChart->setBenchmark(r.benchmark, QStringLiteral("%1 buy & hold").arg(format::qstr(r.benchmarkSymbol)));
    m_drawdownChart->setCurve(r.equity, r.initialCash);
    m_heatmap->setReturns(r.monthlyReturns);
    double wins = 0;
    for (const auto& t : r.trades) wins += t.pnl > 0 ? 1 : 0;
    m_tradesInfo->setText(r.trades.empty()
                              ? QStringLiteral("No closed trades.")
                              : QStringLiteral("%1 closed trades, %2 winners. Click a header to sort.")
                                    .arg(r.trades.size())
                                    .arg(wins));
    updateTabStates();
    m_tabs->setCurrentIndex(SummaryTab);
  } else if (f->kind == BacktestKind::Optimization && f->optimization) {
    m_optimization = f;
    const auto report = f->optimization;
    m_optimizationModel->setReport(report);
    m_paramHeatmap->setReport(report);
    m_paramHeatmap->setVisible(m_paramHeatmap->hasGrid());
    m_optimizationView->sortByColumn(m_optimizationModel->objectiveColumn(), Qt::DescendingOrder);
    m_optimizationView->resizeColumnsToContents();
    const auto& res = report->result;
    QString best = QStringLiteral("no valid combination");
    if (res.best) {
      const auto& b = res.runs[*res.best];
      best = QStringLiteral("best <b>%1</b> (%2 %3, final value %4)")
                 .arg(format::qstr(b.params.toString()), format::qstr(backtest::toString(report->objective)),
                      QLocale().toString(b.score, 'f', 4), format::money(b.finalValue));
    }
    m_optimizationInfo->setText(QStringLiteral("%1 combinations on %2 thread(s), %3. Double-click a row to run it "
                                               "as a backtest.")
                                    .arg(res.runs.size())
                                    .arg(res.threads)
                                    .arg(best));
    updateTabStates();
    m_tabs->setCurrentIndex(OptimizationTab);
    if (res.best) {
      const QModelIndex src = m_optimizationModel->index(static_cast<int>(*res.best), 0);
      m_optimizationView->setCurrentIndex(m_optimizationProxy->mapFromSource(src));
    }
  } else if (f->kind == BacktestKind::WalkForward && f->walkForward) {
    m_walkForward = f;
    const auto report = f->walkForward;
    m_walkForwardModel->setReport(report);
    m_walkForwardView->resizeColumnsToContents();
    m_wfEquityChart->setCurve(report->result.equity);
    m_wfDrawdownChart->setCurve(report->result.equity, report->result.initialCash);
    const auto& m = report->result.metrics;
    m_walkForwardInfo->setText(
        QStringLiteral("%1 windows · out-of-sample final value <b>%2</b> (%3) · Sharpe %4 · max drawdown %5 · %6 trades"
                       " · walk-forward efficiency <b>%7</b> (out-of-sample %8 a year against %9 in-sample)")
            .arg(report->result.segments.size())
            .arg(format::money(report->result.finalValue), coloredPercent(m.totalReturn),
                 std::isfinite(m.sharpe) ? QLocale().toString(m.sharpe, 'f', 3) : QStringLiteral("n/a"),
                 format::percent(-m.maxDrawdown * 100.0))
            .arg(report->result.trades.size())
            .arg(efficiencyText(report->result.efficiency), coloredPercent(report->result.outOfSampleAnnualReturn),
                 coloredPercent(report->result.inSampleAnnualReturn)));
    updateTabStates();
    m_tabs->setCurrentIndex(WalkForwardTab);
  } else {
    return;
  }
  updateHeader(*f);
}

void BacktestResultsDock::updateHeader(const contract::BacktestFinished& f) {
  using contract::BacktestKind;
  QString text;
  const QString strat = QStringLiteral("<b>%1</b>").arg(format::qstr(f.strategy).toHtmlEscaped());
  if (f.kind == BacktestKind::Backtest && f.result) {
    const auto& r = *f.result;
    text = QStringLiteral("%1 (%2) on %3, %4 → %5 · final value <b>%6</b> (%7) · %8 trades")
               .arg(strat, format::qstr(r.params.toString()).toHtmlEscaped(), symbolsText(r.symbols), date(r.startTs),
                    date(r.endTs), format::money(r.finalValue), coloredPercent(r.metrics.totalReturn))
               .arg(r.trades.size());
    if (f.savedRunId > 0) text += QStringLiteral(" · saved as run #%1").arg(f.savedRunId);
    else if (!f.saveError.empty()) text += QStringLiteral(" · <span style=\"color:%1\">not saved: %2</span>")
                                               .arg(format::downColor().name(), format::qstr(f.saveError).toHtmlEscaped());
  } else if (f.kind == BacktestKind::Optimization && f.optimization) {
    text = QStringLiteral("Optimization of %1 on %2 · %3 combinations · objective %4")
               .arg(strat, symbolsText(f.symbols))
               .arg(f.optimization->result.runs.size())
               .arg(format::qstr(backtest::toString(f.optimization->objective)));
    const backtest::BestPointStability& st = f.optimization->stability;
    if (st.isolatedSpike)
      text += QStringLiteral(" · <span style=\"color:%1\">best point is an isolated spike: its %2 neighbours average "
                             "%3 against %4</span>")
                  .arg(format::warnColor().name())
                  .arg(st.neighbours)
                  .arg(QLocale().toString(st.neighbourMean, 'f', 3), QLocale().toString(st.bestScore, 'f', 3));
  } else if (f.kind == BacktestKind::WalkForward && f.walkForward) {
    const auto& d = f.walkForward->dates;
    text = QStringLiteral("Walk-forward of %1 on %2 · %3 windows%4 · objective %5")
               .arg(strat, symbolsText(f.symbols))
               .arg(f.walkForward->result.segments.size())
               .arg(d.empty() ? QString() : QStringLiteral(", out-of-sample %1 → %2").arg(date(d.front().outStart), date(d.back().outEnd)))
               .arg(format::qstr(backtest::toString(f.walkForward->objective)));
  }
  text += QStringLiteral(" · %1 s").arg(QLocale().toString(f.elapsedSeconds, 'f', 2));
  m_summary->setText(text);
}

QString BacktestResultsDock::finalValueText() const { return m_metrics->valueText(QStringLiteral("Final value")); }

bool BacktestResultsDock::exportTradesCsv(const QString& path, QString* error) const {
  return m_trades->writeCsv(path, error);
}

void BacktestResultsDock::onExportTrades() {
  if (!m_result || m_trades->rowCount() == 0) return;
  static QString lastDir;  // per process: where the previous export went
  if (lastDir.isEmpty()) lastDir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
  QStringList symbols;
  for (const auto& s : m_result->symbols) symbols << format::qstr(s);
  const QString name = QStringLiteral("%1-%2-trades.csv").arg(format::qstr(m_result->strategy), symbols.join('-'));
  const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Export Trades"), QDir(lastDir).filePath(name),
                                                    QStringLiteral("CSV files (*.csv);;All files (*)"));
  if (path.isEmpty()) return;
  lastDir = QFileInfo(path).absolutePath();
  QString error;
  if (!exportTradesCsv(path, &error)) {
    QMessageBox::warning(this, QStringLiteral("Export Trades"), error);
    return;
  }
  m_tradesInfo->setText(QStringLiteral("Exported %1 trades to %2").arg(m_trades->rowCount()).arg(path.toHtmlEscaped()));
}

void BacktestResultsDock::onOptimizationActivated(const QModelIndex& proxyIndex) {
  if (!m_optimization) return;
  const QModelIndex src = m_optimizationProxy->mapToSource(proxyIndex);
  const backtest::OptimizationRun* run = m_optimizationModel->runAt(src.row());
  if (!run) return;
  Q_EMIT runCombinationRequested(format::qstr(m_optimization->correlationId), run->params);
}

}  // namespace meridian::ui
