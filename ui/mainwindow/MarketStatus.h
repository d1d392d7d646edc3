#pragma once
// Status-bar texts computed from the NYSE calendar and the time-zone settings (pure functions, testable).
#include <QString>

#include "core/domain/Types.h"

namespace meridian::ui {

// "NYSE OPEN · closes 16:00 ET" / "NYSE CLOSED · opens Mon 09:30 ET" (early closes and holidays included).
QString marketStatusText(domain::Timestamp now);
bool marketIsOpen(domain::Timestamp now);
// "2026-01-05 08:31:07 CST": wall time in the display zone with its abbreviation.
QString clockText(domain::Timestamp now);

}  // namespace meridian::ui
