#pragma once
// Proxy over LogsModel: minimum level plus a case-insensitive text filter on logger and message.
#include <QSortFilterProxyModel>

namespace meridian::ui {

class LogsFilterModel : public QSortFilterProxyModel {
  Q_OBJECT

 public:
  explicit LogsFilterModel(QObject* parent = nullptr);

  int minimumLevel() const { return m_minimumLevel; }
  void setMinimumLevel(int level);  // spdlog::level::level_enum
  void setText(const QString& text);

 protected:
  bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

 private:
  int m_minimumLevel = 0;
  QString m_text;
};

}  // namespace meridian::ui
