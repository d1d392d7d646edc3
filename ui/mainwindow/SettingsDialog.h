#pragma once
// Settings: the effective configuration (Config::dumpRedacted: secrets shown as ***), its sources and the warnings
// produced while loading it, plus the secrets section: for each known secret (Alpaca key id / secret, Polygon key,
// PostgreSQL password) where it comes from ("from env (VAR)", "stored in keychain", "not set", "keychain
// unavailable: ...") and fields to store it in / clear it from the OS keychain. Values are never shown or kept in
// QSettings; the entry field is cleared once stored.
// Notifications: the rule table (notify.on_<event>): one row per event, its severity, and a check box per channel
// (in-app, tray, email, webhook). "Save rules" writes the changed rules to the INI file given (configPath) and to
// the running configuration; the notifier reads them at the next start. An environment variable still wins.
#include <QDialog>
#include <QHash>
#include <QMap>

#include <memory>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

class QVBoxLayout;

namespace meridian::common {
class Config;
class SecretStore;
}  // namespace meridian::common

namespace meridian::ui {

class SettingsDialog : public QDialog {
  Q_OBJECT

 public:
  // Uses the OS keychain (common::makeSystemSecretBackend).
  explicit SettingsDialog(const common::Config& config, QWidget* parent = nullptr);
  SettingsDialog(const common::Config& config, std::shared_ptr<common::SecretStore> secrets, QWidget* parent = nullptr);
  // With the INI file the rules are saved to, and the configuration they are applied to (may be null).
  SettingsDialog(const common::Config& config, std::shared_ptr<common::SecretStore> secrets, QString configPath,
                 common::Config* writable, QWidget* parent = nullptr);

  QTableWidget* notificationRules() const { return m_rules; }
  QPushButton* saveRulesButton() const { return m_saveRules; }
  QLabel* rulesResult() const { return m_rulesResult; }
  // The rules as the table shows them: notify.on_<event> -> "in_app,tray,..." (or "none").
  QMap<QString, QString> rulesShown() const;

  QLabel* secretStatusLabel(const QString& key) const { return m_rows.value(key).status; }
  QLineEdit* secretEdit(const QString& key) const { return m_rows.value(key).edit; }
  QPushButton* secretStoreButton(const QString& key) const { return m_rows.value(key).store; }
  QPushButton* secretClearButton(const QString& key) const { return m_rows.value(key).clear; }
  QLabel* keychainLabel() const { return m_keychain; }

 private Q_SLOTS:
  void onStore(const QString& key);
  void onClear(const QString& key);
  void onSaveRules();

 private:
  struct Row {
    QLabel* status = nullptr;
    QLineEdit* edit = nullptr;
    QPushButton* store = nullptr;
    QPushButton* clear = nullptr;
  };
  void refreshSecrets();
  void showResult(const QString& text, bool error);
  void buildNotifications(const common::Config& config, QVBoxLayout* layout);

  std::shared_ptr<common::SecretStore> m_secrets;
  QHash<QString, Row> m_rows;
  QLabel* m_keychain = nullptr;
  QLabel* m_result = nullptr;
  QString m_configPath;
  common::Config* m_writable = nullptr;
  QTableWidget* m_rules = nullptr;
  QPushButton* m_saveRules = nullptr;
  QLabel* m_rulesResult = nullptr;
};

}  // namespace meridian::ui
