#pragma once
// A scratch PostgreSQL database for tests that run on SQLite and, when the server is given
// (MERIDIAN_TEST_PG_URI) and the build has PostgreSQL, on PostgreSQL too. uri() is empty when there is none.
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
    if (!admin.isEmpty()) m_db = std::make_unique<ScratchPgDatabase>(admin.toStdString(), name);
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
  // True when `backend` cannot run here; fatal when MERIDIAN_REQUIRE_SERVERS=1 says it must.
  bool skip(const QString& backend) const {
    if (backend != QLatin1String("postgres") || !uri().empty()) return false;
    if (qEnvironmentVariable("MERIDIAN_REQUIRE_SERVERS") == QLatin1String("1"))
      qFatal("MERIDIAN_REQUIRE_SERVERS=1 but MERIDIAN_TEST_PG_URI is not set (or the build has no PostgreSQL)");
    return true;
  }

 private:
#if MERIDIAN_HAVE_POSTGRES
  std::unique_ptr<ScratchPgDatabase> m_db;
#endif
};

}  // namespace meridian::testsupport
