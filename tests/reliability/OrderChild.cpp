// Child process for tst_CrashMidOrder: the production order path (storage::StorageService with a SQLite journal,
// ExecutionService, AlpacaBroker) submits one limit order against the given venue, prints "journaled <id>" once
// the journal holds it (OrderUpdated pending_submit is published after the write), then idles until it is killed.
// Usage: reliability_order_child <sqlite path> <alpaca base url> <client order id>
#include "VenueExecution.h"

#include <QCoreApplication>
#include <QUrl>

#include <chrono>
#include <cstdio>
#include <thread>

using namespace meridian;

int main(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s <sqlite path> <alpaca base url> <client order id>\n", argv[0]);
    return 2;
  }
  const std::string id = argv[3];
  std::string error;
  auto storage = testsupport::startSqliteStorage(QString::fromLocal8Bit(argv[1]), &error);
  if (!storage) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  execution::AlpacaConfig broker = testsupport::venueBrokerConfig(QUrl(QString::fromLocal8Bit(argv[2])));
  broker.http.timeoutMs = 60'000;  // the reply is held back by the test: the process dies while waiting for it
  broker.http.maxAttempts = 1;
  broker.pollInterval = execution::AlpacaConfig{}.pollInterval;  // production polling, as before the crash
  bus::EventBus bus;
  auto events = std::make_shared<bus::Mailbox>();
  bus.subscribe("exec.order.>", events);
  auto service = testsupport::startVenueExecution(bus, *storage, broker, &error);
  if (!service) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  testsupport::publishAaplQuote(bus);
  if (Status s = bus.send(contract::SubmitOrder{"C-child", testsupport::limitBuy(id, 7, 100.0)}); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.error().message.c_str());
    return 1;
  }
  bool announced = false;
  while (true) {  // until SIGKILL
    std::vector<bus::Envelope> got;
    if (events->waitNonEmpty(std::chrono::milliseconds(100))) events->drain(got);
    for (const auto& e : got) {
      const auto* u = e.as<contract::OrderUpdated>();
      if (!announced && u && u->order.clientOrderId == id && u->order.status == domain::OrderStatus::PendingSubmit) {
        std::printf("journaled %s\n", id.c_str());
        std::fflush(stdout);
        announced = true;
      }
    }
  }
}
