#pragma once
// ImportCsvDialog (File > Import CSV…, Ctrl+I): picks a CSV bar file (last directory remembered in QSettings), the
// symbol (default from the file name: "orcl-1995-2014.csv" -> ORCL), the format (Yahoo or mapped columns with a
// column map "date=..,open=..,high=..,low=..,close=..[,volume=..]") and the source name (default "csv"), and sends
// contract::ImportCsv through the bridge. The ingestion service parses and stores on its own threads; the result
// comes back as contract::IngestFinished and is matched by correlation id: rows inserted / updated / unchanged and
// the quality summary, or the error (with file:line for a malformed row); a refused command as CommandRejected.
// The dialog never touches storage.
#include <QDialog>

#include <memory>

#include "core/contract/MarketData.h"
#include "core/contract/Orders.h"

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace meridian::ui {

class UiBridge;

class ImportCsvDialog : public QDialog {
  Q_OBJECT

 public:
  // `bridge` must outlive the dialog (null: Import is disabled).
  ImportCsvDialog(UiBridge* bridge, QString settingsOrganization, QString settingsApplication,
                  QWidget* parent = nullptr);

  // "orcl-1995-2014.csv" -> "ORCL" (text before the first '-' or '.', upper-cased).
  static QString symbolForFile(const QString& path);

  QLineEdit* pathEdit() const { return m_path; }
  QLineEdit* symbolEdit() const { return m_symbol; }
  QComboBox* formatCombo() const { return m_format; }
  QLineEdit* columnMapEdit() const { return m_columnMap; }
  QLineEdit* sourceEdit() const { return m_source; }
  QPushButton* importButton() const { return m_import; }
  QLabel* resultLabel() const { return m_result; }
  QLabel* qualityLabel() const { return m_quality; }
  QProgressBar* progressBar() const { return m_progress; }
  QString pendingCorrelationId() const { return m_pending; }
  bool busy() const { return !m_pending.isEmpty(); }

  void setPath(const QString& path);  // also sets the symbol unless the user typed one

 public Q_SLOTS:
  // Validates the form and submits the import; returns via importFinished once the result arrives.
  void startImport();
  void browse();
  void onIngestFinished(const std::shared_ptr<const meridian::contract::IngestFinished>& finished);
  void onCommandRejected(const meridian::contract::CommandRejected& rejected);

 Q_SIGNALS:
  void importSubmitted(const QString& correlationId, const QString& symbol);
  void importFinished(const QString& correlationId, bool ok);
  void showQualityRequested(const QString& symbol);

 private:
  void updateFormatUi();
  void showError(const QString& text);

  UiBridge* m_bridge = nullptr;
  QString m_settingsOrganization;
  QString m_settingsApplication;
  QLineEdit* m_path = nullptr;
  QLineEdit* m_symbol = nullptr;
  QComboBox* m_format = nullptr;
  QLineEdit* m_columnMap = nullptr;
  QLineEdit* m_source = nullptr;
  QProgressBar* m_progress = nullptr;
  QLabel* m_result = nullptr;
  QLabel* m_quality = nullptr;
  QPushButton* m_import = nullptr;
  QPushButton* m_showQuality = nullptr;
  QString m_pending;
  QString m_pendingSymbol;
  bool m_symbolEdited = false;
};

}  // namespace meridian::ui
