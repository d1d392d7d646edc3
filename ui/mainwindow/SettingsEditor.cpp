#include "ui/mainwindow/SettingsEditor.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTimeZone>
#include <QUrl>
#include <QVBoxLayout>

#include <cmath>

#include "core/common/Config.h"
#include "core/common/IniUpdate.h"
#include "ui/models/Formatting.h"

namespace meridian::ui {

const QList<SettingsEditor::FieldSpec>& SettingsEditor::fields() {
  static const QList<FieldSpec> kFields = {
      {"risk.max_order_qty", "Max order quantity (shares)", Kind::NonNegative, "10000"},
      {"risk.max_order_notional", "Max order notional ($)", Kind::NonNegative, "250000"},
      {"risk.max_position_qty", "Max position (shares)", Kind::NonNegative, "25000"},
      {"risk.price_band_pct", "Price band (fraction of last)", Kind::Fraction, "0.05"},
      {"risk.max_position_notional", "Max position notional ($, 0 = off)", Kind::NonNegative, "0"},
      {"risk.max_daily_loss_pct", "Max daily loss (fraction of equity)", Kind::Fraction, "0.02"},
      {"risk.drawdown_pct", "Drawdown breaker (fraction of peak)", Kind::Fraction, "0.05"},
      {"display.timezone", "Display time zone", Kind::TimeZone, "America/Chicago"},
      {"ui.theme", "Theme (light, dark)", Kind::Choice, "light", "light|dark"},
      {"market.feed", "Market feed (simulated, none)", Kind::Choice, "simulated", "simulated|none"},
      {"alpaca.feed", "Alpaca data feed (iex: IEX trades only; sip: paid, consolidated)", Kind::Choice, "iex", "iex|sip"},
      {"yahoo.base_url", "Yahoo URL", Kind::Url, "https://query1.finance.yahoo.com"},
      {"polygon.base_url", "Polygon URL", Kind::Url, "https://api.polygon.io"},
      {"alpaca.data_url", "Alpaca data URL", Kind::Url, "https://data.alpaca.markets"},
      {"broker.alpaca_url", "Alpaca broker URL", Kind::Url, "https://paper-api.alpaca.markets"},
  };
  return kFields;
}

QString SettingsEditor::check(Kind kind, const QString& raw) {
  const QString value = raw.trimmed();
  if (value.isEmpty()) return {};
  switch (kind) {
    case Kind::NonNegative:
    case Kind::Fraction: {
      bool ok = false;
      const double v = value.toDouble(&ok);
      if (!ok || !std::isfinite(v)) return QStringLiteral("not a number");
      if (v < 0.0) return QStringLiteral("must be 0 (off) or more");
      if (kind == Kind::Fraction && v > 1.0)
        return QStringLiteral("a fraction: 0.05 is 5 % (%1 would be %2 %)").arg(value, QString::number(v * 100.0));
      return {};
    }
    case Kind::TimeZone:
      return QTimeZone::isTimeZoneIdAvailable(value.toUtf8()) ? QString()
                                                               : QStringLiteral("unknown time zone (e.g. America/New_York)");
    case Kind::Choice:
      return {};  // needs the spec's choices: check(FieldSpec, value)
    case Kind::Url: {
      const QUrl url(value, QUrl::StrictMode);
      if (!url.isValid() || url.host().isEmpty() ||
          (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http")))
        return QStringLiteral("not an http(s) URL");
      return {};
    }
  }
  return {};
}

QString SettingsEditor::check(const FieldSpec& spec, const QString& raw) {
  if (spec.kind != Kind::Choice) return check(spec.kind, raw);
  const QString value = raw.trimmed().toLower();
  const QStringList allowed = QString::fromLatin1(spec.choices).split(QLatin1Char('|'));
  if (value.isEmpty() || allowed.contains(value)) return {};
  return QStringLiteral("one of: %1").arg(allowed.join(QStringLiteral(", ")));
}

SettingsEditor::SettingsEditor(common::Config& config, const QString& iniPath, QWidget* parent)
    : QGroupBox(QStringLiteral("Edit"), parent), m_config(config), m_iniPath(iniPath) {
  setObjectName(QStringLiteral("settingsEditor"));
  auto* layout = new QVBoxLayout(this);
  auto* form = new QFormLayout;
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  for (const FieldSpec& spec : fields()) {
    Row row{spec, new QLineEdit(this), new QLabel(this)};
    const QString key = QString::fromLatin1(spec.key);
    row.edit->setObjectName(QStringLiteral("settingEdit_") + QString(key).replace(QLatin1Char('.'), QLatin1Char('_')));
    row.edit->setText(config.value(key));
    row.edit->setPlaceholderText(QStringLiteral("default: %1").arg(QLatin1String(spec.placeholder)));
    row.edit->setToolTip(key);
    row.edit->setEnabled(!iniPath.isEmpty());
    row.error->setObjectName(QStringLiteral("settingError_") + QString(key).replace(QLatin1Char('.'), QLatin1Char('_')));
    row.error->setStyleSheet(QStringLiteral("color: %1;").arg(format::downColor().name()));
    auto* cell = new QHBoxLayout;
    cell->addWidget(row.edit, 1);
    cell->addWidget(row.error);
    form->addRow(QString::fromLatin1(spec.label), cell);
    m_rows.append(row);
    const int i = static_cast<int>(m_rows.size()) - 1;
    connect(row.edit, &QLineEdit::textChanged, this, [this, i] { validate(m_rows[i]); });
  }
  layout->addLayout(form);
  auto* bottom = new QHBoxLayout;
  m_result = new QLabel(this);
  m_result->setObjectName(QStringLiteral("settingsEditorResult"));
  m_result->setWordWrap(true);
  m_save = new QPushButton(QStringLiteral("Sa&ve"), this);
  m_save->setObjectName(QStringLiteral("settingsSaveButton"));
  m_save->setEnabled(!iniPath.isEmpty());
  m_save->setToolTip(QStringLiteral("Write these settings to %1").arg(iniPath));
  connect(m_save, &QPushButton::clicked, this, &SettingsEditor::save);
  bottom->addWidget(m_result, 1);
  bottom->addWidget(m_save);
  layout->addLayout(bottom);
  m_result->setText(iniPath.isEmpty()
                        ? QStringLiteral("No settings file: these values come from defaults and the environment.")
                        : QStringLiteral("Saved to %1. The display time zone, the theme and the risk limits change at once "
                                         "(attached: this window's pre-checks; the server keeps its own); the feeds "
                                         "and the data providers use new values at the next start.")
                              .arg(iniPath));
}

void SettingsEditor::validate(Row& row) {
  const QString why = check(row.spec, row.edit->text());
  row.error->setText(why);
  row.edit->setProperty("invalid", !why.isEmpty());
  row.edit->setStyleSheet(why.isEmpty() ? QString() : QStringLiteral("QLineEdit { border: 1px solid %1; }").arg(format::downColor().name()));
}

QLineEdit* SettingsEditor::edit(const QString& key) const {
  for (const Row& r : m_rows)
    if (key == QLatin1String(r.spec.key)) return r.edit;
  return nullptr;
}

QLabel* SettingsEditor::errorLabel(const QString& key) const {
  for (const Row& r : m_rows)
    if (key == QLatin1String(r.spec.key)) return r.error;
  return nullptr;
}

bool SettingsEditor::save() {
  QStringList invalid;
  QList<QPair<QString, QString>> changed;
  for (Row& r : m_rows) {
    validate(r);
    const QString key = QString::fromLatin1(r.spec.key);
    QString value = r.edit->text().trimmed();
    if (r.spec.kind == Kind::Choice) value = value.toLower();
    if (!r.error->text().isEmpty()) invalid << QStringLiteral("%1: %2").arg(key, r.error->text());
    else if (value != m_config.value(key)) changed.append({key, value});
  }
  const auto show = [this](const QString& text, bool error) {
    m_result->setText(text);
    m_result->setStyleSheet(error ? QStringLiteral("color: %1;").arg(format::downColor().name()) : QString());
    m_result->setProperty("error", error);
  };
  if (!invalid.isEmpty()) {
    show(QStringLiteral("Not saved: %1").arg(invalid.join(QStringLiteral("; "))), true);
    return false;
  }
  if (m_iniPath.isEmpty()) {
    show(QStringLiteral("Not saved: no settings file."), true);
    return false;
  }
  if (changed.isEmpty()) {
    show(QStringLiteral("Nothing changed."), false);
    return true;
  }
  if (const Status s = common::updateIniValues(m_iniPath, changed); !s.ok()) {
    show(QStringLiteral("Not saved: %1").arg(QString::fromStdString(s.error().message)), true);
    return false;
  }
  QStringList keys;
  for (const auto& [key, value] : changed) {
    m_config.set(key, value, common::Config::Source::File);
    keys << key;
  }
  show(QStringLiteral("Saved %1 to %2.").arg(keys.join(QStringLiteral(", ")), m_iniPath), false);
  Q_EMIT applied(keys);
  return true;
}

}  // namespace meridian::ui
