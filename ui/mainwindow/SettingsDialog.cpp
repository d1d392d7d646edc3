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

#include "core/common/Config.h"
#include "core/common/SecretStore.h"

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
    : QDialog(parent), m_secrets(std::move(secrets)) {
  setObjectName(QStringLiteral("SettingsDialog"));
  setWindowTitle(QStringLiteral("Settings"));
  resize(760, 620);

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

}  // namespace meridian::ui
