#include "ui/widgets/StoredSeriesPicker.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

#include "ui/bridge/UiBridge.h"
#include "ui/models/Formatting.h"

namespace meridian::ui {
namespace {

enum Column { Symbol, Source, Timeframe, First, Last, Bars, ColumnCount };

QString keyOf(const contract::StoredSeriesInfo& s) {
  return format::qstr(s.symbol) + QLatin1Char('|') + format::qstr(s.source);
}

}  // namespace

StoredSeriesPicker::StoredSeriesPicker(UiBridge* bridge, QWidget* parent) : QWidget(parent), m_bridge(bridge) {
  setObjectName(QStringLiteral("storedSeriesPicker"));
  auto* root = new QVBoxLayout(this);
  root->setContentsMargins(0, 0, 0, 0);
  auto* top = new QHBoxLayout;
  m_search = new QLineEdit(this);
  m_search->setObjectName(QStringLiteral("storedSeriesSearch"));
  m_search->setPlaceholderText(QStringLiteral("Search stored series (symbol or source)"));
  m_search->setClearButtonEnabled(true);
  m_search->installEventFilter(this);
  top->addWidget(m_search, 1);
  auto* barsLabel = new QLabel(QStringLiteral("&Bars:"), this);
  m_timeframe = new QComboBox(this);
  m_timeframe->setObjectName(QStringLiteral("storedSeriesTimeframe"));
  m_timeframe->addItem(QStringLiteral("as stored"), QString());
  for (domain::Timeframe tf : domain::kAllTimeframes)
    m_timeframe->addItem(format::qstr(domain::toString(tf)), format::qstr(domain::toString(tf)));
  m_timeframe->setToolTip(QStringLiteral("Timeframe of the run: a finer stored series is aggregated on NYSE sessions "
                                         "(America/New_York); a coarser one cannot be used"));
  barsLabel->setBuddy(m_timeframe);
  top->addWidget(barsLabel);
  top->addWidget(m_timeframe);
  m_refresh = new QPushButton(QStringLiteral("Re&fresh"), this);
  m_refresh->setObjectName(QStringLiteral("storedSeriesRefresh"));
  m_refresh->setAutoDefault(false);
  top->addWidget(m_refresh);
  root->addLayout(top);

  m_table = new QTableWidget(0, ColumnCount, this);
  m_table->setObjectName(QStringLiteral("storedSeriesTable"));
  m_table->setHorizontalHeaderLabels({QStringLiteral("Symbol"), QStringLiteral("Source"), QStringLiteral("Bars of"),
                                      QStringLiteral("First bar"), QStringLiteral("Last bar"), QStringLiteral("Bars")});
  m_table->verticalHeader()->setVisible(false);
  m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_table->setSelectionMode(QAbstractItemView::SingleSelection);
  m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_table->horizontalHeader()->setStretchLastSection(true);
  m_table->setMinimumHeight(120);
  root->addWidget(m_table, 1);
  m_status = new QLabel(this);
  m_status->setObjectName(QStringLiteral("storedSeriesStatus"));
  root->addWidget(m_status);

  connect(m_search, &QLineEdit::textChanged, this, [this] { applyFilter(); });
  connect(m_refresh, &QPushButton::clicked, this, [this] { refresh(); });
  connect(m_timeframe, &QComboBox::currentIndexChanged, this, [this] { Q_EMIT selectionChanged(); });
  connect(m_table, &QTableWidget::itemChanged, this, [this](QTableWidgetItem* item) {
    if (m_rebuilding || item->column() != Symbol) return;
    const QString key = item->data(Qt::UserRole).toString();
    const bool on = item->checkState() == Qt::Checked;
    if (on && !m_checked.contains(key)) m_checked << key;
    if (!on) m_checked.removeAll(key);
    Q_EMIT selectionChanged();
  });
}

void StoredSeriesPicker::refresh() {
  if (!m_bridge) return;
  m_status->setText(QStringLiteral("Loading the stored series…"));
  m_bridge->request(contract::RequestStoredSeries{}, this,
                    [this](std::shared_ptr<const contract::StoredSeriesListed> a) { onListed(std::move(a)); });
}

void StoredSeriesPicker::onListed(std::shared_ptr<const contract::StoredSeriesListed> answer) {
  if (!answer) return;
  if (!answer->ok()) {
    m_status->setText(QStringLiteral("Stored series unavailable: %1").arg(format::qstr(answer->error)));
    Q_EMIT listed();
    return;
  }
  m_series = answer->series;
  rebuild();
  Q_EMIT listed();
}

void StoredSeriesPicker::rebuild() {
  m_rebuilding = true;
  m_table->setRowCount(0);
  m_table->setRowCount(static_cast<int>(m_series.size()));
  for (int row = 0; row < static_cast<int>(m_series.size()); ++row) {
    const auto& s = m_series[std::size_t(row)];
    auto* sym = new QTableWidgetItem(format::qstr(s.symbol));
    sym->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
    sym->setData(Qt::UserRole, keyOf(s));
    sym->setCheckState(m_checked.contains(keyOf(s)) ? Qt::Checked : Qt::Unchecked);
    m_table->setItem(row, Symbol, sym);
    QString source = format::qstr(s.source);
    if (s.adjusted) source += QStringLiteral(" (adjusted)");
    m_table->setItem(row, Source, new QTableWidgetItem(source));
    m_table->setItem(row, Timeframe, new QTableWidgetItem(format::qstr(domain::toString(s.timeframe))));
    const char* pattern = s.timeframe == domain::Timeframe::Day1 ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm";
    m_table->setItem(row, First, new QTableWidgetItem(format::displayTime(s.firstTs, pattern)));
    m_table->setItem(row, Last, new QTableWidgetItem(format::displayTime(s.lastTs, pattern)));
    auto* bars = new QTableWidgetItem(QLocale().toString(qlonglong(s.bars)));
    bars->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_table->setItem(row, Bars, bars);
  }
  m_table->resizeColumnsToContents();
  // A remembered choice that is no longer stored is dropped.
  const int before = static_cast<int>(m_checked.size());
  m_checked.erase(std::remove_if(m_checked.begin(), m_checked.end(),
                                 [this](const QString& k) {
                                   return std::none_of(m_series.begin(), m_series.end(),
                                                       [&](const auto& s) { return keyOf(s) == k; });
                                 }),
                  m_checked.end());
  m_rebuilding = false;
  applyFilter();
  m_status->setText(m_series.empty() ? QStringLiteral("Nothing stored yet: ingest symbols or File > Import CSV.")
                                     : QStringLiteral("%1 stored series").arg(m_series.size()));
  if (before != m_checked.size()) Q_EMIT selectionChanged();
}

void StoredSeriesPicker::applyFilter() {
  const QString needle = m_search->text().trimmed();
  for (int row = 0; row < m_table->rowCount(); ++row) {
    const bool match = needle.isEmpty() ||
                       m_table->item(row, Symbol)->text().contains(needle, Qt::CaseInsensitive) ||
                       m_table->item(row, Source)->text().contains(needle, Qt::CaseInsensitive);
    m_table->setRowHidden(row, !match);
  }
}

bool StoredSeriesPicker::setChecked(const QString& key, bool checked) {
  for (int row = 0; row < m_table->rowCount(); ++row) {
    QTableWidgetItem* item = m_table->item(row, Symbol);
    if (item->data(Qt::UserRole).toString() != key) continue;
    item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
    return true;
  }
  return false;
}

void StoredSeriesPicker::setSelectedKeys(const QStringList& keys) {
  m_checked = keys;
  if (!m_series.empty()) rebuild();
}

QString StoredSeriesPicker::timeframe() const { return m_timeframe->currentData().toString(); }

void StoredSeriesPicker::setTimeframe(const QString& tf) {
  m_timeframe->setCurrentIndex(std::max(0, m_timeframe->findData(tf)));
}

std::vector<contract::SeriesRequest> StoredSeriesPicker::selected() const {
  std::vector<contract::SeriesRequest> out;
  const auto tf = domain::timeframeFromString(timeframe().toStdString());
  for (const QString& key : m_checked) {
    const QStringList parts = key.split(QLatin1Char('|'));
    if (parts.size() != 2) continue;
    for (const auto& s : m_series) {
      if (keyOf(s) != key) continue;
      contract::SeriesRequest r;
      r.symbol = s.symbol;
      r.source = s.source;  // the stored tag: exactly this series (or its finer siblings of the same vendor)
      r.timeframe = tf ? *tf : s.timeframe;
      r.adjusted = s.adjusted;
      out.push_back(std::move(r));
    }
  }
  return out;
}

bool StoredSeriesPicker::eventFilter(QObject* watched, QEvent* event) {
  if (watched == m_search && event->type() == QEvent::KeyPress &&
      static_cast<QKeyEvent*>(event)->key() == Qt::Key_Down) {
    m_table->setFocus();
    for (int row = 0; row < m_table->rowCount(); ++row)
      if (!m_table->isRowHidden(row)) {
        m_table->setCurrentCell(row, Symbol);
        break;
      }
    return true;
  }
  return QWidget::eventFilter(watched, event);
}

}  // namespace meridian::ui
