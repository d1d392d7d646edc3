#include "LocalHttpServer.h"

#include <QCoreApplication>
#include <QEvent>
#include <QHostAddress>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <vector>

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

  // Any thread: queue `fn` for the server thread. The task travels through a std::mutex-guarded queue and the
  // posted QEvent carries nothing but a wake-up that QtCore itself reads and frees (see runOnServerThread).
  void post(std::function<void()> fn) {
    {
      std::lock_guard lock(m_tasksMutex);
      m_tasks.push_back(std::move(fn));
    }
    QCoreApplication::postEvent(this, new QEvent(QEvent::User));
  }

  quint16 listen(quint16 port = 0) {
    if (!m_server) {
      m_server = new QTcpServer(this);
      QObject::connect(m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket* s = m_server->nextPendingConnection()) {
          s->setParent(this);
          QObject::connect(s, &QTcpSocket::readyRead, this, [this, s] { onReadyRead(s); });
          QObject::connect(s, &QTcpSocket::disconnected, this, [this, s] {
            m_buffers.erase(s);  // a later socket may reuse the address: never inherit its bytes
            s->deleteLater();
          });
        }
      });
    }
    if (!m_server->listen(QHostAddress::LocalHost, port)) return 0;
    return m_server->serverPort();
  }
  void close() {
    if (m_server) m_server->close();
  }
  bool isListening() const { return m_server && m_server->isListening(); }

 protected:
  void customEvent(QEvent* /*wakeUp*/) override {
    std::vector<std::function<void()>> tasks;
    {
      std::lock_guard lock(m_tasksMutex);
      tasks.swap(m_tasks);
    }
    for (auto& task : tasks) task();
  }

 private:
  void onReadyRead(QTcpSocket* s) {
    QByteArray& buf = m_buffers[s];
    buf += s->readAll();
    const qsizetype end = buf.indexOf("\r\n\r\n");
    if (end < 0) return;
    const QByteArray head = buf.left(end);
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
    // The body: exactly Content-Length bytes, possibly arriving in later reads.
    const qsizetype bodyLength = std::max<qsizetype>(0, req.header("Content-Length").trimmed().toLongLong());
    if (buf.size() - (end + 4) < bodyLength) return;  // wait for the rest
    req.body = buf.mid(end + 4, bodyLength);
    buf.remove(0, end + 4 + bodyLength);
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
  std::mutex m_tasksMutex;
  std::vector<std::function<void()>> m_tasks;
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
  runOnServerThread([&port, worker] { port = worker->listen(); });
  m_port = port;
}

void LocalHttpServer::runOnServerThread(const std::function<void()>& fn) const {
  std::mutex doneMutex;
  std::condition_variable doneCv;
  bool done = false;
  static_cast<Worker*>(m_worker)->post([&] {
    fn();
    std::lock_guard lock(doneMutex);
    done = true;
    doneCv.notify_one();
  });
  std::unique_lock lock(doneMutex);
  doneCv.wait(lock, [&] { return done; });
}

LocalHttpServer::~LocalHttpServer() {
  m_thread.quit();
  m_thread.wait();
  // QThread::wait() joins inside QtCore, which TSan does not see; taking the lock the server thread wrote the
  // recorded requests under orders their destruction below after those writes.
  std::lock_guard lock(m_mutex);
}

void LocalHttpServer::route(const QString& path, std::vector<CannedResponse> responses) {
  std::lock_guard lock(m_mutex);
  m_routes[path] = Route{std::move(responses), 0};
}

void LocalHttpServer::setHandler(Handler handler) {
  std::lock_guard lock(m_mutex);
  m_handler = std::move(handler);
}

void LocalHttpServer::stopListening() {
  auto* worker = static_cast<Worker*>(m_worker);
  runOnServerThread([worker] { worker->close(); });
}

bool LocalHttpServer::resumeListening() {
  auto* worker = static_cast<Worker*>(m_worker);
  quint16 port = 0;
  const quint16 want = m_port;
  runOnServerThread([&port, worker, want] { port = worker->isListening() ? want : worker->listen(want); });
  return port == m_port;
}

bool LocalHttpServer::listening() const {
  auto* worker = static_cast<Worker*>(m_worker);
  bool out = false;
  runOnServerThread([&out, worker] { out = worker->isListening(); });
  return out;
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
  Handler handler;
  {
    std::lock_guard lock(m_mutex);
    m_requests.push_back(request);
    handler = m_handler;
  }
  if (handler)
    if (auto answer = handler(request)) return *std::move(answer);
  std::lock_guard lock(m_mutex);
  auto it = m_routes.find(request.path);
  if (it == m_routes.end() || it->second.responses.empty())
    return json(404, R"({"status":"NOT_FOUND","message":"no route in LocalHttpServer"})");
  Route& r = it->second;
  const CannedResponse out = r.responses[std::min(r.next, r.responses.size() - 1)];
  if (r.next < r.responses.size()) ++r.next;
  return out;
}

}  // namespace meridian::testing
