#pragma once
// Settings: the effective configuration (Config::dumpRedacted: secrets shown as ***), its sources and the warnings
// produced while loading it, plus the secrets section: for each known secret (Alpaca key id / secret, Polygon key,
// PostgreSQL password) where it comes from ("from env (VAR)", "stored in keychain", "not set", "keychain
// unavailable: ...") and fields to store it in / clear it from the OS keychain. Values are never shown or kept in
// QSettings; the entry field is cleared once stored.
#include <QDialog>
#include <QHash>

#include <memory>

class QLabel;
class QLineEdit;
class QPushButton;

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

  QLabel* secretStatusLabel(const QString& key) const { return m_rows.value(key).status; }
  QLineEdit* secretEdit(const QString& key) const { return m_rows.value(key).edit; }
  QPushButton* secretStoreButton(const QString& key) const { return m_rows.value(key).store; }
  QPushButton* secretClearButton(const QString& key) const { return m_rows.value(key).clear; }
  QLabel* keychainLabel() const { return m_keychain; }

 private Q_SLOTS:
  void onStore(const QString& key);
  void onClear(const QString& key);

 private:
  struct Row {
    QLabel* status = nullptr;
    QLineEdit* edit = nullptr;
    QPushButton* store = nullptr;
    QPushButton* clear = nullptr;
  };
  void refreshSecrets();
  void showResult(const QString& text, bool error);

  std::shared_ptr<common::SecretStore> m_secrets;
  QHash<QString, Row> m_rows;
  QLabel* m_keychain = nullptr;
  QLabel* m_result = nullptr;
};

}  // namespace meridian::ui
