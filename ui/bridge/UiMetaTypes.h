#pragma once
// Qt meta-type declarations for the immutable core values the bridge hands to widgets in batched signals.
// registerUiMetaTypes() is idempotent; UiBridge calls it on construction.
#include <QMetaType>
#include <QVector>

#include <memory>
#include <vector>

#include "core/bus/Events.h"
#include "core/bus/HealthEvents.h"
#include "core/jobs/JobEvents.h"
#include "core/notify/Notification.h"
#include "core/common/Logging.h"
#include "core/domain/Types.h"
#include "core/execution/ExecutionEvents.h"

Q_DECLARE_METATYPE(meridian::domain::Quote)
Q_DECLARE_METATYPE(meridian::domain::Order)
Q_DECLARE_METATYPE(meridian::domain::Fill)
Q_DECLARE_METATYPE(meridian::bus::BarClosed)
Q_DECLARE_METATYPE(meridian::common::LogRecord)
Q_DECLARE_METATYPE(std::shared_ptr<const meridian::bus::PositionsSnapshot>)
Q_DECLARE_METATYPE(std::vector<meridian::common::LogRecord>)
Q_DECLARE_METATYPE(std::shared_ptr<const meridian::jobs::JobsSnapshot>)
Q_DECLARE_METATYPE(std::shared_ptr<const meridian::bus::HealthSnapshot>)
Q_DECLARE_METATYPE(meridian::notify::Notification)
Q_DECLARE_METATYPE(meridian::bus::SignalGenerated)
Q_DECLARE_METATYPE(std::shared_ptr<const meridian::execution::AccountSnapshot>)

namespace meridian::ui {

void registerUiMetaTypes();

}  // namespace meridian::ui
