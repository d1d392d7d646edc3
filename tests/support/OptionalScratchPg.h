#pragma once
// A scratch PostgreSQL database for tests that run on SQLite and, when the server is given
// (MERIDIAN_TEST_PG_URI) and the build has PostgreSQL, on PostgreSQL too. uri() is empty when there is none.
// The database is "<name>_<process id>" (two checkouts testing against one server at once do not collide), dropped
// with the object. Construct it in initTestCase (a server that cannot be reached throws: the test fails there).
#include <QCoreApplication>
#include <QtGlobal>

#include <memory>
#include <string>

#if MERIDIAN_HAVE_POSTGRES
#include "ScratchPgDatabase.h"
#endif

namespace meridian::testsupport {

class OptionalScratchPg {
 public:
  explicit OptionalScratchPg(const std::string& name) {
#if MERIDIAN_HAVE_POSTGRES
    const QByteArray admin = qgetenv("MERIDIAN_TEST_PG_URI");
    if (!admin.isEmpty())
      m_db = std::make_unique<ScratchPgDatabase>(admin.toStdString(),
                                                 name + "_" + std::to_string(QCoreApplication::applicationPid()));
#else
    (void)name;
#endif
  }
  std::string uri() const {
#if MERIDIAN_HAVE_POSTGRES
    if (m_db) return m_db->uri();
#endif
    return {};
  }
  // True when `backend` cannot run here (test functions then MERIDIAN_SKIP_OR_FAIL: RequireServers.h).
  bool skip(const QString& backend) const { return backend == QLatin1String("postgres") && uri().empty(); }

 private:
#if MERIDIAN_HAVE_POSTGRES
  std::unique_ptr<ScratchPgDatabase> m_db;
#endif
};

}  // namespace meridian::testsupport
