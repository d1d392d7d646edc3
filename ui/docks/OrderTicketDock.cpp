#include "ui/docks/OrderTicketDock.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QKeyEvent>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QShortcut>
#include <QSpinBox>
#include <QVBoxLayout>

#include <cmath>

#include "core/common/Ids.h"
#include "ui/bridge/UiBridge.h"
#include "ui/models/Formatting.h"
#include "ui/models/WatchlistModel.h"
#include "ui/widgets/ModeBadge.h"

namespace meridian::ui {
namespace {

QDoubleSpinBox* makePriceSpin(QWidget* parent, const QString& name) {
  auto* s = new QDoubleSpinBox(parent);
  s->setObjectName(name);
  s->setDecimals(2);
  s->setRange(0.0, 1'000'000.0);
  s->setSingleStep(0.01);
  s->setSpecialValueText(QStringLiteral("—"));  // 0 = not set
  s->setGroupSeparatorShown(true);
  s->setAlignment(Qt::AlignRight);
  s->setAccelerated(true);
  s->setKeyboardTracking(true);
  return s;
}

}  // namespace

OrderTicketDock::OrderTicketDock(UiBridge* bridge, std::shared_ptr<const common::IClock> clock, bool paperTrading,
                                 QWidget* parent)
    : QDockWidget(QStringLiteral("Order Ticket"), parent),
      m_bridge(bridge),
      m_clock(clock ? std::move(clock) : std::make_shared<const common::RealClock>()),
      m_paperTrading(paperTrading) {
  setObjectName(QStringLiteral("OrderTicketDock"));

  auto* content = new QWidget(this);
  auto* layout = new QVBoxLayout(content);
  layout->setContentsMargins(6, 6, 6, 6);
  layout->setSpacing(6);

  // ---- Mode badge + quote ----
  auto* top = new QHBoxLayout;
  m_badge = new ModeBadge(paperTrading, ModeBadge::Size::Large, content);
  m_badge->setObjectName(QStringLiteral("ticketModeBadge"));
  m_quoteLabel = new QLabel(content);
  m_quoteLabel->setObjectName(QStringLiteral("ticketQuote"));
  m_quoteLabel->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
  m_quoteLabel->setTextFormat(Qt::RichText);
  top->addWidget(m_badge);
  top->addStretch(1);
  top->addWidget(m_quoteLabel);
  layout->addLayout(top);

  // ---- Fields ----
  m_symbolEdit = new QLineEdit(content);
  m_symbolEdit->setObjectName(QStringLiteral("symbolEdit"));
  m_symbolEdit->setPlaceholderText(QStringLiteral("Symbol"));
  m_symbolEdit->setValidator(
      new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[A-Za-z][A-Za-z0-9.\\-]{0,9}")), m_symbolEdit));
  QFont symFont = m_symbolEdit->font();
  symFont.setBold(true);
  m_symbolEdit->setFont(symFont);

  m_qtySpin = new QSpinBox(content);
  m_qtySpin->setObjectName(QStringLiteral("quantitySpin"));
  m_qtySpin->setRange(0, 10'000'000);
  m_qtySpin->setValue(kDefaultQuantity);
  m_qtySpin->setSingleStep(100);
  m_qtySpin->setGroupSeparatorShown(true);
  m_qtySpin->setAlignment(Qt::AlignRight);
  m_qtySpin->setAccelerated(true);

  m_sideCombo = new QComboBox(content);
  m_sideCombo->setObjectName(QStringLiteral("sideCombo"));
  m_sideCombo->addItem(QStringLiteral("Buy"), static_cast<int>(domain::Side::Buy));
  m_sideCombo->addItem(QStringLiteral("Sell"), static_cast<int>(domain::Side::Sell));

  m_typeCombo = new QComboBox(content);
  m_typeCombo->setObjectName(QStringLiteral("typeCombo"));
  m_typeCombo->addItem(QStringLiteral("Market"), static_cast<int>(domain::OrderType::Market));
  m_typeCombo->addItem(QStringLiteral("Limit"), static_cast<int>(domain::OrderType::Limit));
  m_typeCombo->addItem(QStringLiteral("Stop"), static_cast<int>(domain::OrderType::Stop));
  m_typeCombo->addItem(QStringLiteral("Stop Limit"), static_cast<int>(domain::OrderType::StopLimit));

  m_limitSpin = makePriceSpin(content, QStringLiteral("limitPriceSpin"));
  m_stopSpin = makePriceSpin(content, QStringLiteral("stopPriceSpin"));

  m_tifCombo = new QComboBox(content);
  m_tifCombo->setObjectName(QStringLiteral("tifCombo"));
  m_tifCombo->addItem(QStringLiteral("Day"), static_cast<int>(domain::TimeInForce::Day));
  m_tifCombo->addItem(QStringLiteral("GTC"), static_cast<int>(domain::TimeInForce::Gtc));
  m_tifCombo->addItem(QStringLiteral("IOC"), static_cast<int>(domain::TimeInForce::Ioc));
  m_tifCombo->addItem(QStringLiteral("FOK"), static_cast<int>(domain::TimeInForce::Fok));

  auto* form = new QFormLayout;
  form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  form->setHorizontalSpacing(8);
  form->setVerticalSpacing(5);
  form->addRow(QStringLiteral("Sy&mbol"), m_symbolEdit);
  form->addRow(QStringLiteral("&Quantity"), m_qtySpin);
  form->addRow(QStringLiteral("Si&de"), m_sideCombo);
  form->addRow(QStringLiteral("Ty&pe"), m_typeCombo);
  form->addRow(QStringLiteral("Lim&it"), m_limitSpin);
  form->addRow(QStringLiteral("St&op"), m_stopSpin);
  form->addRow(QStringLiteral("Time i&n force"), m_tifCombo);
  layout->addLayout(form);

  // Confirm mode: on by default for LIVE (real money), off for PAPER; MainWindow applies ui.confirm_orders.
  m_confirmCheck = new QCheckBox(QStringLiteral("&Confirm before sending"), content);
  m_confirmCheck->setObjectName(QStringLiteral("confirmCheck"));
  m_confirmCheck->setChecked(!paperTrading);
  m_confirmCheck->setToolTip(QStringLiteral("Ask for a confirmation summarising the order before it is sent"));
  layout->addWidget(m_confirmCheck);

  m_submitButton = new QPushButton(QStringLiteral("&Submit"), content);
  m_submitButton->setObjectName(QStringLiteral("submitButton"));
  m_submitButton->setAutoDefault(true);  // Enter on the focused button submits (not only Space)
  m_submitButton->setMinimumHeight(m_submitButton->sizeHint().height() + 8);
  m_submitButton->setToolTip(QStringLiteral("Send the order (Enter on this button, or Ctrl+Enter in the ticket)"));
  layout->addWidget(m_submitButton);

  m_message = new QLabel(content);
  m_message->setObjectName(QStringLiteral("ticketMessage"));
  m_message->setWordWrap(true);
  m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_message->setMinimumHeight(m_message->fontMetrics().height() * 2);
  m_message->setAlignment(Qt::AlignLeft | Qt::AlignTop);
  layout->addWidget(m_message);
  auto* hint = new QLabel(QStringLiteral("Enter send · Esc clear · B/S side · T type (Ctrl+T in Symbol)"), content);
  hint->setObjectName(QStringLiteral("ticketHint"));
  hint->setWordWrap(true);
  hint->setStyleSheet(QStringLiteral("color: %1;").arg(format::mutedColor().name()));
  layout->addWidget(hint);
  layout->addStretch(1);

  setWidget(content);
  setFocusProxy(m_symbolEdit);

  QWidget::setTabOrder(m_symbolEdit, m_qtySpin);
  QWidget::setTabOrder(m_qtySpin, m_sideCombo);
  QWidget::setTabOrder(m_sideCombo, m_typeCombo);
  QWidget::setTabOrder(m_typeCombo, m_limitSpin);
  QWidget::setTabOrder(m_limitSpin, m_stopSpin);
  QWidget::setTabOrder(m_stopSpin, m_tifCombo);
  QWidget::setTabOrder(m_tifCombo, m_confirmCheck);
  QWidget::setTabOrder(m_confirmCheck, m_submitButton);

  for (const auto& key : {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)}) {
    auto* sc = new QShortcut(key, content);
    sc->setContext(Qt::WidgetWithChildrenShortcut);
    connect(sc, &QShortcut::activated, this, &OrderTicketDock::submit);
  }
  // Ctrl+T works in the symbol field too (plain T is typed there).
  auto* cycle = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_T), content);
  cycle->setObjectName(QStringLiteral("cycleTypeShortcut"));
  cycle->setContext(Qt::WidgetWithChildrenShortcut);
  connect(cycle, &QShortcut::activated, this, [this] { cycleOrderType(1); });

  for (QWidget* w : std::initializer_list<QWidget*>{m_symbolEdit, m_qtySpin, m_sideCombo, m_typeCombo, m_limitSpin,
                                                    m_stopSpin, m_tifCombo, m_confirmCheck, m_submitButton})
    w->installEventFilter(this);
  connect(qApp, &QApplication::focusChanged, this, &OrderTicketDock::onFocusChanged);

  connect(m_submitButton, &QPushButton::clicked, this, &OrderTicketDock::submit);
  connect(m_typeCombo, &QComboBox::currentIndexChanged, this, &OrderTicketDock::onTypeChanged);
  connect(m_sideCombo, &QComboBox::currentIndexChanged, this, &OrderTicketDock::onSideChanged);
  connect(m_symbolEdit, &QLineEdit::textEdited, this, &OrderTicketDock::onSymbolEdited);
  onTypeChanged();
  onSideChanged();
  updateQuoteLabel();
}

void OrderTicketDock::setSymbol(const QString& symbol) {
  m_symbolEdit->setText(symbol.trimmed().toUpper());
  onSymbolEdited(m_symbolEdit->text());
}

bool OrderTicketDock::confirmMode() const { return m_confirmCheck->isChecked(); }

void OrderTicketDock::setConfirmMode(bool on) { m_confirmCheck->setChecked(on); }

void OrderTicketDock::setPaperTrading(bool paper) {
  if (paper == m_paperTrading) return;
  m_paperTrading = paper;
  m_badge->setPaper(paper);
  m_confirmCheck->setChecked(!paper);
}

void OrderTicketDock::setSide(domain::Side side) {
  m_sideCombo->setCurrentIndex(m_sideCombo->findData(static_cast<int>(side)));
}

void OrderTicketDock::cycleOrderType(int step) {
  const int n = m_typeCombo->count();
  m_typeCombo->setCurrentIndex(((m_typeCombo->currentIndex() + step) % n + n) % n);
}

bool OrderTicketDock::isInTicket(const QWidget* w) const { return w && (w == this || isAncestorOf(w)); }

void OrderTicketDock::onFocusChanged(QWidget* old, QWidget* now) {
  // Remember where the focus came from when it enters the ticket, so Esc can give it back. Coming back from a
  // dialog (the confirmation box, a file dialog) or a popup does not count: those close, the origin stays.
  if (!old || !isInTicket(now) || isInTicket(old)) return;
  const QWidget* top = old->window();
  if (top->isModal() || top->windowType() == Qt::Popup || qobject_cast<const QDialog*>(top)) return;
  m_returnFocus = old;
}

void OrderTicketDock::clearTicket() {
  setSide(domain::Side::Buy);
  m_typeCombo->setCurrentIndex(0);  // Market: clears both prices
  m_limitSpin->setValue(0.0);
  m_stopSpin->setValue(0.0);
  m_qtySpin->setValue(kDefaultQuantity);
  m_tifCombo->setCurrentIndex(0);
  showMessage(QStringLiteral("Ticket cleared"), false);
  QWidget* back = m_returnFocus.data();
  if (back && back->isVisible() && back->isEnabled() && !isInTicket(back)) {
    back->setFocus(Qt::OtherFocusReason);
  } else if (isInTicket(QApplication::focusWidget())) {
    QApplication::focusWidget()->clearFocus();
  }
}

void OrderTicketDock::prefillClosingOrder(const QString& symbol, double signedQuantity) {
  setSymbol(symbol);
  show();
  raise();
  if (signedQuantity == 0.0) {
    showMessage(QStringLiteral("%1 is flat: nothing to close").arg(m_symbolEdit->text()), false);
    m_qtySpin->setFocus(Qt::OtherFocusReason);
    return;
  }
  setSide(signedQuantity > 0.0 ? domain::Side::Sell : domain::Side::Buy);
  const double shares = std::abs(signedQuantity);
  m_qtySpin->setValue(static_cast<int>(std::llround(shares)));
  QString text = QStringLiteral("Closing order prefilled: %1 %2 %3 — Enter sends, Esc clears")
                     .arg(format::sideText(signedQuantity > 0.0 ? domain::Side::Sell : domain::Side::Buy),
                          format::quantity(m_qtySpin->value()), m_symbolEdit->text());
  if (std::abs(shares - std::round(shares)) > 1e-9)
    text += QStringLiteral(" (position is %1 shares; the ticket trades whole shares)").arg(format::quantity(shares));
  showMessage(text, false);
  m_qtySpin->setFocus(Qt::OtherFocusReason);
  m_qtySpin->selectAll();
}

bool OrderTicketDock::eventFilter(QObject* watched, QEvent* event) {
  if (event->type() != QEvent::KeyPress) return QDockWidget::eventFilter(watched, event);
  auto* key = static_cast<QKeyEvent*>(event);
  const Qt::KeyboardModifiers mods = key->modifiers() & ~Qt::KeypadModifier;
  const bool inSymbol = watched == m_symbolEdit;
  switch (key->key()) {
    case Qt::Key_Return:
    case Qt::Key_Enter:
      // The submit button handles its own Enter (autoDefault); Ctrl+Enter is the QShortcut.
      if (watched == m_submitButton || mods != Qt::NoModifier) break;
      if (auto* spin = qobject_cast<QAbstractSpinBox*>(watched)) spin->interpretText();
      submit();
      return true;
    case Qt::Key_Escape:
      if (mods != Qt::NoModifier) break;
      clearTicket();
      return true;
    case Qt::Key_B:
    case Qt::Key_S:
      if (inSymbol || mods != Qt::NoModifier) break;
      setSide(key->key() == Qt::Key_B ? domain::Side::Buy : domain::Side::Sell);
      return true;
    case Qt::Key_T:
      if (inSymbol || (mods != Qt::NoModifier && mods != Qt::ShiftModifier)) break;
      cycleOrderType(mods == Qt::ShiftModifier ? -1 : 1);
      return true;
    default: break;
  }
  return QDockWidget::eventFilter(watched, event);
}

void OrderTicketDock::focusTicket() {
  show();
  raise();
  m_symbolEdit->setFocus(Qt::ShortcutFocusReason);
  m_symbolEdit->selectAll();
}

void OrderTicketDock::onSymbolEdited(const QString& text) {
  const QString upper = text.toUpper();
  if (upper != text) {
    const int pos = m_symbolEdit->cursorPosition();
    m_symbolEdit->setText(upper);
    m_symbolEdit->setCursorPosition(pos);
  }
  const std::string s = upper.toStdString();
  if (s != m_quoteSymbol) {
    m_quoteSymbol = s;
    m_quote = domain::Quote{};
    // Prices belong to a symbol: never carry one over to another symbol.
    m_limitSpin->setValue(0.0);
    m_stopSpin->setValue(0.0);
    updateQuoteLabel();
  }
}

void OrderTicketDock::onTypeChanged() {
  const auto type = static_cast<domain::OrderType>(m_typeCombo->currentData().toInt());
  const bool needLimit = type == domain::OrderType::Limit || type == domain::OrderType::StopLimit;
  const bool needStop = type == domain::OrderType::Stop || type == domain::OrderType::StopLimit;
  m_limitSpin->setEnabled(needLimit);
  m_stopSpin->setEnabled(needStop);
  // An unused price is cleared, so a stale value can never come back when the type is switched again.
  if (!needLimit) m_limitSpin->setValue(0.0);
  if (!needStop) m_stopSpin->setValue(0.0);
  // Pre-fill a sensible price from the live quote when the field is empty.
  const double ref = m_quote.last > 0.0 ? m_quote.last : m_quote.mid();
  if (needLimit && m_limitSpin->value() == 0.0 && ref > 0.0) m_limitSpin->setValue(ref);
  if (needStop && m_stopSpin->value() == 0.0 && ref > 0.0) m_stopSpin->setValue(ref);
}

void OrderTicketDock::onSideChanged() {
  const bool buy = static_cast<domain::Side>(m_sideCombo->currentData().toInt()) == domain::Side::Buy;
  const QString bg = buy ? format::upColor().name() : format::downColor().name();
  const QString bgDark = buy ? format::upColor().darker(125).name() : format::downColor().darker(125).name();
  m_submitButton->setText(buy ? QStringLiteral("&Submit Buy") : QStringLiteral("&Submit Sell"));
  m_submitButton->setStyleSheet(
      QStringLiteral("QPushButton { background: %1; color: white; font-weight: bold; border: 2px solid %1;"
                     " border-radius: 3px; padding: 4px 10px; }"
                     "QPushButton:hover { background: %2; }"
                     "QPushButton:pressed { background: %2; }"
                     "QPushButton:focus { border: 2px solid #1565c0; }"
                     "QPushButton:disabled { background: #9e9e9e; border: 2px solid #9e9e9e; color: #eeeeee; }")
          .arg(bg, bgDark));
}

void OrderTicketDock::onQuotesUpdated(const QVector<domain::Quote>& quotes) {
  if (m_quoteSymbol.empty()) return;
  for (const domain::Quote& q : quotes) {
    if (q.symbol == m_quoteSymbol && q.ts >= m_quote.ts) {
      const bool first = m_quote.symbol.empty();
      m_quote = q;
      updateQuoteLabel();
      if (first) onTypeChanged();  // pre-fill empty enabled price fields from the first quote
    }
  }
}

void OrderTicketDock::updateQuoteLabel() {
  if (m_quote.symbol.empty()) {
    m_quoteLabel->setText(QStringLiteral("<span style='color:#808080'>no quote</span>"));
    return;
  }
  m_quoteLabel->setText(QStringLiteral("<span style='color:%1'>%2</span> × <span style='color:%3'>%4</span>"
                                       "<br/><span style='color:#555b66'>Last %5</span>")
                            .arg(format::downColor().name(), format::price(m_quote.bid, true),
                                 format::upColor().name(), format::price(m_quote.ask, true),
                                 format::price(m_quote.last, true)));
}

QString OrderTicketDock::validate(domain::Order* out) const {
  const QString symbol = m_symbolEdit->text().trimmed().toUpper();
  if (symbol.isEmpty()) return QStringLiteral("Enter a symbol.");
  if (!WatchlistModel::isValidSymbol(symbol)) return QStringLiteral("'%1' is not a valid symbol.").arg(symbol);
  const int qty = m_qtySpin->value();
  if (qty <= 0) return QStringLiteral("Quantity must be greater than 0.");
  const auto type = static_cast<domain::OrderType>(m_typeCombo->currentData().toInt());
  const bool needLimit = type == domain::OrderType::Limit || type == domain::OrderType::StopLimit;
  const bool needStop = type == domain::OrderType::Stop || type == domain::OrderType::StopLimit;
  if (needLimit && m_limitSpin->value() <= 0.0)
    return QStringLiteral("A limit price is required for %1 orders.").arg(format::orderTypeText(type));
  if (needStop && m_stopSpin->value() <= 0.0)
    return QStringLiteral("A stop price is required for %1 orders.").arg(format::orderTypeText(type));

  if (out) {
    *out = domain::Order{};
    out->symbol = symbol.toStdString();
    out->side = static_cast<domain::Side>(m_sideCombo->currentData().toInt());
    out->type = type;
    out->tif = static_cast<domain::TimeInForce>(m_tifCombo->currentData().toInt());
    out->quantity = qty;
    out->limitPrice = needLimit ? m_limitSpin->value() : 0.0;
    out->stopPrice = needStop ? m_stopSpin->value() : 0.0;
    out->strategyId = "manual";
  }
  return {};
}

void OrderTicketDock::submit() {
  domain::Order order;
  const QString error = validate(&order);
  if (!error.isEmpty()) {
    showMessage(error, true);
    if (m_symbolEdit->text().trimmed().isEmpty() || error.contains(QLatin1String("symbol"))) {
      m_symbolEdit->setFocus(Qt::OtherFocusReason);
    } else if (m_qtySpin->value() <= 0) {
      m_qtySpin->setFocus(Qt::OtherFocusReason);
      m_qtySpin->selectAll();
    } else if (error.contains(QLatin1String("limit"))) {
      m_limitSpin->setFocus(Qt::OtherFocusReason);
      m_limitSpin->selectAll();
    } else {
      m_stopSpin->setFocus(Qt::OtherFocusReason);
      m_stopSpin->selectAll();
    }
    return;
  }
  const QString description = describe(order);
  if (!m_blockedReason.isEmpty()) {
    showMessage(QStringLiteral("Not sent: %1").arg(m_blockedReason), true);
    return;
  }
  if (confirmMode() && !confirm(order, description)) {
    showMessage(QStringLiteral("Not sent: %1 (confirmation declined)").arg(description), true);
    Q_EMIT orderNotConfirmed(description);
    return;
  }
  order.clientOrderId = common::newClientOrderId();
  order.status = domain::OrderStatus::New;
  order.createdTs = order.updatedTs = m_clock->now();
  m_lastCorrelationId = m_bridge->send(contract::SubmitOrder{{}, std::move(order)}, description);
  m_lastDescription = description;
  showMessage(QStringLiteral("Sent %1").arg(description), false);
  Q_EMIT orderSubmitted(m_lastCorrelationId, description);
}

QString OrderTicketDock::describe(const domain::Order& order) {
  QString description = QStringLiteral("%1 %2 %3 %4")
                            .arg(format::sideText(order.side), format::quantity(order.quantity),
                                 format::qstr(order.symbol), format::orderTypeText(order.type));
  if (order.limitPrice > 0.0) description += QStringLiteral(" @ %1").arg(format::price(order.limitPrice));
  if (order.stopPrice > 0.0) description += QStringLiteral(" stop %1").arg(format::price(order.stopPrice));
  description += QLatin1Char(' ') + format::tifText(order.tif);
  return description;
}

bool OrderTicketDock::confirm(const domain::Order& order, const QString& description) {
  const QString mode = m_paperTrading ? QStringLiteral("PAPER") : QStringLiteral("LIVE");
  QMessageBox box(m_paperTrading ? QMessageBox::Question : QMessageBox::Warning,
                  QStringLiteral("[%1] Confirm Order").arg(mode), QString(), QMessageBox::NoButton, this);
  box.setObjectName(QStringLiteral("orderConfirmBox"));
  box.setTextFormat(Qt::RichText);
  const QString modeHtml =
      m_paperTrading ? QStringLiteral("<span style='color:%1'><b>PAPER</b> (simulated account)</span>").arg(format::upColor().name())
                     : QStringLiteral("<span style='color:%1'><b>LIVE</b> — real money</span>").arg(format::downColor().name());
  box.setText(QStringLiteral("<p style='font-size:large'><b>%1</b></p><p>%2</p>").arg(description.toHtmlEscaped(), modeHtml));
  // Estimated notional from the order's price or the live quote (informative only; the broker prices the fill).
  double ref = order.limitPrice > 0.0 ? order.limitPrice : order.stopPrice;
  if (ref <= 0.0 && m_quoteSymbol == order.symbol) {
    const double touch = order.side == domain::Side::Buy ? m_quote.ask : m_quote.bid;
    ref = touch > 0.0 ? touch : m_quote.last;
  }
  if (ref > 0.0)
    box.setInformativeText(QStringLiteral("Estimated notional %1").arg(format::money(ref * order.quantity)));
  QPushButton* send = box.addButton(QStringLiteral("&Send"), QMessageBox::AcceptRole);
  send->setObjectName(QStringLiteral("confirmSendButton"));
  QPushButton* cancel = box.addButton(QStringLiteral("&Cancel"), QMessageBox::RejectRole);
  cancel->setObjectName(QStringLiteral("confirmCancelButton"));
  box.setDefaultButton(send);  // Enter sends, Esc cancels; S / C answer too (QMessageBox mnemonics)
  box.setEscapeButton(cancel);
  box.exec();
  return box.clickedButton() == send;
}

void OrderTicketDock::setServerBlocked(const QString& reason) {
  if (reason == m_blockedReason) return;
  const bool wasBlocked = !m_blockedReason.isEmpty();
  m_blockedReason = reason;
  m_submitButton->setEnabled(reason.isEmpty());
  m_submitButton->setToolTip(reason.isEmpty() ? QString() : QStringLiteral("Disabled: %1").arg(reason));
  if (!reason.isEmpty())
    showMessage(QStringLiteral("Orders disabled: %1").arg(reason), true);
  else if (wasBlocked)
    showMessage(QStringLiteral("Server back: orders enabled"), false);
}

void OrderTicketDock::onCommandAccepted(const QString& correlationId) {
  if (correlationId.isEmpty() || correlationId != m_lastCorrelationId) return;
  showMessage(QStringLiteral("Accepted by the server: %1").arg(m_lastDescription), false);
}

void OrderTicketDock::onCommandRejected(const QString& correlationId, const QString& reason) {
  if (correlationId.isEmpty() || correlationId != m_lastCorrelationId) return;
  // "Not sent: …" and "Expired: …" say it themselves; anything else is the server's (or a service's) refusal.
  const bool saysItself = reason.startsWith(QLatin1String("Not sent")) || reason.startsWith(QLatin1String("Expired"));
  showMessage(saysItself ? QStringLiteral("%1 — %2").arg(reason, m_lastDescription)
                         : QStringLiteral("Rejected: %1 — %2").arg(reason, m_lastDescription),
              true);
}

void OrderTicketDock::showMessage(const QString& text, bool error) {
  m_message->setText(text);
  m_message->setStyleSheet(error ? QStringLiteral("color: %1; font-weight: bold;").arg(format::downColor().name())
                                 : QStringLiteral("color: #1565c0;"));
  m_message->setProperty("error", error);
}

}  // namespace meridian::ui
