#include "app/cli/Commands.h"

#include "core/common/Clock.h"
#include "core/common/Redact.h"
#include "core/runtime/Kernel.h"
#include "core/time/NyseCalendar.h"
#include "core/time/TimeZones.h"

#include <QCommandLineParser>
#include <QDate>

#include <fmt/core.h>

namespace meridian::cli {
namespace {

std::string text(const QString& s) { return s.toStdString(); }

}  // namespace

int runConfig(const common::Config& config) {
  for (const QString& line : config.dumpRedacted()) fmt::print("{}\n", text(line));
  return 0;
}

int runMigrate(const common::Config& config) {
  runtime::StorageService storage(runtime::storageConfigFrom(config));
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

int runCalendar(const QStringList& args) {
  QCommandLineParser p;
  p.addOption({"from", "First date (YYYY-MM-DD), default today (ET).", "date"});
  p.addOption({"to", "Last date (YYYY-MM-DD), default from + 14 days.", "date"});
  if (!p.parse(QStringList{"calendar"} + args)) {
    fmt::print(stderr, "calendar: {}\n", text(p.errorText()));
    return 2;
  }
  const auto& cal = time::NyseCalendar::instance();
  const QDate today = time::TimeZones::exchangeDate(common::RealClock().now());
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

int runHealth(const common::Config& config) {
  runtime::StorageService storage(runtime::storageConfigFrom(config));
  int failures = 0;
  if (Status s = storage.start(); !s.ok()) {
    fmt::print("db        FAIL  {}\n", s.error().message);
    ++failures;
  } else {
    Status ping = storage.call([](storage::IStorage& st) { return st.ping(); }).get();
    fmt::print("db        {}  {}\n", ping.ok() ? "OK  " : "FAIL", ping.ok() ? std::string(storage.config().backend)
                                                                        : ping.error().message);
    failures += ping.ok() ? 0 : 1;
    storage.stop();
  }
  const auto& cal = time::NyseCalendar::instance();
  const auto now = common::RealClock().now();
  fmt::print("market    {}  next {} {} ET\n", cal.isOpen(now) ? "OPEN" : "CLOSED", cal.isOpen(now) ? "close" : "open",
             text(time::TimeZones::formatExchange(cal.isOpen(now) ? cal.nextClose(now) : cal.nextOpen(now),
                                                  "yyyy-MM-dd HH:mm")));
  return failures == 0 ? 0 : 1;
}

}  // namespace meridian::cli
