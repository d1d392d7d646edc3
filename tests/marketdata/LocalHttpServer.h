#pragma once
// Minimal HTTP/1.1 server for adapter tests: serves canned responses per path from its own thread on
// 127.0.0.1:<ephemeral>, records every request (method, path, query, headers and the body: exactly
// Content-Length bytes are read before answering), and can delay responses or cut a body short (Content-Length
// promises more than is sent, then the connection closes). A handler can answer instead of the canned routes
// (stateful fakes such as a venue keeping orders), and the listener can be closed and re-opened on the same port
// (connection refused while down) to simulate a server that goes away and comes back.
#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QThread>
#include <QUrl>
#include <QUrlQuery>

#include <functional>
#include <map>
#include <mutex>
#include <optional>
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
  QByteArray body;    // exactly Content-Length bytes (empty without a body)
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
  // Called (on the server thread, without the server's lock held) for every request before the routes; a value
  // answers the request, nullopt falls through to the routes. Empty function = routes only.
  using Handler = std::function<std::optional<CannedResponse>(const RecordedRequest&)>;
  void setHandler(Handler handler);

  // Closes the listening socket: new connections are refused until resumeListening(), which listens again on the
  // same port. Both block until done. resumeListening returns false when the port could not be re-bound.
  void stopListening();
  bool resumeListening();
  bool listening() const;

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
  // Runs `fn` on the server thread and waits for it. The hand-off (task queue, completion) uses std::mutex and
  // std::condition_variable instead of Qt::BlockingQueuedConnection, so ThreadSanitizer sees it: Debian's Qt is not
  // instrumented, and a hand-off inside QtCore looks to TSan like a data race on everything `fn` touches.
  void runOnServerThread(const std::function<void()>& fn) const;

  QThread m_thread;
  QObject* m_worker = nullptr;
  quint16 m_port = 0;
  mutable std::mutex m_mutex;
  std::map<QString, Route> m_routes;
  Handler m_handler;
  std::vector<RecordedRequest> m_requests;
};

// Canned JSON helpers.
CannedResponse json(int status, const QByteArray& body, QList<QPair<QByteArray, QByteArray>> headers = {});

}  // namespace meridian::testing
