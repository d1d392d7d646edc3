#include "app/cli/Commands.h"

#include "core/common/Clock.h"
#include "core/common/Redact.h"
#include "core/runtime/Kernel.h"
#include "core/time/NyseCalendar.h"
#include "core/time/TimeZones.h"

#include "core/marketdata/ProviderFactory.h"
#include "core/runtime/HealthProbes.h"

#include <QCommandLineParser>
#include <QDate>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <future>
#include <optional>
#include <random>

namespace meridian::cli {
namespace {

std::string text(const QString& s) { return s.toStdString(); }

}  // namespace

int runConfig(const common::Config& config) {
  for (const QString& line : config.dumpRedacted()) fmt::print("{}\n", text(line));
  return 0;
}

int runMigrate(const common::Config& config) {
  storage::StorageService storage(runtime::storageConfigFrom(config));
  if (Status s = storage.start(); !s.ok()) {
    fmt::print(stderr, "migrate: {} ({})\n", s.error().message, s.error().code);
    return 1;
  }
  const std::string backend = storage.call([](storage::IStorage& s) { return std::string(s.backendName()); }).get();
  storage.stop();
  fmt::print("{} storage is up to date ({})\n", backend,
             common::redact(backend == "sqlite" ? text(config.value("db.sqlite_path")) : text(config.value("db.pg_uri"))));
  return 0;
}

int printHelp(const QCommandLineParser& p, std::string_view command) {
  // Qt names the executable's path in the usage line; say "meridian-cli <command>" instead.
  QString help = p.helpText();
  const qsizetype eol = help.indexOf('\n');
  const qsizetype options = help.indexOf(QLatin1String(" [options]"));
  if (help.startsWith(QLatin1String("Usage: ")) && options > 0 && options < eol)
    help = "Usage: meridian-cli " + QString::fromUtf8(command.data(), qsizetype(command.size())) + help.mid(options);
  fmt::print("{}", help.toStdString());
  return 0;
}

int runCalendar(const QStringList& args) {
  QCommandLineParser p;
  p.addOption({"from", "First date (YYYY-MM-DD), default today (ET).", "date"});
  p.addOption({"to", "Last date (YYYY-MM-DD), default from + 14 days.", "date"});
  const QCommandLineOption help = p.addHelpOption();
  const bool parsed = p.parse(QStringList{"calendar"} + args);
  if (parsed && p.isSet(help)) return printHelp(p, "calendar");
  if (!parsed) {
    fmt::print(stderr, "calendar: {}\n", text(p.errorText()));
    return 2;
  }
  const auto& cal = time::NyseCalendar::instance();
  const QDate today = time::TimeZones::exchangeDate(common::systemClock().now());
  const QDate from = p.isSet("from") ? QDate::fromString(p.value("from"), Qt::ISODate) : today;
  const QDate to = p.isSet("to") ? QDate::fromString(p.value("to"), Qt::ISODate) : from.addDays(14);
  if (!from.isValid() || !to.isValid() || to < from) {
    fmt::print(stderr, "calendar: need valid --from <= --to dates (YYYY-MM-DD)\n");
    return 2;
  }
  for (QDate d = from; d <= to; d = d.addDays(1)) {
    if (auto s = cal.session(d)) {
      fmt::print("{}  open {}  close {}{}\n", text(d.toString(Qt::ISODate)),
                 text(time::TimeZones::formatExchange(s->open, "HH:mm")),
                 text(time::TimeZones::formatExchange(s->close, "HH:mm")), s->earlyClose ? "  early close" : "");
    } else if (auto name = cal.holidayName(d)) {
      fmt::print("{}  closed: {}\n", text(d.toString(Qt::ISODate)), text(*name));
    }
  }
  return 0;
}

int runHealth(const QStringList& args, const common::Config& config) {
  QCommandLineParser p;
  p.addOption({"json", "Print JSON instead of a table."});
  p.addOption({"timeout", "Per-check timeout in milliseconds (default 3000).", "ms", "3000"});
  p.addOption({"no-network", "Skip the data-provider and broker endpoint checks (credentials are still checked)."});
  p.addOption({"require-provider", "Treat this data provider as required (repeatable; also health.require_providers).",
               "name"});
  const QCommandLineOption help = p.addHelpOption();
  const bool parsed = p.parse(QStringList{"health"} + args);
  if (parsed && p.isSet(help)) return printHelp(p, "health");
  if (!parsed) {
    fmt::print(stderr, "health: {}\n", text(p.errorText()));
    return 2;
  }
  bool timeoutOk = false;
  const int timeoutArg = p.value("timeout").toInt(&timeoutOk);
  if (!timeoutOk || timeoutArg <= 0) {
    fmt::print(stderr, "health: --timeout needs a positive number of milliseconds\n");
    return 2;
  }
  const std::chrono::milliseconds timeout(timeoutArg);
  auto mode = runtime::runtimeModeFrom(config);
  if (!mode.ok()) {
    fmt::print(stderr, "health: {}\n", mode.error().message);
    return 2;
  }
  const QStringList required = runtime::health::requiredProviders(config, p.values("require-provider"));
  for (const QString& r : required) {
    const auto names = marketdata::providerNames();
    if (std::find(names.begin(), names.end(), text(r)) == names.end()) {
      fmt::print(stderr, "health: unknown data provider '{}' (known: yahoo, polygon, alpaca)\n", text(r));
      return 2;
    }
  }

  // The Kernel's checks (runtime/HealthProbes.h) on this process's own short-lived connections.
  storage::StorageService storage(runtime::storageConfigFrom(config));
  std::optional<Error> storageError;
  if (Status s = storage.start(); !s.ok()) storageError = s.error();
  auto redis = runtime::health::redisConnection(config, timeout);
  std::vector<runtime::health::Check> checks;
  checks.push_back(runtime::health::database(storage, timeout, storageError));
  checks.push_back(runtime::health::redis(config, *mode, redis));
  checks.push_back(runtime::health::server(config, *mode, redis, std::make_shared<const common::RealClock>()));
  for (auto& c : runtime::health::providers(config, required, !p.isSet("no-network"), timeout))
    checks.push_back(std::move(c));
  checks.push_back(runtime::health::brokerEndpoint(config, *mode, !p.isSet("no-network"), timeout));
  checks.push_back(runtime::health::journal(config, *mode));

  // All at once, so the whole run takes about one timeout however many endpoints are slow.
  std::vector<std::future<contract::ComponentHealth>> pending;
  for (const auto& c : checks) pending.push_back(std::async(std::launch::async, [&c] { return runtime::health::run(c); }));
  std::vector<contract::ComponentHealth> rows;
  for (auto& f : pending) rows.push_back(f.get());
  storage.stop();

  const bool ok = runtime::health::healthy(rows);
  const auto failures = std::count_if(rows.begin(), rows.end(), [](const contract::ComponentHealth& r) {
    return r.required && r.state != contract::HealthState::Ok && r.state != contract::HealthState::Degraded;
  });
  const auto& cal = time::NyseCalendar::instance();
  const auto now = common::systemClock().now();
  const bool open = cal.isOpen(now);
  const std::string next = text(time::TimeZones::formatExchange(open ? cal.nextClose(now) : cal.nextOpen(now),
                                                                "yyyy-MM-dd HH:mm"));
  if (p.isSet("json")) {
    QJsonArray arr;
    for (const auto& r : rows) {
      QJsonObject o;
      o.insert("name", QString::fromStdString(r.name));
      o.insert("kind", QString::fromStdString(r.kind));
      const std::string_view state = contract::toString(r.state);  // ok | degraded | down | disabled | unknown
      o.insert("state", QString::fromUtf8(state.data(), qsizetype(state.size())));
      o.insert("required", r.required);
      o.insert("detail", QString::fromStdString(r.detail));
      if (r.latencyMs >= 0) o.insert("latency_ms", std::round(r.latencyMs * 10.0) / 10.0);
      arr.append(o);
    }
    QJsonObject root;
    root.insert("ok", ok);
    root.insert("mode", QString::fromLatin1(runtime::toString(*mode)));
    root.insert("components", arr);
    root.insert("market", QJsonObject{{"open", open}, {open ? "next_close_et" : "next_open_et", QString::fromStdString(next)}});
    fmt::print("{}\n", QJsonDocument(root).toJson(QJsonDocument::Indented).toStdString());
  } else {
    for (const auto& r : rows) {
      const std::string_view state = r.state == contract::HealthState::Ok         ? "OK"
                                     : r.state == contract::HealthState::Degraded ? "SLOW"
                                     : r.state == contract::HealthState::Disabled ? "off"
                                                                                   : "DOWN";
      const std::string latency = r.latencyMs >= 0 ? fmt::format(" ({:.1f} ms)", r.latencyMs) : "";
      fmt::print("{:<30} {:<5} {:<8} {}{}\n", r.name, state, r.required ? "required" : "optional", r.detail, latency);
    }
    fmt::print("{:<30} {:<5} {:<8} next {} {} ET\n", "market", open ? "OPEN" : "CLOSED", "", open ? "close" : "open",
               next);
    if (failures > 0) fmt::print("{} required component(s) down (runtime.mode={})\n", failures, runtime::toString(*mode));
  }
  return ok ? 0 : 1;
}

int runBenchCalendar(const QStringList& args, const common::Config&) {
  const long n = args.value(0).toLong() > 0 ? args.value(0).toLong() : 5'000'000;
  const auto& cal = time::NyseCalendar::instance();
  // Uniform random instants over 2000-2035 (seeded: the same run every time).
  std::mt19937_64 rng(42);
  const domain::Timestamp lo = time::TimeZones::fromExchange(QDate(2000, 1, 3), QTime(0, 0));
  const domain::Timestamp hi = time::TimeZones::fromExchange(QDate(2035, 12, 28), QTime(0, 0));
  std::uniform_int_distribution<domain::Timestamp> dist(lo, hi);
  std::vector<domain::Timestamp> ts(static_cast<std::size_t>(n));
  for (auto& t : ts) t = dist(rng);

  using clock = std::chrono::steady_clock;
  long open = 0;
  auto t0 = clock::now();
  for (auto t : ts) open += cal.isOpen(t) ? 1 : 0;
  const double isOpenNs = std::chrono::duration<double, std::nano>(clock::now() - t0).count() / double(n);
  domain::Timestamp sink = 0;
  t0 = clock::now();
  for (auto t : ts) sink ^= cal.nextOpen(t);
  const double nextOpenNs = std::chrono::duration<double, std::nano>(clock::now() - t0).count() / double(n);
  fmt::print("calendar bench: {} random instants 2000-2035\n", n);
  fmt::print("  isOpen    {:8.1f} ns/op  ({:.1f} M/s; {:.1f}% open)\n", isOpenNs, 1e3 / isOpenNs,
             100.0 * double(open) / double(n));
  fmt::print("  nextOpen  {:8.1f} ns/op  ({:.1f} M/s)  [checksum {}]\n", nextOpenNs, 1e3 / nextOpenNs, sink & 0xff);
  return 0;
}

}  // namespace meridian::cli
