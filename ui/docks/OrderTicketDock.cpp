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
#include <QLocale>
#include <QRegularExpressionValidator>
#include <QScrollArea>
#include <QScrollBar>
#include <QShortcut>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <tuple>

#include "core/common/Ids.h"
#include "ui/bridge/UiBridge.h"
#include "ui/models/Formatting.h"
#include "ui/models/WatchlistModel.h"
#include "ui/widgets/ModeBadge.h"

namespace meridian::ui {
namespace {

// Scrolls vertically, never sideways: the form keeps its width (labels, prices and the Send button readable, as its
// content asks at every moment: hints and outcomes change it) and the neighbouring panels give way, instead of the
// ticket being squeezed to a sliver on a 1366-pixel screen with every panel open.
class FormScrollArea : public QScrollArea {
 public:
  explicit FormScrollArea(QWidget* parent) : QScrollArea(parent) {
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  }
  QSize minimumSizeHint() const override {
    QSize s = QScrollArea::minimumSizeHint();
    if (widget())
      s.setWidth(widget()->minimumSizeHint().width() + verticalScrollBar()->sizeHint().width() + 2 * frameWidth());
    return s;
  }

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override {
    if (watched == widget() && event->type() == QEvent::LayoutRequest) updateGeometry();  // the form's needs changed
    return QScrollArea::eventFilter(watched, event);
  }
};


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

// Quantity as typed, never rewritten: anything that is not a whole number in range is "Intermediate" (kept on screen,
// the ticket says what is wrong) instead of being refused keystroke by keystroke ("1e12" -> "112", "-5" -> "5") or
// clamped (10^12 -> 10,000,000). Leaving the field keeps the text too.
class QuantitySpinBox : public QSpinBox {
 public:
  using QSpinBox::QSpinBox;
  QLineEdit* editor() const { return lineEdit(); }  // textChanged also for text that is not a valid value

  static bool parse(QString text, const QLocale& locale, long long* out) {
    text = text.trimmed();
    text.remove(locale.groupSeparator());
    text.remove(QLatin1Char(','));
    text.remove(QLatin1Char(' '));
    static const QRegularExpression digits(QStringLiteral("^\\+?[0-9]{1,18}$"));
    if (!digits.match(text).hasMatch()) return false;
    bool ok = false;
    *out = text.toLongLong(&ok);
    return ok;
  }

 protected:
  QValidator::State validate(QString& input, int& /*pos*/) const override {
    long long v = 0;
    if (parse(input, locale(), &v) && v >= minimum() && v <= maximum()) return QValidator::Acceptable;
    return QValidator::Intermediate;
  }
  int valueFromText(const QString& text) const override {
    long long v = 0;
    return parse(text, locale(), &v) ? static_cast<int>(std::clamp<long long>(v, minimum(), maximum())) : value();
  }
  void fixup(QString& /*input*/) const override {}  // never corrected
  void focusOutEvent(QFocusEvent* event) override {
    const QString typed = text();
    QSpinBox::focusOutEvent(event);
    if (text() != typed) lineEdit()->setText(typed);
  }
};

QLabel* makeHint(QWidget* parent, const QString& name) {
  auto* l = new QLabel(parent);
  l->setObjectName(name);
  l->setWordWrap(true);
  l->setVisible(false);
  l->setStyleSheet(QStringLiteral("color: %1; font-size: small;").arg(format::downColor().name()));
  return l;
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

  // Kill switch / breaker banner (hidden while trading is allowed).
  m_banner = new QLabel(content);
  m_banner->setObjectName(QStringLiteral("ticketRiskBanner"));
  m_banner->setWordWrap(true);
  m_banner->setVisible(false);
  layout->addWidget(m_banner);

  // ---- Fields ----
  m_symbolEdit = new QLineEdit(content);
  m_symbolEdit->setObjectName(QStringLiteral("symbolEdit"));
  m_symbolEdit->setPlaceholderText(QStringLiteral("Symbol"));
  m_symbolEdit->setValidator(
      new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[A-Za-z][A-Za-z0-9.\\-]{0,9}")), m_symbolEdit));
  QFont symFont = m_symbolEdit->font();
  symFont.setBold(true);
  m_symbolEdit->setFont(symFont);

  m_qtySpin = new QuantitySpinBox(content);
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
  m_qtyHint = makeHint(content, QStringLiteral("ticketQuantityHint"));
  form->addRow(QString(), m_qtyHint);
  form->addRow(QStringLiteral("Si&de"), m_sideCombo);
  form->addRow(QStringLiteral("Ty&pe"), m_typeCombo);
  form->addRow(QStringLiteral("Lim&it"), m_limitSpin);
  form->addRow(QStringLiteral("St&op"), m_stopSpin);
  m_priceHint = makeHint(content, QStringLiteral("ticketPriceHint"));
  form->addRow(QString(), m_priceHint);
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

  // The outcome of the last order, followed by its client order id.
  m_outcome = new QLabel(content);
  m_outcome->setObjectName(QStringLiteral("ticketOutcome"));
  m_outcome->setWordWrap(true);
  m_outcome->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_outcome->setVisible(false);
  layout->addWidget(m_outcome);

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

  // Scrolls rather than pushing the window taller than the screen (its rows with every hint shown are tall).
  auto* scroll = new FormScrollArea(this);
  scroll->setObjectName(QStringLiteral("ticketScroll"));
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setWidget(content);
  setWidget(scroll);
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
  connect(static_cast<QuantitySpinBox*>(m_qtySpin)->editor(), &QLineEdit::textChanged, this,
          &OrderTicketDock::updatePreChecks);
  connect(m_limitSpin, &QDoubleSpinBox::valueChanged, this, &OrderTicketDock::updatePreChecks);
  connect(m_stopSpin, &QDoubleSpinBox::valueChanged, this, &OrderTicketDock::updatePreChecks);
  connect(m_sideCombo, &QComboBox::currentIndexChanged, this, &OrderTicketDock::updatePreChecks);
  connect(m_typeCombo, &QComboBox::currentIndexChanged, this, &OrderTicketDock::updatePreChecks);
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
      // The price fields take what was typed; the quantity is read as typed (interpretText would put the previous
      // value back over a quantity that is not valid, and send that).
      if (auto* spin = qobject_cast<QAbstractSpinBox*>(watched); spin && spin != m_qtySpin) spin->interpretText();
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
  const bool needLimit = domain::hasLimitPrice(type);
  const bool needStop = domain::hasStopPrice(type);
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
      const bool lastChanged = q.last != m_quote.last;
      m_quote = q;
      updateQuoteLabel();
      if (lastChanged) updatePreChecks();
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
  QString qtyError;
  const long long qty = typedQuantity(&qtyError);
  if (qty <= 0) return qtyError;
  const auto type = static_cast<domain::OrderType>(m_typeCombo->currentData().toInt());
  const bool needLimit = domain::hasLimitPrice(type);
  const bool needStop = domain::hasStopPrice(type);
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
    out->quantity = static_cast<double>(qty);
    out->limitPrice = needLimit ? m_limitSpin->value() : 0.0;
    out->stopPrice = needStop ? m_stopSpin->value() : 0.0;
    out->strategyId = "manual";
  }
  return {};
}

void OrderTicketDock::submit() {
  if (m_killSwitch) {
    showMessage(QStringLiteral("Not sent: the kill switch is on (Trading > Reset Kill Switch)."), true);
    return;
  }
  domain::Order order;
  const QString error = validate(&order);
  if (!error.isEmpty()) {
    showMessage(error, true);
    if (m_symbolEdit->text().trimmed().isEmpty() || error.contains(QLatin1String("symbol"))) {
      m_symbolEdit->setFocus(Qt::OtherFocusReason);
    } else if (typedQuantity() <= 0) {
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
  m_trackedOrderId = format::qstr(order.clientOrderId);
  m_lastCorrelationId = m_bridge->send(contract::SubmitOrder{{}, std::move(order)}, description);
  m_lastDescription = description;
  showMessage(QStringLiteral("Sent %1").arg(description), false);
  showOutcome(Outcome::Sending, QStringLiteral("Sent %1 — waiting for the order's status").arg(description));
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
  m_submitButton->setEnabled(reason.isEmpty() && !m_killSwitch);
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

long long OrderTicketDock::typedQuantity(QString* error) const {
  const QString text = m_qtySpin->text().trimmed();
  long long v = 0;
  QString why;
  if (text.isEmpty()) {
    why = QStringLiteral("Enter a quantity.");
  } else if (!QuantitySpinBox::parse(text, m_qtySpin->locale(), &v)) {
    why = text.startsWith(QLatin1Char('-')) ? QStringLiteral("Quantity '%1' is negative: enter the number of shares, the side says buy or sell.").arg(text)
                                            : QStringLiteral("Quantity '%1' is not a whole number of shares.").arg(text);
    v = 0;
  } else if (v <= 0) {
    why = QStringLiteral("Quantity must be greater than 0.");
    v = 0;
  } else if (v > m_qtySpin->maximum()) {
    why = QStringLiteral("Quantity %1 is more than the ticket takes (%2 shares).")
              .arg(format::quantity(static_cast<double>(v)), format::quantity(m_qtySpin->maximum()));
    v = 0;
  }
  if (error) *error = why;
  return v;
}

void OrderTicketDock::setRiskLimits(const risk::RiskLimits& limits) {
  m_limits = limits;
  m_haveLimits = true;
  updatePreChecks();
}

void OrderTicketDock::setBuyingPower(double buyingPower) {
  if (buyingPower == m_buyingPower) return;
  m_buyingPower = buyingPower;
  updatePreChecks();
}

QStringList OrderTicketDock::preCheck() const {
  QStringList out;
  QString qtyError;
  const long long qty = typedQuantity(&qtyError);
  if (qty <= 0) return {qtyError};
  const auto type = static_cast<domain::OrderType>(m_typeCombo->currentData().toInt());
  const bool needLimit = domain::hasLimitPrice(type);
  const bool needStop = domain::hasStopPrice(type);
  const double last = m_quote.symbol.empty() ? 0.0 : m_quote.last;
  const double px = needLimit ? m_limitSpin->value() : (needStop ? m_stopSpin->value() : 0.0);
  if (!m_haveLimits) return out;
  if (m_limits.maxOrderQty > 0.0 && static_cast<double>(qty) > m_limits.maxOrderQty)
    out << QStringLiteral("Risk: max order quantity is %1 shares (risk.max_order_qty).").arg(format::quantity(m_limits.maxOrderQty));
  const double ref = last > 0.0 ? last : px;
  const double notional = static_cast<double>(qty) * ref;
  if (ref > 0.0 && m_limits.maxOrderNotional > 0.0 && notional > m_limits.maxOrderNotional)
    out << QStringLiteral("Risk: notional %1 is over the max %2 per order (risk.max_order_notional).")
               .arg(format::money(notional), format::money(m_limits.maxOrderNotional));
  const bool buy = static_cast<domain::Side>(m_sideCombo->currentData().toInt()) == domain::Side::Buy;
  if (buy && ref > 0.0 && m_buyingPower >= 0.0 && notional > m_buyingPower)
    out << QStringLiteral("Buying power: %1 needed, %2 available.").arg(format::money(notional), format::money(m_buyingPower));
  return out;
}

void OrderTicketDock::updatePreChecks() {
  // Quantity-side reasons next to Quantity; the price band next to the prices.
  const QStringList qty = preCheck();
  m_qtyHint->setText(qty.join(QLatin1Char('\n')));
  m_qtyHint->setVisible(!qty.isEmpty());
  m_qtySpin->setProperty("invalid", !qty.isEmpty());

  QString band;
  const auto type = static_cast<domain::OrderType>(m_typeCombo->currentData().toInt());
  const bool needLimit = domain::hasLimitPrice(type);
  const bool needStop = domain::hasStopPrice(type);
  const double last = m_quote.symbol.empty() ? 0.0 : m_quote.last;
  if (m_haveLimits && m_limits.priceBandPct > 0.0 && last > 0.0) {
    for (const auto& [on, spin, name] : {std::tuple{needLimit, m_limitSpin, QStringLiteral("Limit")},
                                         std::tuple{needStop, m_stopSpin, QStringLiteral("Stop")}}) {
      if (!on || spin->value() <= 0.0) continue;
      const double dev = std::abs(spin->value() - last) / last;
      if (dev > m_limits.priceBandPct)
        band = QStringLiteral("Risk: %1 %2 is %3 % from last %4 (band %5 %, risk.price_band_pct).")
                   .arg(name, format::price(spin->value()), QString::number(dev * 100.0, 'f', 1), format::price(last),
                        QString::number(m_limits.priceBandPct * 100.0, 'g', 4));
    }
  }
  m_priceHint->setText(band);
  m_priceHint->setVisible(!band.isEmpty());
}

void OrderTicketDock::setRiskState(bool killSwitch, const QString& killReason, bool breaker, const QString& breakerReason) {
  m_killSwitch = killSwitch;
  m_killReason = killReason;
  m_breaker = breaker;
  m_breakerReason = breakerReason;
  updateBanner();
}

void OrderTicketDock::updateBanner() {
  if (m_killSwitch) {
    m_banner->setText(QStringLiteral("KILL SWITCH ON — new orders are blocked%1. Trading > Reset Kill Switch to trade again.")
                          .arg(m_killReason.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(m_killReason)));
    m_banner->setStyleSheet(QStringLiteral("QLabel { background: %1; color: white; font-weight: bold; padding: 6px;"
                                           " border-radius: 3px; }").arg(format::downColor().name()));
  } else if (m_breaker) {
    m_banner->setText(QStringLiteral("CIRCUIT BREAKER TRIPPED — only position-reducing orders are accepted%1.")
                          .arg(m_breakerReason.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(m_breakerReason)));
    m_banner->setStyleSheet(QStringLiteral("QLabel { background: %1; color: black; font-weight: bold; padding: 6px;"
                                           " border-radius: 3px; }").arg(format::warnColor().name()));
  }
  m_banner->setVisible(m_killSwitch || m_breaker);
  // Every entry field and the submit button: nothing can be sent while the kill switch is on.
  for (QWidget* w : std::initializer_list<QWidget*>{m_symbolEdit, m_qtySpin, m_sideCombo, m_typeCombo, m_tifCombo,
                                                    m_confirmCheck, m_submitButton})
    w->setEnabled(!m_killSwitch);
  if (!m_blockedReason.isEmpty()) m_submitButton->setEnabled(false);  // an attached GUI whose server cannot take orders
  if (m_killSwitch) {
    m_limitSpin->setEnabled(false);
    m_stopSpin->setEnabled(false);
  } else {
    onTypeChanged();  // re-enables the price fields the order type needs
  }
}

void OrderTicketDock::showOutcome(Outcome kind, const QString& text) {
  m_outcomeKind = kind;
  m_outcome->setText(text);
  m_outcome->setVisible(kind != Outcome::None && !text.isEmpty());
  QString bg;
  QString fg = QStringLiteral("white");
  switch (kind) {
    case Outcome::Filled: bg = format::upColor().name(); break;
    case Outcome::Rejected:
    case Outcome::Blocked: bg = format::downColor().name(); break;
    case Outcome::Cancelled:
    case Outcome::Expired: bg = format::mutedColor().name(); break;
    case Outcome::PartiallyFilled:
    case Outcome::Working: bg = QStringLiteral("#1565c0"); break;
    case Outcome::Sending:
    case Outcome::Info:
    case Outcome::None: bg = QStringLiteral("transparent"); fg = QString(); break;
  }
  m_outcome->setStyleSheet(fg.isEmpty() ? QStringLiteral("QLabel { font-weight: bold; padding: 4px; }")
                                        : QStringLiteral("QLabel { background: %1; color: %2; font-weight: bold;"
                                                         " padding: 4px; border-radius: 3px; }").arg(bg, fg));
  m_outcome->setProperty("outcome", static_cast<int>(kind));
}

void OrderTicketDock::onOrdersUpdated(const QVector<domain::Order>& orders) {
  if (m_trackedOrderId.isEmpty()) return;
  const std::string id = m_trackedOrderId.toStdString();
  const domain::Order* latest = nullptr;
  for (const domain::Order& o : orders)
    if (o.clientOrderId == id && (!latest || o.updatedTs >= latest->updatedTs)) latest = &o;
  if (!latest) return;
  const domain::Order& o = *latest;
  const QString what = describe(o);
  switch (o.status) {
    case domain::OrderStatus::New:
    case domain::OrderStatus::PendingSubmit:
    case domain::OrderStatus::Accepted:
    case domain::OrderStatus::PendingCancel:
    case domain::OrderStatus::Replaced:
      showOutcome(Outcome::Working, QStringLiteral("Working: %1").arg(what));
      break;
    case domain::OrderStatus::PartiallyFilled:
      showOutcome(Outcome::PartiallyFilled, QStringLiteral("Partially filled %1 of %2 @ %3 — %4 working")
                                                .arg(format::quantity(o.filledQuantity), format::quantity(o.quantity),
                                                     format::price(o.avgFillPrice), format::quantity(o.remaining())));
      break;
    case domain::OrderStatus::Filled:
      showOutcome(Outcome::Filled, QStringLiteral("Filled %1 %2 %3 @ %4")
                                       .arg(format::sideText(o.side), format::quantity(o.filledQuantity),
                                            format::qstr(o.symbol), format::price(o.avgFillPrice)));
      break;
    case domain::OrderStatus::Rejected:
      showOutcome(Outcome::Rejected, QStringLiteral("Rejected: %1").arg(o.rejectReason.empty() ? QStringLiteral("no reason given")
                                                                                                 : format::qstr(o.rejectReason)));
      break;
    case domain::OrderStatus::Cancelled:
      showOutcome(Outcome::Cancelled, o.filledQuantity > 0.0
                                          ? QStringLiteral("Cancelled after %1 of %2 filled @ %3")
                                                .arg(format::quantity(o.filledQuantity), format::quantity(o.quantity),
                                                     format::price(o.avgFillPrice))
                                          : QStringLiteral("Cancelled: %1").arg(what));
      break;
    case domain::OrderStatus::Expired:
      showOutcome(Outcome::Expired, QStringLiteral("Expired: %1").arg(what));
      break;
  }
}

void OrderTicketDock::onCommandRejected(const QString& correlationId, const QString& reason) {
  if (correlationId.isEmpty() || correlationId != m_lastCorrelationId) return;
  // "Not sent: …" and "Expired: …" (an attached GUI's relay) say it themselves; anything else is a refusal by the
  // server, the risk engine or a service. The message line says it at once; the outcome line keeps a definitive
  // order status (e.g. the risk engine's Rejected with its reason) that arrived first.
  const bool notSent = reason.startsWith(QLatin1String("Not sent"));
  const bool expired = reason.startsWith(QLatin1String("Expired"));
  showMessage(notSent || expired ? QStringLiteral("%1 — %2").arg(reason, m_lastDescription)
                                 : QStringLiteral("Rejected: %1 — %2").arg(reason, m_lastDescription),
              true);
  if (m_outcomeKind == Outcome::Rejected || m_outcomeKind == Outcome::Filled) return;
  // The execution service names the order first ("<client order id>: <reason>"): the ticket knows which order.
  QString why = reason;
  if (!m_trackedOrderId.isEmpty() && why.startsWith(m_trackedOrderId + QStringLiteral(": ")))
    why.remove(0, m_trackedOrderId.size() + 2);
  if (notSent) showOutcome(Outcome::Blocked, why);
  else if (expired) showOutcome(Outcome::Expired, why);
  else showOutcome(Outcome::Rejected, QStringLiteral("Rejected: %1").arg(why));
}

void OrderTicketDock::showMessage(const QString& text, bool error) {
  m_message->setText(text);
  m_message->setStyleSheet(error ? QStringLiteral("color: %1; font-weight: bold;").arg(format::downColor().name())
                                 : QStringLiteral("color: #1565c0;"));
  m_message->setProperty("error", error);
}

}  // namespace meridian::ui
