#pragma once
// Indicator library: each indicator is a small value type with update(...) -> current value (NaN until ready),
// ready(), O(1) per update and no allocation after construction.
#include "core/strategy/indicators/Atr.h"
#include "core/strategy/indicators/BollingerBands.h"
#include "core/strategy/indicators/Ema.h"
#include "core/strategy/indicators/Macd.h"
#include "core/strategy/indicators/RingBuffer.h"
#include "core/strategy/indicators/RollingCorrelation.h"
#include "core/strategy/indicators/RollingExtremum.h"
#include "core/strategy/indicators/RollingStats.h"
#include "core/strategy/indicators/Rsi.h"
#include "core/strategy/indicators/Sma.h"
#include "core/strategy/indicators/Stochastic.h"
#include "core/strategy/indicators/Wma.h"
