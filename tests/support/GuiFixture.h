#pragma once
// Shared set-up of the GUI tests (header only): screenshot directory and saving, throw-away QSettings names,
// showing + activating a window, and KernelWindow -- the real composition root (runtime::Kernel: simulated market
// + paper broker on a temporary SQLite file) with a MainWindow on top, as the application wires them.
//
// KernelWindow is a template over the kernel type so this header can be included by tests that do not link
// meridian::runtime (tst_MainWindow, tst_Docks): the kernel is only needed where KernelWindow is instantiated,
// and those tests include "core/runtime/Kernel.h" themselves.
#include <QApplication>
#include <QCoreApplication>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QImage>
#include <QPixmap>
#include <QSet>
#include <QSettings>
#include <QString>
#include <QTemporaryDir>
#include <QTest>
#include <QTableView>
#include <QTimer>
#include <QTreeView>
#include <QWidget>

#include <functional>
#include <map>
#include <memory>

#include "core/common/Config.h"
#include "core/common/Logging.h"
#include "ui/bridge/UiContext.h"
#include "ui/mainwindow/MainWindow.h"

namespace meridian::runtime {
class Kernel;
}

namespace meridian::test {

inline const QString kSettingsOrganization = QStringLiteral("MeridianTests");

// $MERIDIAN_SCREENSHOT_DIR, else <temp>/meridian-screenshots; created on first use.
inline QDir screenshotDir() {
  const QByteArray env = qgetenv("MERIDIAN_SCREENSHOT_DIR");
  QDir dir(env.isEmpty() ? QDir::temp().filePath(QStringLiteral("meridian-screenshots")) : QString::fromLocal8Bit(env));
  dir.mkpath(QStringLiteral("."));
  return dir;
}

// Grabs `w` (QWidget::grab) into <screenshotDir>/<name>.png. Returns the path, or an empty string when the grab or
// the write failed (use with QVERIFY2(!path.isEmpty(), ...)).
inline QString saveScreenshot(QWidget* w, const QString& name) {
  if (!w) return {};
  const QString path = screenshotDir().filePath(name + QStringLiteral(".png"));
  QFile::remove(path);
  const QPixmap pm = w->grab();
  if (pm.isNull() || !pm.save(path, "PNG") || QImage(path).size() != pm.size()) return {};
  qInfo("screenshot: %s (%dx%d)", qPrintable(path), pm.width(), pm.height());
  return path;
}

// What a screenshot must show beyond "a PNG was written": `w` is visible and at least minSize, its picture is not
// blank (three or more distinct colours: background, frame, text), and every visible column of its visible tables
// and trees has a header text and is at least minColumnWidth px wide. Empty when all holds, else what does not
// (use with QVERIFY2(problem.isEmpty(), qPrintable(problem))).
inline QString pictureProblem(QWidget* w, QSize minSize = {150, 80}, int minColumnWidth = 30) {
  if (!w) return QStringLiteral("no widget");
  const QString name = w->objectName().isEmpty() ? QString::fromLatin1(w->metaObject()->className()) : w->objectName();
  if (!w->isVisible()) return name + QStringLiteral(" is not visible");
  if (w->width() < minSize.width() || w->height() < minSize.height())
    return QStringLiteral("%1 is only %2x%3").arg(name).arg(w->width()).arg(w->height());
  const QImage img = w->grab().toImage();
  QSet<QRgb> colours;
  for (int y = 0; y < img.height() && colours.size() < 3; y += 2)
    for (int x = 0; x < img.width() && colours.size() < 3; x += 2) colours.insert(img.pixel(x, y));
  if (colours.size() < 3) return name + QStringLiteral(": the picture is blank");
  // Visible columns of the visible tables and trees (with a header): a header text and a readable width.
  const auto columnProblem = [&](auto* view, bool headerHidden) -> QString {
    if (!view->isVisible() || !view->model() || headerHidden) return {};
    for (int c = 0; c < view->model()->columnCount(); ++c) {
      if (view->isColumnHidden(c)) continue;
      const QString header = view->model()->headerData(c, Qt::Horizontal).toString();
      if (header.isEmpty()) return QStringLiteral("%1: column %2 of %3 has no header").arg(name).arg(c).arg(view->objectName());
      if (view->columnWidth(c) < minColumnWidth)
        return QStringLiteral("%1: column '%2' is %3 px wide").arg(name, header).arg(view->columnWidth(c));
    }
    return {};
  };
  for (QTableView* t : w->findChildren<QTableView*>())
    if (const QString p = columnProblem(t, false); !p.isEmpty()) return p;
  for (QTreeView* t : w->findChildren<QTreeView*>())
    if (const QString p = columnProblem(t, t->isHeaderHidden()); !p.isEmpty()) return p;
  return {};
}

// A QSettings application name no other test run shares (cleared before use).
inline QString uniqueSettingsApp(const QString& prefix) {
  const QString app = QStringLiteral("%1-%2-%3")
                          .arg(prefix)
                          .arg(QCoreApplication::applicationPid())
                          .arg(QDateTime::currentMSecsSinceEpoch());
  QSettings(kSettingsOrganization, app).clear();
  return app;
}

inline void clearSettings(const QString& app) {
  QSettings settings(kSettingsOrganization, app);
  settings.clear();
  settings.sync();
}

inline ui::UiContext uiContext(bus::EventBus* bus, common::Config* config, const QString& settingsApp,
                               bool paperTrading = true) {
  ui::UiContext c;
  c.bus = bus;
  c.config = config;
  c.logs = common::inAppLogs();
  c.settingsOrganization = kSettingsOrganization;
  c.settingsApplication = settingsApp;
  c.paperTrading = paperTrading;
  return c;
}

// show(), wait until exposed, activate, wait until active.
[[nodiscard]] inline bool showAndActivate(QWidget* w) {
  w->show();
  if (!QTest::qWaitForWindowExposed(w)) return false;
  w->activateWindow();
  return QTest::qWaitForWindowActive(w);
}

// Runs `answer` on the first active modal widget of type T (QDialog, QMessageBox, QFileDialog...) that shows up
// within `timeoutMs`; the caller then opens it with a blocking call (exec() through a key press or an action).
// Polls rather than using a zero timer, because a dialog may take a few event-loop turns to become modal. The
// returned flag tells whether it was seen; `answer` must not outlive what it captures beyond the blocking call.
template <class T = QWidget>
std::shared_ptr<bool> whenModal(QObject* context, std::function<void(T*)> answer, int timeoutMs = 5000) {
  auto seen = std::make_shared<bool>(false);
  auto* timer = new QTimer(context);
  timer->setInterval(20);
  const QDeadlineTimer deadline(timeoutMs);
  QObject::connect(timer, &QTimer::timeout, context, [timer, seen, deadline, answer = std::move(answer)] {
    if (auto* w = qobject_cast<T*>(QApplication::activeModalWidget())) {
      timer->stop();
      timer->deleteLater();
      *seen = true;
      answer(w);
    } else if (deadline.hasExpired()) {
      timer->stop();
      timer->deleteLater();
    }
  });
  timer->start();
  return seen;
}

template <class KernelT = runtime::Kernel>
class BasicKernelWindow {
 public:
  // `name` names the SQLite file and the settings; `overrides` are applied on top of the test defaults.
  explicit BasicKernelWindow(const QString& name, const std::map<QString, QString>& overrides = {}) : m_name(name) {
    common::initLogging(common::LogOptions{});
    m_config.set("db.sqlite_path", m_dir.filePath(name + QStringLiteral(".sqlite")));
    m_config.set("market.sim_ticks_per_second", "5000");
    // No first-run seeded history unless a test asks for it: the tests control what is stored.
    m_config.set("market.sim_history_days", "0");
    for (const auto& [key, value] : overrides) m_config.set(key, value);
    m_settingsApp = uniqueSettingsApp(name);
  }
  ~BasicKernelWindow() { stop(); }
  BasicKernelWindow(const BasicKernelWindow&) = delete;
  BasicKernelWindow& operator=(const BasicKernelWindow&) = delete;

  // Builds the kernel and the window (wired before the kernel starts, like the app), starts the kernel and shows
  // the window active. Returns an empty string on success, else what failed.
  QString start(bool paperTrading = true) {
    if (!m_dir.isValid()) return QStringLiteral("no temporary directory");
    m_kernel = std::make_unique<KernelT>(m_config);
    ui::UiContext ctx = uiContext(&m_kernel->bus(), &m_kernel->config(), m_settingsApp, paperTrading);
    ctx.clock = m_kernel->clock();
    ctx.configPath = iniPath();  // File > Settings saves here (created on the first save)
    m_window = std::make_unique<ui::MainWindow>(ctx);
    const auto started = m_kernel->start();
    if (!started.ok()) return QString::fromStdString(started.error().message);
    if (!showAndActivate(m_window.get())) return QStringLiteral("the main window did not become active");
    return {};
  }

  // Closes the window (it saves its layout), stops the kernel and starts both again on the same database and
  // settings: an application restart. Returns what start() returns.
  QString restart(bool paperTrading = true) {
    if (m_window) m_window->close();
    m_window.reset();
    if (m_kernel) m_kernel->stop();
    m_kernel.reset();
    return start(paperTrading);
  }

  void stop() {
    m_window.reset();
    if (m_kernel) m_kernel->stop();
    m_kernel.reset();
    if (!m_settingsApp.isEmpty()) clearSettings(m_settingsApp);
  }

  KernelT& kernel() { return *m_kernel; }
  ui::MainWindow* window() const { return m_window.get(); }
  common::Config& config() { return m_config; }
  QString settingsApp() const { return m_settingsApp; }
  QString tempPath(const QString& file) const { return m_dir.filePath(file); }
  QString iniPath() const { return m_dir.filePath(m_name + QStringLiteral(".ini")); }

 private:
  QString m_name;
  QTemporaryDir m_dir;
  common::Config m_config;
  QString m_settingsApp;
  std::unique_ptr<KernelT> m_kernel;
  std::unique_ptr<ui::MainWindow> m_window;
};

using KernelWindow = BasicKernelWindow<>;

}  // namespace meridian::test
