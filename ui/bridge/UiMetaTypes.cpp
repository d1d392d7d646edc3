#include "ui/bridge/UiMetaTypes.h"

namespace meridian::ui {

void registerUiMetaTypes() {
  static const bool done = [] {
    qRegisterMetaType<domain::Quote>();
    qRegisterMetaType<domain::Order>();
    qRegisterMetaType<domain::Fill>();
    qRegisterMetaType<bus::BarClosed>();
    qRegisterMetaType<common::LogRecord>();
    qRegisterMetaType<QVector<domain::Quote>>();
    qRegisterMetaType<QVector<domain::Order>>();
    qRegisterMetaType<QVector<domain::Fill>>();
    qRegisterMetaType<QVector<bus::BarClosed>>();
    qRegisterMetaType<std::shared_ptr<const bus::PositionsSnapshot>>();
    qRegisterMetaType<std::vector<common::LogRecord>>();
    qRegisterMetaType<std::shared_ptr<const jobs::JobsSnapshot>>();
    qRegisterMetaType<std::shared_ptr<const bus::HealthSnapshot>>();
    qRegisterMetaType<notify::Notification>();
    qRegisterMetaType<QVector<notify::Notification>>();
    qRegisterMetaType<bus::SignalGenerated>();
    qRegisterMetaType<QVector<bus::SignalGenerated>>();
    qRegisterMetaType<std::shared_ptr<const execution::AccountSnapshot>>();
    return true;
  }();
  (void)done;
}

}  // namespace meridian::ui
