#pragma once
// Minimal HTTP/1.1 server for adapter tests: serves canned responses per path from its own thread on
// 127.0.0.1:<ephemeral>, records every request (method, path, query, headers), and can delay responses or cut
// a body short (Content-Length promises more than is sent, then the connection closes).
#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QThread>
#include <QUrl>
#include <QUrlQuery>

#include <map>
#include <mutex>
#include <vector>

namespace meridian::testing {

struct CannedResponse {
  int status = 200;
  QByteArray body;
  QList<QPair<QByteArray, QByteArray>> headers;  // extra headers (e.g. Retry-After)
  QByteArray contentType = "application/json";
  int delayMs = 0;
  qsizetype truncateAfter = -1;  // >= 0: send only this many body bytes, then close (Content-Length = full size)
};

struct RecordedRequest {
  QByteArray method;
  QByteArray target;  // raw request target, e.g. /v2/aggs/...?apiKey=...
  QString path;       // decoded path
  QUrlQuery query;
  QList<QPair<QByteArray, QByteArray>> headers;
  QByteArray header(const QByteArray& name) const;
};

class LocalHttpServer {
 public:
  LocalHttpServer();  // listening when constructed (QVERIFY(server.port() != 0))
  ~LocalHttpServer();
  LocalHttpServer(const LocalHttpServer&) = delete;
  LocalHttpServer& operator=(const LocalHttpServer&) = delete;

  quint16 port() const { return m_port; }
  QUrl baseUrl() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port)); }

  // Responses for `path` (exact match, query ignored) in order; the last one repeats. Replaces earlier routes.
  void route(const QString& path, std::vector<CannedResponse> responses);
  void clearRoutes();
  std::vector<RecordedRequest> requests() const;
  int requestCount(const QString& path = {}) const;  // empty = all
  void clearRequests();

  // Internal: called on the server thread.
  CannedResponse respond(const RecordedRequest& request);

 private:
  struct Route {
    std::vector<CannedResponse> responses;
    std::size_t next = 0;
  };
  QThread m_thread;
  QObject* m_worker = nullptr;
  quint16 m_port = 0;
  mutable std::mutex m_mutex;
  std::map<QString, Route> m_routes;
  std::vector<RecordedRequest> m_requests;
};

// Canned JSON helpers.
CannedResponse json(int status, const QByteArray& body, QList<QPair<QByteArray, QByteArray>> headers = {});

}  // namespace meridian::testing
