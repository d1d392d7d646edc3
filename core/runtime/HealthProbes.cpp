#include "core/runtime/HealthProbes.h"

#include "core/common/DurableLog.h"
#include "core/common/Redact.h"
#include "core/execution/ExecutionService.h"
#include "core/execution/alpaca/AlpacaBroker.h"
#include "core/marketdata/ProviderFactory.h"
#include "core/marketdata/simulated/SimulatedMarket.h"
#include "core/relay/Heartbeat.h"
#include "core/relay/IEventRelay.h"
#include "core/storage/StorageService.h"
#if MERIDIAN_HAVE_REDIS
#include "core/storage/redis/RedisCache.h"
#endif

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include <fmt/core.h>

#include <algorithm>
#include <future>

namespace meridian::runtime::health {
namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

contract::ComponentHealth state(contract::HealthState s, std::string detail, double latencyMs = -1.0) {
  contract::ComponentHealth h;
  h.state = s;
  h.detail = std::move(detail);
  h.latencyMs = latencyMs;
  return h;
}

// A check that cannot work as configured: a probe that says why, every time.
jobs::HealthMonitor::Probe down(std::string why) {
  return [why = std::move(why)] { return state(contract::HealthState::Down, why); };
}

std::string text(const QString& s) { return s.toStdString(); }

QString hostOf(const QUrl& u) {
  return u.scheme() + "://" + u.host() + (u.port() > 0 ? ":" + QString::number(u.port()) : "");
}

// One GET on the calling thread (its own network manager and event loop), bounded by timeout. status 0: no HTTP
// answer (error says why).
struct HttpOutcome {
  int status = 0;
  std::string error;
  double ms = -1.0;
};

HttpOutcome httpGet(QNetworkRequest request, std::chrono::milliseconds timeout) {
  QNetworkAccessManager nam;
  request.setTransferTimeout(int(timeout.count()));
  request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
  QEventLoop loop;
  const auto t0 = Clock::now();
  std::unique_ptr<QNetworkReply> reply(nam.get(request));
  // Connected by signature, not by member pointer: then Qt allocates and frees the connection itself. A member-
  // pointer connection's slot object is allocated here and was once freed on this manager's own network thread,
  // after a hand-over ThreadSanitizer cannot see inside Debian's uninstrumented Qt (a reported race, CI stop 27).
  QObject::connect(reply.get(), SIGNAL(finished()), &loop, SLOT(quit()));
  QTimer guard;  // belt and braces over the transfer timeout
  guard.setSingleShot(true);
  QObject::connect(&guard, SIGNAL(timeout()), &loop, SLOT(quit()));
  guard.start(int(timeout.count()) + 500);
  if (!reply->isFinished()) loop.exec();
  if (!reply->isFinished()) reply->abort();
  HttpOutcome out;
  out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
  if (out.status == 0) out.error = text(reply->errorString());
  else out.ms = msSince(t0);
  return out;
}

}  // namespace

void addTo(jobs::HealthMonitor& monitor, Check check) {
  if (check.probe) monitor.addProbe(std::move(check.name), std::move(check.kind), std::move(check.probe), check.required);
  else monitor.addDisabled(std::move(check.name), std::move(check.kind), std::move(check.disabledReason));
}

contract::ComponentHealth run(const Check& check) {
  contract::ComponentHealth h;
  if (!check.probe) {
    h = state(contract::HealthState::Disabled, check.disabledReason);
  } else {
    try {
      h = check.probe();
    } catch (const std::exception& e) {
      h = state(contract::HealthState::Down, std::string("probe failed: ") + e.what());
    }
  }
  h.name = check.name;
  h.kind = check.kind;
  h.required = check.required && h.state != contract::HealthState::Disabled;
  h.detail = common::redact(h.detail);
  return h;
}

bool healthy(const std::vector<contract::ComponentHealth>& components) {
  return std::all_of(components.begin(), components.end(), [](const contract::ComponentHealth& c) {
    return !c.required || c.state == contract::HealthState::Ok || c.state == contract::HealthState::Degraded;
  });
}

// ---- database ----------------------------------------------------------------------------------------------------

Check database(storage::StorageService& storage, std::chrono::milliseconds timeout, std::optional<Error> startError) {
  const storage::StorageConfig& sc = storage.config();
  Check c{"Database (" + sc.backend + ")", "db", true, {}, {}};
  const std::string where = common::redact(sc.backend == "postgres" ? sc.pgUri : sc.sqlitePath);
  c.probe = jobs::HealthMonitor::makeProbe(
      [&storage, timeout, startError]() -> Status {
        if (startError) return *startError;
        auto f = storage.call([](storage::IStorage& s) { return s.ping(); });
        if (f.wait_for(timeout) != std::future_status::ready)
          return makeError("db.timeout", fmt::format("no answer from the storage thread within {} ms", timeout.count()));
        return f.get();
      },
      where);
  return c;
}

// ---- Redis and the serving process -------------------------------------------------------------------------------

std::shared_ptr<storage::RedisCache> redisConnection(const common::Config& config, std::chrono::milliseconds timeout) {
  const std::string url = redisUrlFrom(config);
  if (url.empty()) return nullptr;
#if MERIDIAN_HAVE_REDIS
  storage::RedisOptions o;
  o.connectTimeout = std::min(timeout, std::chrono::milliseconds(2000));
  o.commandTimeout = timeout;
  // A probe runs every few seconds at most: retry the connection on the next probe rather than backing off for long
  // (a Redis that is back must show as back).
  o.backoffInitial = std::chrono::milliseconds(100);
  o.backoffMax = std::chrono::milliseconds(1000);
  return std::make_shared<storage::RedisCache>(url, o);
#else
  (void)timeout;
  return nullptr;
#endif
}

Check redis(const common::Config& config, RuntimeMode mode, std::shared_ptr<storage::RedisCache> connection,
            const relay::IEventRelay* relay) {
  Check c{std::string("Redis (") + toString(mode) + ")", "cache", false, {}, {}};
  if (config.value("redis.url").trimmed().isEmpty()) {
    if (mode == RuntimeMode::Attach) {
      c.required = true;
      c.probe = down("runtime.mode=attach needs redis.url (MERIDIAN_REDIS_URL): the Redis the server publishes to");
    } else {
      c.disabledReason = mode == RuntimeMode::Serve ? "redis.url not set: nothing can attach to this server"
                                                    : "redis.url not set (optional; needed by serve / attach)";
    }
    return c;
  }
  c.required = true;  // configured: whatever uses it (relay, mirror) is broken while it is down
#if MERIDIAN_HAVE_REDIS
  if (!connection) {
    c.probe = down("no connection to probe with");
    return c;
  }
  const std::string endpoint = connection->redactedUrl();
  c.probe = jobs::HealthMonitor::makeProbe(
      [connection, relay, endpoint]() -> Status {
        if (Status s = connection->ping(); !s.ok())
          return makeError("redis.unavailable", "unreachable on " + endpoint + ": " + s.error().message +
                                                    "; events are not relayed (resumes on its own)");
        if (relay && !relay->healthy())
          return makeError("redis.unavailable", "unreachable for the relay on " + relay->endpoint() +
                                                    " (a write failed or its subscription is lost); events are not "
                                                    "relayed (resumes on its own)");
        return {};
      },
      "ok: " + endpoint);
#else
  (void)connection;
  (void)relay;
  c.probe = down("redis.url is set but this build has no Redis support (MERIDIAN_WITH_REDIS=OFF)");
#endif
  return c;
}

bool servesCommands(const common::Config& config, RuntimeMode mode) {
  if (mode == RuntimeMode::Attach || config.value("redis.url").trimmed().isEmpty()) return false;
  // The Kernel's rule (startRelay): a server takes commands unless told not to, a desktop app only when told to.
  return config.boolValue("redis.accept_commands", mode == RuntimeMode::Serve);
}

Check server(const common::Config& config, RuntimeMode mode, std::shared_ptr<storage::RedisCache> connection,
             std::shared_ptr<const common::IClock> clock) {
  Check c{"Server (meridian-cli serve)", "server", mode == RuntimeMode::Attach || servesCommands(config, mode), {}, {}};
  const std::string ns = text(config.value("redis.namespace", "meridian").trimmed());
  const std::string key = relay::serverKey(ns);
  if (config.value("redis.url").trimmed().isEmpty()) {
    if (c.required) c.probe = down("no redis.url: the serving process cannot be reached");
    else c.disabledReason = "no serving process without Redis (redis.url not set)";
    return c;
  }
  if (mode == RuntimeMode::Serve && !c.required) {
    c.disabledReason = "redis.accept_commands=false: this server takes no remote commands and beats no heartbeat";
    return c;
  }
  const std::string relayKey = text(config.value("relay.key"));
  if (relayKey.empty() && c.required) {
    c.probe = down("relay.key is not set (MERIDIAN_RELAY_KEY or the keychain): the heartbeat at " + key +
                   " cannot be verified");
    return c;
  }
#if MERIDIAN_HAVE_REDIS
  if (!connection) {
    c.probe = down("no connection to probe with");
    return c;
  }
  const bool required = c.required;
  c.probe = [connection, clock = std::move(clock), key, relayKey, required, where = connection->redactedUrl()] {
    const auto t0 = Clock::now();
    auto value = connection->getValue(key);
    const double ms = msSince(t0);
    if (!value.ok())
      return state(contract::HealthState::Down, "unknown: Redis unavailable (" + value.error().message + ")");
    auto beat = relay::checkHeartbeat(*value, relayKey, clock->now());
    if (!beat.ok()) {
      if (beat.error().code == "heartbeat.absent" && !required)
        return state(contract::HealthState::Disabled, "no serving process on " + key + " (none needed standalone)");
      if (beat.error().code == "heartbeat.absent")
        return state(contract::HealthState::Down, "no serving process: no heartbeat at " + key + " on " + where, ms);
      return state(contract::HealthState::Down, "serving process not trusted: " + key + ": " + beat.error().message, ms);
    }
    const domain::Timestamp age = clock->now() - beat->ts;
    return state(contract::HealthState::Ok,
                 fmt::format("{} beat {} ms ago ({}{})", beat->origin, age / domain::kNanosPerMilli, beat->mode.label(),
                             beat->mode.broker.empty() ? std::string() : ", " + beat->mode.broker),
                 ms);
  };
#else
  (void)connection;
  (void)clock;
  c.probe = down("redis.url is set but this build has no Redis support (MERIDIAN_WITH_REDIS=OFF)");
#endif
  return c;
}

// ---- broker and market data --------------------------------------------------------------------------------------

Check broker(RuntimeMode mode, const execution::ExecutionService* execution) {
  if (mode == RuntimeMode::Attach) return Check{"Broker", "broker", false, {}, "runs in the serving process"};
  Check c{"Broker (" + std::string(execution ? execution->brokerName() : "none") + ")", "broker", true, {}, {}};
  // Connected -> ok, 429/5xx -> degraded, unreachable -> down, with the adapter's last error.
  if (execution) c.probe = [execution] { return execution->brokerHealth(); };
  else c.probe = down("execution is not running");
  return c;
}

Check brokerEndpoint(const common::Config& config, RuntimeMode mode, bool network, std::chrono::milliseconds timeout) {
  const QString kind = config.value("broker.kind", "paper").trimmed().toLower();
  if (mode == RuntimeMode::Attach) return Check{"Broker", "broker", false, {}, "runs in the serving process"};
  Check c{"Broker (" + text(kind) + ")", "broker", true, {}, {}};
  if (kind == "paper") {
    c.probe = [] { return state(contract::HealthState::Ok, "simulated in-process (paper)"); };
    return c;
  }
  if (kind != "alpaca") {
    c.probe = down("broker.kind must be paper or alpaca, not '" + text(kind) + "'");
    return c;
  }
  auto cfg = execution::AlpacaConfig::fromConfig(config);
  if (!cfg.ok()) {
    c.probe = down(cfg.error().message);
    return c;
  }
  if (!network) {
    c.probe = [] { return state(contract::HealthState::Ok, "credentials present; endpoint not checked (--no-network)"); };
    return c;
  }
  c.probe = [cfg = *cfg, timeout] {
    QUrl url = cfg.baseUrl;
    url.setPath(url.path() + "/v2/account");
    QNetworkRequest req(url);
    // The keys go only to the configured Alpaca endpoint, as the broker itself sends them; never printed.
    req.setRawHeader("APCA-API-KEY-ID", cfg.keyId);
    req.setRawHeader("APCA-API-SECRET-KEY", cfg.secretKey);
    const HttpOutcome r = httpGet(req, timeout);
    const std::string where = text(hostOf(cfg.baseUrl));
    if (r.status >= 200 && r.status < 300)
      return state(contract::HealthState::Ok, where + ": credentials accepted", r.ms);
    if (r.status == 401 || r.status == 403)
      return state(contract::HealthState::Down, fmt::format("{}: credentials rejected (HTTP {})", where, r.status), r.ms);
    if (r.status > 0) return state(contract::HealthState::Down, fmt::format("{}: HTTP {}", where, r.status), r.ms);
    return state(contract::HealthState::Down, where + " unreachable: " + r.error);
  };
  return c;
}

Check journal(const common::Config& config, RuntimeMode mode, const execution::ExecutionService* execution) {
  if (mode == RuntimeMode::Attach) return Check{"Order journal", "journal", false, {}, "kept by the serving process"};
  Check c{"Order journal", "journal", true, {}, {}};
  if (execution) {
    c.probe = [execution] { return execution->journalHealth(); };
    return c;
  }
  c.probe = [path = journalSideFile(config, "journal.spool_path", "journal-spool")] {
    auto records = common::DurableLog::read(path);
    if (!records.ok()) return state(contract::HealthState::Down, records.error().message);
    if (records->empty()) return state(contract::HealthState::Ok, "no event waiting in the spool (" + path + ")");
    return state(contract::HealthState::Degraded,
                 fmt::format("{} event(s) wait in the spool {} for the database", records->size(), path));
  };
  return c;
}

Check marketFeed(RuntimeMode mode, const marketdata::SimulatedMarket* market) {
  if (mode == RuntimeMode::Attach) return Check{"Market data", "marketdata", false, {}, "relayed from the serving process"};
  if (!market) return Check{"Market data", "marketdata", false, {}, "no built-in feed (market.feed is not simulated)"};
  Check c{"Market data (simulated)", "marketdata", false, {}, {}};
  c.probe = jobs::HealthMonitor::makeProbe(
      [market]() -> Status { return market->running() ? Status{} : Status{makeError("md.down", "feed stopped")}; },
      "feed running");
  return c;
}

QStringList requiredProviders(const common::Config& config, const QStringList& extra) {
  QStringList required = config.value("health.require_providers").split(',', Qt::SkipEmptyParts) + extra;
  const QString feed = config.value("market.feed", "simulated").trimmed().toLower();
  if (feed != "simulated" && feed != "none" && !feed.isEmpty()) required += feed;
  for (auto& r : required) r = r.trimmed().toLower();
  required.removeAll(QString());
  required.removeDuplicates();
  return required;
}

std::vector<Check> providers(const common::Config& config, const QStringList& required, bool network,
                             std::chrono::milliseconds timeout) {
  struct ProviderInfo {
    const char* name;
    const char* urlKey;
    const char* defaultUrl;
    std::vector<std::pair<const char*, const char*>> credentials;  // config key, environment variable
    const char* probePath;  // a cheap authenticated endpoint (empty: any answer of the base URL will do)
  };
  const ProviderInfo infos[] = {
      {"yahoo", "yahoo.base_url", "https://query1.finance.yahoo.com", {}, ""},
      {"polygon", "polygon.base_url", "https://api.polygon.io", {{"polygon.api_key", "POLYGON_API_KEY"}},
       "/v3/reference/tickers?limit=1"},
      {"alpaca", "alpaca.data_url", "https://data.alpaca.markets",
       {{"alpaca.key_id", "APCA_API_KEY_ID"}, {"alpaca.secret_key", "APCA_API_SECRET_KEY"}},
       "/v2/stocks/bars/latest?symbols=SPY"},
  };
  std::vector<Check> out;
  for (const auto& pi : infos) {
    Check& c = out.emplace_back();
    c.name = std::string("Provider ") + pi.name;
    c.kind = "marketdata";
    c.required = required.contains(QString::fromLatin1(pi.name));
    std::string missing;
    for (const auto& [key, env] : pi.credentials)
      if (config.value(key).trimmed().isEmpty()) missing += (missing.empty() ? "" : ", ") + std::string(env);
    if (!missing.empty()) {
      if (c.required) c.probe = down("not configured: " + missing + " not set");
      else c.disabledReason = "not configured: " + missing + " not set";
      continue;
    }
    if (auto provider = marketdata::makeProvider(pi.name, config); !provider.ok()) {
      c.probe = down(provider.error().message);
      continue;
    }
    const std::string creds = pi.credentials.empty() ? "no credentials needed" : "credentials present";
    if (!network) {
      c.probe = [creds] { return state(contract::HealthState::Ok, creds + "; endpoint not checked (--no-network)"); };
      continue;
    }
    QString base = config.value(pi.urlKey, pi.defaultUrl).trimmed();
    while (base.endsWith('/')) base.chop(1);
    const QUrl url(*pi.probePath ? base + pi.probePath : base);
    // The configured key goes in headers (never in the URL, so never in a log line); the answer says whether the
    // vendor accepts it.
    QNetworkRequest request(url);
    if (std::string_view(pi.name) == "polygon")
      request.setRawHeader("Authorization", "Bearer " + config.value("polygon.api_key").trimmed().toUtf8());
    if (std::string_view(pi.name) == "alpaca") {
      request.setRawHeader("APCA-API-KEY-ID", config.value("alpaca.key_id").trimmed().toUtf8());
      request.setRawHeader("APCA-API-SECRET-KEY", config.value("alpaca.secret_key").trimmed().toUtf8());
    }
    const bool keyed = *pi.probePath != 0;
    c.probe = [request, url, creds, timeout, keyed] {
      const HttpOutcome r = httpGet(request, timeout);
      const std::string where = text(hostOf(url));
      if (r.status <= 0)
        return state(contract::HealthState::Down, fmt::format("{}; {} unreachable: {}", creds, where, r.error));
      if (!keyed)
        return state(contract::HealthState::Ok, fmt::format("{}; {} answered HTTP {}", creds, where, r.status), r.ms);
      if (r.status == 401 || r.status == 403)
        return state(contract::HealthState::Down,
                     fmt::format("credentials rejected: {} answered HTTP {} to the configured key", where, r.status),
                     r.ms);
      if (r.status >= 200 && r.status < 300)
        return state(contract::HealthState::Ok, fmt::format("credentials accepted by {} (HTTP {})", where, r.status),
                     r.ms);
      return state(contract::HealthState::Degraded,
                   fmt::format("{}; {} answered HTTP {} to an authenticated request", creds, where, r.status), r.ms);
    };
  }
  return out;
}

}  // namespace meridian::runtime::health
