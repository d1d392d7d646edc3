#include "core/research/StoredSeries.h"

#include "core/contract/History.h"

#include <fmt/format.h>

#include <atomic>
#include <limits>

namespace meridian::research {

Result<backtest::BarSeries> loadStoredSeries(bus::EventBus& bus, const contract::SeriesRequest& request,
                                             std::chrono::milliseconds timeout) {
  static std::atomic<std::uint64_t> sequence{0};
  const std::string tf(domain::toString(request.timeframe));
  const std::string what = fmt::format("{}{}{} bars of {}", request.adjusted ? "adjusted " : "",
                                       request.source.empty() ? std::string() : request.source + " ", tf,
                                       request.symbol);
  if (request.symbol.empty()) return makeError(kStoredSeriesCode, "a stored series needs a symbol");

  contract::RequestHistory req;
  req.correlationId = fmt::format("stored-series-{}", ++sequence);
  req.symbol = request.symbol;
  req.timeframe = request.timeframe;
  if (request.fromTs != 0) req.fromTs = request.fromTs;
  if (request.toTs != 0) req.toTs = request.toTs;
  req.maxBars = std::numeric_limits<std::size_t>::max();
  req.vendor = request.source;
  req.preferAdjusted = request.adjusted;

  auto answers = std::make_shared<bus::Mailbox>("stored-series", 16);
  const auto subscription = bus.subscribe<contract::HistoryLoaded>(answers, req.correlationId);
  struct Unsubscribe {
    bus::EventBus& bus;
    bus::SubscriptionId id;
    ~Unsubscribe() { bus.unsubscribe(id); }
  } unsubscribe{bus, subscription};
  if (Status sent = bus.send(req); !sent.ok())
    return makeError(kStoredSeriesCode, fmt::format("cannot load {}: {}", what, sent.error().message));

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<bus::Envelope> got;
  while (std::chrono::steady_clock::now() < deadline) {
    answers->waitNonEmpty(std::chrono::milliseconds(100));
    got.clear();
    answers->drain(got);
    for (const auto& e : got) {
      const auto loaded = e.share<contract::HistoryLoaded>();
      if (!loaded || loaded->correlationId != req.correlationId) continue;
      if (!loaded->ok()) return makeError(kStoredSeriesCode, fmt::format("cannot load {}: {}", what, loaded->error));
      if (loaded->source.empty() || loaded->bars->empty())
        return makeError(kStoredSeriesCode, fmt::format("no {} are stored (ingest or import them first)", what));
      if (loaded->timeframe != request.timeframe)
        return makeError(kStoredSeriesCode,
                         fmt::format("no {} are stored: only the coarser series {} ({}), which cannot be made finer",
                                     what, loaded->source, domain::toString(loaded->timeframe)));
      const bool adjusted = loaded->source.find("_adjusted") != std::string::npos;
      if (adjusted != request.adjusted)
        return makeError(kStoredSeriesCode,
                         fmt::format("no {} are stored: only {} ({}){}", what, loaded->source,
                                     adjusted ? "adjusted" : "not adjusted",
                                     adjusted ? "; pass --adjusted to use it" : ""));
      return backtest::BarSeries{request.symbol, *loaded->bars};
    }
  }
  return makeError(kStoredSeriesCode,
                   fmt::format("no answer for {} within {} s (is the history service running?)", what,
                               std::chrono::duration_cast<std::chrono::seconds>(timeout).count()));
}

}  // namespace meridian::research
