#include "core/screener/Query.h"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>

namespace meridian::screener {

using Getter = std::optional<double> (*)(const SymbolMetrics&);

namespace query_detail {  // named: Query::Node refers to it

struct MetricDef {
  const char* name;
  const char* meaning;
  Getter get;
};

std::optional<double> known(double v) { return std::optional<double>(v); }

// clang-format off
const MetricDef kMetrics[] = {
    {"price", "close of the newest bar", [](const SymbolMetrics& m) { return m.bars ? known(m.last) : std::nullopt; }},
    {"volume", "volume of the newest bar", [](const SymbolMetrics& m) { return m.bars ? known(m.volume) : std::nullopt; }},
    {"avg_volume", "mean volume of the last 20 bars", [](const SymbolMetrics& m) { return m.avgVolume; }},
    {"avg_dollar_volume", "mean of close * volume over the last 20 bars", [](const SymbolMetrics& m) { return m.avgDollarVolume; }},
    {"rel_volume", "newest volume / mean volume of the 20 bars before it", [](const SymbolMetrics& m) { return m.relVolume; }},
    {"change_1d", "percent change of the close over 1 bar", [](const SymbolMetrics& m) { return m.change1d; }},
    {"change_5d", "percent change over 5 bars", [](const SymbolMetrics& m) { return m.change5d; }},
    {"change_30d", "percent change over 30 bars", [](const SymbolMetrics& m) { return m.change30d; }},
    {"gap_pct", "newest open vs the previous close, percent", [](const SymbolMetrics& m) { return m.gapPct; }},
    {"volatility", "annualised stdev of 20 daily log returns, percent", [](const SymbolMetrics& m) { return m.volatility; }},
    {"atr_pct", "ATR 14 (Wilder) in percent of the close", [](const SymbolMetrics& m) { return m.atrPct; }},
    {"rsi14", "RSI 14 (Wilder)", [](const SymbolMetrics& m) { return m.rsi; }},
    {"sma20", "simple moving average of 20 closes", [](const SymbolMetrics& m) { return m.sma20; }},
    {"sma50", "simple moving average of 50 closes", [](const SymbolMetrics& m) { return m.sma50; }},
    {"sma200", "simple moving average of 200 closes", [](const SymbolMetrics& m) { return m.sma200; }},
    {"vs_sma20", "close vs SMA20, percent", [](const SymbolMetrics& m) { return m.vsSma20; }},
    {"vs_sma50", "close vs SMA50, percent", [](const SymbolMetrics& m) { return m.vsSma50; }},
    {"vs_sma200", "close vs SMA200, percent", [](const SymbolMetrics& m) { return m.vsSma200; }},
    {"macd", "MACD 12/26 line", [](const SymbolMetrics& m) { return m.macd; }},
    {"macd_signal", "MACD signal line (9)", [](const SymbolMetrics& m) { return m.macdSignal; }},
    {"macd_hist", "MACD histogram (line - signal)", [](const SymbolMetrics& m) { return m.macdHist; }},
    {"bollinger_b", "Bollinger 20/2 %B", [](const SymbolMetrics& m) { return m.bollinger; }},
    {"high_52w", "52-week high", [](const SymbolMetrics& m) { return m.high52w; }},
    {"low_52w", "52-week low", [](const SymbolMetrics& m) { return m.low52w; }},
    {"from_high_52w", "close vs the 52-week high, percent (<= 0)", [](const SymbolMetrics& m) { return m.fromHigh52w; }},
    {"from_low_52w", "close vs the 52-week low, percent (>= 0)", [](const SymbolMetrics& m) { return m.fromLow52w; }},
    {"market_cap", "stored market capitalisation", [](const SymbolMetrics& m) { return m.marketCap; }},
    {"bars", "bars the metrics were computed over", [](const SymbolMetrics& m) { return known(double(m.bars)); }},
};
// clang-format on

// The CSV / table column names of the same metrics (columnKey), accepted as they are written in an export.
constexpr std::pair<std::string_view, std::string_view> kColumnAliases[] = {
    {"price_vs_sma50_pct", "vs_sma50"},   {"price_vs_sma200_pct", "vs_sma200"}, {"pct_from_52w_high", "from_high_52w"},
    {"pct_from_52w_low", "from_low_52w"}, {"avg_dollar_volume_20d", "avg_dollar_volume"}, {"atr14_pct", "atr_pct"},
    {"rel_volume_20d", "rel_volume"},     {"bollinger", "bollinger_b"},           {"rsi", "rsi14"},
};

const MetricDef* findMetric(std::string_view name) {
  for (const auto& [alias, metric] : kColumnAliases)
    if (name == alias) name = metric;
  for (const auto& d : kMetrics)
    if (name == d.name) return &d;
  return nullptr;
}

int distance(std::string_view a, std::string_view b) {
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = int(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = int(i);
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

enum class Tok { Ident, Number, Op, LParen, RParen, End };
struct Token {
  Tok kind;
  std::string text;   // identifiers lower-cased
  double number = 0;
  std::size_t pos = 0, len = 0;
};

enum class Cmp { Lt, Le, Gt, Ge, Eq, Ne };

}  // namespace query_detail
using namespace query_detail;

struct Query::Node {
  enum class Kind { And, Or, Not, Compare } kind = Kind::Compare;
  std::shared_ptr<const Node> left, right;
  // Compare: each side is a metric or a constant.
  const MetricDef* lhsMetric = nullptr;
  double lhsValue = 0;
  const MetricDef* rhsMetric = nullptr;
  double rhsValue = 0;
  Cmp op = Cmp::Lt;
};

namespace {

class Parser {
 public:
  explicit Parser(std::string_view text) : m_text(text) {}

  Result<std::shared_ptr<const Query::Node>> run() {
    if (Status s = lex(); !s.ok()) return s.error();
    if (m_tokens.size() == 1) return fail(m_tokens[0], "the query is empty: write e.g. rsi14 < 30 and price > sma200");
    auto n = parseOr();
    if (!n) return n.error();
    if (peek().kind != Tok::End) return fail(peek(), fmt::format("unexpected '{}': expected and, or or the end", peek().text));
    return n;
  }

 private:
  Error fail(const Token& t, const std::string& what) const {
    const std::size_t len = std::max<std::size_t>(1, t.len);
    return makeError(kQueryErrorCode, fmt::format("query: {} at column {}\n  {}\n  {}{}", what, t.pos + 1, m_text,
                                                  std::string(t.pos, ' '), std::string(len, '^')));
  }

  Status lex() {
    std::size_t i = 0;
    const std::size_t n = m_text.size();
    while (i < n) {
      const char c = m_text[i];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
        continue;
      }
      Token t{Tok::End, {}, 0, i, 1};
      if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        std::size_t j = i;
        while (j < n && (std::isalnum(static_cast<unsigned char>(m_text[j])) || m_text[j] == '_')) ++j;
        t.kind = Tok::Ident;
        for (std::size_t k = i; k < j; ++k) t.text += char(std::tolower(static_cast<unsigned char>(m_text[k])));
        t.len = j - i;
        i = j;
      } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '.' ||
                 (c == '-' && i + 1 < n && (std::isdigit(static_cast<unsigned char>(m_text[i + 1])) || m_text[i + 1] == '.'))) {
        std::size_t j = i + 1;
        while (j < n && (std::isdigit(static_cast<unsigned char>(m_text[j])) || m_text[j] == '.')) ++j;
        const std::string digits(m_text.substr(i, j - i));
        char* end = nullptr;
        double v = std::strtod(digits.c_str(), &end);
        if (end != digits.c_str() + digits.size() || !std::isfinite(v)) {
          t.len = j - i;
          return fail(t, fmt::format("'{}' is not a number", digits));
        }
        if (j < n) {
          const char s = char(std::toupper(static_cast<unsigned char>(m_text[j])));
          const double mult = s == 'K' ? 1e3 : s == 'M' ? 1e6 : s == 'B' ? 1e9 : s == 'T' ? 1e12 : s == '%' ? 1.0 : 0.0;
          const bool standalone = j + 1 >= n || !(std::isalnum(static_cast<unsigned char>(m_text[j + 1])) || m_text[j + 1] == '_');
          if (mult != 0.0 && standalone) {
            v *= mult;
            ++j;
          }
        }
        if (j < n && (std::isalpha(static_cast<unsigned char>(m_text[j])) || m_text[j] == '_')) {
          std::size_t k = j;
          while (k < n && (std::isalnum(static_cast<unsigned char>(m_text[k])) || m_text[k] == '_')) ++k;
          t.len = k - i;
          return fail(t, fmt::format("'{}' is not a number (suffixes: K, M, B, T, %)", std::string(m_text.substr(i, k - i))));
        }
        t.kind = Tok::Number;
        t.number = v;
        t.text = std::string(m_text.substr(i, j - i));
        t.len = j - i;
        i = j;
      } else if (c == '(' || c == ')') {
        t.kind = c == '(' ? Tok::LParen : Tok::RParen;
        t.text = std::string(1, c);
        ++i;
      } else if (c == '<' || c == '>' || c == '=' || c == '!') {
        std::size_t j = i + 1;
        if (j < n && m_text[j] == '=') ++j;
        t.kind = Tok::Op;
        t.text = std::string(m_text.substr(i, j - i));
        t.len = j - i;
        if (t.text == "!") return fail(t, "'!' alone is not an operator: use != or not");
        i = j;
      } else {
        return fail(t, fmt::format("unexpected character '{}'", c));
      }
      m_tokens.push_back(std::move(t));
    }
    m_tokens.push_back(Token{Tok::End, "end of the query", 0, n, 1});
    return {};
  }

  const Token& peek() const { return m_tokens[m_pos]; }
  const Token& take() { return m_tokens[m_pos++]; }
  bool keyword(const char* k) const { return peek().kind == Tok::Ident && peek().text == k; }

  using NodeResult = Result<std::shared_ptr<const Query::Node>>;

  NodeResult combine(Query::Node::Kind kind, const char* word, NodeResult (Parser::*next)()) {
    auto left = (this->*next)();
    if (!left) return left;
    std::shared_ptr<const Query::Node> node = *left;
    while (keyword(word)) {
      take();
      auto right = (this->*next)();
      if (!right) return right;
      auto n = std::make_shared<Query::Node>();
      n->kind = kind;
      n->left = node;
      n->right = *right;
      node = n;
    }
    return node;
  }
  NodeResult parseOr() { return combine(Query::Node::Kind::Or, "or", &Parser::parseAnd); }
  NodeResult parseAnd() { return combine(Query::Node::Kind::And, "and", &Parser::parseNot); }

  NodeResult parseNot() {
    if (keyword("not")) {
      take();
      auto inner = parseNot();
      if (!inner) return inner;
      auto n = std::make_shared<Query::Node>();
      n->kind = Query::Node::Kind::Not;
      n->left = *inner;
      return std::shared_ptr<const Query::Node>(n);
    }
    if (peek().kind == Tok::LParen) {
      const Token open = take();
      auto inner = parseOr();
      if (!inner) return inner;
      if (peek().kind != Tok::RParen) return fail(peek(), fmt::format("expected ')' to close the '(' at column {}", open.pos + 1));
      take();
      return inner;
    }
    return parseComparison();
  }

  Status operand(const MetricDef*& metric, double& value) {
    const Token& t = peek();
    if (t.kind == Tok::Number) {
      value = take().number;
      return {};
    }
    if (t.kind == Tok::Ident && t.text != "and" && t.text != "or" && t.text != "not") {
      const std::string name = t.text == "rsi" ? std::string("rsi14") : t.text;  // the common short form
      metric = findMetric(name);
      if (!metric) {
        const MetricDef* best = nullptr;
        int bestD = 1 << 30;
        for (const auto& d : kMetrics)
          if (int dd = distance(t.text, d.name); dd < bestD) bestD = dd, best = &d;
        return fail(t, fmt::format("unknown metric '{}'{}", t.text,
                                   best && bestD <= 3 ? fmt::format(" (did you mean {}?)", best->name)
                                                      : std::string(" (screen --help lists the metrics)")));
      }
      take();
      return {};
    }
    return fail(t, fmt::format("expected a metric or a number, found '{}'", t.text));
  }

  NodeResult parseComparison() {
    auto n = std::make_shared<Query::Node>();
    if (Status s = operand(n->lhsMetric, n->lhsValue); !s.ok()) return s.error();
    const Token& op = peek();
    if (op.kind != Tok::Op)
      return fail(op, fmt::format("expected a comparison (<, <=, >, >=, =, !=) after '{}', found '{}'",
                                  m_tokens[m_pos - 1].text, op.text));
    take();
    if (op.text == "<") n->op = Cmp::Lt;
    else if (op.text == "<=") n->op = Cmp::Le;
    else if (op.text == ">") n->op = Cmp::Gt;
    else if (op.text == ">=") n->op = Cmp::Ge;
    else if (op.text == "=" || op.text == "==") n->op = Cmp::Eq;
    else if (op.text == "!=") n->op = Cmp::Ne;
    else return fail(op, fmt::format("'{}' is not a comparison", op.text));
    if (Status s = operand(n->rhsMetric, n->rhsValue); !s.ok()) return s.error();
    if (!n->lhsMetric && !n->rhsMetric) return fail(op, "a comparison needs a metric on at least one side");
    return std::shared_ptr<const Query::Node>(n);
  }

  std::string_view m_text;
  std::vector<Token> m_tokens;
  std::size_t m_pos = 0;
};

Verdict eval(const Query::Node& n, const SymbolMetrics& m, std::string* unknown) {
  using K = Query::Node::Kind;
  switch (n.kind) {
    case K::Not: {
      const Verdict v = eval(*n.left, m, unknown);
      return v == Verdict::Unknown ? v : v == Verdict::Pass ? Verdict::Fail : Verdict::Pass;
    }
    case K::And:
    case K::Or: {
      const Verdict decisive = n.kind == K::And ? Verdict::Fail : Verdict::Pass;
      const Verdict a = eval(*n.left, m, unknown);
      if (a == decisive) return a;
      const Verdict b = eval(*n.right, m, a == Verdict::Unknown ? nullptr : unknown);
      if (b == decisive) return b;
      return (a == Verdict::Unknown || b == Verdict::Unknown) ? Verdict::Unknown : a;
    }
    case K::Compare: {
      const auto side = [&](const MetricDef* metric, double value) -> std::optional<double> {
        if (!metric) return value;
        auto v = metric->get(m);
        if (!v && unknown && unknown->empty()) *unknown = metric->name;
        return v;
      };
      const auto l = side(n.lhsMetric, n.lhsValue);
      const auto r = side(n.rhsMetric, n.rhsValue);
      if (!l || !r) return Verdict::Unknown;
      bool ok = false;
      switch (n.op) {
        case Cmp::Lt: ok = *l < *r; break;
        case Cmp::Le: ok = *l <= *r; break;
        case Cmp::Gt: ok = *l > *r; break;
        case Cmp::Ge: ok = *l >= *r; break;
        case Cmp::Eq: ok = *l == *r; break;
        case Cmp::Ne: ok = *l != *r; break;
      }
      return ok ? Verdict::Pass : Verdict::Fail;
    }
  }
  return Verdict::Unknown;
}

}  // namespace

Result<Query> Query::parse(std::string_view text) {
  Parser p(text);
  auto root = p.run();
  if (!root) return root.error();
  Query q;
  q.m_text = std::string(text);
  q.m_root = *root;
  return q;
}

Verdict Query::evaluate(const SymbolMetrics& m, std::string* unknownMetric) const {
  if (!m_root) return Verdict::Pass;
  std::string unknown;
  const Verdict v = eval(*m_root, m, &unknown);
  if (v == Verdict::Unknown && unknownMetric) *unknownMetric = unknown;
  return v;
}

std::vector<std::pair<std::string, std::string>> Query::metrics() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& d : kMetrics) out.emplace_back(d.name, d.meaning);
  return out;
}

void applyQuery(ScreenerResult& r, const Query& query, std::size_t limit) {
  std::vector<SymbolMetrics> kept;
  for (auto& m : r.rows) {
    std::string unknown;
    switch (query.evaluate(m, &unknown)) {
      case Verdict::Pass: kept.push_back(std::move(m)); break;
      case Verdict::Fail: ++r.failed; break;
      case Verdict::Unknown:
        r.excluded.push_back(Exclusion{m.symbol, Exclusion::Kind::InsufficientHistory,
                                       fmt::format("query: {} is unknown ({} bars)", unknown, m.bars)});
        break;
    }
  }
  std::sort(r.excluded.begin(), r.excluded.end(), [](const Exclusion& a, const Exclusion& b) { return a.symbol < b.symbol; });
  r.matched = kept.size();
  if (limit > 0 && kept.size() > limit) kept.resize(limit);
  r.rows = std::move(kept);
}

}  // namespace meridian::screener
