#include "app/cli/Commands.h"

#include "core/common/Clock.h"
#include "core/common/Redact.h"
#include "core/runtime/Kernel.h"
#include "core/time/NyseCalendar.h"
#include "core/time/TimeZones.h"

#include <QCommandLineParser>
#include <QDate>

#include <fmt/core.h>

#include <chrono>
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
