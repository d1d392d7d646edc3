#pragma once
// LogsDock: in-app log table (LogsModel through LogsFilterModel) with a minimum-level filter, a text filter and
// auto-scroll to the newest record.
#include <QDockWidget>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QTableView;

namespace meridian::ui {

class LogsFilterModel;
class LogsModel;

class LogsDock : public QDockWidget {
  Q_OBJECT

 public:
  explicit LogsDock(LogsModel* model, QWidget* parent = nullptr);

  LogsModel* model() const { return m_model; }
  LogsFilterModel* proxy() const { return m_proxy; }
  QTableView* view() const { return m_view; }
  QComboBox* levelCombo() const { return m_levelCombo; }
  bool autoScroll() const;
  void setAutoScroll(bool on);

 private Q_SLOTS:
  void onLevelChanged(int comboIndex);
  void onRowsInserted();

 private:
  LogsModel* m_model = nullptr;
  LogsFilterModel* m_proxy = nullptr;
  QTableView* m_view = nullptr;
  QComboBox* m_levelCombo = nullptr;
  QLineEdit* m_filterEdit = nullptr;
  QCheckBox* m_autoScroll = nullptr;
  bool m_scrollPending = false;
};

}  // namespace meridian::ui
