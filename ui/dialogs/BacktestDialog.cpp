#include "ui/dialogs/BacktestDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QSettings>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QStandardPaths>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <functional>

#include "core/backtest/BarSeriesLoader.h"
#include "ui/bridge/UiBridge.h"
#include "ui/models/Formatting.h"
#include "ui/widgets/StoredSeriesPicker.h"

namespace meridian::ui {
namespace {

constexpr const char* kLastDirKey = "backtest/lastCsvDir";

enum CommissionKind { NoCommission, PerShare, PercentOfNotional, PerOrder };
enum SizingMode { Shares, PercentOfEquity };

int decimalsFor(double step) {
  int d = 2;
  while (d < 6 && std::abs(step * std::pow(10.0, d) - std::round(step * std::pow(10.0, d))) > 1e-9) ++d;
  return d;
}

QAbstractSpinBox* makeSpin(const strategy::ParamSpec& s, double value, QWidget* parent) {
  if (s.integer) {
    auto* sb = new QSpinBox(parent);
    constexpr double kIntLimit = 1e9;
    sb->setRange(static_cast<int>(std::ceil(std::max(s.min, -kIntLimit))),
                 static_cast<int>(std::floor(std::min(s.max, kIntLimit))));
    sb->setSingleStep(std::max(1, static_cast<int>(std::lround(s.step))));
    sb->setValue(static_cast<int>(std::lround(value)));
    return sb;
  }
  auto* sb = new QDoubleSpinBox(parent);
  sb->setDecimals(decimalsFor(s.step));
  sb->setRange(s.min, s.max);
  sb->setSingleStep(s.step > 0 ? s.step : 0.1);
  sb->setValue(value);
  return sb;
}

QAbstractSpinBox* makeStepSpin(const strategy::ParamSpec& s, double value, QWidget* parent) {
  const double span = std::max(s.max - s.min, s.integer ? 1.0 : 1e-6);
  if (s.integer) {
    auto* sb = new QSpinBox(parent);
    sb->setRange(1, std::max(1, static_cast<int>(std::min(span, 1e9))));
    sb->setValue(std::max(1, static_cast<int>(std::lround(value))));
    return sb;
  }
  auto* sb = new QDoubleSpinBox(parent);
  sb->setDecimals(decimalsFor(s.step));
  sb->setRange(std::pow(10.0, -sb->decimals()), span);
  sb->setSingleStep(s.step > 0 ? s.step : 0.1);
  sb->setValue(value > 0 ? value : s.step);
  return sb;
}

double spinValue(const QAbstractSpinBox* w) {
  if (const auto* i = qobject_cast<const QSpinBox*>(w)) return i->value();
  if (const auto* d = qobject_cast<const QDoubleSpinBox*>(w)) return d->value();
  return 0.0;
}

void connectChanged(QAbstractSpinBox* w, QObject* receiver, const std::function<void()>& fn) {
  if (auto* i = qobject_cast<QSpinBox*>(w)) QObject::connect(i, &QSpinBox::valueChanged, receiver, fn);
  else if (auto* d = qobject_cast<QDoubleSpinBox*>(w)) QObject::connect(d, &QDoubleSpinBox::valueChanged, receiver, fn);
}

QString phaseText(const contract::BacktestProgress& p) {
  QString phase = format::qstr(p.phase);
  if (!phase.isEmpty()) phase[0] = phase[0].toUpper();
  if (p.total == 0) return phase + QStringLiteral("…");
  const char* unit = p.phase == "optimizing" ? "combinations" : p.phase == "walk-forward" ? "windows"
                     : p.phase == "loading"  ? "files"
                                             : "bars";
  return QStringLiteral("%1: %2 / %3 %4")
      .arg(phase, QLocale().toString(qulonglong(p.done)), QLocale().toString(qulonglong(p.total)),
           QString::fromLatin1(unit));
}

}  // namespace

QString BacktestDialog::modeTitle(Mode mode) {
  switch (mode) {
    case Mode::Backtest: return QStringLiteral("Run Backtest");
    case Mode::Optimize: return QStringLiteral("Optimize Parameters");
    case Mode::WalkForward: return QStringLiteral("Walk-forward Analysis");
  }
  return {};
}

BacktestDialog::BacktestDialog(Mode mode, UiBridge* bridge, QString settingsOrganization, QString settingsApplication,
                               QWidget* parent)
    : QDialog(parent),
      m_mode(mode),
      m_bridge(bridge),
      m_settingsOrganization(std::move(settingsOrganization)),
      m_settingsApplication(std::move(settingsApplication)) {
  setObjectName(mode == Mode::Backtest   ? QStringLiteral("BacktestDialog")
                : mode == Mode::Optimize ? QStringLiteral("OptimizeDialog")
                                         : QStringLiteral("WalkForwardDialog"));
  setWindowTitle(modeTitle(mode));
  setModal(false);
  m_noAnswer.setSingleShot(true);
  m_noAnswer.setInterval(kNoAnswerMs);
  connect(&m_noAnswer, &QTimer::timeout, this, &BacktestDialog::onNoAnswer);
  buildForm();
  loadSettings();
  setRunning(false);
  if (m_bridge) {
    m_bridge->on<contract::BacktestProgress>(this, [this](const Batch<contract::BacktestProgress>& b) {
      onBacktestProgress(values(b));
    });
    m_bridge->on<contract::BacktestFinished>(this, [this](const Batch<contract::BacktestFinished>& b) {
      for (const auto& f : b) onBacktestFinished(f);
    });
  }
}

BacktestDialog::~BacktestDialog() { saveSettings(); }

// ---- Form -------------------------------------------------------------------------------------------------------

void BacktestDialog::buildForm() {
  auto* root = new QVBoxLayout(this);
  root->setSpacing(8);
  root->setSizeConstraint(QLayout::SetMinimumSize);  // grow (never squeeze) when the error line appears

  // Strategy
  auto* top = new QFormLayout;
  top->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  m_strategy = new QComboBox(this);
  m_strategy->setObjectName(QStringLiteral("strategyCombo"));
  for (const auto& info : strategy::StrategyRegistry::builtin().all())
    m_strategy->addItem(format::qstr(info.name), format::qstr(info.name));
  m_strategyHelp = new QLabel(this);
  m_strategyHelp->setObjectName(QStringLiteral("strategyHelp"));
  m_strategyHelp->setWordWrap(true);
  m_strategyHelp->setEnabled(false);
  auto* strategyLabel = new QLabel(QStringLiteral("&Strategy:"), this);
  strategyLabel->setBuddy(m_strategy);
  top->addRow(strategyLabel, m_strategy);
  top->addRow(QString(), m_strategyHelp);
  root->addLayout(top);

  // Parameters (rebuilt per strategy)
  m_paramsBox = new QGroupBox(gridMode() ? QStringLiteral("Parameter grid (from / to / step)")
                                         : QStringLiteral("Parameters"),
                              this);
  m_paramsBox->setObjectName(QStringLiteral("paramsBox"));
  m_paramsForm = new QFormLayout(m_paramsBox);
  m_paramsForm->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  root->addWidget(m_paramsBox);
  if (gridMode()) {
    auto* opt = new QGroupBox(m_mode == Mode::Optimize ? QStringLiteral("Optimizer") : QStringLiteral("Walk-forward"), this);
    auto* f = new QFormLayout(opt);
    m_gridSize = new QLabel(opt);
    m_gridSize->setObjectName(QStringLiteral("gridSizeLabel"));
    m_objective = new QComboBox(opt);
    m_objective->setObjectName(QStringLiteral("objectiveCombo"));
    for (auto o : {backtest::Objective::Sharpe, backtest::Objective::Sortino, backtest::Objective::TotalReturn,
                   backtest::Objective::Cagr, backtest::Objective::Calmar, backtest::Objective::FinalValue,
                   backtest::Objective::ProfitFactor, backtest::Objective::MaxDrawdown})
      m_objective->addItem(format::qstr(backtest::toString(o)), static_cast<int>(o));
    m_objective->setToolTip(QStringLiteral("Score to maximise (max_drawdown: the smallest drawdown wins)"));
    m_threads = new QSpinBox(opt);
    m_threads->setObjectName(QStringLiteral("threadsSpin"));
    m_threads->setRange(0, 256);
    m_threads->setSpecialValueText(QStringLiteral("all cores"));
    auto* objLabel = new QLabel(QStringLiteral("O&bjective:"), opt);
    objLabel->setBuddy(m_objective);
    auto* thrLabel = new QLabel(QStringLiteral("Thr&eads:"), opt);
    thrLabel->setBuddy(m_threads);
    f->addRow(QStringLiteral("Grid:"), m_gridSize);
    f->addRow(objLabel, m_objective);
    f->addRow(thrLabel, m_threads);
    if (m_mode == Mode::WalkForward) {
      m_inSample = new QSpinBox(opt);
      m_inSample->setObjectName(QStringLiteral("inSampleSpin"));
      m_inSample->setRange(10, 1'000'000);
      m_inSample->setValue(504);
      m_inSample->setSuffix(QStringLiteral(" bars"));
      m_outOfSample = new QSpinBox(opt);
      m_outOfSample->setObjectName(QStringLiteral("outOfSampleSpin"));
      m_outOfSample->setRange(1, 1'000'000);
      m_outOfSample->setValue(126);
      m_outOfSample->setSuffix(QStringLiteral(" bars"));
      m_anchored = new QCheckBox(QStringLiteral("&Anchored (every in-sample window starts at the first bar)"), opt);
      m_anchored->setObjectName(QStringLiteral("anchoredCheck"));
      auto* isLabel = new QLabel(QStringLiteral("&In-sample:"), opt);
      isLabel->setBuddy(m_inSample);
      auto* oosLabel = new QLabel(QStringLiteral("Ou&t-of-sample:"), opt);
      oosLabel->setBuddy(m_outOfSample);
      f->addRow(isLabel, m_inSample);
      f->addRow(oosLabel, m_outOfSample);
      f->addRow(QString(), m_anchored);
    }
    root->addWidget(opt);
  }

  // Data
  auto* dataBox = new QGroupBox(QStringLiteral("Data"), this);
  auto* df = new QFormLayout(dataBox);
  df->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  m_csvFiles = new QLineEdit(dataBox);
  m_csvFiles->setObjectName(QStringLiteral("csvFilesEdit"));
  m_csvFiles->setPlaceholderText(QStringLiteral("Daily CSV file(s), separated by ';' (SYM=FILE names a series)"));
  m_csvFiles->setClearButtonEnabled(true);
  m_browse = new QPushButton(QStringLiteral("Bro&wse…"), dataBox);
  m_browse->setObjectName(QStringLiteral("browseButton"));
  m_browse->setAutoDefault(false);
  connect(m_browse, &QPushButton::clicked, this, &BacktestDialog::onBrowse);
  auto* fileRow = new QHBoxLayout;
  fileRow->addWidget(m_csvFiles, 1);
  fileRow->addWidget(m_browse);
  auto* fileLabel = new QLabel(QStringLiteral("CSV &files:"), dataBox);
  fileLabel->setBuddy(m_csvFiles);
  df->addRow(fileLabel, fileRow);
  m_adjusted = new QCheckBox(QStringLiteral("Use A&dj Close-adjusted prices"), dataBox);
  m_adjusted->setObjectName(QStringLiteral("adjustedCheck"));
  m_adjusted->setToolTip(QStringLiteral("CSV files only: a stored series is used as stored (its source says whether "
                                        "it is adjusted)"));
  df->addRow(QString(), m_adjusted);
  m_stored = new StoredSeriesPicker(m_bridge, dataBox);
  auto* storedLabel = new QLabel(QStringLiteral("&Stored series:"), dataBox);
  storedLabel->setBuddy(m_stored->searchEdit());
  df->addRow(storedLabel, m_stored);
  const auto* dateValidator =
      new QRegularExpressionValidator(QRegularExpression(QStringLiteral("^$|^\\d{4}-\\d{2}-\\d{2}$")), this);
  m_from = new QLineEdit(dataBox);
  m_from->setObjectName(QStringLiteral("fromDateEdit"));
  m_from->setPlaceholderText(QStringLiteral("YYYY-MM-DD (first bar)"));
  m_from->setValidator(dateValidator);
  m_to = new QLineEdit(dataBox);
  m_to->setObjectName(QStringLiteral("toDateEdit"));
  m_to->setPlaceholderText(QStringLiteral("YYYY-MM-DD (last bar)"));
  m_to->setValidator(dateValidator);
  auto* dates = new QHBoxLayout;
  dates->addWidget(m_from);
  auto* toLabel = new QLabel(QStringLiteral("t&o"), dataBox);
  toLabel->setBuddy(m_to);
  dates->addWidget(toLabel);
  dates->addWidget(m_to);
  auto* fromLabel = new QLabel(QStringLiteral("Date ran&ge:"), dataBox);
  fromLabel->setBuddy(m_from);
  df->addRow(fromLabel, dates);
  root->addWidget(dataBox);
  // One data selection for the three dialogs: every change is kept at once.
  connect(m_csvFiles, &QLineEdit::textEdited, this, [this] { saveDataSelection(); });
  connect(m_adjusted, &QCheckBox::toggled, this, [this] { saveDataSelection(); });
  connect(m_from, &QLineEdit::textEdited, this, [this] { saveDataSelection(); });
  connect(m_to, &QLineEdit::textEdited, this, [this] { saveDataSelection(); });
  connect(m_stored, &StoredSeriesPicker::selectionChanged, this, [this] { saveDataSelection(); });

  // Capital and costs
  auto* costBox = new QGroupBox(QStringLiteral("Capital and costs"), this);
  auto* cf = new QFormLayout(costBox);
  cf->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  m_cash = new QDoubleSpinBox(costBox);
  m_cash->setObjectName(QStringLiteral("cashSpin"));
  m_cash->setRange(1.0, 1e12);
  m_cash->setDecimals(2);
  m_cash->setGroupSeparatorShown(true);
  m_cash->setSingleStep(10'000);
  m_cash->setValue(100'000);
  m_cash->setPrefix(QStringLiteral("$ "));
  auto* cashLabel = new QLabel(QStringLiteral("Initial cas&h:"), costBox);
  cashLabel->setBuddy(m_cash);
  cf->addRow(cashLabel, m_cash);

  m_sizingMode = new QComboBox(costBox);
  m_sizingMode->setObjectName(QStringLiteral("sizingCombo"));
  m_sizingMode->addItem(QStringLiteral("Shares per entry"), Shares);
  m_sizingMode->addItem(QStringLiteral("% of equity per entry"), PercentOfEquity);
  m_sizingValue = new QDoubleSpinBox(costBox);
  m_sizingValue->setObjectName(QStringLiteral("sizingValueSpin"));
  m_sizingValue->setRange(0.0001, 1e9);
  m_sizingValue->setDecimals(2);
  m_sizingValue->setValue(100);
  auto* sizeRow = new QHBoxLayout;
  sizeRow->addWidget(m_sizingMode);
  sizeRow->addWidget(m_sizingValue, 1);
  auto* sizeLabel = new QLabel(QStringLiteral("Si&ze:"), costBox);
  sizeLabel->setBuddy(m_sizingMode);
  cf->addRow(sizeLabel, sizeRow);
  connect(m_sizingMode, &QComboBox::currentIndexChanged, this, [this] {
    const bool pct = m_sizingMode->currentData().toInt() == PercentOfEquity;
    m_sizingValue->setSuffix(pct ? QStringLiteral(" %") : QStringLiteral(" shares"));
    m_sizingValue->setMaximum(pct ? 1000.0 : 1e9);
  });

  m_commissionKind = new QComboBox(costBox);
  m_commissionKind->setObjectName(QStringLiteral("commissionCombo"));
  m_commissionKind->addItem(QStringLiteral("None"), NoCommission);
  m_commissionKind->addItem(QStringLiteral("$ per share"), PerShare);
  m_commissionKind->addItem(QStringLiteral("% of notional"), PercentOfNotional);
  m_commissionKind->addItem(QStringLiteral("$ per order"), PerOrder);
  m_commissionValue = new QDoubleSpinBox(costBox);
  m_commissionValue->setObjectName(QStringLiteral("commissionValueSpin"));
  m_commissionValue->setRange(0.0, 1e6);
  m_commissionValue->setDecimals(4);
  m_commissionValue->setSingleStep(0.001);
  auto* commRow = new QHBoxLayout;
  commRow->addWidget(m_commissionKind);
  commRow->addWidget(m_commissionValue, 1);
  auto* commLabel = new QLabel(QStringLiteral("Co&mmission:"), costBox);
  commLabel->setBuddy(m_commissionKind);
  cf->addRow(commLabel, commRow);
  connect(m_commissionKind, &QComboBox::currentIndexChanged, this,
          [this] { m_commissionValue->setEnabled(m_commissionKind->currentData().toInt() != NoCommission); });

  m_slippage = new QDoubleSpinBox(costBox);
  m_slippage->setObjectName(QStringLiteral("slippageSpin"));
  m_slippage->setRange(0.0, 1000.0);
  m_slippage->setDecimals(1);
  m_slippage->setSuffix(QStringLiteral(" bps"));
  auto* slipLabel = new QLabel(QStringLiteral("Sli&ppage:"), costBox);
  slipLabel->setBuddy(m_slippage);
  cf->addRow(slipLabel, m_slippage);
  m_allowShort = new QCheckBox(QStringLiteral("Allow short se&lling"), costBox);
  m_allowShort->setObjectName(QStringLiteral("allowShortCheck"));
  m_allowShort->setChecked(true);
  cf->addRow(QString(), m_allowShort);
  root->addWidget(costBox);

  // Feedback and buttons
  m_error = new QLabel(this);
  m_error->setObjectName(QStringLiteral("errorLabel"));
  m_error->setWordWrap(true);
  m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_error->setStyleSheet(QStringLiteral("QLabel { color: %1; font-weight: bold; }").arg(format::downColor().name()));
  m_error->hide();
  root->addWidget(m_error);

  auto* progressRow = new QHBoxLayout;
  m_status = new QLabel(QStringLiteral("Ready"), this);
  m_status->setObjectName(QStringLiteral("statusLabel"));
  m_progress = new QProgressBar(this);
  m_progress->setObjectName(QStringLiteral("progressBar"));
  m_progress->setRange(0, 100);
  m_progress->setValue(0);
  m_progress->setTextVisible(true);
  progressRow->addWidget(m_status, 1);
  progressRow->addWidget(m_progress, 1);
  root->addLayout(progressRow);

  auto* buttons = new QDialogButtonBox(this);
  m_run = buttons->addButton(gridMode() ? QStringLiteral("&Run") : QStringLiteral("&Run Backtest"),
                             QDialogButtonBox::AcceptRole);
  m_run->setObjectName(QStringLiteral("runButton"));
  m_run->setDefault(true);
  m_cancel = buttons->addButton(QStringLiteral("&Cancel Run"), QDialogButtonBox::ActionRole);
  m_cancel->setObjectName(QStringLiteral("cancelButton"));
  m_cancel->setAutoDefault(false);
  m_close = buttons->addButton(QDialogButtonBox::Close);
  m_close->setObjectName(QStringLiteral("closeButton"));
  m_close->setText(QStringLiteral("Close"));  // Esc; no mnemonic, Alt+C is Cancel Run
  m_close->setToolTip(QStringLiteral("Close (Esc); a run in progress continues"));
  m_close->setAutoDefault(false);
  connect(m_run, &QPushButton::clicked, this, &BacktestDialog::onRun);
  connect(m_cancel, &QPushButton::clicked, this, &BacktestDialog::onCancel);
  connect(m_close, &QPushButton::clicked, this, &QDialog::reject);
  // The buttons are wired directly (the box's accepted()/rejected() are not connected: Run keeps the dialog open).
  root->addWidget(buttons);

  connect(m_strategy, &QComboBox::currentIndexChanged, this, &BacktestDialog::onStrategyChanged);
  setTabOrder(m_strategy, m_csvFiles);
  setMinimumWidth(560);
}

void BacktestDialog::onStrategyChanged() {
  saveParamValues();
  rebuildParams();
}

void BacktestDialog::rebuildParams() {
  m_params.clear();
  while (m_paramsForm->rowCount() > 0) m_paramsForm->removeRow(0);
  const QString name = m_strategy->currentData().toString();
  m_paramsStrategy = name;
  const strategy::StrategyInfo* info = strategy::StrategyRegistry::builtin().find(name.toStdString());
  if (!info) return;
  m_strategyHelp->setText(QStringLiteral("%1 (%2 series)")
                              .arg(format::qstr(info->description))
                              .arg(info->instruments));
  QSettings settings(m_settingsOrganization, m_settingsApplication);
  settings.beginGroup(settingsGroup() + QStringLiteral("/params/") + name);
  QWidget* previous = m_strategy;
  for (const strategy::ParamSpec& spec : info->params) {
    ParamEditors ed;
    ed.spec = spec;
    const QString pname = format::qstr(spec.name);
    const double v = settings.value(pname, spec.defaultValue).toDouble();
    auto* label = new QLabel(QStringLiteral("%1:").arg(pname), m_paramsBox);
    const QString tip = QStringLiteral("%1\nrange %2 … %3%4")
                            .arg(format::qstr(spec.help))
                            .arg(spec.min)
                            .arg(spec.max)
                            .arg(spec.integer ? QStringLiteral(", integer") : QString());
    label->setToolTip(tip);
    ed.value = makeSpin(spec, v, m_paramsBox);
    ed.value->setObjectName(QStringLiteral("param_") + pname);
    ed.value->setToolTip(tip);
    ed.value->setAccessibleName(pname);
    label->setBuddy(ed.value);
    setTabOrder(previous, ed.value);
    previous = ed.value;
    if (!gridMode()) {
      m_paramsForm->addRow(label, ed.value);
    } else {
      ed.to = makeSpin(spec, settings.value(pname + QStringLiteral("_to"), v).toDouble(), m_paramsBox);
      ed.to->setObjectName(QStringLiteral("param_%1_to").arg(pname));
      ed.to->setAccessibleName(pname + QStringLiteral(" to"));
      ed.step = makeStepSpin(spec, settings.value(pname + QStringLiteral("_step"), spec.step).toDouble(), m_paramsBox);
      ed.step->setObjectName(QStringLiteral("param_%1_step").arg(pname));
      ed.step->setAccessibleName(pname + QStringLiteral(" step"));
      ed.count = new QLabel(m_paramsBox);
      ed.count->setObjectName(QStringLiteral("param_%1_count").arg(pname));
      ed.count->setMinimumWidth(ed.count->fontMetrics().horizontalAdvance(QStringLiteral("0000 values")));
      setTabOrder(previous, ed.to);
      setTabOrder(ed.to, ed.step);
      previous = ed.step;
      auto* row = new QHBoxLayout;
      row->addWidget(ed.value, 1);
      row->addWidget(new QLabel(QStringLiteral("to"), m_paramsBox));
      row->addWidget(ed.to, 1);
      row->addWidget(new QLabel(QStringLiteral("step"), m_paramsBox));
      row->addWidget(ed.step, 1);
      row->addWidget(ed.count);
      m_paramsForm->addRow(label, row);
      for (QAbstractSpinBox* w : {ed.value, ed.to, ed.step}) connectChanged(w, this, [this] { updateGridSize(); });
    }
    m_params.push_back(ed);
  }
  if (m_params.isEmpty()) m_paramsForm->addRow(new QLabel(QStringLiteral("(no parameters)"), m_paramsBox));
  setTabOrder(previous, m_csvFiles);
  updateGridSize();
}

QAbstractSpinBox* BacktestDialog::paramEditor(const QString& name, int part) const {
  for (const ParamEditors& p : m_params) {
    if (format::qstr(p.spec.name) != name) continue;
    return part == 0 ? p.value : part == 1 ? p.to : part == 2 ? p.step : nullptr;
  }
  return nullptr;
}

void BacktestDialog::setStrategy(const QString& name) {
  const int i = m_strategy->findData(name);
  if (i >= 0) m_strategy->setCurrentIndex(i);
}

void BacktestDialog::setCsvFiles(const QStringList& files) { m_csvFiles->setText(files.join(QStringLiteral("; "))); }

QStringList BacktestDialog::csvFiles() const {
  QStringList out;
  for (const QString& f : m_csvFiles->text().split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
    const QString t = f.trimmed();
    if (!t.isEmpty()) out << t;
  }
  return out;
}

bool BacktestDialog::buildAxis(const ParamEditors& p, backtest::ParamAxis& axis, QString* error) const {
  const double from = spinValue(p.value), to = spinValue(p.to), step = spinValue(p.step);
  const QString name = format::qstr(p.spec.name);
  if (to < from) {
    if (error) *error = QStringLiteral("Parameter %1: 'to' (%2) is below 'from' (%3).").arg(name).arg(to).arg(from);
    return false;
  }
  if (!(step > 0)) {
    if (error) *error = QStringLiteral("Parameter %1: the step must be positive.").arg(name);
    return false;
  }
  axis.name = p.spec.name;
  axis.values.clear();
  const auto count = static_cast<std::size_t>(std::floor((to - from) / step + 1e-9)) + 1;
  for (std::size_t i = 0; i < count && i < 1'000'000; ++i) {
    double v = from + double(i) * step;
    if (p.spec.integer) v = std::round(v);
    axis.values.push_back(v);
  }
  return true;
}

std::size_t BacktestDialog::gridSize() const {
  if (!gridMode()) return 1;
  std::size_t n = 1;
  for (const ParamEditors& p : m_params) {
    backtest::ParamAxis axis;
    if (!buildAxis(p, axis, nullptr)) return 0;
    n *= std::max<std::size_t>(1, axis.values.size());
  }
  return n;
}

void BacktestDialog::updateGridSize() {
  if (!gridMode()) return;
  for (const ParamEditors& p : m_params) {
    backtest::ParamAxis axis;
    const bool ok = buildAxis(p, axis, nullptr);
    p.count->setText(ok ? QStringLiteral("%1 value%2").arg(axis.values.size()).arg(axis.values.size() == 1 ? "" : "s")
                        : QStringLiteral("invalid"));
  }
  const std::size_t n = gridSize();
  QString text = n == 0 ? QStringLiteral("invalid range")
                        : QStringLiteral("%1 combination%2").arg(QLocale().toString(qulonglong(n)), n == 1 ? "" : "s");
  if (n == 1) text += QStringLiteral(" (widen a from/to range to search)");
  if (n > 100'000) text += QStringLiteral(" — this will take a long time");
  m_gridSize->setText(text);
}

// ---- Command ------------------------------------------------------------------------------------------------------

bool BacktestDialog::buildCommon(std::string& strategyName, strategy::ParamSet& params, contract::DataSpec& data,
                                 backtest::BacktestConfig& config, QString* error) const {
  auto fail = [&](const QString& e) {
    if (error) *error = e;
    return false;
  };
  strategyName = m_strategy->currentData().toString().toStdString();
  const strategy::StrategyInfo* info = strategy::StrategyRegistry::builtin().find(strategyName);
  if (!info) return fail(QStringLiteral("Choose a strategy."));
  params = {};
  for (const ParamEditors& p : m_params) params.set(p.spec.name, spinValue(p.value));

  const QStringList files = csvFiles();
  const std::vector<contract::SeriesRequest> stored = m_stored->selected();
  if (files.isEmpty() && stored.empty())
    return fail(QStringLiteral("Choose a stored series or at least one CSV file (Browse…)."));
  if (static_cast<std::size_t>(files.size()) + stored.size() < info->instruments)
    return fail(QStringLiteral("Strategy %1 needs %2 series; %3 chosen.")
                    .arg(format::qstr(strategyName))
                    .arg(info->instruments)
                    .arg(static_cast<std::size_t>(files.size()) + stored.size()));
  data = {};
  data.stored = stored;
  for (const QString& f : files) {
    const backtest::CsvSpec spec = backtest::parseCsvSpec(f.toStdString());
    if (!QFileInfo(QString::fromStdString(spec.path)).isFile())
      return fail(QStringLiteral("CSV file not found: %1").arg(QString::fromStdString(spec.path)));
    data.csvFiles.push_back(f.toStdString());
  }
  data.adjusted = m_adjusted->isChecked();
  data.fromDate = m_from->text().trimmed().toStdString();
  data.toDate = m_to->text().trimmed().toStdString();
  if (!data.fromDate.empty() && !data.toDate.empty() && data.toDate < data.fromDate)
    return fail(QStringLiteral("The last date is before the first date."));

  config = {};
  config.initialCash = m_cash->value();
  config.sizing = {m_sizingMode->currentData().toInt() == PercentOfEquity ? strategy::SizingRule::Mode::PercentOfEquity
                                                                         : strategy::SizingRule::Mode::FixedQuantity,
                   m_sizingValue->value()};
  const double c = m_commissionValue->value();
  switch (m_commissionKind->currentData().toInt()) {
    case PerShare: config.fill.commission = backtest::CommissionModel::perShare(c); break;
    case PercentOfNotional: config.fill.commission = backtest::CommissionModel::percent(c / 100.0); break;
    case PerOrder: config.fill.commission = backtest::CommissionModel::fixed(c); break;
    default: break;
  }
  config.fill.slippageBps = m_slippage->value();
  config.allowShort = m_allowShort->isChecked();
  return true;
}

bool BacktestDialog::buildCommand(BacktestCommand& out, QString* error) const {
  std::string name;
  strategy::ParamSet params;
  contract::DataSpec data;
  backtest::BacktestConfig config;
  if (!buildCommon(name, params, data, config, error)) return false;
  if (m_mode == Mode::Backtest) {
    contract::RunBacktest cmd;
    cmd.strategy = name;
    cmd.params = std::move(params);
    cmd.data = std::move(data);
    cmd.config = config;
    out = std::move(cmd);
    return true;
  }
  std::vector<backtest::ParamAxis> grid;
  for (const ParamEditors& p : m_params) {
    backtest::ParamAxis axis;
    if (!buildAxis(p, axis, error)) return false;
    grid.push_back(std::move(axis));
  }
  if (grid.empty()) {
    if (error) *error = QStringLiteral("This strategy has no parameters to optimize.");
    return false;
  }
  const auto objective = static_cast<backtest::Objective>(m_objective->currentData().toInt());
  const auto threads = static_cast<unsigned>(m_threads->value());
  if (m_mode == Mode::Optimize) {
    contract::RunOptimization cmd;
    cmd.strategy = name;
    cmd.params = std::move(params);
    cmd.data = std::move(data);
    cmd.config = config;
    cmd.grid = std::move(grid);
    cmd.objective = objective;
    cmd.threads = threads;
    out = std::move(cmd);
  } else {
    contract::RunWalkForward cmd;
    cmd.strategy = name;
    cmd.params = std::move(params);
    cmd.data = std::move(data);
    cmd.config = config;
    cmd.grid = std::move(grid);
    cmd.objective = objective;
    cmd.threads = threads;
    cmd.walkForward.inSampleBars = static_cast<std::size_t>(m_inSample->value());
    cmd.walkForward.outOfSampleBars = static_cast<std::size_t>(m_outOfSample->value());
    cmd.walkForward.anchored = m_anchored->isChecked();
    out = std::move(cmd);
  }
  return true;
}

void BacktestDialog::onRun() {
  if (isRunning() || !m_bridge) return;
  BacktestCommand cmd;
  QString error;
  if (!buildCommand(cmd, &error)) {
    showError(error);
    return;
  }
  showError({});
  saveSettings();
  QString corr;
  const QString strat = m_strategy->currentText();
  if (auto* run = std::get_if<contract::RunBacktest>(&cmd)) {
    corr = m_bridge->send(*run,
                                    QStringLiteral("BACKTEST %1 (%2)").arg(strat, format::qstr(run->params.toString())));
    run->correlationId = corr.toStdString();
  } else if (auto* opt = std::get_if<contract::RunOptimization>(&cmd)) {
    corr = m_bridge->send(*opt,
                                    QStringLiteral("OPTIMIZE %1 (%2 combinations)").arg(strat).arg(gridSize()));
    opt->correlationId = corr.toStdString();
  } else if (auto* wf = std::get_if<contract::RunWalkForward>(&cmd)) {
    corr = m_bridge->send(*wf, QStringLiteral("WALK-FORWARD %1").arg(strat));
    wf->correlationId = corr.toStdString();
  }
  m_lastCommand = std::move(cmd);
  m_correlationId = corr;
  m_heardBack = false;
  setRunning(true);
  m_status->setText(QStringLiteral("Sent; waiting for the backtest service…"));
  m_noAnswer.start();
  Q_EMIT commandSent(corr);
}

void BacktestDialog::onCancel() {
  if (!isRunning() || !m_bridge) return;
  m_bridge->send(contract::CancelBacktest{m_correlationId.toStdString()},
                           QStringLiteral("CANCEL BACKTEST %1").arg(m_correlationId));
  m_status->setText(QStringLiteral("Cancelling…"));
  m_cancel->setEnabled(false);
}

void BacktestDialog::onBrowse() {
  QSettings settings(m_settingsOrganization, m_settingsApplication);
  QString dir = settings.value(QLatin1String(kLastDirKey)).toString();
  const QStringList current = csvFiles();
  if (!current.isEmpty()) {
    const backtest::CsvSpec spec = backtest::parseCsvSpec(current.front().toStdString());
    const QFileInfo fi(QString::fromStdString(spec.path));
    if (fi.dir().exists()) dir = fi.absolutePath();
  }
  if (dir.isEmpty() || !QDir(dir).exists()) dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
  const QStringList files = QFileDialog::getOpenFileNames(this, QStringLiteral("Choose CSV Files"), dir,
                                                          QStringLiteral("CSV files (*.csv *.txt);;All files (*)"));
  if (files.isEmpty()) return;
  settings.setValue(QLatin1String(kLastDirKey), QFileInfo(files.front()).absolutePath());
  setCsvFiles(files);
  m_csvFiles->setFocus();
}

// ---- Events from the service ---------------------------------------------------------------------------------------

void BacktestDialog::onBacktestProgress(const QVector<contract::BacktestProgress>& progress) {
  if (!isRunning()) return;
  for (const auto& p : progress) {
    if (format::qstr(p.correlationId) != m_correlationId) continue;
    m_heardBack = true;
    m_noAnswer.stop();
    if (m_error->property("noAnswer").toBool()) showError({});
    if (p.total > 0) {
      // QProgressBar is int-based: scale large totals.
      const double frac = double(std::min(p.done, p.total)) / double(p.total);
      m_progress->setRange(0, 1000);
      m_progress->setValue(static_cast<int>(std::lround(frac * 1000)));
    } else {
      m_progress->setRange(0, 0);  // busy
    }
    m_status->setText(phaseText(p));
  }
}

void BacktestDialog::onBacktestFinished(const std::shared_ptr<const contract::BacktestFinished>& f) {
  if (!f || !isRunning() || format::qstr(f->correlationId) != m_correlationId) return;
  m_noAnswer.stop();
  m_correlationId.clear();
  setRunning(false);
  const QString secs = QLocale().toString(f->elapsedSeconds, 'f', 2);
  if (f->ok()) {
    showError({});
    m_progress->setRange(0, 1000);
    m_progress->setValue(1000);
    QString text;
    if (f->result) {
      text = QStringLiteral("Done in %1 s: final value %2, %3 trades.").arg(secs, format::money(f->result->finalValue))
                 .arg(f->result->trades.size());
    } else if (f->optimization) {
      text = QStringLiteral("Done in %1 s: %2 combinations.").arg(secs).arg(f->optimization->result.runs.size());
    } else if (f->walkForward) {
      text = QStringLiteral("Done in %1 s: %2 windows, final value %3.")
                 .arg(secs)
                 .arg(f->walkForward->result.segments.size())
                 .arg(format::money(f->walkForward->result.finalValue));
    }
    if (!f->saveError.empty()) text += QStringLiteral(" Not saved: %1").arg(format::qstr(f->saveError));
    m_status->setText(text + QStringLiteral(" See Backtest Results."));
    m_status->setToolTip(m_status->text());
  } else if (f->cancelled()) {
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_status->setText(QStringLiteral("Cancelled after %1 s.").arg(secs));
  } else {
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_status->setText(QStringLiteral("Failed."));
    QString hint;
    if (f->errorCode == "csv.parse" || f->errorCode == "csv.open")
      hint = QStringLiteral("\nCheck the file: daily rows Date,Open,High,Low,Close[,Adj Close],Volume.");
    else if (f->errorCode.rfind("param.", 0) == 0)
      hint = QStringLiteral("\nAdjust the parameters and run again.");
    showError(QStringLiteral("%1 failed: %2%3")
                  .arg(m_mode == Mode::Backtest ? QStringLiteral("Backtest")
                       : m_mode == Mode::Optimize ? QStringLiteral("Optimization")
                                                  : QStringLiteral("Walk-forward"),
                       format::qstr(f->error), hint));
  }
}

void BacktestDialog::onNoAnswer() {
  if (!isRunning() || m_heardBack) return;
  showError(QStringLiteral("No answer from the backtest service yet. It may be busy with another run, or not running "
                           "in this session."));
  m_error->setProperty("noAnswer", true);
}

void BacktestDialog::setRunning(bool running) {
  m_run->setEnabled(!running);
  m_cancel->setEnabled(running);
  if (running) {
    m_progress->setRange(0, 0);
  }
}

void BacktestDialog::showError(const QString& text) {
  m_error->setProperty("noAnswer", false);
  m_error->setText(text);
  m_error->setVisible(!text.isEmpty());
  // Grow to fit the message rather than squeezing the form (the window keeps any larger size the user gave it).
  if (isVisible() && height() < sizeHint().height()) resize(width(), sizeHint().height());
}

// ---- Settings ------------------------------------------------------------------------------------------------------

QString BacktestDialog::settingsGroup() const {
  switch (m_mode) {
    case Mode::Backtest: return QStringLiteral("backtest/run");
    case Mode::Optimize: return QStringLiteral("backtest/optimize");
    case Mode::WalkForward: return QStringLiteral("backtest/walkforward");
  }
  return QStringLiteral("backtest/run");
}

void BacktestDialog::reloadData() {
  loadDataSelection();
  m_stored->refresh();
}

void BacktestDialog::loadDataSelection() {
  QSettings s(m_settingsOrganization, m_settingsApplication);
  // Settings of a version that kept the data per dialog are read from the dialog's own group.
  const bool shared = s.contains(QStringLiteral("backtest/data/csvFiles"));
  s.beginGroup(shared ? QStringLiteral("backtest/data") : settingsGroup());
  const QSignalBlocker block(m_adjusted);
  m_csvFiles->setText(s.value(QStringLiteral("csvFiles")).toString());
  m_adjusted->setChecked(s.value(QStringLiteral("adjusted"), false).toBool());
  m_from->setText(s.value(QStringLiteral("from")).toString());
  m_to->setText(s.value(QStringLiteral("to")).toString());
  const QSignalBlocker blockStored(m_stored);
  m_stored->setTimeframe(s.value(QStringLiteral("timeframe")).toString());
  m_stored->setSelectedKeys(s.value(QStringLiteral("storedSeries")).toStringList());
}

void BacktestDialog::saveDataSelection() const {
  QSettings s(m_settingsOrganization, m_settingsApplication);
  s.beginGroup(QStringLiteral("backtest/data"));
  s.setValue(QStringLiteral("csvFiles"), m_csvFiles->text());
  s.setValue(QStringLiteral("adjusted"), m_adjusted->isChecked());
  s.setValue(QStringLiteral("from"), m_from->text());
  s.setValue(QStringLiteral("to"), m_to->text());
  s.setValue(QStringLiteral("timeframe"), m_stored->timeframe());
  s.setValue(QStringLiteral("storedSeries"), m_stored->selectedKeys());
}

void BacktestDialog::loadSettings() {
  loadDataSelection();
  QSettings s(m_settingsOrganization, m_settingsApplication);
  s.beginGroup(settingsGroup());
  const QString strat = s.value(QStringLiteral("strategy"), QStringLiteral("sma_cross")).toString();
  m_cash->setValue(s.value(QStringLiteral("cash"), 100'000.0).toDouble());
  m_sizingMode->setCurrentIndex(std::max(0, m_sizingMode->findData(s.value(QStringLiteral("sizingMode"), int(Shares)).toInt())));
  m_sizingValue->setValue(s.value(QStringLiteral("sizingValue"), 100.0).toDouble());
  m_commissionKind->setCurrentIndex(
      std::max(0, m_commissionKind->findData(s.value(QStringLiteral("commissionKind"), int(NoCommission)).toInt())));
  m_commissionValue->setValue(s.value(QStringLiteral("commissionValue"), 0.0).toDouble());
  m_commissionValue->setEnabled(m_commissionKind->currentData().toInt() != NoCommission);
  m_slippage->setValue(s.value(QStringLiteral("slippageBps"), 0.0).toDouble());
  m_allowShort->setChecked(s.value(QStringLiteral("allowShort"), true).toBool());
  m_sizingValue->setSuffix(m_sizingMode->currentData().toInt() == PercentOfEquity ? QStringLiteral(" %")
                                                                                   : QStringLiteral(" shares"));
  if (gridMode()) {
    m_objective->setCurrentIndex(std::max(0, m_objective->findData(s.value(QStringLiteral("objective"), 0).toInt())));
    m_threads->setValue(s.value(QStringLiteral("threads"), 0).toInt());
  }
  if (m_mode == Mode::WalkForward) {
    m_inSample->setValue(s.value(QStringLiteral("inSampleBars"), 504).toInt());
    m_outOfSample->setValue(s.value(QStringLiteral("outOfSampleBars"), 126).toInt());
    m_anchored->setChecked(s.value(QStringLiteral("anchored"), false).toBool());
  }
  s.endGroup();
  const int i = m_strategy->findData(strat);
  const QSignalBlocker block(m_strategy);
  m_strategy->setCurrentIndex(i >= 0 ? i : 0);
  rebuildParams();
}

void BacktestDialog::saveParamValues() const {
  if (m_paramsStrategy.isEmpty()) return;
  QSettings s(m_settingsOrganization, m_settingsApplication);
  s.beginGroup(settingsGroup() + QStringLiteral("/params/") + m_paramsStrategy);
  for (const ParamEditors& p : m_params) {
    const QString n = format::qstr(p.spec.name);
    s.setValue(n, spinValue(p.value));
    if (p.to) s.setValue(n + QStringLiteral("_to"), spinValue(p.to));
    if (p.step) s.setValue(n + QStringLiteral("_step"), spinValue(p.step));
  }
}

void BacktestDialog::saveSettings() const {
  saveParamValues();
  saveDataSelection();
  QSettings s(m_settingsOrganization, m_settingsApplication);
  s.beginGroup(settingsGroup());
  s.setValue(QStringLiteral("strategy"), m_strategy->currentData().toString());
  s.setValue(QStringLiteral("cash"), m_cash->value());
  s.setValue(QStringLiteral("sizingMode"), m_sizingMode->currentData().toInt());
  s.setValue(QStringLiteral("sizingValue"), m_sizingValue->value());
  s.setValue(QStringLiteral("commissionKind"), m_commissionKind->currentData().toInt());
  s.setValue(QStringLiteral("commissionValue"), m_commissionValue->value());
  s.setValue(QStringLiteral("slippageBps"), m_slippage->value());
  s.setValue(QStringLiteral("allowShort"), m_allowShort->isChecked());
  if (gridMode()) {
    s.setValue(QStringLiteral("objective"), m_objective->currentData().toInt());
    s.setValue(QStringLiteral("threads"), m_threads->value());
  }
  if (m_mode == Mode::WalkForward) {
    s.setValue(QStringLiteral("inSampleBars"), m_inSample->value());
    s.setValue(QStringLiteral("outOfSampleBars"), m_outOfSample->value());
    s.setValue(QStringLiteral("anchored"), m_anchored->isChecked());
  }
  // A successful Browse… sets the last directory; a typed path counts too.
  const QStringList files = csvFiles();
  if (!files.isEmpty()) {
    const QFileInfo fi(QString::fromStdString(backtest::parseCsvSpec(files.front().toStdString()).path));
    if (fi.isFile()) QSettings(m_settingsOrganization, m_settingsApplication).setValue(QLatin1String(kLastDirKey), fi.absolutePath());
  }
}

}  // namespace meridian::ui
