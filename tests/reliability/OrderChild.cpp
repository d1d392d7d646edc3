// Child process for tst_CrashMidOrder: the production order path (runtime::StorageService with a SQLite journal,
// ExecutionService, AlpacaBroker) submits one limit order against the given venue, prints "journaled <id>" once
// the journal holds it (OrderUpdated pending_submit is published after the write), then idles until it is killed.
// Usage: reliability_order_child <sqlite path> <alpaca base url> <client order id>
#include "core/bus/Events.h"
#include "core/execution/ExecutionService.h"
#include "core/execution/alpaca/AlpacaBroker.h"
#include "core/runtime/StorageService.h"

#include <QCoreApplication>
#include <QUrl>

#include <chrono>
#include <cstdio>
#include <thread>

using namespace meridian;

namespace {

class Journal final : public execution::IJournalQueue {
 public:
  explicit Journal(runtime::StorageService& s) : m_s(s) {}
  void post(Task t) override {
    m_s.post([t = std::move(t)](storage::IStorage& st) { t(st); });
  }

 private:
  runtime::StorageService& m_s;
};

}  // namespace

int main(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s <sqlite path> <alpaca base url> <client order id>\n", argv[0]);
    return 2;
  }
  const std::string id = argv[3];
  storage::StorageConfig sc;
  sc.sqlitePath = argv[1];
  runtime::StorageService storage(sc);
  if (Status s = storage.start(); !s.ok()) {
    std::fprintf(stderr, "storage: %s\n", s.error().message.c_str());
    return 1;
  }
  execution::AlpacaConfig ac;
  ac.baseUrl = QUrl(QString::fromLocal8Bit(argv[2]));
  ac.keyId = "PKRELIABILITY0001";
  ac.secretKey = "reliability-secret-value";
  ac.http.timeoutMs = 60'000;  // the reply is held back by the test: the process dies while waiting for it
  ac.http.maxAttempts = 1;
  execution::ExecutionConfig cfg;
  cfg.limits.enforceTradingHours = false;
  bus::EventBus bus;
  auto events = std::make_shared<bus::Mailbox>();
  bus.subscribe("exec.order.>", events);
  execution::ExecutionService service(bus, std::make_shared<Journal>(storage),
                                      std::make_unique<execution::AlpacaBroker>(ac), cfg);
  if (Status s = service.start(); !s.ok()) {
    std::fprintf(stderr, "execution: %s\n", s.error().message.c_str());
    return 1;
  }
  bus::QuoteUpdated q;
  q.quote.symbol = "AAPL";
  q.quote.bid = 99.9;
  q.quote.ask = 100.1;
  q.quote.last = 100.0;
  q.quote.ts = common::RealClock().now();
  bus.publish("md.quote.AAPL", q);
  domain::Order o;
  o.clientOrderId = id;
  o.symbol = "AAPL";
  o.side = domain::Side::Buy;
  o.quantity = 7;
  o.type = domain::OrderType::Limit;
  o.limitPrice = 100.0;
  o.tif = domain::TimeInForce::Gtc;
  bus.publish("cmd.order.submit", bus::SubmitOrder{"C-child", o});
  bool announced = false;
  while (true) {  // until SIGKILL
    std::vector<bus::Envelope> got;
    if (events->waitNonEmpty(std::chrono::milliseconds(100))) events->drain(got);
    for (const auto& e : got) {
      const auto* u = e.as<bus::OrderUpdated>();
      if (!announced && u && u->order.clientOrderId == id && u->order.status == domain::OrderStatus::PendingSubmit) {
        std::printf("journaled %s\n", id.c_str());
        std::fflush(stdout);
        announced = true;
      }
    }
  }
}
