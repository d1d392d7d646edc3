#include "ui/mainwindow/SettingsDialog.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include <QHeaderView>
#include <QSettings>
#include <QTableWidget>

#include "core/common/Config.h"
#include "core/common/ConfigKeys.h"
#include "core/common/SecretStore.h"
#include "core/contract/NotificationRules.h"

namespace meridian::ui {
namespace {

QString sourceName(common::Config::Source s) {
  switch (s) {
    case common::Config::Source::Default: return QStringLiteral("default");
    case common::Config::Source::File: return QStringLiteral("file");
    case common::Config::Source::Environment: return QStringLiteral("environment");
    case common::Config::Source::Runtime: return QStringLiteral("runtime");
  }
  return {};
}

QString objectKey(const QString& key) {
  QString k = key;
  k.replace(QLatin1Char('.'), QLatin1Char('_'));
  return k;
}

}  // namespace

SettingsDialog::SettingsDialog(const common::Config& config, QWidget* parent)
    : SettingsDialog(config, std::make_shared<common::SecretStore>(common::makeSystemSecretBackend()), parent) {}

SettingsDialog::SettingsDialog(const common::Config& config, std::shared_ptr<common::SecretStore> secrets,
                               QWidget* parent)
    : SettingsDialog(config, std::move(secrets), QString(), nullptr, parent) {}

SettingsDialog::SettingsDialog(const common::Config& config, std::shared_ptr<common::SecretStore> secrets,
                               QString configPath, common::Config* writable, QWidget* parent)
    : QDialog(parent), m_secrets(std::move(secrets)), m_configPath(std::move(configPath)), m_writable(writable) {
  setObjectName(QStringLiteral("SettingsDialog"));
  setWindowTitle(QStringLiteral("Settings"));
  resize(820, 820);

  auto* layout = new QVBoxLayout(this);
  auto* intro = new QLabel(
      QStringLiteral("Effective configuration (defaults &lt; INI file &lt; environment). Secrets are shown as ***; "
                     "they come from the environment or the OS keychain, never from the INI file."),
      this);
  intro->setWordWrap(true);
  layout->addWidget(intro);

  QStringList lines;
  for (const QString& line : config.dumpRedacted()) {
    const QString key = line.section(QLatin1Char('='), 0, 0);
    lines << QStringLiteral("%1    # %2").arg(line, sourceName(config.sourceOf(key)));
  }
  if (!config.warnings().isEmpty()) {
    lines << QString() << QStringLiteral("# Warnings while loading:");
    for (const QString& w : config.warnings()) lines << QStringLiteral("#   ") + w;
  }

  auto* text = new QPlainTextEdit(this);
  text->setObjectName(QStringLiteral("settingsText"));
  text->setReadOnly(true);
  text->setLineWrapMode(QPlainTextEdit::NoWrap);
  text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  text->setPlainText(lines.join(QLatin1Char('\n')));
  layout->addWidget(text, 1);
  buildNotifications(config, layout);

  // ---- Secrets ------------------------------------------------------------------------------------------------------
  auto* box = new QGroupBox(QStringLiteral("Secrets"), this);
  box->setObjectName(QStringLiteral("secretsBox"));
  auto* grid = new QGridLayout(box);
  m_keychain = new QLabel(box);
  m_keychain->setObjectName(QStringLiteral("keychainStatus"));
  m_keychain->setWordWrap(true);
  grid->addWidget(m_keychain, 0, 0, 1, 5);
  int row = 1;
  for (const common::SecretSpec& spec : common::knownSecrets()) {
    Row r;
    auto* name = new QLabel(spec.label, box);
    r.status = new QLabel(box);
    r.status->setObjectName(QStringLiteral("secretStatus_") + objectKey(spec.key));
    r.status->setToolTip(QStringLiteral("Environment variables checked first: %1").arg(spec.envVars.join(QStringLiteral(", "))));
    r.edit = new QLineEdit(box);
    r.edit->setObjectName(QStringLiteral("secretEdit_") + objectKey(spec.key));
    r.edit->setEchoMode(QLineEdit::Password);
    r.edit->setPlaceholderText(QStringLiteral("new value"));
    r.edit->setAttribute(Qt::WA_InputMethodEnabled, false);  // no IME history of the typed secret
    name->setBuddy(r.edit);
    r.store = new QPushButton(QStringLiteral("Store in keychain"), box);
    r.store->setObjectName(QStringLiteral("secretStore_") + objectKey(spec.key));
    r.clear = new QPushButton(QStringLiteral("Clear"), box);
    r.clear->setObjectName(QStringLiteral("secretClear_") + objectKey(spec.key));
    r.clear->setToolTip(QStringLiteral("Remove it from the keychain (the environment is not changed)"));
    const QString key = spec.key;
    connect(r.store, &QPushButton::clicked, this, [this, key] { onStore(key); });
    connect(r.edit, &QLineEdit::returnPressed, this, [this, key] { onStore(key); });
    connect(r.clear, &QPushButton::clicked, this, [this, key] { onClear(key); });
    grid->addWidget(name, row, 0);
    grid->addWidget(r.status, row, 1);
    grid->addWidget(r.edit, row, 2);
    grid->addWidget(r.store, row, 3);
    grid->addWidget(r.clear, row, 4);
    m_rows.insert(spec.key, r);
    ++row;
  }
  m_result = new QLabel(box);
  m_result->setObjectName(QStringLiteral("secretResult"));
  m_result->setWordWrap(true);
  grid->addWidget(m_result, row, 0, 1, 5);
  grid->setColumnStretch(1, 1);
  grid->setColumnStretch(2, 1);
  layout->addWidget(box);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons);
  refreshSecrets();
}

void SettingsDialog::refreshSecrets() {
  QString why;
  const bool available = m_secrets && m_secrets->keychainAvailable(&why);
  // Why there is no keychain is said once, here, with what to do instead; the rows only say where each value is.
  QStringList envVars;
  for (const common::SecretSpec& spec : common::knownSecrets())
    if (!spec.envVars.isEmpty()) envVars << spec.envVars.last();  // the vendor's usual name (APCA_API_KEY_ID, ...)
  m_keychain->setText(
      available ? QStringLiteral("OS keychain available. Changes take effect at the next start.")
                : QStringLiteral("<b>No OS keychain</b> (%1). Meridian stores secrets in the desktop's keychain service "
                                 "(Secret Service: GNOME Keyring or KWallet on Linux, Keychain on macOS, Credential "
                                 "Manager on Windows), and none answers in this session. Nothing is lost: give the "
                                 "secrets as environment variables instead (%2), e.g. in the shell or the systemd "
                                 "EnvironmentFile that starts Meridian.")
                      .arg(why.toHtmlEscaped(), envVars.join(QStringLiteral(", "))));
  m_keychain->setTextFormat(Qt::RichText);
  for (auto it = m_rows.begin(); it != m_rows.end(); ++it) {
    const common::SecretStatus s = m_secrets ? m_secrets->status(it.key()) : common::SecretStatus{};
    it->status->setText(!available && s.source == common::SecretSource::None ? QStringLiteral("not set") : s.text);
    it->edit->setEnabled(available);
    it->store->setEnabled(available);
    it->clear->setEnabled(available && s.source == common::SecretSource::Keychain);
  }
}

void SettingsDialog::showResult(const QString& text, bool error) {
  m_result->setText(text);
  m_result->setForegroundRole(error ? QPalette::BrightText : QPalette::WindowText);
  m_result->setStyleSheet(error ? QStringLiteral("color: #c62828;") : QString());
}

void SettingsDialog::onStore(const QString& key) {
  Row r = m_rows.value(key);
  if (!r.edit || !m_secrets) return;
  const QString value = r.edit->text();
  if (value.isEmpty()) {
    showResult(QStringLiteral("Type the new value first."), true);
    return;
  }
  const Status s = m_secrets->store(key, value);
  r.edit->clear();  // the value does not stay in the widget either way
  showResult(s.ok() ? QStringLiteral("%1 stored in the keychain.").arg(key)
                    : QStringLiteral("%1 not stored: %2").arg(key, QString::fromStdString(s.error().message)),
             !s.ok());
  refreshSecrets();
}

void SettingsDialog::onClear(const QString& key) {
  if (!m_secrets) return;
  const Status s = m_secrets->clear(key);
  showResult(s.ok() ? QStringLiteral("%1 removed from the keychain.").arg(key)
                    : QStringLiteral("%1 not removed: %2").arg(key, QString::fromStdString(s.error().message)),
             !s.ok());
  refreshSecrets();
}

// ---- Notifications ---------------------------------------------------------------------------------------------

namespace {
constexpr std::uint8_t kChannelColumns[] = {contract::kNotifyInApp, contract::kNotifyTray, contract::kNotifyEmail, contract::kNotifyWebhook};
constexpr int kFirstChannelColumn = 2;
}  // namespace

void SettingsDialog::buildNotifications(const common::Config& config, QVBoxLayout* layout) {
  auto* box = new QGroupBox(QStringLiteral("Notifications"), this);
  box->setObjectName(QStringLiteral("notificationsBox"));
  auto* v = new QVBoxLayout(box);
  auto* intro = new QLabel(QStringLiteral("Which events notify on which channel (notify.on_<event>). Email needs "
                                          "notify.smtp_*, the webhook notify.webhook_url. Saved rules apply at the next start."),
                           box);
  intro->setWordWrap(true);
  v->addWidget(intro);
  const auto events = contract::NotificationRules::events();
  m_rules = new QTableWidget(int(events.size()), kFirstChannelColumn + 4, box);
  m_rules->setObjectName(QStringLiteral("notificationRules"));
  m_rules->setHorizontalHeaderLabels({QStringLiteral("Event"), QStringLiteral("Severity"), QStringLiteral("In-app"),
                                      QStringLiteral("Tray"), QStringLiteral("Email"), QStringLiteral("Webhook")});
  m_rules->verticalHeader()->setVisible(false);
  m_rules->setSelectionMode(QAbstractItemView::NoSelection);
  QStringList problems;
  const auto rules = contract::NotificationRules::fromConfig(config, &problems);
  for (int row = 0; row < int(events.size()); ++row) {
    const auto& e = events[std::size_t(row)];
    const QString key = contract::NotificationRules::key(e.id);
    auto* name = new QTableWidgetItem(QString::fromLatin1(e.label));
    name->setFlags(Qt::ItemIsEnabled);
    name->setData(Qt::UserRole, key);
    const bool fromEnv = config.sourceOf(key) == common::Config::Source::Environment;
    name->setToolTip(fromEnv ? QStringLiteral("%1 is set by %2, which wins over the file").arg(key, common::ConfigKeys::envName(key))
                             : key);
    m_rules->setItem(row, 0, name);
    const auto sev = contract::toString(e.severity);
    auto* severity = new QTableWidgetItem(QString::fromLatin1(sev.data(), qsizetype(sev.size())));
    severity->setFlags(Qt::ItemIsEnabled);
    m_rules->setItem(row, 1, severity);
    const std::uint8_t bits = rules.channels(e.id);
    for (int c = 0; c < 4; ++c) {
      auto* item = new QTableWidgetItem;
      item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
      item->setCheckState((bits & kChannelColumns[c]) ? Qt::Checked : Qt::Unchecked);
      m_rules->setItem(row, kFirstChannelColumn + c, item);
    }
  }
  m_rules->resizeColumnsToContents();
  m_rules->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
  v->addWidget(m_rules);
  auto* row = new QHBoxLayout;
  m_saveRules = new QPushButton(QStringLiteral("Save rules"), box);
  m_saveRules->setObjectName(QStringLiteral("saveNotificationRules"));
  m_saveRules->setEnabled(!m_configPath.isEmpty());
  m_saveRules->setToolTip(m_configPath.isEmpty() ? QStringLiteral("No configuration file to save to")
                                                 : QStringLiteral("Write the rules to %1").arg(m_configPath));
  connect(m_saveRules, &QPushButton::clicked, this, &SettingsDialog::onSaveRules);
  m_rulesResult = new QLabel(problems.join(QLatin1Char('\n')), box);
  m_rulesResult->setObjectName(QStringLiteral("rulesResult"));
  m_rulesResult->setWordWrap(true);
  row->addWidget(m_saveRules);
  row->addWidget(m_rulesResult, 1);
  v->addLayout(row);
  layout->addWidget(box);
}

QMap<QString, QString> SettingsDialog::rulesShown() const {
  QMap<QString, QString> out;
  for (int row = 0; row < m_rules->rowCount(); ++row) {
    std::uint8_t bits = 0;
    for (int c = 0; c < 4; ++c)
      if (m_rules->item(row, kFirstChannelColumn + c)->checkState() == Qt::Checked) bits |= kChannelColumns[c];
    out.insert(m_rules->item(row, 0)->data(Qt::UserRole).toString(), contract::NotificationRules::format(bits));
  }
  return out;
}

void SettingsDialog::onSaveRules() {
  if (m_configPath.isEmpty()) return;
  QSettings ini(m_configPath, QSettings::IniFormat);
  const auto shown = rulesShown();
  for (auto it = shown.cbegin(); it != shown.cend(); ++it) {
    QString raw = it.key();
    raw.replace(QLatin1Char('.'), QLatin1Char('/'));
    ini.setValue(raw, it.value());
    if (m_writable && m_writable->sourceOf(it.key()) != common::Config::Source::Environment)
      m_writable->set(it.key(), it.value(), common::Config::Source::File);
  }
  ini.sync();
  const bool ok = ini.status() == QSettings::NoError;
  m_rulesResult->setText(ok ? QStringLiteral("Saved to %1; they apply at the next start.").arg(m_configPath)
                            : QStringLiteral("Could not write %1.").arg(m_configPath));
  m_rulesResult->setStyleSheet(ok ? QString() : QStringLiteral("color: #c62828;"));
}

}  // namespace meridian::ui
