#pragma once
// Alpaca's bars and Polygon's aggregates name their bar fields alike: o, h, l, c (required numbers) and v, vw, n
// (optional). Both adapters read them here; each keeps its own timestamp field and error wording.
#include "core/domain/Types.h"

#include <QJsonObject>

namespace meridian::marketdata {

// The first of "o", "h", "l", "c" that is missing or not a number; nullptr when all four are numbers.
const char* missingOhlcField(const QJsonObject& row);

// Copies open/high/low/close/volume/vwap/trades into `bar` (bar.ts is left to the caller). False, with `bar`
// untouched, when the trade count n is beyond int64 (casting it would be undefined).
bool readOhlcvFields(const QJsonObject& row, domain::Bar& bar);

}  // namespace meridian::marketdata
