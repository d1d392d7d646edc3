#include "core/common/ConfigKeys.h"

#include <QSet>

#include <algorithm>
#include <limits>
#include <vector>

namespace meridian::common {
namespace {

// Every setting the code reads, by module. Paths that depend on the user's data dir (db.sqlite_path, log.dir) get
// their default in Config().
constexpr ConfigKey kKeys[] = {
    // storage, relay
    {"db.backend", "sqlite"},  // sqlite | postgres
    {"db.sqlite_path", ""},    // default: <data dir>/meridian.sqlite
    {"db.pg_uri", ""},         // postgresql://user@host:port/db (password via PGPASSWORD or ~/.pgpass)
    {"db.pg_password", nullptr},
    {"redis.url", ""},  // redis://127.0.0.1:6379 ; empty = Redis disabled
    {"redis.url_password", nullptr},
    {"redis.namespace", nullptr},
    {"redis.mirror", nullptr},
    {"redis.accept_commands", nullptr},
    {"relay.key", nullptr},
    {"runtime.mode", nullptr},  // standalone | serve | attach
    // market data
    {"market.feed", "simulated"},        // simulated (built-in feed) | none
    {"market.sim_always_open", "true"},  // simulated feed ticks around the clock (false: NYSE sessions only)
    {"market.sim_ticks_per_second", "2000"},
    {"market.sim_seed", "42"},
    {"market.sim_speed", "1"},  // simulated seconds per wall-clock second
    {"market.sim_prices_path", nullptr},  // default: beside the SQLite file, or <data dir>/sim-prices-<hash>
    {"market.sim_store_bars", "true"},    // the feed's closed bars are stored (chart history of later windows)
    {"market.sim_history_days", "126"},        // first run: daily bars seeded per simulated symbol (0 = none)
    {"market.sim_history_minute_days", "10"},  // ... of which the last sessions also as 1-minute bars
    {"http.timeout_ms", nullptr},
    {"http.max_attempts", nullptr},
    {"http.backoff_ms", nullptr},
    {"http.max_retry_after_s", nullptr},
    {"yahoo.base_url", nullptr},
    {"yahoo.rate_per_min", nullptr},
    {"yahoo.adjusted", nullptr},
    {"polygon.api_key", nullptr},
    {"polygon.base_url", nullptr},
    {"polygon.rate_per_min", nullptr},
    {"polygon.burst", nullptr},
    {"polygon.adjusted", nullptr},
    {"alpaca.key_id", nullptr},
    {"alpaca.secret_key", nullptr},
    {"alpaca.data_url", nullptr},
    {"alpaca.feed", nullptr},  // iex (default; IEX-only volume, a few % of the tape) | sip (paid: consolidated)
    {"alpaca.rate_per_min", nullptr},
    {"alpaca.adjusted", nullptr},
    {"ingest.provider", nullptr},
    {"ingest.max_batch_bars", nullptr},
    {"ingest.storage_attempts", nullptr},
    {"ingest.storage_retry_ms", nullptr},
    {"universe.symbols", nullptr},
    {"company_info.provider", nullptr},
    {"health.require_providers", nullptr},
    // execution
    {"broker.kind", "paper"},         // paper | alpaca
    {"broker.alpaca_live", "false"},  // live endpoint only with an explicit setting + UI confirmation
    {"broker.alpaca_live_confirmed", nullptr},  // set at run time by the confirmation only
    {"broker.alpaca_url", nullptr},
    {"broker.http_timeout_ms", nullptr},
    {"broker.poll_ms", nullptr},
    {"broker.restart_resubmit_max_age_s", nullptr},
    {"paper.initial_cash", nullptr},
    {"paper.slippage_bps", nullptr},
    {"paper.max_participation", nullptr},
    {"paper.commission_per_share", nullptr},
    {"paper.commission_min", nullptr},
    {"paper.book_path", nullptr},     // default: beside the SQLite file, or <data dir>/paper-book-<hash> (PostgreSQL)
    {"journal.spool_path", nullptr},  // default: beside the SQLite file, or <data dir>/journal-spool-<hash>
    {"risk.<name>", nullptr},
    // strategies, jobs
    {"strategy.live", nullptr},
    {"strategy.trade", nullptr},
    {"strategy.timeframe", nullptr},
    {"strategy.size", nullptr},
    {"strategy.size_pct", nullptr},
    {"strategy.capital", nullptr},
    {"strategy.history_source", nullptr},
    {"strategy.history_days", nullptr},
    {"strategy.<strategy>.<param>", nullptr},
    {"pairs.lookback_bars", nullptr},
    {"pairs.min_observations", nullptr},
    {"pairs.top", nullptr},
    {"pairs.max_pvalue", nullptr},
    {"pairs.source", nullptr},
    {"pairs.keep_runs", nullptr},
    {"jobs.<job>.schedule", nullptr},
    {"jobs.<job>.enabled", nullptr},
    {"jobs.<job>.retries", nullptr},
    {"jobs.<job>.retry_delay_s", nullptr},
    {"jobs.<job>.timeout_s", nullptr},
    {"jobs.<job>.catch_up", nullptr},  // once | none
    {"jobs.db_backup.dir", nullptr},
    {"jobs.db_backup.keep", nullptr},
    // notifications
    {"notify.min_severity", nullptr},
    {"notify.smtp_host", nullptr},
    {"notify.smtp_port", nullptr},
    {"notify.smtp_tls", nullptr},
    {"notify.smtp_starttls", nullptr},
    {"notify.smtp_user", nullptr},
    {"notify.smtp_password", nullptr},
    {"notify.smtp_from", nullptr},
    {"notify.smtp_to", nullptr},
    {"notify.smtp_timeout_ms", nullptr},
    {"notify.smtp_ca_file", nullptr},
    {"notify.webhook_url", nullptr},
    {"notify.webhook_timeout_ms", nullptr},
    {"notify.max_attempts", "5"},          // per channel and message, then "failed"
    {"notify.retry_base_ms", "2000"},      // backoff: base * 2^(attempt-1), at most 5 min
    {"notify.dedup_window_s", "60"},       // same event key within the window: one message, then one with a count
    {"notify.shutdown_grace_ms", "3000"},  // delivery time allowed at shutdown; the rest stays queued
    {"notify.queue_capacity", "256"},      // per channel, in memory (the outbox table holds the overflow)
    // the rule table (notify::NotificationRules; keep in step with its defaults)
    {"notify.on_fill", "in_app"},
    {"notify.on_partial_fill", "in_app"},
    {"notify.on_risk_rejected", "in_app"},
    {"notify.on_kill_switch_engaged", "in_app,tray,email,webhook"},
    {"notify.on_kill_switch_reset", "in_app,tray,email,webhook"},
    {"notify.on_breaker_tripped", "in_app,tray,email,webhook"},
    {"notify.on_breaker_reset", "in_app,tray,email,webhook"},
    {"notify.on_broker_disconnected", "in_app,tray,email,webhook"},
    {"notify.on_broker_reconnected", "in_app,tray,email,webhook"},
    {"notify.on_job_failed", "in_app,tray,email,webhook"},
    {"notify.on_job_timed_out", "in_app,tray,email,webhook"},
    {"notify.on_stale_feed", "in_app,tray,email,webhook"},
    // application
    {"display.timezone", "America/Chicago"},
    {"log.dir", ""},  // default: <data dir>/logs
    {"log.level", "info"},
    {"log.max_file_mb", "10"},
    {"log.max_files", "5"},
    {"log.db_level", "warn"},  // records at or above this level are also stored in the logs table
    {"ui.refresh_hz", "60"},
    {"ui.theme", nullptr},
    {"ui.confirm_orders", nullptr},
    {"ui.confirm_risk_actions", "true"},
};

// Mirrors strategy::StrategyRegistry and jobs::builtin (tests/common/tst_ConfigKeys.cpp keeps them equal).
constexpr const char* kStrategies[] = {"sma_cross", "rsi_reversion", "bollinger_breakout", "momentum", "pairs"};
constexpr const char* kJobs[] = {"eod_ingest", "company_info", "pair_discovery", "strategy_cycle", "db_backup"};

// MERIDIAN_* variables that configure something other than a setting.
constexpr const char* kNonSettings[] = {
    "MERIDIAN_CONFIG",  // the INI file (app/shared/AppSetup.cpp)
    // tests and CI (tests/run-all.sh, .ci/run)
    "MERIDIAN_REQUIRE_SERVERS", "MERIDIAN_SCREENSHOT_DIR", "MERIDIAN_CANDLEVIEW_GOLDEN", "MERIDIAN_STAGES",
    "MERIDIAN_STAGE_TIMEOUT"};
constexpr const char* kNonSettingPrefixes[] = {"MERIDIAN_TEST_", "MERIDIAN_FUZZ_"};

const QString kPrefix = QStringLiteral("MERIDIAN_");

QStringList toList(std::span<const char* const> names) {
  QStringList out;
  for (const char* n : names) out << QString::fromLatin1(n);
  return out;
}

bool isIdentifier(const QString& s) {
  if (s.isEmpty()) return false;
  for (QChar c : s)
    if (!(c.isLower() || c.isDigit() || c == QLatin1Char('_'))) return false;
  return true;
}

// Whether `segment` may stand where the pattern part `part` is.
bool partAccepts(const QString& part, const QString& segment) {
  if (!part.startsWith(QLatin1Char('<'))) return part == segment;
  if (part == QLatin1String("<strategy>")) return ConfigKeys::strategyNames().contains(segment);
  if (part == QLatin1String("<job>")) return ConfigKeys::jobNames().contains(segment);
  return isIdentifier(segment);  // <param>, <name>: checked by the module that reads them
}

struct Pattern {
  QStringList parts;
};

const std::vector<Pattern>& patterns() {
  static const std::vector<Pattern> all = [] {
    std::vector<Pattern> out;
    for (const auto& k : kKeys) out.push_back({QString::fromLatin1(k.key).split(QLatin1Char('.'))});
    return out;
  }();
  return all;
}

// Sections, longest first: "company_info" must win over a shorter section that would prefix it.
const QStringList& sections() {
  static const QStringList all = [] {
    QStringList out;
    for (const auto& p : patterns())
      if (!out.contains(p.parts.front())) out << p.parts.front();
    std::sort(out.begin(), out.end(), [](const QString& a, const QString& b) { return a.size() > b.size(); });
    return out;
  }();
  return all;
}

bool matches(const Pattern& p, const QStringList& segments) {
  if (p.parts.size() != segments.size()) return false;
  for (qsizetype i = 0; i < segments.size(); ++i)
    if (!partAccepts(p.parts[i], segments[i])) return false;
  return true;
}

int editDistance(const QString& a, const QString& b) {
  std::vector<int> prev(std::size_t(b.size()) + 1), cur(prev.size());
  for (std::size_t j = 0; j < prev.size(); ++j) prev[j] = int(j);
  for (qsizetype i = 1; i <= a.size(); ++i) {
    cur[0] = int(i);
    for (qsizetype j = 1; j <= b.size(); ++j) {
      const int subst = prev[std::size_t(j - 1)] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[std::size_t(j)] = std::min({prev[std::size_t(j)] + 1, cur[std::size_t(j - 1)] + 1, subst});
    }
    std::swap(prev, cur);
  }
  return prev.back();
}

// A pattern made concrete for `segments`: constrained parts take their closest allowed name, free parts the
// segment as written. Empty when the segment counts differ.
QString instantiate(const Pattern& p, const QStringList& segments) {
  if (p.parts.size() != segments.size()) return {};
  QStringList out;
  for (qsizetype i = 0; i < segments.size(); ++i) {
    const QString& part = p.parts[i];
    if (!part.startsWith(QLatin1Char('<'))) {
      out << part;
    } else if (part == QLatin1String("<strategy>") || part == QLatin1String("<job>")) {
      const QStringList names = part == QLatin1String("<job>") ? ConfigKeys::jobNames() : ConfigKeys::strategyNames();
      QString best = names.front();
      for (const QString& n : names)
        if (editDistance(n, segments[i]) < editDistance(best, segments[i])) best = n;
      out << best;
    } else {
      out << segments[i];
    }
  }
  return out.join(QLatin1Char('.'));
}

}  // namespace

std::span<const ConfigKey> ConfigKeys::all() { return kKeys; }

QStringList ConfigKeys::strategyNames() {
  static const QStringList names = toList(kStrategies);
  return names;
}

QStringList ConfigKeys::jobNames() {
  static const QStringList names = toList(kJobs);
  return names;
}

bool ConfigKeys::isKnown(const QString& key) {
  const QStringList segments = key.split(QLatin1Char('.'));
  return std::any_of(patterns().begin(), patterns().end(), [&](const Pattern& p) { return matches(p, segments); });
}

QString ConfigKeys::envName(const QString& key) {
  QStringList segments = key.split(QLatin1Char('.'));
  const QString section = segments.takeFirst();
  return kPrefix + (segments.isEmpty() ? section : section + QLatin1Char('_') + segments.join(QStringLiteral("__")))
                       .toUpper();
}

bool ConfigKeys::isNonSetting(const QString& name) {
  for (const char* n : kNonSettings)
    if (name == QLatin1String(n)) return true;
  for (const char* p : kNonSettingPrefixes)
    if (name.startsWith(QLatin1String(p))) return true;
  return false;
}

QString ConfigKeys::keyForEnv(const QString& name) {
  if (!name.startsWith(kPrefix) || isNonSetting(name)) return {};
  QStringList parts = name.mid(kPrefix.size()).toLower().split(QStringLiteral("__"));
  const QString head = parts.takeFirst();
  QStringList segments;
  for (const QString& section : sections()) {
    if (head == section) {
      segments << section;
    } else if (head.startsWith(section + QLatin1Char('_')) && head.size() > section.size() + 1) {
      segments << section << head.mid(section.size() + 1);
    }
    if (!segments.isEmpty()) break;
  }
  if (segments.isEmpty()) {  // an unknown section: the first '_' separates it, as for any other key
    const qsizetype sep = head.indexOf(QLatin1Char('_'));
    if (sep > 0 && sep < head.size() - 1) segments << head.left(sep) << head.mid(sep + 1);
    else segments << head;
  }
  segments += parts;
  if (segments.size() < 2 || std::any_of(segments.begin(), segments.end(), [](const QString& s) { return s.isEmpty(); }))
    return {};
  return segments.join(QLatin1Char('.'));
}

QString ConfigKeys::closest(const QString& key) {
  if (key.isEmpty() || isKnown(key)) return key;
  // 1. Separators in the wrong place: one or two '_' that should be '.', or the other way round (an environment
  //    variable written with a single '_' where the key has a dot: MERIDIAN_STRATEGY_SMA_CROSS_FAST).
  std::vector<qsizetype> seps;
  for (qsizetype i = 0; i < key.size(); ++i)
    if (key[i] == QLatin1Char('_') || key[i] == QLatin1Char('.')) seps.push_back(i);
  const auto flip = [](QString& s, qsizetype i) { s[i] = s[i] == QLatin1Char('_') ? QLatin1Char('.') : QLatin1Char('_'); };
  for (std::size_t a = 0; a < seps.size(); ++a) {
    QString one = key;
    flip(one, seps[a]);
    if (isKnown(one)) return one;
  }
  for (std::size_t a = 0; a < seps.size(); ++a)
    for (std::size_t b = a + 1; b < seps.size(); ++b) {
      QString two = key;
      flip(two, seps[a]);
      flip(two, seps[b]);
      if (isKnown(two)) return two;
    }
  // 2. A misspelling: the nearest key (patterns filled from the key itself), if it is near enough to be a typo.
  const QStringList segments = key.split(QLatin1Char('.'));
  QString best;
  int bestDistance = std::numeric_limits<int>::max();
  for (const Pattern& p : patterns()) {
    const QString candidate = instantiate(p, segments);
    if (candidate.isEmpty() || !isKnown(candidate)) continue;
    const int d = editDistance(key, candidate);
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return bestDistance <= std::max(2, int(key.size()) / 6) ? best : QString();
}

}  // namespace meridian::common
