#pragma once
// Orders, fills, positions and account: the commands the UI, the CLI and live strategies send to the execution
// service, and the events it publishes back. Results of a command carry its correlation id.
#include "core/contract/Message.h"
#include "core/domain/Types.h"

#include <string>
#include <string_view>
#include <vector>

namespace meridian::contract {

// ---- Commands (ExecutionService; attached processes relay them to the serving process) ----------------------

struct SubmitOrder {
  std::string correlationId;
  domain::Order order;
  friend bool operator==(const SubmitOrder&, const SubmitOrder&) = default;
};

// clientOrderId kCancelAll cancels every working order.
struct CancelOrder {
  static constexpr std::string_view kCancelAll = "*";
  std::string correlationId;
  std::string clientOrderId;
  friend bool operator==(const CancelOrder&, const CancelOrder&) = default;
};

// Bracket: entry + take-profit (limit) + stop-loss (stop or stop-limit). The exits are the opposite side of the
// entry, with the entry's quantity; they become active when the entry fills and form an OCO pair.
struct SubmitBracket {
  std::string correlationId;
  domain::Order entry;
  domain::Order takeProfit;
  domain::Order stopLoss;
  friend bool operator==(const SubmitBracket&, const SubmitBracket&) = default;
};

// One-cancels-other: two orders; when one fills the other is cancelled.
struct SubmitOco {
  std::string correlationId;
  domain::Order first;
  domain::Order second;
  friend bool operator==(const SubmitOco&, const SubmitOco&) = default;
};

// Cancel/replace of a working order. Zero keeps the current value. newClientOrderId empty = generated.
struct ReplaceOrder {
  std::string correlationId;
  std::string clientOrderId;
  double quantity = 0.0;
  double limitPrice = 0.0;
  double stopPrice = 0.0;
  std::string newClientOrderId;
  friend bool operator==(const ReplaceOrder&, const ReplaceOrder&) = default;
};

// ---- Events -------------------------------------------------------------------------------------------------

struct OrderUpdated {
  domain::Order order;
  std::string correlationId;  // of the command that caused it, when known
  friend bool operator==(const OrderUpdated&, const OrderUpdated&) = default;
};

struct OrderFilled {
  domain::Fill fill;
  friend bool operator==(const OrderFilled&, const OrderFilled&) = default;
};

struct PositionsSnapshot {
  std::vector<domain::Position> positions;
  domain::Timestamp asOf = 0;
  friend bool operator==(const PositionsSnapshot&, const PositionsSnapshot&) = default;
};

// Account state (published after fills and on the execution service's 1 s timer).
struct AccountSnapshot {
  std::string broker;  // "paper" | "alpaca"
  double cash = 0.0;
  double equity = 0.0;
  double buyingPower = 0.0;
  double dayPnl = 0.0;
  double realizedPnl = 0.0;
  double unrealizedPnl = 0.0;
  double grossExposure = 0.0;
  double peakEquity = 0.0;
  domain::Timestamp asOf = 0;
  friend bool operator==(const AccountSnapshot&, const AccountSnapshot&) = default;
};

// A command was not carried out (refused by a service, a full queue, or the relay); the reason is for the user.
struct CommandRejected {
  std::string correlationId;
  std::string reason;
  friend bool operator==(const CommandRejected&, const CommandRejected&) = default;
};

// The answer to a relayed command whose deadline (bus::Envelope::deadline, stamped by its sender) passed before the
// service that executes it acted: it is not executed. `late`: how far past the deadline (nanoseconds); `where`: what
// held it ("the execution queue", "the order journal", ...). Starts with "Expired" like every expiry the user sees.
CommandRejected expiredCommand(std::string correlationId, domain::Timestamp late, std::string_view where);

// A relayed command was taken by the serving process: read before its deadline and handed to the service that
// executes it (whose own results, a rejection included, follow with the same correlation id). Published by the
// server's relay only; an attached process counts a command as delivered on this answer and nothing else.
struct CommandAccepted {
  std::string correlationId;
  std::string by;  // the serving process's instance id
  friend bool operator==(const CommandAccepted&, const CommandAccepted&) = default;
};

// ---- Specs --------------------------------------------------------------------------------------------------

template <> struct Spec<SubmitOrder>
    : Declare<"cmd.order.submit", Kind::Command, Lane::Lossless, UiDelivery::None, Relay::ToServer, "submit_order"> {
  static QJsonObject encode(const SubmitOrder&);
  static Result<SubmitOrder> decode(const QJsonObject&);
};
template <> struct Spec<CancelOrder>
    : Declare<"cmd.order.cancel", Kind::Command, Lane::Lossless, UiDelivery::None, Relay::ToServer, "cancel_order"> {
  static QJsonObject encode(const CancelOrder&);
  static Result<CancelOrder> decode(const QJsonObject&);
};
template <> struct Spec<SubmitBracket>
    : Declare<"cmd.order.bracket", Kind::Command, Lane::Lossless, UiDelivery::None, Relay::ToServer, "submit_bracket"> {
  static QJsonObject encode(const SubmitBracket&);
  static Result<SubmitBracket> decode(const QJsonObject&);
};
template <> struct Spec<SubmitOco>
    : Declare<"cmd.order.oco", Kind::Command, Lane::Lossless, UiDelivery::None, Relay::ToServer, "submit_oco"> {
  static QJsonObject encode(const SubmitOco&);
  static Result<SubmitOco> decode(const QJsonObject&);
};
template <> struct Spec<ReplaceOrder>
    : Declare<"cmd.order.replace", Kind::Command, Lane::Lossless, UiDelivery::None, Relay::ToServer, "replace_order"> {
  static QJsonObject encode(const ReplaceOrder&);
  static Result<ReplaceOrder> decode(const QJsonObject&);
};

template <> struct Spec<OrderUpdated>
    : Declare<"exec.order", Kind::Event, Lane::Lossless, UiDelivery::LatestPerKey, Relay::KeyedSnapshot,
              "order_updated"> {
  static std::string_view key(const OrderUpdated& m) { return m.order.clientOrderId; }
  static bool final(const OrderUpdated& m) { return domain::isTerminal(m.order.status); }
  static std::int64_t version(const OrderUpdated& m) { return m.order.updatedTs; }
  static QJsonObject encode(const OrderUpdated&);
  static Result<OrderUpdated> decode(const QJsonObject&);
};
template <> struct Spec<OrderFilled>
    : Declare<"exec.fill", Kind::Event, Lane::Lossless, UiDelivery::Append, Relay::ToAttached, "order_filled"> {
  static std::string_view key(const OrderFilled& m) { return m.fill.symbol; }
  static QJsonObject encode(const OrderFilled&);
  static Result<OrderFilled> decode(const QJsonObject&);
};
template <> struct Spec<PositionsSnapshot>
    : Declare<"exec.positions", Kind::State, Lane::Coalescing, UiDelivery::Latest, Relay::Snapshot, "positions"> {
  static QJsonObject encode(const PositionsSnapshot&);
  static Result<PositionsSnapshot> decode(const QJsonObject&);
};
template <> struct Spec<AccountSnapshot>
    : Declare<"exec.account", Kind::State, Lane::Coalescing, UiDelivery::Latest, Relay::Snapshot, "account"> {
  static QJsonObject encode(const AccountSnapshot&);
  static Result<AccountSnapshot> decode(const QJsonObject&);
};
template <> struct Spec<CommandRejected>
    : Declare<"sys.command.rejected", Kind::Event, Lane::Lossless, UiDelivery::Append, Relay::ToAttached,
              "command_rejected"> {
  static QJsonObject encode(const CommandRejected&);
  static Result<CommandRejected> decode(const QJsonObject&);
};

template <> struct Spec<CommandAccepted>
    : Declare<"sys.command.accepted", Kind::Event, Lane::Lossless, UiDelivery::Append, Relay::ToAttached,
              "command_accepted"> {
  static QJsonObject encode(const CommandAccepted&);
  static Result<CommandAccepted> decode(const QJsonObject&);
};

}  // namespace meridian::contract
