#include "ui/dialogs/PnlReportDialog.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QSettings>
#include <QSplitter>
#include <QTableWidget>
#include <QTextDocument>
#include <QVBoxLayout>

#include <cmath>
#include <iterator>
#include <set>
#include <vector>

#include "core/time/TimeZones.h"
#include "ui/bridge/UiBridge.h"
#include "ui/models/Formatting.h"
#include "ui/widgets/EquityChartView.h"

namespace meridian::ui {
namespace {

enum Column { Period, Strategy, Symbol, Pnl, Realized, Fees, Fills, Position, ColumnCount };

QString number(double v, int decimals = 2) {
  return std::isfinite(v) ? QLocale().toString(v, 'f', decimals) : QStringLiteral("n/a");
}
QString pct(double v) { return std::isfinite(v) ? QLocale().toString(v * 100.0, 'f', 2) + QLatin1Char('%') : "n/a"; }

}  // namespace

PnlReportDialog::PnlReportDialog(UiBridge* bridge, QString settingsOrganization, QString settingsApplication,
                                 QWidget* parent)
    : QDialog(parent),
      m_bridge(bridge),
      m_settingsOrganization(std::move(settingsOrganization)),
      m_settingsApplication(std::move(settingsApplication)) {
  setObjectName(QStringLiteral("PnlReportDialog"));
  setWindowTitle(QStringLiteral("Trading P&L Report"));
  setModal(false);
  resize(1000, 760);
  auto* root = new QVBoxLayout(this);

  auto* form = new QFormLayout;
  const auto* dateValidator =
      new QRegularExpressionValidator(QRegularExpression(QStringLiteral("^$|^\\d{4}-\\d{2}-\\d{2}$")), this);
  m_from = new QLineEdit(this);
  m_from->setObjectName(QStringLiteral("pnlFromEdit"));
  m_from->setPlaceholderText(QStringLiteral("YYYY-MM-DD (empty: the first fill)"));
  m_from->setValidator(dateValidator);
  m_to = new QLineEdit(this);
  m_to->setObjectName(QStringLiteral("pnlToEdit"));
  m_to->setPlaceholderText(QStringLiteral("YYYY-MM-DD (empty: the last fill)"));
  m_to->setValidator(dateValidator);
  auto* range = new QHBoxLayout;
  range->addWidget(m_from);
  auto* toLabel = new QLabel(QStringLiteral("t&o"), this);
  toLabel->setBuddy(m_to);
  range->addWidget(toLabel);
  range->addWidget(m_to);
  auto* rangeLabel = new QLabel(QStringLiteral("&Exchange dates:"), this);
  rangeLabel->setBuddy(m_from);
  form->addRow(rangeLabel, range);
  m_strategy = new QComboBox(this);
  m_strategy->setObjectName(QStringLiteral("pnlStrategyCombo"));
  m_strategy->setEditable(true);
  m_strategy->addItem(QString());
  m_strategy->setToolTip(QStringLiteral("Empty: all strategies; 'manual': orders entered without a strategy"));
  auto* strategyLabel = new QLabel(QStringLiteral("&Strategy:"), this);
  strategyLabel->setBuddy(m_strategy);
  form->addRow(strategyLabel, m_strategy);
  m_initialEquity = new QDoubleSpinBox(this);
  m_initialEquity->setObjectName(QStringLiteral("pnlInitialEquitySpin"));
  m_initialEquity->setRange(1.0, 1e12);
  m_initialEquity->setDecimals(2);
  m_initialEquity->setGroupSeparatorShown(true);
  m_initialEquity->setPrefix(QStringLiteral("$ "));
  auto* equityLabel = new QLabel(QStringLiteral("&Initial equity:"), this);
  equityLabel->setBuddy(m_initialEquity);
  form->addRow(equityLabel, m_initialEquity);
  root->addLayout(form);

  m_summary = new QLabel(QStringLiteral("Enter runs the report."), this);
  m_summary->setObjectName(QStringLiteral("pnlSummaryLabel"));
  m_summary->setWordWrap(true);
  root->addWidget(m_summary);
  m_metrics = new QLabel(this);
  m_metrics->setObjectName(QStringLiteral("pnlMetricsLabel"));
  m_metrics->setWordWrap(true);
  root->addWidget(m_metrics);
  m_compareLabel = new QLabel(this);
  m_compareLabel->setObjectName(QStringLiteral("pnlCompareLabel"));
  m_compareLabel->setWordWrap(true);
  m_compareLabel->hide();
  root->addWidget(m_compareLabel);
  m_compareTable = new QTableWidget(0, 3, this);
  m_compareTable->setObjectName(QStringLiteral("pnlCompareTable"));
  m_compareTable->setHorizontalHeaderLabels({QStringLiteral("Live vs backtest"), QStringLiteral("Live"),
                                             QStringLiteral("Backtest")});
  m_compareTable->verticalHeader()->setVisible(false);
  m_compareTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_compareTable->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  m_compareTable->setMinimumHeight(160);
  m_compareTable->hide();
  root->addWidget(m_compareTable);

  auto* split = new QSplitter(Qt::Vertical, this);
  auto* tableBox = new QWidget(split);
  auto* tableLayout = new QVBoxLayout(tableBox);
  tableLayout->setContentsMargins(0, 0, 0, 0);
  m_granularity = new QComboBox(tableBox);
  m_granularity->setObjectName(QStringLiteral("pnlGranularityCombo"));
  m_granularity->addItem(QStringLiteral("By day"));
  m_granularity->addItem(QStringLiteral("By week (ISO)"));
  m_granularity->addItem(QStringLiteral("By month"));
  m_granularity->setCurrentIndex(2);
  tableLayout->addWidget(m_granularity);
  m_table = new QTableWidget(0, ColumnCount, tableBox);
  m_table->setObjectName(QStringLiteral("pnlTable"));
  m_table->setHorizontalHeaderLabels({QStringLiteral("Period"), QStringLiteral("Strategy"), QStringLiteral("Symbol"),
                                      QStringLiteral("P&L"), QStringLiteral("Realized"), QStringLiteral("Fees"),
                                      QStringLiteral("Fills"), QStringLiteral("Position")});
  m_table->verticalHeader()->setVisible(false);
  m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_table->setSortingEnabled(true);
  m_table->horizontalHeader()->setStretchLastSection(true);
  tableLayout->addWidget(m_table);
  m_equity = new EquityChartView(EquityChartView::Style::Equity, split);
  m_equity->setObjectName(QStringLiteral("pnlEquityChart"));
  m_equity->setTitle(QStringLiteral("Account equity (end of each session)"));
  m_drawdown = new EquityChartView(EquityChartView::Style::Drawdown, split);
  m_drawdown->setObjectName(QStringLiteral("pnlDrawdownChart"));
  m_drawdown->setTitle(QStringLiteral("Drawdown"));
  m_equity->setMinimumHeight(180);
  m_drawdown->setMinimumHeight(140);
  split->setStretchFactor(0, 2);
  split->setStretchFactor(1, 2);
  split->setStretchFactor(2, 1);
  root->addWidget(split, 1);

  auto* buttons = new QHBoxLayout;
  m_exportCsv = new QPushButton(QStringLiteral("Export &CSV…"), this);
  m_exportCsv->setObjectName(QStringLiteral("pnlExportCsvButton"));
  m_exportCsv->setAutoDefault(false);
  m_exportPdf = new QPushButton(QStringLiteral("Export &PDF…"), this);
  m_exportPdf->setObjectName(QStringLiteral("pnlExportPdfButton"));
  m_exportPdf->setAutoDefault(false);
  m_run = new QPushButton(QStringLiteral("&Run Report"), this);
  m_run->setObjectName(QStringLiteral("pnlRunButton"));
  m_run->setDefault(true);
  auto* close = new QPushButton(QStringLiteral("Close"), this);
  close->setAutoDefault(false);
  buttons->addWidget(m_exportCsv);
  buttons->addWidget(m_exportPdf);
  m_compare = new QPushButton(QStringLiteral("Compare with &Backtest"), this);
  m_compare->setObjectName(QStringLiteral("pnlCompareButton"));
  m_compare->setAutoDefault(false);
  m_compare->setToolTip(QStringLiteral("Backtest this live strategy with its configured parameters over the report's "
                                       "dates and show both side by side (a report of one live:<instance>)"));
  m_compare->setEnabled(false);
  buttons->addWidget(m_compare);
  buttons->addStretch(1);
  buttons->addWidget(m_run);
  buttons->addWidget(close);
  root->addLayout(buttons);
  m_exportCsv->setEnabled(false);
  m_exportPdf->setEnabled(false);

  connect(m_run, &QPushButton::clicked, this, &PnlReportDialog::runReport);
  connect(m_compare, &QPushButton::clicked, this, &PnlReportDialog::compareWithBacktest);
  if (m_bridge)
    m_bridge->on<contract::BacktestFinished>(this, [this](const Batch<contract::BacktestFinished>& b) {
      for (const auto& f : b) onBacktestFinished(f);
    });
  connect(close, &QPushButton::clicked, this, &QDialog::close);
  connect(m_granularity, &QComboBox::currentIndexChanged, this, [this] { fillTable(); });
  connect(m_exportCsv, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Export P&L CSV"), QStringLiteral("pnl.csv"),
                                                      QStringLiteral("CSV files (*.csv)"));
    QString error;
    if (!path.isEmpty() && !exportCsv(path, &error)) m_summary->setText(error);
  });
  connect(m_exportPdf, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Export P&L PDF"), QStringLiteral("pnl.pdf"),
                                                      QStringLiteral("PDF files (*.pdf)"));
    QString error;
    if (!path.isEmpty() && !exportPdf(path, &error)) m_summary->setText(error);
  });

  QSettings s(m_settingsOrganization, m_settingsApplication);
  s.beginGroup(QStringLiteral("pnlReport"));
  m_from->setText(s.value(QStringLiteral("from")).toString());
  m_to->setText(s.value(QStringLiteral("to")).toString());
  m_strategy->setCurrentText(s.value(QStringLiteral("strategy")).toString());
  m_initialEquity->setValue(s.value(QStringLiteral("initialEquity"), 100'000.0).toDouble());
}

PnlReportDialog::~PnlReportDialog() {
  QSettings s(m_settingsOrganization, m_settingsApplication);
  s.beginGroup(QStringLiteral("pnlReport"));
  s.setValue(QStringLiteral("from"), m_from->text());
  s.setValue(QStringLiteral("to"), m_to->text());
  s.setValue(QStringLiteral("strategy"), m_strategy->currentText());
  s.setValue(QStringLiteral("initialEquity"), m_initialEquity->value());
}

void PnlReportDialog::runReport() {
  if (!m_bridge) return;
  contract::RequestPnlReport req;
  req.from = QDate::fromString(m_from->text().trimmed(), Qt::ISODate);
  req.to = QDate::fromString(m_to->text().trimmed(), Qt::ISODate);
  if ((!m_from->text().trimmed().isEmpty() && !req.from.isValid()) ||
      (!m_to->text().trimmed().isEmpty() && !req.to.isValid())) {
    m_summary->setText(QStringLiteral("Dates are YYYY-MM-DD exchange dates."));
    return;
  }
  req.strategy = m_strategy->currentText().trimmed().toStdString();
  req.initialEquity = m_initialEquity->value();
  m_summary->setText(QStringLiteral("Reading the journal…"));
  m_run->setEnabled(false);
  m_bridge->request(std::move(req), this,
                    [this](std::shared_ptr<const contract::PnlReportReady> r) { onReady(std::move(r)); });
}

void PnlReportDialog::compareWithBacktest() {
  if (!m_bridge || !m_report || !m_report->strategy.starts_with("live:") || !m_report->from.isValid()) return;
  contract::CompareLiveStrategy cmd;
  cmd.strategyId = m_report->strategy;
  cmd.fromDate = m_report->from.toString(Qt::ISODate).toStdString();
  cmd.toDate = m_report->to.toString(Qt::ISODate).toStdString();
  m_compareReport = m_report;
  m_comparison.reset();
  m_compareTable->hide();
  m_compareLabel->setText(QStringLiteral("Backtesting %1 over %2 … %3…")
                              .arg(format::qstr(cmd.strategyId), format::qstr(cmd.fromDate), format::qstr(cmd.toDate)));
  m_compareLabel->show();
  m_compare->setEnabled(false);
  m_compareCorrelation = m_bridge->send(std::move(cmd), QStringLiteral("Compare with backtest"));
}

void PnlReportDialog::onBacktestFinished(const std::shared_ptr<const contract::BacktestFinished>& f) {
  if (!f || m_compareCorrelation.isEmpty() || format::qstr(f->correlationId) != m_compareCorrelation) return;
  m_compareCorrelation.clear();
  m_compare->setEnabled(m_report && m_report->strategy.starts_with("live:"));
  if (!f->ok() || !f->result || !m_compareReport) {
    m_compareLabel->setText(QStringLiteral("No comparison: %1").arg(format::qstr(f->error)));
    return;
  }
  m_comparison = std::make_shared<const contract::PnlComparison>(
      contract::comparePnl(*m_compareReport, *f->result, m_compareReport->strategy));
  showComparison();
}

void PnlReportDialog::showComparison() {
  const contract::PnlComparison& c = *m_comparison;
  QStringList symbols;
  for (const auto& s : c.symbols) symbols << format::qstr(s);
  m_compareLabel->setText(QStringLiteral("%1 (%2 %3 on %4), %5 … %6 · live − backtest P&L %7")
                              .arg(format::qstr(c.strategyId), format::qstr(c.strategy), format::qstr(c.params),
                                   symbols.join(QStringLiteral(", ")), c.from.toString(Qt::ISODate),
                                   c.to.toString(Qt::ISODate), format::money(c.pnlDifference)));
  const auto pct = [](double v) { return std::isfinite(v) ? format::percent(v * 100.0) : QStringLiteral("n/a"); };
  const auto num = [](double v) { return std::isfinite(v) ? QLocale().toString(v, 'f', 3) : QStringLiteral("n/a"); };
  const struct {
    const char* name;
    QString live, backtest;
  } rows[] = {
      {"P&L", format::money(c.live.pnl), format::money(c.backtest.pnl)},
      {"Fees", format::money(c.live.fees), format::money(c.backtest.fees)},
      {"Fills", QString::number(c.live.fills), QString::number(c.backtest.fills)},
      {"Closed trades", QString::number(c.live.trades), QString::number(c.backtest.trades)},
      {"Total return", pct(c.live.metrics.totalReturn), pct(c.backtest.metrics.totalReturn)},
      {"Sharpe", num(c.live.metrics.sharpe), num(c.backtest.metrics.sharpe)},
      {"Sortino", num(c.live.metrics.sortino), num(c.backtest.metrics.sortino)},
      {"Max drawdown", pct(-c.live.metrics.maxDrawdown), pct(-c.backtest.metrics.maxDrawdown)},
      {"Win rate", pct(c.live.metrics.winRate), pct(c.backtest.metrics.winRate)},
      {"Profit factor", num(c.live.metrics.profitFactor), num(c.backtest.metrics.profitFactor)},
  };
  m_compareTable->setRowCount(int(std::size(rows)));
  int r = 0;
  for (const auto& row : rows) {
    m_compareTable->setItem(r, 0, new QTableWidgetItem(QString::fromUtf8(row.name)));
    for (int col : {1, 2}) {
      auto* item = new QTableWidgetItem(col == 1 ? row.live : row.backtest);
      item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      m_compareTable->setItem(r, col, item);
    }
    ++r;
  }
  m_compareTable->show();
  Q_EMIT comparisonShown();
}

void PnlReportDialog::onReady(std::shared_ptr<const contract::PnlReportReady> ready) {
  m_run->setEnabled(true);
  if (!ready) return;
  if (!ready->ok()) {
    m_summary->setText(QStringLiteral("No report: %1").arg(format::qstr(ready->error)));
    return;
  }
  m_report = ready->report;
  m_compare->setEnabled(m_report->strategy.starts_with("live:") && m_report->from.isValid());
  // Strategies seen, for the next choice.
  std::set<QString> strategies;
  for (const auto& r : m_report->monthly) strategies.insert(format::qstr(r.strategy));
  for (const QString& s : strategies)
    if (m_strategy->findText(s) < 0) m_strategy->addItem(s);
  m_summary->setText(summaryText());
  m_metrics->setText(metricsText());
  std::vector<analytics::EquityPoint> curve;
  for (const auto& d : m_report->equity)
    curve.push_back({time::TimeZones::fromExchange(d.date, QTime(16, 0)), d.equity, 0.0});
  m_equity->setCurve(curve);
  m_drawdown->setCurve(curve, m_report->startEquity);
  fillTable();
  m_exportCsv->setEnabled(true);
  m_exportPdf->setEnabled(true);
  Q_EMIT reportShown();
}

QString PnlReportDialog::summaryText() const {
  const contract::PnlReport& r = *m_report;
  if (r.fills == 0 && r.equity.empty()) return QStringLiteral("No fills in the journal for this choice.");
  return QStringLiteral("P&L %1 … %2 (%3): %4 on %5 fills, fees %6; equity %7 → %8")
      .arg(r.from.toString(Qt::ISODate), r.to.toString(Qt::ISODate),
           r.strategy.empty() ? QStringLiteral("all strategies") : format::qstr(r.strategy),
           (r.pnl >= 0 ? QStringLiteral("+") : QString()) + number(r.pnl))
      .arg(r.fills)
      .arg(number(r.fees), number(r.startEquity), number(r.endEquity));
}

QString PnlReportDialog::metricsText() const {
  const analytics::Metrics& m = m_report->metrics;
  return QStringLiteral("Sharpe %1 · Sortino %2 · max drawdown %3 · trades %4 · win rate %5 · profit factor %6")
      .arg(number(m.sharpe, 3), number(m.sortino, 3), pct(m.maxDrawdown))
      .arg(m.trades)
      .arg(m.trades > 0 ? pct(m.winRate) : QStringLiteral("n/a"), number(m.profitFactor, 3));
}

void PnlReportDialog::fillTable() {
  if (!m_report) return;
  const std::vector<contract::PnlRow>& rows = m_granularity->currentIndex() == 0   ? m_report->daily
                                              : m_granularity->currentIndex() == 1 ? m_report->weekly
                                                                                  : m_report->monthly;
  m_table->setSortingEnabled(false);
  m_table->setRowCount(static_cast<int>(rows.size()));
  for (int i = 0; i < static_cast<int>(rows.size()); ++i) {
    const contract::PnlRow& r = rows[std::size_t(i)];
    const auto cell = [&](int column, const QString& text, double sortValue, bool numeric) {
      auto* item = new QTableWidgetItem(text);
      if (numeric) {
        item->setData(Qt::UserRole, sortValue);
        item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      }
      m_table->setItem(i, column, item);
    };
    cell(Period, format::qstr(r.period), 0, false);
    cell(Strategy, format::qstr(r.strategy), 0, false);
    cell(Symbol, format::qstr(r.symbol), 0, false);
    cell(Pnl, number(r.pnl), r.pnl, true);
    m_table->item(i, Pnl)->setForeground(r.pnl < 0 ? format::downColor() : format::upColor());
    cell(Realized, number(r.realized), r.realized, true);
    cell(Fees, number(r.fees), r.fees, true);
    cell(Fills, QString::number(r.fills), double(r.fills), true);
    cell(Position, format::quantity(r.position), r.position, true);
  }
  m_table->setSortingEnabled(true);
  m_table->resizeColumnsToContents();
}

bool PnlReportDialog::exportCsv(const QString& path, QString* error) const {
  if (!m_report) {
    if (error) *error = QStringLiteral("Run the report first.");
    return false;
  }
  const std::string csv = contract::pnlReportCsv(*m_report);
  QFile f(path);
  if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
      f.write(csv.data(), static_cast<qint64>(csv.size())) != static_cast<qint64>(csv.size())) {
    if (error) *error = QStringLiteral("Cannot write %1: %2").arg(path, f.errorString());
    return false;
  }
  return true;
}

bool PnlReportDialog::exportPdf(const QString& path, QString* error) {
  if (!m_report) {
    if (error) *error = QStringLiteral("Run the report first.");
    return false;
  }
  QPdfWriter pdf(path);
  pdf.setPageSize(QPageSize(QPageSize::A4));
  pdf.setTitle(QStringLiteral("Meridian trading P&L report"));
  pdf.setCreator(QStringLiteral("Meridian"));
  QString html = QStringLiteral("<h2>Trading P&amp;L report</h2><p>%1</p><p>%2</p>")
                     .arg(summaryText().toHtmlEscaped(), metricsText().toHtmlEscaped());
  html += QStringLiteral("<h3>By month</h3><table border='1' cellspacing='0' cellpadding='3'><tr><th>Month</th>"
                         "<th>Strategy</th><th>Symbol</th><th>P&amp;L</th><th>Realized</th><th>Fees</th>"
                         "<th>Fills</th></tr>");
  for (const auto& r : m_report->monthly)
    html += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td align='right'>%4</td><td align='right'>%5</td>"
                           "<td align='right'>%6</td><td align='right'>%7</td></tr>")
                .arg(format::qstr(r.period).toHtmlEscaped(), format::qstr(r.strategy).toHtmlEscaped(),
                     format::qstr(r.symbol).toHtmlEscaped(), number(r.pnl), number(r.realized), number(r.fees))
                .arg(r.fills);
  html += QStringLiteral("</table>");
  QPainter painter;
  if (!painter.begin(&pdf)) {
    if (error) *error = QStringLiteral("Cannot write %1").arg(path);
    return false;
  }
  const QRectF page = painter.viewport();
  // The equity chart as drawn on screen, across the top half of the page.
  const QPixmap chart = m_equity->grab();
  const double chartHeight = page.width() * chart.height() / std::max(1, chart.width());
  painter.drawPixmap(QRectF(0, 0, page.width(), chartHeight), chart, chart.rect());
  QTextDocument doc;
  doc.setHtml(html);
  doc.setTextWidth(page.width() / pdf.logicalDpiX() * 96.0);
  painter.translate(0, chartHeight + 20);
  painter.scale(pdf.logicalDpiX() / 96.0, pdf.logicalDpiY() / 96.0);
  doc.drawContents(&painter);
  painter.end();
  if (QFile(path).size() <= 0) {
    if (error) *error = QStringLiteral("Cannot write %1").arg(path);
    return false;
  }
  return true;
}

}  // namespace meridian::ui
