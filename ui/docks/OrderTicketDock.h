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
#include <QDockWidget>
#include <QPointer>
#include <QVector>

#include <memory>
#include <string>

#include "core/common/Clock.h"
#include "core/domain/Types.h"

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
  QPointer<QWidget> m_returnFocus;  // focus owner before the focus entered the ticket
  bool m_paperTrading = true;
  std::string m_quoteSymbol;  // symbol m_quote belongs to (only the ticket's symbol is tracked)
  domain::Quote m_quote;
  QString m_lastCorrelationId;
  QString m_lastDescription;
  QString m_blockedReason;
};

}  // namespace meridian::ui
