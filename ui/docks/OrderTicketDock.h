#pragma once
// OrderTicketDock: keyboard-first order entry. Tab order: Symbol -> Quantity -> Side -> Type -> Limit -> Stop ->
// TIF -> Submit. Enter on Submit (or Ctrl+Enter anywhere in the ticket) validates and sends the order through
// UiBridge::submitOrder. Shows the PAPER/LIVE badge and the current quote of the ticket's symbol.
#include <QDockWidget>
#include <QVector>

#include <string>

#include "core/domain/Types.h"

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
  explicit OrderTicketDock(UiBridge* bridge, bool paperTrading, QWidget* parent = nullptr);

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
  QString lastCorrelationId() const { return m_lastCorrelationId; }

 public Q_SLOTS:
  void setSymbol(const QString& symbol);
  void focusTicket();  // show, raise, focus + select the symbol field
  void submit();
  void onQuotesUpdated(const QVector<meridian::domain::Quote>& quotes);

 Q_SIGNALS:
  void orderSubmitted(const QString& correlationId, const QString& description);

 private Q_SLOTS:
  void onTypeChanged();
  void onSideChanged();
  void onSymbolEdited(const QString& text);

 private:
  void showMessage(const QString& text, bool error);
  void updateQuoteLabel();

  UiBridge* m_bridge = nullptr;
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
  QLabel* m_message = nullptr;
  std::string m_quoteSymbol;  // symbol m_quote belongs to (only the ticket's symbol is tracked)
  domain::Quote m_quote;
  QString m_lastCorrelationId;
};

}  // namespace meridian::ui
