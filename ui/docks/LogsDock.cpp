#include "ui/docks/LogsDock.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QScrollBar>
#include <QTableView>
#include <QVBoxLayout>

#include <spdlog/common.h>

#include "ui/docks/TableViews.h"
#include "ui/models/LogsFilterModel.h"
#include "ui/models/LogsModel.h"

namespace meridian::ui {

LogsDock::LogsDock(LogsModel* model, QWidget* parent) : QDockWidget(QStringLiteral("Logs"), parent), m_model(model) {
  setObjectName(QStringLiteral("LogsDock"));

  auto* content = new QWidget(this);
  auto* layout = new QVBoxLayout(content);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->setSpacing(4);

  auto* bar = new QHBoxLayout;
  auto* levelLabel = new QLabel(QStringLiteral("&Level:"), content);
  m_levelCombo = new QComboBox(content);
  m_levelCombo->setObjectName(QStringLiteral("logLevelCombo"));
  m_levelCombo->addItem(QStringLiteral("All"), static_cast<int>(spdlog::level::trace));
  m_levelCombo->addItem(QStringLiteral("Debug+"), static_cast<int>(spdlog::level::debug));
  m_levelCombo->addItem(QStringLiteral("Info+"), static_cast<int>(spdlog::level::info));
  m_levelCombo->addItem(QStringLiteral("Warn+"), static_cast<int>(spdlog::level::warn));
  m_levelCombo->addItem(QStringLiteral("Error+"), static_cast<int>(spdlog::level::err));
  levelLabel->setBuddy(m_levelCombo);

  m_filterEdit = new QLineEdit(content);
  m_filterEdit->setObjectName(QStringLiteral("logFilterEdit"));
  m_filterEdit->setPlaceholderText(QStringLiteral("Filter text…"));
  m_filterEdit->setClearButtonEnabled(true);

  m_autoScroll = new QCheckBox(QStringLiteral("&Auto-scroll"), content);
  m_autoScroll->setObjectName(QStringLiteral("logAutoScroll"));
  m_autoScroll->setChecked(true);

  bar->addWidget(levelLabel);
  bar->addWidget(m_levelCombo);
  bar->addWidget(m_filterEdit, 1);
  bar->addWidget(m_autoScroll);

  m_proxy = new LogsFilterModel(this);
  m_proxy->setSourceModel(m_model);

  m_view = new QTableView(content);
  m_view->setObjectName(QStringLiteral("logsView"));
  m_view->setModel(m_proxy);
  configureTableView(m_view, /*sortable=*/false);  // chronological; auto-scroll relies on it
  m_view->setColumnWidth(LogsModel::Time, 96);
  m_view->setColumnWidth(LogsModel::Level, 52);
  m_view->setColumnWidth(LogsModel::Logger, 80);

  layout->addLayout(bar);
  layout->addWidget(m_view, 1);
  setWidget(content);
  setFocusProxy(m_view);

  connect(m_levelCombo, &QComboBox::currentIndexChanged, this, &LogsDock::onLevelChanged);
  connect(m_filterEdit, &QLineEdit::textChanged, m_proxy, &LogsFilterModel::setText);
  connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &LogsDock::onRowsInserted);
  connect(m_autoScroll, &QCheckBox::toggled, this, [this](bool on) {
    if (on) m_view->scrollToBottom();
  });
  m_levelCombo->setCurrentIndex(0);
  m_proxy->setMinimumLevel(m_levelCombo->currentData().toInt());
}

bool LogsDock::autoScroll() const { return m_autoScroll->isChecked(); }
void LogsDock::setAutoScroll(bool on) { m_autoScroll->setChecked(on); }

void LogsDock::onLevelChanged(int comboIndex) {
  m_proxy->setMinimumLevel(m_levelCombo->itemData(comboIndex).toInt());
  if (autoScroll()) m_view->scrollToBottom();
}

void LogsDock::onRowsInserted() {
  if (!autoScroll() || m_scrollPending) return;
  // One scroll per batch, after the view has laid out the new rows.
  m_scrollPending = true;
  QMetaObject::invokeMethod(
      this,
      [this] {
        m_scrollPending = false;
        m_view->scrollToBottom();
      },
      Qt::QueuedConnection);
}

}  // namespace meridian::ui
