#include "core/risk/CorrelationGuard.h"

#include <array>
#include <cmath>
#include <cstring>
#include <limits>

namespace meridian::risk {
namespace {

// Canonical pair key "A/B" with A < B, written into a stack buffer (no allocation for lookups).
std::string_view makeKey(std::string_view a, std::string_view b, std::array<char, 96>& buf) {
  if (b < a) std::swap(a, b);
  if (a.size() + b.size() + 1 > buf.size()) return {};
  std::memcpy(buf.data(), a.data(), a.size());
  buf[a.size()] = '/';
  std::memcpy(buf.data() + a.size() + 1, b.data(), b.size());
  return {buf.data(), a.size() + b.size() + 1};
}

}  // namespace

CorrelationGuard::CorrelationGuard(std::size_t window) : m_window(window < 2 ? 2 : window) {}

std::optional<std::pair<std::string_view, std::string_view>> CorrelationGuard::parsePairTag(std::string_view id) {
  // The legs follow the last ':' ("pairs:KO/PEP", and a live instance's "live:pairs:KO/PEP").
  const auto colon = id.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const std::string_view legs = id.substr(colon + 1);
  const auto slash = legs.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 >= legs.size()) return std::nullopt;
  return std::make_pair(legs.substr(0, slash), legs.substr(slash + 1));
}

std::string CorrelationGuard::key(std::string_view a, std::string_view b) {
  std::array<char, 96> buf;
  return std::string(makeKey(a, b, buf));
}

void CorrelationGuard::registerPair(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty() || a == b) return;
  const std::string k = key(a, b);
  if (k.empty() || m_pairs.find(k) != m_pairs.end()) return;
  Pair p{std::string(a < b ? a : b), std::string(a < b ? b : a), strategy::RollingCorrelation(m_window), 0};
  // Seed from history: aligned returns in time order.
  auto sa = m_series.find(p.a);
  auto sb = m_series.find(p.b);
  if (sa != m_series.end() && sb != m_series.end()) {
    const auto& ra = sa->second.returns;
    const auto& rb = sb->second.returns;
    std::size_t i = 0, j = 0;
    while (i < ra.size() && j < rb.size()) {
      if (ra[i].first < rb[j].first) {
        ++i;
      } else if (rb[j].first < ra[i].first) {
        ++j;
      } else {
        p.corr.update(ra[i].second, rb[j].second);
        p.lastTs = ra[i].first;
        ++i;
        ++j;
      }
    }
  }
  m_pairs.emplace(k, std::move(p));
}

void CorrelationGuard::onBar(std::string_view symbol, const domain::Bar& bar) {
  if (!(bar.close > 0.0)) return;
  auto it = m_series.find(symbol);
  if (it == m_series.end()) it = m_series.emplace(std::string(symbol), Series{}).first;
  Series& s = it->second;
  if (s.lastClose > 0.0) {
    if (!s.returns.empty() && s.returns.back().first >= bar.ts) return;  // duplicate / out of order
    s.returns.emplace_back(bar.ts, bar.close / s.lastClose - 1.0);
    while (s.returns.size() > m_window * 2) s.returns.pop_front();
  }
  s.lastClose = bar.close;
  for (auto& [k, p] : m_pairs)
    if (p.a == symbol || p.b == symbol) feed(p, bar.ts);
}

void CorrelationGuard::feed(Pair& p, domain::Timestamp ts) {
  if (ts <= p.lastTs) return;
  auto sa = m_series.find(p.a);
  auto sb = m_series.find(p.b);
  if (sa == m_series.end() || sb == m_series.end()) return;
  const auto& ra = sa->second.returns;
  const auto& rb = sb->second.returns;
  if (ra.empty() || rb.empty() || ra.back().first != ts || rb.back().first != ts) return;
  p.corr.update(ra.back().second, rb.back().second);
  p.lastTs = ts;
}

double CorrelationGuard::correlation(std::string_view a, std::string_view b) const {
  std::array<char, 96> buf;
  const std::string_view k = makeKey(a, b, buf);
  auto it = m_pairs.find(k);
  if (it == m_pairs.end()) return std::numeric_limits<double>::quiet_NaN();
  return it->second.corr.value();
}

}  // namespace meridian::risk
