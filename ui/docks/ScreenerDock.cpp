#include "ui/docks/ScreenerDock.h"

#include <QAction>
#include <QComboBox>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QVBoxLayout>

#include <cmath>
#include <tuple>
#include <utility>

#include "ui/bridge/UiBridge.h"
#include "ui/docks/TableViews.h"
#include "ui/models/Formatting.h"
#include "ui/models/ScreenerModel.h"
#include "core/screener/Query.h"

namespace meridian::ui {

using screener::Column;
using screener::Criteria;

namespace {

constexpr const char* kBuiltinPrefix = "\u2605 ";  // built-in presets are shown as "★ Name"

// "10B", "1.5m", "250k", "3e9", "1,000,000" -> number. nullopt for an empty field; Error for anything else.
Result<std::optional<double>> parseField(const QLineEdit* edit, const QString& label, bool amount) {
  QString t = edit->text().trimmed();
  if (t.isEmpty()) return std::optional<double>{};
  t.remove(',');
  t.remove('_');
  double scale = 1.0;
  if (amount && !t.isEmpty()) {
    const QChar s = t.back().toUpper();
    if (s == 'K') scale = 1e3;
    else if (s == 'M') scale = 1e6;
    else if (s == 'B') scale = 1e9;
    else if (s == 'T') scale = 1e12;
    if (scale != 1.0) t.chop(1);
  }
  if (t.endsWith('%')) t.chop(1);
  bool ok = false;
  const double v = t.trimmed().toDouble(&ok);
  if (!ok || !std::isfinite(v))
    return makeError(screener::kInvalidCriteriaCode,
                     QStringLiteral("%1: '%2' is not %3")
                         .arg(label, edit->text().trimmed(), amount ? QStringLiteral("an amount (e.g. 10B, 2.5M)")
                                                                    : QStringLiteral("a number"))
                         .toStdString());
  return std::optional<double>(v * scale);
}

QString numberText(const std::optional<double>& v, bool amount) {
  if (!v) return {};
  if (amount) {
    const double a = std::abs(*v);
    const std::pair<double, const char*> units[] = {{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "K"}};
    for (const auto& [u, suffix] : units)
      if (a >= u && std::fmod(*v, u / 1000.0) == 0.0) return QString::number(*v / u, 'g', 12) + QLatin1String(suffix);
  }
  return QString::number(*v, 'g', 12);
}

template <class E>
void fillCombo(QComboBox* box, std::initializer_list<std::pair<const char*, E>> items) {
  for (const auto& [text, value] : items) box->addItem(QString::fromUtf8(text), static_cast<int>(value));
}

template <class E>
E comboValue(const QComboBox* box) {
  return static_cast<E>(box->currentData().toInt());
}

template <class E>
void setComboValue(QComboBox* box, E value) {
  const int i = box->findData(static_cast<int>(value));
  box->setCurrentIndex(i < 0 ? 0 : i);
}

// A line edit of the filter form.
struct FieldSpec {
  const char* objectName;
  const char* placeholder;  // UTF-8
  const char* toolTip;      // UTF-8
};

// Lays out the filter form: two filters per grid row (left: columns 0-2, right: columns 3-5), each a label (its
// buddy: the first widget) and either one widget over both value columns or a min | max pair. Filters are placed
// in reading order; fields are created as they are placed, so the Tab chain follows the same order.
class FilterGrid {
 public:
  FilterGrid(QWidget* form, QGridLayout* grid) : m_form(form), m_grid(grid) {}

  // A label (UTF-8; null: none) and `first` over both value columns, or `first` | `second` when `second` is set.
  void place(const char* label, QWidget* first, QWidget* second = nullptr) {
    if (label) {
      auto* l = new QLabel(QString::fromUtf8(label), m_form);
      l->setBuddy(first);
      m_grid->addWidget(l, m_row, m_column);
    }
    if (second) {
      m_grid->addWidget(first, m_row, m_column + 1);
      m_grid->addWidget(second, m_row, m_column + 2);
    } else {
      m_grid->addWidget(first, m_row, m_column + 1, 1, 2);
    }
    m_column = m_column == 0 ? 3 : 0;
    if (m_column == 0) ++m_row;
  }
  QLineEdit* field(const char* label, const FieldSpec& spec) {
    QLineEdit* e = edit(spec);
    place(label, e);
    return e;
  }
  std::pair<QLineEdit*, QLineEdit*> range(const char* label, const FieldSpec& min, const FieldSpec& max) {
    QLineEdit* lo = edit(min);
    QLineEdit* hi = edit(max);
    place(label, lo, hi);
    return {lo, hi};
  }
  // "<prefix>Min" | "<prefix>Max" in percent, one tool tip for both.
  std::pair<QLineEdit*, QLineEdit*> percentRange(const char* label, const char* objectNamePrefix,
                                                 const char* toolTip) {
    const QByteArray minName = QByteArray(objectNamePrefix) + "Min", maxName = QByteArray(objectNamePrefix) + "Max";
    return range(label, {minName.constData(), "min %", toolTip}, {maxName.constData(), "max %", toolTip});
  }

 private:
  QLineEdit* edit(const FieldSpec& spec) {
    auto* e = new QLineEdit(m_form);
    e->setObjectName(QString::fromLatin1(spec.objectName));
    e->setPlaceholderText(QString::fromUtf8(spec.placeholder));
    e->setToolTip(QString::fromUtf8(spec.toolTip));
    e->setClearButtonEnabled(true);
    return e;
  }

  QWidget* m_form;
  QGridLayout* m_grid;
  int m_row = 0;
  int m_column = 0;
};

}  // namespace

QVector<ScreenerDock::Preset> ScreenerDock::builtinPresets() {
  return {
      {QStringLiteral("Oversold large caps"),
       QStringLiteral(R"({"minMarketCap": 10000000000, "rsi": {"max": 30}, "sort": {"by": "rsi", "order": "asc"}})"), true},
      {QStringLiteral("Golden cross"),
       QStringLiteral(R"({"cross": "golden", "crossLookback": 5, "minAvgVolume": 500000, "sort": {"by": "cross", "order": "desc"}})"),
       true},
      {QStringLiteral("Momentum"),
       QStringLiteral(R"({"change30d": {"min": 10}, "sma20": "above", "macd": "bullish", "sort": {"by": "change_30d", "order": "desc"}})"),
       true},
      {QStringLiteral("Low volatility"),
       QStringLiteral(R"({"maxVolatility": 20, "sort": {"by": "volatility", "order": "asc"}})"), true},
  };
}

ScreenerDock::ScreenerDock(UiBridge* bridge, QString settingsOrganization, QString settingsApplication,
                           QWidget* parent)
    : QDockWidget(QStringLiteral("Screener"), parent),
      m_bridge(bridge),
      m_settingsOrganization(std::move(settingsOrganization)),
      m_settingsApplication(std::move(settingsApplication)) {
  setObjectName(QStringLiteral("ScreenerDock"));
  m_model = new ScreenerModel(this);

  auto* root = new QWidget(this);
  auto* layout = new QVBoxLayout(root);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->setSpacing(4);

  // Presets row.
  auto* presetRow = new QHBoxLayout;
  auto* presetLabel = new QLabel(QStringLiteral("&Preset"), root);
  m_presets = new QComboBox(root);
  m_presets->setObjectName(QStringLiteral("screenerPresetCombo"));
  m_presets->setMinimumContentsLength(20);
  m_presets->setToolTip(QStringLiteral("Built-in (\u2605) and saved screens; choosing one fills the form"));
  presetLabel->setBuddy(m_presets);
  m_save = new QPushButton(QStringLiteral("&Save…"), root);
  m_save->setObjectName(QStringLiteral("screenerSavePreset"));
  m_save->setToolTip(QStringLiteral("Save the form as a named preset"));
  m_delete = new QPushButton(QStringLiteral("&Delete"), root);
  m_delete->setObjectName(QStringLiteral("screenerDeletePreset"));
  m_delete->setToolTip(QStringLiteral("Delete the selected saved preset (built-ins cannot be deleted)"));
  m_reset = new QPushButton(QStringLiteral("Clear"), root);
  m_reset->setObjectName(QStringLiteral("screenerReset"));
  m_reset->setToolTip(QStringLiteral("Clear every filter"));
  presetRow->addWidget(presetLabel);
  presetRow->addWidget(m_presets, 1);
  presetRow->addWidget(m_save);
  presetRow->addWidget(m_delete);
  presetRow->addWidget(m_reset);
  layout->addLayout(presetRow);

  // Filter form: label | min | max, two groups side by side.
  auto* form = new QWidget(root);
  form->setObjectName(QStringLiteral("screenerForm"));
  auto* grid = new QGridLayout(form);
  grid->setContentsMargins(0, 0, 0, 0);
  grid->setHorizontalSpacing(6);
  grid->setVerticalSpacing(3);
  // Two filters per grid row, created in reading order (which is also the Tab chain). Mnemonics avoid the menu
  // bar's (Alt+F/V/B/T/H) and the View toggles' (Alt+digits).
  FilterGrid g(form, grid);
  m_sectors = g.field("Sect&ors",
                      {"screenerSectors", "any sector",
                       "Comma-separated sectors (any of, case-insensitive). Symbols without a stored sector are "
                       "excluded while this is set."});
  std::tie(m_priceMin, m_priceMax) = g.range("P&rice", {"screenerPriceMin", "min", "Last close at least"},
                                             {"screenerPriceMax", "max", "Last close at most"});
  m_minVolume = g.field("Min vol&ume", {"screenerMinVolume", "e.g. 1M", "Latest bar's volume at least"});
  m_minAvgVolume = g.field("Min &avg vol 20d",
                           {"screenerMinAvgVolume", "e.g. 500K", "Average volume of the last 20 bars at least"});
  m_minMarketCap = g.field("Min mar&ket cap",
                           {"screenerMinMarketCap", "e.g. 10B",
                            "Market cap at least. Symbols without a stored market cap are excluded while this is "
                            "set."});
  std::tie(m_rsiMin, m_rsiMax) = g.range("RS&I 14", {"screenerRsiMin", "min", "RSI 14 (Wilder) at least, 0..100"},
                                         {"screenerRsiMax", "max", "RSI 14 (Wilder) at most, 0..100"});
  std::tie(m_chg1dMin, m_chg1dMax) = g.percentRange("1d chan&ge", "screenerChange1d", "1-day change in percent");
  std::tie(m_chg5dMin, m_chg5dMax) = g.percentRange("5d change", "screenerChange5d", "5-day change in percent");
  std::tie(m_chg30dMin, m_chg30dMax) = g.percentRange("30d change", "screenerChange30d", "30-day change in percent");
  m_maxVolatility = g.field("Max volatilit&y",
                            {"screenerMaxVolatility", "max %",
                             "Annualised volatility (20-day stdev of log returns x sqrt 252) at most, percent"});
  m_sma20 = new QComboBox(form);
  m_sma20->setObjectName(QStringLiteral("screenerSma20"));
  fillCombo<screener::Sma20Filter>(m_sma20, {{"Any", screener::Sma20Filter::Any},
                                             {"Above SMA20", screener::Sma20Filter::Above},
                                             {"Below SMA20", screener::Sma20Filter::Below}});
  g.place("vs SMA20", m_sma20);
  m_cross = new QComboBox(form);
  m_cross->setObjectName(QStringLiteral("screenerCross"));
  fillCombo<screener::CrossFilter>(m_cross, {{"Any", screener::CrossFilter::Any},
                                             {"Golden cross", screener::CrossFilter::Golden},
                                             {"Death cross", screener::CrossFilter::Death}});
  m_cross->setToolTip(QStringLiteral("SMA50 crossed above (golden) / below (death) SMA200 within the last N bars"));
  m_crossLookback = new QSpinBox(form);
  m_crossLookback->setObjectName(QStringLiteral("screenerCrossLookback"));
  m_crossLookback->setRange(1, int(screener::kMaxCrossLookback));
  m_crossLookback->setValue(int(screener::kDefaultCrossLookback));
  m_crossLookback->setPrefix(QStringLiteral("within "));
  m_crossLookback->setSuffix(QStringLiteral(" bars"));
  g.place("50/200 &cross", m_cross, m_crossLookback);
  m_macd = new QComboBox(form);
  m_macd->setObjectName(QStringLiteral("screenerMacd"));
  fillCombo<screener::MacdFilter>(m_macd, {{"Any", screener::MacdFilter::Any},
                                           {"Bullish (line > signal)", screener::MacdFilter::Bullish},
                                           {"Bearish (line < signal)", screener::MacdFilter::Bearish}});
  g.place("&MACD", m_macd);
  const char* bollingerTip = "Bollinger 20/2 position: 0 = lower band, 1 = upper band";
  std::tie(m_bollMin, m_bollMax) = g.range("Bolli&nger %B", {"screenerBollingerMin", "min %B", bollingerTip},
                                           {"screenerBollingerMax", "max %B", bollingerTip});
  m_limit = new QSpinBox(form);
  m_limit->setObjectName(QStringLiteral("screenerLimit"));
  m_limit->setRange(0, 100000);
  m_limit->setSpecialValueText(QStringLiteral("all"));
  m_limit->setToolTip(QStringLiteral("Show at most this many rows (in the sort order); 0 = all"));
  g.place("&Limit", m_limit);
  m_run = new QPushButton(QStringLiteral("Run (Enter)"), form);
  m_run->setObjectName(QStringLiteral("screenerRun"));
  m_run->setToolTip(QStringLiteral("Run the screen over the stored daily bars (Enter in any field)"));
  m_export = new QPushButton(QStringLiteral("E&xport CSV…"), form);
  m_export->setObjectName(QStringLiteral("screenerExport"));
  m_export->setToolTip(QStringLiteral("Write the results, in the order shown, to a CSV file"));
  g.place(nullptr, m_run, m_export);  // under the right-hand filters, no label
  // The query language (core/screener/Query.h) on top of the filters, the whole width of the form.
  m_query = new QLineEdit(form);
  m_query->setObjectName(QStringLiteral("screenerQuery"));
  m_query->setPlaceholderText(QStringLiteral("e.g. rsi14 < 30 and price > sma200 and avg_dollar_volume > 10M"));
  QStringList metricNames;
  for (const auto& [name, meaning] : screener::Query::metrics()) metricNames << QString::fromStdString(name);
  m_query->setToolTip(QStringLiteral("A filter applied after the fields above: comparisons (< <= > >= = !=) joined by "
                                     "and / or / not; numbers may end in K, M, B, T.\nMetrics: %1")
                          .arg(metricNames.join(QStringLiteral(", "))));
  auto* queryLabel = new QLabel(QStringLiteral("&Query"), form);
  queryLabel->setBuddy(m_query);
  const int queryRow = grid->rowCount();
  grid->addWidget(queryLabel, queryRow, 0);
  grid->addWidget(m_query, queryRow, 1, 1, grid->columnCount() - 1);
  for (int c : {1, 2, 4, 5}) grid->setColumnStretch(c, 1);
  layout->addWidget(form);

  m_status = new QLabel(QStringLiteral("Set filters and press Enter."), root);
  m_status->setObjectName(QStringLiteral("screenerStatus"));
  m_status->setWordWrap(true);
  layout->addWidget(m_status);

  m_view = new QTableView(root);
  m_view->setObjectName(QStringLiteral("screenerResultsView"));
  configureTableView(m_view, true);
  m_view->setModel(m_model);
  m_view->horizontalHeader()->setSortIndicator(int(Column::Symbol), Qt::AscendingOrder);
  layout->addWidget(m_view, 1);
  setUpColumnMenu();
  setWidget(root);

  // Enter anywhere in the form runs the screen (combo popups are separate windows, so choosing an item with Enter
  // there does not); Enter on a result row activates its symbol.
  auto* runAction = new QAction(QStringLiteral("Run screen"), form);
  runAction->setObjectName(QStringLiteral("screenerRunAction"));
  runAction->setShortcuts({QKeySequence(Qt::Key_Return), QKeySequence(Qt::Key_Enter)});
  runAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
  form->addAction(runAction);
  connect(runAction, &QAction::triggered, this, &ScreenerDock::run);
  connect(m_run, &QPushButton::clicked, this, &ScreenerDock::run);
  auto* activate = new QAction(QStringLiteral("Open symbol"), m_view);
  activate->setShortcuts({QKeySequence(Qt::Key_Return), QKeySequence(Qt::Key_Enter)});
  activate->setShortcutContext(Qt::WidgetShortcut);
  m_view->addAction(activate);
  connect(activate, &QAction::triggered, this, [this] {
    const QModelIndex i = m_view->currentIndex();
    if (i.isValid()) Q_EMIT symbolActivated(m_model->symbolAt(i.row()));
  });
  connect(m_view, &QTableView::doubleClicked, this,
          [this](const QModelIndex& i) { Q_EMIT symbolActivated(m_model->symbolAt(i.row())); });

  connect(m_presets, qOverload<int>(&QComboBox::activated), this, &ScreenerDock::onPresetActivated);
  connect(m_save, &QPushButton::clicked, this, &ScreenerDock::onSaveClicked);
  connect(m_delete, &QPushButton::clicked, this, &ScreenerDock::onDeleteClicked);
  connect(m_reset, &QPushButton::clicked, this, &ScreenerDock::resetForm);
  connect(m_export, &QPushButton::clicked, this, &ScreenerDock::onExportClicked);
  connect(m_presets, &QComboBox::currentIndexChanged, this, [this] { updateButtons(); });

  // Tab order: presets row, then the form in reading order, then the results.
  QWidget* chain[] = {m_presets,    m_save,        m_delete,       m_reset,    m_sectors,  m_priceMin,  m_priceMax,
                      m_minVolume,  m_minAvgVolume, m_minMarketCap, m_rsiMin,   m_rsiMax,   m_chg1dMin,  m_chg1dMax,
                      m_chg5dMin,   m_chg5dMax,    m_chg30dMin,    m_chg30dMax, m_maxVolatility, m_sma20, m_cross,
                      m_crossLookback, m_macd,     m_bollMin,      m_bollMax,  m_limit,    m_run,       m_export,
                      m_query,      m_view};
  for (std::size_t i = 0; i + 1 < std::size(chain); ++i) QWidget::setTabOrder(chain[i], chain[i + 1]);
  setFocusProxy(m_sectors);

  reloadPresets();
  QSettings settings(m_settingsOrganization, m_settingsApplication);
  const QString last = settings.value(QLatin1String(kLastCriteriaKey)).toString();
  if (!last.isEmpty())
    if (auto c = screener::criteriaFromJson(last.toStdString()); c.ok()) setCriteria(*c);
  updateButtons();
}

ScreenerDock::~ScreenerDock() = default;

QVector<Column> ScreenerDock::defaultHidden() {
  return {Column::Sma50, Column::Sma200, Column::High52w, Column::Low52w};
}

QHeaderView* ScreenerDock::header() const { return m_view->horizontalHeader(); }

bool ScreenerDock::isColumnShown(Column c) const { return !header()->isSectionHidden(int(c)); }

void ScreenerDock::setColumnShown(Column c, bool shown) {
  if (c == Column::Symbol && !shown) return;  // a row without its symbol means nothing
  header()->setSectionHidden(int(c), !shown);
  const QString name = QStringLiteral("screenerColumn_") + format::qstr(screener::columnKey(c));
  for (QAction* a : header()->actions())
    if (a->objectName() == name && a->isChecked() != shown) {
      const QSignalBlocker block(a);
      a->setChecked(shown);
    }
  saveHiddenColumns();
}

void ScreenerDock::setUpColumnMenu() {
  // The table scrolls horizontally rather than widening the dock: its size hint does not grow with the columns.
  m_view->setSizeAdjustPolicy(QAbstractScrollArea::AdjustIgnored);
  QHeaderView* h = header();
  h->setContextMenuPolicy(Qt::ActionsContextMenu);
  QSettings settings(m_settingsOrganization, m_settingsApplication);
  QVector<Column> hidden = defaultHidden();
  if (settings.contains(QLatin1String(kHiddenColumnsKey))) {
    hidden.clear();
    for (const QString& key : settings.value(QLatin1String(kHiddenColumnsKey)).toStringList())
      if (const auto c = screener::columnFromKey(key.toStdString()); c && *c != Column::Symbol) hidden << *c;
  }
  for (int i = 0; i < screener::kColumnCount; ++i) {
    const auto c = static_cast<Column>(i);
    h->setSectionHidden(i, hidden.contains(c));
    if (c == Column::Symbol) continue;
    auto* a = new QAction(format::qstr(screener::columnTitle(c)), h);
    a->setObjectName(QStringLiteral("screenerColumn_") + format::qstr(screener::columnKey(c)));
    a->setCheckable(true);
    a->setChecked(!hidden.contains(c));
    a->setToolTip(format::qstr(screener::columnKey(c)));
    connect(a, &QAction::toggled, this, [this, c](bool on) { setColumnShown(c, on); });
    h->addAction(a);
  }
}

void ScreenerDock::saveHiddenColumns() const {
  QStringList keys;
  for (int i = 0; i < screener::kColumnCount; ++i)
    if (header()->isSectionHidden(i)) keys << format::qstr(screener::columnKey(static_cast<Column>(i)));
  QSettings settings(m_settingsOrganization, m_settingsApplication);
  settings.setValue(QLatin1String(kHiddenColumnsKey), keys);
}

Result<Criteria> ScreenerDock::criteria() const {
  Criteria c;
  for (const QString& s : m_sectors->text().split(',', Qt::SkipEmptyParts))
    if (!s.trimmed().isEmpty()) c.sectors.push_back(s.trimmed().toStdString());
  struct Field {
    const QLineEdit* edit;
    QString label;
    bool amount;
    std::optional<double>* out;
  };
  const Field fields[] = {
      {m_priceMin, QStringLiteral("Price min"), false, &c.price.min},
      {m_priceMax, QStringLiteral("Price max"), false, &c.price.max},
      {m_minVolume, QStringLiteral("Min volume"), true, &c.minVolume},
      {m_minAvgVolume, QStringLiteral("Min avg volume"), true, &c.minAvgVolume},
      {m_minMarketCap, QStringLiteral("Min market cap"), true, &c.minMarketCap},
      {m_rsiMin, QStringLiteral("RSI min"), false, &c.rsi.min},
      {m_rsiMax, QStringLiteral("RSI max"), false, &c.rsi.max},
      {m_chg1dMin, QStringLiteral("1d change min"), false, &c.change1d.min},
      {m_chg1dMax, QStringLiteral("1d change max"), false, &c.change1d.max},
      {m_chg5dMin, QStringLiteral("5d change min"), false, &c.change5d.min},
      {m_chg5dMax, QStringLiteral("5d change max"), false, &c.change5d.max},
      {m_chg30dMin, QStringLiteral("30d change min"), false, &c.change30d.min},
      {m_chg30dMax, QStringLiteral("30d change max"), false, &c.change30d.max},
      {m_maxVolatility, QStringLiteral("Max volatility"), false, &c.maxVolatility},
      {m_bollMin, QStringLiteral("Bollinger %B min"), false, &c.bollinger.min},
      {m_bollMax, QStringLiteral("Bollinger %B max"), false, &c.bollinger.max},
  };
  for (const Field& f : fields) {
    auto v = parseField(f.edit, f.label, f.amount);
    if (!v) return v.error();
    *f.out = *v;
  }
  c.sma20 = comboValue<screener::Sma20Filter>(m_sma20);
  c.cross = comboValue<screener::CrossFilter>(m_cross);
  c.crossLookback = static_cast<std::size_t>(m_crossLookback->value());
  c.macd = comboValue<screener::MacdFilter>(m_macd);
  c.limit = static_cast<std::size_t>(m_limit->value());
  c.sortBy = m_model->sortColumn();
  c.descending = m_model->sortDescending();
  if (Status s = screener::validate(c); !s) return s.error();
  return c;
}

void ScreenerDock::setCriteria(const Criteria& c) {
  QStringList sectors;
  for (const auto& s : c.sectors) sectors << QString::fromStdString(s);
  m_sectors->setText(sectors.join(QStringLiteral(", ")));
  m_priceMin->setText(numberText(c.price.min, false));
  m_priceMax->setText(numberText(c.price.max, false));
  m_minVolume->setText(numberText(c.minVolume, true));
  m_minAvgVolume->setText(numberText(c.minAvgVolume, true));
  m_minMarketCap->setText(numberText(c.minMarketCap, true));
  m_rsiMin->setText(numberText(c.rsi.min, false));
  m_rsiMax->setText(numberText(c.rsi.max, false));
  m_chg1dMin->setText(numberText(c.change1d.min, false));
  m_chg1dMax->setText(numberText(c.change1d.max, false));
  m_chg5dMin->setText(numberText(c.change5d.min, false));
  m_chg5dMax->setText(numberText(c.change5d.max, false));
  m_chg30dMin->setText(numberText(c.change30d.min, false));
  m_chg30dMax->setText(numberText(c.change30d.max, false));
  m_maxVolatility->setText(numberText(c.maxVolatility, false));
  setComboValue(m_sma20, c.sma20);
  setComboValue(m_cross, c.cross);
  m_crossLookback->setValue(int(c.crossLookback));
  setComboValue(m_macd, c.macd);
  m_bollMin->setText(numberText(c.bollinger.min, false));
  m_bollMax->setText(numberText(c.bollinger.max, false));
  m_limit->setValue(int(c.limit));
  m_view->sortByColumn(int(c.sortBy), c.descending ? Qt::DescendingOrder : Qt::AscendingOrder);
}

void ScreenerDock::resetForm() {
  setCriteria(Criteria{});
  m_query->clear();
  m_presets->setCurrentIndex(-1);
  setStatus(QStringLiteral("Filters cleared."));
}

bool ScreenerDock::run() {
  auto c = criteria();
  if (!c) {
    setStatus(QString::fromStdString(c.error().message), true);
    return false;
  }
  Criteria wanted = *c;
  m_activeQuery.reset();
  m_queryLimit = wanted.limit;
  if (const QString text = m_query->text().trimmed(); !text.isEmpty()) {
    auto q = screener::Query::parse(text.toStdString());
    if (!q) {
      // The message names the column and underlines the token on its last line: the dock selects that token in the
      // Query field instead, and shows the first line (the whole message in the tooltip, in a fixed-width font).
      const QString message = QString::fromStdString(q.error().message);
      const QStringList lines = message.split(QLatin1Char('\n'));
      setStatus(lines.first(), true);
      m_status->setToolTip(QStringLiteral("<pre>%1</pre>").arg(message.toHtmlEscaped()));
      static const QRegularExpression kColumn(QStringLiteral("at column (\\d+)"));
      if (const auto match = kColumn.match(lines.first()); match.hasMatch()) {
        const int length = std::max<int>(1, int(lines.last().count(QLatin1Char('^'))));
        m_query->setFocus();
        m_query->setSelection(match.captured(1).toInt() - 1, length);
      }
      return false;
    }
    m_activeQuery = std::make_shared<const screener::Query>(std::move(*q));
    wanted.limit = 0;  // the limit applies to the rows that pass the query
  }
  contract::RunScreener request;
  request.criteria = wanted;
  m_run->setText(QStringLiteral("Running…"));
  m_lastCorrelation = m_bridge->request(std::move(request), this, [this](std::shared_ptr<const contract::ScreenerFinished> f) {
    if (m_bridge->pendingRequests<contract::ScreenerFinished>() == 0) m_run->setText(QStringLiteral("Run (Enter)"));
    onScreenerFinished(f);
  });
  QSettings settings(m_settingsOrganization, m_settingsApplication);
  settings.setValue(QLatin1String(kLastCriteriaKey), QString::fromStdString(screener::toJson(*c)));
  setStatus(QStringLiteral("Screening…"));
  return true;
}

void ScreenerDock::onScreenerFinished(const std::shared_ptr<const contract::ScreenerFinished>& f) {
  if (!f || QString::fromStdString(f->correlationId) != m_lastCorrelation) return;  // superseded by a newer run
  m_lastFinished = f;
  if (!f->ok()) {
    setStatus(QStringLiteral("Screen failed: %1").arg(QString::fromStdString(f->error)), true);
    return;
  }
  std::shared_ptr<const screener::ScreenerResult> shown = f->result;
  if (m_activeQuery) {
    auto filtered = std::make_shared<screener::ScreenerResult>(*f->result);
    screener::applyQuery(*filtered, *m_activeQuery, m_queryLimit);
    shown = std::move(filtered);
  }
  const screener::ScreenerResult& r = *shown;
  m_model->setResult(shown);
  QString text = QStringLiteral("%1 match%2 of %3 symbols").arg(r.matched).arg(r.matched == 1 ? "" : "es").arg(r.scanned);
  if (r.rows.size() < r.matched) text += QStringLiteral(" (showing %1)").arg(r.rows.size());
  QString tip;
  if (!r.excluded.empty()) {
    text += QStringLiteral(" · %1 excluded: filtered field unknown").arg(r.excluded.size());
    const std::size_t shown = std::min<std::size_t>(r.excluded.size(), 40);
    for (std::size_t i = 0; i < shown; ++i)
      tip += QStringLiteral("%1: %2\n").arg(QString::fromStdString(r.excluded[i].symbol),
                                             QString::fromStdString(r.excluded[i].reason));
    if (shown < r.excluded.size()) tip += QStringLiteral("… and %1 more").arg(r.excluded.size() - shown);
  }
  text += QStringLiteral(" · %1 s").arg(f->elapsedSeconds, 0, 'f', 2);
  if (r.scanned == 0) text = QStringLiteral("No stored daily bars to screen: import or ingest data first.");
  setStatus(text);
  m_status->setToolTip(tip.trimmed());
  Q_EMIT resultShown(m_model->rowCount());
}

// ---- Presets ------------------------------------------------------------------------------------------------------

QStringList ScreenerDock::presetNames() const {
  QStringList names;
  for (const Preset& p : builtinPresets()) names << p.name;
  QSettings settings(m_settingsOrganization, m_settingsApplication);
  settings.beginGroup(QLatin1String(kPresetsGroup));
  QStringList user = settings.childKeys();
  user.sort(Qt::CaseInsensitive);
  return names + user;
}

void ScreenerDock::reloadPresets(const QString& select) {
  const QSignalBlocker block(m_presets);
  m_presets->clear();
  for (const Preset& p : builtinPresets()) m_presets->addItem(QLatin1String(kBuiltinPrefix) + p.name, p.name);
  const QStringList all = presetNames();
  for (qsizetype i = builtinPresets().size(); i < all.size(); ++i) m_presets->addItem(all[i], all[i]);
  m_presets->setCurrentIndex(select.isEmpty() ? -1 : m_presets->findData(select));
  updateButtons();
}

bool ScreenerDock::savePreset(const QString& rawName, QString* error) {
  const QString name = rawName.trimmed();
  auto fail = [&](const QString& e) {
    if (error) *error = e;
    setStatus(e, true);
    return false;
  };
  if (name.isEmpty()) return fail(QStringLiteral("A preset needs a name."));
  if (name.contains('/') || name.contains('\\')) return fail(QStringLiteral("Preset names cannot contain / or \\."));
  for (const Preset& p : builtinPresets())
    if (p.name.compare(name, Qt::CaseInsensitive) == 0)
      return fail(QStringLiteral("'%1' is a built-in preset; choose another name.").arg(name));
  auto c = criteria();
  if (!c) return fail(QString::fromStdString(c.error().message));
  QSettings settings(m_settingsOrganization, m_settingsApplication);
  settings.setValue(QLatin1String(kPresetsGroup) + '/' + name, QString::fromStdString(screener::toJson(*c)));
  settings.sync();
  if (settings.status() != QSettings::NoError) return fail(QStringLiteral("Could not write the settings file."));
  reloadPresets(name);
  setStatus(QStringLiteral("Saved preset '%1'.").arg(name));
  return true;
}

bool ScreenerDock::deletePreset(const QString& name, QString* error) {
  auto fail = [&](const QString& e) {
    if (error) *error = e;
    setStatus(e, true);
    return false;
  };
  for (const Preset& p : builtinPresets())
    if (p.name == name) return fail(QStringLiteral("Built-in presets cannot be deleted."));
  QSettings settings(m_settingsOrganization, m_settingsApplication);
  const QString key = QLatin1String(kPresetsGroup) + '/' + name;
  if (!settings.contains(key)) return fail(QStringLiteral("No saved preset named '%1'.").arg(name));
  settings.remove(key);
  reloadPresets();
  setStatus(QStringLiteral("Deleted preset '%1'.").arg(name));
  return true;
}

bool ScreenerDock::loadPreset(const QString& name, QString* error) {
  QString json;
  for (const Preset& p : builtinPresets())
    if (p.name == name) json = p.json;
  if (json.isEmpty()) {
    QSettings settings(m_settingsOrganization, m_settingsApplication);
    json = settings.value(QLatin1String(kPresetsGroup) + '/' + name).toString();
  }
  auto fail = [&](const QString& e) {
    if (error) *error = e;
    setStatus(e, true);
    return false;
  };
  if (json.isEmpty()) return fail(QStringLiteral("No preset named '%1'.").arg(name));
  auto c = screener::criteriaFromJson(json.toStdString());
  if (!c) return fail(QStringLiteral("Preset '%1' is damaged: %2").arg(name, QString::fromStdString(c.error().message)));
  setCriteria(*c);
  {
    const QSignalBlocker block(m_presets);
    m_presets->setCurrentIndex(m_presets->findData(name));
  }
  updateButtons();
  setStatus(QStringLiteral("Loaded preset '%1'. Press Enter to run.").arg(name));
  return true;
}

void ScreenerDock::onPresetActivated(int index) {
  if (index >= 0) loadPreset(m_presets->itemData(index).toString());
}

void ScreenerDock::onSaveClicked() {
  const QString current = m_presets->currentIndex() >= 0 ? m_presets->currentData().toString() : QString();
  bool ok = false;
  const QString name = QInputDialog::getText(this, QStringLiteral("Save screener preset"), QStringLiteral("Preset name:"),
                                             QLineEdit::Normal, current, &ok);
  if (ok) savePreset(name);
}

void ScreenerDock::onDeleteClicked() {
  if (m_presets->currentIndex() < 0) return;
  const QString name = m_presets->currentData().toString();
  if (QMessageBox::question(this, QStringLiteral("Delete preset"), QStringLiteral("Delete the preset '%1'?").arg(name)) ==
      QMessageBox::Yes)
    deletePreset(name);
}

void ScreenerDock::updateButtons() {
  const QString name = m_presets->currentIndex() >= 0 ? m_presets->currentData().toString() : QString();
  bool builtin = false;
  for (const Preset& p : builtinPresets()) builtin = builtin || p.name == name;
  m_delete->setEnabled(!name.isEmpty() && !builtin);
}

// ---- Export -------------------------------------------------------------------------------------------------------

bool ScreenerDock::exportCsv(const QString& path, QString* error) const {
  if (m_model->rowCount() == 0) {
    if (error) *error = QStringLiteral("no results to export: run a screen first");
    return false;
  }
  return exportViewCsv(m_view, path, error);
}

void ScreenerDock::onExportClicked() {
  if (m_model->rowCount() == 0) {
    setStatus(QStringLiteral("No results to export: run a screen first."), true);
    return;
  }
  const QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
  const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Export screener results"),
                                                    dir + QStringLiteral("/screener.csv"),
                                                    QStringLiteral("CSV files (*.csv);;All files (*)"));
  if (path.isEmpty()) return;
  QString error;
  if (exportCsv(path, &error)) setStatus(QStringLiteral("Exported %1 rows to %2.").arg(m_model->rowCount()).arg(path));
  else setStatus(error, true);
}

void ScreenerDock::setStatus(const QString& text, bool error) {
  m_status->setText(text);
  m_status->setToolTip({});
  m_status->setStyleSheet(error ? QStringLiteral("QLabel { color: %1; }").arg(format::downColor().name()) : QString());
}

}  // namespace meridian::ui
