#include "ui/dialogs/ImportCsvDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

#include "core/common/Ids.h"
#include "core/marketdata/IngestRequests.h"
#include "ui/bridge/UiBridge.h"
#include "ui/models/Formatting.h"

namespace meridian::ui {
namespace {

constexpr const char* kLastDirKey = "import/csvLastDir";
constexpr const char* kMapKey = "import/csvColumnMap";

}  // namespace

ImportCsvDialog::ImportCsvDialog(UiBridge* bridge, QString settingsOrganization, QString settingsApplication,
                                 QWidget* parent)
    : QDialog(parent),
      m_bridge(bridge),
      m_settingsOrganization(std::move(settingsOrganization)),
      m_settingsApplication(std::move(settingsApplication)) {
  setObjectName(QStringLiteral("ImportCsvDialog"));
  setWindowTitle(QStringLiteral("Import CSV"));
  setMinimumWidth(560);

  auto* form = new QFormLayout;
  auto* pathRow = new QHBoxLayout;
  m_path = new QLineEdit(this);
  m_path->setObjectName(QStringLiteral("pathEdit"));
  m_path->setPlaceholderText(QStringLiteral("CSV file with daily or intraday bars"));
  auto* browseButton = new QPushButton(QStringLiteral("&Browse…"), this);
  browseButton->setObjectName(QStringLiteral("browseButton"));
  browseButton->setAutoDefault(false);
  pathRow->addWidget(m_path, 1);
  pathRow->addWidget(browseButton);
  auto* fileLabel = new QLabel(QStringLiteral("&File:"), this);
  fileLabel->setBuddy(m_path);
  form->addRow(fileLabel, pathRow);

  m_symbol = new QLineEdit(this);
  m_symbol->setObjectName(QStringLiteral("symbolEdit"));
  m_symbol->setPlaceholderText(QStringLiteral("from the file name"));
  form->addRow(QStringLiteral("&Symbol:"), m_symbol);

  m_format = new QComboBox(this);
  m_format->setObjectName(QStringLiteral("formatCombo"));
  m_format->addItem(QStringLiteral("Yahoo (Date,Open,High,Low,Close,Adj Close,Volume)"));
  m_format->addItem(QStringLiteral("Mapped columns"));
  form->addRow(QStringLiteral("F&ormat:"), m_format);

  m_columnMap = new QLineEdit(this);
  m_columnMap->setObjectName(QStringLiteral("columnMapEdit"));
  m_columnMap->setPlaceholderText(QStringLiteral("date=Date,open=Open,high=High,low=Low,close=Close,volume=Volume"));
  m_columnMap->setText(QSettings(m_settingsOrganization, m_settingsApplication).value(QLatin1String(kMapKey)).toString());
  form->addRow(QStringLiteral("&Columns:"), m_columnMap);

  m_source = new QLineEdit(QStringLiteral("csv"), this);
  m_source->setObjectName(QStringLiteral("sourceEdit"));
  m_source->setToolTip(QStringLiteral("Source tag the bars are stored under (intraday files get the detected "
                                      "timeframe appended: \"csv_1m\", \"csv_5m\", \"csv_15m\", \"csv_1h\")"));
  form->addRow(QStringLiteral("S&ource:"), m_source);

  m_progress = new QProgressBar(this);
  m_progress->setObjectName(QStringLiteral("progressBar"));
  m_progress->setRange(0, 1);
  m_progress->setValue(0);
  m_progress->setTextVisible(false);
  m_progress->setVisible(false);

  m_result = new QLabel(this);
  m_result->setObjectName(QStringLiteral("resultLabel"));
  m_result->setWordWrap(true);
  m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_quality = new QLabel(this);
  m_quality->setObjectName(QStringLiteral("qualityLabel"));
  m_quality->setWordWrap(true);
  m_quality->setTextInteractionFlags(Qt::TextSelectableByMouse);

  auto* buttons = new QDialogButtonBox(this);
  m_import = buttons->addButton(QStringLiteral("&Import"), QDialogButtonBox::AcceptRole);
  m_import->setObjectName(QStringLiteral("importButton"));
  m_import->setDefault(true);
  m_showQuality = buttons->addButton(QStringLiteral("Show &Quality"), QDialogButtonBox::ActionRole);
  m_showQuality->setObjectName(QStringLiteral("showQualityButton"));
  m_showQuality->setAutoDefault(false);
  m_showQuality->setEnabled(false);
  QPushButton* close = buttons->addButton(QDialogButtonBox::Close);
  close->setAutoDefault(false);
  if (m_bridge) {
    m_bridge->on<contract::IngestFinished>(this, [this](const Batch<contract::IngestFinished>& b) {
      for (const auto& f : b) onIngestFinished(f);
    });
    m_bridge->on<contract::CommandRejected>(this, [this](const Batch<contract::CommandRejected>& b) {
      for (const auto& r : b) onCommandRejected(*r);
    });
  } else {
    m_import->setEnabled(false);
    m_import->setToolTip(QStringLiteral("no ingestion service"));
  }

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(m_progress);
  layout->addWidget(m_result);
  layout->addWidget(m_quality);
  layout->addStretch(1);
  layout->addWidget(buttons);

  connect(browseButton, &QPushButton::clicked, this, &ImportCsvDialog::browse);
  connect(m_path, &QLineEdit::textEdited, this, &ImportCsvDialog::setPath);
  connect(m_symbol, &QLineEdit::textEdited, this,
          [this](const QString& text) { m_symbolEdited = !text.trimmed().isEmpty(); });
  connect(m_format, &QComboBox::currentIndexChanged, this, &ImportCsvDialog::updateFormatUi);
  // Import does not close the dialog: the result is shown here.
  connect(m_import, &QPushButton::clicked, this, &ImportCsvDialog::startImport);
  connect(m_showQuality, &QPushButton::clicked, this,
          [this] { Q_EMIT showQualityRequested(m_symbol->text().trimmed().toUpper()); });
  connect(close, &QPushButton::clicked, this, &QDialog::reject);
  updateFormatUi();
}

QString ImportCsvDialog::symbolForFile(const QString& path) {
  const QString name = QFileInfo(path).fileName();
  qsizetype end = name.size();
  for (QChar c : {QLatin1Char('-'), QLatin1Char('.')}) {
    const qsizetype i = name.indexOf(c);
    if (i >= 0) end = std::min(end, i);
  }
  return name.left(end).trimmed().toUpper();
}

void ImportCsvDialog::setPath(const QString& path) {
  if (m_path->text() != path) m_path->setText(path);
  if (!m_symbolEdited) m_symbol->setText(symbolForFile(path));
}

void ImportCsvDialog::browse() {
  QSettings settings(m_settingsOrganization, m_settingsApplication);
  QString dir = settings.value(QLatin1String(kLastDirKey)).toString();
  if (!m_path->text().isEmpty()) dir = QFileInfo(m_path->text()).absolutePath();
  const QString file = QFileDialog::getOpenFileName(this, QStringLiteral("Import CSV"), dir,
                                                    QStringLiteral("CSV files (*.csv *.txt);;All files (*)"));
  if (file.isEmpty()) return;
  settings.setValue(QLatin1String(kLastDirKey), QFileInfo(file).absolutePath());
  setPath(file);
}

void ImportCsvDialog::updateFormatUi() {
  const bool mapped = m_format->currentIndex() == 1;
  m_columnMap->setEnabled(mapped);
}

void ImportCsvDialog::showError(const QString& text) {
  m_result->setStyleSheet(QStringLiteral("color: %1;").arg(format::downColor().name()));
  m_result->setText(text);
  m_quality->clear();
}

void ImportCsvDialog::startImport() {
  if (!m_bridge || busy()) return;
  const QString path = m_path->text().trimmed();
  if (path.isEmpty() || !QFileInfo(path).isFile()) {
    showError(path.isEmpty() ? QStringLiteral("Choose a CSV file.") : QStringLiteral("No such file: %1").arg(path));
    return;
  }
  QString symbol = m_symbol->text().trimmed().toUpper();
  if (symbol.isEmpty()) symbol = symbolForFile(path);
  if (symbol.isEmpty()) {
    showError(QStringLiteral("Enter a symbol."));
    return;
  }
  m_symbol->setText(symbol);

  marketdata::CsvImportRequest request;
  request.path = path;
  request.symbol = symbol.toStdString();
  const QString source = m_source->text().trimmed();
  request.source = source.isEmpty() ? std::string("csv") : source.toStdString();
  if (m_format->currentIndex() == 1) {
    auto map = marketdata::CsvColumnMap::parse(m_columnMap->text().trimmed());
    if (!map.ok()) {
      showError(QStringLiteral("Column map: %1").arg(format::qstr(map.error().message)));
      return;
    }
    request.options.format = marketdata::CsvOptions::Format::Mapped;
    request.options.map = *map;
    QSettings(m_settingsOrganization, m_settingsApplication)
        .setValue(QLatin1String(kMapKey), m_columnMap->text().trimmed());
  }
  QSettings(m_settingsOrganization, m_settingsApplication)
      .setValue(QLatin1String(kLastDirKey), QFileInfo(path).absolutePath());

  const std::string correlationId = common::newCorrelationId();
  m_pending = QString::fromStdString(correlationId);
  m_pendingSymbol = symbol;
  m_import->setEnabled(false);
  m_showQuality->setEnabled(false);
  m_progress->setRange(0, 0);  // busy
  m_progress->setVisible(true);
  m_result->setStyleSheet({});
  m_result->setText(QStringLiteral("Importing %1 as %2…").arg(QFileInfo(path).fileName(), symbol));
  m_quality->clear();
  m_bridge->send(contract::ImportCsv{correlationId, std::make_shared<const marketdata::CsvImportRequest>(std::move(request))},
                 QStringLiteral("IMPORT %1").arg(symbol));
  Q_EMIT importSubmitted(m_pending, symbol);
}

void ImportCsvDialog::onIngestFinished(const std::shared_ptr<const contract::IngestFinished>& finished) {
  if (!finished || m_pending.isEmpty() || finished->correlationId != m_pending.toStdString()) return;
  const QString correlationId = m_pending;
  m_pending.clear();
  m_import->setEnabled(m_bridge != nullptr);
  m_progress->setRange(0, 1);
  m_progress->setValue(1);
  m_progress->setVisible(false);

  if (!finished->ok || !finished->report) {
    showError(QStringLiteral("Import of %1 failed: %2")
                  .arg(m_pendingSymbol, format::qstr(finished->error.message)));
    Q_EMIT importFinished(correlationId, false);
    return;
  }
  const marketdata::IngestReport& r = *finished->report;
  m_result->setStyleSheet({});
  m_result->setText(QStringLiteral("Imported %1 (%2): %3 rows read — %4 inserted, %5 updated, %6 unchanged; "
                                   "%7 skipped, %8 rejected, %9 duplicates (%10 ms)")
                        .arg(format::qstr(r.symbol), format::qstr(r.source))
                        .arg(r.fetched)
                        .arg(r.inserted)
                        .arg(r.updated)
                        .arg(r.unchanged)
                        .arg(r.skippedRows)
                        .arg(r.rejected)
                        .arg(r.duplicates)
                        .arg(r.elapsedMs));
  m_quality->setText(QStringLiteral("Quality: %1").arg(format::qstr(r.quality.summary())));
  m_quality->setStyleSheet(QStringLiteral("color: %1;").arg(
      (r.quality.clean() ? format::upColor() : format::warnColor()).name()));
  m_showQuality->setEnabled(true);
  Q_EMIT importFinished(correlationId, true);
}

void ImportCsvDialog::onCommandRejected(const contract::CommandRejected& rejected) {
  if (m_pending.isEmpty() || rejected.correlationId != m_pending.toStdString()) return;
  contract::IngestFinished failed;
  failed.correlationId = rejected.correlationId;
  failed.error = makeError("import.refused", rejected.reason);
  onIngestFinished(std::make_shared<const contract::IngestFinished>(std::move(failed)));
}

}  // namespace meridian::ui
