#pragma once
// How long a relayed command may take to reach the serving process (relay::RedisBridge, role Attach, stamps
// now + this as the message's `expires`). A server that reads a command after its deadline drops it and answers
// "expired"; an attached process that has no answer (accepted or rejected) by the deadline plus kAnswerGrace
// tells the user "Expired: the server did not answer in N s". Market orders have the shortest deadline: a market
// order that arrives late would trade at a price the user never saw.
#include "core/bus/EventBus.h"

#include <chrono>

namespace meridian::relay {

inline constexpr std::chrono::milliseconds kMarketOrderDeadline{3000};  // SubmitOrder / bracket entry, market type
inline constexpr std::chrono::milliseconds kOrderDeadline{5000};        // other orders, cancels, replaces, risk
inline constexpr std::chrono::milliseconds kJobDeadline{10'000};        // RunJobNow
// The attached side waits this much past the deadline before it declares the command expired, so a command the
// server took just before its deadline is never reported as expired.
inline constexpr std::chrono::milliseconds kAnswerGrace{1000};

// The deadline of a relayed command (kOrderDeadline for any command not listed).
std::chrono::milliseconds commandDeadline(const bus::Envelope& command);

}  // namespace meridian::relay
