#include "app/cli/ServeCommands.h"
#include "app/cli/Commands.h"
#include "app/shared/Platform.h"

#include "core/common/Logging.h"
#include "core/common/Redact.h"
#include "core/runtime/Kernel.h"
#if MERIDIAN_HAVE_REDIS
#include "core/relay/RedisBridge.h"
#endif
#include "core/relay/RelayCodec.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>

#include <fmt/core.h>

#include <cerrno>
#include <cstring>

namespace meridian::cli {
namespace {

// One command per line on stdin, the same JSON as a relay command: {"kind":"submit_order","body":{...}}.
// For operators' scripts and the serve/attach integration test: the command is published on this process's own
// bus, exactly like a command from a local UI would be.
void handleStdinLine(const QByteArray& line, bus::EventBus& bus) {
  const QByteArray trimmed = line.trimmed();
  if (trimmed.isEmpty()) return;
  QJsonParseError err{};
  const auto doc = QJsonDocument::fromJson(trimmed, &err);
  if (!doc.isObject()) {
    fmt::print(stderr, "serve: stdin command ignored: not a JSON object ({})\n", err.errorString().toStdString());
    return;
  }
  const std::string kind = doc.object().value("kind").toString().toStdString();
  if (!relay::isCommandKind(kind)) {
    fmt::print(stderr, "serve: stdin command ignored: unknown command kind '{}'\n", kind);
    return;
  }
  auto d = relay::decode(kind, doc.object().value("body").toObject());
  if (!d.ok()) {
    fmt::print(stderr, "serve: stdin command ignored: {}\n", d.error().message);
    return;
  }
  if (Status s = d->deliver(bus, 0); !s.ok()) {  // typed on this machine's stdin: no deadline
    fmt::print(stderr, "serve: stdin command {} {} refused: {}\n", kind, d->correlationId, s.error().message);
    return;
  }
  fmt::print("command {} {}\n", kind, d->correlationId);
  std::fflush(stdout);
}

}  // namespace

int runServe(const QStringList& args, const common::Config& baseConfig) {
  QCommandLineParser p;
  p.addOption({"allow-embedded",
               "Run without PostgreSQL + Redis (e.g. SQLite, no redis.url). Nothing can attach to such a server."});
  p.addOption({"stdin-commands", "Read relay commands (one JSON object per line) from stdin."});
  p.addOption({"insecure-redis",
               "Serve on a Redis that answers clients without a password. Relayed commands are still signed, but "
               "anyone who can reach that Redis can read every order and fill; give it a password (requirepass or "
               "an ACL user) instead."});
  p.addOption({"confirm-live",
               "Confirm LIVE trading when broker.alpaca_live=true: orders go to Alpaca's live endpoint with real "
               "money (the GUI asks at every start; a server has nobody to ask)."});
  const QCommandLineOption help = p.addHelpOption();
  const bool parsed = p.parse(QStringList{"serve"} + args);
  if (parsed && p.isSet(help)) return printHelp(p, "serve");
  if (!parsed) {
    fmt::print(stderr, "serve: {}\n", p.errorText().toStdString());
    return 2;
  }
  if (!p.positionalArguments().isEmpty()) {
    fmt::print(stderr, "serve: unexpected argument '{}'\n", p.positionalArguments().front().toStdString());
    return 2;
  }
  common::Config config = baseConfig;
  config.set("runtime.mode", "serve");
  const QString backend = config.value("db.backend", "sqlite").trimmed().toLower();
  const QString redisUrl = config.value("redis.url").trimmed();
  // A GUI attaches by sharing the server's PostgreSQL (journal, bars, runs) and Redis (live events, commands,
  // heartbeat). A SQLite file or a missing Redis would make a server nobody can see, which is almost always a
  // configuration mistake on a server host, hence the explicit opt-in.
  if ((backend != "postgres" || redisUrl.isEmpty()) && !p.isSet("allow-embedded")) {
    fmt::print(stderr,
               "serve: needs db.backend=postgres and redis.url (now db.backend={}, redis.url {}).\n"
               "  A GUI attaches to the serving process through a shared PostgreSQL and Redis; set\n"
               "  MERIDIAN_DB_BACKEND=postgres, MERIDIAN_DB_PG_URI=... and MERIDIAN_REDIS_URL=redis://host:6379,\n"
               "  or pass --allow-embedded to run headless without attach support.\n",
               backend.toStdString(), redisUrl.isEmpty() ? "empty" : "set");
    return 2;
  }
  // Redis without AUTH: refused unless the operator says so (signatures keep strangers from trading, not from
  // reading the relay or flooding it).
#if MERIDIAN_HAVE_REDIS
  if (!redisUrl.isEmpty()) {
    auto anonymous = relay::redisAcceptsAnonymous(runtime::redisUrlFrom(config), std::chrono::milliseconds(2000));
    if (anonymous.ok() && *anonymous) {
      if (!p.isSet("insecure-redis")) {
        fmt::print(stderr,
                   "serve: the Redis at {} answers clients without a password, so anyone who can reach it can read "
                   "the relay (orders, fills, positions).\n"
                   "  Give it a password (requirepass, or an ACL user) and put it in MERIDIAN_REDIS_URL_PASSWORD or "
                   "the keychain, or pass --insecure-redis to serve anyway.\n",
                   common::redact(runtime::redisUrlFrom(config)));
        return 2;
      }
      common::logger("serve")->warn("serving on a Redis without AUTH (--insecure-redis): the relay can be read by "
                                    "anyone who can reach it");
    }
  }
#endif
  if (runtime::liveTradingConfigured(config)) {
    if (!p.isSet("confirm-live")) {
      fmt::print(stderr, "serve: broker.alpaca_live=true sends real orders with real money; pass --confirm-live to "
                         "start LIVE, or remove broker.alpaca_live to paper trade.\n");
      return 2;
    }
    config.set("broker.alpaca_live_confirmed", "true");  // runtime source, like the GUI's confirmation
  }
  if (!app::quitOnTerminationSignals(QCoreApplication::instance())) {
    fmt::print(stderr, "serve: cannot install signal handlers: {}\n", std::strerror(errno));
    return 1;
  }
  auto log = common::logger("serve");
  runtime::Kernel kernel(config);
  if (Status s = kernel.start(); !s.ok()) {
    fmt::print(stderr, "serve: start-up failed: {} ({})\n", s.error().message, s.error().code);
    log->critical("start-up failed: {}", s.error().message);
    return 1;
  }
  auto* relay = kernel.relay();
  log->info("serving: db.backend={} ({}), redis {}, broker.kind={}, market.feed={}", backend.toStdString(),
            common::redact(config.value(backend == "postgres" ? "db.pg_uri" : "db.sqlite_path").toStdString()),
            relay ? relay->endpoint() : std::string("off"), config.value("broker.kind", "paper").toStdString(),
            config.value("market.feed", "simulated").toStdString());
  // One machine-readable line for supervisors and tests.
  fmt::print("ready instance={}\n", relay ? relay->instanceId() : std::string("-"));
  std::fflush(stdout);

  std::unique_ptr<QObject> stdinWatch;
  if (p.isSet("stdin-commands")) {
    stdinWatch = app::watchStandardInputLines([&kernel](const QByteArray& line) { handleStdinLine(line, kernel.bus()); });
    if (!stdinWatch) {
      fmt::print(stderr, "serve: --stdin-commands is not available on this platform\n");
      kernel.stop();
      return 2;
    }
  }
  QCoreApplication::exec();
  const char* received = app::terminationSignalReceived();
  log->info("{} received: shutting down", received ? received : "quit");
  stdinWatch.reset();
  if (relay) {
    const auto st = relay->stats();
    log->info("relay: {} forwarded, {} failed, {} received, {} injected, {} malformed, {} echoes, {} undelivered",
              st.forwarded, st.failed, st.received, st.injected, st.malformed, st.echoes, st.undelivered);
  }
  kernel.stop();  // drains execution and the journal, then the relay (its last events go out) and storage
  log->info("stopped cleanly");
  fmt::print("stopped\n");
  std::fflush(stdout);
  return 0;
}

}  // namespace meridian::cli
