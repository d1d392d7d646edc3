#include "app/cli/Commands.h"

#include "core/common/Clock.h"
#include "core/common/Redact.h"
#include "core/runtime/Kernel.h"
#include "core/time/NyseCalendar.h"
#include "core/time/TimeZones.h"

#include "core/execution/alpaca/AlpacaBroker.h"
#include "core/marketdata/ProviderFactory.h"
#if MERIDIAN_HAVE_REDIS
#include "core/storage/redis/RedisCache.h"
#endif

#include <QCommandLineParser>
#include <QDate>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <future>
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

namespace {

struct HealthRow {
  std::string name;
  std::string kind;       // db | cache | server | marketdata | broker
  std::string state;      // ok | down | disabled
  bool required = false;
  std::string detail;     // redacted
  double latencyMs = -1.0;
};

double msSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// Parallel HTTP probes on the main thread's event loop, each bounded by the timeout.
class HttpProbes {
 public:
  struct Probe {
    QNetworkRequest request;
    std::function<void(HealthRow&, int status, const QString& error, double ms)> judge;
    HealthRow* row = nullptr;
  };
  void add(Probe p) { m_probes.push_back(std::move(p)); }
  void run(int timeoutMs) {
    if (m_probes.empty()) return;
    QNetworkAccessManager nam;
    QEventLoop loop;
    int pending = int(m_probes.size());
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<QNetworkReply*> replies;
    for (auto& p : m_probes) {
      p.request.setTransferTimeout(timeoutMs);
      p.request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
      QNetworkReply* reply = nam.get(p.request);
      replies.push_back(reply);
      QObject::connect(reply, &QNetworkReply::finished, &loop, [&, reply, probe = &p] {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QString error = status == 0 ? reply->errorString() : QString();
        probe->judge(*probe->row, status, error, msSince(t0));
        if (--pending == 0) loop.quit();
      });
    }
    QTimer::singleShot(timeoutMs + 500, &loop, &QEventLoop::quit);  // belt and braces over the transfer timeout
    loop.exec();
    for (auto* r : replies) {
      if (!r->isFinished()) {
        r->abort();  // judged as "operation canceled" by the finished handler
      }
      r->deleteLater();
    }
  }

 private:
  std::vector<Probe> m_probes;
};

QString hostOf(const QUrl& u) { return u.scheme() + "://" + u.host() + (u.port() > 0 ? ":" + QString::number(u.port()) : ""); }

}  // namespace

int runHealth(const QStringList& args, const common::Config& config) {
  QCommandLineParser p;
  p.addOption({"json", "Print JSON instead of a table."});
  p.addOption({"timeout", "Per-check timeout in milliseconds (default 3000).", "ms", "3000"});
  p.addOption({"no-network", "Skip the data-provider and broker endpoint checks (credentials are still checked)."});
  p.addOption({"require-provider", "Treat this data provider as required (repeatable; also health.require_providers).",
               "name"});
  if (!p.parse(QStringList{"health"} + args)) {
    fmt::print(stderr, "health: {}\n", text(p.errorText()));
    return 2;
  }
  bool timeoutOk = false;
  const int timeoutMs = p.value("timeout").toInt(&timeoutOk);
  if (!timeoutOk || timeoutMs <= 0) {
    fmt::print(stderr, "health: --timeout needs a positive number of milliseconds\n");
    return 2;
  }
  const bool network = !p.isSet("no-network");
  std::vector<HealthRow> rows;
  rows.reserve(16);  // rows are referenced by the HTTP probes below: no reallocation
  HttpProbes http;

  // Database (required).
  {
    HealthRow& row = rows.emplace_back();
    const auto sc = runtime::storageConfigFrom(config);
    row.name = "db (" + sc.backend + ")";
    row.kind = "db";
    row.required = true;
    const std::string where = common::redact(sc.backend == "postgres" ? sc.pgUri : sc.sqlitePath);
    storage::StorageService storage(sc);
    const auto t0 = std::chrono::steady_clock::now();
    if (Status s = storage.start(); !s.ok()) {
      row.state = "down";
      row.detail = s.error().message;
    } else {
      auto f = storage.call([](storage::IStorage& st) { return st.ping(); });
      if (f.wait_for(std::chrono::milliseconds(timeoutMs)) != std::future_status::ready) {
        row.state = "down";
        row.detail = "no answer within " + std::to_string(timeoutMs) + " ms";
      } else if (Status ping = f.get(); !ping.ok()) {
        row.state = "down";
        row.detail = ping.error().message;
      } else {
        row.state = "ok";
        row.detail = where;
        row.latencyMs = msSince(t0);
      }
      storage.stop();
    }
  }

  // Redis (required when configured) and the serving process's heartbeat (required when attaching).
  const std::string redisUrl = text(config.value("redis.url").trimmed());
  const std::string mode = text(config.value("runtime.mode", "standalone").trimmed().toLower());
  {
    HealthRow& row = rows.emplace_back();
    row.name = "redis";
    row.kind = "cache";
    if (redisUrl.empty()) {
      row.state = "disabled";
      row.detail = "redis.url not set (optional; needed by serve / attach)";
    } else {
#if MERIDIAN_HAVE_REDIS
      row.required = true;
      storage::RedisOptions ro;
      ro.connectTimeout = std::chrono::milliseconds(std::min(timeoutMs, 2000));
      ro.commandTimeout = std::chrono::milliseconds(timeoutMs);
      storage::RedisCache cache(redisUrl, ro);
      const auto t0 = std::chrono::steady_clock::now();
      Status ping = cache.ping();
      row.state = ping.ok() ? "ok" : "down";
      row.detail = ping.ok() ? cache.redactedUrl() : ping.error().message;
      if (ping.ok()) row.latencyMs = msSince(t0);
      HealthRow& server = rows.emplace_back();
      server.name = "server (meridian-cli serve)";
      server.kind = "server";
      server.required = mode == "attach";
      const std::string key = text(config.value("redis.namespace", "meridian").trimmed()) + ":relay:server";
      if (!ping.ok()) {
        server.state = "down";
        server.detail = "unknown: Redis is down";
      } else if (auto beat = cache.getValue(key); !beat.ok()) {
        server.state = "down";
        server.detail = beat.error().message;
      } else if (!beat->has_value()) {
        server.state = server.required ? "down" : "disabled";
        server.detail = "no heartbeat at " + key;
      } else {
        const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(**beat)).object();
        server.state = "ok";
        server.detail = "heartbeat from " + text(doc.value("origin").toString());
      }
#else
      row.state = "down";
      row.required = true;
      row.detail = "redis.url is set but this build has no Redis support";
#endif
    }
  }

  // Data providers: credentials present (never shown) and the endpoint answers (any HTTP status; no key sent).
  QStringList required = config.value("health.require_providers").split(',', Qt::SkipEmptyParts);
  required += p.values("require-provider");
  const QString feed = config.value("market.feed", "simulated").trimmed().toLower();
  if (feed != "simulated" && feed != "none" && !feed.isEmpty()) required += feed;
  for (auto& r : required) r = r.trimmed().toLower();
  for (const QString& r : required) {
    const auto names = marketdata::providerNames();
    if (std::find(names.begin(), names.end(), text(r)) == names.end()) {
      fmt::print(stderr, "health: unknown data provider '{}' (known: yahoo, polygon, alpaca)\n", text(r));
      return 2;
    }
  }
  struct ProviderInfo {
    const char* name;
    const char* urlKey;
    const char* defaultUrl;
    std::vector<std::pair<const char*, const char*>> credentials;  // config key, environment variable
  };
  const ProviderInfo providers[] = {
      {"yahoo", "yahoo.base_url", "https://query1.finance.yahoo.com", {}},
      {"polygon", "polygon.base_url", "https://api.polygon.io", {{"polygon.api_key", "POLYGON_API_KEY"}}},
      {"alpaca", "alpaca.data_url", "https://data.alpaca.markets",
       {{"alpaca.key_id", "APCA_API_KEY_ID"}, {"alpaca.secret_key", "APCA_API_SECRET_KEY"}}},
  };
  for (const auto& pi : providers) {
    HealthRow& row = rows.emplace_back();
    row.name = std::string("provider ") + pi.name;
    row.kind = "marketdata";
    row.required = required.contains(QString::fromLatin1(pi.name));
    std::string missing;
    for (const auto& [key, env] : pi.credentials)
      if (config.value(key).trimmed().isEmpty()) missing += (missing.empty() ? "" : ", ") + std::string(env);
    if (!missing.empty()) {
      row.state = row.required ? "down" : "disabled";
      row.detail = "not configured: " + missing + " not set";
      continue;
    }
    auto provider = marketdata::makeProvider(pi.name, config);
    if (!provider.ok()) {
      row.state = "down";
      row.detail = provider.error().message;
      continue;
    }
    const QUrl url(config.value(pi.urlKey, pi.defaultUrl).trimmed());
    const std::string creds = pi.credentials.empty() ? "no credentials needed" : "credentials present";
    if (!network) {
      row.state = "ok";
      row.detail = creds + "; endpoint not checked (--no-network)";
      continue;
    }
    QNetworkRequest req(url);
    http.add({req,
              [creds, where = text(hostOf(url))](HealthRow& r, int status, const QString& error, double ms) {
                r.state = status > 0 ? "ok" : "down";
                r.latencyMs = status > 0 ? ms : -1.0;
                r.detail = status > 0 ? fmt::format("{}; {} answered HTTP {}", creds, where, status)
                                      : fmt::format("{}; {} unreachable: {}", creds, where, text(error));
              },
              &row});
  }

  // Broker (required): paper runs in-process; Alpaca needs credentials that its endpoint accepts.
  {
    HealthRow& row = rows.emplace_back();
    const QString kind = config.value("broker.kind", "paper").trimmed().toLower();
    row.name = "broker (" + text(kind) + ")";
    row.kind = "broker";
    row.required = mode != "attach";  // an attached GUI sends orders through the serving process
    if (kind == "paper") {
      row.state = "ok";
      row.detail = "simulated in-process (paper)";
    } else if (kind != "alpaca") {
      row.state = "down";
      row.detail = "broker.kind must be paper or alpaca";
    } else if (auto cfg = execution::AlpacaConfig::fromConfig(config); !cfg.ok()) {
      row.state = "down";
      row.detail = cfg.error().message;
    } else if (!network) {
      row.state = "ok";
      row.detail = "credentials present; endpoint not checked (--no-network)";
    } else {
      QUrl url = cfg->baseUrl;
      url.setPath(url.path() + "/v2/account");
      QNetworkRequest req(url);
      // The keys go only to the configured Alpaca endpoint, as the broker itself sends them; never printed.
      req.setRawHeader("APCA-API-KEY-ID", cfg->keyId);
      req.setRawHeader("APCA-API-SECRET-KEY", cfg->secretKey);
      http.add({req,
                [where = text(hostOf(cfg->baseUrl))](HealthRow& r, int status, const QString& error, double ms) {
                  r.latencyMs = status > 0 ? ms : -1.0;
                  if (status >= 200 && status < 300) {
                    r.state = "ok";
                    r.detail = fmt::format("{}: credentials accepted", where);
                  } else if (status == 401 || status == 403) {
                    r.state = "down";
                    r.detail = fmt::format("{}: credentials rejected (HTTP {})", where, status);
                  } else if (status > 0) {
                    r.state = "down";
                    r.detail = fmt::format("{}: HTTP {}", where, status);
                  } else {
                    r.state = "down";
                    r.detail = fmt::format("{} unreachable: {}", where, text(error));
                  }
                },
                &row});
    }
  }
  http.run(timeoutMs);

  int failures = 0;
  for (const auto& r : rows) failures += (r.required && r.state != "ok") ? 1 : 0;
  const auto& cal = time::NyseCalendar::instance();
  const auto now = common::RealClock().now();
  const bool open = cal.isOpen(now);
  const std::string next = text(time::TimeZones::formatExchange(open ? cal.nextClose(now) : cal.nextOpen(now),
                                                                "yyyy-MM-dd HH:mm"));
  if (p.isSet("json")) {
    QJsonArray arr;
    for (const auto& r : rows) {
      QJsonObject o;
      o.insert("name", QString::fromStdString(r.name));
      o.insert("kind", QString::fromStdString(r.kind));
      o.insert("state", QString::fromStdString(r.state));
      o.insert("required", r.required);
      o.insert("detail", QString::fromStdString(common::redact(r.detail)));
      if (r.latencyMs >= 0) o.insert("latency_ms", std::round(r.latencyMs * 10.0) / 10.0);
      arr.append(o);
    }
    QJsonObject root;
    root.insert("ok", failures == 0);
    root.insert("components", arr);
    root.insert("market", QJsonObject{{"open", open}, {open ? "next_close_et" : "next_open_et", QString::fromStdString(next)}});
    fmt::print("{}\n", QJsonDocument(root).toJson(QJsonDocument::Indented).toStdString());
  } else {
    for (const auto& r : rows) {
      const std::string state = r.state == "ok" ? "OK" : r.state == "down" ? "DOWN" : "off";
      const std::string latency = r.latencyMs >= 0 ? fmt::format(" ({:.1f} ms)", r.latencyMs) : "";
      fmt::print("{:<30} {:<5} {:<8} {}{}\n", r.name, state, r.required ? "required" : "optional",
                 common::redact(r.detail), latency);
    }
    fmt::print("{:<30} {:<5} {:<8} next {} {} ET\n", "market", open ? "OPEN" : "CLOSED", "", open ? "close" : "open",
               next);
    if (failures > 0) fmt::print("{} required component(s) down\n", failures);
  }
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
