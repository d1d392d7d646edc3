#pragma once
// SettingsEditor: the settings a trader changes most, editable with validation (File > Settings, "Edit" group):
// risk limits, the display time zone, the data-provider / broker URLs, the market-data feeds and the theme. Each field says what is wrong next to it
// as you type ("not a number", "unknown time zone", "not an http(s) URL"); Save writes only valid values, into the
// user's INI file (common::updateIniValues: other lines and comments kept), applies them to the running Config and
// emits applied() so what can change at once does (the display time zone, the ticket's risk pre-checks and the
// running risk engine's limits). The providers read their settings at start: the editor says so. Secrets never appear here (keychain).
#include <QGroupBox>
#include <QMap>
#include <QString>
#include <QStringList>

class QLabel;
class QLineEdit;
class QPushButton;

namespace meridian::common {
class Config;
}

namespace meridian::ui {

class SettingsEditor : public QGroupBox {
  Q_OBJECT

 public:
  enum class Kind { NonNegative, Fraction, TimeZone, Url, Choice };
  struct FieldSpec {
    const char* key;
    const char* label;
    Kind kind;
    const char* placeholder;        // the default, shown when the key is not set
    const char* choices = nullptr;  // Kind::Choice: the values allowed, '|'-separated ("iex|sip")
  };
  static const QList<FieldSpec>& fields();

  // iniPath empty: read-only (no file to save to), said in the group.
  SettingsEditor(common::Config& config, const QString& iniPath, QWidget* parent = nullptr);

  // Why `value` is not valid for `kind` (empty: valid; an empty value means "the default" and is valid).
  static QString check(Kind kind, const QString& value);
  static QString check(const FieldSpec& spec, const QString& value);

  QLineEdit* edit(const QString& key) const;
  QLabel* errorLabel(const QString& key) const;
  QPushButton* saveButton() const { return m_save; }
  QLabel* resultLabel() const { return m_result; }

 public Q_SLOTS:
  // Validates every field; when all are valid writes the changed ones and applies them. False (nothing written)
  // when a field is invalid or the file cannot be written; resultLabel() says which.
  bool save();

 Q_SIGNALS:
  void applied(const QStringList& keys);

 private:
  struct Row {
    FieldSpec spec;
    QLineEdit* edit = nullptr;
    QLabel* error = nullptr;
  };
  void validate(Row& row);

  common::Config& m_config;
  QString m_iniPath;
  QList<Row> m_rows;
  QPushButton* m_save = nullptr;
  QLabel* m_result = nullptr;
};

}  // namespace meridian::ui
