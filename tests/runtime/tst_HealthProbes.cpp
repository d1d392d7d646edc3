// health::providers against the local HTTP server speaking Polygon's and Alpaca's documented auth: the probe
// sends the configured key (in headers, never in the URL or the detail), a rejected key is down, an accepted one ok.
#include "core/common/Config.h"
#include "core/runtime/HealthProbes.h"

#include "../marketdata/LocalHttpServer.h"

#include <QtTest>

using namespace meridian;
using meridian::testing::LocalHttpServer;

namespace {

contract::ComponentHealth probe(const common::Config& config, const char* name) {
  for (auto& c : runtime::health::providers(config, {}, true, std::chrono::milliseconds(3000)))
    if (c.name == std::string("Provider ") + name) return c.probe ? c.probe() : contract::ComponentHealth{};
  return {};
}

}  // namespace

class tst_HealthProbes : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void polygonProbeSendsTheKey() {
    LocalHttpServer server;
    server.setHandler([](const testing::RecordedRequest& r) -> std::optional<testing::CannedResponse> {
      if (r.header("Authorization") == "Bearer good-polygon-key")
        return testing::json(200, R"({"results":[],"status":"OK","count":0})");
      return testing::json(401, R"({"status":"ERROR","error":"Unknown API Key"})");
    });
    common::Config config;
    config.set("polygon.base_url", server.baseUrl().toString());
    config.set("polygon.api_key", "bad-polygon-key");
    auto h = probe(config, "polygon");
    QCOMPARE(int(h.state), int(contract::HealthState::Down));
    QVERIFY2(h.detail.find("credentials rejected") != std::string::npos, h.detail.c_str());
    QVERIFY(h.detail.find("bad-polygon-key") == std::string::npos);
    const auto reqs = server.requests();
    QCOMPARE(reqs.size(), std::size_t(1));
    QCOMPARE(reqs[0].path, QString("/v3/reference/tickers"));
    QVERIFY(!reqs[0].target.contains("key"));  // not in the URL

    config.set("polygon.api_key", "good-polygon-key");
    h = probe(config, "polygon");
    QCOMPARE(int(h.state), int(contract::HealthState::Ok));
    QVERIFY2(h.detail.find("credentials accepted") != std::string::npos, h.detail.c_str());
  }
  void alpacaProbeSendsBothKeys() {
    LocalHttpServer server;
    server.setHandler([](const testing::RecordedRequest& r) -> std::optional<testing::CannedResponse> {
      if (r.header("APCA-API-KEY-ID") == "AKID" && r.header("APCA-API-SECRET-KEY") == "right-secret")
        return testing::json(200, R"({"bars":{}})");
      return testing::json(403, R"({"message":"forbidden"})");
    });
    common::Config config;
    config.set("alpaca.data_url", server.baseUrl().toString());
    config.set("alpaca.key_id", "AKID");
    config.set("alpaca.secret_key", "wrong-secret");
    auto h = probe(config, "alpaca");
    QCOMPARE(int(h.state), int(contract::HealthState::Down));
    QVERIFY2(h.detail.find("HTTP 403") != std::string::npos, h.detail.c_str());
    QVERIFY(h.detail.find("wrong-secret") == std::string::npos);
    QCOMPARE(server.requests().at(0).path, QString("/v2/stocks/bars/latest"));
    config.set("alpaca.secret_key", "right-secret");
    QCOMPARE(int(probe(config, "alpaca").state), int(contract::HealthState::Ok));
  }
  void serverErrorsAreDegraded() {
    LocalHttpServer server;
    server.route("/v2/stocks/bars/latest", {testing::json(500, R"({"message":"internal"})")});
    common::Config config;
    config.set("alpaca.data_url", server.baseUrl().toString());
    config.set("alpaca.key_id", "AKID");
    config.set("alpaca.secret_key", "s");
    QCOMPARE(int(probe(config, "alpaca").state), int(contract::HealthState::Degraded));
  }
};

QTEST_GUILESS_MAIN(tst_HealthProbes)
#include "tst_HealthProbes.moc"
