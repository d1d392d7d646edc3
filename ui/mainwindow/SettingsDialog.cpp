#include "ui/mainwindow/SettingsDialog.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QVBoxLayout>

#include "core/common/Config.h"

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

}  // namespace

SettingsDialog::SettingsDialog(const common::Config& config, QWidget* parent) : QDialog(parent) {
  setObjectName(QStringLiteral("SettingsDialog"));
  setWindowTitle(QStringLiteral("Settings"));
  resize(720, 520);

  auto* layout = new QVBoxLayout(this);
  auto* intro = new QLabel(
      QStringLiteral("Effective configuration (defaults &lt; INI file &lt; environment). Secrets are shown as ***; "
                     "they are read from the environment only."),
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

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons);
}

}  // namespace meridian::ui
