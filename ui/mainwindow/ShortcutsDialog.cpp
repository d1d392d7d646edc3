#include "ui/mainwindow/ShortcutsDialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace meridian::ui {
namespace {

QString row(const QString& keys, const QString& what) {
  return QStringLiteral("<tr><td style='padding:2px 16px 2px 4px'><b>%1</b></td><td>%2</td></tr>")
      .arg(keys.toHtmlEscaped(), what.toHtmlEscaped());
}

}  // namespace

ShortcutsDialog::ShortcutsDialog(const QList<QAction*>& actions, QWidget* parent) : QDialog(parent) {
  setObjectName(QStringLiteral("ShortcutsDialog"));
  setWindowTitle(QStringLiteral("Keyboard Shortcuts"));
  resize(520, 560);

  QString html = QStringLiteral("<h3>Application</h3><table>");
  for (QAction* a : actions) {
    if (a->shortcut().isEmpty()) continue;
    html += row(a->shortcut().toString(QKeySequence::NativeText), a->text().remove(QLatin1Char('&')));
  }
  html += QStringLiteral("<tr><td style='padding:2px 16px 2px 4px'><b>Alt + underlined letter</b></td>"
                         "<td>Open a menu / jump to a labelled field</td></tr></table>");
  html += QStringLiteral("<h3>Order ticket</h3><table>");
  html += row(QStringLiteral("F2"), QStringLiteral("Jump to the ticket's symbol field"));
  html += row(QStringLiteral("Tab / Shift+Tab"),
              QStringLiteral("Symbol → Quantity → Side → Type → Limit → Stop → TIF → Confirm → Submit"));
  html += row(QStringLiteral("Enter"), QStringLiteral("Submit the order from any ticket field (also Ctrl+Enter)"));
  html += row(QStringLiteral("Esc"), QStringLiteral("Clear the ticket (symbol kept) and return to where you came from"));
  html += row(QStringLiteral("B / S"), QStringLiteral("Buy / Sell — in every ticket field except Symbol"));
  html += row(QStringLiteral("T / Shift+T"),
              QStringLiteral("Next / previous order type — in every ticket field except Symbol"));
  html += row(QStringLiteral("Ctrl+T"), QStringLiteral("Next order type — also in the Symbol field, where letters are typed"));
  html += row(QStringLiteral("Alt+C"), QStringLiteral("Confirm mode on/off (on by default for LIVE, off for PAPER)"));
  html += row(QStringLiteral("Enter / S, Esc / C (confirmation)"), QStringLiteral("Send / do not send the order"));
  html += QStringLiteral("</table><h3>Tables and chart</h3><table>");
  html += row(QStringLiteral("Alt+1 – Alt+9, again"), QStringLiteral("The keyboard into panel N; the same key again: back to the ticket"));
  html += row(QStringLiteral("Ctrl+Tab / Ctrl+Shift+Tab"), QStringLiteral("The keyboard into the next / previous open panel"));
  html += row(QStringLiteral("Menu key / Shift+F10, right-click (a row)"),
              QStringLiteral("Buy, Sell, Close Position, Cancel / Modify Order, Chart, Add to Watchlist"));
  html += row(QStringLiteral("Enter / double-click (Watchlist)"), QStringLiteral("Chart the symbol and load it in the ticket"));
  html += row(QStringLiteral("Enter / double-click (Positions)"),
              QStringLiteral("Prefill the ticket with the closing order (side and quantity); Enter sends"));
  html += row(QStringLiteral("Delete (Watchlist)"), QStringLiteral("Remove the selected symbols"));
  html += row(QStringLiteral("Delete (Orders)"), QStringLiteral("Cancel the selected working orders"));
  html += row(QStringLiteral("Ctrl+E (Orders, Fills, Positions, Account)"),
              QStringLiteral("Export the table as CSV (also File > Export to CSV and the context menu)"));
  html += row(QStringLiteral("Click a column header"), QStringLiteral("Sort the blotter by that column"));
  html += row(QStringLiteral("+ / - / wheel (Chart)"), QStringLiteral("Zoom in / out"));
  html += row(QStringLiteral("Home / End (Chart)"), QStringLiteral("Fit all bars / newest bars at the default zoom"));
  html += row(QStringLiteral("Left / Right, PageUp / PageDown (Chart)"), QStringLiteral("Pan a step / a page (drag with the mouse)"));
  html += row(QStringLiteral("1 – 6 (Chart)"), QStringLiteral("Timeframe 1m / 5m / 15m / 1h / 1D / 1W"));
  html += row(QStringLiteral("Ctrl+1 – Ctrl+8 (Chart)"), QStringLiteral("Range 1D / 5D / 1M / 3M / 6M / 1Y / 5Y / All"));
  html += row(QStringLiteral("Ctrl+R / Enter (Jobs)"), QStringLiteral("Run the selected job now"));
  html += row(QStringLiteral("Ctrl+P / Ctrl+R (Strategy Monitor)"), QStringLiteral("Pause / resume the selected strategy"));
  html += row(QStringLiteral("Ctrl+Shift+F (Strategy Monitor)"),
              QStringLiteral("Flatten the selected strategy (asks first, naming PAPER or LIVE), then paused"));
  html += row(QStringLiteral("Enter / double-click (Strategy Monitor)"), QStringLiteral("Chart the strategy's first symbol"));
  html += row(QStringLiteral("Enter (Pair Lab symbols)"), QStringLiteral("Scan every pair of the typed symbols"));
  html += row(QStringLiteral("Ctrl+Enter (Pair Lab table)"), QStringLiteral("Backtest the selected pair with the pairs strategy"));
  html += row(QStringLiteral("Ctrl+Shift+P (Pair Lab)"),
              QStringLiteral("Promote the selected pair to a live pairs strategy (asks first, naming PAPER or LIVE)"));
  html += QStringLiteral("</table>");

  auto* layout = new QVBoxLayout(this);
  auto* text = new QTextBrowser(this);
  text->setHtml(html);
  layout->addWidget(text, 1);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons);
}

}  // namespace meridian::ui
