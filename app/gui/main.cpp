// meridian: the desktop workstation. Thin entry point: set-up, kernel, main window.
#include "app/shared/AppSetup.h"
#include "app/shared/Platform.h"
#include "core/runtime/Kernel.h"
#include "ui/bridge/UiContext.h"
#include "ui/mainwindow/MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QLabel>
#include <QMessageBox>
#include <QSessionManager>
#include <QStatusBar>
#include <QTimer>

#include <cstdio>

int main(int argc, char* argv[]) {
  meridian::app::makeCreatedFilesPrivate();  // before anything can create a file
  QApplication app(argc, argv);
  QApplication::setOrganizationName("Meridian");
  QApplication::setApplicationName("Meridian");
  QApplication::setApplicationVersion(MERIDIAN_VERSION);

  QCommandLineParser cli;
  cli.setApplicationDescription("Meridian trading workstation");
  cli.addHelpOption();
  cli.addVersionOption();
  QCommandLineOption configOpt("config", "Configuration file (INI).", "file", meridian::app::defaultConfigPath());
  QCommandLineOption quitAfterOpt("quit-after", "Quit after <ms> milliseconds (smoke tests).", "ms");
  QCommandLineOption attachOpt("attach",
                               "Attach to a serving process (meridian-cli serve) through the configured PostgreSQL "
                               "and Redis instead of trading in this process (same as runtime.mode=attach).");
  cli.addOption(configOpt);
  cli.addOption(quitAfterOpt);
  cli.addOption(attachOpt);
  cli.process(app);

  auto loaded = meridian::app::setUp(cli.value(configOpt), cli.isSet(configOpt), false);
  if (!loaded.ok()) {
    // Nothing started: a missing --config file or a malformed INI is the user's to fix, not to guess around.
    const QString message = QString::fromStdString(loaded.error().message);
    std::fprintf(stderr, "meridian: configuration error: %s\n", qPrintable(message));
    QMessageBox box(QMessageBox::Critical, "Meridian",
                    "Meridian cannot start: the configuration file is not usable.\n\n" + message);
    if (cli.isSet(quitAfterOpt)) QTimer::singleShot(cli.value(quitAfterOpt).toInt(), &box, &QMessageBox::reject);
    box.exec();
    return 2;
  }
  meridian::common::Config config = std::move(loaded).value();
  if (cli.isSet(attachOpt)) config.set("runtime.mode", "attach");
  const bool attached = config.value("runtime.mode").trimmed().toLower() == "attach";
  auto log = meridian::common::logger("app");
  log->info("Meridian {} starting (db.backend={})", MERIDIAN_VERSION, config.value("db.backend").toStdString());

  meridian::runtime::Kernel kernel(config);
  meridian::ui::UiContext ctx;
  ctx.bus = &kernel.bus();
  ctx.config = &kernel.config();
  ctx.configPath = cli.value(configOpt);
  ctx.clock = kernel.clock();
  ctx.logs = meridian::common::inAppLogs();
  ctx.configPath = cli.value(configOpt);
  // Attached, the broker lives in the serving process, which confirmed (or refused) live trading itself.
  const bool live = !attached && config.value("broker.kind").trimmed().toLower() == "alpaca" &&
                    config.boolValue("broker.alpaca_live", false);
  ctx.paperTrading = !live;
  ctx.attached = attached;

  // Live trading sends real orders with real money: it needs the explicit setting AND a confirmation here,
  // every start. A refusal starts nothing rather than silently falling back to paper.
  if (live) {
    const auto answer = QMessageBox::warning(
        nullptr, "Meridian - LIVE trading",
        "broker.alpaca_live is set: Meridian will send orders to Alpaca's LIVE endpoint with real money.\n\n"
        "Start in LIVE mode?",
        QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
    if (answer != QMessageBox::Yes) {
      log->warn("LIVE trading not confirmed by the user; not starting");
      return 2;
    }
    kernel.config().set("broker.alpaca_live_confirmed", "true");
    log->warn("LIVE trading confirmed by the user");
  }

  // The window subscribes to the bus before the kernel publishes the journaled state.
  meridian::ui::MainWindow window(ctx);
  if (meridian::Status started = kernel.start(); !started.ok()) {
    log->critical("start-up failed: {}", started.error().message);
    QMessageBox::critical(nullptr, "Meridian",
                          QString("Meridian could not start:\n\n%1\n\nCheck the database settings (db.backend) "
                                  "in %2 or the MERIDIAN_DB_* environment variables%3.")
                              .arg(QString::fromStdString(started.error().message), cli.value(configOpt),
                                   attached ? QString(" (attach also needs redis.url / MERIDIAN_REDIS_URL)")
                                            : QString()));
    return 1;
  }
  if (attached && kernel.relay()) {
    // Unmistakable: orders from this window are executed by another process.
    const QString target = QString::fromStdString(kernel.relay()->endpoint());
    window.setWindowTitle(window.windowTitle() + QStringLiteral(" — ATTACHED to ") + target);
    auto* badge = new QLabel(QStringLiteral("ATTACHED to ") + target, &window);
    badge->setObjectName(QStringLiteral("attachedBadge"));
    badge->setStyleSheet(QStringLiteral("QLabel { color: white; background: #1f5fa8; padding: 1px 6px; }"));
    badge->setToolTip(QStringLiteral("Orders, positions and risk state come from the serving process "
                                     "(meridian-cli serve) over Redis; see the Ops panel for its health."));
    window.statusBar()->addPermanentWidget(badge);
    log->info("attached to {} as {}", target.toStdString(), kernel.relay()->instanceId());
  }
  window.show();
  // Every exit path saves the layout: closing the window (closeEvent), quit (the window's destructor), SIGTERM /
  // SIGINT (quit the loop, then the same), and the end of the desktop session (commitDataRequest).
  meridian::app::quitOnTerminationSignals(&app);
  QObject::connect(&app, &QGuiApplication::commitDataRequest, &window, [&window](QSessionManager&) { window.saveLayout(); });
  QObject::connect(&app, &QCoreApplication::aboutToQuit, &window, [&window] { window.saveLayout(); });

  if (cli.isSet(quitAfterOpt)) QTimer::singleShot(cli.value(quitAfterOpt).toInt(), &app, &QApplication::quit);
  QTimer::singleShot(0, &app, [log] { log->info("workstation ready"); });  // first event-loop turn: handlers in place
  const int rc = QApplication::exec();
  kernel.stop();
  log->info("Meridian stopped");
  meridian::common::shutdownLogging();
  return rc;
}
