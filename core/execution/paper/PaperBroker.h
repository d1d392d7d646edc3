#pragma once
// PaperBroker: the default venue. Simulates an exchange against the live or simulated feed with the SAME fill
// model as the backtester (backtest::FillModel: slippage, commission, stop / stop-limit / trailing triggers,
// volume participation on bars).
//
// Matching (deterministic: orders are matched in the order they were armed; broker ids are "PB-<client order id>",
// fill ids "PF-<client order id>-<n>"):
//  * Quote: every working order of the symbol is matched against a one-price bar at the ask (buys) or the bid
//    (sells), falling back to the last trade. Market orders therefore fill at the next quote's touch + slippage.
//  * Bar (BarClosed): matched by FillModel::match against bars whose open time is at or after the time the order
//    was armed (no look-ahead), with the participation cap shared per bar and symbol.
//  * IOC: whatever fills at the first opportunity, the rest expires. FOK: fills completely at the first
//    opportunity or expires. DAY: expires at the close of the session it was placed in (NYSE calendar) — poll().
//  * Trailing stops anchor on the last price known when armed (or the first price seen after).
// Restart: the venue keeps its own book (PaperBook: every arm, fill and end written to disk before it is reported),
// so reconcile() answers from what the venue really did: fills the journal misses are reported (once: the fill
// ids are the book's), orders that ended are ended, working orders are re-armed with their remaining quantity,
// and an order the venue never saw (pending_submit) is armed now. Nothing is executed twice.
// Account: cash moves with fills and commissions; positions use domain::Position average cost; equity marks
// positions at the last price seen. Not thread-safe: owned by the execution thread, and it reports every event and
// answer from inside the call that caused it, on that thread.
#include "core/backtest/FillModel.h"
#include "core/common/Clock.h"
#include "core/common/Config.h"
#include "core/execution/IBroker.h"
#include "core/execution/paper/PaperBook.h"

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace meridian::time {
class NyseCalendar;
}

namespace meridian::execution {

struct PaperBrokerConfig {
  backtest::FillModelConfig fill;
  double initialCash = 100'000.0;
  bool matchOnQuotes = true;
  bool matchOnBars = true;
  bool expireDayOrders = true;
  // paper.book_path: the venue's durable book (PaperBook.h); empty = none (unit tests). Opened by openBook().
  std::string bookPath;

  // paper.initial_cash, paper.slippage_bps, paper.max_participation, paper.commission_per_share / commission_min
  // (bookPath is left to the caller: its default depends on the storage). The fill model is also what a live
  // strategy's comparison backtest fills with (runtime/LiveComparison.h).
  static PaperBrokerConfig fromConfig(const common::Config& config);
};

class PaperBroker final : public IBroker {
 public:
  // clock: time of acceptances / expiry (defaults to a RealClock); calendar: nullptr = NyseCalendar::instance().
  explicit PaperBroker(PaperBrokerConfig config = {}, std::shared_ptr<const common::IClock> clock = {},
                       const time::NyseCalendar* calendar = nullptr);

  std::string_view name() const override { return "paper"; }
  // Opens config.bookPath and reads it back (error: damaged or unreadable; the broker must not start then).
  Status openBook();

  void submit(const domain::Order& order) override;
  void cancel(const domain::Order& order) override;
  void replace(const domain::Order& existing, const domain::Order& replacement) override;
  void reconcile(const std::vector<domain::Order>& journalOpen) override;

  // Queries answer inside the call, from memory.
  void requestOpenOrders(BrokerAnswer<std::vector<domain::Order>> done) override;
  void requestOrder(const std::string& clientOrderId, BrokerAnswer<std::optional<domain::Order>> done) override;
  void requestAccount(BrokerAnswer<AccountInfo> done) override;
  void requestPositions(BrokerAnswer<std::vector<domain::Position>> done) override;

  void onQuote(const domain::Quote& quote) override;
  void onBar(std::string_view symbol, const domain::Bar& bar) override;
  void poll(domain::Timestamp now) override;

  // Restores the simulated account (cash and positions) after a restart.
  void restoreAccount(double cash, const std::vector<domain::Position>& positions) override;
  const backtest::FillModel& fillModel() const { return m_model; }
  std::size_t workingCount() const { return m_working.size(); }
  std::uint64_t submissions() const { return m_submissions; }  // orders armed (tests: nothing doubled)

 private:
  struct Working {
    domain::Order order;
    backtest::WorkingOrder wo;
    domain::Timestamp armedTs = 0;
    domain::Timestamp expiresTs = 0;  // DAY orders: session close; 0 = never
    bool anchored = false;            // trailing stop has an anchor
    int fillSeq = 0;
  };
  // Arms an order (written to the book first unless `persist` is false); false when the book cannot be written.
  bool arm(const domain::Order& order, double remaining, bool announce, bool persist = true);
  domain::Timestamp expiryFor(const domain::Order& order, domain::Timestamp armedTs) const;
  // Matches one order against a bar; returns true when the order is finished (filled or expired).
  bool matchOne(Working& w, const domain::Bar& bar, double& available, domain::Timestamp ts);
  // Books a fill (written to the book first); false when the book cannot be written (nothing filled).
  bool book(Working& w, double qty, double price, domain::Timestamp ts);
  void expire(const std::string& clientOrderId, domain::Timestamp ts, const std::string& reason);
  void applyToAccount(const domain::Fill& fill);
  void reconcileFromBook(const domain::Order& journal, const PaperBook::Entry& venue);
  std::vector<Working>::iterator findWorking(const std::string& clientOrderId);
  domain::Timestamp now() const { return m_clock->now(); }

  PaperBrokerConfig m_config;
  backtest::FillModel m_model;
  std::shared_ptr<const common::IClock> m_clock;
  const time::NyseCalendar* m_calendar;
  std::unique_ptr<PaperBook> m_book;
  std::vector<Working> m_working;  // arm order = match priority
  std::map<std::string, domain::Position> m_positions;
  std::unordered_map<std::string, double> m_last;
  double m_cash;
  std::uint64_t m_submissions = 0;
};

}  // namespace meridian::execution
