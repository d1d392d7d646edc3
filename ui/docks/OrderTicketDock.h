#pragma once
// OrderTicketDock: keyboard-first order entry. Tab order: Symbol -> Quantity -> Side -> Type -> Limit -> Stop ->
// TIF -> Confirm -> Submit. Shows the PAPER/LIVE badge and the current quote of the ticket's symbol.
//
// Keys while focus is in the ticket (designed so the symbol field never loses a letter):
//   Enter / Ctrl+Enter   submit from any field (validates, then asks first when confirm mode is on)
//   Esc                  clear the ticket (side Buy, type Market, prices, default quantity; symbol kept) and give the
//                        focus back to where it came from (e.g. the positions row that prefilled the ticket)
//   B / S                Buy / Sell      -- every field except Symbol (letters there are typed)
//   T / Shift+T          next / previous order type (Market, Limit, Stop, Stop Limit) -- every field except Symbol
//   Ctrl+T               next order type, from every field including Symbol
// Confirm mode (checkbox, on by default for LIVE, off for PAPER) shows a confirmation box summarising the order:
// Enter or S sends, Esc or C cancels.
//
// The ticket tells the truth about its last order: it follows it by client order id (onOrdersUpdated) and by the
// command's correlation id (onCommandRejected) and shows the outcome in its own outcome line ("Working: ...",
// "Filled 10 @ 400.02", "Rejected: <reason>"); showOutcome(kind, text) is the one door to that line, so other
// state (server down, acknowledgement expired) can be shown the same way. As you type it checks the limits the risk
// engine enforces (max quantity and notional, price band, buying power; setRiskLimits / setBuyingPower) and says
// why next to the field; the risk engine stays the authority (the order is still sent and its verdict shown). Input
// is never rewritten: a quantity that is not a whole number of shares in range ("1e12", "-5", 10^12) is kept as typed,
// flagged next to the field, and nothing is sent. While the kill switch is on the ticket is disabled under a red
// banner (setRiskState).
#include <QDockWidget>
#include <QPointer>
#include <QVector>

#include <memory>
#include <string>

#include "core/common/Clock.h"
#include "core/domain/Types.h"
#include "core/risk/RiskTypes.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace meridian::ui {

class ModeBadge;
class UiBridge;

class OrderTicketDock : public QDockWidget {
  Q_OBJECT

 public:
  // clock stamps new orders (null = real time).
  OrderTicketDock(UiBridge* bridge, std::shared_ptr<const common::IClock> clock, bool paperTrading,
                  QWidget* parent = nullptr);

  // Builds the order from the fields; returns an empty string when valid, else the message shown to the user.
  QString validate(domain::Order* out = nullptr) const;

  QLineEdit* symbolEdit() const { return m_symbolEdit; }
  QSpinBox* quantitySpin() const { return m_qtySpin; }
  QComboBox* sideCombo() const { return m_sideCombo; }
  QComboBox* typeCombo() const { return m_typeCombo; }
  QDoubleSpinBox* limitSpin() const { return m_limitSpin; }
  QDoubleSpinBox* stopSpin() const { return m_stopSpin; }
  QComboBox* tifCombo() const { return m_tifCombo; }
  QPushButton* submitButton() const { return m_submitButton; }
  QLabel* messageLabel() const { return m_message; }
  QCheckBox* confirmCheck() const { return m_confirmCheck; }
  QString lastCorrelationId() const { return m_lastCorrelationId; }
  QString serverBlockedReason() const { return m_blockedReason; }
  bool confirmMode() const;
  bool paperTrading() const { return m_paperTrading; }
  static constexpr int kDefaultQuantity = 100;
  // One-line summary of an order as shown in the message line and the confirmation box.
  static QString describe(const domain::Order& order);

  // The outcome line: what became of the last order (or why the ticket cannot send).
  enum class Outcome { None, Sending, Working, PartiallyFilled, Filled, Rejected, Cancelled, Expired, Blocked, Info };
  void showOutcome(Outcome kind, const QString& text);
  Outcome outcomeKind() const { return m_outcomeKind; }
  QLabel* outcomeLabel() const { return m_outcome; }
  QString trackedOrderId() const { return m_trackedOrderId; }
  // Next to the quantity / price fields: why the risk engine would refuse (empty when nothing is wrong).
  QLabel* quantityHint() const { return m_qtyHint; }
  QLabel* priceHint() const { return m_priceHint; }
  QLabel* riskBanner() const { return m_banner; }
  // Parses the quantity exactly as typed: > 0 whole shares within the spin box range, else 0 and *error says why.
  long long typedQuantity(QString* error = nullptr) const;
  // The limits of the risk engine (RiskLimits::fromConfig) the pre-checks compare with.
  void setRiskLimits(const risk::RiskLimits& limits);
  void setBuyingPower(double buyingPower);
  // Kill switch on: ticket disabled under a red banner; breaker tripped: amber banner (reducing orders still pass).
  void setRiskState(bool killSwitch, const QString& killReason, bool breaker, const QString& breakerReason);
  bool tradingBlocked() const { return m_killSwitch; }
  // Pre-check of the fields against the risk limits; the warnings, one per line (empty when nothing is wrong).
  QStringList preCheck() const;

 public Q_SLOTS:
  void setSymbol(const QString& symbol);
  void focusTicket();  // show, raise, focus + select the symbol field
  void submit();
  void setConfirmMode(bool on);
  // PAPER/LIVE changed (an attached GUI learns the server's mode after start-up): badge, confirmation box wording
  // and the confirm-mode default (on for LIVE) follow; MainWindow re-applies ui.confirm_orders when it is set.
  void setPaperTrading(bool paper);
  void setSide(meridian::domain::Side side);
  // Moves the order type by `step` (wrapping): +1 Market -> Limit -> Stop -> Stop Limit -> Market.
  void cycleOrderType(int step = 1);
  // Esc: resets the entry fields (the symbol stays) and returns the focus.
  void clearTicket();
  // Double-click / Enter on a position: the order that closes `signedQuantity` of `symbol` (sell a long, buy back a
  // short), focus on the quantity so Enter sends it. A flat position only sets the symbol.
  void prefillClosingOrder(const QString& symbol, double signedQuantity);
  void onQuotesUpdated(const QVector<meridian::domain::Quote>& quotes);
  // Attached GUI: while the serving process cannot take orders (reason not empty) Submit is disabled, Enter refuses
  // at once in the message line, and the reason is shown; an empty reason enables the ticket again.
  void setServerBlocked(const QString& reason);
  // The server's answer to a command by correlation id; only the ticket's latest order is shown here.
  void onCommandAccepted(const QString& correlationId);
  // Order updates of the tick: the tracked order's status goes to the outcome line.
  void onOrdersUpdated(const QVector<meridian::domain::Order>& orders);
  // A command was refused (risk, bus, relay): shown when it is the ticket's last order.
  void onCommandRejected(const QString& correlationId, const QString& reason);

 Q_SIGNALS:
  void orderSubmitted(const QString& correlationId, const QString& description);
  void orderNotConfirmed(const QString& description);  // confirm mode: the user declined

 private Q_SLOTS:
  void onTypeChanged();
  void onSideChanged();
  void onSymbolEdited(const QString& text);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void showMessage(const QString& text, bool error);
  void updateQuoteLabel();
  bool confirm(const domain::Order& order, const QString& description);
  bool isInTicket(const QWidget* w) const;
  void onFocusChanged(QWidget* old, QWidget* now);
  void updatePreChecks();
  void updateBanner();

  UiBridge* m_bridge = nullptr;
  std::shared_ptr<const common::IClock> m_clock;
  ModeBadge* m_badge = nullptr;
  QLabel* m_quoteLabel = nullptr;
  QLineEdit* m_symbolEdit = nullptr;
  QSpinBox* m_qtySpin = nullptr;
  QComboBox* m_sideCombo = nullptr;
  QComboBox* m_typeCombo = nullptr;
  QDoubleSpinBox* m_limitSpin = nullptr;
  QDoubleSpinBox* m_stopSpin = nullptr;
  QComboBox* m_tifCombo = nullptr;
  QPushButton* m_submitButton = nullptr;
  QCheckBox* m_confirmCheck = nullptr;
  QLabel* m_message = nullptr;
  QLabel* m_outcome = nullptr;
  QLabel* m_qtyHint = nullptr;
  QLabel* m_priceHint = nullptr;
  QLabel* m_banner = nullptr;
  Outcome m_outcomeKind = Outcome::None;
  QString m_trackedOrderId;
  risk::RiskLimits m_limits;
  bool m_haveLimits = false;
  double m_buyingPower = -1.0;  // < 0: unknown
  bool m_killSwitch = false;
  bool m_breaker = false;
  QString m_killReason;
  QString m_breakerReason;
  QPointer<QWidget> m_returnFocus;  // focus owner before the focus entered the ticket
  bool m_paperTrading = true;
  std::string m_quoteSymbol;  // symbol m_quote belongs to (only the ticket's symbol is tracked)
  domain::Quote m_quote;
  QString m_lastCorrelationId;
  QString m_lastDescription;
  QString m_blockedReason;
};

}  // namespace meridian::ui
