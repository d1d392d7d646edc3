#include "LocalHttpServer.h"

#include <QHostAddress>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>

namespace meridian::testing {
namespace {

QByteArray reasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

class Worker : public QObject {
 public:
  explicit Worker(LocalHttpServer& owner) : m_owner(owner) {}

  quint16 listen() {
    m_server = new QTcpServer(this);
    if (!m_server->listen(QHostAddress::LocalHost, 0)) return 0;
    QObject::connect(m_server, &QTcpServer::newConnection, this, [this] {
      while (QTcpSocket* s = m_server->nextPendingConnection()) {
        s->setParent(this);
        QObject::connect(s, &QTcpSocket::readyRead, this, [this, s] { onReadyRead(s); });
        QObject::connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
      }
    });
    return m_server->serverPort();
  }

 private:
  void onReadyRead(QTcpSocket* s) {
    QByteArray& buf = m_buffers[s];
    buf += s->readAll();
    const qsizetype end = buf.indexOf("\r\n\r\n");
    if (end < 0) return;
    const QByteArray head = buf.left(end);
    buf.remove(0, end + 4);
    const QList<QByteArray> lines = head.split('\n');
    RecordedRequest req;
    const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
    req.method = first.value(0);
    req.target = first.value(1);
    const QUrl url(QString::fromLatin1("http://localhost") + QString::fromLatin1(req.target));
    req.path = url.path();
    req.query = QUrlQuery(url);
    for (qsizetype i = 1; i < lines.size(); ++i) {
      const QByteArray line = lines[i].trimmed();
      const qsizetype colon = line.indexOf(':');
      if (colon > 0) req.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    }
    const CannedResponse r = m_owner.respond(req);
    QPointer<QTcpSocket> socket(s);
    auto send = [socket, r] {
      if (!socket) return;
      QByteArray out = "HTTP/1.1 " + QByteArray::number(r.status) + " " + reasonPhrase(r.status) + "\r\n";
      out += "Content-Type: " + r.contentType + "\r\n";
      out += "Content-Length: " + QByteArray::number(r.body.size()) + "\r\n";
      out += "Connection: close\r\n";
      for (const auto& h : r.headers) out += h.first + ": " + h.second + "\r\n";
      out += "\r\n";
      out += r.truncateAfter >= 0 ? r.body.left(r.truncateAfter) : r.body;
      socket->write(out);
      socket->disconnectFromHost();
    };
    if (r.delayMs > 0)
      QTimer::singleShot(r.delayMs, this, send);
    else
      send();
  }

  LocalHttpServer& m_owner;
  QTcpServer* m_server = nullptr;
  std::map<QTcpSocket*, QByteArray> m_buffers;
};

}  // namespace

QByteArray RecordedRequest::header(const QByteArray& name) const {
  for (const auto& h : headers)
    if (h.first.compare(name, Qt::CaseInsensitive) == 0) return h.second;
  return {};
}

CannedResponse json(int status, const QByteArray& body, QList<QPair<QByteArray, QByteArray>> headers) {
  CannedResponse r;
  r.status = status;
  r.body = body;
  r.headers = std::move(headers);
  return r;
}

LocalHttpServer::LocalHttpServer() {
  auto* worker = new Worker(*this);
  worker->moveToThread(&m_thread);
  QObject::connect(&m_thread, &QThread::finished, worker, &QObject::deleteLater);
  m_worker = worker;
  m_thread.start();
  quint16 port = 0;
  QMetaObject::invokeMethod(worker, [&port, worker] { port = worker->listen(); }, Qt::BlockingQueuedConnection);
  m_port = port;
}

LocalHttpServer::~LocalHttpServer() {
  m_thread.quit();
  m_thread.wait();
}

void LocalHttpServer::route(const QString& path, std::vector<CannedResponse> responses) {
  std::lock_guard lock(m_mutex);
  m_routes[path] = Route{std::move(responses), 0};
}

void LocalHttpServer::clearRoutes() {
  std::lock_guard lock(m_mutex);
  m_routes.clear();
}

std::vector<RecordedRequest> LocalHttpServer::requests() const {
  std::lock_guard lock(m_mutex);
  return m_requests;
}

int LocalHttpServer::requestCount(const QString& path) const {
  std::lock_guard lock(m_mutex);
  if (path.isEmpty()) return int(m_requests.size());
  return int(std::count_if(m_requests.begin(), m_requests.end(),
                           [&](const RecordedRequest& r) { return r.path == path; }));
}

void LocalHttpServer::clearRequests() {
  std::lock_guard lock(m_mutex);
  m_requests.clear();
}

CannedResponse LocalHttpServer::respond(const RecordedRequest& request) {
  std::lock_guard lock(m_mutex);
  m_requests.push_back(request);
  auto it = m_routes.find(request.path);
  if (it == m_routes.end() || it->second.responses.empty())
    return json(404, R"({"status":"NOT_FOUND","message":"no route in LocalHttpServer"})");
  Route& r = it->second;
  const CannedResponse out = r.responses[std::min(r.next, r.responses.size() - 1)];
  if (r.next < r.responses.size()) ++r.next;
  return out;
}

}  // namespace meridian::testing
